//! The `sys_*` functions Rust's std calls on `target_os = "zkvm"` (declared in std's
//! `sys/pal/zkvm/abi.rs`), implemented on Cairn syscalls.
//!
//! * Allocation (`sys_alloc_aligned`, `sys_alloc_words`) uses [`crate::heap`]; exhaustion is
//!   reported like a panic (stderr, exit code 101) because std would otherwise abort with an
//!   illegal instruction.
//! * `sys_write` to fd 1/2 goes to the host; to fd 3 (std's "journal") it commits, exactly like
//!   [`crate::io::commit_slice`].
//! * `sys_read` on fd 0 reads the remaining input items as one concatenated byte stream; an item
//!   is consumed whole when stdin first touches it, so do not mix stdin with [`crate::io::read`]
//!   on the same item. Other fds read as empty.
//! * `sys_rand` is deterministic and NOT secret: word stream of SHA-256 in counter mode,
//!   `SHA-256("cairn-zkvm/sys_rand/v1" || counter as u64 LE)`, the counter starting at 0 per run.
//!   It exists so `HashMap`'s `RandomState` works; never use it for keys or nonces.
//! * No arguments (`sys_argc` = 0) and no environment (`sys_getenv` = `usize::MAX`, std's "not
//!   found"). `sys_cycle_count` returns 0: the guest cannot observe its cycle count.
//! * `sys_sha_compress`/`sys_sha_buffer` run SHA-256 compression in software. States are 32 bytes
//!   in memory in digest (big-endian) order; blocks are raw message bytes; `sys_sha_buffer`'s
//!   `count` is a number of 64-byte blocks.

use crate::rt::{self, Global};
use crate::{abi::fd, heap, io, syscall};
use alloc::{boxed::Box, vec::Vec};
use core::{ptr, slice};
use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256};

const DIGEST_WORDS: usize = 8;

/// Makes panics write `panicked at ...` to stderr and halt with exit code 101.
pub(crate) fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| rt::panic_halt(info)));
}

fn alloc_or_halt(nbytes: usize, align: usize) -> *mut u8 {
    let ptr = heap::alloc(nbytes, align);
    if ptr.is_null() {
        rt::panic_halt(&format_args!(
            "cairn_zkvm: out of memory allocating {nbytes} bytes ({} bytes left)",
            heap::remaining()
        ));
    }
    ptr
}

/// Allocates `nbytes` bytes (std passes a byte count despite the upstream parameter name).
#[unsafe(no_mangle)]
pub extern "C" fn sys_alloc_aligned(nbytes: usize, align: usize) -> *mut u8 {
    alloc_or_halt(nbytes, align)
}

/// Allocates `nwords` 32-bit words.
#[unsafe(no_mangle)]
pub extern "C" fn sys_alloc_words(nwords: usize) -> *mut u32 {
    match nwords.checked_mul(4) {
        Some(nbytes) => alloc_or_halt(nbytes, 4).cast(),
        None => rt::panic_halt(&"cairn_zkvm: sys_alloc_words size overflows"),
    }
}

/// Writes to the host (fd 1, 2) or commits public values (fd 3).
///
/// # Safety
/// `buf` must be readable for `nbytes` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_write(fd: u32, buf: *const u8, nbytes: usize) {
    // SAFETY: guaranteed by the caller.
    let bytes = unsafe { byte_slice(buf, nbytes) };
    if fd == fd::PUBLIC_VALUES {
        io::commit_slice(bytes);
    } else {
        syscall::write(fd, bytes);
    }
}

/// Input bytes taken from the current item but not yet returned by `sys_read`.
struct StdinBuf {
    item: Vec<u8>,
    pos: usize,
}

static STDIN: Global<StdinBuf> = Global::new(StdinBuf {
    item: Vec::new(),
    pos: 0,
});

/// Reads up to `nrequested` bytes of stdin (fd 0); returns the count, 0 at end of input.
///
/// # Safety
/// `recv_buf` must be writable for `nrequested` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_read(fd: u32, recv_buf: *mut u8, nrequested: usize) -> usize {
    if fd != 0 || nrequested == 0 {
        return 0;
    }
    STDIN.with(|stdin| {
        while stdin.pos == stdin.item.len() {
            match io::try_read_vec() {
                Some(item) => *stdin = StdinBuf { item, pos: 0 },
                None => return 0,
            }
        }
        let n = nrequested.min(stdin.item.len() - stdin.pos);
        // SAFETY: the source has `n` bytes left; the caller guarantees the destination.
        unsafe { ptr::copy_nonoverlapping(stdin.item[stdin.pos..].as_ptr(), recv_buf, n) };
        stdin.pos += n;
        n
    })
}

/// Writes a log line to stderr.
///
/// # Safety
/// `msg_ptr` must be readable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_log(msg_ptr: *const u8, len: usize) {
    // SAFETY: guaranteed by the caller.
    syscall::write(fd::STDERR, unsafe { byte_slice(msg_ptr, len) });
    syscall::write(fd::STDERR, b"\n");
}

