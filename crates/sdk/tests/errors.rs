//! Errors print each cause once: a variant that wraps another error puts it in its message
//! and does not also return it from `source()`, so a reporter that prints the whole chain
//! (anyhow's `{:#}`, `cairn`'s error line) does not repeat it.

use std::error::Error;
use std::path::Path;

use cairn_sdk::{PublicValues, SdkError};
use cairn_stark::{ShapeError, VerifyError};

/// The error and its sources, outermost first, as a reporter walks them.
fn chain(error: &(dyn Error + 'static)) -> Vec<String> {
    let mut out = vec![error.to_string()];
    let mut next = error.source();
    while let Some(e) = next {
        out.push(e.to_string());
        next = e.source();
    }
    out
}

/// Checks that `cause` shows exactly once in the report of `error`, in its first line.
fn cause_printed_once(error: &(dyn Error + 'static), cause: &str) {
    let links = chain(error);
    let report = links.join(": ");
    assert_eq!(report.matches(cause).count(), 1, "{cause:?} in {report:?}");
    assert!(links[0].contains(cause), "the message itself names the cause: {links:?}");
}

#[test]
fn sdk_verify_error_names_the_stark_shape_error_once() {
    let shape = ShapeError::Count { what: "instances", expected: 3, found: 2 };
    let cause = shape.to_string();
    let error = SdkError::from(VerifyError::from(shape));
    assert!(matches!(error, SdkError::Verify(VerifyError::Shape(ShapeError::Count { .. }))));
    assert_eq!(error.to_string(), format!("invalid proof: proof shape: {cause}"));
    cause_printed_once(&error, &cause);
}

#[test]
fn sdk_plonk_error_names_the_file_error_once() {
    let missing = Path::new("/nonexistent/cairn/kzg.params");
    let plonk = cairn_plonk::read_params(missing, 10).expect_err("the file does not exist");
    let cairn_plonk::PlonkError::Io { cause, .. } = &plonk else { panic!("not an i/o error: {plonk:?}") };
    let io = cause.to_string();
    let error = SdkError::from(plonk);
    assert!(error.to_string().contains(&missing.display().to_string()), "{error}");
    cause_printed_once(&error, &io);
}

#[test]
fn public_values_decode_error_names_the_decoder_error_once() {
    let mut values = PublicValues::new(vec![0xff]);
    let error = values.read::<u64>().expect_err("one byte is not a u64");
    let links = chain(&error);
    assert_eq!(links.len(), 1, "{links:?}");
    assert!(links[0].starts_with("public values at offset 0 do not decode"), "{links:?}");
}
