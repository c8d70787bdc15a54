//! HINT_READ's memory writes: one row per word.
//!
//! The CPU sends `(clk, ptr, len)` for a non-empty HINT_READ; here consecutive rows write the words
//! `ptr, ptr + 4, ...` at timestamp `4·clk + 2`, counting `remaining` bytes down by 4 until the
//! last row, where `remaining ∈ 1..=4` (one-hot `tail`) and the bytes past the item are zero. The
//! values themselves are the prover's input and are only range-checked. Every address lies in
//! `[2^16, MEM_END)`, so hints never touch registers.

use core::borrow::{Borrow, BorrowMut};

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::{range_byte_slice, range_u16, HINT};
use crate::chips::cpu::HintEvent;
use crate::chips::memory::{eval_access, fill_access, MemoryAccessCols};
use crate::chips::pad_rows;
use crate::columns::impl_columns;
use crate::events::ByteCounts;

/// The highest `addr >> 16`, plus one: addresses stay below `MEM_END`.
const ADDR_HI_END: u32 = cairn_abi::memory::MEM_END >> 16;

/// Columns of the hint chip.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct HintCols<T> {
    /// A word is written.
    pub is_real: T,
    /// First word of a request.
    pub is_first: T,
    /// Last word of a request.
    pub is_last: T,
    /// Clock of the HINT_READ.
    pub clk: T,
    /// Word address.
    pub addr: T,
    /// `addr = addr_lo + 2^16·addr_hi`.
    pub addr_lo: T,
    /// High half of the address, in `[1, MEM_END >> 16)`.
    pub addr_hi: T,
    /// Bytes of the item from this word on.
    pub remaining: T,
    /// `remaining − 5 = rem_lo + 2^16·rem_hi` on rows that are not last.
    pub rem_lo: T,
    /// See `rem_lo`; below `2^14`.
    pub rem_hi: T,
    /// One-hot `remaining − 1` on the last row.
    pub tail: [T; 4],
    /// The word written.
    pub value: [T; 4],
    /// The word before.
    pub prev: [T; 4],
    /// The write.
    pub access: MemoryAccessCols<T>,
}
impl_columns!(HintCols, NUM_HINT_COLS);

/// The hint chip.
#[derive(Clone, Copy, Debug, Default)]
pub struct HintChip;

impl HintChip {
    /// One row per written word, requests one after another.
    pub fn generate_trace<F: Field>(events: &[HintEvent], bytes: &mut ByteCounts) -> RowMajorMatrix<F> {
        let rows: usize = events.iter().map(|e| e.writes.len()).sum();
        let mut values = F::zero_vec(pad_rows(rows) * NUM_HINT_COLS);
        let mut chunks = values.chunks_exact_mut(NUM_HINT_COLS);
        for event in events {
            let words = event.writes.len();
            for (k, (write, row)) in event.writes.iter().zip(chunks.by_ref()).enumerate() {
                let cols: &mut HintCols<F> = row.borrow_mut();
                let remaining = event.len - 4 * k as u32;
                cols.is_real = F::ONE;
                cols.is_first = F::from_bool(k == 0);
                cols.is_last = F::from_bool(k + 1 == words);
                cols.clk = F::from_u32(event.clk);
                cols.addr = F::from_u32(write.addr);
                let (lo, hi) = (write.addr & 0xffff, write.addr >> 16);
                cols.addr_lo = F::from_u32(lo);
                cols.addr_hi = F::from_u32(hi);
                bytes.u16(lo as u16);
                bytes.u16((hi - 1) as u16);
                bytes.u16((ADDR_HI_END - 1 - hi) as u16);
                cols.remaining = F::from_u32(remaining);
                if k + 1 == words {
                    cols.tail[(remaining - 1) as usize] = F::ONE;
                } else {
                    let rest = remaining - 5;
                    cols.rem_lo = F::from_u32(rest & 0xffff);
                    cols.rem_hi = F::from_u32(rest >> 16);
                    bytes.u16(rest as u16);
                    bytes.u16(((rest >> 16) * 4) as u16);
                }
                cols.value = write.value.to_le_bytes().map(F::from_u8);
                cols.prev = write.prev_value.to_le_bytes().map(F::from_u8);
                fill_access(&mut cols.access, write.ts, write.prev_ts, bytes);
                bytes.range_slice(&write.value.to_le_bytes());
            }
        }
        RowMajorMatrix::new(values, NUM_HINT_COLS)
    }
}

