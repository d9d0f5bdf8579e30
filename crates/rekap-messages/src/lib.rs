//! rekap's words for people, in English and Indonesian: one Fluent catalogue
//! (`messages/<lang>/*.ftl`, embedded at build time) that the command line and the portal
//! both read, and numbers grouped as each language writes them.
//!
//! A message is asked for by id: `lang.message("status-records")`, or with its variables,
//! `lang.message_with("status-reported", &[("reported", &count)])`. Tests check that every id
//! has both languages with the same variables, and (in the binary and the portal) that every
//! id the code asks for exists.

use std::fmt::Display;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The language of what a person reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Lang {
    Id,
    En,
}

/// The catalogue's files, per language, in the order they are added to the bundle.
pub const SOURCES: &[(Lang, &str, &str)] = &[
    (
        Lang::En,
        "en/cli.ftl",
        include_str!("../messages/en/cli.ftl"),
    ),
    (
        Lang::En,
        "en/portal.ftl",
        include_str!("../messages/en/portal.ftl"),
    ),
    (
        Lang::En,
        "en/refusals.ftl",
        include_str!("../messages/en/refusals.ftl"),
    ),
    (
        Lang::En,
        "en/errors.ftl",
        include_str!("../messages/en/errors.ftl"),
    ),
    (
        Lang::En,
        "en/output.ftl",
        include_str!("../messages/en/output.ftl"),
    ),
    (
        Lang::En,
        "en/help.ftl",
        include_str!("../messages/en/help.ftl"),
    ),
    (
        Lang::En,
        "en/usage.ftl",
        include_str!("../messages/en/usage.ftl"),
    ),
    (
        Lang::En,
        "en/commands.ftl",
        include_str!("../messages/en/commands.ftl"),
    ),
    (
        Lang::En,
        "en/definition.ftl",
        include_str!("../messages/en/definition.ftl"),
    ),
    (
        Lang::En,
        "en/import.ftl",
        include_str!("../messages/en/import.ftl"),
    ),
    (
        Lang::En,
        "en/witness.ftl",
        include_str!("../messages/en/witness.ftl"),
    ),
    (
        Lang::En,
        "en/values.ftl",
        include_str!("../messages/en/values.ftl"),
    ),
    (
        Lang::Id,
        "id/cli.ftl",
        include_str!("../messages/id/cli.ftl"),
    ),
    (
        Lang::Id,
        "id/portal.ftl",
        include_str!("../messages/id/portal.ftl"),
    ),
    (
        Lang::Id,
        "id/refusals.ftl",
        include_str!("../messages/id/refusals.ftl"),
    ),
    (
        Lang::Id,
        "id/errors.ftl",
        include_str!("../messages/id/errors.ftl"),
    ),
    (
        Lang::Id,
        "id/output.ftl",
        include_str!("../messages/id/output.ftl"),
    ),
    (
        Lang::Id,
        "id/help.ftl",
        include_str!("../messages/id/help.ftl"),
    ),
    (
        Lang::Id,
        "id/usage.ftl",
        include_str!("../messages/id/usage.ftl"),
    ),
    (
        Lang::Id,
        "id/commands.ftl",
        include_str!("../messages/id/commands.ftl"),
    ),
    (
        Lang::Id,
        "id/definition.ftl",
        include_str!("../messages/id/definition.ftl"),
    ),
    (
        Lang::Id,
        "id/import.ftl",
        include_str!("../messages/id/import.ftl"),
    ),
    (
        Lang::Id,
        "id/witness.ftl",
        include_str!("../messages/id/witness.ftl"),
    ),
    (
        Lang::Id,
        "id/values.ftl",
        include_str!("../messages/id/values.ftl"),
    ),
];

