//! Nothing escapes, nothing leaks, nothing hangs: one test per attack (the book's
//! reliability chapter lists them).

use crate::{Run, write_guide};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A number no other test's commands use, so their processes can be told apart.
fn unique(offset: u32) -> u32 {
    900_000 + (std::process::id() % 50_000) * 2 + offset
}

/// Processes whose command line is `sleep SECONDS`.
fn sleeping(seconds: u32) -> Vec<i32> {
    let wanted = format!("sleep\0{seconds}\0");
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c == wanted.as_bytes())
                && !std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.contains(") Z "))
        })
        .collect()
}

/// Waits (at most 20 s) for `check` to hold.
fn eventually(check: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn no_process_outlives_a_timeout_or_the_end_of_a_guide() {
    let [a, b, c, d] = [0, 1, 2, 3].map(unique);
    let text = format!(
        "# Escapes\n\n```console\n$ setsid sleep {a} &\n$ (setsid sh -c 'sleep {b}' &)\n$ env -i sleep {c} &\n```\n\n<!-- guidecheck: timeout=1s -->\n```console\n$ setsid sleep {d} & sleep {d}\n```\n\n```console\n$ echo still here\nstill here\n```\n"
    );
    let (_dir, guide) = write_guide("g.md", &text);
    let run = Run::new([&guide]).expect(1);
    assert_eq!(run.steps(), (4, 1, 0, 0), "{}", run.all());
    for seconds in [a, b, c, d] {
        assert_eq!(sleeping(seconds), Vec::<i32>::new(), "sleep {seconds} survived");
    }
}

#[test]
fn a_shell_that_exits_while_its_background_jobs_hold_the_output_never_hangs() {
    let [a, b] = [4, 5].map(unique);
    // `exit` and `exec bash` (which reads /dev/null and ends) leave a `sleep` holding the
    // output pipe: the shell's end, not the pipe's, says the session is over.
    let text = format!(
        "# Gone\n\n```console\n$ sleep {a} &\n$ export KEPT=1\n$ exec bash\n$ echo \"new shell ${{KEPT:-fresh}}\"\nnew shell fresh\n$ sleep {b} &\n$ exit 3\n$ echo back\nback\n```\n"
    );
    let (_dir, guide) = write_guide("g.md", &text);
    let started = std::time::Instant::now();
    let run = Run::new(["--timeout".as_ref(), "60s".as_ref(), guide.as_os_str()]).expect(1);
    assert!(
        started.elapsed().as_secs() < 30,
        "waited for the timeout: {}",
        run.all()
    );
    assert_eq!(run.steps(), (6, 1, 0, 0), "{}", run.all());
    run.contains(":10: exit 3\n  expected success (exit 0), got exit 3");
    for seconds in [a, b] {
        assert_eq!(sleeping(seconds), Vec::<i32>::new(), "sleep {seconds} survived");
    }
}

/// Starts guidecheck on a guide that runs `sleep seconds`, in its own TMPDIR.
fn start_sleeping(seconds: u32) -> (std::process::Child, tempfile::TempDir, PathBuf) {
    let text = format!(
        "# Long\n\n```console\n$ sleep {} &\n$ sleep {seconds}\n```\n",
        seconds + 1
    );
    let (dir, guide) = write_guide("g.md", &text);
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("guidecheck"))
        .arg(&guide)
        .env("TMPDIR", &tmp)
        .env("GUIDECHECK_UPDATE", "off")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        eventually(|| !sleeping(seconds).is_empty()),
        "the guide never started"
    );
    (child, dir, tmp)
}

#[test]
fn a_signal_ends_every_process_removes_every_file_and_says_so() {
    for (signal, code, name, offset) in [
        (rustix::process::Signal::INT, 130, "SIGINT", 10),
        (rustix::process::Signal::TERM, 143, "SIGTERM", 12),
        (rustix::process::Signal::HUP, 129, "SIGHUP", 14),
    ] {
        let seconds = unique(offset);
        let (child, _dir, tmp) = start_sleeping(seconds);
        let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
        rustix::process::kill_process(pid, signal).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("stopped by {name} while running")),
            "{stderr}"
        );
        assert!(
            sleeping(seconds).is_empty() && sleeping(seconds + 1).is_empty(),
            "{name}"
        );
        assert_eq!(
            std::fs::read_dir(&tmp).unwrap().count(),
            0,
            "{name}: files left in TMPDIR"
        );
        let tag = format!("guidecheck-ctl-{}.", pid.as_raw_nonzero());
        let shm = std::fs::read_dir("/dev/shm").map(|d| d.flatten().count());
        assert!(
            std::fs::read_dir("/dev/shm")
                .map(|d| d
                    .flatten()
                    .all(|e| !e.file_name().to_string_lossy().starts_with(&tag)))
                .unwrap_or(true),
            "{name}: a control folder is left in /dev/shm ({shm:?})"
        );
    }
}

