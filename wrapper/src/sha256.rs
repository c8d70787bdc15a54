//! SHA-256 (FIPS 180-4) over a constant-length byte string, as a circuit.
//!
//! The wrap circuit hashes `programVKey ‖ publicValuesDigest` into its one public input (see
//! [`crate::identity`]). Words are vectors of 32 bits, least significant first; every bit is
//! either a known constant (initial state, round constants, padding) or a boolean variable, and
//! operations on constants fold away, so only variable bits cost constraints. Rotations
//! and shifts are rewirings. Per bit:
//!
//! - XOR `a ⊕ b = a + b − 2ab`: one multiplication (two for the three-way XORs of `Σ`/`σ`),
//! - `Ch(e, f, g) = e·(f − g) + g`: one,
//! - `Maj(a, b, c) = Ch(b ⊕ c, a, b)`: two,
//!
//! and a 32-bit modular sum adds its words as one field element (a free linear combination)
//! and decomposes it into 32 bits plus carries. The products of booleans are boolean, so only
//! the decompositions' bits need booleanity constraints.
//!
//! A full 64-byte block whose message and state are variables costs [`BLOCK_CONSTRAINTS`] R1CS
//! constraints; [`sha256`] adds 9 per input byte for its decomposition, which is also the byte's
//! range check. Constants make blocks cheaper: the first block (from the initial state) costs
//! 25 810, a block of padding only 19 467, so a 64-byte message costs 64 · 9 + 25 810 + 19 467
//! = 45 853.
//!
//! XORs and choices go through [`CircuitBuilder::sum_of_products`], so a PLONK backend makes
//! each one row whose result is one cell; there, too, the round's new `a` reuses new `e`'s sum
//! (`T1 + T2 = (e − d) + Σ0 + Maj`) instead of adding `T1`'s five words again.

use ark_bn254::Fr;

use crate::builder::{CircuitBuilder, Section};

/// R1CS constraints of one compression whose 16 message words and 8 state words are all
/// variables: the message schedule `48 · (61 + 54 + 35)`, the rounds `64 · (64 + 32 + 64 + 64 +
/// 36 + 36)` and the feed-forward `8 · 34`.
pub const BLOCK_CONSTRAINTS: usize = 48 * (61 + 54 + 35) + 64 * (64 + 32 + 64 + 64 + 36 + 36) + 8 * 34;

/// The initial hash value.
const IV: [u32; 8] =
    [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];

/// The round constants.
#[rustfmt::skip]
const K: [u32; 64] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
];

/// A bit: a constant, or a variable constrained to be 0 or 1.
#[derive(Clone, Debug)]
enum Bit<V> {
    Const(bool),
    Var(V),
}

/// 32 bits, least significant first.
type Word<V> = [Bit<V>; 32];

fn fr_bit(bit: bool) -> Fr {
    Fr::from(u64::from(bit))
}

/// The bit as a builder variable (constants become builder constants).
fn to_var<B: CircuitBuilder>(b: &mut B, bit: &Bit<B::Var>) -> B::Var {
    match bit {
        Bit::Const(c) => b.constant(fr_bit(*c)),
        Bit::Var(v) => v.clone(),
    }
}

/// `1 − v`.
fn not<B: CircuitBuilder>(b: &mut B, v: &B::Var) -> B::Var {
    let neg = b.scale(v, -Fr::from(1u64));
    b.add_const(&neg, Fr::from(1u64))
}

/// `x ⊕ y`: free unless both are variables, then `x + y − 2xy`.
fn xor<B: CircuitBuilder>(b: &mut B, x: &Bit<B::Var>, y: &Bit<B::Var>) -> Bit<B::Var> {
    match (x, y) {
        (Bit::Const(p), Bit::Const(q)) => Bit::Const(p ^ q),
        (Bit::Const(false), v) | (v, Bit::Const(false)) => v.clone(),
        (Bit::Const(true), Bit::Var(v)) | (Bit::Var(v), Bit::Const(true)) => Bit::Var(not(b, v)),
        (Bit::Var(p), Bit::Var(q)) => {
            let sum = b.add(p, q);
            Bit::Var(b.sum_of_products(&[(-Fr::from(2u64), p.clone(), q.clone())], &sum))
        }
    }
}

