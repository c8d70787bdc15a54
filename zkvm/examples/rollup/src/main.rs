//! A toy rollup state transition.
//!
//! Inputs (postcard): the pre-state `HashMap<[u8; 20], u64>` (account address to balance; a
//! `BTreeMap` encodes identically) and a batch `Vec<Transfer>`. Transfers apply in order; one
//! that overdraws its sender or overflows its recipient rejects the whole batch (panic, exit
//! code 101). Self-transfers and zero amounts are allowed.
//!
//! State root: accounts with a non-zero balance, sorted by address ascending, each encoded as
//! `address (20 bytes) || balance (u64, 8 bytes big-endian)`, concatenated and hashed with
//! SHA-256; that is Solidity's `sha256(abi.encodePacked(addr_0, uint64(bal_0), addr_1, ...))`.
//! The empty state's root is `SHA-256("")`.
//!
//! Public values: exactly 64 raw bytes, `oldRoot || newRoot`.
#![no_main]

use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

cairn_zkvm::entrypoint!(main);

/// An account address.
type Address = [u8; 20];

/// Moves `amount` from `from` to `to`.
#[derive(Deserialize)]
struct Transfer {
    from: Address,
    to: Address,
    amount: u64,
}

fn state_root(balances: &HashMap<Address, u64>) -> [u8; 32] {
    let mut accounts: Vec<(&Address, &u64)> = balances.iter().filter(|(_, b)| **b != 0).collect();
    accounts.sort_unstable();
    let mut hasher = Sha256::new();
    for (address, balance) in accounts {
        hasher.update(address);
        hasher.update(balance.to_be_bytes());
    }
    hasher.finalize().into()
}

fn hex(address: &Address) -> String {
    address.iter().map(|b| format!("{b:02x}")).collect()
}

fn apply(balances: &mut HashMap<Address, u64>, index: usize, t: &Transfer) {
    let from_balance = balances.get(&t.from).copied().unwrap_or(0);
    let Some(remaining) = from_balance.checked_sub(t.amount) else {
        panic!(
            "transfer {index}: account 0x{} has {from_balance}, cannot send {}",
            hex(&t.from),
            t.amount
        );
    };
    balances.insert(t.from, remaining);
    let to_balance = balances.entry(t.to).or_insert(0);
    match to_balance.checked_add(t.amount) {
        Some(sum) => *to_balance = sum,
        None => panic!("transfer {index}: balance of 0x{} overflows", hex(&t.to)),
    }
}

fn main() {
    let mut balances: HashMap<Address, u64> = cairn_zkvm::io::read();
    let transfers: Vec<Transfer> = cairn_zkvm::io::read();

    let old_root = state_root(&balances);
    for (index, transfer) in transfers.iter().enumerate() {
        apply(&mut balances, index, transfer);
    }
    let new_root = state_root(&balances);

    println!(
        "rollup: applied {} transfers over {} accounts",
        transfers.len(),
        balances.len()
    );
    cairn_zkvm::io::commit_slice(&old_root);
    cairn_zkvm::io::commit_slice(&new_root);
}
