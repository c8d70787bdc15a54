//! Guest inputs given on the command line.

use std::path::PathBuf;
use std::str::FromStr;

use anyhow::{Context, Result};
use cairn_sdk::Inputs;

/// One input item: `FILE` or `file:FILE` (raw bytes), `hex:HEX` (raw bytes), or a value encoded
/// as the guest's `io::read` expects: `u32:N`, `u64:N`, `i64:N`, `str:TEXT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum InputArg {
    File(PathBuf),
    Bytes(Vec<u8>),
    U32(u32),
    U64(u64),
    I64(i64),
    Str(String),
}

impl FromStr for InputArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (kind, value) = s.split_once(':').unwrap_or(("file", s));
        let number = |v: &str| format!("`{s}`: {v} is not a number of that type");
        Ok(match kind {
            "file" => Self::File(PathBuf::from(value)),
            "hex" => Self::Bytes(
                hex::decode(value.trim_start_matches("0x")).map_err(|e| format!("`{s}`: bad hex: {e}"))?,
            ),
            "u32" => Self::U32(value.parse().map_err(|_| number(value))?),
            "u64" => Self::U64(value.parse().map_err(|_| number(value))?),
            "i64" => Self::I64(value.parse().map_err(|_| number(value))?),
            "str" => Self::Str(value.to_owned()),
            // A path that happens to contain ':' (C:\..., ./a:b) is still a file.
            _ => Self::File(PathBuf::from(s)),
        })
    }
}

/// Turns command-line items into the guest's input stream, in order.
pub(crate) fn collect(args: &[InputArg]) -> Result<Inputs> {
    let mut inputs = Inputs::new();
    for arg in args {
        match arg {
            InputArg::File(path) => {
                let bytes = std::fs::read(path).with_context(|| format!("cannot read input file {}", path.display()))?;
                inputs.write_slice(&bytes);
            }
            InputArg::Bytes(bytes) => {
                inputs.write_slice(bytes);
            }
            InputArg::U32(v) => {
                inputs.write(v)?;
            }
            InputArg::U64(v) => {
                inputs.write(v)?;
            }
            InputArg::I64(v) => {
                inputs.write(v)?;
            }
            InputArg::Str(v) => {
                inputs.write(v)?;
            }
        }
    }
    Ok(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_kind() {
        assert_eq!("in.bin".parse(), Ok(InputArg::File("in.bin".into())));
        assert_eq!("file:a:b".parse(), Ok(InputArg::File("a:b".into())));
        assert_eq!("hex:0x0aff".parse(), Ok(InputArg::Bytes(vec![0x0a, 0xff])));
        assert_eq!("u32:10".parse(), Ok(InputArg::U32(10)));
        assert_eq!("i64:-3".parse(), Ok(InputArg::I64(-3)));
        assert_eq!("str:hi".parse(), Ok(InputArg::Str("hi".into())));
        assert!("u32:-1".parse::<InputArg>().is_err());
        assert!("hex:zz".parse::<InputArg>().is_err());
    }

    #[test]
    fn values_are_postcard_encoded() -> Result<()> {
        let inputs = collect(&[InputArg::U32(300), InputArg::Bytes(vec![1, 2])])?;
        assert_eq!(inputs.items(), &[postcard::to_stdvec(&300u32)?, vec![1, 2]]);
        Ok(())
    }
}