impl Lang {
    /// The BCP 47 code: `id`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// From the locale environment as POSIX orders it: LC_ALL, then LC_MESSAGES, then LANG
    /// (the first that is set and not empty); `id` or `id_*` is Indonesian, anything else
    /// English.
    pub fn from_environment() -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .unwrap_or_default();
        Lang::from_locale(&locale)
    }

    /// `id`, `id_ID.UTF-8`, `id-ID` are Indonesian; anything else is English.
    pub fn from_locale(locale: &str) -> Lang {
        let language = locale
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or_default();
        if language.eq_ignore_ascii_case("id") {
            Lang::Id
        } else {
            Lang::En
        }
    }

    /// A message without variables.
    pub fn message(self, id: &str) -> String {
        self.message_with(id, &[])
    }

    /// A message without variables when the catalogue has it: for ids made up at run time
    /// (the --help entries, named after commands and arguments), whose test is their own.
    pub fn message_if_any(self, id: &str) -> Option<String> {
        let bundle = bundle(self);
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, None, &mut errors);
        errors.is_empty().then(|| text.into_owned())
    }

    /// A message with its variables, each given as the text a person reads (a number already
    /// grouped with [`Lang::number`] where it should be).
    pub fn message_with(self, id: &str, variables: &[(&str, &dyn Display)]) -> String {
        let bundle = bundle(self);
        let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
            debug_assert!(
                false,
                "message {id} is not in the {} catalogue",
                self.code()
            );
            return id.to_owned();
        };
        let mut arguments = FluentArgs::new();
        for (name, value) in variables {
            arguments.set(*name, argument(value.to_string()));
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&arguments), &mut errors);
        debug_assert!(errors.is_empty(), "message {id}: {errors:?}");
        text.into_owned()
    }

    /// A count grouped for people: 1.790.192 (id) or 1,790,192 (en).
    pub fn number(self, value: u64) -> String {
        let separator = match self {
            Lang::Id => '.',
            Lang::En => ',',
        };
        let digits = value.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                grouped.push(separator);
            }
            grouped.push(digit);
        }
        grouped
    }

    /// A percentage with two decimals: 96,40% (id) or 96.40% (en), from integers (no float);
    /// 0 of nothing is 0,00%.
    pub fn percent(self, part: u64, whole: u64) -> String {
        let hundredths = (u128::from(part) * 10_000 + u128::from(whole) / 2)
            .checked_div(u128::from(whole))
            .unwrap_or(0);
        let separator = match self {
            Lang::Id => ',',
            Lang::En => '.',
        };
        format!("{}{separator}{:02}%", hundredths / 100, hundredths % 100)
    }

    /// A name the election definition gives in both languages (a level's name): data, not
    /// a message of the catalogue.
    pub fn name<'a>(self, english: &'a str, indonesian: &'a str) -> &'a str {
        match self {
            Lang::Id => indonesian,
            Lang::En => english,
        }
    }
}

/// The bundle of one language, built once from the embedded files.
fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static ENGLISH: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    static INDONESIAN: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    let cell = match lang {
        Lang::En => &ENGLISH,
        Lang::Id => &INDONESIAN,
    };
    cell.get_or_init(|| build(lang))
}

fn build(lang: Lang) -> FluentBundle<FluentResource> {
    let identifier = lang
        .code()
        .parse()
        .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
    let mut bundle = FluentBundle::new_concurrent(vec![identifier]);
    // Placeables are not wrapped in Unicode isolation marks: the text goes to terminals, CSV
    // and pages that are left to right, and tests compare it byte for byte.
    bundle.set_use_isolating(false);
    for (source_lang, name, text) in SOURCES {
        if *source_lang != lang {
            continue;
        }
        // The catalogue's own test refuses a file with a syntax error or a duplicate id, so
        // what is added here parses; a broken entry is skipped rather than stopping the tool.
        let resource = FluentResource::try_new((*text).to_owned())
            .unwrap_or_else(|(partial, _errors)| partial);
        if let Err(errors) = bundle.add_resource(resource) {
            debug_assert!(false, "{name}: {errors:?}");
        }
    }
    bundle
}

/// Every message of one language and the variables it uses, from the catalogue's files.
pub fn catalogue(lang: Lang) -> Result<Catalogue, String> {
    variables::catalogue(lang)
}

pub use variables::Catalogue;

mod variables;

#[cfg(test)]
mod tests;

/// A variable as Fluent takes it: a plain count (digits, no leading zero, small enough to be
/// exact) as a number, so that the English catalogue's plural selectors (`[one] problem`)
/// see it, and prints it as the same digits; anything else (a grouped count, a code with
/// leading zeros, words) as the text given.
fn argument(text: String) -> FluentValue<'static> {
    let plain_count = !text.is_empty()
        && text.len() <= 15
        && text.bytes().all(|byte| byte.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    match text.parse::<u64>() {
        Ok(count) if plain_count => FluentValue::from(count),
        _ => FluentValue::from(text),
    }
}
