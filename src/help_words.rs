//! `--help` in the language of the run. English is the clap definition's own text (the doc
//! comments); Indonesian comes from the catalogue (messages/id/help.ftl), one entry per
//! command's about and long about and per argument's help and long help, named after the
//! command's path and the argument's id: `help-status-about`, `help-status-arg-store`,
//! `help-rekap-arg-quiet` (the root is `rekap`). messages/en/help.ftl holds the English
//! text under the same ids, checked against the definition by a test, so that both
//! languages have every entry and the English one cannot drift from what clap prints.

use clap::{Arg, Command};

use crate::lang::Lang;

/// One text of the help: its message id and its English text.
#[cfg(test)]
pub struct Entry {
    pub id: String,
    pub text: String,
}

/// The language asked for on the command line before it is parsed (the help is built
/// before parsing): `--lang id`, `--lang=id`, else the locale environment.
pub fn language_of_arguments(arguments: &[std::ffi::OsString]) -> Lang {
    let mut words = arguments.iter().filter_map(|argument| argument.to_str());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        let value = match word.strip_prefix("--lang") {
            Some("") => words.next(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(value) = value {
            match value {
                "id" => return Lang::Id,
                "en" => return Lang::En,
                _ => {}
            }
        }
    }
    Lang::from_environment()
}

/// The command with its texts in `lang`; for Indonesian built first, so that clap's own
/// `--help`, `--version` and `help` are in it to be worded too.
pub fn localized(mut command: Command, lang: Lang) -> Command {
    // English is the definition as it is, built lazily by clap (only the command run).
    if lang == Lang::En {
        return command;
    }
    command.build();
    let mut command = localize(command, &[], lang);
    localize_usage(&mut command, lang);
    command
}

/// clap writes `[OPTIONS]` in the usage line in English: the usage clap renders (with the
/// value names already in `lang`) is kept with the tag in `lang`'s word, for every command.
fn localize_usage(command: &mut Command, lang: Lang) {
    let usage = command.render_usage().to_string();
    let lines: Vec<&str> = usage
        .lines()
        .map(|line| line.trim_start_matches("Usage:").trim())
        .collect();
    let options = format!("[{}]", lang.message("help-usage-options"));
    let text = lines.join("\n       ").replace("[OPTIONS]", &options);
    let owned = std::mem::take(command).override_usage(text);
    *command = owned;
    for subcommand in command.get_subcommands_mut() {
        localize_usage(subcommand, lang);
    }
}

/// Every text of the built command's help, with its id.
#[cfg(test)]
pub fn entries(command: &Command) -> Vec<Entry> {
    let mut found = Vec::new();
    collect(command, &[], &mut found);
    found
}

/// The names from the root (`rekap`) to `command`, whose parents are `parents`.
fn path_of(parents: &[&str], command: &Command) -> Vec<String> {
    if parents.is_empty() {
        return vec!["rekap".to_owned()];
    }
    let mut path: Vec<String> = parents.iter().map(|name| (*name).to_owned()).collect();
    path.push(command.get_name().to_owned());
    path
}

/// `rekap` for the root, else the names below it: `list-contests`.
fn command_key(path: &[String]) -> String {
    if path.len() == 1 {
        return path[0].clone();
    }
    path[1..].join("-")
}

/// An argument's key: a global one (propagated into every command) and clap's own flags
/// are named once, at the root.
fn argument_key(command_key: &str, arg: &Arg) -> String {
    let id = arg.get_id().as_str().replace('_', "-");
    if arg.is_global_set() || id == "help" || id == "version" {
        format!("help-rekap-arg-{id}")
    } else {
        format!("help-{command_key}-arg-{id}")
    }
}

#[cfg(test)]
fn collect(command: &Command, parents: &[&str], found: &mut Vec<Entry>) {
    let path = path_of(parents, command);
    let key = command_key(&path);
    let mut add = |id: String, text: Option<String>| {
        if let Some(text) = text.filter(|text| !text.is_empty()) {
            if !found.iter().any(|entry| entry.id == id) {
                found.push(Entry { id, text });
            }
        }
    };
    add(
        format!("help-{key}-about"),
        command.get_about().map(ToString::to_string),
    );
    add(
        format!("help-{key}-long"),
        command.get_long_about().map(ToString::to_string),
    );
    add(
        format!("help-{key}-after"),
        command.get_after_help().map(ToString::to_string),
    );
    for arg in command.get_arguments() {
        let id = argument_key(&key, arg);
        add(id.clone(), arg.get_help().map(ToString::to_string));
        add(
            format!("{id}-long"),
            arg.get_long_help().map(ToString::to_string),
        );
        for value in arg.get_possible_values() {
            add(
                format!("{id}-value-{}", value.get_name()),
                value.get_help().map(ToString::to_string),
            );
        }
    }
    let names: Vec<&str> = path.iter().map(String::as_str).collect();
    for subcommand in command.get_subcommands() {
        collect(subcommand, &names, found);
    }
}

fn localize(mut command: Command, parents: &[&str], lang: Lang) -> Command {
    let path = path_of(parents, &command);
    let key = command_key(&path);
    let text = |id: String| lang.message_if_any(&id);
    if let Some(about) = text(format!("help-{key}-about")) {
        command = command.about(about);
    }
    if let Some(long) = text(format!("help-{key}-long")) {
        command = command.long_about(long);
    }
    if let Some(after) = text(format!("help-{key}-after")) {
        command = command.after_help(after);
    }
    command = command
        .help_template(lang.message("help-template"))
        .subcommand_help_heading(lang.message("help-heading-commands"));
    if command.has_subcommands() {
        command = command.subcommand_value_name(lang.message("help-value-command"));
    }
    let arguments: Vec<String> = command
        .get_arguments()
        .map(|arg| arg.get_id().as_str().to_owned())
        .collect();
    for id in arguments {
        command = command.mut_arg(id, |arg| localize_argument(arg, &key, lang));
    }
    let names: Vec<&str> = path.iter().map(String::as_str).collect();
    let subcommands: Vec<String> = command
        .get_subcommands()
        .map(|subcommand| subcommand.get_name().to_owned())
        .collect();
    for name in subcommands {
        command = command.mut_subcommand(name, |subcommand| localize(subcommand, &names, lang));
    }
    command
}

fn localize_argument(mut arg: Arg, command_key: &str, lang: Lang) -> Arg {
    let id = argument_key(command_key, &arg);
    if let Some(help) = lang.message_if_any(&id) {
        arg = arg.help(help);
    }
    if let Some(long) = lang.message_if_any(&format!("{id}-long")) {
        arg = arg.long_help(long);
    }
    arg = localize_suffixes(arg, lang);
    arg = localize_explained_values(arg, &id, lang);
    arg = localize_value_names(arg, lang);
    if arg.get_help_heading().is_none() {
        let heading = if arg.is_positional() {
            "help-heading-arguments"
        } else {
            "help-heading-options"
        };
        arg = arg.help_heading(lang.message(heading));
    }
    arg
}

/// A value name (`FILE`, `DIR`, `SEQ`) in `lang` when the catalogue has it
/// (messages/*/values.ftl, `help-value-file`).
fn localize_value_names(arg: Arg, lang: Lang) -> Arg {
    let Some(names) = arg.get_value_names() else {
        return arg;
    };
    let worded: Vec<String> = names
        .iter()
        .map(|name| {
            // Fluent ids take letters, digits and '-': `SEQ.INDEX` is `help-value-seq-index`.
            let id = format!(
                "help-value-{}",
                name.as_str()
                    .to_lowercase()
                    .replace(|letter: char| !letter.is_ascii_alphanumeric(), "-")
            );
            lang.message_if_any(&id)
                .unwrap_or_else(|| name.as_str().to_owned())
        })
        .collect();
    arg.value_names(worded)
}

/// Values with a help of their own (`--preset kaltim-2024: The real 2024 ...`): clap lists
/// them under `Possible values:` and in `[possible values: ...]`, both in English. In
/// another language they are hidden from clap and written here in its words: the list with
/// each value's help (`ARG-value-NAME` in the catalogue) in the long help, the names at the
/// end of the short help.
fn localize_explained_values(mut arg: Arg, id: &str, lang: Lang) -> Arg {
    let possible: Vec<_> = arg
        .get_possible_values()
        .into_iter()
        .filter(|value| !value.is_hide_set())
        .collect();
    let explained = possible.iter().any(|value| value.get_help().is_some());
    if lang == Lang::En || !explained || arg.is_hide_possible_values_set() {
        return arg;
    }
    let width = possible
        .iter()
        .map(|value| value.get_name().chars().count())
        .max()
        .unwrap_or(0);
    let lines: Vec<String> = possible
        .iter()
        .map(|value| {
            let name = value.get_name();
            let help = lang
                .message_if_any(&format!("{id}-value-{name}"))
                .or_else(|| value.get_help().map(ToString::to_string))
                .unwrap_or_default();
            let padding = " ".repeat(width - name.chars().count());
            format!("- {name}:{padding} {help}")
        })
        .collect();
    let names: Vec<&str> = possible.iter().map(|value| value.get_name()).collect();
    let short_suffix = lang.message_with(
        "usage-help-possible-values",
        &[("values", &names.join(", "))],
    );
    let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let long = arg
        .get_long_help()
        .map(ToString::to_string)
        .unwrap_or_else(|| help.clone());
    let heading = lang.message("usage-help-possible-values-heading");
    arg = arg.hide_possible_values(true);
    arg = arg.help(format!("{help} [{short_suffix}]").trim_start().to_owned());
    arg.long_help(format!("{long}\n\n{heading}:\n{}", lines.join("\n")))
}

/// clap's `[default: X]` and `[possible values: a, b]` after a help line are English: in
/// another language they are hidden and written in its words at the line's end instead.
fn localize_suffixes(mut arg: Arg, lang: Lang) -> Arg {
    let takes_values = arg.get_num_args().is_some_and(|count| count.takes_values());
    if lang == Lang::En || !takes_values {
        return arg;
    }
    let mut suffixes = Vec::new();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|value| value.to_string_lossy().into_owned())
        .collect();
    if !arg.is_hide_default_value_set() && !defaults.is_empty() {
        suffixes.push(lang.message_with("usage-help-default", &[("value", &defaults.join(" "))]));
        arg = arg.hide_default_value(true);
    }
    let possible = arg.get_possible_values();
    let shown: Vec<&str> = possible
        .iter()
        .filter(|value| !value.is_hide_set())
        .map(|value| value.get_name())
        .collect();
    // Values with their own help are listed by clap under the line, each with its help.
    let explained = possible.iter().any(|value| value.get_help().is_some());
    if !arg.is_hide_possible_values_set() && !shown.is_empty() && !explained {
        suffixes.push(lang.message_with(
            "usage-help-possible-values",
            &[("values", &shown.join(", "))],
        ));
        arg = arg.hide_possible_values(true);
    }
    if suffixes.is_empty() {
        return arg;
    }
    let suffix: String = suffixes
        .iter()
        .map(|text| format!("[{text}]"))
        .collect::<Vec<_>>()
        .join(" ");
    let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let long = arg.get_long_help().map(ToString::to_string);
    arg = arg.help(format!("{help} {suffix}").trim_start().to_owned());
    if let Some(long) = long {
        arg = arg.long_help(format!("{long}\n\n{suffix}"));
    }
    arg
}

