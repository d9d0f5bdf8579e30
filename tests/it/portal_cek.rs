//! "Cek TPS saya"'s failure branches of the checkpoint step in a real browser (issue 15): a
//! proxy between the browser and `rekap serve` alters the station's proof in transit, and
//! the script must say not verified, naming the checkpoint step and why: a proof without
//! `approval.log_proof`, a checkpoint whose head is malformed, an inclusion proof of
//! another leaf index, an inclusion path one hash short. Screenshots in
//! target/portal-screenshots/.

use serde_json::Value;

use crate::portal::{
    demo_for_the_browser, proof_of, screenshots, serve_with, tampering_proxy, verdict, CONTEST,
};
use crate::webdriver::Browser;

/// The proof's JSON changed by `change` on its `approval` object; text that is not a proof
/// passes unchanged.
fn with_approval(text: &str, change: fn(&mut serde_json::Map<String, Value>)) -> String {
    let Ok(mut proof) = serde_json::from_str::<Value>(text) else {
        return text.to_owned();
    };
    if let Some(approval) = proof.get_mut("approval").and_then(Value::as_object_mut) {
        change(approval);
    }
    proof.to_string()
}

/// The log proof's text changed by `change`.
fn with_log_proof(text: &str, change: fn(&str) -> String) -> String {
    let Ok(mut proof) = serde_json::from_str::<Value>(text) else {
        return text.to_owned();
    };
    let log_proof = &mut proof["approval"]["log_proof"];
    if let Some(found) = log_proof.as_str() {
        *log_proof = Value::String(change(found));
    }
    proof.to_string()
}

fn without_log_proof(text: &str) -> String {
    with_approval(text, |approval| {
        approval.remove("log_proof");
    })
}

/// The checkpoint's size line (the second line of the note after the proof's head) made
/// not a number.
fn malformed_checkpoint_head(text: &str) -> String {
    with_log_proof(text, |log_proof| {
        let Some((head, note)) = log_proof.split_once("\n\n") else {
            return log_proof.to_owned();
        };
        let mut lines: Vec<String> = note.split('\n').map(str::to_owned).collect();
        lines[1] = format!("{}x", lines[1]);
        format!("{head}\n\n{}", lines.join("\n"))
    })
}

/// The inclusion proof's `index` raised by one (the record's leaf is `seq - 1`).
fn another_leaf_index(text: &str) -> String {
    with_log_proof(text, |log_proof| {
        let lines: Vec<String> = log_proof
            .split('\n')
            .map(|line| match line.strip_prefix("index ") {
                Some(number) => number
                    .parse::<u64>()
                    .map_or(line.to_owned(), |n| format!("index {}", n + 1)),
                None => line.to_owned(),
            })
            .collect();
        lines.join("\n")
    })
}

/// The inclusion proof with its last hash left out (the leaf folds to no root).
fn one_hash_short(text: &str) -> String {
    with_log_proof(text, |log_proof| {
        let Some((head, note)) = log_proof.split_once("\n\n") else {
            return log_proof.to_owned();
        };
        let mut lines: Vec<&str> = head.split('\n').collect();
        if lines.last().is_some_and(|line| !line.starts_with("index ")) {
            lines.pop();
        }
        format!("{}\n\n{note}", lines.join("\n"))
    })
}

/// The links of a portal page read over HTTP (no browser needed to walk the tree).
fn hrefs(url: &str) -> Vec<String> {
    let page = ureq::get(url)
        .call()
        .expect("a portal page")
        .body_mut()
        .read_to_string()
        .expect("page text");
    page.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

/// A station with a proof: the first reached walking down from the province.
fn a_station(base: &str) -> String {
    let mut pending = vec!["64".to_owned()];
    for _ in 0..200 {
        let region = pending.pop().expect("a station under the province");
        let found = hrefs(&format!("{base}/c/{CONTEST}/r/{region}"));
        if let Some(station) = found.iter().find(|link| link.contains("/tps/")) {
            return station.rsplit('/').next().unwrap_or_default().to_owned();
        }
        let prefix = format!("/c/{CONTEST}/r/{region}/");
        let below = format!("/c/{CONTEST}/r/");
        let mut children: Vec<String> = found
            .iter()
            .filter(|link| link.starts_with(&below) && !link.starts_with(&prefix))
            .filter(|link| !link.contains('?') && !link.ends_with(&format!("/r/{region}")))
            .filter_map(|link| link.rsplit('/').next().map(str::to_owned))
            .filter(|code| code.len() > region.len() && code.starts_with(&region))
            .collect();
        children.reverse();
        pending.extend(children);
    }
    panic!("no station found in 200 pages");
}

/// A case's name (its screenshot), how the proof is altered, and the reason the step gives.
type Case = (&'static str, fn(&str) -> String, &'static str);

#[test]
fn cek_names_the_checkpoint_step_for_each_way_the_log_proof_is_broken() {
    let Some(sandbox) = demo_for_the_browser() else {
        return;
    };
    let server = serve_with(&sandbox, &[]);
    let station = a_station(&server.url);
    let proof = proof_of(&server.url, &station);
    let sheet = &proof["sheet"];
    let votes: Vec<String> = sheet["votes"]
        .as_array()
        .expect("votes")
        .iter()
        .map(Value::to_string)
        .collect();
    let cek = |base: &str| {
        format!(
            "{base}/cek?tps={station}&suara={}&sah={}&tidak_sah={}&lang=en",
            votes.join(","),
            sheet["valid"],
            sheet["invalid"]
        )
    };
    let browser = Browser::start();
    // The untouched proof verifies through a proxy that changes nothing.
    let honest = tampering_proxy(server.url.clone(), str::to_owned);
    browser.open(&cek(&honest));
    assert_eq!(verdict(&browser), ("true".to_owned(), String::new()));

    let cases: [Case; 4] = [
        (
            "no-log-proof",
            without_log_proof,
            "the proof carries no checkpoint",
        ),
        (
            "malformed-checkpoint",
            malformed_checkpoint_head,
            "malformed checkpoint",
        ),
        (
            "wrong-leaf-index",
            another_leaf_index,
            "the index is not the approval record's",
        ),
        ("short-inclusion-path", one_hash_short, "proof too short"),
    ];
    for (name, tamper, reason) in cases {
        let proxy = tampering_proxy(server.url.clone(), tamper);
        browser.open(&cek(&proxy));
        assert_eq!(
            verdict(&browser),
            ("false".to_owned(), "checkpoint".to_owned()),
            "{name}: not verified, at the checkpoint step"
        );
        let shown = browser.run(
            "const s = document.querySelector('#steps [data-step=checkpoint]'); \
             return [s.dataset.result, s.textContent, \
             Array.from(document.querySelectorAll('#steps li')).filter(l => l.dataset.result === 'ok').length];",
        );
        assert_eq!(shown[0], "failed", "{name}: {shown}");
        assert!(
            shown[1].as_str().is_some_and(|text| text.contains(reason)),
            "{name}: the step says why ({reason}): {shown}"
        );
        assert_eq!(shown[2], 4, "{name}: every step before holds: {shown}");
        browser.screenshot(&screenshots().join(format!("cek-{name}.png")));
    }
}
