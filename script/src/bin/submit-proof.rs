//! `submit-proof`: Sends a wrapped proof (proof.groth16) to the example rollup's submitBatch, or with --verify-only calls verifyProof on a verifier or gateway.

fn main() {
    let about = "Sends a wrapped proof (proof.groth16) to the example rollup's submitBatch, or with --verify-only calls verifyProof on a verifier or gateway.";
    cairn_deploy::cli::main::<cairn_deploy::cli::SubmitProofArgs>("submit-proof", about);
}
