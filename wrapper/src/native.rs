//! The native backend: plain BN254 values, checking every assertion as it goes.

use std::collections::BTreeMap;

use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};

use crate::builder::{CircuitBuilder, Section};

/// A failed assertion in the native backend.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("assertion #{index} failed in section {section:?}")]
pub struct NativeFailure {
    /// Index of the assertion, in evaluation order.
    pub index: usize,
    /// The section it belongs to.
    pub section: Section,
}

/// Computes a circuit's values directly. Assertions that fail are recorded, not panicked on.
#[derive(Clone, Debug)]
pub struct NativeBuilder {
    section: Section,
    assertions: usize,
    failure: Option<NativeFailure>,
    public: Option<Fr>,
    counts: BTreeMap<Section, usize>,
}

impl Default for NativeBuilder {
    fn default() -> Self {
        Self { section: Section::Other, assertions: 0, failure: None, public: None, counts: BTreeMap::new() }
    }
}

impl NativeBuilder {
    /// A fresh builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// The first failed assertion, if any.
    pub fn finish(&self) -> Result<(), NativeFailure> {
        self.failure.clone().map_or(Ok(()), Err)
    }

    /// The public input given.
    pub fn public(&self) -> Option<Fr> {
        self.public
    }

    /// Number of assertions per section.
    pub fn assertion_counts(&self) -> &BTreeMap<Section, usize> {
        &self.counts
    }

    fn check(&mut self, ok: bool) {
        if !ok && self.failure.is_none() {
            self.failure = Some(NativeFailure { index: self.assertions, section: self.section });
        }
        self.assertions += 1;
        *self.counts.entry(self.section).or_default() += 1;
    }
}

impl CircuitBuilder for NativeBuilder {
    type Var = Fr;

    fn constant(&mut self, value: Fr) -> Fr {
        value
    }

    fn witness(&mut self, value: Option<Fr>) -> Fr {
        // The native backend always knows values; a missing one is a failed circuit.
        self.check(value.is_some());
        value.unwrap_or_default()
    }

    fn public_input(&mut self, value: Option<Fr>) -> Fr {
        self.public = value;
        self.witness(value)
    }

    fn value(&self, v: &Fr) -> Option<Fr> {
        Some(*v)
    }

    fn add(&mut self, a: &Fr, b: &Fr) -> Fr {
        *a + b
    }

    fn sub(&mut self, a: &Fr, b: &Fr) -> Fr {
        *a - b
    }

    fn mul(&mut self, a: &Fr, b: &Fr) -> Fr {
        *a * b
    }

    fn scale(&mut self, a: &Fr, c: Fr) -> Fr {
        *a * c
    }

    fn add_const(&mut self, a: &Fr, c: Fr) -> Fr {
        *a + c
    }

    fn assert_eq(&mut self, a: &Fr, b: &Fr) {
        self.check(a == b);
    }

    fn assert_mul(&mut self, a: &Fr, b: &Fr, c: &Fr) {
        self.check(*a * b == *c);
    }

    fn witness_bits(&mut self, value: Option<Fr>, bits: usize) -> (Fr, Vec<Fr>) {
        // A value that does not fit fails here instead of being silently truncated.
        let v = self.witness(value);
        (v, self.to_bits(&v, bits))
    }

    fn to_bits(&mut self, a: &Fr, bits: usize) -> Vec<Fr> {
        let repr = a.into_bigint();
        let fits = repr.num_bits() as usize <= bits;
        self.check(fits);
        (0..bits).map(|i| Fr::from(u64::from(repr.get_bit(i)))).collect()
    }

    fn set_section(&mut self, section: Section) -> Section {
        std::mem::replace(&mut self.section, section)
    }
}
