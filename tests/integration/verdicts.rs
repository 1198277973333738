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
    // A program that is not there is named, with what to do if the guide assumes it.
    let (_dir, path) = write_guide("g.md", "```console\n$ direnv-nope allow\n```\n");
    let run = Run::new([&path]).expect(1);
    run.contains("hint: `direnv-nope` is not installed here: if the guide assumes it, install it");
    // Its exit status is explained: no `exit=127` hint beside it.
    assert!(!run.all().contains("exit=127"), "{}", run.all());
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

#[test]
fn a_mistyped_paste_is_the_first_problem_at_its_line_and_bless_fixes_it() {
    // The first paste (step 2's hello.nix), one character off in the middle.
    let paste = "    hash = \"sha256-sXRYFNp+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHU=\";\n  };\n}\n```\n\n```console\n$ nix-build -A hello\nthis derivation";
    let (original, text, _dir, path) = offline_hello(paste, &paste.replacen("sXRYFNp", "sXRYFNq", 1));
    let line = crate::line_of(
        &text,
        "    hash = \"sha256-sXRYFNq+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHU=\";",
        0,
    );
    let shown = crate::line_of(
        &text,
        "            got:    sha256-sXRYFNp+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHU=",
        0,
    );
    let run = Run::new([&path]).expect(1);
    let first = run.stdout.lines().next().unwrap_or("");
    assert!(
        first.ends_with(": write hello.nix"),
        "the paste is the first problem:\n{}",
        run.stdout
    );
    run.contains(&format!(
        "  line {line} pastes sha256-sXRYFNq+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHU=, but the got: hash shown at line {shown}"
    ));
    Run::new(["--bless".as_ref(), path.as_os_str()]).expect(0);
    assert_eq!(
        crate::read(&path),
        original,
        "bless writes the real hash into the paste, nothing else"
    );
    Run::new([&path]).expect(0);
    Run::new(["lint".as_ref(), path.as_os_str()])
        .expect(0)
        .contains("0 errors");
}

#[test]
fn a_cached_build_log_is_checked_against_the_kept_log() {
    // The last build (already in the store when the guide is run again) shows `-O2`.
    let last = "cc -O2 -o hello hello.c\nmkdir -p /nix/store/skpwxhh4vqi11bx9pcl6rdnj88x77l8m-hello-1.0/bin";
    let (_, text, _dir, path) = offline_hello(last, &last.replacen("-O2", "-O3", 1));
    // Once to have it in the store, once more to find it cached.
    Run::new([&path]).outcome();
    let line = crate::line_of(&text, "cc -O3 -o hello hello.c", 0);
    Run::new([&path])
        .expect(1)
        .contains(
            "hello-1.0 was already built; these shown build-log lines are not in the log Nix kept of it:",
        )
        .contains(&format!("  {line} - cc -O3 -o hello hello.c"));
}

#[test]
fn a_cached_build_without_a_kept_log_is_unverified_not_passed() {
    let guide = crate::fixture("verdicts/unverified/guide.md");
    let run = Run::new([&guide]).expect(0);
    assert_eq!(run.steps(), (1, 0, 0, 0));
    run.contains("UNVERIFIED ")
        .contains("hint: run with `--store fresh`")
        .contains(", 1 unverified\n");
    let json = Run::new(["--format".as_ref(), "json".as_ref(), guide.as_os_str()]).expect(0);
    assert!(
        json.stdout.contains("\"status\": \"unverified\""),
        "{}",
        json.stdout
    );
}

#[test]
fn exit_before_a_block_covers_all_its_commands_and_says_so() {
    let text = "# x\n\n<!-- guidecheck: exit=1 -->\n```console\n$ false\n$ true\n```\n\n```console\n$ sh -c 'exit 4'\n```\n";
    let (_dir, path) = write_guide("g.md", text);
    Run::new(["plan".as_ref(), path.as_os_str()])
        .expect(0)
        .contains("[exit=1 from line 3, for all 2 commands of the block]");
    Run::new([&path])
        .expect(1)
        .contains(":6: true\n  expected exit 1 (exit= at line 3), got exit 0\n")
        .contains(":10: sh -c 'exit 4'\n  expected success (exit 0), got exit 4\n  hint: if the guide means it to fail, put `<!-- guidecheck: exit=4 -->` before the block");
}

