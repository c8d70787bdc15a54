//! Compiling the contracts with `foundry-compilers` and the repository's `script/solc`.
//!
//! The generated verifier (two files) is compiled from memory under the source unit names it
//! has in the repository (`contracts/generated/…`), so its relative imports resolve; the
//! hand-written contracts are read from the repository root. Settings follow `foundry.toml`
//! (optimizer on, 200 runs, EVM version cancun).

use std::path::{Path, PathBuf};

use alloy::primitives::Bytes;
use foundry_compilers::artifacts::{
    output_selection::OutputSelection, EvmVersion, Settings, SolcInput, SolcLanguage, Source,
    Sources,
};
use foundry_compilers::solc::Solc;

use crate::error::DeployError;

/// The Groth16 verifier's two generated files, as `cairn-solidity` writes them.
pub(crate) const GENERATED_VERIFIER: &str = "contracts/generated/CairnVerifierGroth16.sol";
const GENERATED_GROTH16: &str = "contracts/generated/Groth16Verifier.sol";
/// The `ICairnVerifier` of PLONK proofs (snark-verifier's verifier inside).
pub(crate) const GENERATED_CAIRN_PLONK: &str = "contracts/generated/CairnVerifierPlonk.sol";
/// The verifier interface.
pub(crate) const INTERFACE: &str = "contracts/ICairnVerifier.sol";
/// What every generated verifier checks before its SNARK (the length, selector and public input).
pub(crate) const VERIFIER_BASE: &str = "contracts/CairnVerifierBase.sol";
/// The gateway.
pub(crate) const GATEWAY: &str = "contracts/CairnVerifierGateway.sol";
/// The example rollup.
pub(crate) const ROLLUP: &str = "contracts/examples/CairnRollup.sol";

/// The repository files the tools need, relative to the root.
const ROOT_MARKERS: [&str; 2] = ["script/solc", "contracts/ICairnVerifier.sol"];

/// The repository root: `explicit` if given (it must hold `script/solc` and
/// `contracts/ICairnVerifier.sol`), else the first ancestor of the current directory that does,
/// else the checkout this crate was built from.
pub fn find_root(explicit: Option<&Path>) -> Result<PathBuf, DeployError> {
    let is_root = |dir: &Path| ROOT_MARKERS.iter().all(|m| dir.join(m).is_file());
    if let Some(dir) = explicit {
        if is_root(dir) {
            return Ok(dir.to_path_buf());
        }
        return Err(DeployError::Compile(format!(
            "{} is not a Cairn checkout (it needs {})",
            dir.display(),
            ROOT_MARKERS.join(" and ")
        )));
    }
    let cwd = std::env::current_dir().ok();
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf);
    cwd.iter()
        .flat_map(|d| d.ancestors().map(Path::to_path_buf).collect::<Vec<_>>())
        .chain(built_from)
        .find(|d| is_root(d))
        .ok_or_else(|| {
            DeployError::Compile(format!(
                "cannot find the Cairn repository (a folder with {}); run from inside it or pass --root",
                ROOT_MARKERS.join(" and ")
            ))
        })
}

/// A Solidity compiler set up for the repository at `root`.
#[derive(Debug)]
pub(crate) struct Compiler {
    solc: Solc,
    root: PathBuf,
}

impl Compiler {
    /// `root/script/solc`, asked for its version.
    pub(crate) fn new(root: &Path) -> Result<Self, DeployError> {
        let path = root.join("script/solc");
        let mut solc = Solc::new(&path)
            .map_err(|e| DeployError::Compile(format!("cannot run {}: {e}", path.display())))?;
        solc.base_path = Some(root.to_path_buf());
        solc.allow_paths.insert(root.to_path_buf());
        Ok(Self {
            solc,
            root: root.to_path_buf(),
        })
    }

    /// The compiler's version.
    pub(crate) fn version(&self) -> String {
        self.solc.version.to_string()
    }

