//! Runs the real guidecheck binary on fixture guides (tests/fixtures/<feature>/<case>/).

mod architecture;
mod bless;
mod corpus;
mod docs;
mod evaluated;
mod formats;
mod hardening;
mod hello;
mod input;
mod lint;
mod llamafile;
mod mdbook;
mod needs;
mod plan;
mod read;
mod real_guides;
mod reliability;
mod scale;
mod session;
mod shells;
mod snapshots;
mod ux;
mod verdicts;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The guidecheck binary, run from the repository root, offline for Nix.
pub fn guidecheck() -> Command {
    let mut cmd = Command::cargo_bin("guidecheck").expect("binary built");
    // The tests decide CI, GitHub and snapshot behaviour themselves.
    cmd.current_dir(root())
        .env_remove("GITHUB_ACTIONS")
        .env_remove("CI")
        .env_remove("GUIDECHECK_UPDATE")
        .env("NO_COLOR", "1");
    cmd
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(path: &str) -> PathBuf {
    root().join("tests/fixtures").join(path)
}

/// Output of a finished command as text (stdout, then stderr).
pub fn text(output: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// 1-based line of the `nth` (0-based) line that equals `needle`.
#[track_caller]
pub fn line_of(text: &str, needle: &str, nth: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| *l == needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("no line #{nth} equal to {needle:?}"))
        .0
        + 1
}

/// Writes a guide into a fresh directory and returns (dir, guide path). An empty
/// guidecheck.toml beside it keeps any config above the temp folder out of the test.
pub fn write_guide(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("guidecheck.toml"), "").expect("write config");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write guide");
    (dir, path)
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read")
}

/// A copy of the guide at `guide` with `edit` made to its text, written as `g.md` in a
/// folder of its own: a mutated case.
pub fn mutated(guide: &Path, edit: impl FnOnce(String) -> String) -> (tempfile::TempDir, PathBuf) {
    write_guide("g.md", &edit(read(guide)))
}

/// Each `(from, to, line)`: the fixture guide of `case` (`tests/fixtures/CASE/guide.md`)
/// with `from` changed to `to` (its first occurrence) fails at `line`.
#[track_caller]
pub fn fails_at_each_mutation(case: &str, mutations: &[(&str, &str, usize)]) {
    let guide = fixture(case).join("guide.md");
    for (from, to, line) in mutations {
        let (_dir, path) = mutated(&guide, |text| text.replacen(from, to, 1));
        Run::new([&path]).expect(1).contains(&format!("g.md:{line}: "));
    }
}

/// One run of the real binary, built up and then checked: the one harness of this suite.
///
/// `Run::new(["plan", "x.md"]).env("CI", "true").expect(0)` runs guidecheck and asserts its
/// exit code, printing everything it wrote when that fails.
pub struct Run {
    cmd: Command,
    shown: String,
}

impl Run {
    pub fn new<I, S>(args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = guidecheck();
        let mut shown = String::from("guidecheck");
        for arg in args {
            shown.push(' ');
            shown.push_str(&arg.as_ref().to_string_lossy());
            cmd.arg(arg);
        }
        Run { cmd, shown }
    }

    /// guidecheck with no arguments yet.
    pub fn bare() -> Run {
        Run::new(std::iter::empty::<&str>())
    }

    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Run {
        self.shown.push(' ');
        self.shown.push_str(&arg.as_ref().to_string_lossy());
        self.cmd.arg(arg);
        self
    }

    pub fn args<I, S>(self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        args.into_iter().fold(self, Run::arg)
    }

    pub fn env(mut self, name: &str, value: impl AsRef<std::ffi::OsStr>) -> Run {
        self.cmd.env(name, value);
        self
    }

