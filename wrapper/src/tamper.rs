//! Tampered STARK witnesses, for the soundness tests of every backend: each edit changes one
//! kind of value in the proof, and every backend must reject each one.

use ark_bn254::Fr;

use crate::field;
use crate::witness::StarkWitness;

/// Adds one modulo `p`: a different canonical BabyBear value.
pub fn bump(x: &mut u32) {
    *x = (*x + 1) % field::P as u32;
}

/// A change to a witness.
pub type Edit = Box<dyn Fn(&mut StarkWitness)>;

/// One edit per kind of value in the proof: every commitment, opened values of each kind,
/// each FRI layer (commitment and a query's sibling), query paths and rows, every
/// proof-of-work witness, the final polynomial and the public values. Indexes the witness of
/// a multi-chip proof with at least two queries (it panics on smaller ones); tests check that
/// each edit changed something.
pub fn edits(w: &StarkWitness) -> Vec<(String, Edit)> {
    let mut edits: Vec<(String, Edit)> = vec![
        ("main commitment".into(), Box::new(|w| w.main[0] += Fr::from(1u64))),
        ("preprocessed commitment".into(), Box::new(|w| w.preprocessed[0] += Fr::from(1u64))),
        ("permutation commitment".into(), Box::new(|w| w.permutation[0] += Fr::from(1u64))),
        ("quotient commitment".into(), Box::new(|w| w.quotient[0] += Fr::from(1u64))),
        ("main trace at zeta".into(), Box::new(|w| bump(&mut w.opened[1].trace_local[0][0]))),
        ("main trace at next".into(), Box::new(|w| w.opened[1].trace_next.iter_mut().for_each(|t| bump(&mut t[2][1])))),
        ("preprocessed at zeta".into(), Box::new(|w| bump(&mut w.opened[0].preprocessed_local[0][0]))),
        ("permutation at zeta".into(), Box::new(|w| bump(&mut w.opened[1].permutation_local[0][0]))),
        ("permutation at next".into(), Box::new(|w| bump(&mut w.opened[1].permutation_next[0][3]))),
        ("quotient chunk".into(), Box::new(|w| bump(&mut w.opened[0].quotient_chunks[0][0][1]))),
        (
            "lookup terminal".into(),
            Box::new(|w| w.opened.iter_mut().find_map(|o| o.terminal.as_mut()).into_iter().for_each(|t| bump(&mut t[0]))),
        ),
        ("final polynomial".into(), Box::new(|w| bump(&mut w.final_poly[0][0]))),
        ("input Merkle path".into(), Box::new(|w| w.queries[0].inputs[0].path[0] += Fr::from(1u64))),
        ("input opened row".into(), Box::new(|w| bump(&mut w.queries[1].inputs[1].rows[0][0]))),
        ("lookup pow".into(), Box::new(|w| bump(&mut w.lookup_pow))),
        ("ood pow".into(), Box::new(|w| bump(&mut w.ood_pow))),
        ("batch pow".into(), Box::new(|w| bump(&mut w.batch_pow))),
        ("query pow".into(), Box::new(|w| bump(&mut w.query_pow))),
        ("public values digest".into(), Box::new(|w| w.digest[3] ^= 1)),
        ("start pc".into(), Box::new(|w| w.start_pc += 4)),
    ];
    for layer in 0..w.fold_commits.len() {
        edits.push((format!("FRI layer {layer} commitment"), Box::new(move |w| w.fold_commits[layer][0] += Fr::from(1u64))));
        edits.push((format!("FRI layer {layer} sibling"), Box::new(move |w| bump(&mut w.queries[0].folds[layer].sibling[0]))));
        edits.push((format!("FRI layer {layer} path"), Box::new(move |w| w.queries[1].folds[layer].path[0] += Fr::from(1u64))));
        edits.push((format!("FRI layer {layer} pow"), Box::new(move |w| bump(&mut w.commit_pows[layer]))));
    }
    edits
}
