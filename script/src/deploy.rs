//! `deploy-verifier` and `deploy-rollup`.

use std::path::{Path, PathBuf};

use alloy::primitives::{Address, Bytes, FixedBytes, B256};
use alloy::sol_types::{SolCall, SolConstructor};
use cairn_groth16::Groth16VerifyingKey;
use cairn_sdk::PlonkVerifierKey;
use serde::Serialize;

use crate::bindings::{CairnRollup, CairnVerifierGateway, ICairnVerifier};
use crate::book::{selector_key, AddressBook, GatewayEntry, RollupEntry, TxRecord, VerifierEntry};
use crate::chain::{Chain, Mined};
use crate::compile::{
    generate_groth16, generate_plonk, Compiler, GATEWAY, GENERATED_CAIRN_PLONK, GENERATED_VERIFIER,
    INTERFACE, ROLLUP, VERIFIER_BASE,
};
use crate::error::DeployError;
use crate::ChainOptions;

/// What `deploy-verifier` needs.
#[derive(Clone, Debug)]
pub struct DeployVerifierOptions {
    /// Node and signer.
    pub chain: ChainOptions,
    /// The verifying key: Groth16 (snarkjs `verification_key.json`) or PLONK (`plonk_vk.json`).
    pub vk: PathBuf,
    /// An existing gateway to route the verifier in; `None` deploys a new one owned by the
    /// deployer.
    pub gateway: Option<Address>,
    /// The repository root (holds `contracts/` and `script/solc`).
    pub root: PathBuf,
    /// Where the address book goes (`deployments/`).
    pub out_dir: PathBuf,
}

/// What `deploy-rollup` needs.
#[derive(Clone, Debug)]
pub struct DeployRollupOptions {
    /// Node and signer.
    pub chain: ChainOptions,
    /// The gateway (or a verifier) the rollup calls.
    pub verifier: Address,
    /// The rollup program's key.
    pub program_vkey: B256,
    /// The initial state root.
    pub genesis_root: B256,
    /// The repository root (holds `contracts/` and `script/solc`).
    pub root: PathBuf,
    /// Where the address book goes (`deployments/`).
    pub out_dir: PathBuf,
}

/// A transaction's hash, block and gas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TxInfo {
    /// The hash.
    pub tx_hash: B256,
    /// The block.
    pub block_number: Option<u64>,
    /// Gas used.
    pub gas_used: u64,
}

impl From<&Mined> for TxInfo {
    fn from(m: &Mined) -> Self {
        Self {
            tx_hash: m.tx_hash,
            block_number: m.block_number,
            gas_used: m.gas_used,
        }
    }
}

impl From<TxInfo> for TxRecord {
    fn from(t: TxInfo) -> Self {
        Self {
            tx_hash: Some(t.tx_hash),
            block_number: t.block_number,
        }
    }
}

/// What `deploy-verifier` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployVerifierReport {
    /// The chain.
    pub chain_id: u64,
    /// The account that sent the transactions.
    pub deployer: Address,
    /// The verifier proofs for this key are routed to.
    pub verifier: Address,
    /// Its `VERIFIER_HASH`.
    pub verifier_hash: B256,
    /// Its selector.
    pub selector: FixedBytes<4>,
    /// The verifier's deployment; `None` when the gateway already routed this key to a
    /// verifier, which is reused.
    pub verifier_tx: Option<TxInfo>,
    /// The gateway.
    pub gateway: Address,
    /// The gateway's deployment; `None` for an existing gateway.
    pub gateway_tx: Option<TxInfo>,
    /// The `addRoute` transaction; `None` when the route already existed.
    pub route_tx: Option<TxInfo>,
    /// The address book written.
    #[serde(serialize_with = "path_text")]
    pub address_book: PathBuf,
    /// The compiler's version (`None` when nothing was compiled).
    pub solc_version: Option<String>,
    /// The key comes from a development setup (public seed): its proofs prove nothing.
    pub insecure_setup: bool,
}

/// What `deploy-rollup` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployRollupReport {
    /// The chain.
    pub chain_id: u64,
    /// The account that sent the transaction.
    pub deployer: Address,
    /// The rollup.
    pub rollup: Address,
    /// The verifier or gateway it calls.
    pub verifier: Address,
    /// Its program key.
    #[serde(rename = "programVKey")]
    pub program_vkey: B256,
    /// Its genesis root.
    pub genesis_root: B256,
    /// The deployment.
    pub tx: TxInfo,
    /// The address book written.
    #[serde(serialize_with = "path_text")]
    pub address_book: PathBuf,
}

