//! Usage errors (exit 2) in the language of the run. clap words its errors in English only;
//! here each kind of clap error is worded from the catalogue (messages/*/usage.ftl) with the
//! error's context (the argument, the value, the possible values, the suggestions, the
//! usage line) as its variables. The exit code stays clap's. What clap prints itself (the
//! help, the version) is the localized command's own text (help_words.rs).

use std::fmt::Write as _;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::lang::Lang;

/// How clap indents a list under a line.
const INDENT: &str = "  ";

/// The usage line of the command the arguments name, as `--help` shows it. clap's own line
/// in an error also lists the arguments that were given (`--store <DIR>` when `-s` was
/// typed), which reads as if they were required; this one lists only what is.
pub fn plain_usage(mut command: clap::Command, arguments: &[std::ffi::OsString]) -> Option<String> {
    command.build();
    let name = arguments
        .iter()
        .skip(1)
        .filter_map(|argument| argument.to_str())
        .find(|argument| !argument.starts_with('-') && command.find_subcommand(argument).is_some())?
        .to_owned();
    let subcommand = command.find_subcommand_mut(name)?;
    Some(subcommand.render_usage().to_string())
}

/// Prints `error` as clap would, worded in `lang`, and returns its exit code. `usage`
/// replaces clap's usage line when given.
pub fn report(error: &clap::Error, lang: Lang, usage: Option<&str>) -> std::process::ExitCode {
    let code = u8::try_from(error.exit_code()).unwrap_or(2);
    match render(error, lang, usage) {
        Some(text) => eprint!("{text}"),
        // Help and version go to stdout; an error of a kind without context is clap's.
        None => {
            let _ = error.print();
        }
    }
    std::process::ExitCode::from(code)
}

/// The whole error text in `lang`, or None for what is not an error (help, version) or
/// an error without the context to word it.
pub fn render(error: &clap::Error, lang: Lang, plain: Option<&str>) -> Option<String> {
    let context = Context(error);
    let mut text = format!(
        "{}: {}",
        lang.message("error-prefix"),
        headline(&context, lang)?
    );
    let tips = tips(&context, lang);
    if !tips.is_empty() {
        text.push('\n');
        for tip in tips {
            let _ = write!(text, "\n{INDENT}{}: {tip}", lang.message("usage-tip"));
        }
    }
    if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
        let usage = plain.map_or_else(|| usage.to_string(), str::to_owned);
        let usage = usage
            .strip_prefix("Usage:")
            .map(|rest| format!("{}:{rest}", lang.message("usage-heading")))
            .unwrap_or(usage);
        let _ = write!(text, "\n\n{usage}");
    }
    let more = lang.message_with("usage-more-information", &[("flag", &"--help")]);
    let _ = write!(text, "\n\n{more}\n");
    Some(text)
}

/// The context of one clap error, read by kind.
struct Context<'a>(&'a clap::Error);

impl Context<'_> {
    fn string(&self, kind: ContextKind) -> Option<String> {
        match self.0.get(kind)? {
            ContextValue::String(value) => Some(value.clone()),
            _ => None,
        }
    }

    fn strings(&self, kind: ContextKind) -> Option<Vec<String>> {
        match self.0.get(kind)? {
            ContextValue::Strings(values) => Some(values.clone()),
            ContextValue::String(value) => Some(vec![value.clone()]),
            _ => None,
        }
    }

    fn number(&self, kind: ContextKind) -> Option<isize> {
        match self.0.get(kind)? {
            ContextValue::Number(value) => Some(*value),
            _ => None,
        }
    }
}

