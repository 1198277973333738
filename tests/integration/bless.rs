//! `--bless` writes reality into the guide; `--check` shows what it would write.

use crate::{Run, fixture, read, root, write_guide};
use std::path::Path;

/// Copies a fixture guide into a temp dir (tests must not write into the repository).
fn copy(case: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let bytes = std::fs::read(fixture(case).join("guide.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("guide.md");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn bless(path: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let run = Run::new(["--bless"]).args(extra).arg(path).outcome();
    (run.code, run.all())
}

#[test]
fn a_stale_hello_is_blessed_into_a_guide_that_passes() {
    let old = "sha256-sXRYFNp+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHU=";
    // Upstream changed its tarball (one more file): the real got-hash moved.
    let original = read(&root().join("guides/hello.md"));
    let stale = original.replacen(
        "mkdir -p hello-1.0\n",
        "mkdir -p hello-1.0\necho 'see hello.c' > hello-1.0/README\n",
        1,
    );
    assert_ne!(stale, original);
    let (_dir, guide) = write_guide("hello.md", &stale);
    let fresh = ["--offline", "--store", "fresh"];
    let before = Run::bare().args(fresh).arg(&guide).outcome();
    assert_eq!(before.code, Some(1), "{}", before.stdout);

    let (code, out) = bless(&guide, &fresh);
    assert_eq!(code, Some(0), "{out}");
    let blessed = read(&guide);
    assert_eq!(blessed.matches(old).count(), 0, "{blessed}");
    // Only the shown got-hash and the three pasted copies changed: same lines otherwise.
    let changed: Vec<(&str, &str)> = stale
        .lines()
        .zip(blessed.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(stale.lines().count(), blessed.lines().count());
    assert_eq!(changed.len(), 4, "{changed:#?}");
    let new = changed[0].1.split_whitespace().last().unwrap().to_string();
    assert!(
        changed[0].0.trim_start().starts_with("got:") && new.starts_with("sha256-"),
        "{changed:#?}"
    );
    for (a, b) in &changed[1..] {
        assert_eq!(a.replace(old, &new), *b);
    }

    let after = Run::bare().args(fresh).arg(&guide).outcome();
    assert_eq!(after.code, Some(0), "{}", after.stdout);
    let (code, out) = bless(&guide, &fresh);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(read(&guide), blessed, "blessing again changes nothing");
}

#[test]
fn check_prints_the_diff_and_writes_nothing() {
    let (_dir, guide) = copy("bless/drifted");
    let before = read(&guide);
    let run = Run::bare().arg("--check").arg(&guide).expect(1);
    let (stdout, _) = (run.stdout.clone(), run.stderr.clone());
    assert!(stdout.contains("-stale output\n+real output\n"), "{stdout}");
    assert!(stdout.ends_with("; --bless would change 1 guide\n"), "{stdout}");
    assert_eq!(read(&guide), before);
}

#[test]
fn empty_output_placeholders_are_filled() {
    let (_dir, guide) = copy("bless/placeholder");
    let (code, out) = bless(&guide, &[]);
    assert_eq!(code, Some(0), "{out}");
    let text = read(&guide);
    assert!(
        text.contains("It prints:\n\n```output\none\ntwo\n```\n"),
        "{text}"
    );
    assert!(
        text.ends_with("<!-- guidecheck: output -->\n```text\nthree\n```\n"),
        "{text}"
    );
}

#[test]
fn a_crlf_guide_stays_crlf_and_keeps_its_other_bytes() {
    let (_dir, guide) = copy("bless/crlf");
    let (code, out) = bless(&guide, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        std::fs::read(&guide).unwrap(),
        b"# CRLF guide\r\n\r\n```console\r\n$ printf \"a\\nb\\n\"\r\na\r\nb\r\n```\r\n\r\nTrailing spaces stay.   \r\n"
    );
}

#[test]
fn wildcards_survive_a_bless() {
    let (_dir, guide) = copy("bless/drifted");
    let (code, out) = bless(&guide, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        read(&guide).contains("real output\n$ echo \"started at $(date +%s)\"\nstarted at [..]\n...\n"),
        "{}",
        read(&guide)
    );
}

#[test]
fn a_bless_killed_at_any_point_leaves_the_old_or_the_new_guide() {
    let (_dir, reference) = copy("bless/drifted");
    let old = std::fs::read(&reference).unwrap();
    bless(&reference, &[]);
    let new = std::fs::read(&reference).unwrap();
    assert_ne!(old, new);
    let binary = assert_cmd::cargo::cargo_bin("guidecheck");
    for i in 0..12u64 {
        let (_dir, guide) = copy("bless/drifted");
        let mut child = std::process::Command::new(&binary)
            .arg("--bless")
            .arg(&guide)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over the run: before, during and around the write.
        std::thread::sleep(std::time::Duration::from_millis(20 * i + (i * 7919) % 23));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(&guide).unwrap();
        assert!(
            now == old || now == new,
            "kill #{i} left a partial guide:\n{}",
            String::from_utf8_lossy(&now)
        );
    }
}

#[test]
fn blessing_every_commonmark_spec_example_changes_no_byte() {
    let path = root().join("tests/data/commonmark-spec.json");
    let examples: Vec<serde_json::Value> = serde_json::from_str(&read(&path)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for e in &examples {
        let name = format!("example-{:03}.md", e["number"].as_u64().unwrap());
        std::fs::write(
            dir.path().join(name),
            e["markdown"].as_str().unwrap().replace('→', "\t"),
        )
        .unwrap();
    }
    let output = Run::bare().arg("--bless").arg(dir.path()).outcome();
    let (stdout, stderr) = (output.stdout.clone(), output.stderr.clone());
    assert!(stdout.contains("guidecheck: 652 guides"), "{stdout}{stderr}");
    for e in &examples {
        let name = format!("example-{:03}.md", e["number"].as_u64().unwrap());
        let now = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        assert_eq!(now, e["markdown"].as_str().unwrap().replace('→', "\t"), "{name}");
    }
}
