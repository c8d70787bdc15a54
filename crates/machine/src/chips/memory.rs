//! Offline memory checking.
//!
//! Memory (registers are addresses `0..32`) is a multiset argument on the [`MEMORY`] bus over
//! messages `(addr, value[4], ts)`:
//! - every access receives the previous `(addr, prev_value, prev_ts)` and sends
//!   `(addr, value, ts)` with `prev_ts < ts` ([`MemoryAccessCols`], used by the CPU and the hint
//!   chip);
//! - [`MemoryImageChip`] (preprocessed from the ELF) sends the non-zero words of the initial image
//!   at timestamp 0, and [`MemoryZeroChip`] sends `(addr, 0, 0)` for every other address used;
//! - [`MemoryFinalChip`] receives the last `(addr, value, ts)` of every address, with addresses
//!   strictly increasing, so each address has exactly one final state and therefore exactly one
//!   initial state.
//!
//! Timestamps of one proof stay below `2^24`, so `ts − prev_ts − 1` is range-checked there; a
//! wrapped (negative) difference is close to the field modulus and fails the check.

use core::borrow::{Borrow, BorrowMut};

use cairn_executor::Program;
use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use crate::bus::{range_bytes, range_u16, MEMORY};
use crate::chips::pad_rows;
use crate::columns::impl_columns;
use crate::events::ByteCounts;

/// Timestamps of one proof are below this bound.
pub const MAX_TIMESTAMP: u32 = 1 << 24;

/// What an access needs beyond its address and values: the previous timestamp and the
/// decomposition of `ts − prev_ts − 1 = diff_lo + 2^16·diff_hi` (`diff_lo < 2^16`, `diff_hi < 2^8`).
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct MemoryAccessCols<T> {
    /// Timestamp of the previous access to the address.
    pub prev_ts: T,
    /// Low 16 bits of `ts − prev_ts − 1`.
    pub diff_lo: T,
    /// Bits 16..24 of `ts − prev_ts − 1`.
    pub diff_hi: T,
}

/// The bus message of a memory state.
fn message<AB: AirBuilder>(addr: AB::Expr, value: [AB::Expr; 4], ts: AB::Expr) -> Vec<AB::Expr> {
    core::iter::once(addr).chain(value).chain(core::iter::once(ts)).collect()
}

/// Constrains one access: `(addr, prev_value, prev_ts)` becomes `(addr, value, ts)`, when
/// `count` (0 or 1, degree ≤ 2) is 1. For reads pass `prev_value = value`.
pub fn eval_access<AB: InteractionBuilder>(
    builder: &mut AB,
    addr: AB::Expr,
    prev_value: [AB::Expr; 4],
    value: [AB::Expr; 4],
    ts: AB::Expr,
    cols: &MemoryAccessCols<AB::Var>,
    count: AB::Expr,
) where
    AB::F: Field,
{
    let prev = message::<AB>(addr.clone(), prev_value, cols.prev_ts.into());
    builder.push_interaction(MEMORY, prev, Count::bounded(-count.clone(), 1));
    let next = message::<AB>(addr, value, ts.clone());
    builder.push_interaction(MEMORY, next, Count::bounded(count.clone(), 1));
    let diff = ts - cols.prev_ts - AB::Expr::ONE;
    let limbs = cols.diff_lo + cols.diff_hi * AB::F::from_u32(1 << 16);
    builder.when(count.clone()).assert_eq(diff, limbs);
    range_u16(builder, cols.diff_lo, count.clone());
    range_bytes(builder, cols.diff_hi, AB::Expr::ZERO, count);
}

/// Fills `cols` for an access at `ts` whose previous access was at `prev_ts`, recording its range
/// checks.
pub fn fill_access<F: Field>(cols: &mut MemoryAccessCols<F>, ts: u32, prev_ts: u32, bytes: &mut ByteCounts) {
    debug_assert!(prev_ts < ts && ts < MAX_TIMESTAMP, "timestamps out of order: {prev_ts} then {ts}");
    let diff = ts - prev_ts - 1;
    cols.prev_ts = F::from_u32(prev_ts);
    cols.diff_lo = F::from_u32(diff & 0xffff);
    cols.diff_hi = F::from_u32(diff >> 16);
    bytes.u16(diff as u16);
    bytes.range((diff >> 16) as u8, 0);
}

