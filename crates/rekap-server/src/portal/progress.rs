//! Reporting progress over time: how many of a region's stations had reported at each
//! moment, from the record times of the sheets in the log. A station counts from the time
//! of its first sheet, if a sheet counts for it now (a voided station, or one awaiting a
//! re-vote, is not reported, as in the totals), so the curve ends at the totals' stations
//! reported. Drawn as a step line in server-rendered SVG over [`STEPS`] equal steps of
//! time, every coordinate an integer division of integers: one snapshot, one set of bytes.

use std::sync::Arc;

use maud::{html, Markup};
use rekap_model::{ContestIdx, EntryIdx, RegionIdx, State, StationId, StationStatus};

use super::cache::Cache;
use super::format::{group_digits, share, time, Lang};
use crate::snapshot::Snapshot;

/// Equal steps of time the curve is sampled at.
pub const STEPS: u64 = 48;

/// The curve: stations reported at the start and at the end of each step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Stations expected to report (the totals' count).
    pub expected: u64,
    /// The first and the last report's record time, in ms since the epoch.
    pub first_ms: u64,
    pub last_ms: u64,
    /// (time in ms, stations reported by then), from `first_ms` to `last_ms`; empty when
    /// none reported.
    pub points: Vec<(u64, u64)>,
}

impl Progress {
    /// The curve of `times` (each reported station's first record time, any order) out of
    /// `expected` stations.
    pub fn of_times(mut times: Vec<u64>, expected: u64) -> Progress {
        times.sort_unstable();
        let (Some(&first_ms), Some(&last_ms)) = (times.first(), times.last()) else {
            return Progress {
                expected,
                first_ms: 0,
                last_ms: 0,
                points: Vec::new(),
            };
        };
        let span = last_ms - first_ms;
        let steps = if span == 0 { 0 } else { STEPS };
        let by = |moment: u64| times.partition_point(|at| *at <= moment) as u64;
        let mut points = vec![(first_ms, by(first_ms))];
        for step in 1..=steps {
            let moment =
                first_ms + (u128::from(span) * u128::from(step) / u128::from(steps)) as u64;
            points.push((moment, by(moment)));
        }
        Progress {
            expected,
            first_ms,
            last_ms,
            points,
        }
    }

    /// Walks every station under `regions` once.
    pub fn of(
        state: &State,
        contest: ContestIdx,
        regions: &[RegionIdx],
        expected: u64,
    ) -> Progress {
        let mut times = Vec::new();
        for region in regions {
            for number in state.election().tree().stations_under(*region) {
                let status = state.station_status(StationId(number), contest);
                if let Some(StationStatus::Counted(current)) = status {
                    times.extend(first_time(state, current));
                }
            }
        }
        Progress::of_times(times, expected)
    }

    /// Stations reported at the end.
    pub fn reported(&self) -> u64 {
        self.points.last().map_or(0, |point| point.1)
    }
}

/// The record time of the first entry of the history `current` ends (walked back without
/// collecting it: a national overview walks every station).
fn first_time(state: &State, current: EntryIdx) -> Option<u64> {
    let mut entry = state.entry(current)?;
    while let Some(earlier) = entry.previous.and_then(|index| state.entry(index)) {
        entry = earlier;
    }
    Some(entry.recorded_at_ms)
}

static CACHE: Cache<Progress> = Cache::new();

/// The curve of `regions` (the overview's, or one region), computed once per head.
pub fn cached(
    snapshot: &Snapshot,
    contest: ContestIdx,
    regions: &[RegionIdx],
    expected: u64,
) -> Arc<Progress> {
    // One region: its index; the overview's several: a key no region has.
    let key = match regions {
        [one] => one.0,
        _ => u32::MAX,
    };
    let made = CACHE.get_or(snapshot, (contest.0, key), || {
        Ok::<_, std::convert::Infallible>(Progress::of(&snapshot.state, contest, regions, expected))
    });
    match made {
        Ok(progress) => progress,
        Err(never) => match never {},
    }
}

const WIDTH: u64 = 600;
const HEIGHT: u64 = 160;
const LEFT: u64 = 56;
const TOP: u64 = 10;

