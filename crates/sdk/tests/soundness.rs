//! Tampering with real fibonacci proofs (test profile, inner and outer configurations): every
//! part of a proof is bound, and every rejection is a typed error, never a panic.
//!
//! `ProverClient::verify` rebuilds the preprocessed commitment (program table, memory image,
//! byte table) on every call, which takes seconds in the outer configuration. The exhaustive
//! sweeps therefore use [`Fixture::fast_verify`], which runs the same checks in the same order
//! with the verifier data of the honest degree bits built once; edits of every kind also go
//! through `ProverClient::verify`.
//!
//! The test profile grinds 1 bit at each of its many proof-of-work sites, so almost any edit is
//! first rejected by some PoW check of the changed transcript. Each edit is therefore also made
//! to an inner proof under the test profile without proof of work ([`no_pow`]), where it must be
//! rejected by another check: for data absorbed before the FRI queries, that is in practice the
//! Merkle openings at the query indices the changed transcript re-derives.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;
use std::time::Instant;

use cairn_executor::{Executor, ExecutorConfig};
use cairn_machine::{Claim, Machine};
use cairn_sdk::{CairnProof, ConfigId, Inputs, Profile, ProverClient, SdkError, VerifyingKey};
use cairn_stark::config::{inner_config, outer_config, InnerSC, OuterSC};
use cairn_stark::{ProofBody, StarkProof, Val, VerifyError};
use p3_batch_stark::{verify_batch, CommonData, ProverData};
use p3_field::PrimeCharacteristicRing;
use p3_symmetric::MerkleCap;

fn elf(name: &str) -> Vec<u8> {
    std::fs::read(cairn_build::build_example(name).unwrap()).unwrap()
}

fn client(config: ConfigId) -> ProverClient {
    ProverClient::new().with_config(config).with_profile(Profile::TEST)
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "<non-string panic payload>".into())
}

/// Runs `f`, turning a panic into a test failure that names `what`.
fn no_panic<T>(what: &str, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| panic!("{what}: the verifier PANICKED: {}", panic_message(p)))
}

/// Verifier data for the honest degree bits, per configuration (one per fixture).
#[allow(clippy::large_enum_variant)]
enum Cached {
    Inner(InnerSC, CommonData<InnerSC>),
    Outer(OuterSC, CommonData<OuterSC>),
}

/// The test profile without proof of work (same id: only these tests make and check such
/// proofs, with `cairn_stark` directly).
fn no_pow() -> Profile {
    Profile {
        name: "test without proof of work",
        query_pow_bits: 0,
        commit_pow_bits: 0,
        batch_pow_bits: 0,
        ood_pow_bits: 0,
        lookup_pow_bits: 0,
        ..Profile::TEST
    }
}

/// An honest fibonacci proof and what verifying it needs.
struct Fixture {
    config: ConfigId,
    profile: Profile,
    client: ProverClient,
    vk: VerifyingKey,
    machine: Machine,
    program_vkey: [u8; 32],
    /// The postcard bytes of the honest `CairnProof` (proofs are not `Clone`).
    bytes: Vec<u8>,
    degree_bits: Vec<usize>,
    cached: Cached,
}

/// The honest fixture of `config` under the test profile (`pow`) or [`no_pow`].
fn fixture(config: ConfigId, pow: bool) -> &'static Fixture {
    static CELLS: [OnceLock<Fixture>; 4] = [const { OnceLock::new() }; 4];
    let index = 2 * usize::from(config == ConfigId::Outer) + usize::from(pow);
    CELLS[index].get_or_init(|| Fixture::new(config, if pow { Profile::TEST } else { no_pow() }))
}

