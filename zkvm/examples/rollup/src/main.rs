//! A toy rollup state transition.
//!
//! Inputs and public values are the types of `rollup-types` (`types/`), which the host shares:
//! the pre-state (account address to balance) and a batch of [`Transfer`]s in; the
//! [`Transition`] `oldRoot ‖ newRoot` (64 bytes) out. Transfers apply in order; one that
//! overdraws its sender or overflows its recipient rejects the whole batch (panic, exit code
//! 101). Self-transfers and zero amounts are allowed. The empty state's root is `SHA-256("")`.
#![no_main]

use rollup_types::{Address, Transfer, Transition};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

cairn_zkvm::entrypoint!(main);

/// The state root ([`Transition`] documents it).
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
    let transition = Transition {
        old_root,
        new_root: state_root(&balances),
    };

    println!(
        "rollup: applied {} transfers over {} accounts",
        transfers.len(),
        balances.len()
    );
    cairn_zkvm::io::commit_slice(&transition.to_bytes());
}
