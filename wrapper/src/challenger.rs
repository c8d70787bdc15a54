//! The outer configuration's Fiat-Shamir challenger, `MultiField32Challenger<BabyBear, Bn254,
//! Perm3, 3, 2>` (p3-challenger 0.8), replayed in a circuit.
//!
//! What it does, exactly as Plonky3:
//!
//! - observing a BabyBear element clears everything squeezed so far and queues the element;
//!   16 queued elements (or any sample or digest) *flush* the queue: runs of 8 are packed
//!   `Σ d_i·2^{31 i}` (unshifted `reduce_packed`) into the rate slots, unused slots are zeroed,
//!   the number of elements is added to `state[2]` as a length tag, and the state is permuted;
//! - observing a digest flushes, then writes it to `state[0]`, zeroes `state[1]`, adds the tag 1
//!   and permutes;
//! - sampling takes the rate words of the last permutation, splits each into its 7 lowest base-p
//!   digits (`split_pf_to_field_order_limbs`) and pops from the end: the first sample is digit 6
//!   of `state[1]`. When all are used the state is permuted again (no tag). An extension
//!   element is 4 samples, coefficient 0 first.
//!
//! Splitting a word is the only non-linear step. Its digits are range-checked BabyBear values and
//! the rest `w / p^7` is checked against `R = ⌊(r − 1)/p^7⌋`; when the rest equals `R` the top
//! digit must be below that of `r − R·p^7`. So the recomposed integer is below the BN254 modulus
//! `r` and the split is unique. (Words whose rest is `R` and whose top digit equals that bound,
//! a 2^-68 fraction, cannot be split: a completeness gap, not a soundness one.) Words are split
//! lazily, only when a sample needs them.
//!
//! The 0.8 transcript layers seed the challenger with a shape-only domain separator; see
//! [`seed_felts`] and [`Challenger::observe_constants`].

use ark_bn254::Fr;
use num_bigint::BigUint;
use p3_baby_bear::BabyBear;
use p3_challenger::fs::{DomainSeparator, FieldUnit};
use p3_challenger::CanObserve;
use p3_field::PrimeField32;

use crate::builder::{from_biguint, to_biguint, CircuitBuilder, Section};
use crate::field::{self, Ext, Felt, P};
use crate::poseidon2;
use crate::sponge::{canonical, pack, LIMBS_PER_ELEMENT, RATE};

/// Base-p digits squeezed from one BN254 word (`squeeze_field_order_num_limbs`).
pub const SQUEEZE_LIMBS: usize = 7;

/// A challenger request that Plonky3 would refuse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChallengerError {
    /// `sample_bits` needs `2^bits < p`.
    #[error("cannot sample {bits} bits from BabyBear (at most 30)")]
    TooManyBits {
        /// Bits requested.
        bits: usize,
    },
}

/// A sampled BabyBear element with its 31 bits (least significant first), which
/// [`Challenger::sample_bits`] reuses.
#[derive(Clone, Debug)]
pub struct Sample<V> {
    /// The canonical value.
    pub felt: Felt<V>,
    /// Its binary digits.
    pub bits: Vec<V>,
}

/// The challenger's state in a circuit. Cloning forks the transcript, as in Plonky3.
#[derive(Clone, Debug)]
pub struct Challenger<V> {
    sponge: [V; poseidon2::WIDTH],
    /// Observed, not yet absorbed (`f_buffer`).
    pending: Vec<Felt<V>>,
    /// Rate words of the last permutation not yet split (`output_buffer`).
    words: Vec<V>,
    /// Split digits not yet sampled, popped from the end (`f_squeeze_buffer`).
    squeezed: Vec<Sample<V>>,
}

impl<V: Clone> Challenger<V> {
    /// A fresh challenger (all-zero state), like `MultiField32Challenger::new`.
    pub fn new<B: CircuitBuilder<Var = V>>(b: &mut B) -> Self {
        let zero = b.constant(Fr::from(0u64));
        Self {
            sponge: core::array::from_fn(|_| zero.clone()),
            pending: Vec::new(),
            words: Vec::new(),
            squeezed: Vec::new(),
        }
    }

