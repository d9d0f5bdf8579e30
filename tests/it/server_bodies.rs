//! `POST /v1/submissions` with both bodies (JSON and the canonical bytes), their errors,
//! and a forged signature among good ones checked by the verifying stage together.

use rekap_log::SignedSubmission;
use rekap_server::wire::{submission_bytes, SubmissionJson, SUBMISSION_BYTES_TYPE};
use serde_json::Value;

use crate::server::{agent, answer, election, get, json_of, offline, post, station, Server};

/// An answer: status, body, content type.
type Answered = (u16, String, Option<String>);

/// POST `body` with `content_type` (none for `None`).
fn post_as(url: &str, content_type: Option<&str>, body: &[u8]) -> Answered {
    let request = agent().post(format!("{url}/v1/submissions"));
    let request = match content_type {
        Some(kind) => request.header("content-type", kind),
        None => request,
    };
    answer(request.send(body))
}

fn signed(line: &str) -> SignedSubmission {
    serde_json::from_str::<SubmissionJson>(line)
        .unwrap()
        .decode()
        .unwrap()
}

/// The server, with `/v1/election` saved for offline signing.
fn serving(sandbox: &crate::harness::Sandbox) -> Server {
    let server = Server::start(sandbox, &[]);
    let (status, election) = get(&format!("{}/v1/election", server.url));
    assert_eq!(status, 200);
    std::fs::write(sandbox.path("election-hash.json"), election).unwrap();
    server
}

fn problem(status_and_body: &Answered) -> Value {
    let (_, body, kind) = status_and_body;
    assert_eq!(kind.as_deref(), Some("application/problem+json"), "{body}");
    json_of(body)
}

