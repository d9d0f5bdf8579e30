//! An import's problems in the reader's language: the reasons rekap-import and rekap-formats
//! give as data ([`RowReason`], [`SourceReason`]), worded from the catalogue
//! (messages/*/import.ftl); a hard rule or a refusal inside is worded as the model's are.

use rekap_formats::mapped::MappingError;
use rekap_formats::{Expected, JsonType, SourceProblem, SourceReason};
use rekap_import::{RowProblem, RowReason};

use crate::lang::Lang;
use rekap_model_words::{hard_rule, refusal};

/// `"text"`, as the libraries' English quotes a cell.
fn quoted(text: &str) -> String {
    format!("{text:?}")
}

/// A sheets CSV problem as stderr lists it: `line 12, valid: reason`.
pub fn row_problem(problem: &RowProblem, lang: Lang) -> String {
    let reason = row_reason(&problem.reason, lang);
    match &problem.field {
        Some(field) => lang.message_with(
            "import-problem-at-field",
            &[
                ("line", &problem.line),
                ("field", field),
                ("reason", &reason),
            ],
        ),
        None => lang.message_with(
            "import-problem-at",
            &[("line", &problem.line), ("reason", &reason)],
        ),
    }
}

/// Another format's problem as stderr lists it: `file: /chart/2: reason`.
pub fn source_problem(problem: &SourceProblem, lang: Lang) -> String {
    let at = if problem.at.is_empty() {
        "/".to_owned()
    } else {
        place(&problem.at, lang)
    };
    let reason = source_reason(&problem.reason, lang);
    match &problem.field {
        Some(field) => format!("{}: {at}, {field}: {reason}", problem.file),
        None => format!("{}: {at}: {reason}", problem.file),
    }
}

/// `line N` in `lang`; a JSON pointer stays as it is.
pub fn place(at: &str, lang: Lang) -> String {
    match at.strip_prefix("line ") {
        Some(line) => lang.message_with("import-place-line", &[("line", &line)]),
        None => at.to_owned(),
    }
}

/// A kind of the summary (`R41`, `column valid`, `row`, `document`) in `lang`.
pub fn problem_kind(kind: &str, lang: Lang) -> String {
    match kind {
        "row" => lang.message("import-kind-row"),
        "document" => lang.message("import-kind-document"),
        _ => match kind.strip_prefix("column ") {
            Some(column) => lang.message_with("import-kind-column", &[("column", &column)]),
            None => kind.to_owned(),
        },
    }
}

pub fn row_reason(reason: &RowReason, lang: Lang) -> String {
    use RowReason as R;
    let n = |value: u64| lang.number(value);
    match reason {
        R::DuplicateColumn { name } => {
            lang.message_with("import-duplicate-column", &[("name", &quoted(name))])
        }
        R::UnknownColumn { name, position } => lang.message_with(
            "import-unknown-column",
            &[("name", &quoted(name)), ("position", position)],
        ),
        R::MissingColumn { name } => {
            lang.message_with("import-missing-column", &[("name", &quoted(name))])
        }
        R::EmptyFile => lang.message("import-empty-file"),
        R::FieldCount { fields, header } => lang.message_with(
            "import-field-count",
            &[("fields", &n(*fields)), ("header", &n(*header))],
        ),
        R::EmptyValue => lang.message("import-empty-value"),
        R::NotUtf8 { cell } => lang.message_with("import-not-utf8", &[("cell", &quoted(cell))]),
        R::EmptyNumber => lang.message("import-empty-number"),
        R::NotANumber { cell } => {
            lang.message_with("import-not-a-number", &[("cell", &quoted(cell))])
        }
        R::NumberTooLarge { cell, limit } => lang.message_with(
            "import-number-too-large",
            &[("cell", &quoted(cell)), ("limit", &n(u64::from(*limit)))],
        ),
        R::UnknownStation { code } => {
            lang.message_with("import-unknown-station", &[("code", &quoted(code))])
        }
        R::UnknownContest { id } => {
            lang.message_with("import-unknown-contest", &[("id", &quoted(id))])
        }
        R::SecondRow {
            code,
            contest,
            first,
        } => lang.message_with(
            "import-second-row",
            &[("code", code), ("contest", contest), ("first", first)],
        ),
        R::DifferentSheet {
            code,
            contest,
            since_seq,
        } => lang.message_with(
            "import-different-sheet",
            &[("code", code), ("contest", contest), ("seq", since_seq)],
        ),
        R::NoSuchVoteType => lang.message("import-no-such-vote-type"),
        R::MissingVoteTypeColumn { column, contest } => lang.message_with(
            "import-missing-vote-type-column",
            &[("column", column), ("contest", contest)],
        ),
        R::MissingVotesColumn {
            column,
            contest,
            pairs,
        } => lang.message_with(
            "import-missing-votes-column",
            &[("column", column), ("contest", contest), ("pairs", pairs)],
        ),
        R::ExtraVotesCell { contest, pairs } => lang.message_with(
            "import-extra-votes-cell",
            &[("contest", contest), ("pairs", pairs)],
        ),
        R::HardRule(violation) => hard_rule(violation, lang),
        R::Refused(refused) => refusal(refused, lang),
    }
}

