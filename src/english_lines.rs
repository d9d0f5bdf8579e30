//! A test that no English sentence for people is written in the binary's code outside the
//! catalogue: every string literal of src/ (tests excepted) that reads as words is either a
//! message of crates/rekap-messages (asked for by id) or on the list below, each entry with
//! the reason it is not a message. A new `bail!("cannot ...")` fails it.

use std::path::{Path, PathBuf};

/// Files whose literals are not checked, and why.
const FILES_NOT_CHECKED: &[(&str, &str)] = &[
    // These files are themselves about words: clap's English suggestions read back, the
    // help's own text, this test's examples.
    ("src/usage_words.rs", "reads clap's English suggestions"),
    (
        "src/help_words.rs",
        "writes en/help.ftl from the clap definition",
    ),
    ("src/english_lines.rs", "this test"),
    ("src/lang.rs", "the catalogue's own examples"),
    (
        "src/error_words/chain.rs",
        "reads the log verifier's English forms",
    ),
    // The benches' reports are measurements for the developers (docs/PERFORMANCE.md
    // quotes them in English); their words are not for operators or auditors.
    ("src/commands/bench.rs", "developers' measurements"),
    ("src/commands/bench_commands.rs", "developers' measurements"),
    ("src/commands/bench_duckdb.rs", "developers' measurements"),
    ("src/commands/bench_formats.rs", "developers' measurements"),
    ("src/commands/bench_import.rs", "developers' measurements"),
    ("src/commands/bench_server.rs", "developers' measurements"),
    (
        "src/commands/bench_server_client.rs",
        "developers' measurements",
    ),
    ("src/commands/bench_tlog.rs", "developers' measurements"),
];

/// Literals that read as words but are not sentences for people: (file, the literal's
/// start).
const LITERALS_NOT_MESSAGES: &[(&str, &str)] = &[
    // The exit codes' help text: --help's after-help, worded per language in help.ftl.
    ("src/cli.rs", "Exit codes:"),
    // Domain-separation labels hashed into the demo's keys: bytes, not words.
    ("src/commands/demo/cast.rs", "rekap demo key"),
    // The marker file of a demo store, read back by the demo to know it made the store.
    ("src/commands/demo/mod.rs", "made by rekap demo"),
    // Reasons recorded in the demo's log (signed data: the same bytes in every language,
    // so that the demo's head hash does not depend on the language).
    (
        "src/commands/demo/walk.rs",
        "plenary recount of the C.Hasil",
    ),
    ("src/commands/demo/walk.rs", "the recount agrees"),
    // The consistency proof file's first line: a machine format (docs/FORMAT.md).
    ("src/commands/tlog.rs", "{CONSISTENCY_HEADER} old "),
    // A definition's name when an OpenElections file gives none: data written to
    // election.json.
    ("src/commands/definition.rs", "OpenElections results"),
    // verify's own failure reasons in English, as JSON and CSV carry them; the table words
    // them through error_words::chain_reason (held by its test).
    (
        "src/commands/verify.rs",
        "the log is empty: it holds no genesis",
    ),
    ("src/commands/verify.rs", "record 1 is not a genesis"),
    (
        "src/commands/verify.rs",
        "record 1 does not decode as a genesis",
    ),
    (
        "src/commands/verify_tiles.rs",
        "the tree of the records is not",
    ),
    // The store's own English reasons (rekap-log's), read back to be worded from the
    // catalogue.
    (
        "src/error_words/proof.rs",
        "is not a rekap store (no REKAP_STORE marker)",
    ),
    ("src/error_words/proof.rs", "is a rekap store of format "),
    ("src/error_words/proof.rs", "; this rekap reads format "),
    ("src/error_words/proof.rs", ". Export its log"),
];

/// Every string literal of `text` outside comments, attributes and byte strings, with its
/// line.
fn literals(text: &str) -> Vec<(usize, String)> {
    let characters: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut index = 0;
    let mut line = 1;
    let at = |index: usize, what: &str| {
        what.chars()
            .enumerate()
            .all(|(offset, character)| characters.get(index + offset) == Some(&character))
    };
    while index < characters.len() {
        let character = characters[index];
        let previous_is_word =
            index > 0 && (characters[index - 1].is_alphanumeric() || characters[index - 1] == '_');
        if character == '\n' {
            line += 1;
            index += 1;
        } else if at(index, "//") {
            while index < characters.len() && characters[index] != '\n' {
                index += 1;
            }
        } else if at(index, "#[") || at(index, "#![") {
            index = skip_attribute(&characters, index, &mut line);
        } else if character == '\'' {
            index = skip_character(&characters, index);
        } else if character == 'b' && !previous_is_word && at(index + 1, "\"") {
            let (_, end) = string_at(&characters, index + 1, &mut line);
            index = end;
        } else if character == 'r' && !previous_is_word && raw_string_start(&characters, index) {
            let hashes = characters[index + 1..]
                .iter()
                .take_while(|&&c| c == '#')
                .count();
            let start = index + 2 + hashes;
            let closing: String = std::iter::once('"')
                .chain("#".repeat(hashes).chars())
                .collect();
            let mut end = start;
            while end < characters.len() && !at(end, &closing) {
                end += 1;
            }
            let body: String = characters[start..end.min(characters.len())]
                .iter()
                .collect();
            found.push((line, body.clone()));
            line += body.matches('\n').count();
            index = end + closing.chars().count();
        } else if character == '"' {
            let start_line = line;
            let (body, end) = string_at(&characters, index, &mut line);
            found.push((start_line, body));
            index = end;
        } else {
            index += 1;
        }
    }
    found
}

