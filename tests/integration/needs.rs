//! Blocked, not drift: what this machine lacks is named, and a wrong output of a command
//! that does run is still drift.

use crate::{Run, write_guide};

#[test]
fn each_missing_environment_is_blocked_with_its_need() {
    for (command, need) in [
        ("sudo -n true", "root or sudo"),
        ("docker run --rm hello-world", "Docker or Podman"),
        ("nixos-rebuild switch", "NixOS (systemd)"),
        ("systemctl restart nix-daemon.service", "NixOS (systemd)"),
        (
            "ssh -o BatchMode=yes remotebuild@no-such-host.invalid true",
            "SSH access",
        ),
        (
            "nix-instantiate --eval -E '<nixpkgs>'",
            "<nixpkgs> in the Nix search path",
        ),
        ("nix repl -f '<nixpkgs>' </dev/null", "a newer Nix"),
        ("read -r -p 'Name: ' name </dev/tty", "a terminal"),
    ] {
        let text =
            format!("```console\n$ {command}\nall good\n```\n\n```console\n$ echo after\nafter\n```\n");
        let (_dir, path) = write_guide("g.md", &text);
        let run = Run::new([&path]).outcome();
        // sudo exists on some machines: there it must not be drift either way.
        if run.code == Some(0) {
            continue;
        }
        assert_eq!(run.code, Some(3), "{command}: {}", run.all());
        run.contains(&format!("needs {need}"));
        assert_eq!(run.steps(), (1, 0, 1, 0), "{command}");
    }
}

/// A step that shows no output and succeeds only because a pipe or an assignment hid the
/// failure (`curl … | sh`, `x=$(nix-build '<nixpkgs>' …)`) did not do what the guide says:
/// what it printed names the need.
#[test]
fn a_failure_hidden_by_a_pipe_is_blocked_not_passed() {
    for (command, need) in [
        (
            "curl -sSL https://no-such-host.invalid/install.sh | sh",
            "the network",
        ),
        (
            "hash=$(nix-build '<nixpkgs>' -A hello | cut -c1-10)",
            "<nixpkgs> in the Nix search path",
        ),
    ] {
        let text = format!("```console\n$ {command}\n$ echo after\nafter\n```\n");
        let (_dir, path) = write_guide("g.md", &text);
        let run = Run::new([&path]).outcome();
        assert_eq!(run.code, Some(3), "{command}: {}", run.all());
        run.contains(&format!("needs {need}"));
        assert_eq!(run.steps(), (1, 0, 1, 0), "{command}");
    }
}

#[test]
fn a_wrong_output_of_a_command_that_runs_is_still_drift() {
    let (_dir, path) = write_guide("g.md", "```console\n$ echo hello\ngoodbye\n```\n");
    Run::new([&path]).expect(1).contains("- goodbye");
}

#[test]
fn a_declared_need_blocks_the_guide_up_front() {
    let text = "<!-- guidecheck: needs=nixos -->\n\n# On NixOS\n\n```console\n$ touch ran-anyway\n```\n";
    let (dir, path) = write_guide("g.md", text);
    if std::path::Path::new("/etc/NIXOS").exists() {
        return crate::skip("this machine is NixOS");
    }
    Run::new([&path]).expect(3).contains("needs nixos (needs=nixos)");
    assert!(!dir.path().join("ran-anyway").exists());
}

#[test]
fn without_nixpkgs_blocked_with_a_stand_in_checked() {
    let guide = crate::fixture("needs/nixpkgs/guide.md");
    Run::new([&guide])
        .env("NIX_PATH", "")
        .expect(3)
        .contains("needs <nixpkgs> in the Nix search path");
    let stand_in = crate::fixture("needs/stand-in-nixpkgs");
    let with = format!("nixpkgs={}", stand_in.display());
    assert_eq!(
        Run::new([&guide]).env("NIX_PATH", &with).expect(0).steps(),
        (1, 0, 0, 0)
    );
}

#[test]
fn nix_dev_tutorials_offline_fail_only_where_the_guide_is_wrong() {
    let tutorials = crate::root().join("../shared/corpus/nix.dev/source/tutorials");
    if !tutorials.is_dir() {
        return crate::skip("the nix.dev corpus is absent");
    }
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&tutorials, dir.path());
    // Its `ssh-keygen -f /root/.ssh/remotebuild` writes the machine's own home as root (a
    // guide's commands are not confined, see the book's Reliability chapter): not in CI.
    std::fs::remove_file(dir.path().join("nixos/distributed-builds-setup.md")).unwrap();
    std::fs::write(
        dir.path().join("guidecheck.toml"),
        "[nix]\noffline = true\n[snapshots]\nupdate = \"off\"\n",
    )
    .unwrap();
    let run = Run::new(["--jobs".as_ref(), "2".as_ref(), dir.path().as_os_str()]).outcome();
    let (passed, failed, blocked, _) = run.steps();
    assert!(
        failed <= 10 && passed >= 150,
        "{passed} passed, {failed} failed, {blocked} blocked\n{}",
        run.stdout
    );
    for need in ["<nixpkgs>", "the network", "NixOS (systemd)", "root or sudo"] {
        run.contains(&format!("needs {need}"));
    }
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn commands_that_run_until_interrupted_are_stopped_like_a_reader_would() {
    let guide = crate::fixture("needs/interrupt/guide.md");
    Run::new(["plan".as_ref(), guide.as_os_str()])
        .expect(0)
        .contains("[interrupt=5s] $ tail -f service.log")
        .contains("[interrupt=1s] $ while true; do sleep 0.1; done");
    // A timeout far below the 10-minute default: passing means Ctrl-C, not the timeout,
    // ended them, and the session went on.
    let run = Run::new(["--timeout".as_ref(), "20s".as_ref(), guide.as_os_str()]).expect(0);
    assert_eq!(run.steps(), (6, 0, 0, 0), "{}", run.all());
    // A wrong shown line is still drift: the same follow, stopped after its interval.
    let text = crate::read(&guide).replace("listening\n```", "ready\n```");
    let (_dir, path) = write_guide("g.md", &text);
    Run::new(["--timeout".as_ref(), "20s".as_ref(), path.as_os_str()])
        .expect(1)
        .contains("g.md:7: tail -f service.log")
        .contains("- ready");
}

#[test]
fn failures_after_a_blocked_step_are_counted_apart_unless_independent() {
    let text = "# x\n\n```console\n$ docker run --rm hello-world\nHello from Docker!\n```\n\n```console\n$ cat built-by-docker\nok\n```\n\n<!-- guidecheck: independent -->\n```console\n$ echo mine\nnot mine\n```\n";
    let (_dir, path) = write_guide("g.md", text);
    if Run::new([&path]).outcome().code == Some(0) {
        return crate::skip("docker works here");
    }
    let plan = Run::new(["plan".as_ref(), path.as_os_str()]).expect(0);
    plan.contains("[independent] $ echo mine");
    let run = Run::new([&path]).expect(1);
    run.contains(":9: cat built-by-docker\n  blocked: follows the blocked step at line 4")
        .contains(":15: echo mine\n")
        .contains("- not mine")
        .contains("1 failed, 2 blocked (1 after a blocked step)");
    let json = Run::new(["--format".as_ref(), "json".as_ref(), path.as_os_str()]).expect(1);
    json.contains("\"blocked_after\": 1").contains("\"after\": 4");
}