impl<F: Field> BaseAir<F> for HintChip {
    fn width(&self) -> usize {
        NUM_HINT_COLS
    }
}

impl<AB: InteractionBuilder> Air<AB> for HintChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &HintCols<AB::Var> = main.current_slice().borrow();
        let next: &HintCols<AB::Var> = main.next_slice().borrow();
        let e = |v: AB::Var| -> AB::Expr { v.into() };
        let one = || AB::Expr::ONE;
        for flag in [local.is_real, local.is_first, local.is_last].iter().chain(&local.tail) {
            builder.assert_bool(*flag);
        }
        builder.assert_zero(e(local.is_first) * (one() - local.is_real));
        builder.assert_zero(e(local.is_last) * (one() - local.is_real));

        // The last word: 1..=4 remaining bytes, zero past them.
        let tail_sum = local.tail.iter().fold(AB::Expr::ZERO, |acc, t| acc + *t);
        builder.assert_eq(tail_sum, local.is_last);
        let tail_len = (0..4).fold(AB::Expr::ZERO, |acc, j| acc + e(local.tail[j]) * AB::F::from_usize(j + 1));
        builder.when(local.is_last).assert_eq(local.remaining, tail_len);
        let [t1, t2, t3, _] = local.tail.map(e);
        builder.assert_zero(e(local.value[1]) * t1.clone());
        builder.assert_zero(e(local.value[2]) * (t1.clone() + t2.clone()));
        builder.assert_zero(e(local.value[3]) * (t1 + t2 + t3));

        // A word that is not last has more than 4 bytes remaining (remaining − 5 < 2^30).
        let more = e(local.is_real) - local.is_last;
        let rest = e(local.rem_lo) + e(local.rem_hi) * AB::F::from_u32(1 << 16);
        builder.when(more.clone()).assert_eq(e(local.remaining) - AB::F::from_u32(5), rest);
        range_u16(builder, local.rem_lo, more.clone());
        range_u16(builder, e(local.rem_hi) * AB::F::from_u32(4), more.clone());

        // Requests are runs of consecutive words.
        builder.when_first_row().assert_eq(local.is_first, local.is_real);
        let mut t = builder.when_transition();
        t.assert_zero(e(next.is_real) * (one() - local.is_real));
        t.assert_zero(more.clone() * (one() - next.is_real));
        t.assert_zero(more.clone() * next.is_first);
        t.assert_zero(more.clone() * (e(next.clk) - local.clk));
        t.assert_zero(more.clone() * (e(next.addr) - local.addr - AB::F::from_u32(4)));
        t.assert_zero(more * (e(next.remaining) - local.remaining + AB::F::from_u32(4)));
        t.assert_zero(e(local.is_last) * (e(next.is_first) - next.is_real));
        builder.when_last_row().assert_eq(local.is_real, local.is_last);

        let request = [e(local.clk), e(local.addr), e(local.remaining)];
        builder.push_interaction(HINT, request, Count::bounded(-e(local.is_first), 1));

        // Addresses in [2^16, MEM_END).
        let addr = e(local.addr_lo) + e(local.addr_hi) * AB::F::from_u32(1 << 16);
        builder.when(local.is_real).assert_eq(local.addr, addr);
        range_u16(builder, local.addr_lo, local.is_real);
        range_u16(builder, e(local.addr_hi) - one(), local.is_real);
        range_u16(builder, AB::Expr::from(AB::F::from_u32(ADDR_HI_END - 1)) - local.addr_hi, local.is_real);

        let ts = e(local.clk) * AB::F::from_u32(4) + AB::F::TWO;
        let (prev, value) = (local.prev.map(e), local.value.map(e));
        eval_access(builder, local.addr.into(), prev, value, ts, &local.access, local.is_real.into());
        range_byte_slice(builder, &local.value, local.is_real.into());
    }
}
