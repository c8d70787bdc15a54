//! The circuit-builder trait every verifier gadget is written against.
//!
//! A builder holds variables in the BN254 scalar field and offers the few operations the STARK
//! verifier needs. Backends: [`crate::native::NativeBuilder`] computes plain values (and records
//! the first violated assertion), [`crate::r1cs::R1csBuilder`] emits R1CS constraints for
//! Groth16; a PLONK backend implements the same trait. Builders never return errors from each
//! operation: a backend remembers its first failure and reports it when finished, which keeps the
//! gadgets readable.

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};

/// Which part of the verifier constraints belong to, for the constraint-count breakdown. A
/// gadget's constraints count towards the section its caller is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// The Fiat-Shamir transcript: challenger permutations, squeezes, proof-of-work checks.
    Transcript,
    /// Proof values allocated as canonical BabyBear (their range checks): opened rows and
    /// values, FRI siblings, final polynomial, PoW witnesses.
    OpenedValues,
    /// Leaf hashes of opened rows (input rounds and commit-phase pairs).
    MerkleLeaves,
    /// Merkle paths: node compressions, child ordering, root selection.
    MerklePaths,
    /// FRI arithmetic: domain points, reduced openings, folding, final polynomial.
    Fri,
    /// Evaluating the AIR constraints and LogUp sums.
    AirEvaluation,
    /// SHA-256 of the public input.
    Sha256,
    /// Everything else.
    Other,
}

impl Section {
    /// All sections, in report order.
    pub const ALL: [Self; 8] = [
        Self::Transcript,
        Self::OpenedValues,
        Self::MerkleLeaves,
        Self::MerklePaths,
        Self::Fri,
        Self::AirEvaluation,
        Self::Sha256,
        Self::Other,
    ];
}

/// A circuit over the BN254 scalar field.
pub trait CircuitBuilder {
    /// A variable: a BN254 scalar.
    type Var: Clone + core::fmt::Debug;

    /// A constant.
    fn constant(&mut self, value: Fr) -> Self::Var;
    /// A private witness; `value` is `None` when only the circuit's shape is built (key
    /// generation).
    fn witness(&mut self, value: Option<Fr>) -> Self::Var;
    /// The public input (the verifier circuit has exactly one).
    fn public_input(&mut self, value: Option<Fr>) -> Self::Var;
    /// The value of `v`, when values are known.
    fn value(&self, v: &Self::Var) -> Option<Fr>;

    /// `a + b`.
    fn add(&mut self, a: &Self::Var, b: &Self::Var) -> Self::Var;
    /// `a − b`.
    fn sub(&mut self, a: &Self::Var, b: &Self::Var) -> Self::Var;
    /// `a · b`.
    fn mul(&mut self, a: &Self::Var, b: &Self::Var) -> Self::Var;
    /// `c · a` for a constant `c`.
    fn scale(&mut self, a: &Self::Var, c: Fr) -> Self::Var;
    /// `a + c` for a constant `c`.
    fn add_const(&mut self, a: &Self::Var, c: Fr) -> Self::Var;

    /// `Σ cᵢ·aᵢ·bᵢ + linear` for constants `cᵢ`: one multiplication per product, the sum free
    /// in R1CS (the default). PLONK backends chain multiply-accumulate rows instead, where a long
    /// sum of separate products would cost rows of its own.
    fn sum_of_products(&mut self, products: &[(Fr, Self::Var, Self::Var)], linear: &Self::Var) -> Self::Var
    where
        Self: Sized,
    {
        sum_of_products_generic(self, products, linear)
    }
    /// Whether linear combinations cost nothing (R1CS); gadgets that can trade multiplications
    /// for additions (Karatsuba-like products) do so only then.
    fn free_linear_combinations(&self) -> bool {
        true
    }

