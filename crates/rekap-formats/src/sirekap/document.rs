//! One TPS document read straight into its sheet: the parser's events are checked as they
//! come (every field optional, a field of the wrong type a problem at its pointer), and only
//! the numbers, the photo URLs and the problems are kept.

use crate::reason::{Expected, SourceReason};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use rekap_model::limits::{MAX_PHOTO_URL_BYTES, MAX_SOURCE_PHOTOS};
use rekap_model::TallySheet;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess};

use super::json::{Field, Key, List, ReadField, Scalar, Shape};
use super::{pointer_of, ContestShape, DocumentCounts, ADMINISTRATION_COUNTS};
use crate::problem::SourceProblem;
use crate::sourced::{FieldNames, SourceDocument, SourcedSheet};

/// The field names of the sheets seen so far (most documents of a tree share a few: the
/// same candidate ids, at the root or under `tungsura`), so that each sheet's are not built
/// again.
#[derive(Default)]
pub struct FieldNamesSeen {
    known: Vec<(&'static str, Vec<String>, FieldNames)>,
}

/// Field name sets kept; a tree with more shapes builds the others per sheet.
const FIELD_NAMES_KEPT: usize = 64;

impl FieldNamesSeen {
    /// The names of a sheet whose chart is at `base` with `ids` (the portal id of each
    /// ballot number, in order).
    fn names(&mut self, base: &'static str, ids: &[Cow<'_, str>]) -> FieldNames {
        let same = |(known_base, known_ids, _): &&(&str, Vec<String>, FieldNames)| {
            *known_base == base
                && known_ids.len() == ids.len()
                && known_ids.iter().zip(ids).all(|(known, id)| known == id)
        };
        if let Some((_, _, names)) = self.known.iter().find(same) {
            return names.clone();
        }
        let chart = format!("{base}/chart");
        let mut fields: BTreeMap<String, String> = ids
            .iter()
            .enumerate()
            .map(|(index, id)| (format!("votes_{}", index + 1), pointer_of(&chart, id)))
            .collect();
        fields.insert("valid".into(), format!("{base}/administrasi/suara_sah"));
        fields.insert(
            "invalid".into(),
            format!("{base}/administrasi/suara_tidak_sah"),
        );
        fields.insert("station".into(), String::new());
        fields.insert("contest".into(), String::new());
        let names = Arc::new(fields);
        if self.known.len() < FIELD_NAMES_KEPT {
            let ids = ids.iter().map(|id| id.to_string()).collect();
            self.known.push((base, ids, names.clone()));
        }
        names
    }
}

/// Reads one TPS document (see [`super::read_document`]).
pub(super) fn read(
    file: &str,
    bytes: &[u8],
    station: &str,
    contest: &ContestShape<'_>,
    counts: &mut DocumentCounts,
    names: &mut FieldNamesSeen,
) -> Result<Option<SourcedSheet>, Vec<SourceProblem>> {
    counts.documents += 1;
    let reader = Root {
        file,
        province: station.get(..2).unwrap_or_default(),
        contest,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = Field(reader)
        .deserialize(&mut deserializer)
        .and_then(|parts| deserializer.end().map(|()| parts));
    let root = match parsed {
        Ok(Shape::Read(root)) => root,
        Ok(_) => return Err(vec![SourceProblem::new(file, "", Expected::OneTps)]),
        Err(error) => return Err(super::syntax_problem(file, &error)),
    };
    let Parts {
        mut problems,
        status_adm,
        photos,
        photo_problems,
        counts: at_root,
        tungsura,
    } = root;
    let (read_counts, base) = match tungsura {
        Shape::Null => (at_root, ""),
        Shape::Read(tungsura) => (tungsura, "/tungsura"),
        Shape::Other => {
            problems.push(SourceProblem::new(
                file,
                "/tungsura",
                Expected::ChartAndAdministration,
            ));
            return Err(problems);
        }
    };
    problems.extend(photo_problems);
    problems.extend(read_counts.problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let Some(chart) = read_counts.chart else {
        counts.not_counted += 1;
        return Ok(None);
    };
    let votes: Vec<u32> = chart.votes.iter().map(|vote| vote.unwrap_or(0)).collect();
    let sum: u64 = votes.iter().map(|v| u64::from(*v)).sum();
    let chart_sum = u32::try_from(sum).unwrap_or(u32::MAX);
    let administration = read_counts.administration;
    let trusted = administration.filter(|_| status_adm != Some(false));
    let valid = match trusted.and_then(|a| a.valid) {
        Some(valid) => valid,
        None => {
            counts.without_administration += 1;
            chart_sum
        }
    };
    // Absent, not 0: the sheet records that the document gives no invalid count.
    let invalid = administration.and_then(|a| a.invalid);
    if invalid.is_none() {
        counts.invalid_unknown += 1;
    }
    let ids: Vec<Cow<'_, str>> = chart
        .ids
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect();
    Ok(Some(SourcedSheet {
        file: Arc::from(file),
        at: String::new(),
        station: station.to_owned(),
        contest: contest.id.to_owned(),
        sheet: TallySheet {
            votes,
            valid,
            invalid,
            votes_only: true,
            ..TallySheet::default()
        },
        fields: names.names(base, &ids),
        source: Some(SourceDocument {
            document: *blake3::hash(bytes).as_bytes(),
            photos,
        }),
    }))
}

/// What the root object gave.
struct Parts<'de> {
    /// Of `ts`, `psu`, `mode`, `status_suara`, `status_adm`.
    problems: Vec<SourceProblem>,
    status_adm: Option<bool>,
    photos: Vec<String>,
    photo_problems: Vec<SourceProblem>,
    /// `chart` and `administrasi` at the root.
    counts: Counts<'de>,
    /// The regional elections' `tungsura` (its counts are used when it is an object).
    tungsura: Shape<Counts<'de>>,
}

/// A `chart` and an `administrasi` (at the root or under `tungsura`).
#[derive(Default)]
struct Counts<'de> {
    chart: Option<Chart<'de>>,
    administration: Option<Administration>,
    problems: Vec<SourceProblem>,
}

