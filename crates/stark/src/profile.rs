//! Security profiles: the FRI and grinding parameters a proof is made with.
//!
//! A profile is identified by a stable `u8` id (written in proofs and file headers) and a
//! name (used on the command line). Prover and verifier must use the same profile: the
//! parameters are hashed into the Fiat-Shamir seed, so a mismatch fails verification anyway,
//! but [`crate::verify`] reports it as a typed error first.

use p3_fri::FriParameters;
use p3_security::logup::{self, LogUpAir};
use p3_security::shape::{InstanceShape, StarkAirParams};
use p3_security::stark::{conjectured_security_report, proven_security_report};
use p3_security::{GrindingSites, LowDegreeTest};
use thiserror::Error;

use crate::config::ConfigId;

/// FRI and proof-of-work parameters of a proof.
///
/// Grinding sites: `query` before the FRI query indices, `commit` before each FRI folding
/// challenge, `batch` before the PCS opening-batching challenge, `ood` before the
/// out-of-domain point ζ, `lookup` before the LogUp challenges (α, β).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Stable id, written in proofs and file headers.
    pub id: u8,
    /// Stable name, as accepted by [`Profile::by_name`].
    pub name: &'static str,
    /// log2 of the Reed-Solomon blowup; constraint degree up to `2^log_blowup + 1` is cheap.
    pub log_blowup: usize,
    /// Number of FRI queries.
    pub num_queries: usize,
    /// Proof-of-work bits before sampling the query indices.
    pub query_pow_bits: usize,
    /// Proof-of-work bits before each FRI folding challenge.
    pub commit_pow_bits: usize,
    /// Proof-of-work bits before the opening-batching challenge.
    pub batch_pow_bits: usize,
    /// Proof-of-work bits before the out-of-domain point.
    pub ood_pow_bits: usize,
    /// Proof-of-work bits before the LogUp challenges.
    pub lookup_pow_bits: usize,
    /// log2 of the FRI final polynomial length; every trace needs `log_height > this`.
    pub log_final_poly_len: usize,
    /// log2 of the largest FRI folding arity.
    pub max_log_arity: usize,
}

/// The name or id matches no profile of this build.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("unknown security profile {0:?} (known: test, production, production-fast, production-wrap)")]
pub struct UnknownProfile(pub String);

impl Profile {
    /// Fast and insecure (≈ 3 bits: 2 queries × 1 bit + 1 bit of query PoW), for tests only.
    /// Every grinding site is at 1 bit so that each PoW code path is exercised.
    pub const TEST: Self = Self {
        id: 1,
        name: "test",
        log_blowup: 1,
        num_queries: 2,
        query_pow_bits: 1,
        commit_pow_bits: 1,
        batch_pow_bits: 1,
        ood_pow_bits: 1,
        lookup_pow_bits: 1,
        log_final_poly_len: 0,
        max_log_arity: 1,
    };

    /// Production: blowup 4 (constraint degree up to 5), 43 queries, 16 bits of query PoW.
    ///
    /// - ethSTARK conjecture (Ben-Sasson et al., ePrint 2021/582, §5.10.1; FRI sound up to
    ///   list-decoding capacity): `log_blowup·num_queries + query_pow = 2·43 + 16 = 102` bits.
    /// - p3-security *conjectured* (random-words regime, ePrint 2025/2010: each query is worth
    ///   −log2(ρ + η) ≈ 1.96 bits, and the FRI folding, DEEP, LogUp and opening-batching rounds
    ///   are charged too): 43·1.96 + 16 ≈ 100.3 bits, bound by the query phase, for the
    ///   [`SecurityShape::REPRESENTATIVE`] batch at any height up to 2^24 rows. The other
    ///   sites would bind below 100 without their grinding (at 2^24: batching 87, LogUp 90.7,
    ///   DEEP 98, folding 98 bits), hence batch 14, lookup 12, ood 4 and commit 4 PoW bits.
    /// - p3-security *proven* (best of unique decoding and Johnson-bound list decoding,
    ///   ePrint 2024/1553): ≈ 59 bits, bound by the low-degree test. Proven FRI bounds would
    ///   need about twice the queries; like ethSTARK and SP1 deployments, Cairn targets the
    ///   conjectured figure.
    ///
    /// Unit test `production_is_100_bits_conjectured` recomputes these numbers.
    pub const PRODUCTION: Self = Self {
        id: 2,
        name: "production",
        log_blowup: 2,
        num_queries: 43,
        query_pow_bits: 16,
        commit_pow_bits: 4,
        batch_pow_bits: 14,
        ood_pow_bits: 4,
        lookup_pow_bits: 12,
        log_final_poly_len: 0,
        max_log_arity: 1,
    };

