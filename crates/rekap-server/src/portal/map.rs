//! Maps of provinces (and of a province's regencies) as server-rendered SVG, coloured by
//! the leading pair or by reporting progress, from the boundary files shipped in
//! data/boundaries/ (MIT, source and licence in its README; simplified once by
//! tools/simplify_boundaries.py). Coordinates are integer hundredths of a degree,
//! projected with integer arithmetic (equirectangular: Indonesia straddles the equator),
//! so a snapshot draws the same bytes everywhere. Every map has a legend and a table.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use maud::{html, Markup};
use rekap_model::CandidatePair;
use rekap_projection::RegionReport;

use super::charts::pair_colour;
use super::format::{group_digits, share, Lang};
use super::Asked;

/// One region's outline: its code, the name the boundary file gives, its outer rings.
pub struct Shape {
    pub code: String,
    pub name: String,
    pub rings: Vec<Vec<(i32, i32)>>,
}

fn parse(text: &str) -> Vec<Shape> {
    let point = |pair: &str| {
        let (lon, lat) = pair.split_once(',')?;
        Some((lon.parse().ok()?, lat.parse().ok()?))
    };
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let (code, name, rings) = (fields.next()?, fields.next()?, fields.next()?);
            let rings = rings
                .split(';')
                .map(|ring| ring.split(' ').filter_map(point).collect())
                .collect();
            Some(Shape {
                code: code.to_owned(),
                name: name.to_owned(),
                rings,
            })
        })
        .collect()
}

/// Indonesia's 38 provinces.
pub fn provinces() -> &'static [Shape] {
    static SHAPES: OnceLock<Vec<Shape>> = OnceLock::new();
    SHAPES.get_or_init(|| parse(include_str!("../../../../data/boundaries/provinces.txt")))
}

/// The regencies (kabupaten/kota) the boundary file has (507 of 514).
pub fn regencies() -> &'static [Shape] {
    static SHAPES: OnceLock<Vec<Shape>> = OnceLock::new();
    SHAPES.get_or_init(|| parse(include_str!("../../../../data/boundaries/regencies.txt")))
}

/// What the map colours by: `?peta=progress` for reporting progress, else the leader.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Colouring {
    Leader,
    Progress,
}

impl Colouring {
    pub fn of(asked: &Asked) -> Colouring {
        match asked.get("peta") {
            Some("progress") => Colouring::Progress,
            _ => Colouring::Leader,
        }
    }
}

const NO_DATA: &str = "#d9d9d9";
const OUTSIDE: &str = "#f2f2f2";
const TIE: &str = "#555555";
/// Reporting progress: none, under a quarter, a half, three quarters, all but some, all.
const PROGRESS: [&str; 6] = [
    "#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08519c", "#08306b",
];

fn progress_class(reported: u32, expected: u32) -> usize {
    if expected == 0 || reported == 0 {
        0
    } else if reported >= expected {
        5
    } else {
        1 + (u64::from(reported) * 4 / u64::from(expected)) as usize
    }
}

/// The leading pair's index, `None` for no votes, `Some(None)` for a tie at the top.
fn leader(report: &RegionReport) -> Option<Option<usize>> {
    let most = report
        .totals
        .votes
        .iter()
        .copied()
        .max()
        .filter(|m| *m > 0)?;
    let mut leaders = report
        .totals
        .votes
        .iter()
        .enumerate()
        .filter(|(_, v)| **v == most);
    let first = leaders.next().map(|(index, _)| index);
    Some(if leaders.next().is_some() {
        None
    } else {
        first
    })
}

fn fill(report: &RegionReport, colouring: Colouring) -> &'static str {
    match colouring {
        Colouring::Progress => {
            let totals = &report.totals;
            PROGRESS[progress_class(totals.stations_reported, totals.stations_expected)]
        }
        Colouring::Leader => match leader(report) {
            None => NO_DATA,
            Some(None) => TIE,
            Some(Some(index)) => pair_colour(index),
        },
    }
}

const WIDTH: i64 = 760;

