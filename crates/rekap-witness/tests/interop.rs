//! The witness's cosignatures read by an independent implementation: Cloudflare's
//! `signed_note` parses the cosigned checkpoint, computes the cosigner's key id itself
//! (`signed_note::key_id` over `0x04 || key`, as C2SP tlog-cosignature says) and runs its
//! note verification, with the `cosignature/v1` message written here from the spec alone
//! (signed_note has no cosignature type; its `Verifier` trait is the extension point).

mod common;

use common::*;
use ed25519_dalek::{Signature, VerifyingKey};
use signed_note::{StandardVerifier, VerifierList};

/// An Ed25519 cosignature/v1 verifier written from C2SP tlog-cosignature, on signed_note's
/// trait.
struct SpecCosignatureVerifier {
    name: String,
    key: VerifyingKey,
}

impl signed_note::Verifier for SpecCosignatureVerifier {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        signed_note::key_id(&self.name, &[&[0x04u8][..], self.key.as_bytes()].concat())
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Some((time, signature)) = signature.split_first_chunk::<8>() else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(signature) else {
            return false;
        };
        let timestamp = u64::from_be_bytes(*time);
        let mut signed = format!("cosignature/v1\ntime {timestamp}\n").into_bytes();
        signed.extend_from_slice(message);
        timestamp > 0 && self.key.verify_strict(&signed, &signature).is_ok()
    }
}

fn their_cosigner() -> SpecCosignatureVerifier {
    SpecCosignatureVerifier {
        name: WITNESS.to_owned(),
        key: *witness_signer().verifier().public_key(),
    }
}

#[test]
fn a_cosignature_from_the_endpoint_verifies_with_signed_note() {
    let state = tempfile::tempdir().expect("dir");
    let log = log_signer();
    let address = start(state.path(), vec![log.verifier()]);
    let tree = tree(30, None);
    let (status, _, lines) = http(
        address,
        "POST",
        "/add-checkpoint",
        &body(&tree, 0, 30, &log),
    );
    assert_eq!(status, 200, "{lines}");
    // The spec: "the client MAY concatenate it to the checkpoint".
    let cosigned = format!("{}{lines}", signed(&tree, 30, &log));
    let note = signed_note::Note::from_bytes(cosigned.as_bytes()).expect("their parse");
    let log_key = StandardVerifier::new(&log.verifier().to_vkey()).expect("their vkey");
    let known = VerifierList::new(vec![Box::new(log_key), Box::new(their_cosigner())]);
    let (verified, unverified) = note.verify(&known).expect("their verification");
    assert_eq!((verified.len(), unverified.len()), (2, 0));
    assert_eq!(
        format!("{:08x}", signed_note::Verifier::key_id(&their_cosigner())),
        witness_signer()
            .verifier()
            .to_vkey()
            .split('+')
            .nth(1)
            .expect("id")
    );

    // A cosignature over another checkpoint does not verify for this one.
    let other = signed(&tree, 29, &log);
    let moved = format!("{other}{lines}");
    let note = signed_note::Note::from_bytes(moved.as_bytes()).expect("their parse");
    let known = VerifierList::new(vec![Box::new(their_cosigner())]);
    assert!(note.verify(&known).is_err());
}
