//! Reads a JSON document (`String`) and a key path (`String`, postcard-encoded), looks the path
//! up and commits the value's compact JSON text (`String`, postcard).
//!
//! The path is dot-separated; a segment indexes an array when the current value is an array
//! (`"users.0.name"`). The empty path selects the whole document. A missing key panics.
#![no_main]

use serde_json::Value;

cairn_zkvm::entrypoint!(main);

fn lookup<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(doc);
    }
    path.split('.').try_fold(doc, |value, key| match value {
        Value::Array(items) => items.get(key.parse::<usize>().ok()?),
        _ => value.get(key),
    })
}

fn main() {
    let document: String = cairn_zkvm::io::read();
    let path: String = cairn_zkvm::io::read();
    let doc: Value = match serde_json::from_str(&document) {
        Ok(doc) => doc,
        Err(err) => panic!("input is not valid JSON: {err}"),
    };
    let Some(value) = lookup(&doc, &path) else {
        panic!("key path {path:?} not found");
    };
    let text = value.to_string();
    println!("{path} = {text}");
    cairn_zkvm::io::commit(&text);
}
