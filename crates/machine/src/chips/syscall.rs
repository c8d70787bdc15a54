//! System calls: one row per ECALL.
//!
//! The CPU sends `(clk, t0, a0, is_halt, is_hint_len)`; here the id in `t0` selects exactly one
//! syscall (an unknown id has no row that can receive it), `a1` and `a2` are read at timestamp
//! `4·clk + 2`, and the syscall's effect is requested from the chip that carries it out:
//! COMMIT sends `(a1, a0)` to the commit chip, a non-empty HINT_READ sends `(clk, a0, a1)` to the
//! hint chip after checking that `a0` is word-aligned and below `MEM_END` and that `a1 < 2^30`.
//! HALT's exit code and HINT_LEN's write of `a0` stay in the CPU, which gets the two flags back
//! through the message.

use core::borrow::{Borrow, BorrowMut};

use cairn_abi::syscall;
use cairn_executor::MemoryAccess;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::{byte_lookup, range_bytes, word_value, ByteOp, COMMIT, HINT, SYSCALL};
use crate::chips::memory::{eval_access, fill_access, MemoryAccessCols};
use crate::chips::pad_rows;
use crate::columns::impl_columns;
use crate::events::ByteCounts;

/// One ECALL, as the syscall chip needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyscallRow {
    /// Clock of the ECALL.
    pub clk: u32,
    /// The id (`t0`).
    pub id: u32,
    /// `a0`.
    pub a0: u32,
    /// The read of `a1`.
    pub a1: MemoryAccess,
    /// The read of `a2`.
    pub a2: MemoryAccess,
}

/// Columns of the syscall chip.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct SyscallCols<T> {
    /// Clock of the ECALL.
    pub clk: T,
    /// `t0` bytes: the id.
    pub t0: [T; 4],
    /// `a0` bytes.
    pub a0: [T; 4],
    /// HALT.
    pub is_halt: T,
    /// WRITE (host output only; nothing to prove).
    pub is_write: T,
    /// HINT_LEN.
    pub is_hint_len: T,
    /// HINT_READ.
    pub is_hint_read: T,
    /// COMMIT.
    pub is_commit: T,
    /// `a1` bytes.
    pub a1: [T; 4],
    /// `a2` bytes.
    pub a2: [T; 4],
    /// Read of `a1`.
    pub a1_access: MemoryAccessCols<T>,
    /// Read of `a2`.
    pub a2_access: MemoryAccessCols<T>,
    /// HINT_READ of zero bytes.
    pub len_zero: T,
    /// Inverse of the byte sum of a non-zero HINT_READ length.
    pub len_inv: T,
    /// HINT_READ pointer: `a0[0] = 4·ptr_q`.
    pub ptr_q: T,
}
impl_columns!(SyscallCols, NUM_SYSCALL_COLS);

/// The syscall chip.
#[derive(Clone, Copy, Debug, Default)]
pub struct SyscallChip;

fn bytes_of<F: Field>(word: u32) -> [F; 4] {
    word.to_le_bytes().map(F::from_u8)
}

impl SyscallChip {
    /// One row per ECALL.
    pub fn generate_trace<F: Field>(rows: &[SyscallRow], bytes: &mut ByteCounts) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(pad_rows(rows.len()) * NUM_SYSCALL_COLS);
        for (row, event) in values.chunks_exact_mut(NUM_SYSCALL_COLS).zip(rows) {
            let cols: &mut SyscallCols<F> = row.borrow_mut();
            cols.clk = F::from_u32(event.clk);
            cols.t0 = bytes_of(event.id);
            cols.a0 = bytes_of(event.a0);
            cols.a1 = bytes_of(event.a1.value);
            cols.a2 = bytes_of(event.a2.value);
            fill_access(&mut cols.a1_access, event.a1.ts, event.a1.prev_ts, bytes);
            fill_access(&mut cols.a2_access, event.a2.ts, event.a2.prev_ts, bytes);
            let flag = match event.id {
                syscall::HALT => &mut cols.is_halt,
                syscall::WRITE => &mut cols.is_write,
                syscall::HINT_LEN => &mut cols.is_hint_len,
                syscall::HINT_READ => &mut cols.is_hint_read,
                _ => &mut cols.is_commit,
            };
            *flag = F::ONE;
            if event.id == syscall::HINT_READ {
                let (ptr, len) = (event.a0, event.a1.value);
                if len == 0 {
                    cols.len_zero = F::ONE;
                } else {
                    let sum: u32 = len.to_le_bytes().iter().map(|&x| u32::from(x)).sum();
                    cols.len_inv = F::from_u32(sum).inverse();
                    cols.ptr_q = F::from_u32((ptr & 0xff) >> 2);
                    bytes.range(((ptr & 0xff) >> 2) as u8, ((ptr >> 24) + 0x88) as u8);
                    bytes.range(((len >> 24) * 4) as u8, 0);
                }
            }
        }
        RowMajorMatrix::new(values, NUM_SYSCALL_COLS)
    }
}