impl Fixture {
    fn new(config: ConfigId, profile: Profile) -> Self {
        let start = Instant::now();
        let client = client(config);
        let (pk, vk) = client.setup(&elf("fibonacci")).unwrap();
        let mut inputs = Inputs::new();
        inputs.write(&5u32).unwrap();
        let machine = vk.machine();
        let proof = if profile == Profile::TEST {
            client.prove(&pk, &inputs).unwrap()
        } else {
            // What `ProverClient::prove` does, under another profile.
            let executor =
                Executor::new(&vk.program, ExecutorConfig::default()).with_inputs(inputs.items().iter().cloned());
            let (exec, record) = executor.run_recording().unwrap();
            let claim = Claim { start_pc: vk.program.entry, exit_code: exec.exit_code, digest: exec.digest };
            let witness = machine.generate_witness(&record, &claim, exec.committed_words).unwrap();
            let stark =
                cairn_stark::prove(config, &profile, machine.airs(), witness.traces, &witness.public_values).unwrap();
            CairnProof { stark, public_values: exec.public_values, program_vkey: pk.program_vkey }
        };
        let degree_bits = proof.stark.degree_bits.clone();
        let cached = match config {
            ConfigId::Inner => {
                let sc = inner_config(&profile);
                let common = ProverData::from_airs_and_degrees(&sc, machine.airs(), &degree_bits).unwrap().common;
                Cached::Inner(sc, common)
            }
            ConfigId::Outer => {
                let sc = outer_config(&profile).unwrap();
                let common = ProverData::from_airs_and_degrees(&sc, machine.airs(), &degree_bits).unwrap().common;
                Cached::Outer(sc, common)
            }
        };
        let fixture = Self {
            config,
            profile,
            client,
            program_vkey: pk.program_vkey,
            vk,
            machine,
            bytes: postcard::to_stdvec(&proof).unwrap(),
            degree_bits,
            cached,
        };
        if fixture.has_sdk() {
            fixture.sdk_verify(&proof, "honest proof").unwrap();
        }
        fixture.fast_verify(&proof, "honest proof").unwrap();
        println!("{config} {}: proof of {} bytes, fixture in {:?}", profile.name, fixture.bytes.len(), start.elapsed());
        fixture
    }

    fn fresh(&self) -> CairnProof {
        postcard::from_bytes(&self.bytes).unwrap()
    }

    /// Whether the proof is under the SDK's profile (the SDK knows profiles by id only).
    fn has_sdk(&self) -> bool {
        self.profile == Profile::TEST
    }

    /// `ProverClient::verify`.
    fn sdk_verify(&self, proof: &CairnProof, what: &str) -> Result<(), SdkError> {
        assert!(self.has_sdk());
        no_panic(&format!("{} {what}", self.config), || self.client.verify(proof, &self.vk))
    }

    /// What `ProverClient::verify` does, in the same order, with the verifier data cached: the
    /// program check, the claim from the public values, then `cairn_stark::verify`'s checks. A
    /// proof whose envelope or degree bits differ from the honest one's goes through
    /// `cairn_stark::verify` itself (its envelope and shape checks come before the rebuild).
    fn fast_verify(&self, proof: &CairnProof, what: &str) -> Result<(), String> {
        no_panic(&format!("{} {what}", self.config), || {
            if proof.program_vkey != self.program_vkey {
                return Err("wrong program".to_owned());
            }
            let public = self.public_values(0, proof.public_values_digest());
            let stark = &proof.stark;
            let same_envelope = stark.config == self.config
                && stark.profile == self.profile.id
                && stark.body.config() == self.config
                && stark.degree_bits == self.degree_bits
                && stark.body.degree_bits() == self.degree_bits.as_slice();
            if !same_envelope {
                let expected = (self.config, &self.profile);
                return cairn_stark::verify(stark, self.machine.airs(), &public, expected).map_err(|e| e.to_string());
            }
            let airs = self.machine.airs();
            match (&stark.body, &self.cached) {
                (ProofBody::Inner(p), Cached::Inner(sc, common)) => verify_batch(sc, airs, p, &public, common),
                (ProofBody::Outer(p), Cached::Outer(sc, common)) => verify_batch(sc, airs, p, &public, common),
                _ => unreachable!("the envelope check above matches body and configuration"),
            }
            .map_err(|e| format!("{e:?}"))
        })
    }

    /// The machine's public values for a run of the fixture's program to `exit_code`.
    fn public_values(&self, exit_code: u32, digest: [u8; 32]) -> Vec<Vec<Val>> {
        Machine::public_values(&Claim { start_pc: self.vk.program.entry, exit_code, digest })
    }
}

// ------------------------------------------------------------------------------------------
// Edits of a proof body.

