//! The command lines of `deploy-verifier`, `deploy-rollup` and `submit-proof`, as clap
//! argument structs the `cairn` CLI can embed (`cairn deploy-verifier …`): parse, then
//! [`DeployVerifierArgs::run`] (and so on) prints the human or `--json` report.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, FromArgMatches};
use serde::Serialize;

use crate::{
    block_on, deploy_rollup, deploy_verifier, find_root, read_proof, submit_snark_proof_async,
    Address, ChainOptions, DeployError, DeployRollupOptions, DeployVerifierOptions, KeySource,
    SubmitOptions, TxInfo, B256, DEFAULT_KEY_ENV,
};

/// A command of this crate: parsed by clap, then run.
pub trait Command: Args + FromArgMatches {
    /// Does the work and prints the report (as JSON with `json`).
    fn run(&self, json: bool) -> Result<(), DeployError>;
}

/// A binary's `main`: parses the process arguments as `C` (exiting with clap's message on a
/// usage error), runs it, and on failure prints `error: …` (the whole chain of causes, see
/// [`error_line`]) and exits with status 1.
pub fn main<C: Command>(name: &'static str, about: &'static str) {
    let command = clap::Command::new(name)
        .about(about)
        .version(env!("CARGO_PKG_VERSION"));
    let json = clap::Arg::new("json")
        .long("json")
        .action(clap::ArgAction::SetTrue)
        .help("Print a JSON report on stdout");
    let matches = C::augment_args(command.arg(json)).get_matches();
    let json = matches.get_flag("json");
    let result = C::from_arg_matches(&matches)
        .unwrap_or_else(|e| e.exit())
        .run(json)
        .map_err(anyhow::Error::new);
    if let Err(e) = result {
        eprintln!("error: {}", error_line(&e));
        std::process::exit(1);
    }
}

/// An error and its causes on one line, `outer: cause: …`, as anyhow's `{:#}` prints them but
/// without repeats: many errors already end with their cause's text (`cannot read F: No such
/// file`), and a cause whose text already ends the line is not printed again.
pub fn error_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.is_empty() {
            line = text;
        } else if !line.ends_with(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
    }
    line
}

/// The node, the key and the output format.
#[derive(Clone, Debug, Args)]
pub struct ChainArgs {
    /// JSON-RPC endpoint of the node (http:// or https://).
    #[arg(long = "rpc", value_name = "URL", env = "ETH_RPC_URL")]
    pub rpc: String,
    /// Environment variable holding the signing key (0x + 64 hex digits).
    #[arg(long, value_name = "NAME", default_value = DEFAULT_KEY_ENV, value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub private_key_env: String,
    /// Seconds to wait for each transaction's receipt.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub receipt_timeout: u64,
    /// Seconds one JSON-RPC request may take (connecting included) before it fails.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub rpc_timeout: u64,
}

impl ChainArgs {
    /// The options; `signer` says whether the command signs transactions.
    pub fn options(&self, signer: bool) -> ChainOptions {
        ChainOptions {
            rpc_url: self.rpc.clone(),
            key: signer.then(|| KeySource::Env(self.private_key_env.clone())),
            receipt_timeout: Duration::from_secs(self.receipt_timeout),
            request_timeout: Duration::from_secs(self.rpc_timeout),
        }
    }

    /// Prints `report` as JSON, or `human` otherwise.
    fn print<T: Serialize>(
        &self,
        json: bool,
        report: &T,
        human: impl FnOnce() -> String,
    ) -> Result<(), DeployError> {
        if json {
            let text = serde_json::to_string_pretty(report)
                .map_err(|e| DeployError::Runtime(e.to_string()))?;
            println!("{text}");
        } else {
            print!("{}", human());
        }
        Ok(())
    }

