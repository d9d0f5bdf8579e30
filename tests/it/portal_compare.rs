//! The portal's compare page in a real browser (issue 15): `rekap serve --compare` with a
//! source that differs from rekap in exactly one region. That row is marked (in words, not
//! by colour alone), the summary says 1 differing, and the overview links to the page. A
//! screenshot lands in target/portal-screenshots/compare.png.

use crate::harness::{code, stderr, stdout};
use crate::portal::{demo_for_the_browser, page_text, screenshots, serve_with, CONTEST};
use crate::webdriver::Browser;

/// `rekap totals` of the regencies as CSV with the first regency's first pair raised by
/// one: the region changed and the CSV.
fn one_region_changed(totals: &str) -> (String, String) {
    let mut lines: Vec<String> = totals.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let votes = header
        .iter()
        .position(|name| *name == "votes_1")
        .expect("a votes_1 column");
    let code_column = header
        .iter()
        .position(|name| *name == "code")
        .expect("a code column");
    assert!(!lines[1].contains('"'), "a plain line: {}", lines[1]);
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    let raised = cells[votes].parse::<u64>().expect("a count") + 1;
    cells[votes] = raised.to_string();
    let changed = cells[code_column].clone();
    lines[1] = cells.join(",");
    (changed, lines.join("\n") + "\n")
}

#[test]
fn the_compare_page_marks_the_one_region_that_differs() {
    let Some(sandbox) = demo_for_the_browser() else {
        return;
    };
    let totals = sandbox.run(&[
        "totals",
        "--store",
        "rekap-demo-store",
        "--level",
        "regency",
        "--format",
        "csv",
    ]);
    assert_eq!(code(&totals), 0, "{}", stderr(&totals));
    let (changed, csv) = one_region_changed(&stdout(&totals));
    std::fs::write(sandbox.path("lain.csv"), csv).expect("the source");
    let regencies = stdout(&totals).lines().count() - 1;
    // A name that is not one, and a file that is not there, stop the start.
    for (argument, expected) in [("bad name=lain.csv", 2), ("lain=missing.csv", 3)] {
        let refused = sandbox.run(&[
            "serve",
            "--store",
            "rekap-demo-store",
            "--listen",
            "127.0.0.1:0",
            "--compare",
            argument,
        ]);
        assert_eq!(code(&refused), expected, "{argument}: {}", stderr(&refused));
    }
    let server = serve_with(&sandbox, &["--compare", "lain=lain.csv"]);
    let browser = Browser::start();

    // The overview links to the comparison.
    browser.open(&format!("{}/c/{CONTEST}", server.url));
    let link = browser.run(
        "const a = document.getElementById('compare-link'); return a && a.getAttribute('href');",
    );
    assert_eq!(
        link.as_str(),
        Some(format!("/c/{CONTEST}/compare").as_str())
    );

    browser.open(&format!("{}/c/{CONTEST}/r/64/compare?lang=en", server.url));
    let marked = browser.run(
        "return Array.from(document.querySelectorAll('table.compare tbody tr')) \
         .map(r => [r.dataset.code, r.dataset.status, r.querySelector('td.status').innerText]);",
    );
    let rows = marked.as_array().expect("rows");
    assert_eq!(
        rows.len(),
        regencies + 1,
        "the province and its regencies: {marked}"
    );
    let differing: Vec<&serde_json::Value> =
        rows.iter().filter(|row| row[1] == "differs").collect();
    assert_eq!(differing.len(), 1, "{marked}");
    assert_eq!(differing[0][0], changed.as_str());
    // Marked in words too, not by colour alone.
    assert!(
        differing[0][2]
            .as_str()
            .is_some_and(|text| text.contains("≠ differs")),
        "{marked}"
    );
    let equal = rows.iter().filter(|row| row[1] == "equal").count();
    assert_eq!(
        equal,
        regencies - 1,
        "every other regency is equal: {marked}"
    );
    // The province is not in the source: rekap's side only.
    assert_eq!(rows[0][0], "64");
    assert_eq!(rows[0][1], "one-side");
    let text = page_text(&browser);
    assert!(
        text.contains(&format!(
            "Regions: {} equal, 1 differing, 1 only in rekap, 0 only in lain.",
            regencies - 1
        )),
        "{text}"
    );
    assert!(text.contains(&format!("{changed} pair 1 +1")), "{text}");
    browser.screenshot(&screenshots().join("compare.png"));

    // The same in Indonesian, from the overview's page; an unknown source is a 404 page.
    browser.open(&format!("{}/c/{CONTEST}/compare", server.url));
    assert!(page_text(&browser).contains("1 berbeda"));
    let status = ureq::get(&format!("{}/c/{CONTEST}/compare?sumber=nope", server.url))
        .call()
        .map_or_else(
            |error| match error {
                ureq::Error::StatusCode(status) => status,
                _ => 0,
            },
            |response| response.status().as_u16(),
        );
    assert_eq!(status, 404);
}