    /// Production, tuned for proving speed: blowup 2 (constraint degree up to 3, which the machine
    /// respects), so every commitment hashes half as much as under [`Self::PRODUCTION`], at the
    /// price of twice the queries (larger proofs).
    ///
    /// - ethSTARK conjecture: `1·NUM + 16` bits with NUM queries (see the constant).
    /// - p3-security conjectured: each query is worth −log2(ρ + η) ≈ 0.97 bits at rate 1/2; the
    ///   unit test checks ≥ 100 bits for the representative shape up to 2^24 rows.
    pub const PRODUCTION_FAST: Self = Self {
        id: 3,
        name: "production-fast",
        log_blowup: 1,
        num_queries: 87,
        query_pow_bits: 16,
        commit_pow_bits: 4,
        batch_pow_bits: 14,
        ood_pow_bits: 4,
        lookup_pow_bits: 12,
        log_final_poly_len: 0,
        max_log_arity: 1,
    };

    /// Production, tuned for proofs that are wrapped into a SNARK (the `outer` configuration):
    /// blowup 32 and 18 bits of query PoW, so that 17 queries reach 100 bits where
    /// [`Self::PRODUCTION`] needs 43. The verifier circuit's cost is almost all per query
    /// (Merkle paths, leaf hashes, range checks of opened values, FRI folding), so the wrap
    /// circuit is about half the size; the STARK prover commits to 8× larger codewords than
    /// under [`Self::PRODUCTION`] (SP1's wrap-stage configuration makes the same trade).
    ///
    /// - ethSTARK conjecture: `5·17 + 18 = 103` bits.
    /// - p3-security conjectured: each query is worth −log2(ρ + η) ≈ 4.9 bits at rate 1/32; the
    ///   unit test checks ≥ 100 bits for the representative shape up to 2^24 rows (batching and
    ///   folding grind 16 and 6 bits to stay above 100 at the larger LDE domain).
    pub const PRODUCTION_WRAP: Self = Self {
        id: 4,
        name: "production-wrap",
        log_blowup: 5,
        num_queries: 17,
        query_pow_bits: 18,
        commit_pow_bits: 6,
        batch_pow_bits: 16,
        ood_pow_bits: 4,
        lookup_pow_bits: 12,
        log_final_poly_len: 0,
        max_log_arity: 1,
    };

    /// All profiles of this build.
    pub const ALL: [Self; 4] = [Self::TEST, Self::PRODUCTION, Self::PRODUCTION_FAST, Self::PRODUCTION_WRAP];

    /// Looks a profile up by name.
    pub fn by_name(name: &str) -> Result<Self, UnknownProfile> {
        Self::ALL
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| UnknownProfile(name.to_string()))
    }

    /// Looks a profile up by its stable id.
    pub fn by_id(id: u8) -> Result<Self, UnknownProfile> {
        Self::ALL
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| UnknownProfile(format!("id {id}")))
    }

    /// Whether proofs under this profile are worthless as evidence (tests only).
    pub fn is_insecure(&self) -> bool {
        self.ethstark_bits() < 80
    }

    /// The ethSTARK conjectured bits: `log_blowup·num_queries + query_pow_bits`.
    pub fn ethstark_bits(&self) -> usize {
        self.log_blowup * self.num_queries + self.query_pow_bits
    }

    /// Smallest log2 trace height this profile accepts (FRI needs `log_h > log_final_poly_len`
    /// unless the final polynomial is a constant).
    pub fn min_log_height(&self) -> usize {
        if self.log_final_poly_len == 0 {
            0
        } else {
            self.log_final_poly_len + 1
        }
    }

    /// The FRI parameters of this profile around the given MMCS.
    pub fn fri_params<M>(&self, mmcs: M) -> FriParameters<M> {
        FriParameters {
            log_blowup: self.log_blowup,
            log_final_poly_len: self.log_final_poly_len,
            max_log_arity: self.max_log_arity,
            num_queries: self.num_queries,
            batch_proof_of_work_bits: self.batch_pow_bits,
            commit_proof_of_work_bits: self.commit_pow_bits,
            query_proof_of_work_bits: self.query_pow_bits,
            mmcs,
        }
    }

    /// Soundness of this profile for a proof of the given shape under `config`, per p3-security.
    pub fn security(&self, config: ConfigId, shape: &SecurityShape) -> SecurityEstimate {
        let regime = self.fri_params(()).security_regime();
        let instance = InstanceShape {
            log_trace_length: shape.log_trace_length,
            modulus_bits: crate::config::challenge_bits(),
            collision_resistance: config.collision_bits(),
            num_batched_functions: shape.num_batched_functions,
        };
        let air = StarkAirParams {
            num_constraints: shape.num_constraints,
            max_constraint_degree: shape.max_constraint_degree,
            num_quotient_chunks: shape.num_quotient_chunks,
            max_combo: 2,
        };
        let grinding = GrindingSites {
            out_of_domain: self.ood_pow_bits,
            batch_combination: self.batch_pow_bits,
            lookup_challenge: self.lookup_pow_bits,
        };
        let lookup = LogUpAir {
            num_interactions: shape.num_interactions,
            max_message_width: shape.max_message_width,
        };
        let extras: Vec<_> = logup::security_term(&lookup, &instance, &grinding)
            .into_iter()
            .collect();
        let conjectured = conjectured_security_report(&regime, &air, &instance, &extras, &grinding);
        let proven = proven_security_report(&regime, &air, &instance, &extras, &grinding);
        SecurityEstimate {
            ethstark_bits: self.ethstark_bits(),
            conjectured_bits: conjectured.security_bits(),
            conjectured_binding: conjectured.binding().label,
            proven_bits: proven.security_bits(),
            proven_binding: proven.binding().1.label,
            log_blowup: regime.log_blowup(),
        }
    }
}

