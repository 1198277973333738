//! The mdBook preprocessor, with real mdbook binaries of the 0.4 and 0.5 lines.

use crate::{Run, fixture, read, text};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A real mdbook of one line: `GUIDECHECK_MDBOOK_04`/`_05`, or where .ci/run installs it.
fn mdbook(line: &str) -> PathBuf {
    let var = format!("GUIDECHECK_MDBOOK_{}", line.replace('.', ""));
    let path = std::env::var_os(&var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(format!("/opt/mdbook-{line}/bin/mdbook")));
    assert!(
        path.exists(),
        "mdbook {line} not found at {} (bash .ci/run installs it, or set {var})",
        path.display()
    );
    path
}

/// Runs `mdbook SUBCOMMAND` of one line in `dir`, with this guidecheck on PATH.
fn mdbook_in(dir: &Path, line: &str, subcommand: &str) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("guidecheck");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new(mdbook(line))
        .arg(subcommand)
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("CI")
        .env_remove("GUIDECHECK_UPDATE")
        .output()
        .unwrap()
}

/// A fixture book copied to a temp dir.
fn book(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(case), dir.path());
    dir
}

/// Copies a fixture book to a temp dir and runs `mdbook build` there.
fn build(case: &str, line: &str) -> (tempfile::TempDir, std::process::Output) {
    let dir = book(case);
    let output = mdbook_in(dir.path(), line, "build");
    (dir, output)
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn supports_every_renderer() {
    for renderer in ["html", "markdown", "test"] {
        Run::new(["mdbook", "supports", renderer]).expect(0);
    }
}

#[test]
fn books_build_with_recorded_outputs_and_badges_on_both_mdbook_lines() {
    for line in ["0.4", "0.5"] {
        let (dir, output) = build("mdbook/verified", line);
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "mdbook {line}: {stdout}{stderr}");
        let html = read(&dir.path().join("book/guide.html"));
        assert!(
            html.contains("✅ verified: 3 steps, Nix"),
            "mdbook {line}: {html}"
        );
        assert!(
            html.contains("recorded-one\nrecorded-two"),
            "mdbook {line}: the placeholder was not filled"
        );
        assert!(
            !html.contains("echo hidden-setup"),
            "mdbook {line}: the hidden setup leaked"
        );
        let prose = read(&dir.path().join("book/prose.html"));
        assert!(
            prose.contains("byte for byte") && !prose.contains("guidecheck-badge"),
            "mdbook {line}"
        );
    }
}

#[test]
fn a_drifted_chapter_fails_the_build_with_its_line_when_run_is_on() {
    for line in ["0.4", "0.5"] {
        let (_dir, output) = build("mdbook/drifted", line);
        let (stdout, stderr) = text(&output);
        assert!(!output.status.success(), "mdbook {line}: {stdout}{stderr}");
        assert!(
            stderr.contains("FAIL src/drifted.md:4: echo \"the real output\""),
            "mdbook {line}: {stderr}"
        );
        assert!(stderr.contains("5 - the shown output"), "mdbook {line}: {stderr}");
    }
}

#[test]
fn mdbook_test_runs_guide_chapters_without_run_true() {
    for line in ["0.4", "0.5"] {
        let dir = book("mdbook/drifted");
        let toml = dir.path().join("book.toml");
        std::fs::write(&toml, read(&toml).replace("run = true\n", "")).unwrap();
        let output = mdbook_in(dir.path(), line, "test");
        let (_, stderr) = text(&output);
        assert!(!output.status.success(), "mdbook {line} test: {stderr}");
        assert!(
            stderr.contains("FAIL src/drifted.md:4"),
            "mdbook {line}: {stderr}"
        );
    }
}

#[test]
fn an_unknown_key_in_book_toml_names_the_nearest() {
    let dir = book("mdbook/plain");
    let toml = dir.path().join("book.toml");
    std::fs::write(&toml, read(&toml) + "badge = false\n").unwrap();
    let output = mdbook_in(dir.path(), "0.5", "build");
    let (_, stderr) = text(&output);
    assert!(!output.status.success());
    assert!(
        stderr.contains("unknown key `badge` in [preprocessor.guidecheck]; did you mean `badges`?"),
        "{stderr}"
    );
}

#[test]
fn a_chapter_with_no_guide_passes_through_byte_for_byte() {
    let content =
        "# Prose\n\nNo guide, odd  spacing\t and <!-- a comment -->\r\n\n```sh,skip\nrm -rf /\n```\n";
    for (line, list) in [("0.4.52", "sections"), ("0.5.4", "items")] {
        let chapter = serde_json::json!({"Chapter": {"name": "P", "content": content, "number": null, "sub_items": [],
            "path": "p.md", "source_path": "p.md", "parent_names": []}});
        let input = serde_json::json!([
            {"root": fixture("mdbook/plain"), "config": {"book": {"src": "src"}}, "renderer": "html", "mdbook_version": line},
            {list: [chapter, "Separator", {"PartTitle": "Part"}]}
        ]);
        let stdout = Run::new(["mdbook"]).stdin(input.to_string()).expect(0).stdout;
        let book: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is only JSON");
        assert_eq!(book, input[1], "mdbook {line}");
    }
}