#[test]
fn exit_inside_a_transcript_covers_one_command_and_bless_keeps_it() {
    let text = "# x\n\n```console\n$ echo hi\nhi\n# guidecheck: exit=3\n$ sh -c 'exit 3'\n$ sh -c 'echo out; exit 2'  # guidecheck: exit=2\nold\n$ sh -c 'exit 4'\n# guidecheck: exit=5\n```\n";
    let (_dir, path) = write_guide("g.md", text);
    let plan = Run::new(["plan".as_ref(), path.as_os_str()]).expect(0);
    plan.contains("[exit=3 from line 6] $ sh -c 'exit 3'")
        .contains("[exit=2 from line 8] $ sh -c 'echo out; exit 2'\n")
        .contains("[exit=5 from line 11] $ sh -c 'exit 4'");
    assert!(!plan.stdout.contains(":4: echo hi ["), "{}", plan.stdout);
    Run::new([&path])
        .expect(1)
        .contains(":10: sh -c 'exit 4'\n  expected exit 5 (exit= at line 11), got exit 4\n")
        .contains(":8: sh -c 'echo out; exit 2'\n");
    // The directive lines are not output: blessing rewrites around them.
    Run::new(["--bless".as_ref(), path.as_os_str()]).outcome();
    let blessed = crate::read(&path);
    assert!(
        blessed.contains("# guidecheck: exit=3\n$ sh -c 'exit 3'\n"),
        "{blessed}"
    );
    assert!(
        blessed.contains("# guidecheck: exit=2\nout\n$ sh -c 'exit 4'\n# guidecheck: exit=5\n"),
        "{blessed}"
    );
    let bad = "# x\n\n```console\n# guidecheck: file=x\n$ true\n```\n";
    let (_dir, path) = write_guide("g.md", bad);
    Run::new(["plan".as_ref(), path.as_os_str()])
        .expect(2)
        .contains("g.md:4:")
        .contains("is for a whole block");
}

/// guides/hello.md with `from` (once) replaced by `to`, in a folder whose config keeps Nix
/// offline and snapshots off: (original, mutated text, folder, guide path).
fn offline_hello(from: &str, to: &str) -> (String, String, tempfile::TempDir, std::path::PathBuf) {
    let original = crate::read(&crate::root().join("guides/hello.md"));
    assert_eq!(original.matches(from).count(), 1, "{from:?}");
    let text = original.replacen(from, to, 1);
    let (dir, path) = write_guide("hello.md", &text);
    let config = "[nix]\noffline = true\n[snapshots]\nupdate = \"off\"\n";
    std::fs::write(dir.path().join("guidecheck.toml"), config).unwrap();
    (original, text, dir, path)
}

#[test]
fn a_missing_program_in_another_systems_words_is_the_same_fact() {
    // NixOS's handler, zsh and Ubuntu say "not installed" their own way; here bash says it.
    for shown in [
        "The program ‘guidecheck-nope’ is currently not installed.",
        "The program 'guidecheck-nope' is not in your PATH. You can make it available in an\nephemeral shell by typing:\n  nix-shell -p guidecheck-nope",
        "zsh: command not found: guidecheck-nope",
        "Command 'guidecheck-nope' not found, but can be installed with:\n\nsudo apt install guidecheck-nope",
    ] {
        let text = format!("```console\n$ guidecheck-nope moo\n{shown}\n\n$ echo after\nafter\n```\n");
        let (_dir, path) = write_guide("g.md", &text);
        assert_eq!(Run::new([&path]).expect(0).steps(), (2, 0, 0, 0), "{shown}");
    }
    // A program that is there after all (or another one missing) is drift, at its line.
    for (command, shown) in [
        ("echo moo", "The program ‘echo’ is currently not installed."),
        (
            "guidecheck-other",
            "The program ‘guidecheck-nope’ is currently not installed.",
        ),
    ] {
        let text = format!("# T\n\n```console\n$ {command}\n{shown}\n```\n");
        let (_dir, path) = write_guide("g.md", &text);
        Run::new([&path]).expect(1).contains(":4: ");
    }
}

