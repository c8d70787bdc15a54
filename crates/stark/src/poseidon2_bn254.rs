//! The outer configuration's hash: Poseidon2 over BN254, with its round constants.
//!
//! p3-bn254 0.8 ships the permutation but no round constants, so we regenerate them
//! deterministically. A BN254 circuit (gnark) and a Solidity verifier replay exactly this:
//!
//! | parameter | value |
//! |---|---|
//! | field | BN254 scalar field Fr, p = 0x30644e72…f0000001 (254 bits) |
//! | width t | 3 |
//! | S-box | x^5 |
//! | full rounds R_F | 8 (4 before and 4 after the partial rounds) |
//! | partial rounds R_P | 56 |
//! | external matrix | circ(2, 1, 1), also applied once before the first round |
//! | internal matrix | 1 + diag(1, 1, 2) |
//! | constants | Grain LFSR of the Poseidon paper (App. F), 8·3 + 56 = 80 elements |
//!
//! Grain: an 80-bit LFSR seeded with the bits of field = 1 (2 bits), sbox = 0 (4), n = 254 (12),
//! t = 3 (12), R_F = 8 (10), R_P = 56 (10) and thirty 1s; the first 160 outputs are discarded;
//! output bits are self-shrunk (of each pair (b1, b2), emit b2 iff b1 = 1); each constant takes
//! n bits MSB first and is rejected while ≥ p. Layout: R_F/2 rows of t, then R_P scalars
//! (the internal rounds add to `state[0]` only), then R_F/2 rows of t.
//!
//! These are HorizenLabs' `RC3` constants (first `0x1d066a25…`): the tests check that
//! `P2([0, 1, 2])` equals the HorizenLabs known-answer vector, and that the same generator with
//! BabyBear parameters reproduces p3-baby-bear's shipped Poseidon2-16 constants bit for bit.

use std::sync::OnceLock;

use p3_bn254::{Bn254, Poseidon2Bn254};
use p3_poseidon2::ExternalLayerConstants;

/// Number of full rounds (half before, half after the partial rounds).
pub const ROUNDS_F: usize = 8;
/// Number of partial rounds.
pub const ROUNDS_P: usize = 56;
/// Permutation width.
pub const WIDTH: usize = 3;

/// BN254-Fr modulus as little-endian u64 limbs.
const BN254_P: [u64; 4] = [
    0x43e1_f593_f000_0001,
    0x2833_e848_79b9_7091,
    0xb850_45b6_8181_585d,
    0x3064_4e72_e131_a029,
];

/// 80-bit Grain LFSR, initialised from the instance parameters.
struct Grain {
    state: [bool; 80],
}

impl Grain {
    /// `field`: 1 = prime field; `sbox`: 0 = x^alpha; `n` = bits of p; `t` = width.
    fn new(field: u64, sbox: u64, n: u64, t: u64, r_f: u64, r_p: u64) -> Self {
        let mut state = [true; 80];
        let mut i = 0;
        for (v, w) in [
            (field, 2),
            (sbox, 4),
            (n, 12),
            (t, 12),
            (r_f, 10),
            (r_p, 10),
        ] {
            for b in (0..w).rev() {
                state[i] = (v >> b) & 1 == 1;
                i += 1;
            }
        }
        // The remaining 30 bits stay 1.
        let mut g = Self { state };
        for _ in 0..160 {
            g.clock();
        }
        g
    }

    fn clock(&mut self) -> bool {
        let s = &self.state;
        let b = s[62] ^ s[51] ^ s[38] ^ s[23] ^ s[13] ^ s[0];
        self.state.copy_within(1.., 0);
        self.state[79] = b;
        b
    }

    /// Self-shrinking output: read pairs (b1, b2), emit b2 iff b1 == 1.
    fn bit(&mut self) -> bool {
        loop {
            let b1 = self.clock();
            let b2 = self.clock();
            if b1 {
                return b2;
            }
        }
    }

    /// `n` bits, MSB first, as little-endian u64 limbs (n ≤ 256).
    fn limbs(&mut self, n: usize) -> [u64; 4] {
        let mut v = [0u64; 4];
        for _ in 0..n {
            let mut carry = u64::from(self.bit());
            for limb in &mut v {
                let next = *limb >> 63;
                *limb = (*limb << 1) | carry;
                carry = next;
            }
        }
        v
    }

    /// Rejection-samples one element `< p` (p as little-endian limbs).
    fn field_elem(&mut self, n: usize, p: &[u64; 4]) -> [u64; 4] {
        loop {
            let v = self.limbs(n);
            // Compare as big integers: most significant limb first.
            if v.iter().rev().cmp(p.iter().rev()).is_lt() {
                return v;
            }
        }
    }
}

/// Raw Poseidon2 round constants (canonical little-endian limbs) in Plonky3's layout.
struct RawConstants {
    initial: Vec<Vec<[u64; 4]>>,
    internal: Vec<[u64; 4]>,
    terminal: Vec<Vec<[u64; 4]>>,
}

