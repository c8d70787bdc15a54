//! `deploy-rollup`: Deploys the example CairnRollup (contracts/examples) in front of a gateway or verifier and records it in deployments/<chainId>.json.

fn main() {
    let about = "Deploys the example CairnRollup (contracts/examples) in front of a gateway or verifier and records it in deployments/<chainId>.json.";
    cairn_deploy::cli::main::<cairn_deploy::cli::DeployRollupArgs>("deploy-rollup", about);
}