    /// In `--json` mode, prints the failure as JSON too (the error is still returned).
    fn report_failure(&self, json: bool, error: DeployError) -> DeployError {
        if json {
            let revert = error.revert().map(|r| {
                serde_json::json!({
                    "name": r.name,
                    "args": r.args.iter().map(|(n, v)| serde_json::json!({ "name": n, "value": v })).collect::<Vec<_>>(),
                    "data": r.data,
                })
            });
            let outcome = if revert.is_some() {
                "reverted"
            } else {
                "failed"
            };
            let value = serde_json::json!({ "outcome": outcome, "error": error.to_string(), "revert": revert });
            println!("{value:#}");
        }
        error
    }
}

/// The repository root and the address-book folder.
#[derive(Clone, Debug, Args)]
pub struct ProjectArgs {
    /// The Cairn repository (holds contracts/ and script/solc); found from the current
    /// directory when omitted.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Folder of the address book (<chainId>.json).
    #[arg(long = "out", value_name = "DIR", default_value = "deployments")]
    pub out: PathBuf,
}

/// `deploy-verifier`: deploys the verifier for a Groth16 or PLONK key and routes it in a gateway.
#[derive(Clone, Debug, Args)]
pub struct DeployVerifierArgs {
    /// Node, key and output format.
    #[command(flatten)]
    pub chain: ChainArgs,
    /// The verifying key: Groth16 (snarkjs verification_key.json, `groth16_vk.json`) or PLONK
    /// (`plonk_vk.json` from `cairn wrap --plonk`).
    #[arg(long, value_name = "FILE")]
    pub vk: PathBuf,
    /// An existing CairnVerifierGateway to route the verifier in (its owner must be the key's
    /// account); a new one, owned by that account, is deployed when omitted.
    #[arg(long, value_name = "ADDR")]
    pub gateway: Option<Address>,
    /// Repository and address book.
    #[command(flatten)]
    pub project: ProjectArgs,
}

impl Command for DeployVerifierArgs {
    /// Deploys and prints the report.
    fn run(&self, json: bool) -> Result<(), DeployError> {
        let result = find_root(self.project.root.as_deref()).and_then(|root| {
            deploy_verifier(&DeployVerifierOptions {
                chain: self.chain.options(true),
                vk: self.vk.clone(),
                gateway: self.gateway,
                root,
                out_dir: self.project.out.clone(),
            })
        });
        let r = result.map_err(|e| self.chain.report_failure(json, e))?;
        if r.insecure_setup {
            eprintln!(
                "WARNING: INSECURE: {} is a development key (public seed); anyone can forge proofs that this verifier accepts",
                self.vk.display()
            );
        }
        self.chain.print(json, &r, || {
            let mut out = format!("chain {}, deployer {}\n", r.chain_id, r.deployer);
            out += &format!(
                "verifier  {} (VERIFIER_HASH {}, selector {})",
                r.verifier, r.verifier_hash, r.selector
            );
            out += &match &r.verifier_tx {
                Some(tx) => format!("\n          deployed: {}\n", tx_line(tx)),
                None => "\n          already routed by the gateway; reused\n".to_owned(),
            };
            out += &format!("gateway   {}", r.gateway);
            out += &match &r.gateway_tx {
                Some(tx) => format!("\n          deployed: {}\n", tx_line(tx)),
                None => " (existing)\n".to_owned(),
            };
            out += &match &r.route_tx {
                Some(tx) => format!(
                    "route     {} -> {}: {}\n",
                    r.selector,
                    r.verifier,
                    tx_line(tx)
                ),
                None => format!(
                    "route     {} -> {} (already present)\n",
                    r.selector, r.verifier
                ),
            };
            out + &format!("address book: {}\n", r.address_book.display())
        })
    }
}

