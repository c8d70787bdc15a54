//! The entry point for running (and, with the prover, proving) guest programs.

use std::sync::Arc;

use cairn_executor::{ElfError, ExecutionError, Executor, ExecutorConfig, Program};
use cairn_machine::{Claim, TraceError};
use cairn_stark::{ConfigId, FileError, Profile, ProveError, VerifyError};

use crate::prover::{CairnProof, PreparedVerifyingKey, ProvingKey, VerifyingKey};
use crate::{Inputs, PublicValues};

/// Errors from the host SDK.
///
/// Every variant that wraps another error prints it in its message and does not return it
/// from `source()`, so reporters that walk the chain (anyhow's `{:#}`) print each cause once.
#[derive(Debug, thiserror::Error)]
pub enum SdkError {
    /// The ELF could not be loaded.
    #[error("cannot load guest program: {0}")]
    Elf(ElfError),
    /// The guest failed during execution.
    #[error("guest execution failed: {0}")]
    Execution(ExecutionError),
    /// The execution cannot be proven (non-zero exit code, too long, ...).
    #[error("cannot prove this execution: {0}")]
    Trace(TraceError),
    /// Building the verifying key failed.
    #[error("setup failed: {0}")]
    Setup(String),
    /// The prover failed.
    #[error("proving failed: {0}")]
    Prove(ProveError),
    /// The proof does not verify.
    #[error("invalid proof: {0}")]
    Verify(VerifyError),
    /// The proof is for another program.
    #[error("the proof is for program 0x{}, but the verifying key is for program 0x{}", hex(found), hex(expected))]
    WrongProgram {
        /// The verifying key's program.
        expected: [u8; 32],
        /// The proof's program.
        found: [u8; 32],
    },
    /// A key names a profile this build does not know.
    #[error("unknown security profile id {0}")]
    UnknownProfile(u8),
    /// A file could not be read or written.
    #[error(transparent)]
    File(#[from] FileError),
    /// An I/O error, with the path it concerns.
    #[error("{0}")]
    Io(String),
    /// The proof cannot be wrapped.
    #[error("cannot wrap: {0}")]
    Wrap(String),
    /// The Groth16 backend failed (setup, proving, verification, encodings).
    #[error("groth16: {0}")]
    Groth16(cairn_groth16::Groth16Error),
    /// The PLONK backend failed (parameters, keys, proving, verification, key files).
    #[error("plonk: {0}")]
    Plonk(cairn_plonk::PlonkError),
}

/// `From` for each variant that wraps a lower layer's error (written out rather than
/// `#[from]`, which would also make the error its `source()`: see [`SdkError`]).
macro_rules! wrap_errors {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        $(impl From<$ty> for SdkError {
            fn from(e: $ty) -> Self {
                Self::$variant(e)
            }
        })*
    };
}

wrap_errors!(
    Elf(ElfError),
    Execution(ExecutionError),
    Trace(TraceError),
    Prove(ProveError),
    Verify(VerifyError),
    Groth16(cairn_groth16::Groth16Error),
    Plonk(cairn_plonk::PlonkError),
);

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What an execution produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionReport {
    /// The guest's exit code (0 = success).
    pub exit_code: u32,
    /// Cycles executed.
    pub cycles: u64,
    /// The guest's standard output.
    pub stdout: Vec<u8>,
    /// The guest's standard error.
    pub stderr: Vec<u8>,
    /// What the guest committed.
    pub public_values: PublicValues,
    /// The public-values digest the guest handed to the machine with COMMIT.
    pub committed_digest: [u8; 32],
}

impl ExecutionReport {
    /// Whether the committed digest is `sha256(public values)`, as the guest runtime guarantees.
    pub fn digest_matches(&self) -> bool {
        self.committed_digest == self.public_values.digest()
    }
}

/// Runs, proves and verifies guest programs.
#[derive(Clone, Debug)]
pub struct ProverClient {
    config: ExecutorConfig,
    stark: ConfigId,
    profile: Profile,
}

impl Default for ProverClient {
    fn default() -> Self {
        Self { config: ExecutorConfig::default(), stark: ConfigId::Inner, profile: Profile::PRODUCTION }
    }
}