/// The SVG path of `shape` in the box starting at `origin` (lon, max lat), at `scale`
/// pixels per `unit` hundredths of a degree.
fn path(shape: &Shape, origin: (i64, i64), scale: (i64, i64)) -> String {
    let mut out = String::new();
    for ring in &shape.rings {
        let mut last = None;
        for (index, (lon, lat)) in ring.iter().enumerate() {
            let x = (i64::from(*lon) - origin.0) * scale.0 / scale.1;
            let y = (origin.1 - i64::from(*lat)) * scale.0 / scale.1;
            if last == Some((x, y)) {
                continue;
            }
            let command = if index == 0 { 'M' } else { ' ' };
            let _ = write!(out, "{command}{x} {y}");
            last = Some((x, y));
        }
        out.push('Z');
    }
    out
}

/// The map of `shapes`, those with a report coloured and linked to their page.
pub fn map(
    shapes: &[&Shape],
    reports: &BTreeMap<String, &RegionReport>,
    pairs: &[CandidatePair],
    asked: &Asked,
    contest: &str,
    here: &str,
) -> Markup {
    let lang = asked.lang;
    let colouring = Colouring::of(asked);
    let points = shapes.iter().flat_map(|s| s.rings.iter().flatten());
    let (mut west, mut east, mut south, mut north) = (i64::MAX, i64::MIN, i64::MAX, i64::MIN);
    for (lon, lat) in points {
        (west, east) = (west.min(i64::from(*lon)), east.max(i64::from(*lon)));
        (south, north) = (south.min(i64::from(*lat)), north.max(i64::from(*lat)));
    }
    if west > east {
        return html! {};
    }
    let span = (east - west).max(north - south).max(1);
    let scale = (WIDTH, span);
    let height = (north - south) * WIDTH / span + 1;
    let title = match colouring {
        Colouring::Leader => lang.message("portal-map-the-leading-pair-by-region"),
        Colouring::Progress => lang.message("portal-map-stations-reported-by-region"),
    };
    let description = lang.message("portal-each-region-is-coloured-as-the");
    let other = match colouring {
        Colouring::Leader => (
            "progress",
            lang.message("portal-colour-by-stations-reported"),
        ),
        Colouring::Progress => ("pemimpin", lang.message("portal-colour-by-leading-pair")),
    };
    html! {
        figure #map {
            svg role="img" aria-labelledby="map-t map-d" viewBox=(format!("0 0 {WIDTH} {height}")) width="100%" style="max-width:760px" {
                title #map-t { (title) }
                desc #map-d { (description) }
                @for shape in shapes {
                    @let d = path(shape, (west, north), scale);
                    @match reports.get(&shape.code) {
                        Some(report) => {
                            a href=(asked.link(&format!("/c/{contest}/r/{}", shape.code))) {
                                path d=(d) fill=(fill(report, colouring)) stroke="#ffffff" stroke-width="0.6" data-code=(shape.code) {
                                    title { (report.name) ": " (label(report, pairs, colouring, lang)) }
                                }
                            }
                        }
                        None => path d=(d) fill=(OUTSIDE) stroke="#bdbdbd" stroke-width="0.6" { title { (shape.name) } }
                    }
                }
            }
            figcaption { (title) ". " (description) }
            (legend(pairs, colouring, lang))
            p { a href=(asked.link(&format!("{here}?peta={}", other.0))) { (other.1) } }
            (table(shapes, reports, pairs, colouring, lang))
        }
    }
}

fn label(
    report: &RegionReport,
    pairs: &[CandidatePair],
    colouring: Colouring,
    lang: Lang,
) -> String {
    let totals = &report.totals;
    match colouring {
        Colouring::Progress => format!(
            "{} / {} TPS ({})",
            group_digits(u64::from(totals.stations_reported), lang),
            group_digits(u64::from(totals.stations_expected), lang),
            share(
                u64::from(totals.stations_reported),
                u64::from(totals.stations_expected),
                lang
            )
        ),
        Colouring::Leader => match leader(report) {
            None => lang.message("portal-no-votes-yet"),
            Some(None) => lang.message("portal-tied"),
            Some(Some(index)) => pairs.get(index).map_or_else(String::new, |pair| {
                let votes = totals.votes.get(index).copied().unwrap_or(0);
                format!(
                    "{}. {} ({})",
                    pair.number,
                    pair.name,
                    share(votes, totals.valid, lang)
                )
            }),
        },
    }
}