impl<F: Field> BaseAir<F> for SyscallChip {
    fn width(&self) -> usize {
        NUM_SYSCALL_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }
}

impl<AB: InteractionBuilder> Air<AB> for SyscallChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &SyscallCols<AB::Var> = main.current_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let f = |x: u32| AB::Expr::from(AB::F::from_u32(x));
        let one = || AB::Expr::ONE;

        // Exactly one syscall per real row; the id selects it.
        let flags = [local.is_halt, local.is_write, local.is_hint_len, local.is_hint_read, local.is_commit];
        let ids = [syscall::HALT, syscall::WRITE, syscall::HINT_LEN, syscall::HINT_READ, syscall::COMMIT];
        for flag in flags {
            builder.assert_bool(flag);
        }
        let is_real = flags.iter().fold(AB::Expr::ZERO, |acc, x| acc + *x);
        builder.assert_bool(is_real.clone());
        let id = flags.iter().zip(ids).fold(AB::Expr::ZERO, |acc, (flag, id)| acc + e(*flag) * f(id));
        builder.assert_eq(local.t0[0], id);
        for j in 1..4 {
            builder.assert_zero(local.t0[j]);
        }

        let mut message = vec![e(local.clk)];
        message.extend(local.t0.map(e));
        message.extend(local.a0.map(e));
        message.extend([e(local.is_halt), e(local.is_hint_len)]);
        builder.push_interaction(SYSCALL, message, Count::bounded(-is_real.clone(), 1));

        let ts = e(local.clk) * AB::F::from_u32(4) + AB::F::TWO;
        let (a1, a2) = (local.a1.map(e), local.a2.map(e));
        let a1_reg = f(syscall::REG_A1 as u32);
        let a2_reg = f(syscall::REG_A2 as u32);
        eval_access(builder, a1_reg, a1.clone(), a1.clone(), ts.clone(), &local.a1_access, is_real.clone());
        eval_access(builder, a2_reg, a2.clone(), a2, ts, &local.a2_access, is_real);

        // HINT_READ: a word-aligned pointer below MEM_END and a length below 2^30.
        let len_sum = a1.iter().fold(AB::Expr::ZERO, |acc, x| acc + x.clone());
        builder.assert_bool(local.len_zero);
        builder.assert_zero(e(local.len_zero) * len_sum.clone());
        builder.assert_eq(e(local.is_hint_read) * (one() - local.len_zero), len_sum * local.len_inv);
        let nonempty = e(local.is_hint_read) * (one() - local.len_zero);
        builder.when(nonempty.clone()).assert_eq(local.a0[0], e(local.ptr_q) * AB::F::from_u32(4));
        range_bytes(builder, local.ptr_q, e(local.a0[3]) + f(0x88), nonempty.clone());
        let len_top = e(local.a1[3]) * AB::F::from_u32(4);
        byte_lookup(builder, ByteOp::Range, len_top, AB::Expr::ZERO, AB::Expr::ZERO, nonempty.clone());
        let request = [e(local.clk), word_value::<AB, _>(&local.a0), word_value::<AB, _>(&local.a1)];
        builder.push_interaction(HINT, request, Count::bounded(nonempty, 1));

        // COMMIT: (index bytes, word bytes) against the public digest.
        let commit = local.a1.map(e).into_iter().chain(local.a0.map(e));
        builder.push_interaction(COMMIT, commit, Count::bounded(e(local.is_commit), 1));
    }
}