/// The figure: the step line, its axes, a caption in words and its numbers as a table.
pub fn figure(progress: &Progress, lang: Lang) -> Markup {
    let title = lang.message("portal-stations-reported-over-time");
    if progress.points.is_empty() {
        return html! { figure #chart-progress { figcaption { (title) } p { (lang.message("portal-no-station-has-reported-yet")) } } };
    }
    let (first, last) = (time(progress.first_ms), time(progress.last_ms));
    let reported = progress.reported();
    let expected = group_digits(progress.expected, lang);
    let reported_text = group_digits(reported, lang);
    let share_text = share(reported, progress.expected, lang);
    let description = if first == last {
        lang.message_with(
            "portal-progress-at-once",
            &[
                ("reported", &reported_text),
                ("expected", &expected),
                ("share", &share_text),
                ("first", &first),
            ],
        )
    } else {
        lang.message_with(
            "portal-progress-over-time",
            &[
                ("reported", &reported_text),
                ("expected", &expected),
                ("share", &share_text),
                ("first", &first),
                ("last", &last),
            ],
        )
    };
    let base = TOP + HEIGHT;
    html! {
        figure #chart-progress data-reported=(reported) data-expected=(progress.expected) {
            svg role="img" aria-labelledby="progress-t progress-d" viewBox=(format!("0 0 {} {}", LEFT + WIDTH + 20, base + 34)) width=(LEFT + WIDTH + 20) height=(base + 34) {
                title #progress-t { (title) }
                desc #progress-d { (description) }
                line x1=(LEFT) y1=(base) x2=(LEFT + WIDTH) y2=(base) stroke="#444" {}
                line x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(base) stroke="#444" {}
                line x1=(LEFT) y1=(TOP) x2=(LEFT + WIDTH) y2=(TOP) stroke="#bbb" stroke-dasharray="4 3" {}
                text x=(LEFT - 4) y=(TOP + 4) font-size="11" text-anchor="end" fill="#1a1a1a" { (expected) }
                text x=(LEFT - 4) y=(base) font-size="11" text-anchor="end" fill="#1a1a1a" { "0" }
                text x=(LEFT) y=(base + 16) font-size="11" fill="#1a1a1a" { (first) }
                @if last != first { text x=(LEFT + WIDTH) y=(base + 30) font-size="11" text-anchor="end" fill="#1a1a1a" { (last) } }
                path d=(step_path(progress)) fill="none" stroke="#1b6ca8" stroke-width="2" {}
            }
            figcaption { (title) ". " (description) }
            details { summary { (lang.message("portal-chart-data")) }
                table { caption { (title) }
                    thead { tr { th scope="col" { (lang.message("portal-time")) } th scope="col" { (lang.message("portal-stations-reported")) } th scope="col" { (lang.message("portal-share")) } } }
                    tbody { @for (at, count) in distinct(&progress.points) {
                        tr { td { (time(at)) } td.number { (group_digits(count, lang)) } td.number { (share(count, progress.expected, lang)) } }
                    } }
                }
            }
        }
    }
}

/// The points where the count changed (and the first), for the table.
fn distinct(points: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for point in points {
        if out.last().is_none_or(|last| last.1 != point.1) {
            out.push(*point);
        }
    }
    out
}

/// `M x y H x V y ...`: the count held until the next step, in integer coordinates.
pub fn step_path(progress: &Progress) -> String {
    let span = progress.last_ms - progress.first_ms;
    let whole = progress.expected.max(progress.reported()).max(1);
    let x = |at: u64| match span {
        0 => LEFT,
        _ => {
            LEFT + (u128::from(at - progress.first_ms) * u128::from(WIDTH) / u128::from(span))
                as u64
        }
    };
    let y = |count: u64| {
        TOP + HEIGHT - (u128::from(count) * u128::from(HEIGHT) / u128::from(whole)) as u64
    };
    let mut path = format!("M{} {}", LEFT, TOP + HEIGHT);
    for (at, count) in &progress.points {
        path += &format!(" H{} V{}", x(*at), y(*count));
    }
    if span == 0 {
        // Every report at one moment: held from then on.
        path += &format!(" H{}", LEFT + WIDTH);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: u64 = 3_600_000;

    #[test]
    fn the_curve_counts_stations_reported_by_each_step_and_ends_at_all_reported() {
        let start = 1_707_890_400_000; // 2024-02-14 06:00 UTC
                                       // Reported in any order: two at the start, one an hour in, one four hours in.
        let times = vec![start + 4 * HOUR, start, start + HOUR, start];
        let progress = Progress::of_times(times, 10);
        assert_eq!(
            (progress.first_ms, progress.last_ms),
            (start, start + 4 * HOUR)
        );
        assert_eq!(progress.points.len() as u64, STEPS + 1);
        assert_eq!(progress.points[0], (start, 2));
        // 48 steps over 4 hours: 5 minutes each; the one-hour report is in by step 12.
        assert_eq!(progress.points[11], (start + 11 * HOUR / 12, 2));
        assert_eq!(progress.points[12], (start + HOUR, 3));
        assert_eq!(progress.points[47].1, 3);
        assert_eq!(progress.points[48], (start + 4 * HOUR, 4));
        assert_eq!(progress.reported(), 4);
        // Never decreasing.
        assert!(progress
            .points
            .windows(2)
            .all(|w| w[0].1 <= w[1].1 && w[0].0 < w[1].0));
        assert_eq!(distinct(&progress.points).len(), 3);
    }

    #[test]
    fn the_curve_is_the_same_for_the_same_reports_and_drawn_in_integers() {
        let times: Vec<u64> = (0..1000u64).map(|i| 1_000_000 + i * i * 37).collect();
        let mut reversed = times.clone();
        reversed.reverse();
        let (one, other) = (
            Progress::of_times(times, 1200),
            Progress::of_times(reversed, 1200),
        );
        assert_eq!(one, other);
        let path = step_path(&one);
        assert_eq!(path, step_path(&other));
        assert!(path.starts_with("M56 170 H56 V"), "{path}");
        // The last point: at the right edge, 1000 of 1200 up.
        assert!(
            path.ends_with(&format!(" H656 V{}", 170 - 1000 * 160 / 1200)),
            "{path}"
        );
        assert!(!path.contains('.'), "integer coordinates only: {path}");
    }

    #[test]
    fn no_reports_and_reports_at_one_moment_are_drawn_plainly() {
        let none = Progress::of_times(Vec::new(), 5);
        assert!(none.points.is_empty());
        assert_eq!(none.reported(), 0);
        let at_once = Progress::of_times(vec![7, 7, 7], 3);
        assert_eq!(at_once.points, vec![(7, 3)]);
        assert_eq!(step_path(&at_once), "M56 170 H56 V10 H656");
    }
}