/// `s ? x : y` as `s·(x − y) + y`: one multiplication when `s` and one of `x`, `y` are
/// variables, free otherwise.
fn choose<B: CircuitBuilder>(b: &mut B, s: &Bit<B::Var>, x: &Bit<B::Var>, y: &Bit<B::Var>) -> Bit<B::Var> {
    match (s, x, y) {
        (Bit::Const(true), x, _) => x.clone(),
        (Bit::Const(false), _, y) => y.clone(),
        (Bit::Var(_), Bit::Const(p), Bit::Const(q)) if p == q => Bit::Const(*p),
        (Bit::Var(s), Bit::Const(true), Bit::Const(false)) => Bit::Var(s.clone()),
        (Bit::Var(s), Bit::Const(false), Bit::Const(true)) => Bit::Var(not(b, s)),
        (Bit::Var(s), x, y) => {
            let (xv, yv) = (to_var(b, x), to_var(b, y));
            let diff = b.sub(&xv, &yv);
            Bit::Var(b.sum_of_products(&[(Fr::from(1u64), s.clone(), diff)], &yv))
        }
    }
}

fn const_word<V>(value: u32) -> Word<V> {
    std::array::from_fn(|i| Bit::Const((value >> i) & 1 == 1))
}

/// Rotation right by `n`.
fn rotr<V: Clone>(w: &Word<V>, n: usize) -> Word<V> {
    std::array::from_fn(|i| w[(i + n) % 32].clone())
}

/// Logical shift right by `n`.
fn shr<V: Clone>(w: &Word<V>, n: usize) -> Word<V> {
    std::array::from_fn(|i| w.get(i + n).cloned().unwrap_or(Bit::Const(false)))
}

/// Bitwise `x ⊕ y ⊕ z`.
fn xor3<B: CircuitBuilder>(b: &mut B, x: &Word<B::Var>, y: &Word<B::Var>, z: &Word<B::Var>) -> Word<B::Var> {
    std::array::from_fn(|i| {
        let xy = xor(b, &x[i], &y[i]);
        xor(b, &xy, &z[i])
    })
}

/// `Σ`: the XOR of three rotations.
fn big_sigma<B: CircuitBuilder>(b: &mut B, w: &Word<B::Var>, r: [usize; 3]) -> Word<B::Var> {
    xor3(b, &rotr(w, r[0]), &rotr(w, r[1]), &rotr(w, r[2]))
}

/// `σ`: the XOR of two rotations and a shift.
fn small_sigma<B: CircuitBuilder>(b: &mut B, w: &Word<B::Var>, r: [usize; 2], s: usize) -> Word<B::Var> {
    xor3(b, &rotr(w, r[0]), &rotr(w, r[1]), &shr(w, s))
}

/// A sum of words as one field element: its variable part, its constant part, and the
/// largest value the variable part can take.
struct WordSum<V> {
    sum: Option<V>,
    constant: u64,
    max: u64,
}

fn word_sum<B: CircuitBuilder>(b: &mut B, words: &[&Word<B::Var>]) -> WordSum<B::Var> {
    let mut s = WordSum { sum: None, constant: 0, max: 0 };
    for word in words {
        for (i, bit) in word.iter().enumerate() {
            match bit {
                Bit::Const(false) => {}
                Bit::Const(true) => s.constant += 1 << i,
                Bit::Var(v) => {
                    s.max += 1 << i;
                    let term = b.scale(v, Fr::from(1u64 << i));
                    s.sum = Some(match s.sum {
                        Some(acc) => b.add(&acc, &term),
                        None => term,
                    });
                }
            }
        }
    }
    s
}