/// The words of the initial image, one per row, preprocessed.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct MemoryImageCols<T> {
    /// Word address.
    pub addr: T,
    /// Initial value.
    pub value: [T; 4],
    /// 1 on rows that hold a word, 0 on padding.
    pub is_real: T,
}
impl_columns!(MemoryImageCols, NUM_MEMORY_IMAGE_COLS);

/// Sends the program's initial memory image at timestamp 0.
#[derive(Clone, Debug)]
pub struct MemoryImageChip {
    words: Vec<(u32, u32)>,
}

impl MemoryImageChip {
    /// The image of `program`: its non-zero words.
    pub fn new(program: &Program) -> Self {
        Self { words: program.image_words() }
    }

    /// `(address, value)` of every word the image initialises.
    pub fn words(&self) -> &[(u32, u32)] {
        &self.words
    }

    /// The main trace: a single dummy column (a table needs one) of zeros.
    pub fn generate_trace<F: Field>(&self) -> RowMajorMatrix<F> {
        RowMajorMatrix::new(F::zero_vec(pad_rows(self.words.len())), 1)
    }
}

impl<F: Field> BaseAir<F> for MemoryImageChip {
    fn width(&self) -> usize {
        1
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<F>> {
        let mut values = F::zero_vec(pad_rows(self.words.len()) * NUM_MEMORY_IMAGE_COLS);
        for (row, &(addr, word)) in values.chunks_exact_mut(NUM_MEMORY_IMAGE_COLS).zip(&self.words) {
            let cols: &mut MemoryImageCols<F> = row.borrow_mut();
            cols.addr = F::from_u32(addr);
            cols.value = word.to_le_bytes().map(F::from_u8);
            cols.is_real = F::ONE;
        }
        Some(RowMajorMatrix::new(values, NUM_MEMORY_IMAGE_COLS))
    }

    fn preprocessed_width(&self) -> usize {
        NUM_MEMORY_IMAGE_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }
}

impl<AB: InteractionBuilder> Air<AB> for MemoryImageChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let prep = builder.preprocessed().clone();
        let cols: &MemoryImageCols<AB::Var> = prep.current_slice().borrow();
        // The main column is unused; pin it to zero so it carries nothing.
        let main = builder.main();
        let dummy = main.current_slice()[0];
        builder.assert_zero(dummy);
        let msg = message::<AB>(cols.addr.into(), cols.value.map(Into::into), AB::Expr::ZERO);
        builder.push_interaction(MEMORY, msg, Count::bounded(cols.is_real.into(), 1));
    }
}

/// A zero-initialised address.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct MemoryZeroCols<T> {
    /// The address.
    pub addr: T,
    /// 1 on rows that initialise an address, 0 on padding.
    pub is_real: T,
}
impl_columns!(MemoryZeroCols, NUM_MEMORY_ZERO_COLS);

/// Sends `(addr, 0, 0)` for every used address outside the image (registers included).
#[derive(Clone, Copy, Debug, Default)]
pub struct MemoryZeroChip;

impl MemoryZeroChip {
    /// One row per address.
    pub fn generate_trace<F: Field>(addrs: &[u32]) -> RowMajorMatrix<F> {
        let mut values = F::zero_vec(pad_rows(addrs.len()) * NUM_MEMORY_ZERO_COLS);
        for (row, &addr) in values.chunks_exact_mut(NUM_MEMORY_ZERO_COLS).zip(addrs) {
            let cols: &mut MemoryZeroCols<F> = row.borrow_mut();
            cols.addr = F::from_u32(addr);
            cols.is_real = F::ONE;
        }
        RowMajorMatrix::new(values, NUM_MEMORY_ZERO_COLS)
    }
}

impl<F: Field> BaseAir<F> for MemoryZeroChip {
    fn width(&self) -> usize {
        NUM_MEMORY_ZERO_COLS
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        vec![]
    }
}

impl<AB: InteractionBuilder> Air<AB> for MemoryZeroChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let cols: &MemoryZeroCols<AB::Var> = main.current_slice().borrow();
        builder.assert_bool(cols.is_real);
        let zero = || AB::Expr::ZERO;
        let msg = message::<AB>(cols.addr.into(), [zero(), zero(), zero(), zero()], zero());
        builder.push_interaction(MEMORY, msg, Count::bounded(cols.is_real.into(), 1));
    }
}