fn raw_string_start(characters: &[char], index: usize) -> bool {
    let hashes = characters[index + 1..]
        .iter()
        .take_while(|&&c| c == '#')
        .count();
    characters.get(index + 1 + hashes) == Some(&'"')
}

/// The body of the string literal opening at `index` (escapes kept but line continuations
/// joined) and the index after it.
fn string_at(characters: &[char], index: usize, line: &mut usize) -> (String, usize) {
    let mut body = String::new();
    let mut end = index + 1;
    while end < characters.len() && characters[end] != '"' {
        if characters[end] == '\\' {
            if characters.get(end + 1) == Some(&'\n') {
                *line += 1;
                end += 2;
                while end < characters.len() && characters[end].is_whitespace() {
                    if characters[end] == '\n' {
                        *line += 1;
                    }
                    end += 1;
                }
                continue;
            }
            body.push(' ');
            end += 2;
            continue;
        }
        if characters[end] == '\n' {
            *line += 1;
        }
        body.push(characters[end]);
        end += 1;
    }
    (body, end + 1)
}

fn skip_attribute(characters: &[char], mut index: usize, line: &mut usize) -> usize {
    let mut depth = 0;
    while index < characters.len() {
        match characters[index] {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return index + 1;
                }
            }
            '\n' => *line += 1,
            '"' => {
                let (_, end) = string_at(characters, index, line);
                index = end;
                continue;
            }
            _ => {}
        }
        index += 1;
    }
    index
}

/// A character literal (`'a'`, `'\n'`) or a lifetime's quote.
fn skip_character(characters: &[char], index: usize) -> usize {
    match (characters.get(index + 1), characters.get(index + 2)) {
        (Some('\\'), _) => {
            let mut end = index + 2;
            while end < characters.len() && characters[end] != '\'' {
                end += 1;
            }
            end + 1
        }
        (Some(_), Some('\'')) => index + 3,
        _ => index + 1,
    }
}

/// Whether a literal reads as English words: a word of two lowercase letters or more, a
/// space (punctuation beside it allowed) and another word, once the `{placeholders}` are
/// taken out. File names, ids and CSV headers do not.
fn reads_as_words(literal: &str) -> bool {
    let mut text = String::new();
    let mut depth = 0;
    for character in literal.chars() {
        match character {
            '{' => depth += 1,
            '}' if depth > 0 => {
                depth -= 1;
                text.push(' ');
            }
            _ if depth == 0 => text.push(character),
            _ => {}
        }
    }
    let characters: Vec<char> = text.chars().collect();
    let mut index = 0;
    while index < characters.len() {
        let start = index;
        while index < characters.len() && characters[index].is_ascii_lowercase() {
            index += 1;
        }
        let word_length = index - start;
        let gap_start = index;
        while index < characters.len() && matches!(characters[index], ' ' | ',' | ':' | ';') {
            index += 1;
        }
        let spaced = characters[gap_start..index].contains(&' ');
        let followed = spaced
            && characters
                .get(index)
                .is_some_and(|next| next.is_ascii_lowercase() || *next == '(');
        if word_length >= 2 && followed {
            return true;
        }
        if index == start {
            index += 1;
        }
    }
    false
}

fn rust_files(directory: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs")
            && !path.ends_with("tests.rs")
        {
            found.push(path);
        }
    }
}

/// The code of a file without its `#[cfg(test)] mod tests` (tests speak to developers).
fn without_tests(text: &str) -> &str {
    match text.find("#[cfg(test)]\nmod tests") {
        Some(start) => &text[..start],
        None => text,
    }
}

#[test]
fn no_english_sentence_is_written_outside_the_catalogue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut english = Vec::new();
    let mut checked = 0;
    for path in &files {
        let name = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        if FILES_NOT_CHECKED.iter().any(|(file, _)| *file == name) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for (line, literal) in literals(without_tests(&text)) {
            checked += 1;
            let allowed = LITERALS_NOT_MESSAGES
                .iter()
                .any(|(file, start)| *file == name && literal.starts_with(start));
            if reads_as_words(&literal) && !allowed {
                english.push(format!("{name}:{line}: {literal:?}"));
            }
        }
    }
    assert!(checked > 1000, "the scan reads the literals ({checked})");
    assert_eq!(
        english,
        Vec::<String>::new(),
        "English for people outside the catalogue: move each line into \
         crates/rekap-messages (en and id) and ask for it by id"
    );
}

#[test]
fn the_scan_tells_sentences_from_machine_text() {
    let code = r##"
        // a comment with "quoted words in it"
        #[arg(long, value_name = "cannot be seen")]
        let a = 'x'; fn f<'a>() {}
        bail!("cannot open {}", path.display());
        let header = "contest,region,votes";
        let id = lang.message("status-records");
        let bytes = b"rekap demo key";
        let raw = r#"is not "a" key"#;
        let joined = "one line \
                      and the next";
    "##;
    let found: Vec<(usize, String)> = literals(code)
        .into_iter()
        .filter(|(_, literal)| reads_as_words(literal))
        .collect();
    let expected: Vec<(usize, String)> = vec![
        (5, "cannot open {}".to_owned()),
        (9, "is not \"a\" key".to_owned()),
        (10, "one line and the next".to_owned()),
    ];
    assert_eq!(found, expected);
}