/// The sum modulo 2³²: decomposed into as many bits as its largest possible value needs; the
/// carries above bit 31 are range-checked and dropped. Also returns the sum as a variable.
fn decompose<B: CircuitBuilder>(b: &mut B, s: &WordSum<B::Var>) -> (Word<B::Var>, Option<B::Var>) {
    let Some(sum) = &s.sum else {
        return (const_word(s.constant as u32), None);
    };
    let total = b.add_const(sum, Fr::from(s.constant));
    let width = (u64::BITS - (s.max + s.constant).leading_zeros()) as usize;
    let bits = b.to_bits(&total, width);
    (std::array::from_fn(|i| bits.get(i).map_or(Bit::Const(false), |v| Bit::Var(v.clone()))), Some(total))
}

/// The sum of `words` modulo 2³² (see [`decompose`]).
fn add_words<B: CircuitBuilder>(b: &mut B, words: &[&Word<B::Var>]) -> Word<B::Var> {
    let s = word_sum(b, words);
    decompose(b, &s).0
}

/// The round's new `a`, `T1 + T2 = (new e − d) + Σ0 + Maj`, reusing new e's sum where additions
/// cost rows (`T1` has five words; in R1CS the sum is free and is written out).
#[allow(clippy::too_many_arguments)]
fn new_a<B: CircuitBuilder>(
    b: &mut B,
    e_total: Option<&B::Var>,
    e: &WordSum<B::Var>,
    d: &Word<B::Var>,
    t1: &[&Word<B::Var>],
    s0: &Word<B::Var>,
    maj: &Word<B::Var>,
) -> Word<B::Var> {
    let Some(e_total) = e_total.filter(|_| !b.free_linear_combinations()) else {
        let mut words = t1.to_vec();
        words.extend([s0, maj]);
        return add_words(b, &words);
    };
    let d = word_sum(b, &[d]);
    let t2 = word_sum(b, &[s0, maj]);
    let mut sum = e_total.clone();
    if let Some(d) = &d.sum {
        sum = b.sub(&sum, d);
    }
    if let Some(t2) = &t2.sum {
        sum = b.add(&sum, t2);
    }
    // `e_total` holds `e.constant`; the new sum's constant part is added back by `decompose`.
    let constant = e.constant - d.constant + t2.constant;
    let sum = b.add_const(&sum, -Fr::from(e.constant));
    let s = WordSum { sum: Some(sum), constant, max: e.max - d.max + t2.max };
    decompose(b, &s).0
}

/// One application of the compression function to `state` and a 16-word block.
fn compress<B: CircuitBuilder>(b: &mut B, state: &[Word<B::Var>; 8], block: &[Word<B::Var>]) -> [Word<B::Var>; 8] {
    let mut w: Vec<Word<B::Var>> = block.to_vec();
    for t in 16..64 {
        let s0 = small_sigma(b, &w[t - 15], [7, 18], 3);
        let s1 = small_sigma(b, &w[t - 2], [17, 19], 10);
        let next = add_words(b, &[&w[t - 16], &s0, &w[t - 7], &s1]);
        w.push(next);
    }

    let [mut a, mut bb, mut c, mut d, mut e, mut f, mut g, mut h] = state.clone();
    for (k, wt) in K.iter().zip(&w) {
        let s1 = big_sigma(b, &e, [6, 11, 25]);
        let ch: Word<B::Var> = std::array::from_fn(|i| choose(b, &e[i], &f[i], &g[i]));
        let s0 = big_sigma(b, &a, [2, 13, 22]);
        // Maj(a, b, c) is b where b = c, else a.
        let maj: Word<B::Var> = std::array::from_fn(|i| {
            let differ = xor(b, &bb[i], &c[i]);
            choose(b, &differ, &a[i], &bb[i])
        });
        let k = const_word(*k);
        let e_sum = word_sum(b, &[&d, &h, &s1, &ch, &k, wt]);
        let (new_e, e_total) = decompose(b, &e_sum);
        let new_a = new_a(b, e_total.as_ref(), &e_sum, &d, &[&h, &s1, &ch, &k, wt], &s0, &maj);
        (h, g, f, e, d, c, bb, a) = (g, f, e, new_e, c, bb, a, new_a);
    }

    let working = [a, bb, c, d, e, f, g, h];
    std::array::from_fn(|i| add_words(b, &[&state[i], &working[i]]))
}