#[test]
fn a_forged_signature_among_good_ones_is_refused_alone() {
    let sandbox = election();
    let server = serving(&sandbox);
    // Four operators, three sheets each, signed offline; operator2's second is forged.
    let authors: Vec<Vec<(SignedSubmission, bool)>> = (0..4)
        .map(|operator| {
            (0..3)
                .map(|n| {
                    let line = offline(
                        &sandbox,
                        &format!("operator{operator}"),
                        &station(operator * 3 + n),
                        10 + n as u32,
                    );
                    let mut submission = signed(&line);
                    let forged = operator == 2 && n == 1;
                    if forged {
                        submission.signature[7] ^= 0x40;
                    }
                    (submission, forged)
                })
                .collect()
        })
        .collect();
    // Every author at once (each in counter order), so the verifying stage gets them
    // together.
    let go = std::sync::Barrier::new(authors.len());
    let answers: Vec<(bool, Answered)> = std::thread::scope(|scope| {
        let threads: Vec<_> = authors
            .iter()
            .map(|submissions| {
                let (go, url) = (&go, &server.url);
                scope.spawn(move || {
                    go.wait();
                    submissions
                        .iter()
                        .map(|(submission, forged)| {
                            let bytes = submission_bytes(submission);
                            (*forged, post_as(url, Some(SUBMISSION_BYTES_TYPE), &bytes))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|thread| thread.join().unwrap())
            .collect()
    });
    assert_eq!(answers.len(), 12);
    for (forged, answer) in &answers {
        if *forged {
            assert_eq!(answer.0, 422, "{}", answer.1);
            let problem = problem(answer);
            assert_eq!(
                problem["type"], "urn:rekap:problem:bad-signature",
                "{problem}"
            );
        } else {
            assert_eq!(answer.0, 201, "a good submission refused: {}", answer.1);
        }
    }
    // The eleven good ones are records 2 to 12 (after the genesis), each once.
    let mut seqs: Vec<u64> = answers
        .iter()
        .filter(|(forged, _)| !forged)
        .map(|(_, (_, receipt, _))| json_of(receipt)["seq"].as_u64().unwrap())
        .collect();
    seqs.sort();
    assert_eq!(seqs, (2..=12).collect::<Vec<_>>());
    assert_eq!(server.stop(), 0);
    let audit = sandbox.run(&["audit", "--store", "rekap-store"]);
    assert_eq!(crate::harness::code(&audit), 0);
}

#[test]
fn both_bodies_are_accepted_and_a_bad_one_is_named() {
    let sandbox = election();
    let server = serving(&sandbox);
    let url = server.url.clone();
    // JSON (the contract stays) and the canonical bytes of the same kind of submission.
    let json_line = offline(&sandbox, "operator0", &station(0), 10);
    let (status, receipt, _) = post(&format!("{url}/v1/submissions"), &json_line);
    assert_eq!(status, 201, "{receipt}");
    let bytes = submission_bytes(&signed(&offline(&sandbox, "operator0", &station(1), 11)));
    let (status, binary_receipt, _) = post_as(&url, Some(SUBMISSION_BYTES_TYPE), &bytes);
    assert_eq!(status, 201, "{binary_receipt}");
    assert_eq!(json_of(&binary_receipt)["seq"], 3);
    // One signed submission is the same in either body: the JSON one resent as bytes is
    // its retry (same receipt), and JSON without a Content-Type is still JSON.
    let as_bytes = submission_bytes(&signed(&json_line));
    let (status, again, _) = post_as(&url, Some("Application/Octet-Stream"), &as_bytes);
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        json_of(&again)["record_hash"],
        json_of(&receipt)["record_hash"]
    );
    assert_eq!(json_of(&again)["repeated"], true);
    let (status, _, _) = post_as(&url, None, json_line.as_bytes());
    assert_eq!(status, 200);

    // Errors: 415 for another media type, 400 naming what is wrong with the bytes.
    let unknown = post_as(&url, Some("text/plain"), json_line.as_bytes());
    assert_eq!(unknown.0, 415);
    let detail = problem(&unknown)["detail"].as_str().unwrap().to_owned();
    assert!(
        detail.contains("application/octet-stream") && detail.contains("text/plain"),
        "{detail}"
    );
    let short = post_as(&url, Some(SUBMISSION_BYTES_TYPE), &as_bytes[..100]);
    assert_eq!(short.0, 400);
    // Plain words from the catalogue: where the body ends and how much is missing (the
    // payload length read from bytes 40..48 says how long it should be), no debug text.
    let payload_length = u64::from_le_bytes(as_bytes[40..48].try_into().unwrap());
    let missing = 48 + payload_length + 64 - 100;
    let detail = problem(&short)["detail"].as_str().unwrap().to_owned();
    assert!(
        detail.starts_with(&format!(
            "the body ends after 100 bytes, {missing} more expected: "
        )),
        "{detail}"
    );
    assert!(
        !detail.contains('{') && !detail.contains("Unexpected"),
        "{detail}"
    );
    let mut longer = as_bytes.clone();
    longer.extend_from_slice(b"more");
    let trailing = post_as(&url, Some(SUBMISSION_BYTES_TYPE), &longer);
    assert_eq!(trailing.0, 400);
    assert!(
        problem(&trailing)["detail"]
            .as_str()
            .unwrap()
            .contains("4 bytes after"),
        "{}",
        trailing.1
    );
    // A payload length (bytes 40..48) far past the end and above the limit.
    let mut huge = as_bytes.clone();
    huge[40..48].copy_from_slice(&u64::MAX.to_le_bytes());
    let huge = post_as(&url, Some(SUBMISSION_BYTES_TYPE), &huge);
    assert_eq!(huge.0, 400, "{}", huge.1);
    let detail = problem(&huge)["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("above the 16777216-byte limit"), "{detail}");
    let bad_json = post_as(&url, Some("application/json"), &as_bytes);
    assert_eq!(bad_json.0, 400);
    assert!(problem(&bad_json)["detail"]
        .as_str()
        .unwrap()
        .contains("not JSON"));
    // A forged signature in bytes: 422 bad-signature, as in JSON.
    let mut forged = as_bytes;
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let forged = post_as(&url, Some(SUBMISSION_BYTES_TYPE), &forged);
    assert_eq!(forged.0, 422, "{}", forged.1);
    assert_eq!(problem(&forged)["type"], "urn:rekap:problem:bad-signature");
    assert_eq!(server.stop(), 0);
}
