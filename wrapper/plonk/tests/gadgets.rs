//! The PLONK builder on small gadgets: halo2's mock prover accepts honest witnesses and
//! rejects wrong ones, our row check agrees with it, and both agree with the native backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;

use ark_bn254::Fr;
use cairn_plonk::{first_failing_row, required_k, to_halo2, CairnCircuit, PlonkBuilder};
use cairn_wrapper::{field, CircuitBuilder, NativeBuilder};
use halo2_proofs::dev::MockProver;

/// Runs `gadget` on the native and PLONK backends: returns (native accepts, row check accepts,
/// mock prover accepts).
fn run(build: impl Fn(&mut PlonkBuilder), native: impl Fn(&mut NativeBuilder)) -> (bool, bool, bool) {
    let mut n = NativeBuilder::new();
    native(&mut n);
    let native_ok = n.finish().is_ok();
    let mut b = PlonkBuilder::new();
    build(&mut b);
    let (layout, values) = b.finish();
    let rows_ok = first_failing_row(&layout, &values).is_none();
    let public = layout.public_cell.map(|c| values[layout.rows[c as usize / 4].cells[c as usize % 4] as usize]);
    let k = required_k(&layout);
    let circuit = CairnCircuit::new(Arc::new(layout), Some(Arc::new(values)));
    let instance = vec![public.map(|p| vec![to_halo2(&p)]).unwrap_or_default()];
    let mock = MockProver::run(k, &circuit, instance).unwrap();
    (native_ok, rows_ok, mock.verify().is_ok())
}

macro_rules! agree {
    ($name:expr, $expect:expr, |$b:ident| $body:block) => {{
        fn gadget<B: CircuitBuilder>($b: &mut B) $body
        let result = run(|b| gadget(b), |b| gadget(b));
        assert_eq!(result, ($expect, $expect, $expect), "{}: (native, rows, mock) disagree or are wrong", $name);
    }};
}

#[test]
fn arithmetic_and_long_combinations() {
    agree!("products and sums", true, |b| {
        let xs: Vec<B::Var> = (1..=11u64).map(|i| b.witness(Some(Fr::from(i)))).collect();
        let mut sum = b.constant(Fr::from(5u64));
        for (i, x) in xs.iter().enumerate() {
            let t = b.scale(x, Fr::from(i as u64 + 2));
            sum = b.add(&sum, &t);
        }
        // 5 + Σ (i+2)·(i+1) for i < 11 = 5 + 572
        let expected = b.constant(Fr::from(577u64));
        b.assert_eq(&sum, &expected);
        let p = b.mul(&sum, &xs[2]);
        let q = b.constant(Fr::from(577u64 * 3));
        b.assert_eq(&p, &q);
        let d = b.sub(&xs[4], &xs[1]);
        let e = b.add_const(&xs[0], Fr::from(2u64));
        b.assert_mul(&d, &e, &xs[8]);
        let public = b.public_input(Some(Fr::from(7u64)));
        let seven = b.add(&xs[5], &xs[0]);
        b.assert_eq(&public, &seven);
    });
    agree!("a wrong product", false, |b| {
        let x = b.witness(Some(Fr::from(3u64)));
        let y = b.witness(Some(Fr::from(5u64)));
        let z = b.witness(Some(Fr::from(16u64)));
        b.assert_mul(&x, &y, &z);
    });
    agree!("a wrong long sum", false, |b| {
        let xs: Vec<B::Var> = (1..=9u64).map(|i| b.witness(Some(Fr::from(i)))).collect();
        let mut sum = b.constant(Fr::from(0u64));
        for x in &xs {
            sum = b.add(&sum, x);
        }
        let wrong = b.constant(Fr::from(46u64));
        b.assert_eq(&sum, &wrong);
    });
    agree!("a wrong public input", false, |b| {
        let public = b.public_input(Some(Fr::from(7u64)));
        let eight = b.constant(Fr::from(8u64));
        b.assert_eq(&public, &eight);
    });
}