/// `deploy-rollup`: deploys the example CairnRollup in front of a gateway or verifier.
#[derive(Clone, Debug, Args)]
pub struct DeployRollupArgs {
    /// Node, key and output format.
    #[command(flatten)]
    pub chain: ChainArgs,
    /// The gateway (or a single verifier) the rollup checks proofs with.
    #[arg(long, visible_alias = "verifier", value_name = "ADDR")]
    pub gateway: Address,
    /// The rollup program's key (`cairn vkey`), 0x + 64 hex digits.
    #[arg(long, value_name = "HEX")]
    pub program_vkey: B256,
    /// The initial state root, 0x + 64 hex digits.
    #[arg(long, value_name = "HEX")]
    pub genesis_root: B256,
    /// Repository and address book.
    #[command(flatten)]
    pub project: ProjectArgs,
}

impl Command for DeployRollupArgs {
    /// Deploys and prints the report.
    fn run(&self, json: bool) -> Result<(), DeployError> {
        let result = find_root(self.project.root.as_deref()).and_then(|root| {
            deploy_rollup(&DeployRollupOptions {
                chain: self.chain.options(true),
                verifier: self.gateway,
                program_vkey: self.program_vkey,
                genesis_root: self.genesis_root,
                root,
                out_dir: self.project.out.clone(),
            })
        });
        let r = result.map_err(|e| self.chain.report_failure(json, e))?;
        self.chain.print(json, &r, || {
            format!(
                "chain {}, deployer {}\nrollup    {} (verifier {}, programVKey {}, genesis root {})\n          deployed: {}\naddress book: {}\n",
                r.chain_id,
                r.deployer,
                r.rollup,
                r.verifier,
                r.program_vkey,
                r.genesis_root,
                tx_line(&r.tx),
                r.address_book.display()
            )
        })
    }
}

/// `submit-proof`: sends a wrapped proof to the rollup, or checks it with `verifyProof`.
#[derive(Clone, Debug, Args)]
pub struct SubmitProofArgs {
    /// Node, key and output format.
    #[command(flatten)]
    pub chain: ChainArgs,
    /// The rollup (submitBatch), or with --verify-only a verifier or gateway (verifyProof).
    #[arg(long, value_name = "ADDR")]
    pub contract: Address,
    /// The wrapped proof (proof.groth16, written by `cairn wrap`).
    #[arg(value_name = "PROOF")]
    pub proof: PathBuf,
    /// Only call verifyProof (eth_call, no transaction, no key needed).
    #[arg(long)]
    pub verify_only: bool,
}

impl Command for SubmitProofArgs {
    /// Submits (or verifies) and prints the report.
    fn run(&self, json: bool) -> Result<(), DeployError> {
        let opts = SubmitOptions {
            chain: self.chain.options(!self.verify_only),
            contract: self.contract,
            proof: self.proof.clone(),
            verify_only: self.verify_only,
        };
        let r = read_proof(&self.proof)
            .and_then(|proof| {
                if proof.insecure_setup {
                    eprintln!("{}", cairn_groth16::INSECURE_DEV_SETUP_WARNING);
                }
                block_on(submit_snark_proof_async(&opts, &proof))?
            })
            .map_err(|e| self.chain.report_failure(json, e))?;
        self.chain.print(json, &r, || match &r.tx {
            Some(tx) => {
                let mut out = format!(
                    "{} on {} (chain {}): {}\n  {}\n",
                    r.function,
                    r.contract,
                    r.chain_id,
                    r.outcome,
                    tx_line(tx)
                );
                if let Some(b) = &r.batch {
                    out += &format!("  batch {}: {} -> {}\n", b.index, b.old_root, b.new_root);
                }
                out
            }
            None => format!(
                "{} on {} (chain {}): {} (gas estimate {})\n",
                r.function, r.contract, r.chain_id, r.outcome, r.gas
            ),
        })
    }
}

fn tx_line(tx: &TxInfo) -> String {
    let block = tx
        .block_number
        .map(|b| format!(", block {b}"))
        .unwrap_or_default();
    format!("tx {}{block}, gas used {}", tx.tx_hash, tx.gas_used)
}
