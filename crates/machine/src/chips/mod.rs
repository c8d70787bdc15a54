//! The machine's chips: one AIR each, with its columns and trace generation.

pub mod add_sub;
pub mod bitwise;
pub mod bytes;
pub mod commit;
pub mod cpu;
pub mod divrem;
pub mod hint;
pub mod memory;
pub mod mul;
pub mod lt;
pub mod program;
pub mod shift;
pub mod syscall;

use cairn_executor::Opcode;
use p3_air::AirBuilder;
use p3_field::PrimeCharacteristicRing;

/// The field constant for an opcode, as it appears in [`crate::bus::ALU`] messages.
pub fn op_expr<AB: AirBuilder>(op: Opcode) -> AB::Expr {
    AB::Expr::from(AB::F::from_u8(op as u8))
}

/// Minimum height of a chip's trace (a few rows keep every domain well-formed).
pub const MIN_ROWS: usize = 4;

/// The padded height for `rows` real rows: the next power of two, at least [`MIN_ROWS`].
pub fn pad_rows(rows: usize) -> usize {
    rows.next_power_of_two().max(MIN_ROWS)
}