    /// Observes a BabyBear element (canonicalised first if its bound exceeds 31 bits).
    pub fn observe<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B, x: &Felt<V>) {
        self.words.clear();
        self.squeezed.clear();
        let previous = b.set_section(Section::Transcript);
        let x = canonical(b, x);
        b.set_section(previous);
        self.pending.push(x);
        if self.pending.len() == RATE * LIMBS_PER_ELEMENT {
            self.flush(b);
        }
    }

    /// Observes several BabyBear elements in order.
    pub fn observe_slice<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B, xs: &[Felt<V>]) {
        for x in xs {
            self.observe(b, x);
        }
    }

    /// Observes an extension element: its 4 coefficients, constant term first.
    pub fn observe_ext<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B, x: &Ext<V>) {
        self.observe_slice(b, x);
    }

    /// Observes known BabyBear values (a domain-separator seed, shape data) as constants.
    pub fn observe_constants<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B, values: &[u32]) {
        for &v in values {
            let c = field::constant(b, u64::from(v));
            self.observe(b, &c);
        }
    }

    /// Observes a one-element digest (a commitment root): flush, then absorb it alone.
    pub fn observe_digest<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B, digest: &V) {
        self.words.clear();
        self.squeezed.clear();
        self.flush(b);
        self.absorb(b, core::slice::from_ref(digest), 1);
    }

    /// Observes a Merkle cap: each root as a digest, in order.
    pub fn observe_cap<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B, cap: &[V]) {
        for root in cap {
            self.observe_digest(b, root);
        }
    }

    /// Samples a BabyBear element.
    pub fn sample<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B) -> Felt<V> {
        self.sample_with_bits(b).felt
    }

    /// Samples an extension element (4 samples, coefficient 0 first).
    pub fn sample_ext<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B) -> Ext<V> {
        core::array::from_fn(|_| self.sample(b))
    }

    /// Samples a BabyBear element with its bits.
    pub fn sample_with_bits<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B) -> Sample<V> {
        self.flush(b);
        if let Some(sample) = self.squeezed.pop() {
            return sample;
        }
        let previous = b.set_section(Section::Transcript);
        let word = match self.words.pop() {
            Some(word) => word,
            None => {
                // Plain duplexing: nothing absorbed, so no tag and no zeroed rate.
                self.sponge = poseidon2::permute(b, &self.sponge);
                self.words = self.sponge[..RATE - 1].to_vec();
                self.sponge[RATE - 1].clone()
            }
        };
        let [d0, d1, d2, d3, d4, d5, d6] = split_word(b, &word);
        b.set_section(previous);
        self.squeezed = vec![d0, d1, d2, d3, d4, d5];
        d6
    }

    /// `sample_bits(bits)`: the low `bits` bits of a sample, least significant first.
    pub fn sample_bits<B: CircuitBuilder<Var = V>>(
        &mut self,
        b: &mut B,
        bits: usize,
    ) -> Result<Vec<V>, ChallengerError> {
        if (1u64 << bits.min(63)) >= P {
            return Err(ChallengerError::TooManyBits { bits });
        }
        let sample = self.sample_with_bits(b);
        Ok(sample.bits[..bits].to_vec())
    }

    /// The proof-of-work check `check_witness(bits, witness)`: for `bits > 0`, observe the
    /// witness, sample `bits` bits and constrain them all to zero; for `bits = 0` nothing.
    pub fn check_witness<B: CircuitBuilder<Var = V>>(
        &mut self,
        b: &mut B,
        bits: usize,
        witness: &Felt<V>,
    ) -> Result<(), ChallengerError> {
        if bits == 0 {
            return Ok(());
        }
        if (1u64 << bits.min(63)) >= P {
            return Err(ChallengerError::TooManyBits { bits });
        }
        self.observe(b, witness);
        let sampled = self.sample_bits(b, bits)?;
        // Boolean digits sum to zero only if all are zero.
        let previous = b.set_section(Section::Transcript);
        let mut sum = b.constant(Fr::from(0u64));
        for bit in &sampled {
            sum = b.add(&sum, bit);
        }
        b.assert_zero(&sum);
        b.set_section(previous);
        Ok(())
    }

    /// Absorbs the queued elements, if any.
    fn flush<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let packed: Vec<V> = pending.chunks(LIMBS_PER_ELEMENT).map(|run| pack(b, run, 0)).collect();
        self.absorb(b, &packed, pending.len() as u64);
        self.squeezed.clear();
    }

    /// `absorb_rate_padded_with_tag`: overwrite the rate, zero the rest, tag the capacity,
    /// permute, and offer the rate as output.
    fn absorb<B: CircuitBuilder<Var = V>>(&mut self, b: &mut B, values: &[V], tag: u64) {
        let zero = b.constant(Fr::from(0u64));
        for i in 0..RATE {
            self.sponge[i] = values.get(i).cloned().unwrap_or_else(|| zero.clone());
        }
        self.sponge[RATE] = b.add_const(&self.sponge[RATE], Fr::from(tag));
        let previous = b.set_section(Section::Transcript);
        self.sponge = poseidon2::permute(b, &self.sponge);
        b.set_section(previous);
        self.words = self.sponge[..RATE].to_vec();
    }
}

