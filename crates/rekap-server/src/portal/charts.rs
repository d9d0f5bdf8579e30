//! Server-rendered SVG charts of a region's distribution across stations (readable without
//! JavaScript): turnout, each pair's share, and the fingerprint of turnout against one
//! pair's share. Every coordinate is an integer computed from integer counts, so the same
//! snapshot gives the same bytes on every machine. Each chart has a title, a description
//! and a table or sentence saying what it shows.

use maud::{html, Markup};
use rekap_model::CandidatePair;

use super::distribution::{Distribution, BINS, JOINT};
use super::format::{group_digits, share, Lang};
use super::Asked;

/// Pair colours (ballot order), each at least 3:1 against white.
pub const PAIR_COLOURS: [&str; 8] = [
    "#1b6ca8", "#c0392b", "#8a6d00", "#00798c", "#6a4c93", "#2e7d32", "#8c564b", "#ad1457",
];

/// The colour of the pair at `index` (ballot order).
pub fn pair_colour(index: usize) -> &'static str {
    PAIR_COLOURS[index % PAIR_COLOURS.len()]
}

/// Shades of the fingerprint, light to dark (a sequential blue scale).
const SHADES: [&str; 8] = [
    "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b",
];

const BAR: u32 = 8;
const HEIGHT: u32 = 120;
const LEFT: u32 = 44;
const TOP: u32 = 8;

/// The charts section of a region page.
pub fn section(
    distribution: &Distribution,
    pairs: &[CandidatePair],
    asked: &Asked,
    path: &str,
) -> Markup {
    let lang = asked.lang;
    if distribution.counted == 0 {
        return html! {
            section.charts aria-labelledby="charts-heading" {
                h2 #charts-heading { (lang.message("portal-distribution-across-stations")) }
                p { (lang.message("portal-no-sheets-counted-yet")) }
            }
        };
    }
    let chosen = chosen_pair(distribution, pairs, asked);
    html! {
        section.charts aria-labelledby="charts-heading" {
            h2 #charts-heading { (lang.message("portal-distribution-across-stations")) }
            (partial_note(distribution, lang))
            (turnout_chart(distribution, lang))
            @for (index, pair) in pairs.iter().enumerate() {
                @if let Some(bins) = distribution.share.get(index) {
                    (share_chart(bins, index, pair, lang))
                }
            }
            (fingerprint(distribution, pairs, chosen, asked, path))
        }
    }
}

/// The pair the fingerprint shows: `?paslon=N` if it names one, else the leader.
fn chosen_pair(distribution: &Distribution, pairs: &[CandidatePair], asked: &Asked) -> usize {
    let asked_for = asked
        .get("paslon")
        .and_then(|text| text.parse::<u32>().ok())
        .and_then(|number| pairs.iter().position(|p| p.number == number));
    asked_for.unwrap_or_else(|| leader(distribution))
}

/// The pair with the most stations in its top share bins, by the sum of share weights.
fn leader(distribution: &Distribution) -> usize {
    let weight = |bins: &Vec<u32>| -> u64 {
        bins.iter()
            .enumerate()
            .map(|(index, count)| index as u64 * u64::from(*count))
            .sum()
    };
    let mut best = 0;
    for (index, bins) in distribution.share.iter().enumerate() {
        if weight(bins) > distribution.share.get(best).map_or(0, weight) {
            best = index;
        }
    }
    best
}

fn partial_note(distribution: &Distribution, lang: Lang) -> Markup {
    html! {
        p { (lang.message("portal-sheets-counted")) (group_digits(u64::from(distribution.counted), lang)) "." }
        @if distribution.votes_only > 0 {
            p.mark role="note" { (group_digits(u64::from(distribution.votes_only), lang))
                (lang.message("portal-sheets-carry-only-the-votes-partial")) }
        }
        @if distribution.no_registered > 0 {
            p.mark role="note" { (group_digits(u64::from(distribution.no_registered), lang))
                (lang.message("portal-sheets-have-no-registered-voters-turnout")) }
        }
    }
}

