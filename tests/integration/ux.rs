//! Everyday use: shards, jobs, progress, --verbose, environment hygiene, completions.

use crate::{Run, write_guide};
use std::path::Path;

fn folder_of_guides(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("guidecheck.toml"),
        "[snapshots]\nupdate = \"off\"\n",
    )
    .unwrap();
    for i in 1..=n {
        std::fs::write(
            dir.path().join(format!("g{i}.md")),
            format!("# G{i}\n\n```console\n$ echo {i}\n{i}\n```\n"),
        )
        .unwrap();
    }
    dir
}

fn checked(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("ok "))
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect()
}

#[test]
fn three_shards_run_every_guide_exactly_once() {
    let dir = folder_of_guides(7);
    let mut all = Vec::new();
    for k in 1..=3 {
        let output = Run::bare()
            .arg("--shard")
            .arg(format!("{k}/3"))
            .arg(dir.path())
            .outcome();
        assert_eq!(output.code, Some(0));
        all.extend(checked(&output.stdout));
    }
    all.sort();
    let mut expected: Vec<String> = (1..=7)
        .map(|i| format!("ok {}", dir.path().join(format!("g{i}.md")).display()))
        .collect();
    expected.sort();
    assert_eq!(all, expected);
    assert_eq!(Run::bare().args(["--shard", "4/3", "x"]).outcome().code, Some(2));
}

#[test]
fn a_bare_guidecheck_runs_the_configured_guide_roots() {
    let dir = folder_of_guides(0);
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::write(
        dir.path().join("docs/a.md"),
        "# A\n\n```console\n$ echo a\na\n```\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("guidecheck.toml"),
        "guides = [\"docs\"]\n[snapshots]\nupdate = \"off\"\n",
    )
    .unwrap();
    let run = Run::bare().current_dir(dir.path()).expect(0);
    let (stdout, _stderr) = (run.stdout.clone(), run.stderr.clone());
    assert!(stdout.contains("ok docs/a.md: 1 step: 1 passed"), "{stdout}");
}

#[test]
fn jobs_report_guides_in_order() {
    let dir = folder_of_guides(5);
    let run = Run::bare().args(["--jobs", "3"]).arg(dir.path()).expect(0);
    let (stdout, _) = (run.stdout.clone(), run.stderr.clone());
    let order: Vec<String> = checked(&stdout);
    let expected: Vec<String> = (1..=5)
        .map(|i| format!("ok {}", dir.path().join(format!("g{i}.md")).display()))
        .collect();
    assert_eq!(order, expected);
}

#[test]
fn a_long_step_prints_progress_lines_off_a_terminal() {
    // 5 s with a line every 1 s leaves room for a loaded machine.
    let (_dir, guide) = write_guide(
        "slow.md",
        "# Slow\n\n```console\n$ sleep 5; echo done\ndone\n```\n",
    );
    let run = Run::bare()
        .arg(&guide)
        .env("GUIDECHECK_PROGRESS_INTERVAL", "1s")
        .expect(0);
    let (_, stderr) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stderr.contains("still running step 1 of slow.md: sleep 5; echo done (1s)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("still running step 1 of slow.md: sleep 5; echo done (2s)"),
        "{stderr}"
    );
}

#[test]
fn a_terminal_gets_a_spinner_with_the_step_and_its_time() {
    let (dir, _) = write_guide("s.md", "# S\n\n```console\n$ sleep 2; echo done\ndone\n```\n");
    let binary = assert_cmd::cargo::cargo_bin("guidecheck");
    // `script` gives the command a terminal (util-linux).
    let output = std::process::Command::new("script")
        .args(["-qec", &format!("{} s.md", binary.display()), "/dev/null"])
        .current_dir(dir.path())
        .env("TERM", "xterm")
        .env_remove("CI")
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(
        screen.contains("step 1 of s.md: sleep 2; echo done (0s)"),
        "{screen}"
    );
    assert!(
        screen.contains("step 1 of s.md: sleep 2; echo done (1s)"),
        "{screen}"
    );
    assert!(screen.contains("s.md: 1 step: 1 passed"), "{screen}");
}

