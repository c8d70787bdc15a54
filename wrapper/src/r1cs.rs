//! The R1CS backend, on `ark-relations` and `ark-r1cs-std`, for Groth16.

use std::collections::BTreeMap;

use ark_bn254::Fr;
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::{ConstraintSystemRef, SynthesisError};

use crate::builder::{CircuitBuilder, Section};

/// Emits R1CS constraints into an arkworks constraint system.
pub struct R1csBuilder {
    cs: ConstraintSystemRef<Fr>,
    error: Option<SynthesisError>,
    section: Section,
    section_start: usize,
    counts: BTreeMap<Section, usize>,
}

impl R1csBuilder {
    /// A builder writing into `cs`.
    pub fn new(cs: ConstraintSystemRef<Fr>) -> Self {
        let start = cs.num_constraints();
        Self { cs, error: None, section: Section::Other, section_start: start, counts: BTreeMap::new() }
    }

    /// The first synthesis error, if any.
    pub fn finish(mut self) -> Result<BTreeMap<Section, usize>, SynthesisError> {
        self.set_section(Section::Other);
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.counts),
        }
    }

    fn record<T>(&mut self, result: Result<T, SynthesisError>, fallback: impl FnOnce() -> T) -> T {
        match result {
            Ok(v) => v,
            Err(e) => {
                self.error.get_or_insert(e);
                fallback()
            }
        }
    }
}

fn value_of(v: Option<Fr>) -> Result<Fr, SynthesisError> {
    v.ok_or(SynthesisError::AssignmentMissing)
}

impl CircuitBuilder for R1csBuilder {
    type Var = FpVar<Fr>;

    fn constant(&mut self, value: Fr) -> FpVar<Fr> {
        FpVar::constant(value)
    }

    fn witness(&mut self, value: Option<Fr>) -> FpVar<Fr> {
        let v = FpVar::new_witness(self.cs.clone(), || value_of(value));
        self.record(v, FpVar::zero)
    }

    fn public_input(&mut self, value: Option<Fr>) -> FpVar<Fr> {
        let v = FpVar::new_input(self.cs.clone(), || value_of(value));
        self.record(v, FpVar::zero)
    }

    fn value(&self, v: &FpVar<Fr>) -> Option<Fr> {
        v.value().ok()
    }

    fn add(&mut self, a: &FpVar<Fr>, b: &FpVar<Fr>) -> FpVar<Fr> {
        a + b
    }

    fn sub(&mut self, a: &FpVar<Fr>, b: &FpVar<Fr>) -> FpVar<Fr> {
        a - b
    }

    fn mul(&mut self, a: &FpVar<Fr>, b: &FpVar<Fr>) -> FpVar<Fr> {
        a * b
    }

    fn scale(&mut self, a: &FpVar<Fr>, c: Fr) -> FpVar<Fr> {
        a * c
    }

    fn add_const(&mut self, a: &FpVar<Fr>, c: Fr) -> FpVar<Fr> {
        a + c
    }

    fn assert_eq(&mut self, a: &FpVar<Fr>, b: &FpVar<Fr>) {
        let r = a.enforce_equal(b);
        self.record(r, || ());
    }

    fn assert_mul(&mut self, a: &FpVar<Fr>, b: &FpVar<Fr>, c: &FpVar<Fr>) {
        let r = a.mul_equals(b, c);
        self.record(r, || ());
    }

    fn to_bits(&mut self, a: &FpVar<Fr>, bits: usize) -> Vec<FpVar<Fr>> {
        let value = a.value().ok().map(crate::builder::to_biguint);
        let mut out = Vec::with_capacity(bits);
        let mut sum = FpVar::zero();
        let mut coeff = Fr::from(1u64);
        for i in 0..bits {
            let bit_value = value.as_ref().map(|v| v.bit(i as u64));
            let bit = Boolean::new_witness(self.cs.clone(), || bit_value.ok_or(SynthesisError::AssignmentMissing));
            let bit = self.record(bit, || Boolean::FALSE);
            let as_field: FpVar<Fr> = bit.into();
            sum += &as_field * coeff;
            coeff += coeff;
            out.push(as_field);
        }
        self.assert_eq(&sum, a);
        out
    }

    fn set_section(&mut self, section: Section) -> Section {
        let now = self.cs.num_constraints();
        *self.counts.entry(self.section).or_default() += now - self.section_start;
        self.section_start = now;
        std::mem::replace(&mut self.section, section)
    }
}


