//! Proving keys: the insecure development setup, and the shape checks every key must pass.

use std::cell::RefCell;
use std::rc::Rc;

use ark_bn254::{Bn254, Fr, G1Projective, G2Projective};
use ark_ec::CurveGroup;
use ark_groth16::{r1cs_to_qap::LibsnarkReduction, Groth16, ProvingKey};
use ark_relations::gr1cs::ConstraintSynthesizer;
use ark_std::UniformRand;
use rand_chacha::{rand_core::SeedableRng, ChaCha20Rng};
use serde::{Deserialize, Serialize};

use crate::circuit::{Checked, CircuitInfo};
use crate::{Groth16Error, Groth16VerifyingKey};

/// The R1CS-to-QAP reduction a proving key was made for; the prover must use the same one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QapReduction {
    /// arkworks' default (libsnark's); used by [`dev_setup`].
    Libsnark,
    /// snarkjs'; used by keys from [`crate::import_zkey`].
    Circom,
}

/// A Groth16 proving key (it contains the verifying key) and how it was made.
///
/// Serde form: the two flags, then the arkworks uncompressed serialisation of the proving key
/// as a byte string (validated when loaded).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Groth16Keys {
    /// True for keys from [`dev_setup`]: whoever knows the seed can forge proofs.
    /// Tools must warn loudly whenever such keys are used.
    pub insecure_dev_setup: bool,
    /// The QAP reduction the prover must use with these keys.
    pub reduction: QapReduction,
    /// The arkworks proving key.
    #[serde(with = "ark_bytes")]
    pub pk: ProvingKey<Bn254>,
}

/// The warning tools print for keys from [`dev_setup`].
pub const INSECURE_DEV_SETUP_WARNING: &str = "WARNING: these Groth16 keys come from an INSECURE \
     development setup; anyone who knows its seed can forge proofs. Never deploy them.";

impl Groth16Keys {
    /// The verifying key.
    pub fn verifying_key(&self) -> Groth16VerifyingKey {
        Groth16VerifyingKey(self.pk.vk.clone())
    }

    /// [`INSECURE_DEV_SETUP_WARNING`] for development keys, `None` for ceremony keys.
    pub fn security_warning(&self) -> Option<&'static str> {
        self.insecure_dev_setup
            .then_some(INSECURE_DEV_SETUP_WARNING)
    }

    /// Checks that the key's query lengths fit a circuit of shape `info`.
    pub(crate) fn check_shape(&self, info: &CircuitInfo) -> Result<(), Groth16Error> {
        let pk = &self.pk;
        let h_len = match self.reduction {
            QapReduction::Libsnark => info.domain_size - 1,
            QapReduction::Circom => info.domain_size,
        };
        let checks = [
            ("IC points", pk.vk.gamma_abc_g1.len(), info.num_instance),
            ("A query", pk.a_query.len(), info.num_variables()),
            ("B query (G1)", pk.b_g1_query.len(), info.num_variables()),
            ("B query (G2)", pk.b_g2_query.len(), info.num_variables()),
            ("L query", pk.l_query.len(), info.num_witness),
            ("H query", pk.h_query.len(), h_len),
        ];
        for (what, found, expected) in checks {
            if found != expected {
                return Err(Groth16Error::KeyMismatch(format!(
                    "{what}: the key has {found} points, the circuit needs {expected}"
                )));
            }
        }
        Ok(())
    }
}