#[test]
fn verbose_streams_command_output() {
    let (_dir, guide) = write_guide(
        "v.md",
        "# V\n\n```console\n$ echo streamed-line\nstreamed-line\n```\n",
    );
    let output = Run::bare().arg("--verbose").arg(&guide).outcome();
    let (_, stderr) = (output.stdout.clone(), output.stderr.clone());
    assert!(
        stderr.contains("--- step 1 of v.md: echo streamed-line\nstreamed-line\n"),
        "{stderr}"
    );
}

#[test]
fn a_secret_in_the_callers_environment_does_not_reach_the_guide() {
    let body = "# Env\n\n```console\n$ echo \"token=${SECRET_TOKEN:-unset}\"\ntoken=unset\n```\n";
    let (dir, guide) = write_guide("env.md", body);
    let run = Run::bare().arg(&guide).env("SECRET_TOKEN", "x").expect(0);
    let (_stdout, _) = (run.stdout.clone(), run.stderr.clone());
    // Named in run.env, it does.
    std::fs::write(
        dir.path().join("guidecheck.toml"),
        "[run]\nenv = [\"SECRET_TOKEN\"]\n",
    )
    .unwrap();
    let run = Run::bare().arg(&guide).env("SECRET_TOKEN", "x").expect(1);
    let (stdout, _) = (run.stdout.clone(), run.stderr.clone());
    assert!(stdout.contains("+ token=x"), "{stdout}");
}

#[test]
fn keep_workspace_prints_a_path_that_exists() {
    let (_dir, guide) = write_guide("k.md", "# K\n\n```console\n$ touch made-here\n```\n");
    let output = Run::bare().arg("--keep-workspace").arg(&guide).outcome();
    let (stdout, _) = (output.stdout.clone(), output.stderr.clone());
    let kept = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("workspace kept at "))
        .expect(&stdout)
        .to_string();
    // The folder printed is where the guide's files are (`work/` of the workspace).
    assert!(Path::new(&kept).join("made-here").exists(), "{kept}");
    // It is no crashed run's leftover: the next run's sweep leaves it.
    Run::bare().arg(&guide).expect(0);
    assert!(Path::new(&kept).join("made-here").exists(), "{kept}");
    std::fs::remove_dir_all(Path::new(&kept).parent().unwrap()).unwrap();
}

#[test]
fn an_unknown_config_key_names_the_nearest_and_its_line() {
    let (dir, guide) = write_guide("c.md", "# C\n");
    std::fs::write(
        dir.path().join("guidecheck.toml"),
        "[nix]\noffline = true\nstroe = \"fresh\"\n",
    )
    .unwrap();
    let run = Run::bare().arg(&guide).expect(2);
    let (_, stderr) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stderr.contains("guidecheck.toml:3:1: unknown field `stroe`"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: did you mean `store`?"), "{stderr}");
}

/// A value the config file's syntax allows but guidecheck cannot use is reported at its
/// own `file:line:col`, with its line: in a table, in an array, in an array of tables.
#[test]
fn a_bad_config_value_is_exit_2_at_its_line_and_column() {
    for (config, at, shown) in [
        (
            "[run]\ntimeout = \"forever\"\n",
            "guidecheck.toml:2:11: bad value for `run.timeout`",
            "timeout = \"forever\"",
        ),
        (
            "prompts = [\"^> \", \"^(bad \"]\n",
            "guidecheck.toml:1:19: bad value for `prompts`",
            "prompts = [",
        ),
        (
            "[[redact]]\npattern = \"ok\"\nreplace = \"x\"\n\n[[redact]]\npattern = \"(open\"\nreplace = \"y\"\n",
            "guidecheck.toml:6:11: bad value for `redact.pattern`",
            "6 | pattern = \"(open\"",
        ),
    ] {
        let (dir, guide) = write_guide("c.md", "# C\n");
        std::fs::write(dir.path().join("guidecheck.toml"), config).unwrap();
        let run = Run::bare().arg(&guide).expect(2);
        assert!(run.stderr.contains(at), "{}", run.stderr);
        assert!(run.stderr.contains(shown), "{}", run.stderr);
        assert!(run.stderr.contains("hint: see `"), "{}", run.stderr);
    }
}

#[test]
fn completions_and_man_page() {
    let bash = Run::bare().args(["completions", "bash"]).outcome();
    assert!(bash.stdout.contains("_guidecheck()"));
    let man = Run::bare().arg("man").outcome();
    assert!(man.stdout.contains(".TH guidecheck 1"));
    // Every page the main one refers to is written beside it.
    let dir = tempfile::tempdir().unwrap();
    Run::bare()
        .args(["man".as_ref(), "--dir".as_ref(), dir.path().as_os_str()])
        .expect(0);
    let main = crate::read(&dir.path().join("guidecheck.1"));
    for referred in main.lines().filter_map(|l| l.strip_suffix("(1)")) {
        let page = dir.path().join(format!("{}.1", referred.replace("\\-", "-")));
        assert!(page.exists(), "{} is referred to and missing", page.display());
    }
    assert!(main.contains("guidecheck\\-test(1)"), "{main}");
}

#[test]
fn a_mistyped_command_and_a_missing_guides_folder_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.md"), "# x\n").unwrap();
    Run::new(["plna", "x.md"])
        .current_dir(dir.path())
        .expect(2)
        .contains("did you mean `guidecheck plan`?");
    Run::bare()
        .current_dir(dir.path())
        .expect(2)
        .contains("no guides named, and no guides/ folder here");
    // plan, lint and todo default to the guides as test does.
    std::fs::create_dir(dir.path().join("guides")).unwrap();
    std::fs::write(dir.path().join("guides/g.md"), "```console\n$ true\n```\n").unwrap();
    for command in ["plan", "lint", "todo"] {
        Run::new([command]).current_dir(dir.path()).expect(0);
    }
    Run::new(["plan"])
        .current_dir(dir.path())
        .expect(0)
        .contains("g.md: 1 step (1 run)");
}