fn legend(pairs: &[CandidatePair], colouring: Colouring, lang: Lang) -> Markup {
    let entries: Vec<(&str, String)> = match colouring {
        Colouring::Leader => pairs
            .iter()
            .enumerate()
            .map(|(index, pair)| {
                (
                    pair_colour(index),
                    format!("{}. {}", pair.number, pair.name),
                )
            })
            .chain([
                (TIE, lang.message("portal-tied")),
                (NO_DATA, lang.message("portal-no-votes-yet")),
            ])
            .collect(),
        Colouring::Progress => ["0%", "< 25%", "25–50%", "50–75%", "75–100%", "100%"]
            .iter()
            .zip(PROGRESS)
            .map(|(text, colour)| (colour, (*text).to_owned()))
            .collect(),
    };
    html! {
        ul.legend aria-label=(lang.message("portal-map-legend")) {
            @for (colour, text) in &entries {
                li { svg width="14" height="14" aria-hidden="true" { rect width="14" height="14" fill=(colour) stroke="#767676" {} } " " (text) }
            }
            li { svg width="14" height="14" aria-hidden="true" { rect width="14" height="14" fill=(OUTSIDE) stroke="#767676" {} } " " (lang.message("portal-not-in-this-contest")) }
        }
    }
}

fn table(
    shapes: &[&Shape],
    reports: &BTreeMap<String, &RegionReport>,
    pairs: &[CandidatePair],
    colouring: Colouring,
    lang: Lang,
) -> Markup {
    html! {
        details { summary { (lang.message("portal-map-as-a-table")) }
            table { caption { (lang.message("portal-regions-on-the-map")) }
                thead { tr { th scope="col" { (lang.message("portal-region")) } th scope="col" { (lang.message("portal-value")) } } }
                tbody { @for shape in shapes { @if let Some(report) = reports.get(&shape.code) {
                    tr { th scope="row" { (report.name) " (" (shape.code) ")" } td { (label(report, pairs, colouring, lang)) } }
                } } }
            }
        }
    }
}

/// The shapes to draw for a page whose regions (the rows of `reports`) are provinces
/// (all 38 drawn) or the regencies of one province (that province's drawn).
pub fn shapes_for<'a>(codes: impl Iterator<Item = &'a str>) -> Vec<&'static Shape> {
    let codes: Vec<&str> = codes.collect();
    if codes.iter().any(|code| code.len() == 2) {
        return provinces().iter().collect();
    }
    let prefixes: Vec<&str> = codes
        .iter()
        .filter(|c| c.len() == 4)
        .map(|c| &c[..2])
        .collect();
    regencies()
        .iter()
        .filter(|shape| prefixes.iter().any(|prefix| shape.code.starts_with(prefix)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boundary_files_cover_every_province_and_most_regencies() {
        let provinces = provinces();
        assert_eq!(provinces.len(), 38);
        assert!(provinces
            .iter()
            .all(|p| p.code.len() == 2 && !p.rings.is_empty()));
        assert!(provinces
            .iter()
            .any(|p| p.code == "64" && p.name == "Kalimantan Timur"));
        assert!(regencies().len() >= 500);
        assert_eq!(
            regencies()
                .iter()
                .filter(|r| r.code.starts_with("64"))
                .count(),
            10
        );
    }

    #[test]
    fn progress_classes_are_integer() {
        assert_eq!(progress_class(0, 10), 0);
        assert_eq!(progress_class(1, 10), 1);
        assert_eq!(progress_class(5, 10), 3);
        assert_eq!(progress_class(9, 10), 4);
        assert_eq!(progress_class(10, 10), 5);
        assert_eq!(progress_class(3, 0), 0);
    }
}
