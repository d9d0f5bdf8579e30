//! Integration tests of rekap-ledger.

use rekap_ledger::{Ledger, LedgerError};
use rekap_log::{MemoryStorage, SledStorage};
use rekap_model::*;
use rekap_test_kit::{log_key, signing as key};

mod after_append;
mod checkpoints;
mod follow;
mod group;
mod history_tail;
mod history_view;
mod proof_view;
mod replay;
mod rollup;
mod submit_pipeline;
mod thin;
mod tiles;
mod view;

const REGISTRAR: u8 = 1;
const OPERATOR: u8 = 2;
const OFFICIAL: u8 = 3;
const CONTEST: &str = "gubernur-64";
const T0: u64 = 1_732_665_600_000;

fn definition() -> ElectionDefinition {
    let officer = |n: u8, role: &str, scope: &str| serde_json::json!({"key": hex::encode(key(n).verifying_key().to_bytes()), "role": role, "scope": scope});
    let json = serde_json::json!({
        "format": "rekap-election/1",
        "name": "ledger test",
        "levels": "indonesia",
        "station_capacity": 600,
        "registrar": hex::encode(key(REGISTRAR).verifying_key().to_bytes()),
        "contests": [{"id": CONTEST, "name": "Gubernur", "scope": "64",
                      "pairs": [{"number": 1, "name": "A"}, {"number": 2, "name": "B"}]}],
        "regions": [
            {"code": "64", "parent": null, "level": "province", "name": "KALTIM"},
            {"code": "6472", "parent": "64", "level": "regency", "name": "SAMARINDA"},
            {"code": "647201", "parent": "6472", "level": "district", "name": "PALARAN"},
            {"code": "6472010001", "parent": "647201", "level": "village", "name": "RAWA MAKMUR", "stations": 2},
        ],
        "officers": [officer(OPERATOR, "operator", "64"), officer(OFFICIAL, "official", "647201")],
    });
    DefinitionFile::from_json(&json.to_string())
        .unwrap()
        .build(None::<&[u8]>)
        .unwrap()
        .definition()
        .clone()
}

fn submit(station: &str, one: u32, two: u32) -> Event {
    rekap_test_kit::submit(station, CONTEST, rekap_test_kit::sheet(&[one, two]))
}

fn province_totals<S: rekap_log::Storage>(ledger: &Ledger<S>) -> Vec<u64> {
    let state = ledger.state();
    let contest = state.election().contest_by_id(CONTEST).unwrap();
    let province = state.election().find_region("64").unwrap();
    ledger.projection().totals(state, contest, province).votes
}

/// A ledger on `storage` holding the test election's genesis, signed by the registrar.
fn created<S: rekap_log::Storage>(storage: S) -> Ledger<S> {
    Ledger::create(
        storage,
        rekap_model::Genesis::new(definition(), log_key()),
        &key(REGISTRAR),
        T0,
    )
    .expect("the test genesis is accepted")
}

fn digest<S: rekap_log::Storage>(ledger: &Ledger<S>) -> [u8; 32] {
    ledger.projection().projection_digest(ledger.state())
}

#[test]
fn submitted_payloads_survive_a_reopen_with_the_same_digest() {
    let storage = MemoryStorage::new();
    let mut ledger = created(storage.clone());
    let receipt = ledger
        .submit(
            &key(OPERATOR),
            vec![
                vec![submit("6472010001-001", 10, 20)],
                vec![submit("6472010001-002", 1, 2)],
            ],
            T0 + 1_000,
        )
        .unwrap();
    assert_eq!(receipt.seqs, vec![2, 3]);
    assert_eq!(province_totals(&ledger), vec![11, 22]);
    let reopened = Ledger::open(storage).unwrap();
    assert_eq!(province_totals(&reopened), vec![11, 22]);
    assert_eq!(digest(&reopened), digest(&ledger));
    assert_eq!(reopened.head(), ledger.head());
}