#[test]
fn until_stops_after_the_step_at_that_line_and_writes_no_snapshot() {
    let (dir, guide) = crate::write_guide(
        "g.md",
        "# Long\n\n```console\n$ echo one\none\n$ echo two\nwrong\n```\n",
    );
    let run = crate::Run::new(["--until".as_ref(), "4".as_ref(), guide.as_os_str()]).expect(0);
    assert_eq!(run.steps(), (1, 0, 0, 1), "{}", run.all());
    assert!(!dir.path().join("snapshots").exists());
    crate::Run::new([&guide]).expect(1);
}

#[test]
fn watch_runs_again_when_the_guide_is_saved_and_shows_what_changed() {
    use std::io::{BufRead, BufReader};
    let (dir, guide) = crate::write_guide("g.md", "# W\n\n```console\n$ echo hello\ngoodbye\n```\n");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("guidecheck"))
        .args(["--watch", "g.md"])
        .current_dir(dir.path())
        .env("GUIDECHECK_UPDATE", "off")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let wait_for = |needle: &str| -> Vec<String> {
        let mut seen = Vec::new();
        while let Ok(line) = lines.recv_timeout(std::time::Duration::from_secs(30)) {
            let done = line.contains(needle);
            seen.push(line);
            if done {
                return seen;
            }
        }
        panic!("never saw {needle:?} in {seen:#?}");
    };
    let first = wait_for("watching g.md");
    assert!(
        first.iter().any(|l| l.starts_with("FAIL g.md:4: echo hello")),
        "{first:#?}"
    );
    // A real save: the guide now shows what the command prints.
    std::thread::sleep(std::time::Duration::from_millis(300));
    std::fs::write(&guide, "# W\n\n```console\n$ echo hello\nhello\n```\n").unwrap();
    let second = wait_for("watching g.md");
    assert!(
        second.iter().any(|l| l == "line 4: failed → passed"),
        "{second:#?}"
    );
    assert!(
        !second.iter().any(|l| l.starts_with("FAIL g.md:4")),
        "only what changed: {second:#?}"
    );
    std::fs::write(dir.path().join("unrelated.txt"), "x").unwrap();
    std::fs::write(&guide, "# W\n\n```console\n$ echo hello\nhello\n```\n").unwrap();
    let third = wait_for("watching g.md");
    assert!(
        third.iter().any(|l| l == "nothing changed since the last run"),
        "{third:#?}"
    );
    let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(143));
}

#[test]
fn a_guide_without_nix_says_nothing_of_a_store() {
    let (_dir, guide) = crate::write_guide("g.md", "# P\n\n```console\n$ echo hi\nhi\n```\n");
    let run = crate::Run::new([&guide]).expect(0);
    assert!(!run.stdout.contains("store"), "{}", run.stdout);
    assert!(run.stdout.contains("0 skipped (0."), "{}", run.stdout);
}
