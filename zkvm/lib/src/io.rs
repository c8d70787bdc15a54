//! Inputs from the host, committed public values and console output.

use crate::{abi::fd, rt, syscall};
use alloc::vec::Vec;
use core::fmt;
use serde::{de::DeserializeOwned, Serialize};

/// Takes the next input item, or `None` when the host supplied no more.
pub(crate) fn try_read_vec() -> Option<Vec<u8>> {
    let len = syscall::hint_len()?;
    let mut buf = Vec::new();
    syscall::hint_read_into(&mut buf, len);
    Some(buf)
}

/// Returns the next input item's raw bytes.
///
/// # Panics
/// When the input is exhausted: the host supplied fewer items than the guest reads.
#[track_caller]
pub fn read_vec() -> Vec<u8> {
    match try_read_vec() {
        Some(bytes) => bytes,
        None => panic!(
            "cairn_zkvm::io: no input left (the host supplied fewer input items than the guest reads)"
        ),
    }
}

/// Reads the next input item and decodes it with `postcard`.
///
/// # Panics
/// When the input is exhausted or the item is not exactly a postcard encoding of `T`.
#[track_caller]
pub fn read<T: DeserializeOwned>() -> T {
    let bytes = read_vec();
    match postcard::take_from_bytes(&bytes) {
        Ok((value, [])) => value,
        Ok((_, rest)) => panic!(
            "cairn_zkvm::io::read: input item ({} bytes) has {} bytes left over after decoding {}",
            bytes.len(),
            rest.len(),
            core::any::type_name::<T>()
        ),
        Err(err) => panic!(
            "cairn_zkvm::io::read: input item ({} bytes) is not a postcard encoding of {}: {err}",
            bytes.len(),
            core::any::type_name::<T>()
        ),
    }
}

/// Appends `value`, postcard-encoded, to the public values.
///
/// Consecutive commits concatenate, so committing `a` then `b` equals committing `(a, b)`.
pub fn commit<T: Serialize + ?Sized>(value: &T) {
    match postcard::to_allocvec(value) {
        Ok(bytes) => commit_slice(&bytes),
        Err(err) => panic!(
            "cairn_zkvm::io::commit: cannot encode {}: {err}",
            core::any::type_name::<T>()
        ),
    }
}

/// Appends raw bytes to the public values: sends them to the host and hashes them.
pub fn commit_slice(bytes: &[u8]) {
    syscall::write(fd::PUBLIC_VALUES, bytes);
    rt::hash_public(bytes);
}

/// Writes bytes to the guest's stdout.
pub fn write_stdout(bytes: &[u8]) {
    syscall::write(fd::STDOUT, bytes);
}

/// Writes bytes to the guest's stderr.
pub fn write_stderr(bytes: &[u8]) {
    syscall::write(fd::STDERR, bytes);
}

/// A `fmt::Write` sink that forwards each piece to a file descriptor without buffering.
struct FdWriter(u32);

impl fmt::Write for FdWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        syscall::write(self.0, s.as_bytes());
        Ok(())
    }
}

/// Formats to `fd`; the implementation behind [`crate::print!`] and friends.
#[doc(hidden)]
pub fn _print(fd: u32, args: fmt::Arguments<'_>) {
    // FdWriter never fails, and a failing Display impl has nowhere better to be reported.
    let _ = fmt::Write::write_fmt(&mut FdWriter(fd), args);
}