/// Serializes a path as its text, any bytes that are not UTF-8 replaced (serde refuses such
/// paths, and the files they name exist all the same).
fn path_text<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

/// Reads a snarkjs `verification_key.json`.
pub fn read_verifying_key(path: &Path) -> Result<Groth16VerifyingKey, DeployError> {
    let bad = |reason: String| DeployError::VerifyingKey {
        path: path.to_path_buf(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    cairn_groth16::from_snarkjs_vk_json(&text).map_err(|e| bad(e.to_string()))
}

/// A verifying key `deploy-verifier` accepts.
#[derive(Clone, Debug)]
pub enum SnarkKey {
    /// A Groth16 key (snarkjs JSON).
    Groth16(Box<Groth16VerifyingKey>),
    /// A PLONK key (`plonk_vk.json` from `cairn wrap --plonk`).
    Plonk(Box<PlonkVerifierKey>),
}

impl SnarkKey {
    /// `VERIFIER_HASH`.
    pub fn verifier_hash(&self) -> Result<B256, DeployError> {
        Ok(B256::from(match self {
            Self::Groth16(vk) => cairn_groth16::vk_hash(vk),
            Self::Plonk(key) => key.hash().map_err(|e| DeployError::Compile(e.to_string()))?,
        }))
    }

    /// Whether the key comes from the development setup (Groth16) or development KZG parameters
    /// (PLONK) of the sdk's public seeds, judged from the key's points, not from any flag.
    pub fn is_development(&self) -> Result<bool, DeployError> {
        Ok(match self {
            Self::Groth16(vk) => cairn_groth16::is_dev_verifying_key(vk, cairn_sdk::DEV_SETUP_SEED),
            Self::Plonk(key) => key
                .uses_dev_params(cairn_sdk::DEV_SRS_SEED)
                .map_err(|e| DeployError::Compile(e.to_string()))?,
        })
    }

    /// `groth16` or `plonk`.
    pub fn system(&self) -> &'static str {
        match self {
            Self::Groth16(_) => "groth16",
            Self::Plonk(_) => "plonk",
        }
    }
}

/// Reads a Groth16 (snarkjs JSON) or PLONK (`"system": "plonk"`) verifying key.
pub fn read_snark_key(path: &Path) -> Result<SnarkKey, DeployError> {
    let bad = |reason: String| DeployError::VerifyingKey { path: path.to_path_buf(), reason };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    if value.get("system").and_then(|s| s.as_str()) == Some("plonk") {
        return Ok(SnarkKey::Plonk(Box::new(PlonkVerifierKey::from_json(&text).map_err(|e| bad(e.to_string()))?)));
    }
    Ok(SnarkKey::Groth16(Box::new(cairn_groth16::from_snarkjs_vk_json(&text).map_err(|e| bad(e.to_string()))?)))
}

/// Compiles and deploys the verifier contracts of `key`; returns the `ICairnVerifier`'s address,
/// its deployment, and the gateway's creation code. `CairnVerifierPlonk` is compiled without
/// the optimizer (it gains nothing on snark-verifier's hand-scheduled assembly).
async fn deploy_verifier_contracts(
    chain: &Chain,
    compiler: &Compiler,
    key: &SnarkKey,
) -> Result<(Address, Mined, Bytes), DeployError> {
    match key {
        SnarkKey::Groth16(vk) => {
            let generated = generate_groth16(vk)?;
            let [verifier_code, gateway_code] = compiler.compile(
                &[INTERFACE, VERIFIER_BASE, GATEWAY],
                &generated,
                [(GENERATED_VERIFIER, "CairnVerifierGroth16"), (GATEWAY, "CairnVerifierGateway")],
            )?;
            let (verifier, mined) = chain.deploy("the Groth16 verifier", verifier_code).await?;
            Ok((verifier, mined, gateway_code))
        }
        SnarkKey::Plonk(key) => {
            let generated = generate_plonk(key)?;
            let [verifier_code] =
                compiler.compile_with(
                &[INTERFACE, VERIFIER_BASE],
                &generated,
                [(GENERATED_CAIRN_PLONK, "CairnVerifierPlonk")],
                false,
            )?;
            let [gateway_code] = compiler.compile(&[INTERFACE, GATEWAY], &[], [(GATEWAY, "CairnVerifierGateway")])?;
            let (verifier, mined) = chain.deploy("CairnVerifierPlonk", verifier_code).await?;
            Ok((verifier, mined, gateway_code))
        }
    }
}

/// Deploys the verifier for a Groth16 or PLONK key (and a gateway unless one is given), routes
/// it and records everything in the address book.
///
/// When the gateway already routes the key's selector to a verifier with the same
/// `VERIFIER_HASH`, that verifier is reused and nothing is sent; a route to another verifier,
/// or a frozen one, is a [`DeployError::RouteConflict`].
pub async fn deploy_verifier_async(
    opts: &DeployVerifierOptions,
) -> Result<DeployVerifierReport, DeployError> {
    let key = read_snark_key(&opts.vk)?;
    let insecure_setup = key.is_development()?;
    let verifier_hash = key.verifier_hash()?;
    let selector = FixedBytes::<4>::from_slice(&verifier_hash[..4]);
    let chain = opts.chain.connect(true).await?;
    let deployer = chain.sender.ok_or_else(|| DeployError::NoSigner {
        what: "deploy-verifier".into(),
    })?;
    let book_dir = opts.out_dir.as_path();
    let record_verifier = |address, deployed: TxRecord, gateway| VerifierEntry {
        address,
        verifier_hash,
        system: key.system().into(),
        deployed,
        gateway,
        route_tx_hash: None,
        route_block_number: None,
        extra: Default::default(),
    };

    if let Some(gateway) = opts.gateway {
        chain
            .require_code(gateway, "the gateway given with --gateway")
            .await?;
        if let Some(existing) = existing_route(&chain, gateway, selector, verifier_hash).await? {
            let address_book = AddressBook::update(book_dir, chain.chain_id, |book| {
                record_gateway(book, gateway, None, None);
                let entry = book
                    .verifiers
                    .entry(selector_key(selector.0))
                    .or_insert_with(|| {
                        record_verifier(existing, TxRecord::default(), Some(gateway))
                    });
                entry.gateway = Some(gateway);
            })?;
            return Ok(DeployVerifierReport {
                chain_id: chain.chain_id,
                deployer,
                verifier: existing,
                verifier_hash,
                selector,
                verifier_tx: None,
                gateway,
                gateway_tx: None,
                route_tx: None,
                address_book,
                solc_version: None,
                insecure_setup,
            });
        }
        let owner = chain
            .view(
                "a CairnVerifierGateway",
                gateway,
                &CairnVerifierGateway::ownerCall {},
            )
            .await?;
        if owner != deployer {
            return Err(DeployError::NotGatewayOwner {
                gateway,
                owner,
                deployer,
            });
        }
    }

    let compiler = Compiler::new(&opts.root)?;
    let (verifier, verifier_mined, gateway_code) = deploy_verifier_contracts(&chain, &compiler, &key).await?;
    let verifier_tx = TxInfo::from(&verifier_mined);
    let deployed_hash = chain
        .view(
            "a Cairn verifier",
            verifier,
            &ICairnVerifier::VERIFIER_HASHCall {},
        )
        .await?;
    if deployed_hash != verifier_hash {
        return Err(DeployError::UnexpectedContract {
            address: verifier,
            what: "the verifier for this key".into(),
            reason: format!(
                "VERIFIER_HASH() is {deployed_hash}, the key's hash is {verifier_hash}"
            ),
        });
    }
    AddressBook::update(book_dir, chain.chain_id, |book| {
        book.verifiers.insert(
            selector_key(selector.0),
            record_verifier(verifier, verifier_tx.into(), None),
        );
    })?;

    let (gateway, gateway_tx) = match opts.gateway {
        Some(gateway) => (gateway, None),
        None => {
            let args = CairnVerifierGateway::constructorCall {
                initialOwner: deployer,
            }
            .abi_encode();
            let init = [gateway_code.as_ref(), &args].concat();
            let (gateway, mined) = chain.deploy("the gateway", Bytes::from(init)).await?;
            let info = TxInfo::from(&mined);
            AddressBook::update(book_dir, chain.chain_id, |book| {
                record_gateway(book, gateway, Some(deployer), Some(info.into()));
            })?;
            (gateway, Some(info))
        }
    };

    let add = CairnVerifierGateway::addRouteCall { verifier };
    let route_mined = chain
        .send_call(
            &format!("addRoute({verifier}) on gateway {gateway}"),
            gateway,
            add.abi_encode().into(),
        )
        .await?;
    let route_tx = TxInfo::from(&route_mined);
    let address_book = AddressBook::update(book_dir, chain.chain_id, |book| {
        if opts.gateway.is_some() {
            record_gateway(book, gateway, Some(deployer), None);
        }
        if let Some(entry) = book.verifiers.get_mut(&selector_key(selector.0)) {
            entry.gateway = Some(gateway);
            entry.route_tx_hash = Some(route_tx.tx_hash);
            entry.route_block_number = route_tx.block_number;
        }
    })?;
    Ok(DeployVerifierReport {
        chain_id: chain.chain_id,
        deployer,
        verifier,
        verifier_hash,
        selector,
        verifier_tx: Some(verifier_tx),
        gateway,
        gateway_tx,
        route_tx: Some(route_tx),
        address_book,
        solc_version: Some(compiler.version()),
        insecure_setup,
    })
}

/// The gateway's route for `selector`: `Some(verifier)` when it routes to a verifier with
/// `verifier_hash` (reusable), `None` when there is no route, an error for any other route.
async fn existing_route(
    chain: &Chain,
    gateway: Address,
    selector: FixedBytes<4>,
    verifier_hash: B256,
) -> Result<Option<Address>, DeployError> {
    let route = chain
        .view(
            "a CairnVerifierGateway",
            gateway,
            &CairnVerifierGateway::routesCall { selector },
        )
        .await?;
    if route.verifier == Address::ZERO {
        return Ok(None);
    }
    let conflict = |existing_hash| DeployError::RouteConflict {
        gateway,
        selector,
        existing: route.verifier,
        existing_hash,
        frozen: route.frozen,
        key_hash: verifier_hash,
    };
    if route.frozen {
        return Err(conflict(None));
    }
    let routed_hash = chain
        .view(
            "a Cairn verifier",
            route.verifier,
            &ICairnVerifier::VERIFIER_HASHCall {},
        )
        .await?;
    if routed_hash == verifier_hash {
        Ok(Some(route.verifier))
    } else {
        Err(conflict(Some(routed_hash)))
    }
}

fn record_gateway(
    book: &mut AddressBook,
    address: Address,
    owner: Option<Address>,
    deployed: Option<TxRecord>,
) {
    match &mut book.gateway {
        Some(entry) if entry.address == address => {
            if owner.is_some() {
                entry.owner = owner;
            }
            if let Some(deployed) = deployed {
                entry.deployed = deployed;
            }
        }
        slot => {
            *slot = Some(GatewayEntry {
                address,
                owner,
                deployed: deployed.unwrap_or_default(),
                extra: Default::default(),
            })
        }
    }
}

/// Deploys the example rollup (`contracts/examples/CairnRollup.sol`) and records it.
pub async fn deploy_rollup_async(
    opts: &DeployRollupOptions,
) -> Result<DeployRollupReport, DeployError> {
    let chain = opts.chain.connect(true).await?;
    let deployer = chain.sender.ok_or_else(|| DeployError::NoSigner {
        what: "deploy-rollup".into(),
    })?;
    chain
        .require_code(opts.verifier, "the verifier or gateway for the rollup")
        .await?;
    let compiler = Compiler::new(&opts.root)?;
    let [code] = compiler.compile(&[INTERFACE, ROLLUP], &[], [(ROLLUP, "CairnRollup")])?;
    let args = CairnRollup::constructorCall {
        verifier: opts.verifier,
        programVKey: opts.program_vkey,
        genesisRoot: opts.genesis_root,
    }
    .abi_encode();
    let (rollup, mined) = chain
        .deploy("the rollup", Bytes::from([code.as_ref(), &args].concat()))
        .await?;
    let tx = TxInfo::from(&mined);
    let root = chain
        .view("a CairnRollup", rollup, &CairnRollup::stateRootCall {})
        .await?;
    if root != opts.genesis_root {
        return Err(DeployError::UnexpectedContract {
            address: rollup,
            what: "the rollup just deployed".into(),
            reason: format!(
                "stateRoot() is {root}, the genesis root is {}",
                opts.genesis_root
            ),
        });
    }
    let address_book = AddressBook::update(&opts.out_dir, chain.chain_id, |book| {
        book.rollups.insert(
            rollup,
            RollupEntry {
                verifier: opts.verifier,
                program_vkey: opts.program_vkey,
                genesis_root: opts.genesis_root,
                deployed: tx.into(),
                extra: Default::default(),
            },
        );
    })?;
    Ok(DeployRollupReport {
        chain_id: chain.chain_id,
        deployer,
        rollup,
        verifier: opts.verifier,
        program_vkey: opts.program_vkey,
        genesis_root: opts.genesis_root,
        tx,
        address_book,
    })
}
