//! The toy rollup's types, shared by its guest (`zkvm/examples/rollup`) and the host programs
//! that write its inputs and read its public values, so that both sides encode them the same way.
//!
//! Inputs (postcard, one item each): the pre-state, a map from [`Address`] to balance (`u64`;
//! a `HashMap` and a `BTreeMap` encode identically), then the batch, a `Vec<`[`Transfer`]`>`.
//! Public values: [`Transition::to_bytes`], `oldRoot ‖ newRoot`.
#![no_std]

use serde::{Deserialize, Serialize};

/// An account address.
pub type Address = [u8; 20];

/// Moves `amount` from `from` to `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// The sender, debited.
    pub from: Address,
    /// The recipient, credited.
    pub to: Address,
    /// The amount moved.
    pub amount: u64,
}

/// What a batch proves: the state root before it and after it.
///
/// A state root is SHA-256 over `address ‖ balance (u64, big-endian)` of every account with a
/// non-zero balance, in ascending address order: Solidity's
/// `sha256(abi.encodePacked(addr_0, uint64(bal_0), addr_1, ...))`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    /// The root before the batch.
    pub old_root: [u8; 32],
    /// The root after the batch.
    pub new_root: [u8; 32],
}

impl Transition {
    /// Length of the encoding.
    pub const LEN: usize = 64;

    /// The public values: `old_root ‖ new_root`, the layout the rollup contract decodes.
    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        let mut bytes = [0; Self::LEN];
        bytes[..32].copy_from_slice(&self.old_root);
        bytes[32..].copy_from_slice(&self.new_root);
        bytes
    }

    /// Decodes public values; `None` unless they are exactly [`Self::LEN`] bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let (old_root, rest) = bytes.split_first_chunk::<32>()?;
        let new_root = <&[u8; 32]>::try_from(rest).ok()?;
        Some(Self { old_root: *old_root, new_root: *new_root })
    }
}