/// Grain-LFSR constants for a prime of `n` bits, width `t`, `r_f` full and `r_p` partial rounds.
fn grain_constants(n: usize, p: [u64; 4], t: usize, r_f: usize, r_p: usize) -> RawConstants {
    let mut g = Grain::new(1, 0, n as u64, t as u64, r_f as u64, r_p as u64);
    let row = |g: &mut Grain| (0..t).map(|_| g.field_elem(n, &p)).collect::<Vec<_>>();
    let initial = (0..r_f / 2).map(|_| row(&mut g)).collect();
    let internal = (0..r_p).map(|_| g.field_elem(n, &p)).collect();
    let terminal = (0..r_f / 2).map(|_| row(&mut g)).collect();
    RawConstants {
        initial,
        internal,
        terminal,
    }
}

/// The round constants in Plonky3's layout: `(initial, internal, terminal)`, i.e. R_F/2 rows of
/// `WIDTH` for the first full rounds, R_P scalars (added to `state[0]`) for the partial rounds,
/// and R_F/2 rows for the last full rounds. A circuit replaying the permutation needs them raw.
pub fn round_constants() -> (Vec<[Bn254; WIDTH]>, Vec<Bn254>, Vec<[Bn254; WIDTH]>) {
    let raw = grain_constants(254, BN254_P, WIDTH, ROUNDS_F, ROUNDS_P);
    let row = |r: &Vec<[u64; 4]>| -> [Bn254; WIDTH] { std::array::from_fn(|i| Bn254::new(r[i])) };
    (
        raw.initial.iter().map(row).collect(),
        raw.internal.iter().map(|l| Bn254::new(*l)).collect(),
        raw.terminal.iter().map(row).collect(),
    )
}

fn build() -> Poseidon2Bn254<WIDTH> {
    let (initial, internal, terminal) = round_constants();
    Poseidon2Bn254::<WIDTH>::new(ExternalLayerConstants::new(initial, terminal), internal)
}

/// The outer permutation: Poseidon2-BN254, t = 3, x^5, R_F = 8, R_P = 56, HorizenLabs RC3
/// constants (generated once per process).
pub fn poseidon2_bn254_t3() -> Poseidon2Bn254<WIDTH> {
    static PERM: OnceLock<Poseidon2Bn254<WIDTH>> = OnceLock::new();
    PERM.get_or_init(build).clone()
}

#[cfg(test)]
mod tests {
    use p3_baby_bear::{
        BabyBear, BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL,
        BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL, BABYBEAR_POSEIDON2_RC_16_INTERNAL,
    };
    use p3_field::{PrimeCharacteristicRing, PrimeField, PrimeField32};
    use p3_symmetric::Permutation;

    use super::*;

    fn hex(x: Bn254) -> String {
        format!("0x{:064x}", x.as_canonical_biguint())
    }

    /// The generator with BabyBear parameters (n=31, t=16, R_F=8, R_P=13) reproduces the
    /// constants p3-baby-bear ships: evidence the Grain implementation is the standard one.
    #[test]
    fn grain_reproduces_babybear_constants() {
        let raw = grain_constants(31, [u64::from(BabyBear::ORDER_U32), 0, 0, 0], 16, 8, 13);
        let bb = |l: &[u64; 4]| BabyBear::new(l[0] as u32);
        for (r, e) in raw
            .initial
            .iter()
            .zip(BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL.iter())
        {
            assert!(
                r.iter().map(bb).eq(e.iter().copied()),
                "initial constants differ"
            );
        }
        for (r, e) in raw
            .terminal
            .iter()
            .zip(BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL.iter())
        {
            assert!(
                r.iter().map(bb).eq(e.iter().copied()),
                "final constants differ"
            );
        }
        assert!(raw
            .internal
            .iter()
            .map(bb)
            .eq(BABYBEAR_POSEIDON2_RC_16_INTERNAL.iter().copied()));
    }

    /// HorizenLabs poseidon2 known-answer test for BN254 t=3: P2([0, 1, 2]).
    #[test]
    fn bn254_known_answer() {
        let mut s = [Bn254::ZERO, Bn254::ONE, Bn254::TWO];
        poseidon2_bn254_t3().permute_mut(&mut s);
        let kat = [
            "0x0bb61d24daca55eebcb1929a82650f328134334da98ea4f847f760054f4a3033",
            "0x303b6f7c86d043bfcbcc80214f26a30277a15d3f74ca654992defe7ff8d03570",
            "0x1ed25194542b12eef8617361c3ba7c52e660b145994427cc86296242cf766ec8",
        ];
        for (x, e) in s.iter().zip(kat) {
            assert_eq!(hex(*x), e);
        }
        // First round constant of HorizenLabs RC3.
        let raw = grain_constants(254, BN254_P, WIDTH, ROUNDS_F, ROUNDS_P);
        assert!(hex(Bn254::new(raw.initial[0][0])).starts_with("0x1d066a25"));
        assert_eq!(raw.internal.len(), ROUNDS_P);
    }
}
