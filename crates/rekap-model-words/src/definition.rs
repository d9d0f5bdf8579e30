//! A definition that is not valid (the election file, its regions CSV, a genesis), worded
//! from the catalogue (messages/*/definition.ftl) with the error's line, field and reason.
//! The reasons inside (a CSV line's problem, a station list's) are data too, worded here;
//! only the csv and serde_json crates' own reasons stay as they give them.

use rekap_model::{CsvProblem, DefinitionError, NumbersProblem, StationRowProblem};

use rekap_messages::Lang;

/// The name of a part of the definition (`contests`, `regions (sorted by code, unique)`)
/// in `lang`; a name the catalogue does not know is the model's.
pub fn part(name: &str, lang: Lang) -> String {
    let slug: String = name
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() {
                character.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    lang.message_if_any(&format!("definition-part-{slug}"))
        .unwrap_or_else(|| name.to_owned())
}

/// `"text"`, as the model's English `Display` quotes codes.
fn quoted(text: &str) -> String {
    format!("{text:?}")
}

pub fn definition_error(error: &DefinitionError, lang: Lang) -> String {
    use DefinitionError as E;
    let n = |value: u64| lang.number(value);
    match error {
        E::UnsupportedFormat { version } => lang.message_with(
            "definition-unsupported-format",
            &[
                ("version", version),
                (
                    "supported",
                    &rekap_model::definition::DEFINITION_FORMAT_VERSION,
                ),
            ],
        ),
        E::UnsupportedFileFormat { found, expected } => lang.message_with(
            "definition-unsupported-file-format",
            &[("found", &quoted(found)), ("expected", &quoted(expected))],
        ),
        E::Empty { field } => {
            lang.message_with("definition-empty", &[("field", &part(field, lang))])
        }
        E::TooLong {
            field,
            bytes,
            limit,
        } => lang.message_with(
            "definition-too-long",
            &[
                ("field", &part(field, lang)),
                ("bytes", &n(*bytes)),
                ("limit", &n(*limit)),
            ],
        ),
        E::TooMany {
            field,
            count,
            limit,
        } => lang.message_with(
            "definition-too-many",
            &[
                ("count", &n(*count)),
                ("field", &part(field, lang)),
                ("limit", &n(*limit)),
            ],
        ),
        E::TooFewLevels { count, least } => lang.message_with(
            "definition-too-few-levels",
            &[("count", count), ("least", least)],
        ),
        E::BadLevelKey { key } => {
            lang.message_with("definition-bad-level-key", &[("key", &quoted(key))])
        }
        E::DuplicateLevel { key } => {
            lang.message_with("definition-duplicate-level", &[("key", &quoted(key))])
        }
        E::UnknownLevel { key } => {
            lang.message_with("definition-unknown-level", &[("key", &quoted(key))])
        }
        E::PlenaryAtStationLevel => lang.message("definition-plenary-at-station-level"),
        E::NoPlenaryLevel => lang.message("definition-no-plenary-level"),
        E::BadCapacity { capacity, limit } => lang.message_with(
            "definition-bad-capacity",
            &[
                ("capacity", &n((*capacity).into())),
                ("limit", &n((*limit).into())),
            ],
        ),
        E::BadKey { what, key } => lang.message_with(
            "definition-bad-key",
            &[("what", &part(what, lang)), ("key", key)],
        ),
        E::WeakKey { what, key } => lang.message_with(
            "definition-weak-key",
            &[("what", &part(what, lang)), ("key", key)],
        ),
        E::BadContestId { id } => {
            lang.message_with("definition-bad-contest-id", &[("id", &quoted(id))])
        }
        E::NotCanonical { what, at } => lang.message_with(
            "definition-not-canonical",
            &[("what", &part(what, lang)), ("at", &quoted(at))],
        ),
        E::UnknownRegion { what, code } => lang.message_with(
            "definition-unknown-region",
            &[("what", &part(what, lang)), ("code", &quoted(code))],
        ),
        E::NoPairs { contest } => {
            lang.message_with("definition-no-pairs", &[("contest", &quoted(contest))])
        }
        E::BadVoteType { contest, key } => lang.message_with(
            "definition-bad-vote-type",
            &[("contest", &quoted(contest)), ("key", &quoted(key))],
        ),
        E::BadContestPart { contest, code } => lang.message_with(
            "definition-bad-contest-part",
            &[("contest", &quoted(contest)), ("code", &quoted(code))],
        ),
        E::OverlappingContestParts { contest, code } => lang.message_with(
            "definition-overlapping-contest-parts",
            &[("contest", &quoted(contest)), ("code", &quoted(code))],
        ),
        E::PairNumbering {
            contest,
            expected,
            found,
        } => lang.message_with(
            "definition-pair-numbering",
            &[
                ("contest", &quoted(contest)),
                ("found", found),
                ("expected", expected),
            ],
        ),
        E::BadOfficer { key, reason } => lang.message_with(
            "definition-bad-officer",
            &[("key", key), ("reason", &crate::refusal(reason, lang))],
        ),
        other => regions_error(other, lang),
    }
}

/// The errors of the region tree and its CSV.
fn regions_error(error: &DefinitionError, lang: Lang) -> String {
    use DefinitionError as E;
    let code_only = |id: &str, code: &str| lang.message_with(id, &[("code", &quoted(code))]);
    match error {
        E::BadRegionCode { code } => code_only("definition-bad-region-code", code),
        E::DuplicateRegion { code } => code_only("definition-duplicate-region", code),
        E::RegionLevelOutOfRange {
            code,
            level,
            region_levels,
        } => lang.message_with(
            "definition-region-level-out-of-range",
            &[
                ("code", &quoted(code)),
                ("level", level),
                ("region-levels", region_levels),
            ],
        ),
        E::TopLevelWithParent { code } => code_only("definition-top-level-with-parent", code),
        E::MissingParent { code } => code_only("definition-missing-parent", code),
        E::UnknownParent { code, parent } => lang.message_with(
            "definition-unknown-parent",
            &[("code", &quoted(code)), ("parent", &quoted(parent))],
        ),
        E::ParentLevelMismatch {
            code,
            level,
            parent,
            parent_level,
        } => lang.message_with(
            "definition-parent-level-mismatch",
            &[
                ("code", &quoted(code)),
                ("level", level),
                ("parent", &quoted(parent)),
                ("parent-level", parent_level),
            ],
        ),
        E::StationsAtWrongLevel { code, level } => lang.message_with(
            "definition-stations-at-wrong-level",
            &[("code", &quoted(code)), ("level", level)],
        ),
        E::TooManyStationsInRegion {
            code,
            stations,
            limit,
        } => lang.message_with(
            "definition-too-many-stations-in-region",
            &[
                ("code", &quoted(code)),
                ("stations", &lang.number((*stations).into())),
                ("limit", &lang.number((*limit).into())),
            ],
        ),
        E::BadStationNumbers { code, problem } => lang.message_with(
            "definition-bad-station-numbers",
            &[
                ("code", &quoted(code)),
                ("problem", &numbers_problem(problem, lang)),
            ],
        ),
        E::BadStationCode { code } => code_only("definition-bad-station-code", code),
        E::StationParentLevel { code, parent } => lang.message_with(
            "definition-station-parent-level",
            &[("code", &quoted(code)), ("parent", &quoted(parent))],
        ),
        E::StationsCountedAndListed { code } => {
            code_only("definition-stations-counted-and-listed", code)
        }
        E::StationSpelledTwice { code, other } => lang.message_with(
            "definition-station-spelled-twice",
            &[("code", &quoted(code)), ("other", &quoted(other))],
        ),
        E::Csv { line, problem } => lang.message_with(
            "definition-csv",
            &[("line", line), ("problem", &csv_problem(problem, lang))],
        ),
        E::BadStationRow { problem } => station_row_problem(problem, lang),
        E::Json(problem) => lang.message_with("definition-json", &[("problem", problem)]),
        E::RegionsGivenTwice => lang.message("definition-regions-given-twice"),
        E::NoRegions => lang.message("definition-no-regions"),
        E::RegionsCsvMissing { name } => {
            lang.message_with("definition-regions-csv-missing", &[("name", &quoted(name))])
        }
        E::Read(problem) => lang.message_with("definition-read", &[("problem", problem)]),
        // Any later variant is its English Display until it is worded here.
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

/// A regions CSV line's problem.
fn csv_problem(problem: &CsvProblem, lang: Lang) -> String {
    match problem {
        CsvProblem::RecordTooLong { limit } => lang.message_with(
            "definition-csv-record-too-long",
            &[("limit", &lang.number(*limit))],
        ),
        CsvProblem::Header { header } => {
            lang.message_with("definition-csv-header", &[("header", &quoted(header))])
        }
        CsvProblem::FieldCount { fields, header } => lang.message_with(
            "definition-csv-field-count",
            &[("fields", fields), ("header", header)],
        ),
        CsvProblem::Level(error) => lang.message_with(
            "definition-csv-level",
            &[("problem", &definition_error(error, lang))],
        ),
        CsvProblem::Stations(problem) => lang.message_with(
            "definition-csv-stations",
            &[("problem", &numbers_problem(problem, lang))],
        ),
        CsvProblem::Row(problem) => station_row_problem(problem, lang),
        CsvProblem::NotUtf8 { column } => {
            lang.message_with("definition-csv-not-utf8", &[("column", &quoted(column))])
        }
        CsvProblem::Syntax(reason) => reason.clone(),
    }
}

/// A row of the station level that is not a listed station.
fn station_row_problem(problem: &StationRowProblem, lang: Lang) -> String {
    match problem {
        StationRowProblem::HasCount { code } => {
            lang.message_with("definition-station-has-count", &[("code", &quoted(code))])
        }
        StationRowProblem::NoParent { code } => {
            lang.message_with("definition-station-no-parent", &[("code", &quoted(code))])
        }
        StationRowProblem::RegionsOnly { code } => lang.message_with(
            "definition-station-regions-only",
            &[("code", &quoted(code))],
        ),
    }
}

/// A region's station numbers that are not valid.
fn numbers_problem(problem: &NumbersProblem, lang: Lang) -> String {
    use NumbersProblem as N;
    match problem {
        N::TooManyRanges { ranges, limit } => lang.message_with(
            "numbers-too-many-ranges",
            &[("ranges", &lang.number(*ranges)), ("limit", limit)],
        ),
        N::NoGap { range, before } => {
            lang.message_with("numbers-no-gap", &[("range", range), ("before", before)])
        }
        N::TooManyStations { count, limit } => lang.message_with(
            "numbers-too-many-stations",
            &[("count", &lang.number(u64::from(*count))), ("limit", limit)],
        ),
        N::EmptyItem => lang.message("numbers-empty-item"),
        N::NotARange { item } => {
            lang.message_with("numbers-not-a-range", &[("item", &quoted(item))])
        }
        N::Overlaps { item, before } => {
            lang.message_with("numbers-overlaps", &[("item", item), ("before", before)])
        }
        N::NotANumber { text } => {
            lang.message_with("numbers-not-a-number", &[("text", &quoted(text))])
        }
        N::Zero => lang.message("numbers-zero"),
        N::OverLimit { number, limit } => lang.message_with(
            "numbers-over-limit",
            &[
                ("number", &lang.number(u64::from(*number))),
                ("limit", limit),
            ],
        ),
        N::Descends { first, last } => {
            lang.message_with("numbers-descends", &[("first", first), ("last", last)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_definition_error_reads_in_indonesian_with_its_fields() {
        let error = DefinitionError::UnknownParent {
            code: "64.01".to_owned(),
            parent: "99".to_owned(),
        };
        assert_eq!(
            definition_error(&error, Lang::Id),
            "wilayah \"64.01\" berinduk \"99\", yang bukan wilayah"
        );
        assert_eq!(definition_error(&error, Lang::En), error.to_string());
        let error = DefinitionError::Csv {
            line: 7,
            problem: CsvProblem::Stations(NumbersProblem::Zero),
        };
        assert!(definition_error(&error, Lang::Id).starts_with("CSV wilayah baris 7: "));
        assert_eq!(
            part("regions (sorted by code, unique)", Lang::Id),
            "wilayah (urut menurut kode, unik)"
        );
        assert_eq!(part("something new", Lang::Id), "something new");
    }

    /// The English words are the model's Display for every variant with typed fields, so
    /// that the catalogue cannot drift from the model's own text.
    #[test]
    fn the_english_words_are_the_model_s() {
        let errors = [
            DefinitionError::TooMany {
                field: "contests",
                count: 9,
                limit: 8,
            },
            DefinitionError::NotCanonical {
                what: "regions (sorted by code, unique)",
                at: "64".to_owned(),
            },
            DefinitionError::PairNumbering {
                contest: "c".to_owned(),
                expected: 2,
                found: 3,
            },
            DefinitionError::RegionLevelOutOfRange {
                code: "64".to_owned(),
                level: 5,
                region_levels: 4,
            },
            DefinitionError::UnsupportedFormat { version: 99 },
            DefinitionError::NoRegions,
        ];
        for error in errors {
            assert_eq!(definition_error(&error, Lang::En), error.to_string());
        }
    }
}
