//! Events that chips turn into trace rows, and the byte-table multiplicities they accumulate.

use cairn_executor::Opcode;

use crate::bus::ByteOp;

/// One ALU operation: `a = op(b, c)` on 32-bit words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AluEvent {
    /// The R-type operation (`Add`, `Sltu`, `Mulh`, ...).
    pub op: Opcode,
    /// The result.
    pub a: u32,
    /// The first operand.
    pub b: u32,
    /// The second operand.
    pub c: u32,
}

impl AluEvent {
    /// An event for `op` on `b`, `c` with result `a`.
    pub const fn new(op: Opcode, a: u32, b: u32, c: u32) -> Self {
        Self { op, a, b, c }
    }
}

/// How often each entry of the byte table is looked up.
///
/// Chips add to it while generating their traces; the byte table's multiplicity columns are
/// read from it last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByteCounts {
    counts: Vec<u32>,
}

impl Default for ByteCounts {
    fn default() -> Self {
        Self { counts: vec![0; ByteOp::ALL.len() << 16] }
    }
}

impl ByteCounts {
    /// Records a lookup of `(op, x, y, op(x, y))`.
    pub fn add(&mut self, op: ByteOp, x: u8, y: u8) {
        self.counts[((op as usize) << 16) | ((x as usize) << 8) | y as usize] += 1;
    }

    /// Records that `x` and `y` are range-checked as bytes.
    pub fn range(&mut self, x: u8, y: u8) {
        self.add(ByteOp::Range, x, y);
    }

    /// Records range checks of `bytes` in pairs, as [`crate::bus::range_byte_slice`] does.
    pub fn range_slice(&mut self, bytes: &[u8]) {
        for pair in bytes.chunks(2) {
            self.range(pair[0], pair.get(1).copied().unwrap_or(0));
        }
    }

    /// Records that `v` is range-checked below `2^16`.
    pub fn u16(&mut self, v: u16) {
        self.add(ByteOp::U16, (v >> 8) as u8, v as u8);
    }

    /// The multiplicity of `(op, x, y)`.
    pub fn get(&self, op: ByteOp, x: u8, y: u8) -> u32 {
        self.counts[((op as usize) << 16) | ((x as usize) << 8) | y as usize]
    }

    /// Adds another accumulator's counts to this one.
    pub fn merge(&mut self, other: &Self) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }
}