fn range<B: CircuitBuilder>(b: &mut B, value: u64, bits: usize, decompose: bool) {
    let x = b.witness(Some(Fr::from(value)));
    if decompose {
        b.to_bits(&x, bits);
    } else {
        b.range_check(&x, bits);
    }
}

fn canonical<B: CircuitBuilder>(b: &mut B, value: u64) {
    let v = b.witness(Some(Fr::from(value)));
    field::assert_canonical(b, &v);
}

#[test]
fn bits_and_range_checks() {
    for (bits, value, ok) in [(8usize, 255u64, true), (8, 256, false), (16, 65535, true), (16, 65536, false), (31, (1 << 31) - 1, true), (31, 1 << 31, false), (32, u32::MAX as u64, true), (40, 1 << 40, false), (40, (1 << 40) - 1, true), (60, 1 << 59, true)] {
        let name = format!("range {bits} bits of {value}");
        let result = run(|b| range(b, value, bits, false), |b| range(b, value, bits, false));
        assert_eq!(result, (ok, ok, ok), "{name}");
        let result = run(|b| range(b, value, bits, true), |b| range(b, value, bits, true));
        assert_eq!(result, (ok, ok, ok), "bits: {name}");
    }
    // A "bit" that is 2 is refused.
    agree!("a non-boolean bit", false, |b| {
        let x = b.witness(Some(Fr::from(2u64)));
        b.assert_bool(&x);
    });
    // Negative values (p − 1) are huge: refused at every width.
    agree!("minus one in 32 bits", false, |b| {
        let x = b.witness(Some(-Fr::from(1u64)));
        b.range_check(&x, 32);
    });
}

#[test]
fn canonical_babybear_values() {
    // Around p = 0x7800_0001 and the 16-bit limbs of the lookup construction.
    let edges = [
        (0u64, true),
        (0xffff, true),
        (0x77ff_ffff, true),
        (field::P - 1, true),
        (field::P, false),
        (0x7800_ffff, false),
        (0x7801_0000, false),
        (u32::MAX as u64, false),
        (1 << 32, false),
        (1 << 40, false),
    ];
    for (value, ok) in edges {
        let result = run(|b| canonical(b, value), |b| canonical(b, value));
        assert_eq!(result, (ok, ok, ok), "canonical {value}");
    }
    agree!("minus one is not canonical", false, |b| {
        let v = b.witness(Some(-Fr::from(1u64)));
        field::assert_canonical(b, &v);
    });
    agree!("BabyBear arithmetic with reductions", true, |b| {
        let x = field::witness(b, Some(2_000_000_000));
        let y = field::witness(b, Some(1_999_999_999));
        let mut acc = field::mul(b, &x, &y);
        for _ in 0..6 {
            acc = field::mul(b, &acc, &x);
        }
        let r = field::reduce(b, &acc);
        let expected = (0..7).fold(1_999_999_999u128, |a, _| a * 2_000_000_000 % u128::from(field::P)) as u32;
        let e = field::witness(b, Some(expected));
        field::assert_eq(b, &r, &e);
    });
}

/// The development parameters are a KZG setup for halo2's domain: a small circuit proves and
/// verifies with them, and the monomial and Lagrange bases agree (halo2 commits in one and
/// opens in the other).
#[test]
fn development_parameters_prove_and_verify() {
    let mut b = PlonkBuilder::new();
    let x = b.witness(Some(Fr::from(3u64)));
    let y = b.mul(&x, &x);
    b.range_check(&y, 16);
    let public = b.public_input(Some(Fr::from(9u64)));
    b.assert_eq(&public, &y);
    let (layout, values) = b.finish();
    let layout = Arc::new(layout);
    let k = required_k(&layout);
    let params = cairn_plonk::dev_params(k, 1);
    let pk = cairn_plonk::keygen(&params, layout.clone()).unwrap();
    let circuit = CairnCircuit::new(layout, Some(Arc::new(values)));
    let public = to_halo2(&Fr::from(9u64));
    let proof = cairn_plonk::prove(&params, &pk, circuit, public).unwrap();
    cairn_plonk::verify(&params, pk.get_vk(), public, &proof).unwrap();
    assert!(cairn_plonk::verify(&params, pk.get_vk(), to_halo2(&Fr::from(10u64)), &proof).is_err());
    let key = cairn_plonk::PlonkVerifierKey::new(&params, pk.get_vk(), proof.len(), true);
    key.verify(Fr::from(9u64), &proof).unwrap();
}

