//! The normaliser's tests (beside `normalize.rs`).
use super::*;

#[test]
fn a_locales_quotes_around_a_name_are_the_same_quotes() {
    let n = Normalizer::default();
    assert_eq!(
        n.text("mkdir: cannot create directory ‘project’: File exists"),
        n.text("mkdir: cannot create directory 'project': File exists")
    );
}

/// Texts made of the parts durations (and what is not one) are made of.
fn timing_text() -> impl proptest::strategy::Strategy<Value = String> {
    const PARTS: [&str; 15] = [
        "1", "2.5", "s", "m", "h", " ", "ms", "sec", "onds", "[..]", "x", ".", "µs", "in", "_",
    ];
    crate::properties::made_of(&PARTS, 6)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 4096, ..Default::default() })]

    #[test]
    fn durations_are_found_as_the_pattern_finds_them(text in timing_text()) {
        static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
            let unit = r"(?:s|ns|us|µs|ms|secs?|seconds?|mins?|minutes?|hours?|hrs?)";
            Regex::new(&format!(
                r"(?-u:\b)(?:[0-9]+h ?)?(?:[0-9]+m ?)?(?:[0-9]+(?:\.[0-9]+)?|\[\.\.\])s(?-u:\b)|(?-u:\b)[0-9]+(?:\.[0-9]+)? ?{unit}(?-u:\b)|\[\.\.\] ?{unit}(?-u:\b)"
            ))
            .unwrap()
        });
        proptest::prop_assert_eq!(durations(&text), PATTERN.replace_all(&text, "[DURATION]"), "{:?}", text);
    }
}

#[test]
fn durations_vary_and_are_compared_as_such() {
    let n = Normalizer::default();
    for (shown, real) in [
        ("took 9.9s", "took 3.2s"),
        ("real\t0m1.000s", "real\t0m4.884s"),
        ("done in 1m30s", "done in 12s"),
        ("finished in 120 ms", "finished in 7 ms"),
        ("waited 3 seconds", "waited 1 second"),
        ("Elapsed: 2 min", "Elapsed: 15 min"),
    ] {
        assert_eq!(n.text(shown), n.text(real), "{shown}");
    }
    for (shown, real) in [
        ("took 9.9s on 4 cores", "took 3.2s on 2 cores"),
        ("version 2.10", "version 2.12"),
        ("sha256s", "sha256s!"),
        ("5 items", "6 items"),
    ] {
        assert_ne!(n.text(shown), n.text(real), "{shown}");
    }
    assert_eq!(n.text("in 4.2s"), "in [DURATION]");

    assert_eq!(
        n.text("took [..]s, then 0m[..]s and [..] ms"),
        "took [DURATION], then [DURATION] and [DURATION]"
    );
    assert_eq!(n.text("3sd 2ms3"), "3sd 2ms3");
}

#[test]
fn runs_of_blanks_after_a_word_become_one_space_as_the_regex_had_it() {
    let re = Regex::new(r"(\S)[ \t]{2,}").unwrap();
    for line in [
        "a  b",
        "a \t  b\tc",
        "name     size   date",
        "x\u{a0}  y",
        "é   ü",
        "one two",
        "trailing  ",
        "\t\tlead",
        "a\t\tb  \u{3000}  c",
    ] {
        let mut out = String::new();
        collapse_runs(line, &mut out);
        assert_eq!(out, re.replace_all(line, "$1 "), "{line:?}");
    }
}

proptest::proptest! {
    #[test]
    fn collapsing_runs_agrees_with_the_regex(line in "[a \t\u{a0}é\u{3000}]{0,12}") {
        let re = Regex::new(r"(\S)[ \t]{2,}").unwrap();
        let mut out = String::new();
        collapse_runs(&line, &mut out);
        proptest::prop_assert_eq!(out, re.replace_all(&line, "$1 "));
    }
}

#[test]
fn escapes_and_redraws_are_removed() {
    let n = Normalizer::default();
    assert_eq!(n.text("\x1b[31;1merror:\x1b[0m boom"), "error: boom");
    assert_eq!(n.text("\x1b]8;;http://x\x07link\x1b]8;;\x07"), "link");
    assert_eq!(n.text("50%\r75%\r100%\ndone\r\n"), "100%\ndone");
    assert_eq!(n.text("a\0b\x07c"), "abc");
}