    pub fn envs<'a>(self, vars: impl IntoIterator<Item = (&'a str, &'a str)>) -> Run {
        vars.into_iter().fold(self, |run, (k, v)| run.env(k, v))
    }

    pub fn env_remove(mut self, name: &str) -> Run {
        self.cmd.env_remove(name);
        self
    }

    /// What the command reads on stdin.
    pub fn stdin(mut self, input: String) -> Run {
        self.cmd.write_stdin(input);
        self
    }

    /// Runs it, whatever its exit code.
    pub fn outcome(mut self) -> Outcome {
        let output = self.cmd.output().expect("guidecheck runs");
        let (stdout, stderr) = text(&output);
        Outcome {
            code: output.status.code(),
            stdout,
            stderr,
        }
    }

    pub fn current_dir(mut self, dir: &Path) -> Run {
        self.cmd.current_dir(dir);
        self
    }

    /// Runs it; its exit code must be `code`.
    #[track_caller]
    pub fn expect(self, code: i32) -> Outcome {
        let shown = self.shown.clone();
        let outcome = self.outcome();
        assert_eq!(
            outcome.code,
            Some(code),
            "`{}` exited {:?}:\n--- stdout\n{}--- stderr\n{}",
            shown,
            outcome.code,
            outcome.stdout,
            outcome.stderr
        );
        outcome
    }
}

/// What one run printed.
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// stdout then stderr.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// The summary line's step counts: (passed, failed, blocked, skipped).
    #[track_caller]
    pub fn steps(&self) -> (usize, usize, usize, usize) {
        let all = self.all();
        let line = all
            .lines()
            .rev()
            .find(|l| l.starts_with("guidecheck: "))
            .unwrap_or_else(|| panic!("no summary line in:\n{all}"));
        let count = |word: &str| -> usize {
            let re = regex::Regex::new(&format!(r"(\d+) {word}")).expect("valid");
            re.captures(line).map_or(0, |c| c[1].parse().expect("a number"))
        };
        (
            count("passed"),
            count("failed"),
            count("blocked"),
            count("skipped"),
        )
    }

    /// The plan of the first guide, from `plan --format json`.
    #[track_caller]
    pub fn plan(&self) -> serde_json::Value {
        let plans: serde_json::Value = serde_json::from_str(&self.stdout).expect("plan JSON");
        plans[0].clone()
    }

    #[track_caller]
    pub fn contains(&self, needle: &str) -> &Outcome {
        assert!(self.all().contains(needle), "{needle:?} not in:\n{}", self.all());
        self
    }
}

/// The peak RSS (KiB) of a run of the guide at `guide`, which must pass (snapshots off,
/// from the guide's folder); None without `/usr/bin/time` to measure it with.
#[track_caller]
pub fn peak_rss_of_a_passing_run(guide: &Path) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        skip("no /usr/bin/time to measure peak memory with");
        return None;
    }
    let out = std::process::Command::new(time)
        .args(["-f", "%M"])
        .arg(assert_cmd::cargo::cargo_bin("guidecheck"))
        .arg(guide)
        .current_dir(guide.parent().expect("a guide in a folder"))
        .env("GUIDECHECK_UPDATE", "off")
        .output()
        .expect("guidecheck ran");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kib = stderr.lines().last().and_then(|l| l.trim().parse().ok());
    Some(kib.expect("peak RSS"))
}

/// Says in the test log why a test checked nothing here.
#[allow(clippy::print_stderr)]
pub fn skip(why: &str) {
    eprintln!("skipped: {why}");
}

/// `guidecheck plan --format json GUIDE`: the plan of one guide.
#[track_caller]
pub fn plan_json(guide: &Path) -> serde_json::Value {
    Run::new([
        "plan".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        guide.as_os_str(),
    ])
    .expect(0)
    .plan()
}

/// The file steps of a JSON plan, as (path, named_by).
pub fn files_of(plan: &serde_json::Value) -> Vec<(String, String)> {
    plan["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["kind"] == "file")
        .map(|s| {
            (
                s["path"].as_str().unwrap().into(),
                s["named_by"].as_str().unwrap().into(),
            )
        })
        .collect()
}
