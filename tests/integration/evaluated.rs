//! REPL sessions and expression/value pairs run with real Nix; a wrong answer or value
//! fails at its line; nix.dev's Nix language tutorial runs as it is.

use crate::{Run, fixture, line_of, read, root, write_guide};

fn guide(case: &str) -> std::path::PathBuf {
    fixture(&format!("evaluated/{case}/guide.md"))
}

#[test]
fn a_repl_transcript_with_assignments_and_p_passes() {
    assert_eq!(Run::new([guide("repl")]).expect(0).steps(), (3, 0, 0, 0));
}

#[test]
fn expression_value_pairs_with_an_error_and_a_file_pass() {
    assert_eq!(Run::new([guide("pairs")]).expect(0).steps(), (5, 0, 0, 0));
}

/// A copy of a fixture with `from` (once) replaced by `to` fails at the line of `at`.
#[track_caller]
fn mutated_fails(case: &str, from: &str, to: &str, at: &str) {
    let text = read(&guide(case));
    assert_eq!(text.matches(from).count(), 1, "{from:?}");
    let text = text.replacen(from, to, 1);
    let (_dir, path) = write_guide("guide.md", &text);
    let line = line_of(&text, at, 0);
    let run = Run::new([&path]).env("GUIDECHECK_UPDATE", "off").expect(1);
    run.contains(&format!("FAIL {}:", path.display()))
        .contains(&format!("\n  {line} - {}", at_answer(to)));
}

/// The first line of a replacement, as the diff shows it.
fn at_answer(to: &str) -> &str {
    to.trim_start_matches('\n').lines().next().unwrap_or("")
}

#[test]
fn a_wrong_repl_answer_fails_at_its_line() {
    mutated_fails("repl", "\n10\n", "\n11\n", "11");
    // An input longer than a terminal's 80 columns is cut where its echo ends, as any.
    let wrong = "\"an input, longer than a terminal of 80 columns\"";
    mutated_fails(
        "repl",
        "\"an input, longer than, a terminal of 80 columns\"",
        wrong,
        wrong,
    );
}

#[test]
fn a_wrong_value_fails_at_its_line() {
    mutated_fails(
        "pairs",
        "{ one = 1; two = 2; }",
        "{ one = 1; two = 3; }",
        "{ one = 1; two = 3; }",
    );
}

#[test]
fn a_value_that_should_be_an_error_fails() {
    mutated_fails(
        "pairs",
        "error: undefined variable 'one'",
        "{ one = 1; two = 9; }",
        "{ one = 1; two = 9; }",
    );
}

#[test]
fn the_nix_language_tutorial_runs_offline_as_it_is() {
    let page = root().join("../shared/corpus/nix.dev/source/tutorials/nix-language.md");
    if !page.exists() {
        return crate::skip("the nix.dev corpus is absent");
    }
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("nix-language.md");
    std::fs::copy(&page, &copy).unwrap();
    std::fs::copy(
        fixture("evaluated/nix_language/guidecheck.toml"),
        dir.path().join("guidecheck.toml"),
    )
    .unwrap();
    let run = Run::new([&copy]).outcome();
    let (passed, failed, blocked, _) = run.steps();
    assert!(
        passed >= 68 && failed <= 6,
        "{passed} passed, {failed} failed, {blocked} blocked\n{}",
        run.all()
    );
    assert!(matches!(run.code, Some(1 | 3)), "{}", run.all());
}

#[test]
fn repl_blocks_without_the_command_an_error_answer_and_a_let_over_lines() {
    assert_eq!(Run::new([guide("repl_forms")]).expect(0).steps(), (3, 0, 0, 0));
    mutated_fails("repl_forms", "[ 2 4 6 ]", "[ 2 4 7 ]", "[ 2 4 7 ]");
    // A value that is its own input (`{ c = 3; }`) is its answer, not an echo.
    mutated_fails("repl_forms", "\n{ c = 3; }\n", "\n{ c = 4; }\n", "{ c = 4; }");
    mutated_fails(
        "repl_forms",
        "error: undefined variable 'undefinedThing'",
        "error: undefined variable 'otherThing'",
        "error: undefined variable 'otherThing'",
    );
    let text = read(&guide("repl_forms")).replacen("\n4\n", "\n5\n", 1);
    let (_dir, path) = write_guide("guide.md", &text);
    Run::new([&path])
        .env("GUIDECHECK_UPDATE", "off")
        .expect(1)
        .contains("guide.md:44: nix repl (1 input)\n");
}
