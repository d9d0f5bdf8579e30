//! The worked example of docs/FORMAT.md, section "Payloads (rekap-model)": every hex string
//! printed there is asserted here byte for byte, so the document cannot drift from the code.
//! Recompute the hashes and the signature the way the document says (blake3 and ed25519 over
//! the raw bytes), not through the model's helpers.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rekap_model::*;

/// Keys from the 32-byte seeds `01 01 ...` (registrar), `08 08 ...` (a witness) and
/// `09 09 ...` (the log key).
fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// The log key the document's genesis names.
fn log_key() -> [u8; 32] {
    key(9).verifying_key().to_bytes()
}

/// The bytes of the genesis's `LogIdentity`: the origin (`rekap/` and 64 hex digits, with
/// its 8-byte length) and the 32-byte key, at the end of the payload.
const LOG_IDENTITY_BYTES: usize = 8 + 70 + 32;

/// The document's demo definition: three levels, two regions, one contest, one witness.
fn demo_definition() -> ElectionDefinition {
    let level = |key: &str, en: &str, id: &str, plenary: bool| Level {
        key: key.into(),
        name_en: en.into(),
        name_id: id.into(),
        holds_plenary: plenary,
    };
    ElectionDefinition {
        format_version: 6,
        name: "Demo".into(),
        levels: vec![
            level("regency", "Regency", "Kab", true),
            level("village", "Village", "Desa", false),
            level("station", "Station", "TPS", false),
        ],
        regions: vec![
            RegionEntry {
                code: "1".into(),
                parent: None,
                level: 0,
                name: "R".into(),
                stations: StationNumbers::none(),
            },
            RegionEntry {
                code: "1.1".into(),
                parent: Some("1".into()),
                level: 1,
                name: "V".into(),
                stations: StationNumbers::counted(2),
            },
        ],
        stations: vec![],
        contests: vec![Contest {
            id: "c".into(),
            name: "C".into(),
            scope: "1".into(),
            pairs: vec![CandidatePair {
                number: 1,
                name: "P".into(),
            }],
            parts: Vec::new(),
            vote_types: Vec::new(),
        }],
        station_capacity: 300,
        soft_rules: SoftRules::default(),
        registrar: key(1).verifying_key().to_bytes(),
        initial_officers: vec![InitialOfficer {
            key: key(8).verifying_key().to_bytes(),
            role: Role::Witness {
                contest: "c".into(),
                pair: 1,
            },
            scope: "1".into(),
        }],
    }
}

/// The document's demo sheet for station `1.1-001`, contest `c`.
fn demo_sheet() -> TallySheet {
    TallySheet {
        registered: VoterLists {
            dpt: 250,
            dpph: 3,
            dptb: 2,
        },
        voted: VotedLists {
            dpt: Turnout {
                male: Some(100),
                female: Some(101),
                total: 201,
            },
            dpph: Turnout {
                male: None,
                female: None,
                total: 3,
            },
            dptb: Turnout {
                male: None,
                female: None,
                total: 2,
            },
        },
        ballots: Ballots {
            received: 260,
            used: 206,
            damaged: 1,
            unused: 53,
        },
        votes: vec![200],
        valid: 200,
        invalid: Some(6),
        votes_only: false,
        votes_by_type: Vec::new(),
    }
}

/// The section of docs/FORMAT.md this file checks.
fn section() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/FORMAT.md");
    let doc = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let start = doc
        .find("## Payloads (rekap-model)")
        .expect("FORMAT.md has the payload section");
    let rest = &doc[start + 3..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i);
    rest[..end].to_string()
}

/// The bytes of each ```hex block of the section, in order: on each line, the first word when
/// it is hex (the rest of the line is commentary).
fn hex_blocks(section: &str) -> Vec<Vec<u8>> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in section.lines() {
        match (&mut current, line.trim()) {
            (None, "```hex") => current = Some(String::new()),
            (Some(text), "```") => {
                blocks.push(hex::decode(&*text).expect("hex block"));
                current = None;
            }
            (Some(text), trimmed) => {
                let word = trimmed.split_whitespace().next().unwrap_or("");
                if !word.is_empty() && word.bytes().all(|b| b.is_ascii_hexdigit()) {
                    text.push_str(word);
                }
            }
            (None, _) => {}
        }
    }
    blocks
}

fn blake3_of(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(part);
    }
    *hasher.finalize().as_bytes()
}

fn demo_events(definition_hash: [u8; 32]) -> Payload {
    Payload::Events {
        definition_hash,
        events: vec![Event::SheetSubmitted {
            station: "1.1-001".into(),
            contest: "c".into(),
            sheet: demo_sheet(),
        }],
    }
}

