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
