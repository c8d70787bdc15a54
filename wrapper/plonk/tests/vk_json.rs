//! `plonk_vk.json` is refused, with a message naming the fault, before a tampered `k` can make
//! halo2 build (or panic on) a huge evaluation domain.

use cairn_plonk::{PlonkError, PlonkVerifierKey};

/// The first bytes of a halo2 key for `2^k` rows (`k` is read before anything else).
fn vk_head(k: u32) -> Vec<u8> {
    let mut vk = vec![0x02];
    vk.extend_from_slice(&k.to_le_bytes());
    vk.extend_from_slice(&[0; 8]);
    vk
}

/// A key file holding the halo2 key bytes `vk`, whose `"k"` field says `json_k`.
fn key_json(json_k: u32, vk: &[u8], extra: &str) -> String {
    format!(
        r#"{{"system":"plonk","k":{json_k},"vk":"0x{}","g1":"0x","g2":"0x","s_g2":"0x","proof_length":2080,"insecure_setup":false{extra}}}"#,
        hex::encode(vk)
    )
}

fn refused(json: &str) -> String {
    match PlonkVerifierKey::from_json(json) {
        Err(e @ PlonkError::Key(_)) => e.to_string(),
        other => panic!("expected a key error, got {other:?}"),
    }
}

#[test]
fn a_key_for_too_many_rows_is_refused_before_it_is_read() {
    for k in [24, 27, 28, u32::MAX] {
        let message = refused(&key_json(k, &vk_head(k), ""));
        assert!(message.contains(&format!("2^{k} rows")), "{message}");
    }
}

#[test]
fn a_k_field_that_disagrees_with_the_key_is_named() {
    let message = refused(&key_json(20, &vk_head(21), ""));
    assert!(message.contains("\"k\" is 20 but the halo2 key in \"vk\" is for k = 21"), "{message}");
}

#[test]
fn a_truncated_halo2_key_is_named() {
    let message = refused(&key_json(21, &[0x02, 21], ""));
    assert!(message.contains("too short to hold its k"), "{message}");
}

#[test]
fn unknown_fields_are_refused() {
    let message = refused(&key_json(21, &vk_head(21), r#","vk_alphabeta_12":[]"#));
    assert!(message.contains("unknown field `vk_alphabeta_12`"), "{message}");
}

/// Development parameters are recognised from `[τ]₂`, for their seed only.
#[test]
fn development_parameters_are_recognised_from_tau() {
    let params = cairn_plonk::dev_params(4, 7);
    assert!(cairn_plonk::is_dev_s_g2(&params.s_g2(), 7));
    assert!(!cairn_plonk::is_dev_s_g2(&params.s_g2(), 8));
    assert!(!cairn_plonk::is_dev_s_g2(&params.g2(), 7));
}
