//! Verdicts you can trust: wrong guides that used to pass now fail at the right line.

use crate::{Run, write_guide};

#[test]
fn an_error_the_guide_does_not_show_fails_the_step() {
    for (command, error) in [
        (
            "ls no-such-file",
            "ls: cannot access 'no-such-file': No such file or directory",
        ),
        (
            "sh -c 'echo \"fatal: not a repository\" >&2'",
            "fatal: not a repository",
        ),
        (
            "python3 -c 'import nothing_here' || true",
            "Traceback (most recent call last):",
        ),
        (
            "no-such-tool-here || true",
            "no-such-tool-here: command not found",
        ),
    ] {
        let text = format!("```console\n$ echo before\nbefore\n$ {command}\n```\n");
        let (_dir, path) = write_guide("g.md", &text);
        Run::new([&path])
            .expect(1)
            .contains(":4: ")
            .contains("an error the guide does not show: ")
            .contains(error);
    }
}

#[test]
fn an_error_shown_or_covered_or_allowed_passes() {
    let shown =
        "```console\n$ ls no-such-file\nls: cannot access 'no-such-file': No such file or directory\n```\n";
    let covered = "```console\n$ ls no-such-file || true\n...\n```\n";
    let wildcard = "```console\n$ ls no-such-file\nls: cannot access [..]\n```\n";
    for text in [shown, covered, wildcard] {
        let (_dir, path) = write_guide("g.md", text);
        assert_eq!(Run::new([&path]).expect(0).steps(), (1, 0, 0, 0), "{text}");
    }
    let (dir, path) = write_guide("g.md", "```console\n$ ls no-such-file || true\n```\n");
    std::fs::write(
        dir.path().join("guidecheck.toml"),
        "[errors]\nallow = ['^ls: cannot access']\n",
    )
    .unwrap();
    assert_eq!(Run::new([&path]).expect(0).steps(), (1, 0, 0, 0));
}
