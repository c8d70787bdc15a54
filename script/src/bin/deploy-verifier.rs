//! `deploy-verifier`: Deploys Cairn's Groth16 verifier for a verifying key, routes it in a CairnVerifierGateway (deployed unless --gateway is given) and records both in deployments/<chainId>.json.

fn main() {
    let about = "Deploys Cairn's Groth16 verifier for a verifying key, routes it in a CairnVerifierGateway (deployed unless --gateway is given) and records both in deployments/<chainId>.json.";
    cairn_deploy::cli::main::<cairn_deploy::cli::DeployVerifierArgs>("deploy-verifier", about);
}