/// Whether halo2's mock prover accepts `values` on `layout` (no public input).
fn mock_accepts(layout: &cairn_plonk::Layout, values: &[Fr]) -> bool {
    let k = required_k(layout);
    let circuit = CairnCircuit::new(Arc::new(layout.clone()), Some(Arc::new(values.to_vec())));
    MockProver::run(k, &circuit, vec![vec![]]).unwrap().verify().is_ok()
}

/// The Poseidon2 round gate: the permutation on the PLONK backend equals the native one (which
/// `cairn-wrapper`'s tests check against Plonky3) in 80 round rows, and a wrong cell in a round
/// row of each kind is caught by the row check and by halo2's mock prover.
#[test]
fn poseidon2_round_gate() {
    use cairn_plonk::builder::{KIND, RC};
    use cairn_plonk::round::RoundKind;
    use cairn_wrapper::poseidon2;

    let input = [Fr::from(1u64), Fr::from(2u64), -Fr::from(3u64)];
    let mut n = NativeBuilder::new();
    let vars = input.map(|x| n.witness(Some(x)));
    let expected = poseidon2::permute(&mut n, &vars).map(|v| n.value(&v).unwrap());
    let mut b = PlonkBuilder::new();
    let vars = input.map(|x| b.witness(Some(x)));
    let out = poseidon2::permute(&mut b, &vars);
    for (o, e) in out.iter().zip(expected) {
        let e = b.constant(e);
        b.assert_eq(o, &e);
    }
    let (layout, values) = b.finish();
    assert_eq!(first_failing_row(&layout, &values), None);
    assert!(mock_accepts(&layout, &values));

    let kind_of = |r: usize| {
        let q = &layout.patterns[layout.rows[r].pattern as usize];
        (q[RC] != Fr::from(0u64)).then_some(q[KIND])
    };
    let rounds: Vec<(usize, Fr)> = (0..layout.rows.len()).filter_map(|r| kind_of(r).map(|k| (r, k))).collect();
    let count = |kind: RoundKind| rounds.iter().filter(|(_, k)| *k == kind.coeff()).count();
    assert_eq!((count(RoundKind::Rotate), count(RoundKind::Mix), count(RoundKind::Partial)), (16, 8, 56));
    assert_eq!(rounds.len(), 80);
    assert!(rounds.windows(2).all(|w| w[1].0 == w[0].0 + 1), "round rows are consecutive");

    // The first row of each kind, the last round row, and the output row after it.
    let first = |kind: RoundKind| rounds.iter().find(|(_, k)| *k == kind.coeff()).unwrap().0;
    let last = rounds.last().unwrap().0;
    let rows = [first(RoundKind::Rotate), first(RoundKind::Mix), first(RoundKind::Partial), last, last + 1];
    for (i, &r) in rows.iter().enumerate() {
        for c in 0..3 + usize::from(r != last + 1) {
            let mut tampered = values.clone();
            tampered[layout.rows[r].cells[c] as usize] += Fr::from(1u64);
            assert!(first_failing_row(&layout, &tampered).is_some(), "row {r} cell {c}: the row check accepts");
            // The mock prover is slower (a 2^17-row table): one cell per row.
            if c == i % 4 {
                assert!(!mock_accepts(&layout, &tampered), "row {r} cell {c}: the mock prover accepts");
            }
        }
    }
}

