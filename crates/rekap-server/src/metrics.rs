//! Counters and histograms, written in the Prometheus text format (version 0.0.4) by hand:
//! a dozen lines of output do not justify the `prometheus` crate (protobuf, a registry
//! and global state) or an exporter that brings its own HTTP server.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// A histogram with fixed upper bounds.
pub struct Histogram {
    bounds: &'static [f64],
    counts: Vec<AtomicU64>,
    /// The sum, in the unit's millionths (integers only: no float accumulates).
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            counts: bounds.iter().map(|_| AtomicU64::new(0)).collect(),
            sum_micros: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }
    }

    /// Records a value given in millionths of the unit.
    pub fn observe_micros(&self, micros: u64) {
        for (bound, count) in self.bounds.iter().zip(&self.counts) {
            if micros as f64 <= bound * 1e6 {
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    fn write(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (bound, count) in self.bounds.iter().zip(&self.counts) {
            let _ = writeln!(
                out,
                "{name}_bucket{{le=\"{bound}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum {sum}\n{name}_count {count}");
    }
}

const BATCH_BOUNDS: &[f64] = &[
    1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 4096.0,
];
const SECONDS_BOUNDS: &[f64] = &[
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// Everything `/metrics` shows.
pub struct Metrics {
    pub queue_depth: AtomicU64,
    pub batch_size: Histogram,
    pub commit_seconds: Histogram,
    pub publish_seconds: Histogram,
    pub totals_view_seconds: Histogram,
    pub accepted: AtomicU64,
    pub repeated: AtomicU64,
    pub refused: AtomicU64,
    pub log_records: AtomicU64,
    pub snapshot_records: AtomicU64,
    /// Requests answered, by status (100..=999; a counter each, so that counting one takes
    /// no lock on the request threads).
    requests: Box<[AtomicU64]>,
}

/// The statuses counted: every one `http::StatusCode` can hold.
const STATUSES: std::ops::RangeInclusive<u16> = 100..=999;

impl Default for Metrics {
    fn default() -> Self {
        Self {
            queue_depth: AtomicU64::new(0),
            batch_size: Histogram::new(BATCH_BOUNDS),
            commit_seconds: Histogram::new(SECONDS_BOUNDS),
            publish_seconds: Histogram::new(SECONDS_BOUNDS),
            totals_view_seconds: Histogram::new(SECONDS_BOUNDS),
            accepted: AtomicU64::new(0),
            repeated: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            log_records: AtomicU64::new(0),
            snapshot_records: AtomicU64::new(0),
            requests: STATUSES.map(|_| AtomicU64::new(0)).collect(),
        }
    }
}

impl Metrics {
    pub fn count_request(&self, status: u16) {
        let index = status.checked_sub(*STATUSES.start()).map(usize::from);
        if let Some(counter) = index.and_then(|index| self.requests.get(index)) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The text format; `log_bytes` is the log's durable size on disk, when known (a
    /// server's segment file; not a mirror's, whose follower owns its store).
    pub fn render(&self, log_bytes: Option<u64>) -> String {
        let mut out = String::new();
        let gauge = |out: &mut String, name: &str, kind: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        let load = |value: &AtomicU64| value.load(Ordering::Relaxed);
        gauge(
            &mut out,
            "rekap_queue_depth",
            "gauge",
            "Submissions waiting for the writer.",
            load(&self.queue_depth),
        );
        gauge(
            &mut out,
            "rekap_log_records",
            "gauge",
            "Records in the log (the head's seq).",
            load(&self.log_records),
        );
        if let Some(bytes) = log_bytes {
            gauge(
                &mut out,
                "rekap_log_bytes",
                "gauge",
                "Bytes of the log's segment file up to its last durable chunk.",
                bytes,
            );
        }
        gauge(
            &mut out,
            "rekap_snapshot_records",
            "gauge",
            "Records in the snapshot readers are answered from.",
            load(&self.snapshot_records),
        );
        gauge(
            &mut out,
            "rekap_submissions_accepted_total",
            "counter",
            "Submissions appended.",
            load(&self.accepted),
        );
        gauge(
            &mut out,
            "rekap_submissions_repeated_total",
            "counter",
            "Retries answered with the receipt they already had.",
            load(&self.repeated),
        );
        gauge(
            &mut out,
            "rekap_submissions_refused_total",
            "counter",
            "Submissions refused.",
            load(&self.refused),
        );
        self.batch_size.write(
            &mut out,
            "rekap_batch_size",
            "Submissions per group commit.",
        );
        self.commit_seconds.write(
            &mut out,
            "rekap_commit_seconds",
            "Deciding and durably appending one group.",
        );
        self.publish_seconds.write(
            &mut out,
            "rekap_snapshot_publish_seconds",
            "Bringing the readers' spare snapshot up to date and publishing it.",
        );
        self.totals_view_seconds.write(
            &mut out,
            "rekap_snapshot_totals_view_seconds",
            "Building the totals view of a published snapshot (part of the publish).",
        );
        let _ = writeln!(out, "# HELP rekap_http_requests_total Requests answered, by status.\n# TYPE rekap_http_requests_total counter");
        for (status, counter) in STATUSES.zip(self.requests.iter()) {
            let count = counter.load(Ordering::Relaxed);
            if count > 0 {
                let _ = writeln!(
                    out,
                    "rekap_http_requests_total{{status=\"{status}\"}} {count}"
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_status_and_shown_in_order() {
        let metrics = Metrics::default();
        for status in [503, 201, 201, 429, 100, 999, 99, 1000, 0] {
            metrics.count_request(status);
        }
        let text = metrics.render(Some(4096));
        assert!(text.contains("\nrekap_log_bytes 4096\n"), "{text}");
        assert!(!metrics.render(None).contains("rekap_log_bytes"));
        let counted: Vec<&str> = text
            .lines()
            .filter(|line| line.starts_with("rekap_http_requests_total{"))
            .collect();
        assert_eq!(
            counted,
            [
                "rekap_http_requests_total{status=\"100\"} 1",
                "rekap_http_requests_total{status=\"201\"} 2",
                "rekap_http_requests_total{status=\"429\"} 1",
                "rekap_http_requests_total{status=\"503\"} 1",
                "rekap_http_requests_total{status=\"999\"} 1",
            ],
            "statuses outside 100..=999 (none an answer can have) are not counted"
        );
    }
}
