//! Bytes that do not decode are described in words, never in bincode's debug form.

use rekap_model::decode_payload;

#[test]
fn an_unknown_payload_kind_is_named_in_words() {
    // Payload variant 7 (only 0, the genesis, and 1, events, exist).
    let error = decode_payload(&[7, 0, 0, 0, 1, 2, 3]).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("kind number 7 is not a known Payload kind"),
        "{text}"
    );
    assert!(
        !text.contains('{') && !text.contains("Unexpected"),
        "{text}"
    );
}

#[test]
fn bytes_that_end_early_are_named_in_words() {
    let error = decode_payload(&[1, 0, 0, 0, 9]).unwrap_err();
    let text = error.to_string();
    assert!(text.contains("the bytes end too early"), "{text}");
    assert!(
        !text.contains('{') && !text.contains("UnexpectedEnd"),
        "{text}"
    );
}
