//! `--lang id` (and the locale environment) reach every kind of message: an error, a
//! refusal, verify, audit, prove and --help read in Indonesian, with numbers grouped.

use std::os::unix::fs::PermissionsExt;

use crate::harness::{code, stderr, stdout, Sandbox};

const CONTEST: &str = "pilgub-kaltim-2024";

/// A demo store `rekap-demo-store` with its keys and sheets in `in/`, and the station its
/// prove line names.
fn demo() -> (Sandbox, String) {
    let sandbox = Sandbox::new();
    let output = sandbox.run(&["demo", "--stations", "40", "--lang", "en", "--inputs", "in"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let station = stdout(&output)
        .split("--station ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the demo names a station to prove")
        .to_owned();
    (sandbox, station)
}

#[test]
fn help_is_indonesian_by_flag_and_by_locale() {
    let sandbox = Sandbox::new();
    let help = sandbox.run(&["--lang", "id", "--help"]);
    assert_eq!(code(&help), 0, "{}", stderr(&help));
    let text = stdout(&help);
    for words in ["Penggunaan:", "Perintah:", "Opsi:", "Kode keluar:"] {
        assert!(text.contains(words), "{words} in\n{text}");
    }
    assert!(!text.contains("Usage:"), "{text}");
    let status = sandbox.run(&["status", "--help", "--lang", "id"]);
    let text = stdout(&status);
    assert!(text.contains("Direktori penyimpanan"), "{text}");
    let by_locale = assert_cmd::Command::cargo_bin("rekap")
        .unwrap()
        .env("LANG", "id_ID.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .arg("--help")
        .output()
        .unwrap();
    assert!(stdout(&by_locale).contains("Penggunaan:"));
    let english = sandbox.run(&["--lang", "en", "--help"]);
    assert!(stdout(&english).contains("Usage:"));
}

/// `rekap ARGS` with a whole, consistent sheet of the demo's contest.
fn submit(sandbox: &Sandbox, args: &[&str]) -> std::process::Output {
    let mut all = args.to_vec();
    all.extend([
        "--contest",
        CONTEST,
        "--dpt",
        "25",
        "--voted-dpt",
        "5",
        "--ballots-received",
        "30",
        "--ballots-used",
        "5",
        "--ballots-unused",
        "25",
        "--votes",
        "1,1",
        "--valid",
        "2",
        "--invalid",
        "3",
    ]);
    sandbox.run(&all)
}

#[test]
fn a_refusal_and_an_error_are_indonesian() {
    let (sandbox, station) = demo();
    let before = std::fs::read(sandbox.path("rekap-demo-store/log.segment")).unwrap();
    // The station already has its sheet: the model refuses a second one (R-rule named).
    let output = submit(
        &sandbox,
        &[
            "--lang",
            "id",
            "submit",
            "--store",
            "rekap-demo-store",
            "--key",
            "in/keys/operator.key",
            "--station",
            &station,
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.starts_with("galat: "), "{text}");
    assert!(
        text.contains("ditolak, tidak ada yang ditambahkan"),
        "{text}"
    );
    assert!(text.contains("sudah punya lembar"), "{text}");
    assert!(text.contains(": R"), "the rule is named: {text}");
    let after = std::fs::read(sandbox.path("rekap-demo-store/log.segment")).unwrap();
    assert_eq!(before, after, "nothing was appended");
    // A key file others may read: an error of the binary's own.
    std::fs::copy(
        sandbox.path("in/keys/operator.key"),
        sandbox.path("loose.key"),
    )
    .unwrap();
    let loose = std::fs::Permissions::from_mode(0o644);
    std::fs::set_permissions(sandbox.path("loose.key"), loose).unwrap();
    let output = submit(
        &sandbox,
        &[
            "submit",
            "--lang",
            "id",
            "--store",
            "rekap-demo-store",
            "--key",
            "loose.key",
            "--station",
            &station,
        ],
    );
    assert_eq!(code(&output), 1);
    let text = stderr(&output);
    assert!(
        text.contains("galat: berkas kunci loose.key dapat dibaca"),
        "{text}"
    );
    assert!(text.contains("jalankan `chmod 600 loose.key`"), "{text}");
}

#[test]
fn verify_audit_and_prove_speak_indonesian() {
    let (sandbox, station) = demo();
    let verify = sandbox.run(&["--lang", "id", "verify", "--store", "rekap-demo-store"]);
    assert_eq!(code(&verify), 0, "{}", stderr(&verify));
    let text = stdout(&verify);
    assert!(
        text.starts_with("ok: ") && text.contains("catatan lolos verifikasi"),
        "{text}"
    );
    assert!(text.contains("\nujung "), "{text}");
    let audit = sandbox.run(&["audit", "--lang", "id", "--store", "rekap-demo-store"]);
    assert_eq!(code(&audit), 0, "{}", stderr(&audit));
    let text = stdout(&audit);
    assert!(text.starts_with("audit lolos: "), "{text}");
    assert!(text.contains("tanda tangan setiap catatan"), "{text}");
    assert!(text.contains(" diperiksa"), "{text}");
    assert!(!text.contains("passed"), "{text}");
    let prove = sandbox.run(&[
        "--lang",
        "id",
        "prove",
        "--store",
        "rekap-demo-store",
        "--contest",
        CONTEST,
        "--station",
        &station,
        "--out",
        "proof.json",
    ]);
    assert_eq!(code(&prove), 0, "{}", stderr(&prove));
    assert!(
        stdout(&prove).starts_with("proof.json ditulis: TPS "),
        "{}",
        stdout(&prove)
    );
    let checked = sandbox.run(&["--lang", "id", "verify-proof", "--proof", "proof.json"]);
    assert_eq!(code(&checked), 0, "{}", stderr(&checked));
    let text = stdout(&checked);
    assert!(text.contains("termuat dalam pengesahan"), "{text}");
    assert!(
        text.contains("tanda tangan tidak diperiksa: tanpa --log-key"),
        "{text}"
    );
    // Counts a person reads are grouped the Indonesian way: the province's valid votes.
    let valid = text
        .lines()
        .find(|line| line.starts_with("jumlah "))
        .and_then(|line| line.split(", sah ").nth(1))
        .and_then(|rest| rest.split(',').next())
        .expect("a totals line with the valid votes");
    assert!(valid.contains('.') || valid.len() <= 3, "{valid}");
}

/// clap's usage errors are worded from the catalogue too, with clap's exit code 2, and the
/// help's `[default: ...]` and `[possible values: ...]` suffixes are Indonesian.
#[test]
fn usage_errors_and_help_suffixes_are_indonesian() {
    let sandbox = Sandbox::new();
    for (line, words) in [
        (
            "--lang id status --bogus",
            "argumen '--bogus' tidak dikenal",
        ),
        ("--lang id keygen", "argumen wajib berikut tidak diberikan:"),
        (
            "--lang id status --format xml",
            "nilai 'xml' tidak sah untuk '--format <FORMAT>'",
        ),
        ("--lang id --wait lama status", "bukan bilangan bulat"),
    ] {
        let arguments: Vec<&str> = line.split(' ').collect();
        let output = sandbox.run(&arguments);
        assert_eq!(code(&output), 2, "{line}: {}", stderr(&output));
        let text = stderr(&output);
        assert!(text.starts_with("galat: "), "{line}: {text}");
        assert!(text.contains(words), "{line}: {words} in\n{text}");
        // clap gives the usage line with an unknown or a missing argument.
        if line.contains("--bogus") || line.ends_with("keygen") {
            assert!(text.contains("Penggunaan: rekap"), "{line}: {text}");
        }
        for english in ["error:", "Usage:", "unexpected", "For more information"] {
            assert!(!text.contains(english), "{line}: {english} in\n{text}");
        }
    }
    let by_locale = assert_cmd::Command::cargo_bin("rekap")
        .unwrap()
        .env("LC_ALL", "id_ID.UTF-8")
        .args(["status", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(code(&by_locale), 2);
    assert!(
        stderr(&by_locale).contains("tidak dikenal"),
        "{}",
        stderr(&by_locale)
    );
    let help = sandbox.run(&["--lang", "id", "status", "--help"]);
    assert_eq!(code(&help), 0, "{}", stderr(&help));
    let text = stdout(&help);
    assert!(text.contains("[bawaan: table]"), "{text}");
    assert!(text.contains("[nilai yang mungkin: "), "{text}");
    for english in ["[default:", "[possible values:", "Usage:", "Options:"] {
        assert!(!text.contains(english), "{english} in\n{text}");
    }
    let english = sandbox.run(&["--lang", "en", "status", "--bogus"]);
    assert_eq!(code(&english), 2);
    assert!(
        stderr(&english).starts_with("error: unexpected argument '--bogus' found"),
        "{}",
        stderr(&english)
    );
}

/// A definition file's error names its place and reason in Indonesian; the store is not
/// made (exit 1).
#[test]
fn a_definition_error_is_indonesian() {
    let (sandbox, _) = demo();
    let election = std::fs::read_to_string(sandbox.path("in/election.json")).unwrap();
    assert!(election.contains("\"scope\": \"64\""), "{election}");
    let bad = election.replace("\"scope\": \"64\"", "\"scope\": \"99\"");
    std::fs::write(sandbox.path("in/bad.json"), bad).unwrap();
    let output = sandbox.run(&[
        "--lang",
        "id",
        "init",
        "--store",
        "new-store",
        "--election",
        "in/bad.json",
        "--key",
        "in/keys/registrar.key",
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains("bukan definisi pemilihan yang sah: cakupan kontestasi \"99\" bukan wilayah"),
        "{text}"
    );
    assert!(!sandbox.path("new-store").exists());
}