#[test]
fn whose_home_folder_a_path_is_in_does_not_matter_but_what_is_in_it_does() {
    let guide = |shown: &str| {
        format!(
            "# Home\n\n```console\n$ mkdir -p ~/projects/hello && cd ~/projects/hello && pwd\n{shown}\n```\n"
        )
    };
    let (_dir, path) = write_guide("g.md", &guide("/home/alice/projects/hello"));
    Run::new([&path]).expect(0);
    let (_dir, path) = write_guide("g.md", &guide("/home/alice/projects/other"));
    Run::new([&path]).expect(1).contains("- [HOME]/projects/other");
}

/// A duration (`0m4.884s`, `120 ms`, `3 seconds`) varies from run to run: the one a guide
/// shows is not drift, and what is around it still is.
#[test]
fn a_duration_the_guide_shows_is_not_drift_but_what_is_around_it_is() {
    let guide = crate::fixture("verdicts/durations/guide.md");
    let run = Run::bare().arg(&guide).expect(0);
    assert_eq!(run.steps(), (3, 0, 0, 0), "{}", run.all());
    for (from, to, at) in [
        (
            "built 3 targets in 999 ms",
            "built 4 targets in 999 ms",
            "g.md:16: start=",
        ),
        ("waited 7 seconds", "slept 7 seconds", "g.md:18: echo \"waited"),
        ("real\t0m9.999s", "total\t0m9.999s", "g.md:6: time sleep 0.1"),
    ] {
        let (_dir, path) = crate::mutated(&guide, |text| text.replacen(from, to, 1));
        Run::bare().arg(&path).expect(1).contains(at);
    }
}

/// The marks bloggers leave for output they cut (`[...]`, `<snip>`, `(output truncated)`)
/// stand for any lines, as `...` does; what is around them is still checked.
#[test]
fn a_bloggers_mark_for_cut_output_stands_for_any_lines() {
    let guide = |mark: &str, last: &str| {
        format!("```console match=exact\n$ printf 'a\\nb\\nc\\nd\\n'\na\n{mark}\n{last}\n```\n")
    };
    for mark in [
        "[...]",
        "(...)",
        "<snip>",
        "[ ... ]",
        "(output truncated)",
        "-- snip --",
    ] {
        let (_dir, path) = write_guide("g.md", &guide(mark, "d"));
        assert_eq!(Run::new([&path]).expect(0).steps(), (1, 0, 0, 0), "{mark}");
        let (_dir, path) = write_guide("g.md", &guide(mark, "e"));
        Run::new([&path]).expect(1).contains(":2: printf").contains("- e");
    }
}

/// A store path a blog abbreviates (`/nix/store/...-hello`, `/nix/store/<hash>-hello`)
/// matches any hash, and the name after it is still checked.
#[test]
fn an_abbreviated_store_path_matches_any_hash_not_any_name() {
    let real = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello-2.12";
    for shown in [
        "/nix/store/...-hello-2.12",
        "/nix/store/<hash>-hello-2.12",
        "/nix/store/HASH-hello-2.12",
    ] {
        let text = format!("```console\n$ echo {real}\n{shown}\n```\n");
        let (_dir, path) = write_guide("g.md", &text);
        assert_eq!(Run::new([&path]).expect(0).steps(), (1, 0, 0, 0), "{shown}");
        let (_dir, path) = write_guide("g.md", &text.replace("2.12\n```", "2.10\n```"));
        Run::new([&path]).expect(1).contains(":2: echo");
    }
}
