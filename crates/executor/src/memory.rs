//! Sparse, word-addressed guest memory.
//!
//! Memory is a flat page table over `[0, MEM_END)`: pages are allocated on first write and read
//! as zero before that. Each word slot can carry the timestamp of its last access, which the
//! recording mode needs for offline memory checking.

use cairn_abi::memory::MEM_END;

const PAGE_WORDS_LOG: u32 = 10;
const PAGE_WORDS: usize = 1 << PAGE_WORDS_LOG;
const PAGE_COUNT: usize = (MEM_END as usize) >> (PAGE_WORDS_LOG + 2);

type Page = [u32; PAGE_WORDS];

/// A sparse array of `u32` words indexed by word address (`addr >> 2`) below `MEM_END`.
#[derive(Clone)]
pub(crate) struct WordPages {
    pages: Vec<Option<Box<Page>>>,
}

impl WordPages {
    pub(crate) fn new() -> Self {
        Self { pages: vec![None; PAGE_COUNT] }
    }

    /// The word at byte address `addr` (aligned, below `MEM_END`; callers check).
    #[inline(always)]
    pub(crate) fn get(&self, addr: u32) -> u32 {
        let w = (addr >> 2) as usize;
        match &self.pages[w >> PAGE_WORDS_LOG] {
            Some(page) => page[w & (PAGE_WORDS - 1)],
            None => 0,
        }
    }

    /// A mutable reference to the word at byte address `addr`, allocating its page.
    #[inline(always)]
    pub(crate) fn get_mut(&mut self, addr: u32) -> &mut u32 {
        let w = (addr >> 2) as usize;
        let page = self.pages[w >> PAGE_WORDS_LOG].get_or_insert_with(|| Box::new([0; PAGE_WORDS]));
        &mut page[w & (PAGE_WORDS - 1)]
    }

    /// Number of allocated pages, for memory statistics.
    pub(crate) fn pages_touched(&self) -> usize {
        self.pages.iter().filter(|p| p.is_some()).count()
    }
}