/// The votes in ballot order and the portal id each came from.
struct Chart<'de> {
    votes: Vec<Option<u32>>,
    ids: Vec<Option<Cow<'de, str>>>,
}

#[derive(Clone, Copy)]
struct Administration {
    valid: Option<u32>,
    invalid: Option<u32>,
}

#[derive(Clone, Copy)]
struct Root<'r> {
    file: &'r str,
    province: &'r str,
    contest: &'r ContestShape<'r>,
}

impl<'de> ReadField<'de> for Root<'_> {
    type Output = Parts<'de>;

    fn read_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape<Parts<'de>>, A::Error> {
        let mut parts = Parts {
            problems: Vec::new(),
            status_adm: None,
            photos: Vec::new(),
            photo_problems: Vec::new(),
            counts: Counts::default(),
            tungsura: Shape::Null,
        };
        while let Some(Key(key)) = map.next_key()? {
            let expected = match &*key {
                "ts" | "psu" | "mode" => match map.next_value()? {
                    Scalar::Null | Scalar::Text(_) => None,
                    _ => Some(Expected::TextOrNull),
                },
                "status_suara" | "status_adm" => match map.next_value()? {
                    Scalar::Null => None,
                    Scalar::Bool(value) => {
                        if key == "status_adm" {
                            parts.status_adm = Some(value);
                        }
                        None
                    }
                    _ => Some(Expected::BooleanOrNull),
                },
                "images" => {
                    let images = map.next_value_seed(Field(List))?;
                    (parts.photos, parts.photo_problems) = photos(self.file, images);
                    None
                }
                "tungsura" => {
                    let counts = CountsReader {
                        root: self,
                        base: "/tungsura",
                    };
                    parts.tungsura = map.next_value_seed(Field(counts))?;
                    None
                }
                _ => {
                    let counts = CountsReader {
                        root: self,
                        base: "",
                    };
                    counts.entry(&key, &mut map, &mut parts.counts)?;
                    None
                }
            };
            if let Some(expected) = expected {
                let at = pointer_of("", &key);
                parts
                    .problems
                    .push(SourceProblem::new(self.file, at, expected));
            }
        }
        Ok(Shape::Read(parts))
    }
}

/// The photo URLs of `images` (nulls skipped) and the problems of the list.
fn photos(file: &str, images: Shape<Vec<Scalar<'_>>>) -> (Vec<String>, Vec<SourceProblem>) {
    let mut photos = Vec::new();
    let mut problems = Vec::new();
    let images = match images {
        Shape::Null => return (photos, problems),
        Shape::Other => {
            problems.push(SourceProblem::new(file, "/images", Expected::UrlList));
            return (photos, problems);
        }
        Shape::Read(images) => images,
    };
    for (index, image) in images.into_iter().enumerate() {
        let at = || format!("/images/{index}");
        match image {
            Scalar::Null => {}
            Scalar::Text(url) if url.len() > MAX_PHOTO_URL_BYTES => {
                problems.push(SourceProblem::new(
                    file,
                    at(),
                    SourceReason::PhotoUrlTooLong {
                        limit: MAX_PHOTO_URL_BYTES as u64,
                    },
                ))
            }
            Scalar::Text(url) => photos.push(url.into_owned()),
            _ => problems.push(SourceProblem::new(file, at(), Expected::UrlOrNull)),
        }
    }
    if photos.len() > MAX_SOURCE_PHOTOS {
        problems.push(SourceProblem::new(
            file,
            "/images",
            SourceReason::TooManyPhotos {
                limit: MAX_SOURCE_PHOTOS as u64,
            },
        ));
    }
    (photos, problems)
}

/// Reads `chart` and `administrasi` of an object at `base`; other keys are skipped.
#[derive(Clone, Copy)]
struct CountsReader<'r> {
    root: Root<'r>,
    base: &'static str,
}

