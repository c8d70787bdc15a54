//! The challenger gadget samples exactly what the outer configuration's
//! `MultiField32Challenger` samples, through a 0.8 domain-separator seed and every raw operation,
//! in both backends; a bad proof-of-work witness is rejected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ark_bn254::Fr;
use ark_relations::gr1cs::ConstraintSystem;
use cairn_stark::config::{Challenge, OuterChallenger, Val};
use cairn_stark::poseidon2_bn254::poseidon2_bn254_t3;
use cairn_wrapper::builder::from_biguint;
use cairn_wrapper::challenger::{self, Challenger, ChallengerError, SQUEEZE_LIMBS};
use cairn_wrapper::field;
use cairn_wrapper::poseidon2::{fr_to_p3, CONSTRAINTS};
use cairn_wrapper::{CircuitBuilder, NativeBuilder, R1csBuilder};
use num_bigint::BigUint;
use p3_batch_stark::BatchShape;
use p3_bn254::Bn254;
use p3_challenger::{CanObserve, CanSample, CanSampleBits, FieldChallenger, GrindingChallenger};
use p3_field::{split_pf_to_field_order_limbs, squeeze_field_order_num_limbs, BasedVectorSpace, PrimeField32};
use p3_symmetric::{Hash, MerkleCap};

/// One transcript operation.
#[derive(Clone, Debug)]
enum Op {
    /// Observe BabyBear values (as proof data: witnesses).
    Observe(Vec<u32>),
    /// Observe one digest.
    Digest(u64),
    /// Observe a Merkle cap.
    Cap(Vec<u64>),
    /// Sample base elements.
    Sample(usize),
    /// Sample an extension element.
    SampleExt,
    /// `sample_bits`.
    Bits(usize),
    /// Grind (natively) and check a proof-of-work witness.
    Pow(usize),
}

fn seed() -> Vec<u32> {
    let shape = BatchShape {
        trace_widths: vec![3, 17],
        public_value_counts: vec![1, 0],
        preprocessed_widths: vec![0, 2],
        has_preprocessed_commitment: true,
        num_lookup_instances: 1,
        lookup_pow_bits: 0,
        has_randomization_commitment: false,
        ood_pow_bits: 0,
    };
    challenger::seed_felts(&shape.domain_separator::<Val, Challenge>())
}

fn script() -> Vec<Op> {
    use Op::*;
    let felts = |n: usize, k: u32| (0..n as u32).map(|i| (i * 0x0123_4567 + k) % Val::ORDER_U32).collect();
    vec![
        Observe(vec![4, 0, 0, 0, 9, 0, 0, 0]),
        Digest(11),
        Observe(vec![Val::ORDER_U32 - 1]),
        SampleExt,
        SampleExt,
        Digest(12),
        Observe(felts(12, 5)),
        SampleExt,
        Cap(vec![13, 14]),
        Sample(1),
        Observe(felts(40, 6)), // two full batches and a partial one
        Sample(23),            // three words: crosses a duplexing
        Pow(8),
        Observe(felts(16, 7)), // exactly one batch: absorbed at once
        Sample(2),
        Digest(15),
        Pow(0),
        Bits(10),
        Bits(1),
        Bits(30),
        Observe(felts(3, 8)),
        Pow(4),
        Bits(9),
        Bits(9),
    ]
}

/// Runs the script on Plonky3's challenger; returns every sampled value and the PoW witnesses.
fn run_plonky3(seed: &[u32], ops: &[Op]) -> (Vec<u64>, Vec<u32>) {
    let mut ch = OuterChallenger::new(poseidon2_bn254_t3()).unwrap();
    for &s in seed {
        ch.observe(Val::new(s));
    }
    let (mut out, mut witnesses) = (Vec::new(), Vec::new());
    let digest = |d: u64| Hash::<Val, Bn254, 1>::from([fr_to_p3(Fr::from(d))]);
    for op in ops {
        match op {
            Op::Observe(v) => v.iter().for_each(|x| ch.observe(Val::new(*x))),
            Op::Digest(d) => ch.observe(digest(*d)),
            Op::Cap(c) => {
                ch.observe(MerkleCap::<Val, [Bn254; 1]>::new(c.iter().map(|d| [fr_to_p3(Fr::from(*d))]).collect()))
            }
            Op::Sample(n) => {
                out.extend((0..*n).map(|_| u64::from(CanSample::<Val>::sample(&mut ch).as_canonical_u32())))
            }
            Op::SampleExt => {
                let e: Challenge = ch.sample_algebra_element();
                let coeffs: &[Val] = e.as_basis_coefficients_slice();
                out.extend(coeffs.iter().map(|c| u64::from(c.as_canonical_u32())));
            }
            Op::Bits(n) => out.push(ch.sample_bits(*n) as u64),
            Op::Pow(bits) => {
                let w = ch.clone().grind(*bits);
                assert!(ch.check_witness(*bits, w));
                witnesses.push(w.as_canonical_u32());
            }
        }
    }
    (out, witnesses)
}