/// Bounds of the unique split of a BN254 word: `(R, top digit of r − R·p^7)`.
fn split_bounds() -> (BigUint, u64) {
    let r = to_biguint(-Fr::from(1u64)) + 1u8;
    let p7 = BigUint::from(P).pow(SQUEEZE_LIMBS as u32);
    let rest_max = (&r - 1u8) / &p7;
    let tail = &r - &rest_max * &p7;
    let top = &tail / BigUint::from(P).pow(SQUEEZE_LIMBS as u32 - 1);
    (rest_max, u64::try_from(top).unwrap_or(0))
}

/// The 7 lowest base-p digits of `word` (least significant first), constrained as described in
/// the module documentation.
pub fn split_word<B: CircuitBuilder>(b: &mut B, word: &B::Var) -> [Sample<B::Var>; SQUEEZE_LIMBS] {
    let p = BigUint::from(P);
    let (rest_max, top_bound) = split_bounds();
    let mut remaining = b.value(word).map(to_biguint);
    let digits: [Sample<B::Var>; SQUEEZE_LIMBS] = core::array::from_fn(|_| {
        let digit = remaining.as_ref().map(|w| from_biguint(&(w % &p)));
        remaining = remaining.as_ref().map(|w| w / &p);
        let (v, bits) = b.witness_bits(digit, 31);
        field::assert_below_p(b, &bits);
        Sample { felt: Felt { v, bound: 31 }, bits }
    });
    let rest_bits = rest_max.bits() as usize;
    let (rest, _) = b.witness_bits(remaining.as_ref().map(from_biguint), rest_bits);
    let neg_rest = b.scale(&rest, -Fr::from(1u64));
    let slack = b.add_const(&neg_rest, from_biguint(&rest_max));
    b.range_check(&slack, rest_bits);
    // at_max = [slack = 0], by the inverse trick.
    let inverse = b.hint(core::slice::from_ref(&slack), |v| ark_ff::Field::inverse(&v[0]).unwrap_or_default());
    let product = b.mul(&slack, &inverse);
    let neg_product = b.scale(&product, -Fr::from(1u64));
    let at_max = b.add_const(&neg_product, Fr::from(1u64));
    let must_vanish = b.mul(&slack, &at_max);
    b.assert_zero(&must_vanish);
    // If at_max, the top digit is below `top_bound`.
    let neg_top = b.scale(&digits[SQUEEZE_LIMBS - 1].felt.v, -Fr::from(1u64));
    let room = b.add_const(&neg_top, Fr::from(top_bound.saturating_sub(1)));
    let gated = b.mul(&at_max, &room);
    b.range_check(&gated, 31);
    // word = Σ c_i·p^i + rest·p^7.
    let mut sum = b.constant(Fr::from(0u64));
    let mut power = Fr::from(1u64);
    for d in &digits {
        let term = b.scale(&d.felt.v, power);
        sum = b.add(&sum, &term);
        power *= Fr::from(P);
    }
    let top = b.scale(&rest, power);
    sum = b.add(&sum, &top);
    b.assert_eq(&sum, word);
    digits
}

/// The BabyBear elements a 0.8 transcript layer absorbs when it seeds its challenger with `ds`
/// (`DomainSeparator::seed`): a circuit observes them as constants with
/// [`Challenger::observe_constants`]. They depend on the proof's shape only.
pub fn seed_felts(ds: &DomainSeparator<FieldUnit<BabyBear>>) -> Vec<u32> {
    /// Records what is observed.
    struct Recorder(Vec<u32>);
    impl CanObserve<BabyBear> for Recorder {
        fn observe(&mut self, value: BabyBear) {
            self.0.push(value.as_canonical_u32());
        }
    }
    let mut recorder = Recorder(Vec::new());
    ds.seed(&mut recorder);
    recorder.0
}