/// The final state of one address. Addresses are `hi·2^16 + lo` (`lo < 2^16`, `hi < 2^15`) and
/// strictly increase from row to row: compared on `hi` first, then on `lo`.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct MemoryFinalCols<T> {
    /// Low 16 bits of the address.
    pub addr_lo: T,
    /// High 15 bits of the address.
    pub addr_hi: T,
    /// Final value.
    pub value: [T; 4],
    /// Timestamp of the last access (0 if never accessed).
    pub ts: T,
    /// 1 on rows that hold an address, 0 on padding (which comes last).
    pub is_real: T,
    /// The next row's address has the same `hi`.
    pub same_hi: T,
    /// `lo' − lo − 1` if `same_hi`, else `hi' − hi − 1`; below `2^16`.
    pub diff: T,
    /// A real row follows this one (0 on the last row).
    pub has_next: T,
}
impl_columns!(MemoryFinalCols, NUM_MEMORY_FINAL_COLS);

/// Receives the final state of every address.
#[derive(Clone, Copy, Debug, Default)]
pub struct MemoryFinalChip;

impl MemoryFinalChip {
    /// One row per `(address, final value, last timestamp)`, sorted by address.
    pub fn generate_trace<F: Field>(finals: &[(u32, u32, u32)], bytes: &mut ByteCounts) -> RowMajorMatrix<F> {
        let height = pad_rows(finals.len());
        let mut values = F::zero_vec(height * NUM_MEMORY_FINAL_COLS);
        for (i, &(addr, word, ts)) in finals.iter().enumerate() {
            debug_assert!(addr < 1 << 31, "address {addr:#x} too large");
            let row = &mut values[i * NUM_MEMORY_FINAL_COLS..(i + 1) * NUM_MEMORY_FINAL_COLS];
            let cols: &mut MemoryFinalCols<F> = row.borrow_mut();
            let (lo, hi) = (addr & 0xffff, addr >> 16);
            cols.addr_lo = F::from_u32(lo);
            cols.addr_hi = F::from_u32(hi);
            cols.value = word.to_le_bytes().map(F::from_u8);
            cols.ts = F::from_u32(ts);
            cols.is_real = F::ONE;
            bytes.u16(lo as u16);
            bytes.u16((2 * hi) as u16);
            if let Some(&(next, _, _)) = finals.get(i + 1) {
                let (next_lo, next_hi) = (next & 0xffff, next >> 16);
                let same = next_hi == hi;
                let diff = if same { next_lo - lo - 1 } else { next_hi - hi - 1 };
                cols.same_hi = F::from_bool(same);
                cols.has_next = F::ONE;
                cols.diff = F::from_u32(diff);
                bytes.u16(diff as u16);
            }
        }
        RowMajorMatrix::new(values, NUM_MEMORY_FINAL_COLS)
    }
}

impl<F: Field> BaseAir<F> for MemoryFinalChip {
    fn width(&self) -> usize {
        NUM_MEMORY_FINAL_COLS
    }
}

impl<AB: InteractionBuilder> Air<AB> for MemoryFinalChip
where
    AB::F: Field,
{
    fn eval(&self, builder: &mut AB) {
        let main = builder.main();
        let local: &MemoryFinalCols<AB::Var> = main.current_slice().borrow();
        let next: &MemoryFinalCols<AB::Var> = main.next_slice().borrow();
        builder.assert_bool(local.is_real);
        builder.assert_bool(local.same_hi);
        // Padding only at the end.
        builder.when_transition().assert_zero(next.is_real * (AB::Expr::ONE - local.is_real));

        range_u16(builder, local.addr_lo, local.is_real);
        range_u16(builder, local.addr_hi * AB::F::from_u32(2), local.is_real);

        // Strictly increasing addresses between consecutive real rows.
        builder.when_transition().assert_eq(local.has_next, next.is_real);
        builder.when_last_row().assert_zero(local.has_next);
        let step: AB::Expr = local.has_next.into();
        let same = local.same_hi;
        builder.when(step.clone()).when(same).assert_eq(next.addr_hi, local.addr_hi);
        let expected = (next.addr_lo - local.addr_lo - AB::Expr::ONE) * same
            + (next.addr_hi - local.addr_hi - AB::Expr::ONE) * (AB::Expr::ONE - same);
        builder.when(step.clone()).assert_eq(local.diff, expected);
        range_u16(builder, local.diff, step);

        let addr = local.addr_lo + local.addr_hi * AB::F::from_u32(1 << 16);
        let msg = message::<AB>(addr, local.value.map(Into::into), local.ts.into());
        builder.push_interaction(MEMORY, msg, Count::bounded(-AB::Expr::from(local.is_real), 1));
    }
}
