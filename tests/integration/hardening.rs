//! Limits that protect the machine and the reader: bounded output, files stay in the workspace.

use crate::{Run, write_guide};

/// A guide whose commands keep at most 64 KiB of output.
fn limited(body: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, guide) = write_guide("big.md", &format!("# Big\n\n```console\n{body}```\n"));
    std::fs::write(
        dir.path().join("guidecheck.toml"),
        "[run]\noutput-limit = 65536\n",
    )
    .unwrap();
    (dir, guide)
}

#[test]
fn huge_output_keeps_its_head_and_tail_and_marks_the_cut() {
    let (_dir, guide) = limited(
        "$ echo the-start; yes filler-line | head -n 300000; echo the-end\nthe-start\n...\nthe-end\n",
    );
    let run = Run::bare().arg(&guide).expect(0);
    assert_eq!(run.steps(), (1, 0, 0, 0));
    // It holds, so a bless has nothing to write.
    Run::new(["--check".as_ref(), guide.as_os_str()]).expect(0);
}

#[test]
fn the_cut_is_visible_in_the_real_output() {
    let (_dir, guide) = limited("$ yes filler-line | head -n 300000\nnot shown\n");
    let run = Run::bare().arg(&guide).expect(1);
    let (stdout, _) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stdout.contains("more real lines"),
        "a huge diff is cut short: {stdout}"
    );
    // What --bless would write: the kept head and tail, and the marker between them.
    let check = Run::bare().arg("--check").arg(&guide).outcome();
    let (diff, _) = (check.stdout.clone(), check.stderr.clone());
    let dropped = 300_000 * "filler-line\n".len() - 65_536;
    assert!(
        diff.contains(&format!("+[guidecheck: {dropped} bytes of output dropped]\n")),
        "{}",
        &diff[..diff.len().min(2000)]
    );
}

#[test]
fn a_file_step_cannot_write_outside_the_workspace() {
    let (dir, guide) = write_guide(
        "escape.md",
        "# Escape\n\n<!-- guidecheck: file=../../escaped.txt -->\n```\nnot here\n```\n\n```nix title=\"/tmp/guidecheck-absolute.nix\"\n{ }\n```\n",
    );
    let run = Run::bare().arg(&guide).expect(1);
    let (stdout, _) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stdout.contains("refusing to write `../../escaped.txt` outside the workspace"),
        "{stdout}"
    );
    assert!(
        stdout.contains("refusing to write `/tmp/guidecheck-absolute.nix` outside the workspace"),
        "{stdout}"
    );
    assert!(!dir.path().join("escaped.txt").exists());
    assert!(!std::path::Path::new("/tmp/guidecheck-absolute.nix").exists());
}