/// A run killed outright (SIGKILL: no undo runs) leaves its workspace and control folder;
/// the next run removes both, though it was given another TMPDIR.
#[test]
fn a_killed_runs_workspace_goes_with_the_next_run() {
    let seconds = unique(20);
    let (child, _dir, tmp) = start_sleeping(seconds);
    let pid = child.id();
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(pid as i32).unwrap(),
        rustix::process::Signal::KILL,
    )
    .unwrap();
    drop(child.wait_with_output().unwrap());
    for sleeper in sleeping(seconds).into_iter().chain(sleeping(seconds + 1)) {
        let _ = rustix::process::kill_process(
            rustix::process::Pid::from_raw(sleeper).unwrap(),
            rustix::process::Signal::KILL,
        );
    }
    let tag = format!("guidecheck-ctl-{pid}.");
    let ctl_left = || {
        std::fs::read_dir("/dev/shm").is_ok_and(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with(&tag))
        })
    };
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 1, "its workspace");
    let (next_dir, guide) = write_guide("next.md", "# Next\n\n```console\n$ echo hi\nhi\n```\n");
    let other_tmp = next_dir.path().join("tmp");
    std::fs::create_dir(&other_tmp).unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("guidecheck"))
        .arg(&guide)
        .env("TMPDIR", &other_tmp)
        .env("GUIDECHECK_UPDATE", "off")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "the killed run's workspace is left"
    );
    assert_eq!(std::fs::read_dir(&other_tmp).unwrap().count(), 0);
    assert!(!ctl_left(), "the killed run's control folder is left");
}

#[test]
fn memory_stays_flat_under_two_gibibytes_of_output() {
    let (_dir, guide) = write_guide(
        "g.md",
        "# Flood\n\n```console\n$ yes | head -c 2147483648 | tail -c 2\ny\n```\n\n```console\n$ yes | head -c 2147483648\ny\n...\n```\n",
    );
    if let Some(kib) = crate::peak_rss_of_a_passing_run(&guide) {
        assert!(kib < 200 * 1024, "peak RSS {kib} KiB");
    }
}

#[test]
fn a_huge_line_is_reported_cut_with_its_length() {
    let (_dir, guide) = write_guide(
        "g.md",
        "# Wide\n\n```console\n$ head -c 200000000 /dev/zero | tr '\\0' x; echo\nnot this\n```\n",
    );
    let run = Run::new([&guide]).expect(1);
    assert!(run.stdout.len() < 100_000, "report of {} bytes", run.stdout.len());
    run.contains("[line cut: ").contains(" bytes in all]");
}

#[test]
fn file_steps_never_write_outside_the_workspace() {
    let outside = tempfile::tempdir().unwrap();
    let o = outside.path().display();
    let text = format!(
        "# Out\n\n```console\n$ ln -s {o} target\n$ ln -s {o}/planted planted\n$ mkdir -p real && ln -s {o} real/link\n```\n\n```nix title=\"target/f.nix\"\n{{ }}\n```\n\n```nix title=\"planted\"\n{{ }}\n```\n\n```console\n$ cd real/link\n```\n\n```nix title=\"through-cd.nix\"\n{{ }}\n```\n\n```console\n$ cd ../..\n```\n\n```nix title=\"../../escaped.nix\"\n{{ }}\n```\n\n```nix title=\"fine/inside.nix\"\n{{ }}\n```\n"
    );
    let (_dir, guide) = write_guide("g.md", &text);
    let run = Run::new([&guide]).expect(1);
    assert_eq!(run.steps(), (6, 4, 0, 0), "{}", run.all());
    assert!(!run.stdout.contains("exit="), "{}", run.stdout);
    assert_eq!(
        run.stdout.matches("outside the workspace").count(),
        4,
        "{}",
        run.stdout
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    // A name that is not a file is a failed step with the reason, at its line.
    let (_dir, dot) = write_guide("dot.md", "# Dot\n\n<!-- guidecheck: file=. -->\n```\nx\n```\n");
    Run::new([&dot])
        .expect(1)
        .contains("dot.md:4: write .\n")
        .contains("names a directory");
}

#[test]
fn a_command_cannot_read_the_command_stream_or_a_terminal() {
    let mut text = String::from("# Readers\n\n```console\n");
    for fd in [0, 3, 10, 11, 19, 255] {
        text.push_str(&format!(
            "$ read -t 1 -u {fd} line; echo \"fd {fd}: [${{line:-}}]\"\nfd {fd}: []\n"
        ));
    }
    text.push_str("$ read -t 5 x </dev/tty || echo no terminal\nno terminal\n$ echo next\nnext\n```\n");
    let (_dir, guide) = write_guide("g.md", &text);
    // Under a terminal of its own (`script`), as a user at a shell runs it.
    let script = Path::new("/usr/bin/script");
    let run = if script.exists() {
        let command = format!(
            "{} {}",
            assert_cmd::cargo::cargo_bin("guidecheck").display(),
            guide.display()
        );
        let out = std::process::Command::new(script)
            .args(["-qec", &command, "/dev/null"])
            .env("GUIDECHECK_UPDATE", "off")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    } else {
        let run = Run::new([&guide]).outcome();
        (run.code, run.stdout)
    };
    assert_eq!(run.0, Some(0), "{}", run.1);
    assert!(run.1.contains("8 passed"), "{}", run.1);
}

#[test]
fn tracing_and_redirections_of_the_guide_never_show_guidecheck_or_hang_it() {
    let text = "# Tracing\n\n```console\n$ set -x\n$ echo hi\n+ echo hi\nhi\n$ set +x\n+ set +x\n$ set -v\n$ echo verbose\necho verbose\nverbose\n$ set +v\nset +v\n$ PS4='> '; trap 'echo debug' DEBUG; trap - DEBUG\n$ exec >/dev/null\n$ echo gone\n$ exec 2>&1 >/dev/tty 2>/dev/null; true\n```\n\n<!-- guidecheck: timeout=10s -->\n```console\n$ echo still gone\n```\n";
    let (_dir, guide) = write_guide("g.md", text);
    let started = Instant::now();
    let run = Run::new([&guide]).expect(0);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "waited for the timeout"
    );
    for internal in ["__gc", "GCEND", "eval ", "/dev/shm", "export -p"] {
        assert!(!run.stdout.contains(internal), "{internal}: {}", run.stdout);
    }
    // `--bless` writes what a reader saw, nothing of ours.
    Run::new(["--bless".as_ref(), guide.as_os_str()]).expect(0);
    let blessed = crate::read(&guide);
    assert!(
        !blessed.contains("__gc") && !blessed.contains("eval"),
        "{blessed}"
    );
}