/// Runs the script on the gadget; returns every sampled value.
fn run_gadget<B: CircuitBuilder>(b: &mut B, seed: &[u32], ops: &[Op], witnesses: &[u32]) -> Vec<u64> {
    let mut ch = Challenger::new(b);
    ch.observe_constants(b, seed);
    let mut witnesses = witnesses.iter();
    let mut out = Vec::new();
    let value = |b: &B, v: &B::Var| -> u64 { b.value(v).unwrap().into_bigint_u64() };
    for op in ops {
        match op {
            Op::Observe(v) => {
                for x in v {
                    let f = field::witness(b, Some(*x));
                    ch.observe(b, &f);
                }
            }
            Op::Digest(d) => {
                let d = b.witness(Some(Fr::from(*d)));
                ch.observe_digest(b, &d);
            }
            Op::Cap(c) => {
                let c: Vec<B::Var> = c.iter().map(|d| b.witness(Some(Fr::from(*d)))).collect();
                ch.observe_cap(b, &c);
            }
            Op::Sample(n) => {
                for _ in 0..*n {
                    let s = ch.sample(b);
                    out.push(u64::from(field::value(b, &s).unwrap()));
                }
            }
            Op::SampleExt => {
                let e = ch.sample_ext(b);
                out.extend(field::ext_value(b, &e).unwrap().map(u64::from));
            }
            Op::Bits(n) => {
                let bits = ch.sample_bits(b, *n).unwrap();
                out.push(bits.iter().rev().fold(0, |acc, bit| 2 * acc + value(b, bit)));
            }
            Op::Pow(bits) => {
                let w = field::witness(b, witnesses.next().copied());
                ch.check_witness(b, *bits, &w).unwrap();
            }
        }
    }
    out
}

trait SmallValue {
    fn into_bigint_u64(self) -> u64;
}

impl SmallValue for Fr {
    fn into_bigint_u64(self) -> u64 {
        u64::try_from(cairn_wrapper::builder::to_biguint(self)).unwrap()
    }
}

#[test]
fn native_gadget_samples_what_plonky3_samples() {
    let (seed, ops) = (seed(), script());
    assert!(seed.len() > 16, "a real seed spans several batches");
    let (expected, witnesses) = run_plonky3(&seed, &ops);
    let mut native = NativeBuilder::new();
    let got = run_gadget(&mut native, &seed, &ops, &witnesses);
    native.finish().unwrap();
    assert_eq!(got, expected);
}

#[test]
fn r1cs_gadget_is_satisfied_and_agrees() {
    let (seed, ops) = (seed(), script());
    let (expected, witnesses) = run_plonky3(&seed, &ops);
    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut r1cs = R1csBuilder::new(cs.clone());
    let got = run_gadget(&mut r1cs, &seed, &ops, &witnesses);
    r1cs.finish().unwrap();
    assert_eq!(got, expected);
    assert!(cs.is_satisfied().unwrap());
}

#[test]
fn a_bad_proof_of_work_witness_is_rejected() {
    let ops = [Op::Observe(vec![1, 2, 3]), Op::Pow(8)];
    let (_, witnesses) = run_plonky3(&[], &ops);
    // A witness Plonky3 rejects.
    let bad = (1..)
        .map(|k| (witnesses[0] + k) % Val::ORDER_U32)
        .find(|w| {
            let mut ch = OuterChallenger::new(poseidon2_bn254_t3()).unwrap();
            [1, 2, 3].iter().for_each(|x| ch.observe(Val::new(*x)));
            !ch.check_witness(8, Val::new(*w))
        })
        .unwrap();
    let mut native = NativeBuilder::new();
    run_gadget(&mut native, &[], &ops, &[bad]);
    assert!(native.finish().is_err());

    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut r1cs = R1csBuilder::new(cs.clone());
    run_gadget(&mut r1cs, &[], &ops, &[bad]);
    r1cs.finish().unwrap();
    assert!(!cs.is_satisfied().unwrap());
}

