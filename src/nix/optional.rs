//! Shown lines whose presence depends on what the store already holds, how Nix was invoked
//! (daemon or not), or the network's speed: shown-but-missing, they are not drift.

use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// `building '/nix/store/…'`: the path built (no regex: this runs on every output line).
fn building(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("building '")?;
    let end = rest.find('\'')?;
    (end > 0).then(|| &rest[..end])
}
/// How the planning and progress lines start (no regex: this runs on every shown line).
const PLANNING_STARTS: &[&str] = &[
    "these derivations will be built:",
    "these paths will be fetched:",
    "copying path '",
    "building '",
    "last N log lines:",
    "For full logs, run '",
    "unpacking source archive ",
    "trying http://",
    "trying https://",
    "% Total",
    "Dload",
];
/// curl's progress table row (`100  1234  100  1234  0  0  5000  0 --:--:--`).
static PROGRESS_ROW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]+ +[0-9.]+[kMG]? +[0-9]+ ").expect("valid"));

fn planning(line: &str) -> bool {
    PLANNING_STARTS.iter().any(|s| line.starts_with(s))
        || (line.starts_with(|c: char| c.is_ascii_digit()) && PROGRESS_ROW.is_match(line))
}

/// For each (normalised, trimmed) shown line: may it be absent from the real output?
///
/// Planning lines (the "will be built" list, `building '…'`, `copying path`), the log tail a
/// daemon adds (`last N log lines:`, `> …`, `For full logs`), download progress, and the
/// build log of a derivation the real run did not build (it was already in the store).
pub fn optional_lines(shown: &[String], real: &[String]) -> Vec<bool> {
    let built: HashSet<&str> = real.iter().filter_map(|l| building(l)).collect();
    let mut optional = Vec::with_capacity(shown.len());
    let mut in_plan_list = false;
    let mut in_tail = false;
    let mut unbuilt_log = false;
    for line in shown {
        if let Some(path) = building(line) {
            unbuilt_log = !built.contains(path);
        } else if ends_build_log(line) {
            unbuilt_log = false;
        }
        let list_item = in_plan_list && line.starts_with("/nix/store/");
        let tail_line = in_tail && (line.starts_with("> ") || line == ">");
        in_plan_list = line.ends_with("will be built:") || line.ends_with("will be fetched:") || list_item;
        in_tail = line.starts_with("last N log lines:") || tail_line;
        optional.push(list_item || tail_line || planning(line) || unbuilt_log);
    }
    optional
}

/// True when an output holds a derivation's build log (a builder's own messages, such as
/// its `command not found`, are the build's, not this machine's).
pub fn holds_a_build_log(output: &str) -> bool {
    ["building '", "builder for '", "Cannot build '"]
        .iter()
        .any(|w| output.contains(w))
}

/// True when some shown line starts a derivation's build log (`building '…'`): only then
/// can `unbuilt_logs` find anything (a cheap test before normalising for it).
pub fn shows_a_build(shown: &[&str]) -> bool {
    shown.iter().any(|l| l.contains("building '"))
}

/// For each shown line: the name (`hello-1.0`) of the derivation whose build log it belongs
/// to, when the real run did not build that derivation (it was in the store already). The
/// `building '…'` line itself is a planning line, not part of the log.
pub fn unbuilt_logs(shown: &[impl AsRef<str>], real: &[impl AsRef<str>]) -> Vec<Option<String>> {
    if !shown.iter().any(|l| building(l.as_ref()).is_some()) {
        return vec![None; shown.len()]; // no build shown (most steps): nothing to look at
    }
    let built: HashSet<&str> = real.iter().filter_map(|l| building(l.as_ref())).collect();
    let mut current: Option<String> = None;
    shown
        .iter()
        .map(|line| {
            let line = line.as_ref();
            if let Some(path) = building(line) {
                current = (!built.contains(path)).then(|| store_name(path));
                None
            } else if ends_build_log(line) {
                current = None;
                None
            } else if planning(line) {
                None
            } else {
                current.clone()
            }
        })
        .collect()
}

