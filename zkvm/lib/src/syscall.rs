//! Raw Cairn syscalls: `ecall` with the id in `t0` and arguments in `a0`..`a2`.
//!
//! Most guests use [`crate::io`] instead; these are the thin wrappers underneath.

use cairn_abi::syscall as id;
use core::arch::asm;

/// Traps into the machine with syscall `id`; returns the resulting `a0`.
///
/// # Safety
/// Pointer arguments must be valid for the access that syscall performs.
#[inline(always)]
unsafe fn ecall(id: u32, a0: u32, a1: u32, a2: u32) -> u32 {
    let ret: u32;
    // SAFETY: the caller upholds the syscall's memory contract; `ecall` itself touches no stack.
    unsafe {
        asm!(
            "ecall",
            in("t0") id,
            inlateout("a0") a0 => ret,
            in("a1") a1,
            in("a2") a2,
            options(nostack),
        );
    }
    ret
}

/// `HALT`: stops the machine with `code`. Does not commit the digest; see [`crate::exit`].
pub fn halt(code: u32) -> ! {
    // SAFETY: HALT reads no memory.
    unsafe { ecall(id::HALT, code, 0, 0) };
    // The machine never resumes after HALT; spin if a faulty host does.
    #[allow(clippy::empty_loop)]
    loop {}
}

/// `WRITE`: sends `bytes` to the host on file descriptor `fd`. Empty writes are skipped (an
/// empty slice's pointer may be dangling, which the machine rejects).
pub fn write(fd: u32, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    // SAFETY: `bytes` is a valid readable slice of exactly that length.
    unsafe { ecall(id::WRITE, fd, bytes.as_ptr() as u32, bytes.len() as u32) };
}

/// `HINT_LEN`: the byte length of the next input item, or `None` when the input is exhausted.
pub fn hint_len() -> Option<usize> {
    // SAFETY: HINT_LEN reads no memory.
    match unsafe { ecall(id::HINT_LEN, 0, 0, 0) } {
        id::HINT_NONE => None,
        len => Some(len as usize),
    }
}

/// `HINT_READ`: copies the next input item (of `len` bytes, as `HINT_LEN` said) into `buf`.
///
/// The machine writes whole words from a word-aligned address, zeroing the bytes after the item in
/// its last word, so `buf` is over-allocated by up to 6 bytes and the item moved to its start.
/// Returns with `buf[..len]` holding the item.
pub fn hint_read_into(buf: &mut alloc::vec::Vec<u8>, len: usize) {
    buf.clear();
    if len == 0 {
        // Nothing is written; the pointer is not used.
        // SAFETY: an empty read touches no memory.
        unsafe { ecall(id::HINT_READ, 4, 0, 0) };
        return;
    }
    buf.reserve(len.next_multiple_of(4) + 3);
    let base = buf.as_mut_ptr();
    let offset = base.align_offset(4);
    // SAFETY: `offset + round_up(len, 4) <= capacity`, so every byte the machine writes lies in
    // the allocation; they are `u8`s, so any value is valid.
    unsafe {
        ecall(id::HINT_READ, base.add(offset) as u32, len as u32, 0);
        if offset != 0 {
            core::ptr::copy(base.add(offset), base, len);
        }
        buf.set_len(len);
    }
}

/// `COMMIT`: sets word `index` (0..8) of the public-values digest.
pub fn commit_word(index: u32, word: u32) {
    // SAFETY: COMMIT reads no memory.
    unsafe { ecall(id::COMMIT, word, index, 0) };
}