#[test]
fn bad_durations_are_errors_at_their_place_never_panics() {
    let (_dir, guide) = write_guide(
        "g.md",
        "# T\n\n<!-- guidecheck: timeout=300000000000y -->\n```console\n$ true\n```\n",
    );
    Run::new([&guide])
        .expect(2)
        .contains("g.md:3:18: bad directive `timeout=300000000000y`")
        .contains("the largest duration accepted is 365d");
    Run::new([
        "--timeout".as_ref(),
        "9223372036854775807s".as_ref(),
        guide.as_os_str(),
    ])
    .expect(2)
    .contains("the largest duration accepted is 365d");
    let (dir, ok) = write_guide("ok.md", "# T\n\n```console\n$ true\n```\n");
    std::fs::write(
        dir.path().join("guidecheck.toml"),
        "[run]\ntimeout = \"99999999999999d\"\n",
    )
    .unwrap();
    Run::bare()
        .arg(&ok)
        .current_dir(dir.path())
        .expect(2)
        .contains("365d");
}

#[test]
fn cd_into_a_folder_whose_name_holds_a_newline_keeps_file_steps_there() {
    let text = "# Odd\n\n```console\n$ mkdir \"$(printf 'a\\nb')\" && cd \"$(printf 'a\\nb')\"\n```\n\n```nix title=\"here.nix\"\n{ }\n```\n\n```console\n$ ls\nhere.nix\n```\n";
    let (_dir, guide) = write_guide("g.md", text);
    let run = Run::new([&guide]).expect(0);
    assert_eq!(run.steps(), (3, 0, 0, 0), "{}", run.all());
}

#[test]
fn a_fifo_or_stdin_is_a_guide() {
    let (dir, guide) = write_guide("g.md", "# In\n\n```console\n$ echo hi\nhi\n```\n");
    let text = crate::read(&guide);
    Run::new(["/dev/stdin"])
        .stdin(text.clone())
        .expect(0)
        .contains("1 passed");
    let fifo = dir.path().join("fifo.md");
    rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::from(0o600)).unwrap();
    let writer = std::thread::spawn({
        let fifo = fifo.clone();
        move || std::fs::write(fifo, text).unwrap()
    });
    Run::new([&fifo]).expect(0).contains("1 passed");
    writer.join().unwrap();
    assert!(!Path::new("/dev/snapshots").exists());
}

#[test]
fn a_killed_bless_leaves_temp_files_the_next_run_removes() {
    let (dir, guide) = write_guide("g.md", "# B\n\n```console\n$ echo new\nold\n```\n");
    // What a bless killed with -9 leaves: a temp file tagged with a dead process.
    let leftover = dir.path().join(".guidecheck-999999999.1-AbCdEf");
    std::fs::write(&leftover, "half").unwrap();
    Run::new(["--bless".as_ref(), guide.as_os_str()]).expect(0);
    assert!(!leftover.exists());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".guidecheck"))
        .collect();
    assert_eq!(names, Vec::<String>::new());
}
