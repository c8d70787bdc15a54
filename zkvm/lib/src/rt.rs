//! Start-up, halting and panics.

use crate::{abi, syscall};
use core::cell::UnsafeCell;
use sha2::{Digest, Sha256};

#[doc(hidden)]
pub use core::arch::global_asm;

/// Exit code of a guest that panicked.
pub const PANIC_EXIT_CODE: u32 = 101;

/// Mutable global state for the single-threaded guest.
pub(crate) struct Global<T>(UnsafeCell<T>);

// SAFETY: guests run on one hart with no interrupts, so there is never concurrent access.
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    pub(crate) const fn new(value: T) -> Self {
        Self(UnsafeCell::new(value))
    }

    /// Runs `f` on the value. `f` must not re-enter `with` on the same global.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        // SAFETY: single-threaded, and callers never nest `with` on one global, so this is the
        // only live reference.
        f(unsafe { &mut *self.0.get() })
    }
}

/// Running hash of every committed byte; `None` until the first commit.
static PUBLIC_HASHER: Global<Option<Sha256>> = Global::new(None);

/// Feeds committed bytes into the public-values hash.
pub(crate) fn hash_public(bytes: &[u8]) {
    PUBLIC_HASHER.with(|h| h.get_or_insert_with(Sha256::new).update(bytes));
}

/// Runs the guest's `main` and halts with exit code 0 when it returns. Called by `_start`.
#[doc(hidden)]
pub fn run(main: fn()) -> ! {
    #[cfg(target_os = "zkvm")]
    crate::platform::install_panic_hook();
    main();
    halt(0)
}

/// Commits the public-values digest (see the crate docs for the word encoding) and halts.
pub fn halt(code: u32) -> ! {
    let digest = PUBLIC_HASHER.with(|h| h.take().unwrap_or_default().finalize());
    for (i, word) in digest.chunks_exact(4).enumerate() {
        let word = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
        syscall::commit_word(i as u32, word);
    }
    debug_assert_eq!(digest.len(), abi::memory::DIGEST_WORDS * 4);
    syscall::halt(code)
}

/// Writes a panic report to stderr and halts with [`PANIC_EXIT_CODE`].
pub(crate) fn panic_halt(report: &dyn core::fmt::Display) -> ! {
    crate::io::_print(abi::fd::STDERR, format_args!("{report}\n"));
    halt(PANIC_EXIT_CODE)
}

#[cfg(not(target_os = "zkvm"))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    panic_halt(info)
}
