//! Shells entered from a guide: `nix-shell` with a hand-made stdenv (offline, real Nix),
//! a configured shell, a shell that does not start, and a timeout inside one.

use crate::{Run, fixture, line_of, plan_json, read, write_guide};

fn guide(case: &str) -> std::path::PathBuf {
    fixture(&format!("shells/{case}/guide.md"))
}

#[test]
fn commands_at_the_nix_shell_prompt_run_inside_it_and_exit_restores_the_outer_shell() {
    let run = Run::new([guide("nix_shell")]).expect(0);
    assert_eq!(run.steps(), (10, 0, 0, 0), "{}", run.all());
    let plan = plan_json(&guide("nix_shell"));
    let nests: Vec<String> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["nest"].to_string())
        .collect();
    assert_eq!(nests[2], "\"enter\"");
    assert!(nests[3..8].iter().all(|n| n.contains("entered_at")), "{nests:?}");
    assert!(nests[7].contains("leave"), "{nests:?}");
    assert_eq!(nests[8], "null");
}

#[test]
fn a_shell_entered_at_a_plain_prompt_holds_the_commands_after_it_until_exit() {
    // Blogs show `$ nix-shell` and then `$ greet`: the reader types it in the shell.
    let text = read(&guide("nix_shell"));
    let shell_nix = &text[..text.find("```console").unwrap()];
    let plain = format!(
        "{shell_nix}```console\n$ nix-shell\n```\n\nNow in it:\n\n```console\n$ greet\nhello from setup\n$ exit\n$ echo \"${{GREETING:-gone}}\"\ngone\n```\n"
    );
    let (_dir, path) = write_guide("guide.md", &plain);
    let plan = Run::new(["plan".as_ref(), path.as_os_str()]).expect(0);
    plan.contains("[in the shell of line 23] $ greet")
        .contains("[leaves the shell of line 23] $ exit");
    let run = Run::new([&path]).env("GUIDECHECK_UPDATE", "off").expect(0);
    assert_eq!(run.steps(), (5, 0, 0, 0), "{}", run.all());
    // After `exit`, the shell's environment is gone.
    let (_dir, path) = write_guide("guide.md", &plain.replace("gone\n```", "hello from setup\n```"));
    Run::new([&path]).env("GUIDECHECK_UPDATE", "off").expect(1);
}

/// The nix-shell fixture with `from` replaced by `to` fails at the line of `failing`.
#[track_caller]
fn mutated_fails(from: &str, to: &str, failing: &str) {
    let text = read(&guide("nix_shell"));
    assert_eq!(text.matches(from).count(), 1, "{from:?}");
    let text = text.replacen(from, to, 1);
    let (_dir, path) = write_guide("guide.md", &text);
    let line = line_of(&text, failing, 0);
    Run::new([&path])
        .env("GUIDECHECK_UPDATE", "off")
        .expect(1)
        .contains(&format!("FAIL {}:{line}: ", path.display()));
}

#[test]
fn a_wrong_answer_of_nix_shell_run_is_drift_though_nixpkgs_is_missing() {
    // nix-shell's search for `bashInteractive` in `<nixpkgs>` fails here and it goes on:
    // the wrong line is the guide's fault, not this machine's.
    mutated_fails(
        "pure: unset",
        "pure: 1",
        "$ nix-shell --pure --run 'greet; echo \"pure: ${OUTER:-unset}\"'",
    );
}

#[test]
fn a_variable_that_should_be_gone_after_exit_fails() {
    mutated_fails(
        "gone 1 work",
        "2 1 work",
        "$ echo \"${INNER:-gone} $OUTER $(basename $PWD)\"",
    );
}

#[test]
fn a_wrong_answer_inside_the_shell_fails() {
    mutated_fails(
        "greeter: hello from setup",
        "greeter: hello from nowhere",
        "[nix-shell:~]$ echo \"$PROJECT: $GREETING\"",
    );
}

#[test]
fn a_shell_left_at_an_outer_prompt_and_a_timeout_inside_one_keep_the_outer_session() {
    let started = std::time::Instant::now();
    let run = Run::new([guide("configured")]).expect(1);
    assert!(
        started.elapsed().as_secs() < 20,
        "the sleep inside the shell was not killed"
    );
    // The timed-out `sleep` is killed; the shell it was typed in goes on.
    assert_eq!(run.steps(), (9, 1, 0, 0), "{}", run.all());
    run.contains(":12: sleep 30\n  timed out after 2s");
}

#[test]
fn a_shell_stuck_in_a_loop_is_replaced_and_what_was_meant_for_it_is_not_run() {
    let run = Run::new([guide("stuck")]).expect(1);
    assert_eq!(run.steps(), (3, 3, 0, 0), "{}", run.all());
    run.contains(":6: while :; do :; done\n  timed out after")
        .contains("the shell itself did not end")
        .contains(":7: echo never\n  not run: the shell it was typed in did not start, or was killed");
}

#[test]
fn a_shell_that_does_not_start_runs_nothing_meant_for_it_and_never_hangs() {
    let started = std::time::Instant::now();
    // Without nixpkgs here, `nix-shell -p` cannot start: blocked, and so is what was
    // meant for it; `hello` and `exit` are not run in the outer shell; `echo after` is.
    let run = Run::new([guide("not_started")]).expect(3);
    assert!(started.elapsed().as_secs() < 30);
    assert_eq!(run.steps(), (1, 0, 3, 0));
    run.contains(":3: hello\n  blocked: follows the blocked step at line 2");
}