/// The first line (and the list under it, where clap gives one).
fn headline(context: &Context, lang: Lang) -> Option<String> {
    use ContextKind as Kind;
    let argument = || context.string(Kind::InvalidArg);
    let value = || context.string(Kind::InvalidValue);
    let text = match context.0.kind() {
        ErrorKind::UnknownArgument => {
            lang.message_with("usage-unknown-argument", &[("argument", &argument()?)])
        }
        ErrorKind::InvalidSubcommand => lang.message_with(
            "usage-unknown-subcommand",
            &[("subcommand", &context.string(Kind::InvalidSubcommand)?)],
        ),
        ErrorKind::MissingRequiredArgument => {
            let mut text = lang.message("usage-missing-arguments");
            for missing in context.strings(Kind::InvalidArg)? {
                let _ = write!(text, "\n{INDENT}{missing}");
            }
            text
        }
        ErrorKind::MissingSubcommand => {
            let mut text = lang.message_with(
                "usage-missing-subcommand",
                &[("command", &context.string(Kind::InvalidSubcommand)?)],
            );
            push_list(
                &mut text,
                "usage-subcommands",
                context.strings(Kind::ValidSubcommand),
                lang,
            );
            text
        }
        ErrorKind::InvalidValue => {
            let (argument, value) = (argument()?, value()?);
            let mut text = if value.is_empty() {
                lang.message_with("usage-value-required", &[("argument", &argument)])
            } else {
                lang.message_with(
                    "usage-invalid-value",
                    &[("value", &value), ("argument", &argument)],
                )
            };
            let possible = context.strings(Kind::ValidValue);
            push_list(&mut text, "usage-possible-values", possible, lang);
            text
        }
        ErrorKind::ValueValidation => {
            let mut text = lang.message_with(
                "usage-invalid-value",
                &[("value", &value()?), ("argument", &argument()?)],
            );
            if let Some(reason) = std::error::Error::source(context.0) {
                let _ = write!(text, ": {}", validation_reason(reason, lang));
            }
            text
        }
        ErrorKind::ArgumentConflict => conflict(context, lang)?,
        ErrorKind::NoEquals => lang.message_with("usage-no-equals", &[("argument", &argument()?)]),
        ErrorKind::TooManyValues => lang.message_with(
            "usage-too-many-values",
            &[("value", &value()?), ("argument", &argument()?)],
        ),
        ErrorKind::TooFewValues => lang.message_with(
            "usage-too-few-values",
            &[
                ("wanted", &context.number(Kind::MinValues)?),
                ("argument", &argument()?),
                ("given", &context.number(Kind::ActualNumValues)?),
            ],
        ),
        ErrorKind::WrongNumberOfValues => lang.message_with(
            "usage-wrong-number-of-values",
            &[
                ("wanted", &context.number(Kind::ExpectedNumValues)?),
                ("argument", &argument()?),
                ("given", &context.number(Kind::ActualNumValues)?),
            ],
        ),
        ErrorKind::InvalidUtf8 => lang.message("usage-invalid-utf8"),
        _ => return None,
    };
    Some(text)
}

/// `cannot be used with ...`: the same argument twice, or arguments that exclude another.
fn conflict(context: &Context, lang: Lang) -> Option<String> {
    let prior = context.strings(ContextKind::PriorArg);
    let others = match &prior {
        Some(names) if !names.is_empty() => quoted(names),
        _ => lang.message("usage-conflict-others"),
    };
    if let Some(argument) = context.string(ContextKind::InvalidArg) {
        if prior.as_deref() == Some(std::slice::from_ref(&argument)) {
            return Some(lang.message_with("usage-argument-repeated", &[("argument", &argument)]));
        }
        return Some(lang.message_with(
            "usage-argument-conflict",
            &[("argument", &argument), ("others", &others)],
        ));
    }
    let subcommand = context.string(ContextKind::InvalidSubcommand)?;
    Some(lang.message_with(
        "usage-subcommand-conflict",
        &[("subcommand", &subcommand), ("others", &others)],
    ))
}

/// `\n  [possible values: a, b]` under a line, when clap gives the list.
fn push_list(text: &mut String, id: &str, values: Option<Vec<String>>, lang: Lang) {
    let Some(values) = values.filter(|values| !values.is_empty()) else {
        return;
    };
    let list = lang.message_with(id, &[("values", &values.join(", "))]);
    let _ = write!(text, "\n{INDENT}[{list}]");
}

/// `'a', 'b'`.
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("'{name}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a value was refused: a number that does not parse in the catalogue's words; rekap's
/// own value parsers already word their reasons in the language of the run.
fn validation_reason(reason: &(dyn std::error::Error + 'static), lang: Lang) -> String {
    if let Some(number) = reason.downcast_ref::<std::num::ParseIntError>() {
        return match number.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                lang.message("usage-number-too-large")
            }
            _ => lang.message("usage-not-a-whole-number"),
        };
    }
    reason.to_string()
}

/// The tips under the headline: similar names, and clap's own suggestions (English text
/// clap writes in three forms, read back into the catalogue's words).
fn tips(context: &Context, lang: Lang) -> Vec<String> {
    let mut tips = Vec::new();
    for (kind, id) in [
        (
            ContextKind::SuggestedSubcommand,
            "usage-tip-similar-subcommand",
        ),
        (ContextKind::SuggestedArg, "usage-tip-similar-argument"),
        (ContextKind::SuggestedValue, "usage-tip-similar-value"),
    ] {
        if let Some(names) = context.strings(kind).filter(|names| !names.is_empty()) {
            tips.push(lang.message_with(id, &[("names", &quoted(&names))]));
        }
    }
    if let Some(ContextValue::StyledStrs(suggestions)) = context.0.get(ContextKind::Suggested) {
        for suggestion in suggestions {
            tips.push(suggestion_words(&suggestion.to_string(), lang));
        }
    }
    tips
}

