use super::*;
use crate::plan::{Shown, StepOptions};
use crate::span::Span;

fn command(shown: &str, options: StepOptions) -> Step {
    let lines = shown
        .lines()
        .enumerate()
        .map(|(i, t)| ShownLine {
            text: (*t).into(),
            line: 10 + i,
        })
        .collect();
    Step {
        line: 9,
        span: Span::default(),
        kind: StepKind::Command {
            command: "cmd".into(),
            shown: Some(Shown {
                lines,
                span: Span::default(),
                block: Span::default(),
                placeholder: false,
            }),
        },
        options: options.into(),
    }
}

fn ran(output: &str, status: i32) -> StepRun {
    StepRun {
        output: output.into(),
        status: Some(status),
        timed_out: false,
        interrupted: false,
        shell_replaced: false,
        truncated: false,
        duration: Duration::ZERO,
        error: None,
        logs: Vec::new(),
        missing: None,
    }
}

fn verdict(shown: &str, output: &str, status: i32) -> Verdict {
    compare_step(
        &command(shown, StepOptions::default()),
        &ran(output, status),
        &Normalizer::default(),
    )
}

#[test]
fn shown_lines_in_order_pass_with_extra_real_lines() {
    assert_eq!(verdict("a\nc", "a\nb\nc\n", 0).status, Status::Passed);
}

#[test]
fn a_missing_line_fails_with_its_markdown_line() {
    let v = verdict("a\nzzz\nc", "a\nb\nc\n", 0);
    assert_eq!(v.status, Status::Failed);
    let Problem::Output(m) = &v.problems[0] else {
        panic!("{v:?}")
    };
    let lines: Vec<(usize, &str)> = m.shown.iter().map(|l| (l.line, l.text.as_str())).collect();
    assert_eq!(lines, [(10, "a"), (11, "zzz"), (12, "c")]);
}

#[test]
fn an_error_line_expects_failure() {
    let v = verdict("error: boom", "error: boom\n", 0);
    assert!(matches!(
        v.problems[0],
        Problem::Exit {
            expected: ExitExpectation::Failure,
            actual: Some(0),
            directive: None,
            shell_ended: false,
        }
    ));
    assert_eq!(verdict("error: boom", "error: boom\n", 1).status, Status::Passed);
    assert_eq!(verdict("ok", "ok\n", 2).status, Status::Failed);
}

#[test]
fn a_changed_got_hash_is_called_out() {
    let shown = "specified: sha256-AAAA=\ngot: sha256-OLD=\nerror: x";
    let v = verdict(
        shown,
        "specified: sha256-AAAA=\ngot: sha256-NEW=\nerror: x\n",
        102,
    );
    assert_eq!(v.status, Status::Failed);
    assert!(
        matches!(&v.problems[0], Problem::Hash { line: 11, shown, real } if shown == "sha256-OLD=" && real == "sha256-NEW=")
    );
}

#[test]
fn exact_mode_rejects_extra_lines_but_allows_elision() {
    let exact = StepOptions {
        exact: true,
        ..StepOptions::default()
    };
    let n = Normalizer::default();
    assert_eq!(
        compare_step(&command("a\nc", exact.clone()), &ran("a\nb\nc\n", 0), &n).status,
        Status::Failed
    );
    assert_eq!(
        compare_step(&command("a\n...\nc", exact), &ran("a\nb\nc\n", 0), &n).status,
        Status::Passed
    );
}

#[test]
fn missing_nix_is_blocked_not_drift() {
    let v = verdict(
        "/nix/store/[..]-hello",
        "bash: nix-build: command not found\n",
        127,
    );
    assert_eq!(v.status, Status::Blocked);
}

#[test]
fn a_success_that_shows_nothing_and_printed_a_network_failure_is_blocked() {
    // `curl … | sh` exits 0 when curl could not connect: sh ran nothing.
    let failure = "curl: (6) Could not resolve host: example.com\n";
    assert_eq!(verdict("", failure, 0).status, Status::Blocked);
    // Output the guide shows, and that matched, says the step did what it shows.
    let fallback = "bash: /dev/tty: No such device or address\nno terminal\n";
    assert_eq!(verdict("no terminal", fallback, 0).status, Status::Passed);
    assert_eq!(
        verdict("curl: (6) Could not resolve host: example.com", failure, 0).status,
        Status::Passed
    );
    assert_eq!(verdict("...", failure, 0).status, Status::Passed);
    assert_eq!(verdict("", "resolved\n", 0).status, Status::Passed);
    assert_eq!(verdict("", fallback, 0).status, Status::Blocked);
}