/// **INSECURE** development setup: Groth16 keys derived deterministically from `seed`
/// (ChaCha20). The toxic waste is a function of the seed, so anyone who knows it can forge
/// proofs; the keys carry `insecure_dev_setup: true`. Use a ceremony ([`crate::import_zkey`])
/// for anything deployed.
pub fn dev_setup<C: ConstraintSynthesizer<Fr>>(
    circuit: C,
    seed: [u8; 32],
) -> Result<Groth16Keys, Groth16Error> {
    let failure = Rc::new(RefCell::new(None));
    let checked = Checked {
        inner: circuit,
        failure: Rc::clone(&failure),
    };
    let mut rng = ChaCha20Rng::from_seed(seed);
    let t = DevTrapdoor::draw(&mut rng);
    let pk = Groth16::<Bn254, LibsnarkReduction>::generate_parameters_with_qap(
        checked, t.alpha, t.beta, t.gamma, t.delta, t.g1, t.g2, &mut rng,
    )
    .map_err(|e| {
        failure
            .borrow_mut()
            .take()
            .unwrap_or(Groth16Error::Synthesis(e))
    })?;
    Ok(Groth16Keys {
        insecure_dev_setup: true,
        reduction: QapReduction::Libsnark,
        pk,
    })
}

/// The first draws of a development setup from its seed, in the order arkworks'
/// `generate_random_parameters_with_reduction` makes them (so keys are the same as through it).
struct DevTrapdoor {
    alpha: Fr,
    beta: Fr,
    gamma: Fr,
    delta: Fr,
    g1: G1Projective,
    g2: G2Projective,
}

impl DevTrapdoor {
    fn draw(rng: &mut ChaCha20Rng) -> Self {
        Self {
            alpha: Fr::rand(rng),
            beta: Fr::rand(rng),
            gamma: Fr::rand(rng),
            delta: Fr::rand(rng),
            g1: G1Projective::rand(rng),
            g2: G2Projective::rand(rng),
        }
    }
}

/// Whether `vk` comes from [`dev_setup`] with `seed`, whatever the circuit: its `alpha` and
/// `beta` are the seed's. Lets a verifier warn about such keys from the key itself, not from
/// a flag a file carries.
pub fn is_dev_verifying_key(vk: &Groth16VerifyingKey, seed: [u8; 32]) -> bool {
    let t = DevTrapdoor::draw(&mut ChaCha20Rng::from_seed(seed));
    (t.g1 * t.alpha).into_affine() == vk.0.alpha_g1 && (t.g2 * t.beta).into_affine() == vk.0.beta_g2
}

/// Serde for the proving key as a byte string (arkworks, uncompressed).
///
/// Loading checks every point's curve equation (for G1, whose cofactor is 1, that is full
/// validity) and the verifying key's G2 points' subgroups, but not the subgroups of the
/// B query in G2: those checks cost more than the setup, and a bad proving-key point can
/// only make the prover's own proofs fail.
mod ark_bytes {
    use ark_bn254::{Bn254, G1Affine, G2Affine};
    use ark_groth16::ProvingKey;
    use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
    use rayon::prelude::*;
    use serde::{de, ser, Deserializer, Serializer};

    use crate::Groth16VerifyingKey;

    pub(super) fn serialize<S: Serializer>(
        pk: &ProvingKey<Bn254>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(pk.serialized_size(Compress::No));
        pk.serialize_uncompressed(&mut bytes)
            .map_err(ser::Error::custom)?;
        s.serialize_bytes(&bytes)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<ProvingKey<Bn254>, D::Error> {
        let bytes = crate::types::bytes::deserialize(d)?;
        let pk = ProvingKey::<Bn254>::deserialize_with_mode(
            bytes.as_slice(),
            Compress::No,
            Validate::No,
        )
        .map_err(de::Error::custom)?;
        // Full checks of the verifying key, through its canonical encoding.
        let vk = Groth16VerifyingKey(pk.vk.clone()).to_evm_bytes();
        Groth16VerifyingKey::from_evm_bytes(&vk).map_err(de::Error::custom)?;
        let g1 = [&pk.a_query, &pk.b_g1_query, &pk.h_query, &pk.l_query];
        let g1_ok = g1.iter().all(|q| q.par_iter().all(G1Affine::is_on_curve))
            && pk.beta_g1.is_on_curve()
            && pk.delta_g1.is_on_curve();
        if !g1_ok || !pk.b_g2_query.par_iter().all(G2Affine::is_on_curve) {
            return Err(de::Error::custom(
                "proving key: a point is not on its curve",
            ));
        }
        Ok(pk)
    }
}