/// A bar chart of `bins` (each 2 percentage points), drawn in integers.
fn bars(id: &str, bins: &[u32], colour: &str, title: &str, description: &str) -> Markup {
    let most = bins.iter().copied().max().unwrap_or(0).max(1);
    let width = LEFT + BAR * BINS as u32 + 20;
    let base = TOP + HEIGHT;
    html! {
        svg role="img" aria-labelledby=(format!("{id}-t {id}-d")) viewBox=(format!("0 0 {width} {}", base + 30)) width=(width) height=(base + 30) {
            title #(format!("{id}-t")) { (title) }
            desc #(format!("{id}-d")) { (description) }
            (axes(base, most))
            @for (index, count) in bins.iter().enumerate() {
                @if *count > 0 {
                    @let height = (u64::from(*count) * u64::from(HEIGHT)).div_ceil(u64::from(most)) as u32;
                    rect x=(LEFT + index as u32 * BAR) y=(base - height) width=(BAR - 1) height=(height) fill=(colour) {}
                }
            }
        }
    }
}

/// The percent axis below, the count axis at the left.
fn axes(base: u32, most: u32) -> Markup {
    html! {
        line x1=(LEFT) y1=(base) x2=(LEFT + BAR * BINS as u32) y2=(base) stroke="#444" {}
        line x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(base) stroke="#444" {}
        @for percent in [0u32, 25, 50, 75, 100] {
            @let x = LEFT + percent * BAR * BINS as u32 / 100;
            line x1=(x) y1=(base) x2=(x) y2=(base + 4) stroke="#444" {}
            text x=(x) y=(base + 16) font-size="11" text-anchor="middle" fill="#1a1a1a" { (percent) "%" }
        }
        text x=(LEFT - 4) y=(TOP + 10) font-size="11" text-anchor="end" fill="#1a1a1a" { (most) }
        text x=(LEFT - 4) y=(base) font-size="11" text-anchor="end" fill="#1a1a1a" { "0" }
    }
}

/// The non-empty bins as a table: the chart's text alternative.
fn bin_table(bins: &[u32], caption: &str, lang: Lang) -> Markup {
    let width = 100 / BINS as u32;
    html! {
        details { summary { (lang.message("portal-chart-data")) }
            table { caption { (caption) }
                thead { tr { th scope="col" { (lang.message("portal-range")) } th scope="col" { (lang.message("portal-stations")) } } }
                tbody { @for (index, count) in bins.iter().enumerate() {
                    @if *count > 0 {
                        @let low = index as u32 * width;
                        tr { td { (low) "–" (low + width) "%" } td.number { (group_digits(u64::from(*count), lang)) } }
                    }
                } }
            }
        }
    }
}

fn turnout_chart(distribution: &Distribution, lang: Lang) -> Markup {
    let with = distribution.with_turnout();
    let title = lang.message("portal-turnout-across-stations");
    let description = lang.message_with(
        "portal-turnout-description",
        &[
            ("stations", &group_digits(u64::from(with), lang)),
            (
                "turnout",
                &share(distribution.voted, distribution.registered, lang),
            ),
            (
                "above-95",
                &group_digits(u64::from(distribution.turnout_95), lang),
            ),
            (
                "above-registered",
                &group_digits(u64::from(distribution.above_full), lang),
            ),
        ],
    );
    html! {
        figure #chart-turnout {
            @if with == 0 {
                figcaption { (title) }
                p { (lang.message("portal-no-full-sheets-turnout-cannot-be")) }
            } @else {
                (bars("turnout", &distribution.turnout, "#2b5d8a", &title, &description))
                figcaption { (title) ". " (description) }
                (bin_table(&distribution.turnout, &title, lang))
            }
        }
    }
}

fn share_chart(bins: &[u32], index: usize, pair: &CandidatePair, lang: Lang) -> Markup {
    let stations: u32 = bins.iter().sum();
    let title = lang.message_with(
        "portal-share-title",
        &[("number", &pair.number), ("name", &pair.name)],
    );
    let description = lang.message_with(
        "portal-share-description",
        &[("stations", &group_digits(u64::from(stations), lang))],
    );
    html! {
        figure.share data-pair=(pair.number) {
            (bars(&format!("share-{}", pair.number), bins, pair_colour(index), &title, &description))
            figcaption { (title) ". " (description) }
            (bin_table(bins, &title, lang))
        }
    }
}