/// Forged rounds: in one round row of each kind, `u` is not `x⁴` or one of the next row's cells
/// is not what the transition gives, and every later round row is recomputed from the forged
/// state, so that exactly one constraint of the gate fails. The row check and the mock prover
/// reject each (with that constraint dropped from the gate, both would accept).
#[test]
fn poseidon2_forged_rounds_are_rejected() {
    use cairn_plonk::builder::{KIND, RC};
    use cairn_plonk::round::{next_cells, RoundKind};
    use cairn_wrapper::poseidon2;

    let mut b = PlonkBuilder::new();
    let vars = [5u64, 6, 7].map(|x| b.witness(Some(Fr::from(x))));
    poseidon2::permute(&mut b, &vars);
    let (layout, values) = b.finish();
    assert!(mock_accepts(&layout, &values));
    let round = |r: usize| {
        let q = &layout.patterns[layout.rows[r].pattern as usize];
        (q[RC] != Fr::from(0u64)).then(|| (q[RC], RoundKind::from_coeff(q[KIND]).unwrap()))
    };
    let rounds: Vec<usize> = (0..layout.rows.len()).filter(|&r| round(r).is_some()).collect();
    let cell = |r: usize, c: usize| layout.rows[r].cells[c] as usize;
    for kind in [RoundKind::Rotate, RoundKind::Mix, RoundKind::Partial] {
        let start = *rounds.iter().find(|&&r| round(r).unwrap().1 == kind).unwrap();
        // 0: the S-box (`u`); 1 to 3: the next row's cell 0 to 2.
        for forged_part in 0..4 {
            let mut forged = values.clone();
            for r in start..=*rounds.last().unwrap() {
                let (rc, kind) = round(r).unwrap();
                let s = [0, 1, 2].map(|c| forged[cell(r, c)]);
                let x = s[0] + rc;
                let mut u = x * x * x * x;
                if r == start && forged_part == 0 {
                    u += Fr::from(1u64);
                }
                forged[cell(r, 3)] = u;
                let mut next = next_cells(kind, s, rc, u);
                if r == start && forged_part > 0 {
                    next[forged_part - 1] += Fr::from(1u64);
                }
                for (c, v) in next.into_iter().enumerate() {
                    forged[cell(r + 1, c)] = v;
                }
            }
            let what = format!("{kind:?} row, part {forged_part}");
            assert_eq!(first_failing_row(&layout, &forged), Some(start), "{what}: the row check");
            assert!(!mock_accepts(&layout, &forged), "{what}: the mock prover accepts");
        }
    }
}

/// `Σ cᵢ·aᵢ·bᵢ + linear` with a constant, constant factors, more linear terms than products, and
/// two chains in a row (the first one's result lands in the second one's first row): the
/// multiply-accumulate chain agrees with the native backend, and a wrong result is refused.
fn dot<B: CircuitBuilder>(b: &mut B, shift: u64) {
    let xs: Vec<B::Var> = (1..=9u64).map(|i| b.witness(Some(Fr::from(i)))).collect();
    let mut linear = b.constant(Fr::from(4u64));
    for (i, x) in xs.iter().enumerate() {
        let t = b.scale(x, Fr::from(i as u64 + 1));
        linear = b.add(&linear, &t);
    }
    let three = b.constant(Fr::from(3u64));
    let products = [
        (Fr::from(2u64), xs[0].clone(), xs[1].clone()),
        (-Fr::from(1u64), xs[2].clone(), xs[3].clone()),
        (Fr::from(5u64), three, xs[4].clone()),
        (Fr::from(1u64), xs[5].clone(), xs[5].clone()),
    ];
    let first = b.sum_of_products(&products, &linear);
    let second = b.sum_of_products(&products[..2], &first);
    // first = 4 + Σ (i+1)·(i+1) for i < 9 (= 285) + 2·2 − 3·4 + 5·3·5 + 6·6 = 392
    let expected = b.constant(Fr::from(392u64 + shift));
    b.assert_eq(&first, &expected);
    // second = first + 2·2 − 12
    let expected = b.constant(Fr::from(384u64));
    b.assert_eq(&second, &expected);
}

#[test]
fn sums_of_products_chain() {
    let result = run(|b| dot(b, 0), |b| dot(b, 0));
    assert_eq!(result, (true, true, true));
    let result = run(|b| dot(b, 1), |b| dot(b, 1));
    assert_eq!(result, (false, false, false), "a wrong sum is accepted");
    // One multiply-accumulate row per product whose factors are both variables.
    let mut b = PlonkBuilder::new();
    dot(&mut b, 0);
    let (layout, _) = b.finish();
    let zero = Fr::from(0u64);
    let mac = |r: &cairn_plonk::builder::Row| {
        let q = &layout.patterns[r.pattern as usize];
        q[0] != zero && q[5] != zero
    };
    assert_eq!(layout.rows.iter().filter(|r| mac(r)).count(), 3 + 2);
}