/// `len` bytes as private witnesses (no constraints: [`sha256`] range-checks its input bytes).
/// A value that is missing, or beyond `values`, is unknown (shape-only mode; the native backend
/// records it as a failure).
pub fn bytes_witness<B: CircuitBuilder>(b: &mut B, values: Option<&[u8]>, len: usize) -> Vec<B::Var> {
    (0..len).map(|i| b.witness(values.and_then(|v| v.get(i)).map(|x| Fr::from(u64::from(*x))))).collect()
}

/// The digest as 8 words (H0…H7) of the constant-length message `bytes`; each byte is
/// decomposed into 8 bits, which also constrains it to `0..256`.
fn digest_words<B: CircuitBuilder>(b: &mut B, bytes: &[B::Var]) -> [Word<B::Var>; 8] {
    let previous = b.set_section(Section::Sha256);
    // Message bytes, then 0x80, zeros, and the bit length as a big-endian u64; each byte's bits
    // least significant first.
    let mut padded: Vec<[Bit<B::Var>; 8]> = Vec::with_capacity(bytes.len() + 72);
    for byte in bytes {
        let bits = b.to_bits(byte, 8);
        padded.push(std::array::from_fn(|i| bits.get(i).map_or(Bit::Const(false), |v| Bit::Var(v.clone()))));
    }
    let const_byte = |x: u8| -> [Bit<B::Var>; 8] { std::array::from_fn(|i| Bit::Const((x >> i) & 1 == 1)) };
    padded.push(const_byte(0x80));
    while padded.len() % 64 != 56 {
        padded.push(const_byte(0));
    }
    let bit_len = (bytes.len() as u64).wrapping_mul(8);
    padded.extend(bit_len.to_be_bytes().map(const_byte));

    // Big-endian words: byte 0 of each group of four is the most significant.
    let words: Vec<Word<B::Var>> =
        padded.chunks_exact(4).map(|quad| std::array::from_fn(|i| quad[3 - i / 8][i % 8].clone())).collect();
    let mut state: [Word<B::Var>; 8] = IV.map(const_word);
    for block in words.chunks_exact(16) {
        state = compress(b, &state, block);
    }
    b.set_section(previous);
    state
}

/// SHA-256 of the constant-length message `bytes` (each constrained to `0..256` here), as 256
/// bit variables in big-endian order: index 0 is the most significant bit of digest byte 0.
pub fn sha256_bits<B: CircuitBuilder>(b: &mut B, bytes: &[B::Var]) -> [B::Var; 256] {
    let words = digest_words(b, bytes);
    std::array::from_fn(|k| to_var(b, &words[k / 32][31 - k % 32]))
}

/// SHA-256 of the constant-length message `bytes` (each constrained to `0..256` here): the 32
/// digest bytes, as [`sha2::Sha256`] orders them.
pub fn sha256<B: CircuitBuilder>(b: &mut B, bytes: &[B::Var]) -> [B::Var; 32] {
    let bits = sha256_bits(b, bytes);
    std::array::from_fn(|j| from_bits_be(b, &bits[8 * j..8 * j + 8]))
}

/// The number whose bits, most significant first, are `bits` (a linear combination, free in
/// R1CS; the caller keeps it below the modulus).
pub fn from_bits_be<B: CircuitBuilder>(b: &mut B, bits: &[B::Var]) -> B::Var {
    let mut acc = b.constant(Fr::from(0u64));
    for bit in bits {
        let doubled = b.scale(&acc, Fr::from(2u64));
        acc = b.add(&doubled, bit);
    }
    acc
}
