//! Bad input: exit 2 with one clear line naming the path; nothing is written.

use crate::{Run, fixture};

#[test]
fn a_missing_path_is_exit_2_naming_it() {
    let run = Run::bare().arg("no/such/guide.md").expect(2);
    let (_, stderr) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stderr.starts_with("error: no/such/guide.md: no such file or directory\n"),
        "{stderr}"
    );
}

#[test]
fn a_folder_without_guides_is_exit_2() {
    let run = Run::bare().arg(fixture("input/empty_dir")).expect(2);
    let (_, stderr) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stderr.contains("empty_dir: no guides (*.md) found in this directory"),
        "{stderr}"
    );
}

#[test]
fn a_guide_that_is_not_utf8_is_exit_2_at_the_bad_byte() {
    let run = Run::bare().arg(fixture("input/not_utf8/guide.md")).expect(2);
    let (_, stderr) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stderr.contains("not_utf8/guide.md:3:12: not valid UTF-8 (at byte 24)"),
        "{stderr}"
    );
    assert!(
        run.stdout.ends_with("; 1 guide could not be read (exit 2)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_guide_without_steps_passes_with_zero_steps() {
    let run = Run::bare().arg(fixture("input/no_steps/guide.md")).expect(0);
    let (stdout, _) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stdout.ends_with("guidecheck: 1 guide, 0 steps: 0 passed, 0 failed, 0 blocked, 0 skipped\n"),
        "{stdout}"
    );
}

#[test]
fn an_unknown_directive_is_exit_2_with_the_nearest_spelling() {
    let run = Run::bare()
        .arg(fixture("input/unknown_directive/guide.md"))
        .expect(2);
    let (_, stderr) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stderr.contains("unknown_directive/guide.md:5:18: unknown directive `skp`"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: did you mean `skip`?"), "{stderr}");
}

#[test]
fn a_bad_flag_is_a_usage_error() {
    let output = Run::bare().arg("--no-such-flag").outcome();
    assert_eq!(output.code, Some(2));
}
