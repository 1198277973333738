//! Every output format, as insta snapshots (durations and temp paths redacted).

use crate::{Run, fixture, root};
use regex::Regex;

fn run(format: &str, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let guide = fixture("formats/mixed/guide.md");
    let run = Run::new(["--format", format])
        .arg(&guide)
        .envs(env.iter().copied())
        .outcome();
    let stdout = run.stdout;
    let stdout = stdout.replace(&root().display().to_string(), "[REPO]");
    let stdout = Regex::new(r#"\d+\.\d+s\)"#)
        .unwrap()
        .replace_all(&stdout, "[TIME])");
    let stdout = Regex::new(r#"time="[\d.]+""#)
        .unwrap()
        .replace_all(&stdout, "time=\"[TIME]\"");
    let stdout = Regex::new(r#""seconds": [\d.e-]+"#)
        .unwrap()
        .replace_all(&stdout, "\"seconds\": 0");
    (run.code, stdout.into_owned())
}

#[test]
fn human() {
    let (code, out) = run("human", &[]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(out);
}

#[test]
fn json() {
    let (code, out) = run("json", &[]);
    assert_eq!(code, Some(1));
    let doc: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(doc["totals"]["failed"], 1);
    insta::assert_snapshot!(out);
}

#[test]
fn junit_validates_against_the_junit_xsd() {
    let (code, out) = run("junit", &[]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(out);
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("report.xml");
    std::fs::write(&xml, out.replace("[TIME]", "0.1")).unwrap();
    let xsd = root().join("tests/data/junit-10.xsd");
    let check = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(&xml)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn junit_file_beside_the_human_report() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("j.xml");
    let output = Run::bare()
        .arg("--junit")
        .arg(&file)
        .arg(fixture("formats/mixed/guide.md"))
        .outcome();
    assert!(output.stdout.contains("FAIL "));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("<testsuites name=\"guidecheck\" tests=\"4\" failures=\"1\" errors=\"1\">")
    );
}

#[test]
fn github_annotations() {
    let (code, out) = run("github", &[]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(out);
}

#[test]
fn github_annotations_join_the_human_report_on_github_actions() {
    let (_, out) = run("human", &[("GITHUB_ACTIONS", "true")]);
    assert!(
        out.contains(
            "::error file=[REPO]/tests/fixtures/formats/mixed/guide.md,line=6,title=guidecheck: drift::"
        ),
        "{out}"
    );
    assert!(
        out.contains("FAIL [REPO]/tests/fixtures/formats/mixed/guide.md:6"),
        "{out}"
    );
}
