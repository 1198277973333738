//! Guides as their authors wrote them: inferred names, mislabelled fences, diffs, prompts.

use crate::{files_of, fixture, guidecheck, text};

#[test]
fn the_raw_llamafile_blog_is_read_as_a_person_would() {
    let guide = fixture("read/llamafile_blog/guide.md");
    let output = guidecheck()
        .args(["plan", "--format", "json"])
        .arg(&guide)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let plans: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let steps = plans[0]["steps"].as_array().unwrap();
    let files = files_of(&plans[0]);
    let files: Vec<(&str, &str)> = files.iter().map(|(p, n)| (p.as_str(), n.as_str())).collect();
    assert_eq!(
        files,
        [
            (
                "default.nix",
                "inferred: default.nix (not a function; uses ./llamafile.nix)"
            ),
            ("llamafile.nix", "first-line comment"),
            (
                "llamafile.nix",
                "inferred: revision of llamafile.nix (same pname \"llamafile\"); fenced as ```shell, read as Nix"
            ),
            (
                "llamafile.nix",
                "inferred: revision of llamafile.nix (same pname \"llamafile\")"
            ),
        ]
    );
    let builds: Vec<usize> = steps
        .iter()
        .filter(|s| s["kind"] == "command")
        .map(|s| {
            assert_eq!(s["command"], "nix-build -A llamafile");
            s["shown"]["lines"].as_array().unwrap().len()
        })
        .collect();
    assert_eq!(builds, [15, 32]);
    let human = guidecheck().arg("plan").arg(&guide).output().unwrap();
    insta::assert_snapshot!(text(&human).0.replace(&guide.display().to_string(), "guide.md"));
}

#[test]
fn diff_blocks_edit_the_file_they_name() {
    let output = guidecheck()
        .arg(fixture("read/diff_edits/guide.md"))
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.ends_with("4 steps: 4 passed, 0 failed, 0 blocked, 0 skipped\n"),
        "{stdout}"
    );
}

#[test]
fn zsh_and_user_host_prompts_elision_wildcards_and_hidden_setup() {
    let output = guidecheck()
        .arg(fixture("read/prompts/guide.md"))
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.ends_with("5 steps: 5 passed, 0 failed, 0 blocked, 0 skipped\n"),
        "{stdout}"
    );
}

#[test]
fn a_missing_tool_is_blocked_with_exit_3() {
    let output = guidecheck()
        .arg(fixture("blocked/missing_tool/guide.md"))
        .output()
        .unwrap();
    let (stdout, _) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("blocked: `nix-no-such-tool` is not installed"),
        "{stdout}"
    );
    assert!(stdout.contains("hint: install Nix"), "{stdout}");
}
