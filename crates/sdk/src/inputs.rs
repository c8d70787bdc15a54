//! Inputs for a guest: an ordered stream of byte items.

use serde::Serialize;

/// The input stream a guest reads with `io::read` and `io::read_vec`, one item per read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    items: Vec<Vec<u8>>,
}

impl Inputs {
    /// An empty input stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a value, serialised the way the guest's `io::read::<T>()` expects.
    pub fn write<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<&mut Self, postcard::Error> {
        self.items.push(postcard::to_stdvec(value)?);
        Ok(self)
    }

    /// Appends raw bytes, read in the guest with `io::read_vec()`.
    pub fn write_slice(&mut self, bytes: &[u8]) -> &mut Self {
        self.items.push(bytes.to_vec());
        self
    }

    /// The items in order.
    pub fn items(&self) -> &[Vec<u8>] {
        &self.items
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl From<Vec<Vec<u8>>> for Inputs {
    fn from(items: Vec<Vec<u8>>) -> Self {
        Self { items }
    }
}