#[test]
fn the_sessions_line_numbers_are_not_shown() {
    let n = Normalizer::default();
    assert_eq!(
        n.display("bash: line 13: nosuch: command not found\n"),
        "bash: nosuch: command not found\n"
    );
    // A syntax error reads as at an interactive prompt: no line, no quoted command.
    assert_eq!(
        n.display("bash: eval: line 12: syntax error near unexpected token `newline'\nbash: eval: line 12: `echo ('\nnext\n"),
        "bash: syntax error near unexpected token `newline'\nnext\n"
    );
    // Another line's quote is output.
    assert_eq!(
        n.display("bash: line 2: syntax error near `x'\nbash: line 9: `x'\n"),
        "bash: syntax error near `x'\nbash: `x'\n"
    );
}

#[test]
fn every_shells_command_not_found_reads_as_bashs() {
    let n = Normalizer::default();
    for shown in [
        "zsh: command not found: cowsay",
        "-bash: cowsay: command not found",
        "sh: 1: cowsay: not found",
        "fish: Unknown command: cowsay",
        "Command 'cowsay' not found, but can be installed with:\n\nsudo apt install cowsay",
        "The program ‘cowsay’ is currently not installed.",
        "bash: line 4: cowsay: command not found",
    ] {
        assert_eq!(n.text(shown), "bash: cowsay: command not found", "{shown}");
    }
    assert_eq!(
        n.text("Command 'x' not found, did you mean:\n  command 'xz' from deb xz-utils\nTry: sudo apt install <deb name>\nnext"),
        "bash: x: command not found\nnext"
    );
    assert_eq!(n.text("file not found: a.txt"), "file not found: a.txt");
}

#[test]
fn workspace_paths_become_placeholders() {
    let n = Normalizer::new(
        Some((Path::new("/tmp/gc-1"), Path::new("/tmp/gc-1/work"))),
        vec![],
    );
    assert_eq!(
        n.text("at /tmp/gc-1/work/hello.nix:3 and /tmp/gc-1/home and /tmp/gc-1/nix"),
        "at [WORKSPACE]/hello.nix:3 and [HOME] and [ROOT]/nix"
    );
}

#[test]
fn whose_home_folder_it_is_does_not_matter() {
    let n = Normalizer::new(
        Some((Path::new("/tmp/gc-1"), Path::new("/tmp/gc-1/work"))),
        vec![],
    );
    for (shown, real) in [
        ("/home/alice/projects/hello", "/tmp/gc-1/home/projects/hello"),
        ("HOME=/Users/bob", "HOME=/tmp/gc-1/home"),
        ("cd '/root/x' /root", "cd '/tmp/gc-1/home/x' /tmp/gc-1/home"),
        ("[ROOT]/home [ROOT]/tmp", "/tmp/gc-1/home /tmp/gc-1/tmp"),
    ] {
        assert_eq!(n.text(shown), n.text(real), "{shown}");
    }
    // Only whose home it is: what is in it still counts.
    assert_ne!(n.text("/home/alice/a"), n.text("/tmp/gc-1/home/b"));
    // Not a home folder: kept.
    for kept in ["/home", "/homework/a", "/rooted/x", "/usr/home/x", "a/home/alice"] {
        assert_eq!(n.text(kept), kept);
    }
}

#[test]
fn an_authors_absolute_path_before_a_guide_file_is_the_workspace() {
    let n = Normalizer::default().with_guide_files(&["hello.nix".to_string()]);
    assert_eq!(
        n.shown_lines("at /build/hello/hello.nix:10:25:"),
        ["at [WORKSPACE]/hello.nix:10:25:"]
    );
    // Under a home folder the comparison reads it (`compare::matcher`), keeping `hello/`.
    assert_eq!(
        n.shown_lines("at /home/alice/hello/hello.nix:10:25:"),
        ["at [HOME]/hello/hello.nix:10:25:"]
    );
    assert_eq!(n.shown_lines("/usr/bin/env"), ["/usr/bin/env"]);
}

#[test]
fn whitespace_alignment_does_not_matter() {
    let n = Normalizer::default();
    assert_eq!(
        n.text("         specified: sha256-A=\n            got:    sha256-B=  "),
        "specified: sha256-A=\ngot: sha256-B="
    );
}

#[test]
fn user_redactions_apply_last() {
    let r = Redaction {
        pattern: Regex::new(r"\d+ms").unwrap(),
        replace: "[TIME]".into(),
    };
    assert_eq!(Normalizer::new(None, vec![r]).text("took 12ms"), "took [TIME]");
}

#[test]
fn a_shown_workspace_path_is_left_as_it_is() {
    let n = Normalizer::default().with_guide_files(&["main.sh".to_string()]);
    assert_eq!(
        n.shown_lines("[WORKSPACE]/proj/main.sh\n/srv/proj/main.sh"),
        ["[WORKSPACE]/proj/main.sh", "[WORKSPACE]/main.sh"]
    );
}