/// BabyBear⁴ products: the PLONK backend's schoolbook sums of products and the native
/// backend's interpolation give the same canonical result.
#[test]
fn extension_products_agree() {
    fn ext_product<B: CircuitBuilder>(b: &mut B, wrong: bool) {
        let x = field::ext_witness(b, Some([1_000_000_007, 5, 2_013_265_920, 77]));
        let y = field::ext_witness(b, Some([3, 1_999_999_999, 12_345, 2_013_265_000]));
        let p = field::ext_mul(b, &x, &y);
        let p = field::ext_reduce(b, &p);
        let mut expected = [1_829_907_242u32, 453_883_762, 1_599_615_064, 1_089_113_249];
        if wrong {
            expected[2] += 1;
        }
        let e = field::ext_witness(b, Some(expected));
        field::ext_assert_eq(b, &p, &e);
    }
    assert_eq!(run(|b| ext_product(b, false), |b| ext_product(b, false)), (true, true, true));
    assert_eq!(run(|b| ext_product(b, true), |b| ext_product(b, true)), (false, false, false));
}

/// Node compression `P([l, r, 0])[0]`: its external layer is one mix row with a zero S-box, and
/// the digest matches the native backend's.
#[test]
fn poseidon2_compression() {
    use cairn_wrapper::sponge;
    fn compress<B: CircuitBuilder>(b: &mut B, expected: Fr) {
        let l = b.witness(Some(Fr::from(12_345u64)));
        let r = b.witness(Some(-Fr::from(7u64)));
        let digest = sponge::compress(b, &l, &r);
        let e = b.constant(expected);
        b.assert_eq(&digest, &e);
    }
    let mut n = NativeBuilder::new();
    let (l, r) = (n.witness(Some(Fr::from(12_345u64))), n.witness(Some(-Fr::from(7u64))));
    let digest = sponge::compress(&mut n, &l, &r);
    let expected = n.value(&digest).unwrap();
    assert_eq!(run(|b| compress(b, expected), |b| compress(b, expected)), (true, true, true));
    let wrong = expected + Fr::from(1u64);
    assert_eq!(run(|b| compress(b, wrong), |b| compress(b, wrong)), (false, false, false));
    let mut b = PlonkBuilder::new();
    compress(&mut b, expected);
    let (layout, _) = b.finish();
    let rounds = layout.rows.iter().filter(|r| layout.patterns[r.pattern as usize][cairn_plonk::builder::RC] != Fr::from(0u64));
    assert_eq!(rounds.count(), 81, "the external layer's row and 80 rounds");
}

/// SHA-256 of the public input's 64 bytes (two compressions): the PLONK backend's fused XOR and
/// choice rows and its reuse of `T1` in the new `a` give the digest of the `sha2` crate.
#[test]
fn sha256_matches_the_sha2_crate() {
    use sha2::Digest as _;
    fn digest<B: CircuitBuilder>(b: &mut B, message: &[u8], expected: [u8; 32]) {
        let bytes = cairn_wrapper::sha256::bytes_witness(b, Some(message), message.len());
        let out = cairn_wrapper::sha256::sha256(b, &bytes);
        for (o, e) in out.iter().zip(expected) {
            let e = b.constant(Fr::from(u64::from(e)));
            b.assert_eq(o, &e);
        }
    }
    let message: Vec<u8> = (0..64u32).map(|i| (i * 37 + 11) as u8).collect();
    let expected: [u8; 32] = sha2::Sha256::digest(&message).into();
    assert_eq!(run(|b| digest(b, &message, expected), |b| digest(b, &message, expected)), (true, true, true));
    let mut wrong = expected;
    wrong[31] ^= 1;
    assert_eq!(run(|b| digest(b, &message, wrong), |b| digest(b, &message, wrong)), (false, false, false));
}