/// Fluent text of `text` as one message value: every line indented, the characters Fluent
/// reads as syntax (`{`, `}`, and `[`, `*`, `.` opening a line) quoted as literals.
#[cfg(test)]
pub fn fluent_value(text: &str) -> String {
    let mut value = String::new();
    for line in text.lines() {
        value.push('\n');
        if line.trim().is_empty() {
            continue;
        }
        value.push_str("    ");
        let mut escaped = String::new();
        for character in line.chars() {
            match character {
                '{' => escaped.push_str("{\"{\"}"),
                '}' => escaped.push_str("{\"}\"}"),
                other => escaped.push(other),
            }
        }
        if escaped.starts_with(['[', '*', '.']) {
            let first = escaped.remove(0);
            value.push_str(&format!("{{\"{first}\"}}"));
        }
        value.push_str(&escaped);
    }
    value
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    fn built() -> Command {
        let mut command = Cli::command();
        command.build();
        command
    }

    fn english_file() -> String {
        let mut file = String::from(
            "## --help in English: the clap definition's own text, written by the test\n\
             ## `help_words::tests` (REKAP_WRITE_HELP=1 cargo test --bin rekap help_words);\n\
             ## do not edit by hand, edit the doc comments.\n\n",
        );
        file.push_str(HELP_WORDS_ENGLISH);
        for entry in entries(&built()) {
            file.push_str(&format!("{} ={}\n", entry.id, fluent_value(&entry.text)));
        }
        file
    }

    /// The catalogue's own words of the help (headings, the template), kept in the file
    /// the test writes.
    const HELP_WORDS_ENGLISH: &str = "\
help-template = {\"{\"}before-help{\"}\"}{\"{\"}about-with-newline{\"}\"}
    Usage: {\"{\"}usage{\"}\"}

    {\"{\"}all-args{\"}\"}{\"{\"}after-help{\"}\"}
help-heading-commands = Commands
help-heading-arguments = Arguments
help-heading-options = Options

";

    #[test]
    fn the_english_help_entries_are_the_definition_s_text() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/crates/rekap-messages/messages/en/help.ftl"
        );
        let expected = english_file();
        if std::env::var_os("REKAP_WRITE_HELP").is_some() {
            std::fs::write(path, &expected).expect("writes the English help");
        }
        let found = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            found == expected,
            "messages/en/help.ftl differs from the clap definition: run \
             REKAP_WRITE_HELP=1 cargo test --bin rekap help_words, then update id/help.ftl"
        );
        for entry in entries(&built()) {
            assert_eq!(
                Lang::En.message_if_any(&entry.id).as_deref(),
                Some(entry.text.trim_end()),
                "{}",
                entry.id
            );
        }
    }

    #[test]
    fn every_command_and_argument_has_indonesian_help() {
        let found = entries(&built());
        assert!(
            found.len() > 200,
            "the walk finds the help ({})",
            found.len()
        );
        let missing: Vec<&str> = found
            .iter()
            .filter(|entry| Lang::Id.message_if_any(&entry.id).is_none())
            .map(|entry| entry.id.as_str())
            .collect();
        assert_eq!(missing, Vec::<&str>::new(), "help without Indonesian");
        // Every argument a person sees has a help line to translate.
        let mut unexplained = Vec::new();
        unexplained_arguments(&built(), "rekap", &mut unexplained);
        assert_eq!(unexplained, Vec::<String>::new(), "arguments without help");
        let indonesian = localized(Cli::command(), Lang::Id);
        let status = indonesian
            .find_subcommand("status")
            .and_then(|status| status.get_about())
            .map(ToString::to_string);
        assert_eq!(status, Lang::Id.message_if_any("help-status-about"));
    }

    /// Issue 17: value names say what a value is (`FILE`, `DIR`, `SEQ`, `URL`, `N`), and
    /// every one has its word in both languages, so Indonesian help shows no English
    /// placeholder. A value name clap made from the argument's id (`--offline <OFFLINE>`)
    /// says nothing the flag does not: it needs a `value_name`.
    #[test]
    fn every_value_name_says_what_it_is_in_both_languages() {
        let mut names = Vec::new();
        value_names(&built(), "rekap", &mut names);
        assert!(
            names.len() > 100,
            "the walk finds the values ({})",
            names.len()
        );
        // Where the flag's name is the value's kind, its id is the right value name.
        let kinds = [
            "station", "region", "contest", "level", "reason", "key", "lang", "role", "pair",
            "file", "dir", "text", "seq", "seconds", "name",
        ];
        let mut problems = Vec::new();
        for (path, id, name) in &names {
            let named_after_id = name.eq_ignore_ascii_case(&id.replace('-', "_"));
            let positional_role = ["old", "new", "proof", "what", "shell"].contains(&id.as_str());
            if named_after_id && !kinds.contains(&id.as_str()) && !positional_role {
                problems.push(format!("{path} --{id} <{name}>: say what the value is"));
            }
            let word = format!(
                "help-value-{}",
                name.to_lowercase()
                    .replace(|letter: char| !letter.is_ascii_alphanumeric(), "-")
            );
            for lang in [Lang::En, Lang::Id] {
                if lang.message_if_any(&word).is_none() {
                    problems.push(format!("{path} <{name}>: no {word} in {lang:?}"));
                }
            }
        }
        assert_eq!(problems, Vec::<String>::new());
    }

    fn value_names(command: &Command, path: &str, found: &mut Vec<(String, String, String)>) {
        for arg in command.get_arguments() {
            let takes_values = arg.get_num_args().is_some_and(|count| count.takes_values());
            if arg.is_hide_set() || !takes_values || !arg.get_possible_values().is_empty() {
                continue;
            }
            let names: Vec<String> = match arg.get_value_names() {
                Some(names) => names.iter().map(ToString::to_string).collect(),
                None => vec![arg.get_id().as_str().to_uppercase()],
            };
            for name in names {
                found.push((path.to_owned(), arg.get_id().to_string(), name));
            }
        }
        for subcommand in command.get_subcommands() {
            let path = format!("{path} {}", subcommand.get_name());
            value_names(subcommand, &path, found);
        }
    }

    fn unexplained_arguments(command: &Command, path: &str, found: &mut Vec<String>) {
        for arg in command.get_arguments() {
            if !arg.is_hide_set() && arg.get_help().is_none() {
                found.push(format!("{path} --{}", arg.get_id()));
            }
        }
        for subcommand in command.get_subcommands() {
            let path = format!("{path} {}", subcommand.get_name());
            unexplained_arguments(subcommand, &path, found);
        }
    }

    #[test]
    fn the_language_is_read_before_parsing() {
        let words =
            |line: &str| -> Vec<std::ffi::OsString> { line.split(' ').map(Into::into).collect() };
        assert_eq!(
            language_of_arguments(&words("rekap --lang id status")),
            Lang::Id
        );
        assert_eq!(
            language_of_arguments(&words("rekap status --lang=id")),
            Lang::Id
        );
        assert_eq!(
            language_of_arguments(&words("rekap --lang en --help")),
            Lang::En
        );
    }

    #[test]
    fn fluent_values_quote_what_fluent_reads_as_syntax() {
        assert_eq!(
            fluent_value("JSON: {\"ok\"}\n\n[default: x]"),
            "\n    JSON: {\"{\"}\"ok\"{\"}\"}\n\n    {\"[\"}default: x]"
        );
    }
}
