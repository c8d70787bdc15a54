//! The buses chips talk over, and the shape of their messages.
//!
//! Every bus is a LogUp argument over messages of one fixed width:
//! - [`PROGRAM`]: the CPU fetches each executed instruction from the preprocessed program table.
//! - [`MEMORY`]: offline memory checking; `(addr, value[4], ts)`.
//! - [`ALU`]: the CPU (and chips that delegate) request `a = op(b, c)`; `(op, a[4], b[4], c[4])`.
//! - [`BYTE`]: range checks and bytewise operations against the byte table; `(op, x, y, z)`.
//! - [`COMMIT`]: COMMIT syscalls against the public digest; `(index, word[4])`.
//! - [`HINT`]: HINT_READ requests from the syscall chip to the hint chip; `(clk, ptr, len)`.
//! - [`SYSCALL`]: ECALLs from the CPU to the syscall chip;
//!   `(clk, t0[4], a0[4], is_halt, is_hint_len)`.

use p3_air::AirBuilder;
use p3_lookup::{Count, InteractionBuilder};

/// Instruction fetch.
pub const PROGRAM: &str = "program";
/// Memory accesses (registers are addresses `0..32`).
pub const MEMORY: &str = "memory";
/// ALU requests.
pub const ALU: &str = "alu";
/// Byte-table lookups.
pub const BYTE: &str = "byte";
/// Public-values digest words.
pub const COMMIT: &str = "commit";
/// HINT_READ memory writes.
pub const HINT: &str = "hint";
/// System calls.
pub const SYSCALL: &str = "syscall";

/// Operations of the byte table; the first element of a [`BYTE`] message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ByteOp {
    /// `(RANGE, x, y, 0)`: `x` and `y` are bytes.
    Range = 0,
    /// `(AND, x, y, x & y)`.
    And = 1,
    /// `(OR, x, y, x | y)`.
    Or = 2,
    /// `(XOR, x, y, x ^ y)`.
    Xor = 3,
    /// `(U16, v, 0, 0)`: `v < 2^16`.
    U16 = 4,
}

impl ByteOp {
    /// All operations, in table-column order.
    pub const ALL: [Self; 5] = [Self::Range, Self::And, Self::Or, Self::Xor, Self::U16];

    /// The operation's result on two bytes (0 for the range checks).
    pub const fn eval(self, x: u8, y: u8) -> u8 {
        match self {
            Self::Range | Self::U16 => 0,
            Self::And => x & y,
            Self::Or => x | y,
            Self::Xor => x ^ y,
        }
    }
}

fn expr<AB: AirBuilder>(op: u32) -> AB::Expr {
    AB::Expr::from(AB::F::from_u32(op))
}

use p3_field::PrimeCharacteristicRing;

/// Looks up `(op, x, y, z)` in the byte table `count` times (`count` must be 0 or 1 per row).
pub fn byte_lookup<AB: InteractionBuilder>(
    builder: &mut AB,
    op: ByteOp,
    x: impl Into<AB::Expr>,
    y: impl Into<AB::Expr>,
    z: impl Into<AB::Expr>,
    count: impl Into<AB::Expr>,
) {
    let fields = [expr::<AB>(op as u32), x.into(), y.into(), z.into()];
    builder.push_interaction(BYTE, fields, Count::bounded(count.into(), 1));
}

/// Checks that `x` and `y` are bytes, when `count` is 1.
pub fn range_bytes<AB: InteractionBuilder>(
    builder: &mut AB,
    x: impl Into<AB::Expr>,
    y: impl Into<AB::Expr>,
    count: impl Into<AB::Expr>,
) {
    byte_lookup(builder, ByteOp::Range, x, y, AB::Expr::ZERO, count);
}

/// Checks that every element of `values` is a byte (pairwise), when `count` is 1.
pub fn range_byte_slice<AB: InteractionBuilder>(builder: &mut AB, values: &[AB::Var], count: AB::Expr) {
    for pair in values.chunks(2) {
        let y: AB::Expr = pair.get(1).map_or(AB::Expr::ZERO, |v| (*v).into());
        range_bytes(builder, pair[0], y, count.clone());
    }
}

/// Checks that `v < 2^16`, when `count` is 1.
pub fn range_u16<AB: InteractionBuilder>(builder: &mut AB, v: impl Into<AB::Expr>, count: impl Into<AB::Expr>) {
    byte_lookup(builder, ByteOp::U16, v, AB::Expr::ZERO, AB::Expr::ZERO, count);
}

/// An ALU message: `a = op(b, c)` on 32-bit words given as little-endian bytes.
pub fn alu_message<AB: AirBuilder, V: Into<AB::Expr> + Clone>(
    op: impl Into<AB::Expr>,
    a: &[V; 4],
    b: &[V; 4],
    c: &[V; 4],
) -> Vec<AB::Expr> {
    core::iter::once(op.into())
        .chain(a.iter().chain(b).chain(c).map(|v| v.clone().into()))
        .collect()
}

/// Requests `a = op(b, c)` from the ALU chips, when `count` (0 or 1) is 1.
pub fn alu_send<AB: InteractionBuilder, V: Into<AB::Expr> + Clone>(
    builder: &mut AB,
    op: impl Into<AB::Expr>,
    a: &[V; 4],
    b: &[V; 4],
    c: &[V; 4],
    count: impl Into<AB::Expr>,
) {
    builder.push_interaction(ALU, alu_message::<AB, V>(op, a, b, c), Count::bounded(count.into(), 1));
}

/// Serves `a = op(b, c)` for the ALU bus, when `count` (0 or 1) is 1.
pub fn alu_receive<AB: InteractionBuilder, V: Into<AB::Expr> + Clone>(
    builder: &mut AB,
    op: impl Into<AB::Expr>,
    a: &[V; 4],
    b: &[V; 4],
    c: &[V; 4],
    count: impl Into<AB::Expr>,
) {
    alu_send(builder, op, a, b, c, -count.into());
}

/// `Σ bytes[i] · 256^i`: a word's value as a field element (callers ensure it cannot wrap).
pub fn word_value<AB: AirBuilder, V: Into<AB::Expr> + Clone>(bytes: &[V; 4]) -> AB::Expr {
    bytes
        .iter()
        .rev()
        .fold(AB::Expr::ZERO, |acc, b| acc * AB::F::from_u32(256) + b.clone().into())
}