#[test]
fn the_worked_example_of_format_md_is_what_the_model_encodes() {
    let section = section();
    let blocks = hex_blocks(&section);
    assert_eq!(blocks.len(), 3, "genesis, events, approval statement");
    let (genesis, events, statement) = (&blocks[0], &blocks[1], &blocks[2]);

    // The genesis payload, its decoding and its validity.
    let definition = demo_definition();
    assert_eq!(
        hex::encode(encode_payload(&Payload::Genesis(
            rekap_model::Genesis::new(definition.clone(), log_key())
        ))),
        hex::encode(genesis)
    );
    assert_eq!(
        decode_payload(genesis),
        Ok(Payload::Genesis(rekap_model::Genesis::new(
            definition.clone(),
            log_key()
        )))
    );
    let election = Election::new(definition.clone()).expect("the demo definition is valid");
    assert_eq!(genesis.len(), 560);

    // The definition hash: blake3 over the prefix and the payload from offset 4.
    let definition_end = genesis.len() - LOG_IDENTITY_BYTES;
    let definition_hash = blake3_of(&[b"rekap/v1/definition", &genesis[4..definition_end]]);
    assert_eq!(definition_hash, election.hash());
    assert!(section.contains(&hex::encode(definition_hash)));
    // The log identity: the election's origin, then the log key.
    let origin = format!("rekap/{}", hex::encode(definition_hash));
    assert_eq!(
        genesis[definition_end..definition_end + 8],
        (origin.len() as u64).to_le_bytes()
    );
    assert_eq!(
        &genesis[definition_end + 8..genesis.len() - 32],
        origin.as_bytes()
    );
    assert_eq!(genesis[genesis.len() - 32..], log_key());

    // The events payload.
    let payload = demo_events(definition_hash);
    assert_eq!(hex::encode(encode_payload(&payload)), hex::encode(events));
    assert_eq!(decode_payload(events), Ok(payload));
    assert_eq!(events.len(), 156);
    assert!(demo_sheet().hard_rule_violations(1, 300).is_empty());

    // The sheet hash: blake3 over the prefix and the event's fields (offset 48 to the end).
    let hash = blake3_of(&[b"rekap/v1/sheet", &events[48..]]);
    assert_eq!(hash, sheet_hash("1.1-001", "c", &demo_sheet()));
    assert!(section.contains(&hex::encode(hash)));

    // The approval statement and a witness's signature over it.
    let expected = ApprovalStatement {
        definition_hash,
        region: "1".into(),
        contest: "c".into(),
        digest: [7; 32],
    }
    .bytes();
    assert_eq!(hex::encode(&expected), hex::encode(statement));
    assert_eq!(statement.len(), 109);
    let signature = key(8).sign(statement).to_bytes();
    let signature_hex = hex::encode(signature);
    assert!(section.contains(&signature_hex[..64]) && section.contains(&signature_hex[64..]));
    // The witness's key in the genesis: before its role (4 + 9 + 4 bytes) and scope (9).
    let witness: [u8; 32] = genesis[definition_end - 58..definition_end - 26]
        .try_into()
        .expect("32 bytes");
    assert_eq!(witness, key(8).verifying_key().to_bytes());
    let witness = VerifyingKey::from_bytes(&witness).expect("key");
    assert!(witness
        .verify_strict(statement, &ed25519_dalek::Signature::from_bytes(&signature))
        .is_ok());
}

/// The variant index of an encoded enum value.
fn index<T: bincode::Encode>(value: &T) -> u32 {
    let bytes = rekap_model::encoding::encode(value);
    u32::from_le_bytes(bytes[..4].try_into().expect("4 bytes"))
}

#[test]
fn the_variant_indices_of_format_md_are_the_declaration_order() {
    let section = section();
    let row = |index: u32, name: &str| {
        let row = format!("| {index} | `{name}` |");
        assert!(section.contains(&row), "FORMAT.md lacks {row:?}");
    };
    let sheet = TallySheet::default();
    let id = EventId { seq: 1, index: 0 };
    let s = String::new;
    let events = [
        Event::OfficerRegistered {
            key: [0; 32],
            role: Role::Auditor,
            scope: s(),
        },
        Event::OfficerRevoked {
            key: [0; 32],
            reason: s(),
        },
        Event::SheetSubmitted {
            station: s(),
            contest: s(),
            sheet: sheet.clone(),
        },
        Event::SheetCorrected {
            station: s(),
            contest: s(),
            sheet,
            reason: s(),
            answers: None,
        },
        Event::RevoteRecorded {
            station: s(),
            contest: s(),
            reason: s(),
        },
        Event::StationVoided {
            station: s(),
            contest: s(),
            reason: s(),
        },
        Event::ObjectionFiled {
            place: s(),
            contest: s(),
            text: s(),
        },
        Event::ObjectionResolved {
            objection: id,
            resolution: Resolution::Rejected,
            reason: s(),
        },
        Event::PlenaryApproved {
            region: s(),
            contest: s(),
            digest: [0; 32],
            signatures: vec![],
            refusals: vec![],
        },
    ];
    for (i, name) in [
        "OfficerRegistered",
        "OfficerRevoked",
        "SheetSubmitted",
        "SheetCorrected",
        "RevoteRecorded",
        "StationVoided",
        "ObjectionFiled",
        "ObjectionResolved",
        "PlenaryApproved",
    ]
    .iter()
    .enumerate()
    {
        assert!(format!("{:?}", events[i]).starts_with(name));
        assert_eq!(index(&events[i]), i as u32);
        row(i as u32, name);
    }
    let roles = [
        Role::Operator,
        Role::Official,
        Role::Witness {
            contest: s(),
            pair: 1,
        },
        Role::Auditor,
    ];
    for (i, (role, name)) in roles
        .iter()
        .zip(["Operator", "Official", "Witness", "Auditor"])
        .enumerate()
    {
        assert_eq!(index(role), i as u32);
        row(i as u32, name);
    }
    assert_eq!(index(&Resolution::Accepted { correction: id }), 0);
    assert_eq!(index(&Resolution::Rejected), 1);
    assert_eq!(
        index(&Payload::Genesis(rekap_model::Genesis::new(
            demo_definition(),
            log_key()
        ))),
        0
    );
    assert_eq!(index(&demo_events([0; 32])), 1);
    let rotation = Payload::LogKeyRotated {
        definition_hash: [0; 32],
        key: [0; 32],
    };
    assert_eq!(index(&rotation), 2);
    assert_eq!(rekap_model::encoding::encode(&rotation).len(), 68);
    row(0, "Genesis");
    row(1, "Events");
    row(2, "LogKeyRotated");
    assert_eq!(rekap_model::encoding::encode(&id).len(), 12);
}