/// The shape of a proof as far as soundness is concerned (largest instance; totals over the
/// batch). See [`crate::security_shape`] to derive it from real AIRs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityShape {
    /// log2 of the largest trace height.
    pub log_trace_length: usize,
    /// Number of constraints (AIR + LogUp) over all instances.
    pub num_constraints: usize,
    /// Largest constraint degree.
    pub max_constraint_degree: usize,
    /// Largest number of quotient chunks of an instance.
    pub num_quotient_chunks: usize,
    /// Number of codewords batched into the FRI instance (opened columns × points).
    pub num_batched_functions: usize,
    /// Lookup interactions per row, summed over the batch.
    pub num_interactions: usize,
    /// Widest lookup tuple.
    pub max_message_width: usize,
}

impl SecurityShape {
    /// A representative RISC-V machine shard: 2^22 rows, 1000 constraints of degree ≤ 3
    /// (2 quotient chunks), 2000 batched codewords, 64 interactions of width ≤ 8 per row.
    pub const REPRESENTATIVE: Self = Self {
        log_trace_length: 22,
        num_constraints: 1000,
        max_constraint_degree: 3,
        num_quotient_chunks: 2,
        num_batched_functions: 2000,
        num_interactions: 64,
        max_message_width: 8,
    };
}

/// Bits of security of a profile for one proof shape.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SecurityEstimate {
    /// ethSTARK conjecture: `log_blowup·num_queries + query_pow_bits`.
    pub ethstark_bits: usize,
    /// p3-security conjectured (random-words) bits: minimum over all error terms.
    pub conjectured_bits: f64,
    /// The p3-security term that binds the conjectured figure.
    pub conjectured_binding: &'static str,
    /// p3-security proven bits (best of unique- and list-decoding regimes).
    pub proven_bits: f64,
    /// The p3-security term that binds the proven figure.
    pub proven_binding: &'static str,
    /// log2 of the blowup the estimate was computed for.
    pub log_blowup: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_name_and_id() {
        for p in Profile::ALL {
            assert_eq!(Profile::by_name(p.name), Ok(p));
            assert_eq!(Profile::by_id(p.id), Ok(p));
        }
        assert!(Profile::by_name("fast").is_err());
        assert!(Profile::by_id(0).is_err());
        assert!(Profile::TEST.is_insecure());
        assert!(!Profile::PRODUCTION.is_insecure());
    }

    #[test]
    fn production_is_100_bits_conjectured() {
        let secure = [Profile::PRODUCTION, Profile::PRODUCTION_FAST, Profile::PRODUCTION_WRAP];
        for profile in secure {
            assert!(profile.ethstark_bits() >= 100);
            assert!(!profile.is_insecure());
        }
        for config in [ConfigId::Inner, ConfigId::Outer] {
            for (profile, log_trace_length) in [16, 20, 22, 24]
                .into_iter()
                .flat_map(|log| secure.map(|p| (p, log)))
            {
                let shape = SecurityShape {
                    log_trace_length,
                    ..SecurityShape::REPRESENTATIVE
                };
                let e = profile.security(config, &shape);
                println!("{} {config:?} 2^{log_trace_length}: {e:?}", profile.name);
                assert!(e.conjectured_bits >= 100.0, "{}, {config:?}: {e:?}", profile.name);
                assert!(e.proven_bits > 40.0, "{}, {config:?}: {e:?}", profile.name);
            }
            let t = Profile::TEST.security(config, &SecurityShape::REPRESENTATIVE);
            assert!(t.conjectured_bits < 10.0, "{t:?}");
        }
    }
}