    /// Constrains `a = b`.
    fn assert_eq(&mut self, a: &Self::Var, b: &Self::Var);
    /// Constrains `a · b = c` (one R1CS constraint, where `mul` then `assert_eq` take two).
    fn assert_mul(&mut self, a: &Self::Var, b: &Self::Var, c: &Self::Var) {
        let product = self.mul(a, b);
        self.assert_eq(&product, c);
    }
    /// Constrains `a` to `bits` bits and returns them, least significant first, each boolean.
    fn to_bits(&mut self, a: &Self::Var, bits: usize) -> Vec<Self::Var>;
    /// Constrains `a < 2^bits`. Backends with lookups override this.
    fn range_check(&mut self, a: &Self::Var, bits: usize) {
        self.to_bits(a, bits);
    }
    /// Constrains `a < bound` (`bound ≤ 2^32`) with range checks: `a < 2^32` and
    /// `a + (2^32 − bound) < 2^32`. Backends with a cheaper construction override it.
    fn range_check_below(&mut self, a: &Self::Var, bound: u64)
    where
        Self: Sized,
    {
        range_check_below_generic(self, a, bound);
    }
    /// Whether [`Self::range_check`] is much cheaper than a bit decomposition (a lookup
    /// argument). Gadgets that only need a bound, not the bits, then use range checks.
    fn cheap_range_checks(&self) -> bool {
        false
    }
    /// A new witness below `2^bits`, allocated as its bits (boolean, least significant first):
    /// the value is their weighted sum, so no recomposition constraint is needed.
    fn witness_bits(&mut self, value: Option<Fr>, bits: usize) -> (Self::Var, Vec<Self::Var>) {
        let value = value.map(to_biguint);
        let mut sum = self.constant(Fr::from(0u64));
        let mut out = Vec::with_capacity(bits);
        let mut weight = Fr::from(1u64);
        for i in 0..bits {
            let bit = self.witness(value.as_ref().map(|v| Fr::from(u64::from(v.bit(i as u64)))));
            self.assert_bool(&bit);
            let term = self.scale(&bit, weight);
            sum = self.add(&sum, &term);
            weight += weight;
            out.push(bit);
        }
        (sum, out)
    }

    /// The Poseidon2-BN254 width-3 permutation ([`crate::poseidon2::permute`]). Backends with
    /// custom gates for its rounds override it; the default uses the generic operations.
    fn poseidon2_permutation(&mut self, state: &[Self::Var; 3]) -> [Self::Var; 3]
    where
        Self: Sized,
    {
        crate::poseidon2::permute_generic(self, state)
    }

    /// Starts attributing constraints to `section`; returns the previous section.
    fn set_section(&mut self, section: Section) -> Section;

    /// `a` if `cond` (boolean) else `b`.
    fn select(&mut self, cond: &Self::Var, a: &Self::Var, b: &Self::Var) -> Self::Var {
        let diff = self.sub(a, b);
        let picked = self.mul(cond, &diff);
        self.add(b, &picked)
    }

    /// Constrains `a = 0`.
    fn assert_zero(&mut self, a: &Self::Var) {
        let zero = self.constant(Fr::from(0u64));
        self.assert_eq(a, &zero);
    }

    /// Constrains `a` to be 0 or 1: `a·(1 − a) = 0`.
    fn assert_bool(&mut self, a: &Self::Var) {
        let one_minus = {
            let neg = self.scale(a, -Fr::from(1u64));
            self.add_const(&neg, Fr::from(1u64))
        };
        let zero = self.constant(Fr::from(0u64));
        self.assert_mul(a, &one_minus, &zero);
    }

    /// A witness computed from known values by `f`, or unknown in shape-only mode.
    fn hint(&mut self, inputs: &[Self::Var], f: impl FnOnce(&[Fr]) -> Fr) -> Self::Var {
        let values: Option<Vec<Fr>> = inputs.iter().map(|v| self.value(v)).collect();
        let value = values.map(|v| f(&v));
        self.witness(value)
    }
}

/// [`CircuitBuilder::sum_of_products`] with `mul` and free additions (the trait's default).
pub fn sum_of_products_generic<B: CircuitBuilder>(
    b: &mut B,
    products: &[(Fr, B::Var, B::Var)],
    linear: &B::Var,
) -> B::Var {
    let mut acc = linear.clone();
    for (c, x, y) in products {
        let p = b.mul(x, y);
        let p = b.scale(&p, *c);
        acc = b.add(&acc, &p);
    }
    acc
}

/// [`CircuitBuilder::range_check_below`] as two 32-bit range checks (the trait's default).
pub fn range_check_below_generic<B: CircuitBuilder>(b: &mut B, a: &B::Var, bound: u64) {
    b.range_check(a, 32);
    let shifted = b.add_const(a, Fr::from((1u64 << 32) - bound));
    b.range_check(&shifted, 32);
}

/// A field element as a non-negative integer (its canonical representative).
pub fn to_biguint(x: Fr) -> num_bigint::BigUint {
    num_bigint::BigUint::from_bytes_le(&x.into_bigint().to_bytes_le())
}

/// The field element of a non-negative integer below the modulus.
pub fn from_biguint(x: &num_bigint::BigUint) -> Fr {
    Fr::from_le_bytes_mod_order(&x.to_bytes_le())
}