/// Applies the same edit to either body type.
macro_rules! edit_body {
    ($proof:expr, |$p:ident| $edit:expr) => {
        match &mut $proof.body {
            ProofBody::Inner($p) => {
                $edit;
            }
            ProofBody::Outer($p) => {
                $edit;
            }
        }
    };
}

/// Reads the same expression from either body type.
macro_rules! read_body {
    ($proof:expr, |$p:ident| $read:expr) => {
        match &$proof.body {
            ProofBody::Inner($p) => $read,
            ProofBody::Outer($p) => $read,
        }
    };
}

fn bump<T: PrimeCharacteristicRing>(x: &mut T) {
    *x += T::ONE;
}

/// Adds 1 to the first element of the first root of a commitment.
fn bump_cap<F, D: PrimeCharacteristicRing, const K: usize>(cap: &mut MerkleCap<F, [D; K]>) {
    let mut roots = cap.roots().to_vec();
    bump(&mut roots[0][0]);
    *cap = MerkleCap::new(roots);
}

type Edit = Box<dyn Fn(&mut StarkProof)>;

/// The lengths of a proof's parts, for enumerating edits.
struct Shape {
    instances: Vec<InstanceShape>,
    permutation_commitment: bool,
    commit_phase_commits: usize,
    commit_pow_witnesses: usize,
    /// Per input batch: queries, matrices of the first query, Merkle sibling digests.
    input_openings: Vec<(usize, usize, usize)>,
    /// Per commit-phase round: queries, Merkle sibling digests.
    commit_phase_openings: Vec<(usize, usize)>,
    final_poly: usize,
    lookup_pow_witness: bool,
}

/// The opened values of one instance.
#[derive(Clone, Copy)]
struct InstanceShape {
    trace_local: usize,
    trace_next: bool,
    preprocessed: bool,
    preprocessed_next: bool,
    quotient_chunks: usize,
    permutation_local: usize,
    permutation_next: usize,
    lookup_terminal: bool,
}

fn shape(proof: &StarkProof) -> Shape {
    read_body!(proof, |b| Shape {
        instances: b
            .opened_values
            .instances
            .iter()
            .zip(&b.lookup_terminals)
            .map(|(o, t)| {
                let base = &o.base_opened_values;
                InstanceShape {
                    trace_local: base.trace_local.len(),
                    trace_next: base.trace_next.is_some(),
                    preprocessed: base.preprocessed.is_some(),
                    preprocessed_next: base.preprocessed.as_ref().is_some_and(|p| p.next.is_some()),
                    quotient_chunks: base.quotient_chunks.len(),
                    permutation_local: o.permutation_local.len(),
                    permutation_next: o.permutation_next.len(),
                    lookup_terminal: t.is_some(),
                }
            })
            .collect(),
        permutation_commitment: b.commitments.permutation.is_some(),
        commit_phase_commits: b.opening_proof.commit_phase_commits.len(),
        commit_pow_witnesses: b.opening_proof.commit_pow_witnesses.len(),
        input_openings: b
            .opening_proof
            .input_openings
            .iter()
            .map(|o| (o.opened_values.len(), o.opened_values[0].len(), o.opening_proof.sibling_hashes.len()))
            .collect(),
        commit_phase_openings: b
            .opening_proof
            .commit_phase_openings
            .iter()
            .map(|o| (o.sibling_values.len(), o.opening_proof.sibling_hashes.len()))
            .collect(),
        final_poly: b.opening_proof.final_poly.len(),
        lookup_pow_witness: b.lookup_pow_witness.is_some(),
    })
}

