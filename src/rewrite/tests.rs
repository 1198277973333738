use super::*;
use crate::extract::extract;
use crate::plan::{build, console::Prompts};
use crate::run::StepRun;
use std::path::Path;
use std::time::Duration;

/// Blesses `text` as if its commands printed `outputs` (in order) and exited with 0 unless
/// the output has an `error:` line.
fn blessed(text: &str, outputs: &[&str]) -> String {
    let plan = build(Path::new("g.md"), text, &extract(text), &Prompts::default()).unwrap();
    let mut outputs = outputs.iter();
    let runs: Vec<Option<StepRun>> = plan
        .steps
        .iter()
        .map(|s| {
            let output = match s.kind {
                StepKind::Command { .. } => outputs.next().expect("an output per command").to_string(),
                _ => String::new(),
            };
            let status = i32::from(output.contains("error:"));
            Some(StepRun {
                output,
                status: Some(status),
                timed_out: false,
                interrupted: false,
                shell_replaced: false,
                truncated: false,
                duration: Duration::ZERO,
                error: None,
                logs: Vec::new(),
                missing: None,
            })
        })
        .collect();
    let normalizer = Normalizer::default();
    let verdicts: Vec<Verdict> = plan
        .steps
        .iter()
        .zip(&runs)
        .map(|(s, r)| crate::compare::compare_step(s, r.as_ref().unwrap(), &normalizer))
        .collect();
    bless(text, &plan, &runs, &verdicts, &normalizer).text
}

#[test]
fn drifted_output_is_replaced_and_nothing_else_changes() {
    let text = "Intro  \n\n```console\n$ echo hi\nho\n$ echo same\nsame\n```\n\ttail\n";
    assert_eq!(
        blessed(text, &["hi\n", "same\n"]),
        "Intro  \n\n```console\n$ echo hi\nhi\n$ echo same\nsame\n```\n\ttail\n"
    );
}

#[test]
fn passing_guides_are_left_byte_for_byte() {
    let text = "---\ntitle: x\n---\n\n```console\r\n$ ls\r\na\r\n```\r\n";
    assert_eq!(blessed(text, &["a\nb\n"]), text);
}

#[test]
fn wildcards_and_elisions_are_kept_where_they_still_match() {
    let text = "```console\n$ build\nstart [..]\n...\nresult: old\n```\n";
    let real = "start 12:00\nstep 1\nstep 2\nresult: new\n";
    assert_eq!(
        blessed(text, &[real]),
        "```console\n$ build\nstart [..]\n...\nresult: new\n```\n"
    );
}

#[test]
fn an_empty_output_block_is_filled() {
    let text = "```console\n$ echo filled\n```\n\nIt prints:\n\n```output\n```\n";
    assert_eq!(
        blessed(text, &["filled\n"]),
        "```console\n$ echo filled\n```\n\nIt prints:\n\n```output\nfilled\n```\n"
    );
}

#[test]
fn crlf_guides_stay_crlf() {
    let text = "```console\r\n$ echo a\r\nold\r\nold2\r\n```\r\n";
    assert_eq!(
        blessed(text, &["new\nnew2\n"]),
        "```console\r\n$ echo a\r\nnew\r\nnew2\r\n```\r\n"
    );
}

#[test]
fn output_holding_a_fence_lengthens_the_block() {
    let text = "```console\n$ cat doc.md\nold\n```\n";
    assert_eq!(
        blessed(text, &["```sh\nx\n```\n"]),
        "````console\n$ cat doc.md\n```sh\nx\n```\n````\n"
    );
}

#[test]
fn indented_blocks_keep_their_indentation() {
    let text = "1. Run:\n\n   ```console\n   $ echo a\n   old\n   ```\n";
    assert_eq!(
        blessed(text, &["new\nnewer\n"]),
        "1. Run:\n\n   ```console\n   $ echo a\n   new\n   newer\n   ```\n"
    );
}

#[test]
fn a_changed_got_hash_is_pasted_into_later_files() {
    let text = concat!(
        "```console\n$ nix-build\nerror: hash mismatch in fixed-output derivation 'x':\n  specified: sha256-AAAA=\n     got:    sha256-OLD=\n```\n\n",
        "```nix title=\"a.nix\"\n{ hash = \"sha256-OLD=\"; }\n```\n\nKeep sha256-OLD= in prose.\n",
    );
    let real = "error: hash mismatch in fixed-output derivation 'x':\n  specified: sha256-AAAA=\n     got:    sha256-NEW=\n";
    let out = blessed(text, &[real]);
    assert!(out.contains("     got:    sha256-NEW=\n```"), "{out}");
    assert!(out.contains("{ hash = \"sha256-NEW=\"; }"), "{out}");
    assert!(out.ends_with("Keep sha256-OLD= in prose.\n"), "{out}");
}

#[test]
fn every_commonmark_spec_example_is_left_as_it_was() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/commonmark-spec.json");
    let examples: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(examples.len(), 652);
    for example in &examples {
        let text = example["markdown"].as_str().unwrap().replace('→', "\t");
        let plan = match build(Path::new("g.md"), &text, &extract(&text), &Prompts::default()) {
            Ok(plan) => plan,
            Err(_) => continue,
        };
        let commands = plan
            .steps
            .iter()
            .filter(|s| matches!(s.kind, StepKind::Command { .. }))
            .count();
        // Every command printed exactly what the example shows: nothing may change.
        let shown: Vec<String> = plan
            .steps
            .iter()
            .filter_map(|s| match &s.kind {
                StepKind::Command { shown, .. } => Some(shown.as_ref().map_or(String::new(), |sh| {
                    sh.lines.iter().map(|l| format!("{}\n", l.text)).collect()
                })),
                _ => None,
            })
            .collect();
        assert_eq!(shown.len(), commands);
        let refs: Vec<&str> = shown.iter().map(String::as_str).collect();
        assert_eq!(blessed(&text, &refs), text, "example {}", example["number"]);
    }
}