const CELL: u32 = 12;

/// Turnout (across) against the chosen pair's share (up), stations per 5-point cell.
fn fingerprint(
    distribution: &Distribution,
    pairs: &[CandidatePair],
    chosen: usize,
    asked: &Asked,
    path: &str,
) -> Markup {
    let lang = asked.lang;
    let (Some(cells), Some(pair)) = (distribution.joint.get(chosen), pairs.get(chosen)) else {
        return html! {};
    };
    let most = cells.iter().copied().max().unwrap_or(0);
    let side = CELL * JOINT as u32;
    let (left, top) = (LEFT, TOP);
    let corner = distribution.corner.get(chosen).copied().unwrap_or(0);
    let peak = cells
        .iter()
        .enumerate()
        .max_by_key(|(index, count)| (**count, std::cmp::Reverse(*index)))
        .map(|(index, _)| index)
        .unwrap_or(0);
    let step = 100 / JOINT as u32;
    let (peak_turnout, peak_share) = (peak / JOINT * step as usize, peak % JOINT * step as usize);
    let title = lang.message_with(
        "portal-fingerprint-title",
        &[("number", &pair.number), ("name", &pair.name)],
    );
    let description = lang.message_with(
        "portal-fingerprint-description",
        &[
            ("turnout-from", &peak_turnout),
            ("turnout-to", &(peak_turnout + step as usize)),
            ("share-from", &peak_share),
            ("share-to", &(peak_share + step as usize)),
            ("corner", &group_digits(u64::from(corner), lang)),
        ],
    );
    let width = left + side + 16;
    let height = top + side + 34;
    html! {
        figure #chart-fingerprint data-pair=(pair.number) {
            @if distribution.with_turnout() == 0 {
                figcaption { (title) }
                p { (lang.message("portal-no-full-sheets-the-fingerprint-needs")) }
            } @else {
                svg role="img" aria-labelledby="fingerprint-t fingerprint-d" viewBox=(format!("0 0 {width} {height}")) width=(width) height=(height) {
                    title #fingerprint-t { (title) }
                    desc #fingerprint-d { (description) }
                    rect x=(left) y=(top) width=(side) height=(side) fill="#fafafa" stroke="#444" {}
                    @for (index, count) in cells.iter().enumerate() {
                        @if *count > 0 {
                            @let (column, row) = ((index / JOINT) as u32, (index % JOINT) as u32);
                            @let shade = (u64::from(*count) * SHADES.len() as u64).div_ceil(u64::from(most.max(1))) as usize;
                            rect x=(left + column * CELL) y=(top + side - (row + 1) * CELL) width=(CELL) height=(CELL) fill=(SHADES[shade.clamp(1, SHADES.len()) - 1]) {}
                        }
                    }
                    @for percent in [0u32, 50, 100] {
                        @let offset = percent * side / 100;
                        text x=(left + offset) y=(top + side + 14) font-size="11" text-anchor="middle" fill="#1a1a1a" { (percent) "%" }
                        text x=(left - 4) y=(top + side - offset + 4) font-size="11" text-anchor="end" fill="#1a1a1a" { (percent) "%" }
                    }
                    text x=(left + side / 2) y=(top + side + 30) font-size="11" text-anchor="middle" fill="#1a1a1a" { (lang.message("portal-turnout")) }
                    text x=(12) y=(top + side / 2) font-size="11" text-anchor="middle" fill="#1a1a1a" transform=(format!("rotate(-90 12 {})", top + side / 2)) { (lang.message("portal-pair-share")) }
                }
                figcaption { (title) ". " (description) }
            }
            @if pairs.len() > 1 {
                p { (lang.message("portal-other-pairs"))
                    @for other in pairs.iter().filter(|p| p.number != pair.number) {
                        a href=(format!("{}#chart-fingerprint", asked.link(&format!("{path}?paslon={}", other.number)))) { (other.number) ". " (other.name) } " "
                    } }
            }
        }
    }
}