#[test]
fn planning_lines_may_be_missing() {
    let shown = "these 2 derivations will be built:\n  /nix/store/48bl58dznlbp8lgyf081s7smma0zlzcw-gcc.drv\nbuilding '/nix/store/48bl58dznlbp8lgyf081s7smma0zlzcw-gcc.drv'...\ncc -O2\n/nix/store/skpwxhh4vqi11bx9pcl6rdnj88x77l8m-hello-1.0";
    assert_eq!(
        verdict(
            shown,
            "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-hello-1.0\n",
            0
        )
        .status,
        // Planning lines may be missing; the log of gcc, not built this time and with no
        // log at hand, is unverified: not drift, and not passed either.
        Status::Unverified
    );
    let v = verdict(
        shown,
        "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-hello-2.0\n",
        0,
    );
    assert_eq!(v.status, Status::Failed);
}

#[test]
fn a_missing_program_shown_in_another_shells_words_passes_and_expects_failure() {
    let nixos = "The program ‘cowsay’ is currently not installed.";
    let real = "bash: line 3: cowsay: command not found\n";
    assert_eq!(verdict(nixos, real, 127).status, Status::Passed);
    assert_eq!(
        verdict("zsh: command not found: cowsay", real, 127).status,
        Status::Passed
    );
    // The program is there after all: that is drift.
    let found = verdict(nixos, " _____\n< moo >\n", 0);
    assert_eq!(found.status, Status::Failed);
    assert!(found.problems.iter().any(|p| matches!(p, Problem::Exit { .. })));
    // Another program missing is drift too.
    assert_eq!(
        verdict(nixos, "bash: lolcat: command not found\n", 127).status,
        Status::Failed
    );
}

#[test]
fn a_program_not_found_is_the_machines_unless_a_build_log_says_it() {
    let missing = |output: &str| {
        let verdict = compare_step(
            &command("", StepOptions::default()),
            &ran(output, 127),
            &Normalizer::default(),
        );
        verdict.problems.into_iter().find_map(|p| match p {
            Problem::UnshownError { missing_program, .. } => Some(missing_program),
            _ => None,
        })
    };
    assert_eq!(
        missing("bash: direnv: command not found\n"),
        Some(Some("direnv".to_string()))
    );
    let build = "building '/nix/store/x-hello.drv'...\nbash: mkdir: command not found\nerror: builder for '/nix/store/x-hello.drv' failed with exit code 127\n";
    assert_eq!(missing(build), Some(None));
}

#[test]
fn shown_output_normalised_once_reads_as_each_check_read_it_before() {
    let plain = Normalizer::default();
    let authors = Normalizer::default().with_guide_files(&["main.sh".to_string()]);
    let shows = [
        // Blank lines inside and at the end: the normalised text has fewer lines.
        "a\n\nb\n\n\n",
        "  x   y  \n\n",
        "these derivations will be built:\n  /nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-b.drv\n  /nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a.drv\n",
        "/home/alice/proj/main.sh\n\nerror: nope\n",
    ];
    for normalizer in [&plain, &authors] {
        for text in shows {
            let shown: Vec<ShownLine> = text
                .lines()
                .enumerate()
                .map(|(i, t)| ShownLine {
                    text: (*t).into(),
                    line: 3 + i,
                })
                .collect();
            let normalized = Normalized::of(&shown, "", normalizer);
            for exact in [false, true] {
                assert_eq!(
                    format!("{:?}", normalized.shown(exact)),
                    format!("{:?}", normalize_shown(&shown, normalizer, exact)),
                    "{text:?}, exact: {exact}"
                );
            }
            match normalized.shown_as_lines(normalizer) {
                Some(lines) => assert_eq!(lines.collect::<Vec<_>>(), normalizer.lines(text)),
                None => assert!(normalizer.reads_author_folders()),
            }
        }
    }
}
