//! What `import` says about a file it refused: a summary by rule, the problems on stderr,
//! and with `--problems FILE` every problem as CSV.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use rekap_import::RowProblem;

/// Problems listed on stderr when they also go to a file.
const SHOWN_WITH_A_FILE: usize = 20;
/// Problems kept for `--problems FILE`: every problem of a national file (818k rows, a few
/// problems per bad row) fits; memory stays bounded (about 100 bytes each).
pub const MAX_PROBLEMS_FOR_A_FILE: usize = 5_000_000;

/// A refused file's problems.
pub struct Rejection<'a> {
    pub sheets: &'a Path,
    pub problems: &'a [RowProblem],
    pub unlisted: u64,
    pub by_kind: &'a BTreeMap<String, u64>,
}

/// Writes the problems file (if asked) and returns the text for stderr.
pub fn report(rejection: &Rejection<'_>, problems_file: Option<&Path>) -> anyhow::Result<String> {
    let total = rejection.problems.len() as u64 + rejection.unlisted;
    let mut text = format!(
        "{}\n",
        crate::lang::say_with(
            "command-import-report-problems-nothing-imported",
            &[
                ("path", &rejection.sheets.display()),
                ("total", &crate::lang::count(total))
            ]
        )
    );
    text += &format!(
        "{}\n",
        crate::lang::say("command-import-report-by-rule-or-column")
    );
    let mut kinds: Vec<_> = rejection.by_kind.iter().collect();
    kinds.sort_by(|left, right| right.1.cmp(left.1).then(left.0.cmp(right.0)));
    let lang = crate::lang::current();
    for (kind, count) in kinds {
        let (count, kind) = (
            lang.number(*count),
            crate::error_words::problem_kind(kind, lang),
        );
        text += &format!("  {count:>9}  {kind}\n");
    }
    let shown = match problems_file {
        Some(path) => {
            write_problems(path, rejection)?;
            text += &format!(
                "{}\n",
                crate::lang::say_with(
                    "command-import-from-every-problem-first-ones",
                    &[("path", &path.display())]
                )
            );
            SHOWN_WITH_A_FILE
        }
        None => rejection.problems.len(),
    };
    for problem in rejection.problems.iter().take(shown) {
        text += &format!("  {}\n", crate::error_words::row_problem(problem, lang));
    }
    let more = total - shown.min(rejection.problems.len()) as u64;
    if more > 0 {
        text += &format!(
            "  {}",
            crate::lang::say_with(
                "command-import-from-more",
                &[("more", &crate::lang::count(more))]
            )
        );
        if problems_file.is_none() {
            text += &format!(
                " ({})",
                crate::lang::say("command-import-report-problems-file-writes-every-one")
            );
        }
        text += "\n";
    }
    Ok(text)
}

/// `line,station,column,rule,reason`, one row per problem, in file order.
fn write_problems(path: &Path, rejection: &Rejection<'_>) -> anyhow::Result<()> {
    let write = || -> anyhow::Result<()> {
        let mut out = csv::Writer::from_path(path)?;
        out.write_record(["line", "station", "column", "rule", "reason"])?;
        for problem in rejection.problems {
            let line = problem.line.to_string();
            let optional = |value: &Option<String>| value.clone().unwrap_or_default();
            out.write_record([
                line,
                optional(&problem.station),
                optional(&problem.field),
                optional(&problem.rule),
                crate::error_words::row_reason(&problem.reason, crate::lang::current()),
            ])?;
        }
        if rejection.unlisted > 0 {
            let reason = crate::lang::say_with(
                "command-import-report-more-problems-not-listed-limit",
                &[
                    ("unlisted", &crate::lang::count(rejection.unlisted)),
                    ("max-problems-for-a-file", &MAX_PROBLEMS_FOR_A_FILE),
                ],
            );
            out.write_record(["", "", "", "", &reason])?;
        }
        out.flush()?;
        Ok(())
    };
    write().with_context(|| {
        crate::lang::say_with("command-cannot-write", &[("path", &path.display())])
    })
}