    /// Compiles the repository files `files` and the in-memory `generated` sources together;
    /// the creation bytecode of each `(file, contract)` in `wanted`, in that order.
    pub(crate) fn compile<const N: usize>(
        &self,
        files: &[&str],
        generated: &[(&str, String)],
        wanted: [(&str, &str); N],
    ) -> Result<[Bytes; N], DeployError> {
        self.compile_with(files, generated, wanted, true)
    }

    /// [`Self::compile`] with the optimizer on or off (off for snark-verifier's PLONK verifier,
    /// one hand-scheduled assembly block on which it gains nothing, as `foundry.toml` says).
    pub(crate) fn compile_with<const N: usize>(
        &self,
        files: &[&str],
        generated: &[(&str, String)],
        wanted: [(&str, &str); N],
        optimize: bool,
    ) -> Result<[Bytes; N], DeployError> {
        let mut sources = Sources::new();
        for file in files {
            let path = self.root.join(file);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| DeployError::io("cannot read", &path, e))?;
            sources.insert(PathBuf::from(file), Source::new(text));
        }
        for (name, text) in generated {
            sources.insert(PathBuf::from(name), Source::new(text.as_str()));
        }
        let mut settings = Settings::new(OutputSelection::common_output_selection([
            "evm.bytecode.object".to_owned(),
        ]));
        settings.optimizer.enabled = Some(optimize);
        settings.optimizer.runs = Some(if optimize { 200 } else { 0 });
        settings.evm_version = Some(EvmVersion::Cancun);
        let input =
            SolcInput::new(SolcLanguage::Solidity, sources, settings).sanitized(&self.solc.version);
        let output = self.solc.compile(&input).map_err(|e| {
            DeployError::Compile(format!("{} failed: {e}", self.solc.solc.display()))
        })?;
        if output.has_error() {
            let messages: Vec<String> = output
                .errors
                .iter()
                .filter(|e| e.is_error())
                .map(|e| {
                    e.formatted_message
                        .clone()
                        .unwrap_or_else(|| e.message.clone())
                })
                .collect();
            return Err(DeployError::Compile(messages.join("\n")));
        }
        let mut found = Vec::with_capacity(N);
        for (file, name) in wanted {
            let code = output
                .contracts
                .get(Path::new(file))
                .and_then(|contracts| contracts.get(name))
                .and_then(|c| {
                    c.evm
                        .as_ref()?
                        .bytecode
                        .as_ref()?
                        .object
                        .as_bytes()
                        .cloned()
                })
                .filter(|code| !code.is_empty())
                .ok_or_else(|| DeployError::Compile(format!("no bytecode for {name} in {file}")))?;
            found.push(code);
        }
        found
            .try_into()
            .map_err(|_| DeployError::Compile("missing bytecode".into()))
    }
}

/// The generated verifier's sources for `vk`, under their repository names.
pub(crate) fn generate_groth16(
    vk: &cairn_groth16::Groth16VerifyingKey,
) -> Result<Vec<(&'static str, String)>, DeployError> {
    let refuse = |e: cairn_solidity::SolidityError| {
        DeployError::Compile(format!("cannot generate the verifier: {e}"))
    };
    Ok(vec![
        (
            GENERATED_GROTH16,
            cairn_solidity::groth16_verifier(vk).map_err(refuse)?,
        ),
        (
            GENERATED_VERIFIER,
            cairn_solidity::cairn_verifier_groth16(vk).map_err(refuse)?,
        ),
    ])
}

/// The PLONK verifier's source for `key`, under its repository name.
pub(crate) fn generate_plonk(key: &cairn_sdk::PlonkVerifierKey) -> Result<Vec<(&'static str, String)>, DeployError> {
    let refuse = |e: String| DeployError::Compile(format!("cannot generate the PLONK verifier: {e}"));
    let hash = key.hash().map_err(|e| refuse(e.to_string()))?;
    let code = key.snark_verifier_solidity().map_err(|e| refuse(e.to_string()))?;
    let verifier = cairn_solidity::cairn_verifier_plonk(&code, &hash, key.proof_length).map_err(|e| refuse(e.to_string()))?;
    Ok(vec![(GENERATED_CAIRN_PLONK, verifier)])
}