/// `hello-1.0` from `/nix/store/<hash>-hello-1.0` or `…-hello-1.0.drv`.
pub fn store_name(path: &str) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    let name = base.split_once('-').map_or(base, |(_, n)| n);
    name.strip_suffix(".drv").unwrap_or(name).to_string()
}

/// The store paths a build printed as its result (whole lines).
pub fn out_paths(output: &str) -> Vec<String> {
    output
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("/nix/store/") && !l.contains(' ') && !l.ends_with(".drv"))
        .map(str::to_string)
        .collect()
}

fn ends_build_log(line: &str) -> bool {
    line.starts_with("error:") || line.starts_with("/nix/store/") && !line.contains(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(String::from).collect()
    }

    #[test]
    fn planning_and_progress_lines_are_told_by_their_start() {
        for line in [
            "these derivations will be built:",
            "copying path '/nix/store/abc-hello' from 'https://cache.nixos.org'...",
            "trying https://example.org/hello.tar.gz",
            "trying http://example.org/hello.tar.gz",
            "% Total    % Received % Xferd  Average Speed   Time    Time     Time  Current",
            "100  1234  100  1234    0     0   5000      0 --:--:-- --:--:-- --:--:--  5000",
        ] {
            assert!(planning(line), "{line}");
        }
        for line in [
            "Hello, world!",
            "100 files",
            "2 derivations",
            "error: building failed",
        ] {
            assert!(!planning(line), "{line}");
        }
    }

    #[test]
    fn planning_lines_are_optional() {
        let shown = lines(
            "warning: found empty hash\nthese derivations will be built:\n/nix/store/[HASH]-a.drv\nbuilding '/nix/store/[HASH]-a.drv'...\nerror: hash mismatch",
        );
        let real = lines("building '/nix/store/[HASH]-a.drv'...\nerror: hash mismatch");
        assert_eq!(optional_lines(&shown, &real), [false, true, true, true, false]);
    }

    #[test]
    fn log_of_a_derivation_not_built_this_time_is_optional() {
        let shown = lines(
            "building '/nix/store/[HASH]-hello.drv'...\ncc -O2 -o hello hello.c\n/nix/store/[HASH]-hello",
        );
        let warm = lines("/nix/store/[HASH]-hello");
        assert_eq!(optional_lines(&shown, &warm), [true, true, false]);
        let cold = lines(
            "building '/nix/store/[HASH]-hello.drv'...\ncc -O2 -o hello hello.c\n/nix/store/[HASH]-hello",
        );
        assert_eq!(optional_lines(&shown, &cold), [true, false, false]);
    }

    #[test]
    fn lines_of_unbuilt_logs_name_their_derivation() {
        let shown = lines(
            "building '/nix/store/[HASH]-hello-1.0.drv'...\ncc -O2 -o hello hello.c\n/nix/store/[HASH]-hello-1.0",
        );
        let warm = lines("/nix/store/[HASH]-hello-1.0");
        assert_eq!(
            unbuilt_logs(&shown, &warm),
            [None, Some("hello-1.0".to_string()), None]
        );
        assert_eq!(unbuilt_logs(&shown, &shown), [None, None, None]);
        assert_eq!(
            out_paths("x\n/nix/store/abc-hello-1.0\n"),
            ["/nix/store/abc-hello-1.0"]
        );
        assert_eq!(store_name("/nix/store/abc-hello-1.0.drv"), "hello-1.0");
    }

    #[test]
    fn daemon_log_tail_is_optional() {
        let shown = lines(
            "make: *** Error 1\nerror: builder for 'x' failed with exit code 2\nlast N log lines:\n> make: *** Error 1\nFor full logs, run 'nix log x'.",
        );
        assert_eq!(optional_lines(&shown, &[]), [false, false, true, true, true]);
    }
}