/// Reports a panic message (from `panic_abort` when no hook halted first) and halts with 101.
///
/// # Safety
/// `msg_ptr` must be readable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_panic(msg_ptr: *const u8, len: usize) -> ! {
    // SAFETY: guaranteed by the caller.
    let msg = unsafe { byte_slice(msg_ptr, len) };
    syscall::write(fd::STDERR, msg);
    syscall::write(fd::STDERR, b"\n");
    rt::halt(rt::PANIC_EXIT_CODE)
}

/// Commits the public-values digest and halts with exit code 0.
#[unsafe(no_mangle)]
pub extern "C" fn sys_halt() -> ! {
    rt::halt(0)
}

/// Sets digest word `output_id` directly (`COMMIT`). The runtime's own halt overwrites all eight
/// words, so this only matters to code that halts with the raw syscall.
#[unsafe(no_mangle)]
pub extern "C" fn sys_output(output_id: u32, output_value: u32) {
    syscall::commit_word(output_id, output_value);
}

/// Always 0: cycle counts are not observable from inside a Cairn guest.
#[unsafe(no_mangle)]
pub extern "C" fn sys_cycle_count() -> usize {
    0
}

/// Program arguments: there are none.
#[unsafe(no_mangle)]
pub extern "C" fn sys_argc() -> usize {
    0
}

/// Length of argument `arg_index`; there are no arguments, so 0.
#[unsafe(no_mangle)]
pub extern "C" fn sys_argv(_out_words: *mut u32, _out_nwords: usize, _arg_index: usize) -> usize {
    0
}

/// Environment lookup: the guest has no environment, so always "not found" (`usize::MAX`).
#[unsafe(no_mangle)]
pub extern "C" fn sys_getenv(
    _recv_buf: *mut u32,
    _words: usize,
    _varname: *const u8,
    _varname_len: usize,
) -> usize {
    usize::MAX
}

const RAND_DOMAIN: &[u8] = b"cairn-zkvm/sys_rand/v1";
static RAND_COUNTER: Global<u64> = Global::new(0);

/// Fills `words` words with deterministic, public pseudo-random data (see the module docs).
///
/// # Safety
/// `recv_buf` must be writable for `words` words.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_rand(recv_buf: *mut u32, words: usize) {
    for i in (0..words).step_by(DIGEST_WORDS) {
        let counter = RAND_COUNTER.with(|c| {
            *c += 1;
            *c - 1
        });
        let block = Sha256::new()
            .chain_update(RAND_DOMAIN)
            .chain_update(counter.to_le_bytes())
            .finalize();
        for (j, word) in block.chunks_exact(4).take(words - i).enumerate() {
            let word = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
            // SAFETY: `i + j < words`, within the caller's buffer.
            unsafe { recv_buf.add(i + j).write_unaligned(word) };
        }
    }
}

/// One SHA-256 compression of the 64-byte block `block1 || block2` from `in_state`.
///
/// # Safety
/// All pointers must be valid for 32 bytes (`out_state` writable).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_sha_compress(
    out_state: *mut [u32; DIGEST_WORDS],
    in_state: *const [u32; DIGEST_WORDS],
    block1_ptr: *const [u32; DIGEST_WORDS],
    block2_ptr: *const [u32; DIGEST_WORDS],
) {
    let mut block = [0u8; 64];
    // SAFETY: guaranteed by the caller.
    unsafe {
        block[..32].copy_from_slice(byte_slice(block1_ptr.cast(), 32));
        block[32..].copy_from_slice(byte_slice(block2_ptr.cast(), 32));
        sha_blocks(out_state, in_state, &block);
    }
}

/// SHA-256 compression of `count` consecutive 64-byte blocks at `buf` from `in_state`.
///
/// # Safety
/// `buf` must be readable for `64 * count` bytes; the states as for [`sys_sha_compress`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sys_sha_buffer(
    out_state: *mut [u32; DIGEST_WORDS],
    in_state: *const [u32; DIGEST_WORDS],
    buf: *const u8,
    count: u32,
) {
    // SAFETY: guaranteed by the caller.
    unsafe { sha_blocks(out_state, in_state, byte_slice(buf, 64 * count as usize)) };
}

/// # Safety
/// As for [`sys_sha_compress`]; `data.len()` is a multiple of 64.
unsafe fn sha_blocks(
    out_state: *mut [u32; DIGEST_WORDS],
    in_state: *const [u32; DIGEST_WORDS],
    data: &[u8],
) {
    // SAFETY: guaranteed by the caller.
    let input = unsafe { byte_slice(in_state.cast(), 32) };
    let mut state = [0u32; DIGEST_WORDS];
    for (word, bytes) in state.iter_mut().zip(input.chunks_exact(4)) {
        *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    let blocks: Vec<_> = data
        .chunks_exact(64)
        .map(GenericArray::clone_from_slice)
        .collect();
    sha2::compress256(&mut state, &blocks);
    let out: *mut u8 = out_state.cast();
    for (i, word) in state.iter().enumerate() {
        // SAFETY: `out_state` is writable for 32 bytes.
        unsafe { ptr::copy_nonoverlapping(word.to_be_bytes().as_ptr(), out.add(4 * i), 4) };
    }
}

/// # Safety
/// `ptr` must be readable for `len` bytes (any pointer when `len` is 0).
unsafe fn byte_slice<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        return &[];
    }
    // SAFETY: guaranteed by the caller.
    unsafe { slice::from_raw_parts(ptr, len) }
}