/// One of clap's suggestions in `lang`: the quoted parts of the forms clap writes, put into
/// the catalogue's sentence; a form not known here is clap's text.
fn suggestion_words(suggestion: &str, lang: Lang) -> String {
    let parts: Vec<&str> = suggestion.split('\'').skip(1).step_by(2).collect();
    match parts.as_slice() {
        [value, example] if suggestion.starts_with("to pass ") => lang.message_with(
            "usage-tip-as-value",
            &[("value", value), ("example", example)],
        ),
        [subcommand, _] if suggestion.starts_with("subcommand ") => {
            lang.message_with("usage-tip-remove-dashes", &[("subcommand", subcommand)])
        }
        [example] if suggestion.ends_with(" exists") => {
            lang.message_with("usage-tip-exists", &[("example", example)])
        }
        _ => suggestion.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    /// The error of parsing `line` with the command in `lang`, worded, and whether clap
    /// gives a usage line with it.
    fn error_of(line: &str, lang: Lang) -> (ErrorKind, String, bool) {
        let command = crate::help_words::localized(Cli::command(), lang);
        let error = command
            .try_get_matches_from(line.split(' '))
            .expect_err("the line is a usage error");
        let text = render(&error, lang, None).expect("the error is worded");
        let usage = error.render().to_string().contains("\nUsage: ");
        (error.kind(), text, usage)
    }

    #[test]
    fn english_usage_errors_read_as_clap_words_them() {
        let (kind, text, _) = error_of("rekap status --stroe x", Lang::En);
        assert_eq!(kind, ErrorKind::UnknownArgument);
        assert!(
            text.starts_with("error: unexpected argument '--stroe' found\n\n  tip: a similar argument exists: '--store'"),
            "{text}"
        );
        assert!(text.contains("\n\nUsage: rekap status"), "{text}");
        assert!(
            text.ends_with("For more information, try '--help'.\n"),
            "{text}"
        );
    }

    #[test]
    fn usage_errors_of_every_common_kind_are_indonesian() {
        for (line, kind, words) in [
            (
                "rekap status --bogus",
                ErrorKind::UnknownArgument,
                "argumen '--bogus' tidak dikenal",
            ),
            (
                "rekap bogus",
                ErrorKind::InvalidSubcommand,
                "subperintah 'bogus' tidak dikenal",
            ),
            (
                "rekap keygen",
                ErrorKind::MissingRequiredArgument,
                "argumen wajib berikut tidak diberikan:\n  --out <BERKAS>",
            ),
            (
                "rekap status --format xml",
                ErrorKind::InvalidValue,
                "nilai yang mungkin: table, json, csv",
            ),
            (
                "rekap --wait many status",
                ErrorKind::ValueValidation,
                "bukan bilangan bulat",
            ),
            (
                "rekap status --store",
                ErrorKind::InvalidValue,
                "memerlukan nilai",
            ),
            (
                "rekap audit --store a --log b",
                ErrorKind::ArgumentConflict,
                "tidak boleh dipakai bersama '--",
            ),
        ] {
            let (found, text, usage) = error_of(line, Lang::Id);
            assert_eq!(found, kind, "{line}: {text}");
            assert!(text.starts_with("galat: "), "{line}: {text}");
            assert!(text.contains(words), "{line}: {words} in\n{text}");
            assert_eq!(
                text.contains("\n\nPenggunaan: rekap"),
                usage,
                "{line}: {text}"
            );
            assert!(
                text.ends_with("Untuk keterangan lebih lanjut, coba '--help'.\n"),
                "{text}"
            );
            for english in [
                "Usage:",
                "unexpected",
                "required",
                "invalid value",
                "tip:",
                "[OPTIONS]",
                "<FILE>",
            ] {
                assert!(!text.contains(english), "{line}: {english} in\n{text}");
            }
        }
    }

    #[test]
    fn clap_s_suggestions_are_read_back_into_words() {
        assert_eq!(
            suggestion_words("to pass '-x' as a value, use 'rekap -- -x'", Lang::Id),
            "untuk memberikan '-x' sebagai nilai, pakai 'rekap -- -x'"
        );
        assert_eq!(
            suggestion_words("'list --region' exists", Lang::Id),
            "'list --region' ada"
        );
        assert_eq!(
            suggestion_words(
                "subcommand 'status' exists; to use it, remove the '--' before it",
                Lang::Id
            ),
            "subperintah 'status' ada; untuk memakainya, hapus '--' di depannya"
        );
    }
}