#[test]
fn a_refused_event_appends_nothing_and_changes_nothing() {
    let storage = MemoryStorage::new();
    let mut ledger = created(storage.clone());
    ledger
        .submit(
            &key(OPERATOR),
            vec![vec![submit("6472010001-001", 10, 20)]],
            T0,
        )
        .unwrap();
    let before = (ledger.head(), digest(&ledger));
    // The second payload submits the same station again: refused, and the first payload of
    // the batch (valid on its own) must not land either.
    let error = ledger
        .submit(
            &key(OPERATOR),
            vec![
                vec![submit("6472010001-002", 1, 2)],
                vec![submit("6472010001-001", 5, 5)],
            ],
            T0,
        )
        .unwrap_err();
    assert!(
        matches!(error, LedgerError::Refused(ref refusal) if refusal.index == Some(0)),
        "{error}"
    );
    assert_eq!((ledger.head(), digest(&ledger)), before);
    assert_eq!(province_totals(&ledger), vec![10, 20]);
    assert_eq!(Ledger::open(storage).unwrap().head(), before.0);
}

#[test]
fn a_failed_append_rolls_the_state_back_to_the_log() {
    let storage = MemoryStorage::new();
    let mut ledger = created(storage.clone());
    let before = (ledger.head(), digest(&ledger));
    storage.fail_after(0);
    let error = ledger
        .submit(
            &key(OPERATOR),
            vec![vec![submit("6472010001-001", 10, 20)]],
            T0,
        )
        .unwrap_err();
    assert!(matches!(error, LedgerError::Append(_)), "{error}");
    assert_eq!((ledger.head(), digest(&ledger)), before);
    assert_eq!(province_totals(&ledger), vec![0, 0]);
}

#[test]
fn open_until_shows_the_ledger_as_it_was() {
    let storage = MemoryStorage::new();
    let mut ledger = created(storage.clone());
    ledger
        .submit(
            &key(OPERATOR),
            vec![vec![submit("6472010001-001", 10, 20)]],
            T0,
        )
        .unwrap();
    ledger
        .submit(
            &key(OPERATOR),
            vec![vec![submit("6472010001-002", 1, 2)]],
            T0,
        )
        .unwrap();
    let then = Ledger::open_until(storage.clone(), 2).unwrap();
    assert_eq!(province_totals(&then), vec![10, 20]);
    let genesis_only = Ledger::open_until(storage, 1).unwrap();
    assert_eq!(province_totals(&genesis_only), vec![0, 0]);
}

#[test]
fn an_empty_store_or_a_second_genesis_is_refused() {
    let storage = MemoryStorage::new();
    assert!(matches!(
        Ledger::open(storage.clone()),
        Err(LedgerError::Empty)
    ));
    created(storage.clone());
    assert!(matches!(
        Ledger::create(
            storage,
            rekap_model::Genesis::new(definition(), log_key()),
            &key(REGISTRAR),
            T0
        ),
        Err(LedgerError::NotEmpty { records: 1 })
    ));
}

#[test]
fn a_genesis_not_signed_by_the_registrar_never_lands() {
    let storage = MemoryStorage::new();
    let error = Ledger::create(
        storage.clone(),
        rekap_model::Genesis::new(definition(), log_key()),
        &key(OPERATOR),
        T0,
    );
    assert!(matches!(error, Err(LedgerError::GenesisRefused(_))));
    assert!(matches!(Ledger::open(storage), Err(LedgerError::Empty)));
}

#[test]
fn works_on_a_sled_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let mut ledger = created(SledStorage::create(&path).unwrap());
        ledger
            .submit(
                &key(OPERATOR),
                vec![vec![submit("6472010001-001", 7, 8)]],
                T0,
            )
            .unwrap();
    }
    let ledger = Ledger::open(SledStorage::open(&path).unwrap()).unwrap();
    assert_eq!(province_totals(&ledger), vec![7, 8]);
}