impl ProverClient {
    /// A client with default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the cycle limit for executions.
    pub fn with_max_cycles(mut self, max_cycles: u64) -> Self {
        self.config.max_cycles = max_cycles;
        self
    }

    /// Proves in the `config` configuration (`Inner` by default; `Outer` for SNARK wrapping).
    pub fn with_config(mut self, config: ConfigId) -> Self {
        self.stark = config;
        self
    }

    /// Proves with `profile` (`Profile::PRODUCTION` by default).
    pub fn with_profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// The keys for `elf` in this client's configuration and profile; commits the machine's
    /// preprocessed traces once, for every proof made with the proving key.
    pub fn setup(&self, elf: &[u8]) -> Result<(ProvingKey, VerifyingKey), SdkError> {
        let vk = self.verifying_key(elf)?;
        let machine = vk.machine();
        let setup = vk.stark_setup(&machine)?;
        let program_vkey = vk.vkey_digest(setup.commitment());
        let pk = ProvingKey { machine, vk: vk.clone(), program_vkey, setup: Arc::new(setup) };
        Ok((pk, vk))
    }

    /// The verifying key for `elf` in this client's configuration and profile, without
    /// committing anything.
    pub fn verifying_key(&self, elf: &[u8]) -> Result<VerifyingKey, SdkError> {
        let program = Program::from_elf(elf)?;
        Ok(VerifyingKey { program, config: self.stark, profile: self.profile.id })
    }

    /// Runs the program on `inputs`, recording, and proves the run.
    pub fn prove(&self, pk: &ProvingKey, inputs: &Inputs) -> Result<CairnProof, SdkError> {
        let program = &pk.vk.program;
        let profile = pk.vk.profile()?;
        let executor = Executor::new(program, self.config).with_inputs(inputs.items().iter().cloned());
        let (exec, record) = executor.run_recording()?;
        let claim = Claim { start_pc: program.entry, exit_code: exec.exit_code, digest: exec.digest };
        let witness = {
            let _span = tracing::info_span!("trace generation", cycles = exec.cycles).entered();
            pk.machine.generate_witness(&record, &claim, exec.committed_words)?
        };
        drop(record);
        let stark = {
            let _span = tracing::info_span!("prove", config = pk.vk.config.name(), profile = profile.name).entered();
            cairn_stark::prove_with(&pk.setup, pk.machine.airs(), witness.traces, &witness.public_values)?
        };
        Ok(CairnProof { stark, public_values: exec.public_values, program_vkey: pk.program_vkey })
    }

    /// Checks that `proof` attests a run of `vk`'s program to exit code 0 that committed the
    /// proof's public values. Prepares `vk` (commits its preprocessed traces) on every call;
    /// [`ProverClient::verify_prepared`] reuses a [`PreparedVerifyingKey`].
    pub fn verify(&self, proof: &CairnProof, vk: &VerifyingKey) -> Result<(), SdkError> {
        self.verify_prepared(proof, &vk.prepare()?)
    }

    /// [`ProverClient::verify`] with a prepared key.
    pub fn verify_prepared(&self, proof: &CairnProof, vk: &PreparedVerifyingKey) -> Result<(), SdkError> {
        vk.verify(proof)
    }

    /// Runs `elf` on `inputs` in the fast executor.
    pub fn execute(&self, elf: &[u8], inputs: &Inputs) -> Result<ExecutionReport, SdkError> {
        let program = Program::from_elf(elf)?;
        self.execute_program(&program, inputs)
    }

    /// Runs an already loaded program.
    pub fn execute_program(&self, program: &Program, inputs: &Inputs) -> Result<ExecutionReport, SdkError> {
        let span = tracing::info_span!("execute", entry = format_args!("{:#010x}", program.entry));
        let _guard = span.enter();
        let out = Executor::new(program, self.config).with_inputs(inputs.items().iter().cloned()).run()?;
        tracing::debug!(cycles = out.cycles, exit_code = out.exit_code, "guest halted");
        Ok(ExecutionReport {
            exit_code: out.exit_code,
            cycles: out.cycles,
            stdout: out.stdout,
            stderr: out.stderr,
            public_values: PublicValues::new(out.public_values),
            committed_digest: out.digest,
        })
    }
}
