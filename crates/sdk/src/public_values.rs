//! The bytes a guest committed, and their digest.

use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// Why committed values could not be read back.
///
/// Every variant that wraps another error prints it in its message and does not return it
/// from `source()`, so reporters that walk the chain (anyhow's `{:#}`) print each cause once.
#[derive(Debug, thiserror::Error)]
pub enum PublicValuesError {
    /// The next bytes are not a value of the requested type.
    #[error("public values at offset {offset} do not decode as the requested type: {cause}")]
    Decode {
        /// Where decoding started.
        offset: usize,
        /// The decoder's error.
        cause: postcard::Error,
    },
}

/// The public values of an execution: the concatenation of everything the guest committed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublicValues {
    bytes: Vec<u8>,
    cursor: usize,
}

impl PublicValues {
    /// Wraps committed bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self { bytes, cursor: 0 }
    }

    /// Reads the next value committed with `io::commit::<T>()`.
    pub fn read<T: DeserializeOwned>(&mut self) -> Result<T, PublicValuesError> {
        let offset = self.cursor;
        let (value, rest) = postcard::take_from_bytes(&self.bytes[offset..])
            .map_err(|cause| PublicValuesError::Decode { offset, cause })?;
        self.cursor = self.bytes.len() - rest.len();
        Ok(value)
    }

    /// All committed bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes
    }

    /// `sha256(public values)`: the digest the guest hands to the machine with COMMIT.
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(&self.bytes).into()
    }
}
