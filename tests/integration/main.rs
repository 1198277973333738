//! Runs the real guidecheck binary on fixture guides (tests/fixtures/<feature>/<case>/).

mod bless;
mod formats;
mod hardening;
mod hello;
mod input;
mod lint;
mod llamafile;
mod mdbook;
mod plan;
mod read;
mod session;
mod snapshots;
mod ux;

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
