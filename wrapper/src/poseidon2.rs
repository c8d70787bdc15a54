//! Poseidon2 over BN254, width 3, as a circuit: the permutation of the outer configuration's
//! leaf hash, node compression and Fiat-Shamir challenger.
//!
//! It replays p3-bn254 0.8's `Poseidon2Bn254<3>` step by step, with the constants of
//! [`cairn_stark::poseidon2_bn254`] (HorizenLabs RC3):
//!
//! 1. the external linear layer `circ(2, 1, 1)` once,
//! 2. 4 full rounds: add the round constants, `x^5` on every element, external layer,
//! 3. 56 partial rounds: add the constant to `state[0]`, `x^5` on `state[0]`, internal layer
//!    `1 + diag(1, 1, 2)`,
//! 4. 4 full rounds as in step 2.
//!
//! Linear layers and constant additions are linear combinations (free in R1CS); each S-box is
//! three multiplications, so one permutation costs `3 · (8 · 3 + 56) =` [`CONSTRAINTS`].

use std::sync::OnceLock;

use ark_bn254::Fr;
use ark_ff::PrimeField as _;
use cairn_stark::poseidon2_bn254::{round_constants, ROUNDS_F, ROUNDS_P};
use p3_bn254::Bn254;
use p3_field::PrimeField as _;

use crate::builder::CircuitBuilder;

/// Permutation width.
pub const WIDTH: usize = cairn_stark::poseidon2_bn254::WIDTH;

/// Multiplications (R1CS constraints) per permutation.
pub const CONSTRAINTS: usize = 3 * (ROUNDS_F * WIDTH + ROUNDS_P);

/// The round constants as circuit field elements, in Plonky3's layout.
#[derive(Clone, Debug)]
pub struct RoundConstants {
    /// The first `R_F / 2` full rounds, one constant per element.
    pub initial: Vec<[Fr; WIDTH]>,
    /// The `R_P` partial rounds, one constant each (added to `state[0]`).
    pub internal: Vec<Fr>,
    /// The last `R_F / 2` full rounds.
    pub terminal: Vec<[Fr; WIDTH]>,
}

/// A Plonky3 BN254 element as an arkworks scalar, through its canonical integer.
pub fn fr_from_p3(x: Bn254) -> Fr {
    Fr::from_le_bytes_mod_order(&x.as_canonical_biguint().to_bytes_le())
}

/// An arkworks scalar as a Plonky3 BN254 element.
pub fn fr_to_p3(x: Fr) -> Bn254 {
    Bn254::new(x.into_bigint().0)
}

/// The outer permutation's round constants (converted once per process).
pub fn constants() -> &'static RoundConstants {
    static CONSTANTS: OnceLock<RoundConstants> = OnceLock::new();
    CONSTANTS.get_or_init(|| {
        let (initial, internal, terminal) = round_constants();
        let row = |r: &[Bn254; WIDTH]| r.map(fr_from_p3);
        RoundConstants {
            initial: initial.iter().map(row).collect(),
            internal: internal.into_iter().map(fr_from_p3).collect(),
            terminal: terminal.iter().map(row).collect(),
        }
    })
}

/// `(x + c)^5` in three multiplications.
fn sbox<B: CircuitBuilder>(b: &mut B, x: &B::Var, c: Fr) -> B::Var {
    let x = b.add_const(x, c);
    let x2 = b.mul(&x, &x);
    let x4 = b.mul(&x2, &x2);
    b.mul(&x4, &x)
}

/// External layer `circ(2, 1, 1)`: every element plus the sum of all.
pub fn external_layer<B: CircuitBuilder>(b: &mut B, s: &mut [B::Var; WIDTH]) {
    let sum = b.add(&s[0], &s[1]);
    let sum = b.add(&sum, &s[2]);
    for x in s.iter_mut() {
        *x = b.add(x, &sum);
    }
}

/// Internal layer `1 + diag(1, 1, 2)`: `(s0 + Σ, s1 + Σ, 2·s2 + Σ)`.
fn internal_layer<B: CircuitBuilder>(b: &mut B, s: &mut [B::Var; WIDTH]) {
    let sum = b.add(&s[0], &s[1]);
    let sum = b.add(&sum, &s[2]);
    s[0] = b.add(&s[0], &sum);
    s[1] = b.add(&s[1], &sum);
    let doubled = b.scale(&s[2], Fr::from(2u64));
    s[2] = b.add(&doubled, &sum);
}

fn full_round<B: CircuitBuilder>(b: &mut B, s: &mut [B::Var; WIDTH], rc: &[Fr; WIDTH]) {
    for (x, c) in s.iter_mut().zip(rc) {
        *x = sbox(b, x, *c);
    }
    external_layer(b, s);
}

/// The Poseidon2-BN254 width-3 permutation, exactly as p3-bn254 0.8 computes it, through the
/// builder's [`CircuitBuilder::poseidon2_permutation`] (custom gates where the backend has them).
pub fn permute<B: CircuitBuilder>(b: &mut B, state: &[B::Var; WIDTH]) -> [B::Var; WIDTH] {
    b.poseidon2_permutation(state)
}

/// The permutation with the builder's generic operations (the trait's default).
pub fn permute_generic<B: CircuitBuilder>(b: &mut B, state: &[B::Var; WIDTH]) -> [B::Var; WIDTH] {
    let rc = constants();
    let mut s = state.clone();
    external_layer(b, &mut s);
    for row in &rc.initial {
        full_round(b, &mut s, row);
    }
    for c in &rc.internal {
        s[0] = sbox(b, &s[0], *c);
        internal_layer(b, &mut s);
    }
    for row in &rc.terminal {
        full_round(b, &mut s, row);
    }
    s
}
