//! Bump allocator over `[page_align(_end), MEM_END)`.
//!
//! Guests are short-lived and single-threaded, so memory is never reused: freeing is a no-op,
//! except that growing or freeing the most recent allocation happens in place.

use crate::rt::Global;
use cairn_abi::memory::{MEM_END, PAGE_SIZE};
use core::alloc::{GlobalAlloc, Layout};
use core::ptr;

extern "C" {
    /// End of the program image, defined by `cairn.ld`.
    static _end: u8;
}

/// Allocation state: `next` is the first free byte, `last` the start of the newest block.
struct Bump {
    next: usize,
    last: usize,
}

static HEAP: Global<Bump> = Global::new(Bump { next: 0, last: 0 });

fn align_up(addr: usize, align: usize) -> Option<usize> {
    Some(addr.checked_add(align - 1)? & !(align - 1))
}

fn heap_start() -> usize {
    // Only the address of the linker symbol is taken, never its contents.
    let end = ptr::addr_of!(_end) as usize;
    align_up(end, PAGE_SIZE as usize).unwrap_or(MEM_END as usize)
}

impl Bump {
    fn ensure_init(&mut self) {
        if self.next == 0 {
            self.next = heap_start();
            self.last = self.next;
        }
    }

    fn alloc(&mut self, size: usize, align: usize) -> *mut u8 {
        self.ensure_init();
        let Some(start) = align_up(self.next, align.max(1)) else {
            return ptr::null_mut();
        };
        match start.checked_add(size) {
            Some(end) if end <= MEM_END as usize => {
                self.last = start;
                self.next = end;
                start as *mut u8
            }
            _ => ptr::null_mut(),
        }
    }
}

/// Allocates `size` bytes aligned to `align` (a power of two); null when the heap is exhausted.
pub fn alloc(size: usize, align: usize) -> *mut u8 {
    HEAP.with(|h| h.alloc(size, align))
}

/// Bytes between the current heap top and [`MEM_END`].
pub fn remaining() -> usize {
    HEAP.with(|h| {
        h.ensure_init();
        MEM_END as usize - h.next
    })
}

/// Cairn's global allocator, installed automatically for `no_std` guests. (In `std` guests Rust's
/// `System` allocator reaches the same heap through `sys_alloc_aligned`.)
pub struct BumpAllocator;

// SAFETY: blocks never overlap: each comes from fresh memory above all earlier ones, and only
// the newest block is ever resized in place.
unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        alloc(layout.size(), layout.align())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HEAP.with(|h| {
            if ptr as usize == h.last && h.last + layout.size() == h.next {
                h.next = h.last;
            }
        });
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let in_place = HEAP.with(|h| {
            let newest = ptr as usize == h.last && h.last + layout.size() == h.next;
            match h.last.checked_add(new_size) {
                Some(end) if newest && end <= MEM_END as usize => {
                    h.next = end;
                    true
                }
                _ => false,
            }
        });
        if in_place {
            return ptr;
        }
        let new = alloc(new_size, layout.align());
        if !new.is_null() {
            // SAFETY: both blocks are valid for the copied length and do not overlap.
            unsafe { ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
        }
        new
    }
}

#[cfg(not(target_os = "zkvm"))]
#[global_allocator]
static ALLOCATOR: BumpAllocator = BumpAllocator;