#[test]
fn too_many_bits_are_refused() {
    let mut native = NativeBuilder::new();
    let mut ch = Challenger::new(&mut native);
    assert_eq!(ch.sample_bits(&mut native, 31), Err(ChallengerError::TooManyBits { bits: 31 }));
    assert_eq!(ch.sample_bits(&mut native, 30).map(|b| b.len()), Ok(30));
}

/// BN254 modulus and p^7, for boundary words.
fn bounds() -> (BigUint, BigUint, BigUint) {
    let r = cairn_wrapper::builder::to_biguint(-Fr::from(1u64)) + 1u8;
    let p7 = BigUint::from(Val::ORDER_U32).pow(7);
    let rest_max = (&r - 1u8) / &p7;
    (r, p7, rest_max)
}

#[test]
fn words_split_like_plonky3_at_the_boundaries() {
    assert_eq!(squeeze_field_order_num_limbs::<Bn254, Val>(), SQUEEZE_LIMBS);
    let (r, p7, rest_max) = bounds();
    let words = [
        BigUint::from(0u8),
        &p7 - 1u8,
        p7.clone(),
        &rest_max * &p7 - 1u8,
        &rest_max * &p7,                         // largest rest, zero digits
        &rest_max * &p7 + &p7 / 2u8 - 12_345u32, // largest rest, top digit below the bound
        BigUint::from(0x1234_5678_9abc_def0u64) << 190,
    ];
    for w in words {
        assert!(w < r);
        let word = from_biguint(&w);
        let expected: Vec<u32> = split_pf_to_field_order_limbs::<Bn254, Val>(fr_to_p3(word), SQUEEZE_LIMBS)
            .iter()
            .map(|x| x.as_canonical_u32())
            .collect();
        let mut native = NativeBuilder::new();
        let digits = challenger::split_word(&mut native, &word);
        native.finish().unwrap();
        let got: Vec<u32> = digits.iter().map(|d| field::value(&native, &d.felt).unwrap()).collect();
        assert_eq!(got, expected, "word {w}");

        let cs = ConstraintSystem::<Fr>::new_ref();
        let mut r1cs = R1csBuilder::new(cs.clone());
        let v = r1cs.witness(Some(word));
        challenger::split_word(&mut r1cs, &v);
        r1cs.finish().unwrap();
        assert!(cs.is_satisfied().unwrap(), "word {w}");
    }
    // The documented completeness gap: largest rest and the top digit at its bound (r − 1).
    let mut native = NativeBuilder::new();
    challenger::split_word(&mut native, &-Fr::from(1u64));
    assert!(native.finish().is_err());
}

#[test]
fn constraint_counts() {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let mut r1cs = R1csBuilder::new(cs.clone());
    let mut ch = Challenger::new(&mut r1cs);
    let felts: Vec<_> = (0..16).map(|i| field::witness(&mut r1cs, Some(i))).collect();
    let count = |r1cs: &mut R1csBuilder, f: &mut dyn FnMut(&mut R1csBuilder)| {
        let before = cs.num_constraints();
        f(r1cs);
        cs.num_constraints() - before
    };
    // Observing 16 canonical elements: one permutation.
    assert_eq!(count(&mut r1cs, &mut |b| ch.observe_slice(b, &felts)), CONSTRAINTS);
    // First sample: splitting a word; the next six are free.
    let split = count(&mut r1cs, &mut |b| {
        ch.sample(b);
    });
    assert_eq!(
        count(&mut r1cs, &mut |b| (0..6).for_each(|_| {
            ch.sample(b);
        })),
        0
    );
    // Eighth: the second word.
    assert_eq!(
        count(&mut r1cs, &mut |b| {
            ch.sample(b);
        }),
        split
    );
    // Fifteenth: a plain duplexing and a split.
    (0..6).for_each(|_| {
        ch.sample(&mut r1cs);
    });
    assert_eq!(
        count(&mut r1cs, &mut |b| {
            ch.sample(b);
        }),
        CONSTRAINTS + split
    );
    let digest = r1cs.witness(Some(Fr::from(5u64)));
    assert_eq!(count(&mut r1cs, &mut |b| ch.observe_digest(b, &digest)), CONSTRAINTS);
    println!("split of one word: {split} constraints");
    assert!(split < 400, "{split}");
}
