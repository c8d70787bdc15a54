//! The entry point for running (and, with the prover, proving) guest programs.

use cairn_executor::{ElfError, ExecutionError, Executor, ExecutorConfig, Program};

use crate::{Inputs, PublicValues};

/// Errors from the host SDK.
#[derive(Debug, thiserror::Error)]
pub enum SdkError {
    /// The ELF could not be loaded.
    #[error("cannot load guest program: {0}")]
    Elf(#[from] ElfError),
    /// The guest failed during execution.
    #[error("guest execution failed: {0}")]
    Execution(#[from] ExecutionError),
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

/// Runs guest programs. Proving arrives with the STARK prover.
#[derive(Clone, Debug, Default)]
pub struct ProverClient {
    config: ExecutorConfig,
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
