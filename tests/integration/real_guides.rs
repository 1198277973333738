//! Guides as other people write them (blog and nix.dev styles) run end to end with real
//! Nix, and a mutated copy of each still fails at the right line.

use crate::{Run, files_of, fixture, line_of, plan_json, read};
use std::path::PathBuf;

fn guide(case: &str) -> PathBuf {
    fixture(&format!("real_guides/{case}/guide.md"))
}

/// A copy of a fixture guide with `from` (which must occur once) replaced by `to`, in a
/// temp folder whose guidecheck.toml keeps Nix offline and snapshots off.
#[track_caller]
fn mutated(case: &str, from: &str, to: &str) -> (tempfile::TempDir, PathBuf, String) {
    let text = read(&guide(case));
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} must occur once in {case}"
    );
    let text = text.replacen(from, to, 1);
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("guidecheck.toml"),
        "[nix]\noffline = true\n[snapshots]\nupdate = \"off\"\n",
    )
    .expect("config");
    let path = dir.path().join("guide.md");
    std::fs::write(&path, &text).expect("guide");
    (dir, path, text)
}

#[test]
fn a_blog_style_guide_runs_end_to_end() {
    let run = Run::new([guide("blog")]).expect(0);
    assert_eq!(run.steps(), (8, 0, 0, 0));
    let plan = plan_json(&guide("blog"));
    let steps = plan["steps"].as_array().unwrap();
    let named: Vec<(String, String)> = ["pkgs.nix", "default.nix", "greet.nix"]
        .map(|f| (f.to_string(), "first-line comment".to_string()))
        .into();
    assert_eq!(files_of(&plan)[..3], named);
    // Shown twice: the script's `nix-build` and the transcript's are one step.
    let builds: Vec<&serde_json::Value> = steps
        .iter()
        .filter(|s| s["command"] == "nix-build -A greet")
        .collect();
    assert_eq!(builds.len(), 2);
    let text = read(&guide("blog"));
    assert_eq!(builds[0]["line"], line_of(&text, "nix-build -A greet", 0));
    assert_eq!(
        builds[0]["shown_again_at"],
        line_of(&text, "➜ greet git:(master) nix-build -A greet", 0)
    );
    assert_eq!(steps[0]["kind"], "script");
    assert!(!steps[0]["script"].as_str().unwrap().contains("nix-build"));
}

#[test]
fn a_nix_dev_style_guide_runs_end_to_end() {
    let run = Run::new([guide("nixdev")]).expect(0);
    assert_eq!(run.steps(), (16, 0, 0, 0));
    let plan = plan_json(&guide("nixdev"));
    let commands: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["command"].as_str())
        .collect();
    // The heredoc ends at `> EOF`; the BOM hides nothing.
    assert_eq!(commands[0], "mkdir -p greet-2.1");
    assert!(commands[1].starts_with("cat > greet-2.1/greet.c <<'EOF'\n#include <stdio.h>\n"));
    assert!(commands[1].ends_with("\n}\nEOF"));
    assert!(commands[2].starts_with("printf 'PREFIX"));
    assert_eq!(commands[5], "tar -tzf greet-2.1.tar.gz");
}

/// A mutated copy fails, at the Markdown line of `failing` (its first occurrence), saying `why`.
#[track_caller]
fn fails_at(case: &str, from: &str, to: &str, failing: &str, why: &str) {
    let (_dir, path, text) = mutated(case, from, to);
    let line = line_of(&text, failing, 0);
    let run = Run::new([&path]).expect(1);
    run.contains(&format!("FAIL {}:{line}: ", path.display()))
        .contains(why);
}

#[test]
fn a_wrong_output_in_a_blog_guide_fails() {
    fails_at(
        "blog",
        "\nHello from greet 2.1!\n```",
        "\nHello from greet 2.2!\n```",
        "➜ greet git:(master) ./result/bin/greet",
        "Hello from greet 2.2!",
    );
}

#[test]
fn a_wrong_hash_shown_in_a_blog_guide_fails_at_the_merged_step() {
    fails_at(
        "blog",
        "got:    sha256-CDMSjsqv44Tu0ZQ/EiDCyPffNabUPdI1pKgWzXHt9B0=",
        "got:    sha256-CDMSjsqv44Tu0ZQ/EiDCyPffNabUPdI1pKgWzXHt9B1=",
        "nix-build -A greet",
        "the got-hash changed",
    );
}

#[test]
fn a_missing_titled_file_in_a_blog_guide_fails() {
    fails_at(
        "blog",
        "# pkgs.nix: a tiny package set that works offline",
        "# not-pkgs.nix: a tiny package set that works offline",
        "nix-build -A greet",
        "pkgs.nix",
    );
}

#[test]
fn a_wrong_listing_after_a_heredoc_fails() {
    fails_at(
        "nixdev",
        "greet-2.1/greet.c\n```",
        "greet-2.1/greet.cc\n```",
        "$ tar -tzf greet-2.1.tar.gz",
        "greet-2.1/greet.cc",
    );
}

#[test]
fn a_missing_diff_fails_at_the_build_it_feeds() {
    let text = read(&guide("nixdev"));
    let start = text
        .find("```diff\n-{ mkDerivation, fetchzip }:")
        .expect("the last diff");
    let end = start + text[start..].find("```\n\n").expect("its end") + 5;
    let (_dir, path, text) = mutated("nixdev", &text[start..end], "");
    let line = line_of(&text, "$ nix-build -A greet", 2);
    Run::new([&path])
        .expect(1)
        .contains(&format!("FAIL {}:{line}: ", path.display()))
        .contains("make: not found");
}

#[test]
fn a_wrong_version_banner_command_fails_but_the_version_is_normalised() {
    fails_at(
        "nixdev",
        "nix-build (Nix) 2.13.3",
        "nix-env (Nix) 2.13.3",
        "$ nix-build --version",
        "nix-env (Nix) [VERSION]",
    );
}

#[test]
fn the_raw_llamafile_blog_builds_exactly_twice() {
    let plan = plan_json(&fixture("read/llamafile_blog/guide.md"));
    let steps = plan["steps"].as_array().unwrap();
    let runs = |needle: &str| {
        steps
            .iter()
            .filter(|s| {
                s["command"].as_str().is_some_and(|c| c.contains(needle))
                    || s["script"].as_str().is_some_and(|c| c.contains(needle))
            })
            .count()
    };
    assert_eq!(runs("nix-build -A llamafile"), 2);
    assert_eq!(runs("cd llamafile-dir"), 1);
}

#[test]
fn a_byte_order_mark_hides_no_block_and_bless_keeps_it() {
    assert!(
        read(&guide("nixdev")).starts_with('\u{FEFF}'),
        "the nix.dev fixture starts with a BOM"
    );
    let (_dir, path) = crate::write_guide("bom.md", "\u{FEFF}```console\n$ echo hi\nhello\n```\n");
    Run::new([&path]).expect(1).contains("hello");
    Run::new(["--bless".as_ref(), path.as_os_str()]).expect(0);
    assert_eq!(read(&path), "\u{FEFF}```console\n$ echo hi\nhi\n```\n");
}
