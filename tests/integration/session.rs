//! One shell session per guide: state persists, stdin is /dev/null, timeouts kill.

use crate::{Run, fixture};

/// The fixture passes with exactly `steps` steps (a guide read as fewer steps checks less).
#[track_caller]
fn passes(case: &str, steps: usize) {
    let run = Run::new([fixture(case).join("guide.md")]).expect(0);
    assert_eq!(run.steps(), (steps, 0, 0, 0), "{}", run.all());
}

#[test]
fn cwd_exports_and_functions_persist_across_blocks() {
    passes("session/cwd_and_exports", 4);
}

#[test]
fn commands_read_dev_null_not_the_guide() {
    passes("session/stdin_is_dev_null", 3);
}

#[test]
fn stdout_and_stderr_keep_their_order_and_exit_status_is_per_command() {
    passes("session/merged_streams", 4);
}

#[test]
fn a_timed_out_command_fails_and_the_session_goes_on() {
    let guide = fixture("session/timeout_keeps_session/guide.md");
    let started = std::time::Instant::now();
    let stdout = Run::new([&guide]).expect(1).stdout;
    assert!(started.elapsed().as_secs() < 20, "the sleeps were not killed");
    assert!(
        stdout.contains("guide.md:10: sleep 30 & sleep 60\n  timed out after 1s"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("3 steps: 2 passed, 1 failed, 0 blocked, 0 skipped\n"),
        "{stdout}"
    );
}

#[test]
fn the_last_status_carries_over_to_the_next_block() {
    passes("session/status_across_blocks", 6);
    let guide = fixture("session/status_across_blocks/guide.md");
    let wrong = crate::read(&guide).replacen("last status 3", "last status 1", 1);
    let (_dir, wrong) = crate::write_guide("g.md", &wrong);
    let stdout = Run::new([&wrong]).expect(1).stdout;
    assert!(
        stdout.contains("- last status 1\n     + last status 3"),
        "{stdout}"
    );
}

/// `exec >/dev/null` where the guide does not spell `exec`: the end tokens that went with
/// the output are missed, and still nothing waits and every status is the real one.
#[test]
fn a_redirection_of_the_shells_output_the_guide_hides_neither_hangs_nor_blurs_a_verdict() {
    let guide = fixture("session/hidden_redirect/guide.md");
    let started = std::time::Instant::now();
    passes("session/hidden_redirect", 8);
    assert!(started.elapsed().as_secs() < 10, "waited for a timeout");
    let text = crate::read(&guide);
    for (from, to, message) in [
        ("back\nsub", "back\nother", "- other\n     + sub"),
        (
            "exit=2",
            "exit=3",
            "expected exit 3 (exit= at line 14), got exit 2",
        ),
    ] {
        let (_dir, wrong) = crate::write_guide("g.md", &text.replacen(from, to, 1));
        let stdout = Run::new([&wrong]).expect(1).stdout;
        assert!(stdout.contains(message), "{message}: {stdout}");
    }
}

/// A command that ends the session's shell (`kill -9 $$`, `exit` at the outer prompt) fails
/// and says that later commands run in a new shell; they do, in the same directory.
#[test]
fn a_command_that_ends_the_shell_says_so_and_the_next_run_in_a_new_one() {
    for (ended_by, status) in [("kill -9 $$", "got no exit status"), ("exit 3", "got exit 3")] {
        let text = format!(
            "# Ends\n\n```console\n$ export KEPT=1; mkdir -p sub; cd sub\n$ {ended_by}\n$ echo \"${{KEPT:-gone}} ${{PWD##*/}}\"\ngone sub\n```\n"
        );
        let (_dir, guide) = crate::write_guide("g.md", &text);
        let run = Run::new([&guide]).expect(1);
        assert!(
            run.stdout.contains(&format!("g.md:5: {ended_by}\n")),
            "{}",
            run.all()
        );
        run.contains(status)
            .contains("the shell itself ended (killed, `exit`, or a failure under `set -e`): later commands run in a new shell");
        assert_eq!(run.steps(), (2, 1, 0, 0), "{}", run.all());
    }
}

/// A guide that removes every shell function (its own and any it did not define) leaves
/// guidecheck's in place: the commands after it end, with their real status.
#[test]
fn removing_every_function_does_not_remove_guidechecks() {
    let text = "# F\n\n```console\n$ for f in $(compgen -A function); do unset -f \"$f\"; done 2>/dev/null; echo cleared\ncleared\n$ false\n$ echo next\nnext\n```\n";
    let (_dir, guide) = crate::write_guide("g.md", text);
    let run = Run::new([&guide]).expect(1);
    run.contains("g.md:6: false\n  expected success (exit 0), got exit 1");
    assert_eq!(run.steps(), (2, 1, 0, 0), "{}", run.all());
}

/// Aliases expand as in a reader's (interactive) shell, and an alias of a command
/// guidecheck's own lines use changes nothing but the guide's commands.
#[test]
fn aliases_expand_as_in_a_terminal() {
    passes("session/aliases", 10);
    let guide = fixture("session/aliases/guide.md");
    let (_dir, path) = crate::mutated(&guide, |text| text.replacen("said: hi", "hi", 1));
    Run::new([&path]).expect(1).contains("g.md:22: echo hi");
    let (_dir, path) = crate::mutated(&guide, |text| {
        text.replacen("still checked\n", "still unchecked\n", 1)
    });
    Run::new([&path])
        .expect(1)
        .contains("g.md:34: printf 'still checked");
    let (_dir, path) = crate::mutated(&guide, |text| {
        text.replacen("alias greet='echo hello from an alias'\n", "", 1)
    });
    Run::new([&path])
        .expect(1)
        .contains("g.md:6: script: greet > greeting.txt")
        .contains("g.md:11: cat greeting.txt");
}

#[test]
fn shell_options_persist_and_every_command_after_them_is_still_checked() {
    // `set -f` and `set -C` change `$-`: the commands after them end by the slower path
    // once, then by the fast one again, with their output and status still compared.
    passes("session/shell_options", 9);
    crate::fails_at_each_mutation(
        "session/shell_options",
        &[
            ("*\n$ set +f", "a b\n$ set +f", 6),
            ("a b\n# guidecheck", "a\n# guidecheck", 9),
            ("status 1", "status 0", 14),
            ("again\n$ basename", "new\n$ basename", 16),
            ("\nbash\n", "\nsh\n", 18),
        ],
    );
}

#[test]
fn simple_commands_run_as_written_and_a_broken_one_takes_no_other_with_it() {
    passes("session/plain_lines", 6);
    crate::fails_at_each_mutation(
        "session/plain_lines",
        &[
            ("before\n#", "after\n#", 7),
            ("after 2", "after 0", 13),
            ("a # b home", "a home", 15),
            ("last 127", "last 0", 19),
        ],
    );
}

#[test]
fn a_syntax_error_is_one_command_and_reads_as_at_a_prompt() {
    passes("session/syntax_errors", 4);
    crate::fails_at_each_mutation(
        "session/syntax_errors",
        &[
            ("token `newline'", "token `('", 10),
            ("after\n#", "before\n#", 15),
            ("token `fi'", "token `if'", 18),
            ("last\n```", "first\n```", 20),
        ],
    );
}

#[test]
fn a_guide_that_defines_printf_keeps_its_commands_apart() {
    // The end of each command is printed by bash's own printf, never the guide's.
    let text = "# P\n\n```console\n$ printf() { echo fake; }\n$ echo one\none\n$ printf x\nfake\n$ echo two\ntwo\n```\n";
    let (_dir, path) = crate::write_guide("g.md", text);
    let run = Run::new([&path]).expect(0);
    assert_eq!(run.steps(), (4, 0, 0, 0), "{}", run.all());
    let (_dir, path) = crate::write_guide("g.md", &text.replacen("two\n```", "three\n```", 1));
    Run::new([&path]).expect(1).contains("g.md:9: echo two");
}

#[test]
fn the_reader_s_folder_stands_for_the_author_s_under_their_home() {
    passes("session/author_folders", 7);
    crate::fails_at_each_mutation(
        "session/author_folders",
        &[
            ("/home/alice/demo\n", "/usr/local/demo\n", 6),
            ("/home/alice/demo/proj\n", "/home/alice/demo/project\n", 9),
            ("main at /home/alice/proj", "main at /home/alice/proj/src", 20),
            ("/Users/alice/code/proj/src", "/Users/alice/code/proj/lib", 22),
            ("/home/alice/proj/src\n", "/home/alice/src\n", 24),
        ],
    );
}
