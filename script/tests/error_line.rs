//! `error_line`: the cause chain on one line, a cause printed once even when the message above
//! it already ends with its text.
#![allow(clippy::unwrap_used, missing_docs)]

use anyhow::Context;
use cairn_deploy::cli::error_line;

#[derive(Debug, thiserror::Error)]
#[error("cannot read {path}: {source}")]
struct ReadError {
    path: &'static str,
    source: std::io::Error,
}

fn not_found() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::NotFound, "no such file")
}

#[test]
fn a_cause_already_at_the_end_of_the_line_is_not_repeated() {
    let err = anyhow::Error::new(ReadError {
        path: "a.bin",
        source: not_found(),
    });
    assert_eq!(
        format!("{err:#}"),
        "cannot read a.bin: no such file: no such file"
    );
    assert_eq!(error_line(&err), "cannot read a.bin: no such file");
    let err = err.context("loading the proof");
    assert_eq!(
        error_line(&err),
        "loading the proof: cannot read a.bin: no such file"
    );
}

#[test]
fn causes_that_only_occur_inside_the_line_are_kept() {
    // "file" occurs inside the context but does not end it: printed.
    let err: anyhow::Error = Err::<(), _>(std::io::Error::other("file"))
        .context("file too long")
        .unwrap_err();
    assert_eq!(error_line(&err), "file too long: file");
    let err: anyhow::Error = Err::<(), _>(not_found())
        .context("opening the key")
        .unwrap_err();
    assert_eq!(error_line(&err), format!("{err:#}"));
}