impl<'de> ReadField<'de> for CountsReader<'_> {
    type Output = Counts<'de>;

    fn read_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape<Counts<'de>>, A::Error> {
        let mut counts = Counts::default();
        while let Some(Key(key)) = map.next_key()? {
            self.entry(&key, &mut map, &mut counts)?;
        }
        Ok(Shape::Read(counts))
    }
}

impl CountsReader<'_> {
    /// Reads the value of `key` into `counts` if it is `chart` or `administrasi`, else
    /// skips it.
    fn entry<'de, A: MapAccess<'de>>(
        self,
        key: &str,
        map: &mut A,
        counts: &mut Counts<'de>,
    ) -> Result<(), A::Error> {
        let file = self.root.file;
        match key {
            "chart" => match map.next_value_seed(Field(ChartReader(self)))? {
                Shape::Null => {}
                Shape::Read((chart, problems)) => {
                    counts.chart = Some(chart);
                    counts.problems.extend(problems);
                }
                Shape::Other => counts.problems.push(SourceProblem::new(
                    file,
                    format!("{}/chart", self.base),
                    Expected::VotesByCandidate,
                )),
            },
            "administrasi" => match map.next_value_seed(Field(AdministrationReader(self)))? {
                Shape::Null => {}
                Shape::Read((administration, problems)) => {
                    counts.administration = Some(administration);
                    counts.problems.extend(problems);
                }
                Shape::Other => counts.problems.push(SourceProblem::new(
                    file,
                    format!("{}/administrasi", self.base),
                    Expected::Object,
                )),
            },
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// `chart`: votes keyed by candidate id, mapped to ballot numbers.
struct ChartReader<'r>(CountsReader<'r>);

impl<'de> ReadField<'de> for ChartReader<'_> {
    type Output = (Chart<'de>, Vec<SourceProblem>);

    fn read_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape<Self::Output>, A::Error> {
        let Root {
            file,
            province,
            contest,
        } = self.0.root;
        let chart_at = format!("{}/chart", self.0.base);
        let mut chart = Chart {
            votes: vec![None; contest.pairs],
            ids: vec![None; contest.pairs],
        };
        let mut problems = Vec::new();
        while let Some(Key(id)) = map.next_key()? {
            let value: Scalar<'de> = map.next_value()?;
            let mut problem = |reason: SourceReason| {
                problems.push(SourceProblem::new(file, pointer_of(&chart_at, &id), reason))
            };
            let count = match value.count() {
                Ok(count) => count,
                Err(reason) => {
                    problem(reason);
                    continue;
                }
            };
            if id == "null" {
                if count.unwrap_or(0) != 0 {
                    problem(SourceReason::VotesForNoCandidate);
                }
                continue;
            }
            let number = match contest.candidates {
                Some(candidates) => candidates.number(province, &id),
                None => id.parse::<u32>().ok(),
            };
            let slot = number
                .and_then(|number| number.checked_sub(1))
                .map(|index| index as usize)
                .filter(|index| *index < contest.pairs);
            let Some(slot) = slot else {
                problem(match contest.candidates {
                    Some(_) => SourceReason::CandidateNotInFile {
                        id: id.to_string(),
                        province: province.to_owned(),
                        contest: contest.id.to_owned(),
                        pairs: contest.pairs as u64,
                    },
                    None => SourceReason::NotABallotNumber {
                        id: id.to_string(),
                        contest: contest.id.to_owned(),
                        pairs: contest.pairs as u64,
                    },
                });
                continue;
            };
            if chart.votes[slot].is_some() {
                problem(SourceReason::SecondBallotCount);
                continue;
            }
            if count.is_none() {
                problem(SourceReason::NullVotes);
            }
            chart.votes[slot] = Some(count.unwrap_or(0));
            chart.ids[slot] = Some(id);
        }
        for (index, vote) in chart.votes.iter().enumerate() {
            if vote.is_none() {
                problems.push(SourceProblem::new(
                    file,
                    chart_at.clone(),
                    SourceReason::NoVotesForBallot {
                        number: index as u64 + 1,
                    },
                ));
            }
        }
        Ok(Shape::Read((chart, problems)))
    }
}

/// `administrasi`: every count type-checked, the valid and invalid votes kept.
struct AdministrationReader<'r>(CountsReader<'r>);

impl<'de> ReadField<'de> for AdministrationReader<'_> {
    type Output = (Administration, Vec<SourceProblem>);

    fn read_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape<Self::Output>, A::Error> {
        let at = format!("{}/administrasi", self.0.base);
        let mut found = Administration {
            valid: None,
            invalid: None,
        };
        let mut problems = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            if !ADMINISTRATION_COUNTS.contains(&&*key) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value = match map.next_value::<Scalar<'de>>()?.count() {
                Ok(count) => count,
                Err(reason) => {
                    let pointer = pointer_of(&at, &key);
                    problems.push(SourceProblem::new(self.0.root.file, pointer, reason));
                    None
                }
            };
            match &*key {
                "suara_sah" => found.valid = value,
                "suara_tidak_sah" => found.invalid = value,
                _ => {}
            }
        }
        Ok(Shape::Read((found, problems)))
    }
}
