//! docs/TUTORIAL.md, executed as written: every command line of its `sh` blocks runs in a
//! fresh directory, in order; each must succeed except the one the text says is refused.

use crate::harness::{code, stderr, stdout, Sandbox};

const TUTORIAL: &str = include_str!("../../docs/TUTORIAL.md");

/// The command lines of the tutorial's `sh` blocks.
fn command_lines() -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_block = false;
    for line in TUTORIAL.lines() {
        match line.trim() {
            "```sh" => in_block = true,
            "```" => in_block = false,
            command if in_block && !command.is_empty() && !command.starts_with('#') => {
                lines.push(command.to_owned())
            }
            _ => {}
        }
    }
    lines
}

#[test]
fn the_tutorial_runs_as_written() {
    let sandbox = Sandbox::new();
    let lines = command_lines();
    assert!(lines.len() >= 15, "the tutorial lost its commands");
    let mut outputs = String::new();
    for line in &lines {
        let words = shlex::split(line).expect("a well-quoted command line");
        assert_eq!(words[0], "rekap", "{line}");
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let output = sandbox.run(&args);
        let expected = if line.contains("--votes 826") { 1 } else { 0 };
        assert_eq!(
            code(&output),
            expected,
            "{line}\n{}{}",
            stdout(&output),
            stderr(&output)
        );
        outputs += &stdout(&output);
        outputs += &stderr(&output);
    }
    for promised in [
        "6,264 rows: 0 to append, 6,264 already imported",
        "Kabupaten/Kota",
        "Kabupaten/Kota",
        "pair-votes=valid",
        "recounted in the plenary",
        "\"ok\":true",
        "inside the approval of 640101 pilgub-kaltim-2024",
    ] {
        assert!(
            outputs.contains(promised),
            "the tutorial promises {promised:?}"
        );
    }
}