/// One edit for every element kind at every position that matters: every instance's opened
/// values, every commitment, every FRI round, every PoW witness. Each is `(kind, name, edit)`.
fn value_edits(s: &Shape) -> Vec<(&'static str, String, Edit)> {
    let mut edits: Vec<(&'static str, String, Edit)> = Vec::new();
    let mut add = |kind: &'static str, name: String, edit: Edit| edits.push((kind, name, edit));
    add(
        "main commitment",
        "commitments.main".into(),
        Box::new(|p| edit_body!(p, |b| bump_cap(&mut b.commitments.main))),
    );
    if s.permutation_commitment {
        let e: Edit = Box::new(|p| edit_body!(p, |b| bump_cap(b.commitments.permutation.as_mut().unwrap())));
        add("permutation commitment", "commitments.permutation".into(), e);
    }
    let e: Edit = Box::new(|p| edit_body!(p, |b| bump_cap(&mut b.commitments.quotient_chunks)));
    add("quotient commitment", "commitments.quotient_chunks".into(), e);
    for (i, instance) in s.instances.iter().enumerate() {
        let InstanceShape {
            trace_local: local,
            trace_next: next,
            preprocessed: prep,
            preprocessed_next: prep_next,
            quotient_chunks: chunks,
            permutation_local: perm,
            permutation_next: perm_next,
            lookup_terminal: terminal,
        } = *instance;
        for j in [0, local - 1] {
            let e: Edit = Box::new(move |p| {
                edit_body!(p, |b| bump(&mut b.opened_values.instances[i].base_opened_values.trace_local[j]))
            });
            add("trace_local", format!("instance {i} trace_local[{j}]"), e);
        }
        if next {
            let e: Edit = Box::new(move |p| {
                edit_body!(p, |b| bump(
                    &mut b.opened_values.instances[i].base_opened_values.trace_next.as_mut().unwrap()[0]
                ))
            });
            add("trace_next", format!("instance {i} trace_next[0]"), e);
        }
        if prep {
            let e: Edit = Box::new(move |p| {
                edit_body!(p, |b| bump(
                    &mut b.opened_values.instances[i].base_opened_values.preprocessed.as_mut().unwrap().local[0]
                ))
            });
            add("preprocessed opening", format!("instance {i} preprocessed.local[0]"), e);
        }
        if prep_next {
            let e: Edit = Box::new(move |p| {
                edit_body!(p, |b| bump(
                    &mut b.opened_values.instances[i]
                        .base_opened_values
                        .preprocessed
                        .as_mut()
                        .unwrap()
                        .next
                        .as_mut()
                        .unwrap()[0]
                ))
            });
            add("preprocessed opening", format!("instance {i} preprocessed.next[0]"), e);
        }
        for c in 0..chunks {
            let e: Edit = Box::new(move |p| {
                edit_body!(p, |b| bump(&mut b.opened_values.instances[i].base_opened_values.quotient_chunks[c][0]))
            });
            add("quotient chunk", format!("instance {i} quotient_chunks[{c}][0]"), e);
        }
        for j in (0..perm).step_by(perm.max(2) - 1) {
            let e: Edit =
                Box::new(move |p| edit_body!(p, |b| bump(&mut b.opened_values.instances[i].permutation_local[j])));
            add("permutation value", format!("instance {i} permutation_local[{j}]"), e);
        }
        if perm_next > 0 {
            let e: Edit =
                Box::new(move |p| edit_body!(p, |b| bump(&mut b.opened_values.instances[i].permutation_next[0])));
            add("permutation value", format!("instance {i} permutation_next[0]"), e);
        }
        if terminal {
            let e: Edit = Box::new(move |p| edit_body!(p, |b| bump(&mut b.lookup_terminals[i].as_mut().unwrap().0)));
            add("lookup terminal", format!("instance {i} lookup terminal"), e);
        }
    }
    for k in 0..s.commit_phase_commits {
        let e: Edit = Box::new(move |p| edit_body!(p, |b| bump_cap(&mut b.opening_proof.commit_phase_commits[k])));
        add("FRI commit-phase commitment", format!("commit_phase_commits[{k}]"), e);
    }
    for k in 0..s.commit_pow_witnesses {
        let e: Edit = Box::new(move |p| edit_body!(p, |b| bump(&mut b.opening_proof.commit_pow_witnesses[k])));
        add("PoW witness", format!("commit_pow_witnesses[{k}]"), e);
    }
    for (n, &(queries, matrices, siblings)) in s.input_openings.iter().enumerate() {
        for (q, m) in [(0, 0), (queries - 1, matrices - 1)] {
            let e: Edit = Box::new(move |p| {
                edit_body!(p, |b| bump(&mut b.opening_proof.input_openings[n].opened_values[q][m][0]))
            });
            add("FRI input opening", format!("input_openings[{n}].opened_values[{q}][{m}][0]"), e);
        }
        for h in [0, siblings.saturating_sub(1)].into_iter().filter(|_| siblings > 0) {
            let e: Edit = Box::new(move |p| {
                edit_body!(p, |b| bump(&mut b.opening_proof.input_openings[n].opening_proof.sibling_hashes[h][0]))
            });
            add("FRI input Merkle proof", format!("input_openings[{n}] sibling_hashes[{h}]"), e);
        }
    }
    for (r, &(queries, siblings)) in s.commit_phase_openings.iter().enumerate() {
        for q in [0, queries - 1] {
            let e: Edit = Box::new(move |p| {
                edit_body!(p, |b| bump(&mut b.opening_proof.commit_phase_openings[r].sibling_values[q][0]))
            });
            add("FRI commit-phase opening", format!("commit_phase_openings[{r}].sibling_values[{q}][0]"), e);
        }
        if siblings > 0 {
            let e: Edit = Box::new(move |p| {
                edit_body!(p, |b| bump(
                    &mut b.opening_proof.commit_phase_openings[r].opening_proof.sibling_hashes[0][0]
                ))
            });
            add("FRI commit-phase Merkle proof", format!("commit_phase_openings[{r}] sibling_hashes[0]"), e);
        }
    }
    for j in 0..s.final_poly {
        let e: Edit = Box::new(move |p| edit_body!(p, |b| bump(&mut b.opening_proof.final_poly[j])));
        add("FRI final polynomial", format!("final_poly[{j}]"), e);
    }
    add(
        "PoW witness",
        "batch_pow_witness".into(),
        Box::new(|p| edit_body!(p, |b| bump(&mut b.opening_proof.batch_pow_witness))),
    );
    add(
        "PoW witness",
        "query_pow_witness".into(),
        Box::new(|p| edit_body!(p, |b| bump(&mut b.opening_proof.query_pow_witness))),
    );
    add("PoW witness", "ood_pow_witness".into(), Box::new(|p| edit_body!(p, |b| bump(&mut b.ood_pow_witness))));
    if s.lookup_pow_witness {
        let e: Edit = Box::new(|p| edit_body!(p, |b| bump(b.lookup_pow_witness.as_mut().unwrap())));
        add("PoW witness", "lookup_pow_witness".into(), e);
    }
    edits
}

// ------------------------------------------------------------------------------------------
// Tests.

/// Every element kind at every position is rejected without proof of work, by a check other
/// than a PoW check (except for the PoW witnesses themselves). Printed: which check trips for
/// each kind. Every edit of data the transcript absorbs before the queries re-derives the query
/// indices, so it is typically the Merkle openings at the new indices that fail first. Inner
/// only: proving the outer configuration again costs 15-30 s, and the outer sweep under the test
/// profile below makes the same edits.
#[test]
fn every_part_of_the_proof_is_bound_without_proof_of_work() {
    let config = ConfigId::Inner;
    let f = fixture(config, false);
    let start = Instant::now();
    let edits = value_edits(&shape(&f.fresh().stark));
    let mut reasons = std::collections::BTreeMap::<String, usize>::new();
    for (kind, name, edit) in &edits {
        let mut proof = f.fresh();
        edit(&mut proof.stark);
        let what = format!("{kind}: {name}");
        let reason = f.fast_verify(&proof, &what).expect_err(&format!("{config} {what}: ACCEPTED"));
        let is_pow = reason.contains("PowWitness");
        assert_eq!(is_pow, *kind == "PoW witness", "{config} {what}: rejected by {reason}");
        let short: String =
            reason.split(['(', '{', ' ']).filter(|w| !w.is_empty()).take(5).collect::<Vec<_>>().join("/");
        *reasons.entry(format!("{kind}: {short}")).or_default() += 1;
    }
    println!("{config} without PoW: {} edits rejected in {:?}, by: {reasons:#?}", edits.len(), start.elapsed());
}

/// The same edits under the SDK's profile: all rejected; one edit of every kind (inner) or of a
/// few kinds (outer, where one SDK verification takes seconds) through `ProverClient::verify`,
/// which must answer `SdkError::Verify`.
#[test]
fn every_part_of_the_proof_is_rejected_by_the_sdk() {
    for config in ConfigId::ALL {
        let f = fixture(config, true);
        let start = Instant::now();
        let edits = value_edits(&shape(&f.fresh().stark));
        let mut kinds_through_sdk = std::collections::BTreeSet::new();
        for (kind, name, edit) in &edits {
            let mut proof = f.fresh();
            edit(&mut proof.stark);
            let what = format!("{kind}: {name}");
            assert!(f.fast_verify(&proof, &what).is_err(), "{config} {what}: ACCEPTED");
            let sdk = config == ConfigId::Inner || *kind == "trace_local";
            if sdk && kinds_through_sdk.insert(*kind) {
                match f.sdk_verify(&proof, &what) {
                    Err(SdkError::Verify(VerifyError::Stark(_))) => {}
                    other => panic!("{config} {what}: expected SdkError::Verify(Stark), got {other:?}"),
                }
            }
        }
        println!(
            "{config}: {} edits rejected ({} kinds through the SDK) in {:?}",
            edits.len(),
            kinds_through_sdk.len(),
            start.elapsed()
        );
    }
}

/// Removing, adding or emptying parts of the proof is a typed error, never a panic.
#[test]
fn structural_edits_are_errors_not_panics() {
    type Change = (&'static str, fn(&mut StarkProof));
    let changes: Vec<Change> = vec![
        ("an instance's opened values removed", |p| edit_body!(p, |b| b.opened_values.instances.pop())),
        ("trace_local shortened", |p| {
            edit_body!(p, |b| b.opened_values.instances[1].base_opened_values.trace_local.pop())
        }),
        ("trace_local lengthened", |p| {
            edit_body!(p, |b| b.opened_values.instances[1].base_opened_values.trace_local.push(one()))
        }),
        ("trace_next removed", |p| {
            edit_body!(p, |b| b.opened_values.instances[1].base_opened_values.trace_next = None)
        }),
        ("trace_next added where the AIR reads no next row", |p| {
            edit_body!(p, |b| b.opened_values.instances[2].base_opened_values.trace_next = Some(ones(18)))
        }),
        ("preprocessed opening removed", |p| {
            edit_body!(p, |b| b.opened_values.instances[0].base_opened_values.preprocessed = None)
        }),
        ("a quotient chunk removed", |p| {
            edit_body!(p, |b| b.opened_values.instances[1].base_opened_values.quotient_chunks.pop())
        }),
        ("a quotient chunk shortened", |p| {
            edit_body!(p, |b| b.opened_values.instances[1].base_opened_values.quotient_chunks[0].pop())
        }),
        ("permutation_local shortened", |p| edit_body!(p, |b| b.opened_values.instances[1].permutation_local.pop())),
        ("permutation_next emptied", |p| edit_body!(p, |b| b.opened_values.instances[1].permutation_next.clear())),
        ("a lookup terminal removed", |p| edit_body!(p, |b| b.lookup_terminals.pop())),
        ("a lookup terminal set to none", |p| edit_body!(p, |b| b.lookup_terminals[1] = None)),
        ("lookup PoW witness removed", |p| edit_body!(p, |b| b.lookup_pow_witness = None)),
        ("permutation commitment removed", |p| edit_body!(p, |b| b.commitments.permutation = None)),
        ("a FRI commit-phase commitment removed", |p| edit_body!(p, |b| b.opening_proof.commit_phase_commits.pop())),
        ("a commit-phase PoW witness removed", |p| edit_body!(p, |b| b.opening_proof.commit_pow_witnesses.pop())),
        ("a commit-phase PoW witness added", |p| edit_body!(p, |b| b.opening_proof.commit_pow_witnesses.push(one()))),
        ("an input opening batch removed", |p| edit_body!(p, |b| b.opening_proof.input_openings.pop())),
        ("an input opening query removed", |p| {
            edit_body!(p, |b| b.opening_proof.input_openings[0].opened_values.pop())
        }),
        ("an input opening matrix removed", |p| {
            edit_body!(p, |b| b.opening_proof.input_openings[0].opened_values[0].pop())
        }),
        ("an input opening row shortened", |p| {
            edit_body!(p, |b| b.opening_proof.input_openings[0].opened_values[0][0].pop())
        }),
        ("an input Merkle sibling removed", |p| {
            edit_body!(p, |b| b.opening_proof.input_openings[0].opening_proof.sibling_hashes.pop())
        }),
        ("an input Merkle sibling added", |p| {
            edit_body!(p, |b| {
                let proof = &mut b.opening_proof.input_openings[0].opening_proof;
                proof.sibling_hashes.push(proof.sibling_hashes[0]);
            })
        }),
        ("a commit-phase round removed", |p| edit_body!(p, |b| b.opening_proof.commit_phase_openings.pop())),
        ("a commit-phase query removed", |p| {
            edit_body!(p, |b| b.opening_proof.commit_phase_openings[0].sibling_values.pop())
        }),
        ("a commit-phase sibling added", |p| {
            edit_body!(p, |b| b.opening_proof.commit_phase_openings[0].sibling_values[0].push(one()))
        }),
        ("commit-phase Merkle siblings emptied", |p| {
            edit_body!(p, |b| b.opening_proof.commit_phase_openings[0].opening_proof.sibling_hashes.clear())
        }),
        ("final polynomial emptied", |p| edit_body!(p, |b| b.opening_proof.final_poly.clear())),
        ("final polynomial lengthened", |p| edit_body!(p, |b| b.opening_proof.final_poly.push(one()))),
    ];
    for config in ConfigId::ALL {
        let f = fixture(config, true);
        for (what, change) in &changes {
            let mut proof = f.fresh();
            change(&mut proof.stark);
            let reason = f.fast_verify(&proof, what).expect_err(&format!("{config} {what}: ACCEPTED"));
            println!("{config} {what}: {reason:.100}");
        }
    }
}

fn one<T: PrimeCharacteristicRing>() -> T {
    T::ONE
}

fn ones<T: PrimeCharacteristicRing>(n: usize) -> Vec<T> {
    vec![T::ONE; n]
}

/// The heights are bound: in the envelope, in the body, or both.
#[test]
fn degree_bits_are_bound() {
    let index = |name: &str| cairn_machine::CHIP_NAMES.iter().position(|n| *n == name).unwrap();
    let (cpu, byte) = (index("cpu"), index("byte"));
    for config in ConfigId::ALL {
        let f = fixture(config, true);
        let mut cases: Vec<(String, CairnProof)> = Vec::new();
        let mut case = |what: &str, edit: &dyn Fn(&mut StarkProof)| {
            let mut proof = f.fresh();
            edit(&mut proof.stark);
            cases.push((what.to_owned(), proof));
        };
        case("CPU height doubled (envelope and body)", &|p| {
            p.degree_bits[cpu] += 1;
            edit_body!(p, |b| b.degree_bits[cpu] += 1);
        });
        case("byte table at another height", &|p| {
            p.degree_bits[byte] -= 1;
            edit_body!(p, |b| b.degree_bits[byte] -= 1);
        });
        case("an absurd height", &|p| {
            p.degree_bits[cpu] = usize::MAX;
            edit_body!(p, |b| b.degree_bits[cpu] = usize::MAX);
        });
        case("a height missing", &|p| {
            p.degree_bits.pop();
            edit_body!(p, |b| b.degree_bits.pop());
        });
        case("envelope only", &|p| p.degree_bits[cpu] += 1);
        case("body only", &|p| edit_body!(p, |b| b.degree_bits[cpu] -= 1));
        for (what, proof) in &cases {
            let reason = f.fast_verify(proof, what).expect_err(&format!("{config} {what}: ACCEPTED"));
            println!("{config} {what}: {reason:.100}");
            if config == ConfigId::Inner {
                let r = f.sdk_verify(proof, what);
                assert!(matches!(r, Err(SdkError::Verify(_))), "{config} {what}: {r:?}");
            }
        }
    }
}

/// The public values, the exit code (always 0) and the program are bound.
#[test]
fn public_values_exit_code_and_program_are_bound() {
    for config in ConfigId::ALL {
        let f = fixture(config, true);
        let honest = f.fresh();
        assert!(!honest.public_values.is_empty());
        // Public values: through the digest the commit chip exposes.
        type Change = (&'static str, fn(&mut Vec<u8>));
        let changes: [Change; 4] = [
            ("a public byte flipped", |v| v[0] ^= 1),
            ("a public byte appended", |v| v.push(0)),
            ("the last public byte removed", |v| {
                v.pop();
            }),
            ("public values emptied", Vec::clear),
        ];
        for (i, (what, change)) in changes.iter().enumerate() {
            let mut proof = f.fresh();
            change(&mut proof.public_values);
            assert!(f.fast_verify(&proof, what).is_err(), "{config} {what}: ACCEPTED");
            if config == ConfigId::Inner || i == 0 {
                let r = f.sdk_verify(&proof, what);
                assert!(matches!(r, Err(SdkError::Verify(VerifyError::Stark(_)))), "{config} {what}: {r:?}");
            }
        }
        // The exit code: the same proof claimed for a run that exited with 1 (or started
        // elsewhere) does not verify.
        let digest = honest.public_values_digest();
        let airs = f.machine.airs();
        let expected = (config, &Profile::TEST);
        let exit_1 = f.public_values(1, digest);
        let r = no_panic("exit code 1", || cairn_stark::verify(&honest.stark, airs, &exit_1, expected));
        assert!(matches!(r, Err(VerifyError::Stark(_))), "{config} exit code 1: {r:?}");
        if config == ConfigId::Inner {
            let mut elsewhere = f.public_values(0, digest);
            elsewhere[cairn_machine::machine::CPU_INSTANCE][0] += Val::ONE;
            let r = no_panic("start pc + 1", || cairn_stark::verify(&honest.stark, airs, &elsewhere, expected));
            assert!(matches!(r, Err(VerifyError::Stark(_))), "{config} start pc + 1: {r:?}");
        }
        // The program verifying key in the proof.
        let mut proof = f.fresh();
        proof.program_vkey[31] ^= 1;
        assert!(matches!(f.sdk_verify(&proof, "program vkey"), Err(SdkError::WrongProgram { .. })), "{config}");
    }
    // Another program's key (its preprocessed tables): the proof's key does not match, and a
    // proof that claims the other key does not verify. Inner only: an outer setup costs seconds.
    let f = fixture(ConfigId::Inner, true);
    let (_, other) = client(ConfigId::Inner).setup(&elf("sha256")).unwrap();
    let proof = f.fresh();
    let r = no_panic("other program", || f.client.verify(&proof, &other));
    assert!(matches!(r, Err(SdkError::WrongProgram { .. })), "{r:?}");
    let mut lying = f.fresh();
    lying.program_vkey = other.program_vkey().unwrap();
    let r = no_panic("other program, lying key", || f.client.verify(&lying, &other));
    assert!(matches!(r, Err(SdkError::Verify(_))), "{r:?}");
    let public = Machine::public_values(&Claim {
        start_pc: other.program.entry,
        exit_code: 0,
        digest: proof.public_values_digest(),
    });
    let r = no_panic("other machine", || {
        cairn_stark::verify(&proof.stark, other.machine().airs(), &public, (ConfigId::Inner, &Profile::TEST))
    });
    assert!(r.is_err(), "the fibonacci proof verified against the sha256 machine");
}

/// Single-bit flips of the serialised `CairnProof` at a sample of offsets: each fails to decode
/// or fails to verify, and nothing panics.
#[test]
fn serialized_byte_flips_are_rejected() {
    for (config, step) in [(ConfigId::Inner, 37), (ConfigId::Outer, 101)] {
        let f = fixture(config, true);
        let start = Instant::now();
        let (mut undecodable, mut rejected) = (0, 0);
        for offset in (0..f.bytes.len()).step_by(step).chain([f.bytes.len() - 1]) {
            let mut bytes = f.bytes.clone();
            bytes[offset] ^= 1 << (offset % 8);
            let what = format!("flip at byte {offset}");
            let Ok(proof) = no_panic(&what, || postcard::from_bytes::<CairnProof>(&bytes)) else {
                undecodable += 1;
                continue;
            };
            assert!(f.fast_verify(&proof, &what).is_err(), "{config} {what}: ACCEPTED");
            rejected += 1;
        }
        println!(
            "{config}: {} bytes, {rejected} flips decoded and rejected, {undecodable} undecodable, in {:?}",
            f.bytes.len(),
            start.elapsed()
        );
    }
}
