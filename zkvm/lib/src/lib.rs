//! Guest-side runtime for Cairn programs.
//!
//! A guest is a `#![no_main]` RISC-V binary that names its entry function with
//! [`entrypoint!`]:
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//! cairn_zkvm::entrypoint!(main);
//!
//! fn main() {
//!     let n: u32 = cairn_zkvm::io::read();
//!     cairn_zkvm::io::commit(&(n * 2));
//! }
//! ```
//!
//! # Targets
//! * `riscv32im-unknown-none-elf`: `no_std` guests (`core` + `alloc`). This crate provides the
//!   global allocator and the panic handler.
//! * `riscv32im-risc0-zkvm-elf` (`target_os = "zkvm"`): `std` guests. Rust's std calls extern
//!   `sys_*` functions for allocation, I/O and randomness; this crate implements them (see
//!   [`platform`]) and installs a panic hook. `std::process::exit` aborts on this target; use
//!   [`exit`] instead.
//!
//! # Lifecycle
//! `_start` sets `gp` and `sp` (to [`abi::memory::STACK_TOP`]) and calls the user's `main`. When
//! `main` returns the program halts with exit code 0; [`exit`] halts with any code and a panic
//! halts with code 101 after writing the message to stderr.
//!
//! # Public values
//! [`io::commit`] and [`io::commit_slice`] send bytes to the host with `WRITE` on
//! [`abi::fd::PUBLIC_VALUES`] and feed a running SHA-256 in the guest. At every halt, whatever
//! the exit code, the runtime finalises that hash into a 32-byte digest `d` and issues
//! `COMMIT(a0 = w_i, a1 = i)` for `i in 0..8` with `w_i = u32::from_le_bytes(d[4i..4i + 4])`,
//! then `HALT(a0 = exit code)`. The host rebuilds the digest as the concatenation of
//! `w_i.to_le_bytes()`, so it equals `SHA-256(public values)` byte for byte.
//!
//! # Inputs
//! The host supplies a sequence of byte items. [`io::read_vec`] returns the next item as-is and
//! [`io::read`] decodes it with `postcard` (the host writes it with `postcard::to_allocvec`).
#![no_std]
#![warn(missing_docs)]

#[cfg(not(target_arch = "riscv32"))]
compile_error!("cairn-zkvm only builds for the Cairn RISC-V targets (riscv32im-*)");

extern crate alloc;
#[cfg(target_os = "zkvm")]
extern crate std;

pub use cairn_abi as abi;

pub mod heap;
pub mod io;
#[cfg(target_os = "zkvm")]
pub mod platform;
pub mod rt;
pub mod syscall;

/// Halts the machine with `code` after committing the public-values digest.
pub fn exit(code: u32) -> ! {
    rt::halt(code)
}

/// Declares the guest's entry function, a `fn()` that runs once and may return.
///
/// Defines the ELF entry symbol `_start`, which sets `gp` to `__global_pointer$` and `sp` to
/// [`abi::memory::STACK_TOP`], then runs the function through [`rt::run`].
#[macro_export]
macro_rules! entrypoint {
    ($main:path) => {
        #[doc(hidden)]
        #[unsafe(no_mangle)]
        extern "C" fn __cairn_entry() -> ! {
            let main: fn() = $main;
            $crate::rt::run(main)
        }

        $crate::rt::global_asm!(
            ".section .text._start, \"ax\", @progbits",
            ".globl _start",
            ".type _start, @function",
            "_start:",
            ".option push",
            ".option norelax",
            "la gp, __global_pointer$",
            ".option pop",
            "li sp, {stack_top}",
            "call {entry}",
            "1: j 1b",
            stack_top = const $crate::abi::memory::STACK_TOP,
            entry = sym __cairn_entry,
        );
    };
}

/// Prints to the guest's stdout (fd 1), like `std::print!`, for `no_std` guests.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::io::_print($crate::abi::fd::STDOUT, format_args!($($arg)*)) };
}

/// Prints a line to the guest's stdout (fd 1), like `std::println!`, for `no_std` guests.
#[macro_export]
macro_rules! println {
    () => { $crate::print!("\n") };
    ($($arg:tt)*) => {
        $crate::io::_print($crate::abi::fd::STDOUT, format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Prints to the guest's stderr (fd 2), like `std::eprint!`, for `no_std` guests.
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => { $crate::io::_print($crate::abi::fd::STDERR, format_args!($($arg)*)) };
}

/// Prints a line to the guest's stderr (fd 2), like `std::eprintln!`, for `no_std` guests.
#[macro_export]
macro_rules! eprintln {
    () => { $crate::eprint!("\n") };
    ($($arg:tt)*) => {
        $crate::io::_print($crate::abi::fd::STDERR, format_args!("{}\n", format_args!($($arg)*)))
    };
}