pub fn source_reason(reason: &SourceReason, lang: Lang) -> String {
    use SourceReason as S;
    let n = |value: u64| lang.number(value);
    match reason {
        S::Row(row) => row_reason(row, lang),
        S::Mapping(mapping) => mapping_error(mapping, lang),
        S::Unreadable { reason } => reason.clone(),
        S::NotCsv { error } => lang.message_with("source-not-csv", &[("error", error)]),
        S::NotCsvText { error } => lang.message_with("source-not-csv-text", &[("error", error)]),
        S::NotJson {
            error,
            line,
            column,
        } => lang.message_with(
            "source-not-json",
            &[("error", error), ("line", line), ("column", column)],
        ),
        S::EmptyFile => lang.message("source-empty-file"),
        S::Expected(expected) => lang.message_with(
            "source-expected",
            &[("what", &expected_text(*expected, lang))],
        ),
        S::ExpectedCount { found } => lang.message_with(
            "source-expected-count",
            &[("found", &json_type(*found, lang))],
        ),
        S::NotACountNumber { number } => {
            lang.message_with("source-not-a-count-number", &[("number", number)])
        }
        S::CountTooLargeAtMost { number, limit } => lang.message_with(
            "source-count-too-large-at-most",
            &[("number", &n(*number)), ("limit", &n(u64::from(*limit)))],
        ),
        S::DocumentTooLarge { limit } => {
            lang.message_with("source-document-too-large", &[("limit", &n(*limit))])
        }
        S::MissingOpenElectionsColumn => lang.message("source-missing-openelections-column"),
        S::NotUtf8 => lang.message("source-not-utf8"),
        S::Empty => lang.message("source-empty"),
        S::EmptyCode => lang.message("source-empty-code"),
        S::NotACount { cell } => {
            lang.message_with("source-not-a-count", &[("cell", &quoted(cell))])
        }
        S::CountTooLarge { cell } => lang.message_with(
            "source-count-too-large",
            &[("cell", cell), ("limit", &n(u64::from(u32::MAX)))],
        ),
        S::NotAWholeNumber { cell } => {
            lang.message_with("source-not-a-whole-number", &[("cell", &quoted(cell))])
        }
        S::WholeNumberTooLarge { cell } => {
            lang.message_with("source-whole-number-too-large", &[("cell", &quoted(cell))])
        }
        S::SecondCandidateRow => lang.message("source-second-candidate-row"),
        S::NameTooLong { limit } => {
            lang.message_with("source-name-too-long", &[("limit", &n(*limit))])
        }
        S::NoCandidateRows { contest } => {
            lang.message_with("source-no-candidate-rows", &[("contest", contest)])
        }
        S::TooManyCandidates {
            contest,
            count,
            limit,
        } => lang.message_with(
            "source-too-many-candidates",
            &[("contest", contest), ("count", count), ("limit", limit)],
        ),
        S::ContestIdTaken { contest, id } => lang.message_with(
            "source-contest-id-taken",
            &[("contest", contest), ("id", &quoted(id))],
        ),
        S::UnknownPrecinct { precinct, county } => lang.message_with(
            "source-unknown-precinct",
            &[("precinct", &quoted(precinct)), ("county", &quoted(county))],
        ),
        S::UnknownOffice { name, id } => lang.message_with(
            "source-unknown-office",
            &[("name", &quoted(name)), ("id", &quoted(id))],
        ),
        S::UnknownCandidate { name, contest } => lang.message_with(
            "source-unknown-candidate",
            &[("name", &quoted(name)), ("contest", contest)],
        ),
        S::MissingVoteType { contest, vote_type } => lang.message_with(
            "source-missing-vote-type",
            &[("contest", contest), ("vote-type", vote_type)],
        ),
        S::NoMappedColumn {
            source_column,
            name,
        } => lang.message_with(
            "source-no-mapped-column",
            &[("source", &quoted(source_column)), ("name", name)],
        ),
        S::NoCodeColumn => lang.message("source-no-code-column"),
        S::NoStationColumn => lang.message("source-no-station-column"),
        S::UnknownStation { code } => {
            lang.message_with("source-unknown-station", &[("code", &quoted(code))])
        }
        S::PhotoUrlTooLong { limit } => {
            lang.message_with("source-photo-url-too-long", &[("limit", &n(*limit))])
        }
        S::TooManyPhotos { limit } => {
            lang.message_with("source-too-many-photos", &[("limit", &n(*limit))])
        }
        S::VotesForNoCandidate => lang.message("source-votes-for-no-candidate"),
        S::CandidateNotInFile {
            id,
            province,
            contest,
            pairs,
        } => lang.message_with(
            "source-candidate-not-in-file",
            &[
                ("id", &quoted(id)),
                ("province", province),
                ("contest", contest),
                ("pairs", pairs),
            ],
        ),
        S::NotABallotNumber { id, contest, pairs } => lang.message_with(
            "source-not-a-ballot-number",
            &[("id", &quoted(id)), ("contest", contest), ("pairs", pairs)],
        ),
        S::CandidateIdNoBallot { id, pairs } => lang.message_with(
            "source-candidate-id-no-ballot",
            &[("id", &quoted(id)), ("pairs", pairs)],
        ),
        S::SecondBallotCount => lang.message("source-second-ballot-count"),
        S::NullVotes => lang.message("source-null-votes"),
        S::NoVotesForBallot { number } => {
            lang.message_with("source-no-votes-for-ballot", &[("number", number)])
        }
        S::BallotNumberRequired => lang.message("source-ballot-number-required"),
        S::NotTpsFileName => lang.message("source-not-tps-file-name"),
        S::MisplacedTps { station, folder } => lang.message_with(
            "source-misplaced-tps",
            &[("station", station), ("folder", folder)],
        ),
    }
}

