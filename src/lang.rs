//! Words and numbers for people: `--lang id|en`. The words are in the Fluent catalogue of
//! crates/rekap-messages (the portal reads it too); this module chooses the language.

use std::sync::OnceLock;

pub use rekap_messages::Lang;

/// The language of this run, chosen once from the global `--lang` (or the environment).
static CURRENT: OnceLock<Lang> = OnceLock::new();

/// Sets the language of this run (main, after parsing); later calls change nothing.
pub fn set(flag: Option<Lang>) {
    let _ = CURRENT.set(flag.unwrap_or_else(Lang::from_environment));
}

/// The language of this run: the global `--lang`, else the locale environment (LC_ALL,
/// LC_MESSAGES, LANG; `id_*` is Indonesian).
pub fn current() -> Lang {
    *CURRENT.get_or_init(Lang::from_environment)
}

/// A message of the catalogue in the language of this run (for the commands' own lines).
pub fn say(id: &str) -> String {
    current().message(id)
}

/// A message with its variables in the language of this run.
pub fn say_with(id: &str, variables: &[(&str, &dyn std::fmt::Display)]) -> String {
    current().message_with(id, variables)
}

/// A count grouped as the language of this run writes it.
pub fn number(value: u64) -> String {
    current().number(value)
}

/// A count of any unsigned type grouped as the language of this run writes it.
pub fn count<T: TryInto<u64> + Copy + std::fmt::Display>(value: T) -> String {
    value.try_into().map_or_else(|_| value.to_string(), number)
}

/// A command's own `--lang`, else the language of this run.
pub fn resolve(flag: Option<Lang>) -> Lang {
    flag.unwrap_or_else(current)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    /// One request for a message in the source: its id and, for `message_with`, the names of
    /// the variables given.
    struct Request {
        place: String,
        id: String,
        variables: Option<BTreeSet<String>>,
    }

    /// Every `.message("id")` and `.message_with("id", &[("name", ..)])` in the Rust files
    /// under `directory`.
    fn requests(directory: &Path, found: &mut Vec<Request>) {
        let Ok(entries) = std::fs::read_dir(directory) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                requests(&path, found);
            } else if path.extension().is_some_and(|extension| extension == "rs")
                && !path.ends_with("src/lang.rs")
            {
                // (This file's own examples are not requests.)
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                requests_in(&path.display().to_string(), &text, found);
            }
        }
    }

    fn requests_in(place: &str, text: &str, found: &mut Vec<Request>) {
        for (call, with_variables) in [
            (".message(", false),
            (".message_with(", true),
            ("lang::say(", false),
            ("lang::say_with(", true),
        ] {
            for (start, _) in text.match_indices(call) {
                let rest = text[start + call.len()..].trim_start();
                let Some(literal) = rest.strip_prefix('"') else {
                    continue;
                };
                let Some(end) = literal.find('"') else {
                    continue;
                };
                let variables = with_variables.then(|| variable_names(&literal[end..]));
                found.push(Request {
                    place: place.to_owned(),
                    id: literal[..end].to_owned(),
                    variables,
                });
            }
        }
    }

    /// The names of the `("name", value)` pairs of the slice that follows a message id (the
    /// code passes the slice literally, so that this check can read it).
    fn variable_names(after_id: &str) -> BTreeSet<String> {
        let Some(rest) = after_id.get(1..) else {
            return BTreeSet::new();
        };
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix(',') else {
            return BTreeSet::new();
        };
        if !rest.trim_start().starts_with("&[") {
            return BTreeSet::new();
        }
        let Some(open) = after_id.find("&[") else {
            return BTreeSet::new();
        };
        let mut depth = 0;
        let mut slice_end = after_id.len();
        for (index, character) in after_id[open + 1..].char_indices() {
            match character {
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        slice_end = open + 1 + index;
                        break;
                    }
                }
                _ => {}
            }
        }
        let slice = &after_id[open + 2..slice_end];
        let mut names = BTreeSet::new();
        for (index, _) in slice.match_indices('(') {
            let pair = slice[index + 1..].trim_start();
            let Some(name) = pair.strip_prefix('"') else {
                continue;
            };
            let Some(end) = name.find('"') else {
                continue;
            };
            let is_name = name[..end]
                .chars()
                .all(|character| character.is_ascii_alphanumeric() || character == '-');
            if is_name && name[end + 1..].trim_start().starts_with(',') {
                names.insert(name[..end].to_owned());
            }
        }
        names
    }

    #[test]
    fn every_message_the_code_asks_for_is_in_the_catalogue_with_its_variables() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = Vec::new();
        requests(&root.join("src"), &mut found);
        requests(&root.join("crates/rekap-server/src"), &mut found);
        assert!(
            found.len() > 200,
            "the scan finds the requests ({})",
            found.len()
        );
        let catalogue = rekap_messages::catalogue(Lang::En).expect("the catalogue parses");
        let mut wrong = Vec::new();
        for request in &found {
            match (catalogue.get(&request.id), &request.variables) {
                (None, _) => wrong.push(format!("{}: no message {}", request.place, request.id)),
                (Some(wanted), Some(given)) if wanted != given => wrong.push(format!(
                    "{}: {} takes {wanted:?}, given {given:?}",
                    request.place, request.id
                )),
                (Some(wanted), None) if !wanted.is_empty() => wrong.push(format!(
                    "{}: {} takes {wanted:?}, given none",
                    request.place, request.id
                )),
                _ => {}
            }
        }
        assert_eq!(wrong, Vec::<String>::new());
    }

    #[test]
    fn the_scan_reads_ids_and_variables() {
        let mut found = Vec::new();
        requests_in(
            "example",
            r#"lang.message("a-b") + &lang.message_with(
                "c", &[("count", &lang.number(3)), ("name", &format!("{}", x))]) + y.message(id)
                + &lang.message_with("d", &given) + &lang.message_with("e", &[("later", &1)])"#,
            &mut found,
        );
        let seen: Vec<_> = found
            .iter()
            .map(|request| (request.id.as_str(), request.variables.clone()))
            .collect();
        let names: BTreeSet<String> = ["count", "name"].map(str::to_owned).into();
        // A slice not written out reads as no variables, so the check asks for it literally.
        let later: BTreeSet<String> = ["later".to_owned()].into();
        assert_eq!(
            seen,
            vec![
                ("a-b", None),
                ("c", Some(names)),
                ("d", Some(BTreeSet::new())),
                ("e", Some(later))
            ]
        );
    }

    #[test]
    fn the_words_read_in_both_languages() {
        assert_eq!(Lang::En.message("status-records"), "records");
        assert_eq!(Lang::Id.message("status-records"), "catatan");
        assert_eq!(resolve(Some(Lang::Id)), Lang::Id);
    }
}
