//! A long guide (from `STREAMED_FROM`, 256 KiB) whose report shows only its failures is
//! read as it runs: read through once for its errors, then fed to the run step by step,
//! keeping whole only the steps that did not pass. Its report, snapshot and errors are
//! those of the guide read whole.

use crate::{Run, write_guide};

/// A guide of about 300 KiB: 150 sections of 40 commands, a file step and a snippet each,
/// a TODO section, a skipped block, a command whose output is shown in the block after it,
/// and (when `failing`) wrong output, a wrong exit status, a wrong file and a failure in
/// the TODO section, far apart.
fn long_guide(failing: bool) -> String {
    let mut text = String::from("# A long guide\n\n");
    for section in 0..150 {
        text.push_str(&format!("## Part {section}\n\n"));
        if section == 120 {
            text.push_str("## TODO: finish this part\n\n");
        }
        text.push_str(&format!(
            "```sh title=\"part{section}.sh\"\necho part {section}\n```\n\n"
        ));
        text.push_str("```console\n");
        for i in 0..40 {
            text.push_str(&format!(
                "$ echo {section}-{i} and some words to make it longer\n"
            ));
            let wrong = failing && matches!((section, i), (3, 5) | (77, 39) | (120, 0));
            let shown = if wrong {
                "something else"
            } else {
                "and some words to make it longer"
            };
            text.push_str(&format!("{section}-{i} {shown}\n"));
        }
        text.push_str(&format!("$ sh part{section}.sh\npart {section}\n"));
        let status = if failing && section == 140 { 0 } else { 3 };
        text.push_str(&format!("# guidecheck: exit=3\n$ (exit {status})\n```\n\n"));
        text.push_str("```nix\n{ snippet = true; }\n```\n\n```console skip\n$ false\n```\n\n");
        text.push_str("```console\n$ echo shown later\n```\n\nIt prints:\n\n```\nshown later\n```\n\n");
    }
    assert!(text.len() > 256 * 1024, "{} bytes", text.len());
    text
}

/// A report without its durations (`(1.2s)`, `(system store, 0.3s)`).
fn timeless(report: &str) -> String {
    regex::Regex::new(r"\d+\.\ds\)")
        .unwrap()
        .replace_all(report, "s)")
        .into_owned()
}

#[test]
fn a_long_guide_read_as_it_runs_reports_what_its_whole_plan_reports() {
    let (_dir, path) = write_guide("g.md", &long_guide(true));
    std::fs::write(
        path.with_file_name("guidecheck.toml"),
        "[snapshots]\nupdate = \"off\"\n",
    )
    .unwrap();
    let streamed = Run::new([&path]).expect(1);
    // `--until` past the end reads the plan whole before running it.
    let whole = Run::new(["--until".as_ref(), "999999".as_ref(), path.as_os_str()]).expect(1);
    assert_eq!(timeless(&streamed.stdout), timeless(&whole.stdout));
    let report = &streamed.stdout;
    assert_eq!(
        report.matches("FAIL ").count(),
        5,
        "four steps and the guide:\n{report}"
    );
    assert_eq!(streamed.steps(), (150 * 44 - 4, 4, 0, 150));
    assert!(
        report.contains("TODO") && report.contains("45 steps, 1 failing"),
        "{report}"
    );
    // The JSON report (every step kept) agrees.
    let json = Run::new(["--format".as_ref(), "json".as_ref(), path.as_os_str()]).expect(1);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["totals"]["failed"], 4);
    let github = Run::new(["--format".as_ref(), "github".as_ref(), path.as_os_str()]).expect(1);
    assert_eq!(
        github.stdout.matches("::error file=").count(),
        4,
        "{}",
        github.stdout
    );
}

#[test]
fn a_long_guide_read_as_it_runs_writes_the_snapshot_of_its_whole_plan() {
    let text = long_guide(false);
    let (streamed_dir, streamed) = write_guide("g.md", &text);
    let (whole_dir, whole) = write_guide("g.md", &text);
    Run::new([&streamed]).expect(0).contains("snapshot written");
    // The JSON report keeps every step: its run holds the plan whole.
    Run::new(["--format".as_ref(), "json".as_ref(), whole.as_os_str()]).expect(0);
    let snapshot = |dir: &tempfile::TempDir| {
        let path = dir.path().join("snapshots/g.snap");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    // The same, but for where each guide is.
    let (a, b) = (snapshot(&streamed_dir), snapshot(&whole_dir));
    let differ: Vec<(&str, &str)> = a.lines().zip(b.lines()).filter(|(x, y)| x != y).collect();
    assert_eq!(differ.len(), 1, "{differ:?}");
    assert!(differ[0].0.starts_with("guide: "), "{differ:?}");
    assert_eq!(a.lines().count(), b.lines().count());
    assert!(a.contains("\ndigest: ") && a.contains("\n## 6600: echo shown later\n"));
    Run::new([&streamed]).expect(0).steps();
}

#[test]
fn a_bad_directive_at_the_end_of_a_long_guide_runs_nothing() {
    let marker = tempfile::tempdir().unwrap();
    let ran = marker.path().join("ran");
    let text = format!(
        "```console\n$ touch {}\n```\n\n{}<!-- guidecheck: bogus -->\n",
        ran.display(),
        long_guide(false)
    );
    let (_dir, path) = write_guide("g.md", &text);
    let line = text.lines().count();
    Run::new([&path])
        .expect(2)
        .contains(&format!("g.md:{line}:"))
        .contains("bogus");
    assert!(!ran.exists(), "a command ran before the error was found");
}

/// A guide of `steps` echo steps, in blocks of 100.
fn echo_steps(steps: usize) -> String {
    let mut text = String::from("# Steps\n\n");
    for block in 0..steps / 100 {
        text.push_str("```console\n");
        for i in block * 100..block * 100 + 100 {
            text.push_str(&format!("$ echo line {i}\nline {i}\n"));
        }
        text.push_str("```\n\n");
    }
    text
}

/// Memory grows with the guide's text, not with its steps: ten times the steps add about
/// the text they take (a run that held every step grew by 33 MB here).
#[test]
fn a_run_s_memory_does_not_grow_with_its_steps() {
    let (small_text, large_text) = (echo_steps(10_000), echo_steps(100_000));
    let (_small_dir, small_guide) = write_guide("g.md", &small_text);
    let (_large_dir, large_guide) = write_guide("g.md", &large_text);
    let Some(small) = crate::peak_rss_of_a_passing_run(&small_guide) else {
        return;
    };
    let large = crate::peak_rss_of_a_passing_run(&large_guide).expect("measured once");
    let grown = large.saturating_sub(small);
    let text = (large_text.len() - small_text.len()) as u64 / 1024;
    assert!(
        grown < text + 8 * 1024,
        "10,000 steps: {small} KiB, 100,000: {large} KiB ({text} KiB more text)"
    );
}

#[test]
fn a_skipped_block_settled_before_the_run_comes_to_it_does_not_end_the_run() {
    let (_dir, path) = write_guide(
        "g.md",
        "```console\n$ head -c 1100000 /dev/zero | tr '\\0' x; echo\n...\n```\n\n```sh title=\"later.sh\" skip\necho skipped\n```\n\n```console\n$ echo a\nb\n```\n",
    );
    let run = Run::new([&path]).expect(1);
    assert_eq!(run.steps(), (1, 1, 0, 1));
    run.contains("g.md:11: echo a");
}