fn expected_text(expected: Expected, lang: Lang) -> String {
    match expected {
        Expected::Object => lang.message("source-expected-object"),
        Expected::OneTps => lang.message("source-expected-one-tps"),
        Expected::ChartAndAdministration => {
            lang.message("source-expected-chart-and-administration")
        }
        Expected::VotesByCandidate => lang.message("source-expected-votes-by-candidate"),
        Expected::ByRegionCode => lang.message("source-expected-by-region-code"),
        Expected::UrlList => lang.message("source-expected-url-list"),
        Expected::UrlOrNull => lang.message("source-expected-url-or-null"),
        Expected::TextOrNull => lang.message("source-expected-text-or-null"),
        Expected::BooleanOrNull => lang.message("source-expected-boolean-or-null"),
        Expected::Count => lang.message("source-expected-count-value"),
    }
}

fn json_type(found: JsonType, lang: Lang) -> String {
    match found {
        JsonType::Null => lang.message("source-json-null"),
        JsonType::Boolean => lang.message("source-json-boolean"),
        JsonType::Number => lang.message("source-json-number"),
        JsonType::Text => lang.message("source-json-text"),
        JsonType::List => lang.message("source-json-list"),
        JsonType::Object => lang.message("source-json-object"),
    }
}

/// A `--columns` mapping that cannot be read.
pub fn mapping_error(error: &MappingError, lang: Lang) -> String {
    match error {
        MappingError::NotAPair(part) => {
            lang.message_with("mapping-not-a-pair", &[("part", &quoted(part))])
        }
        MappingError::UnknownColumn(name) => {
            lang.message_with("mapping-unknown-column", &[("name", &quoted(name))])
        }
        MappingError::Twice(name) => lang.message_with("mapping-twice", &[("name", name)]),
        MappingError::Missing(name) => lang.message_with("mapping-missing", &[("name", name)]),
    }
}
