//! What failure looks like in any tool's output, Nix or not: the lines that say something
//! failed (`ErrorLines`), and failures that come from the machine (no network) rather than the guide.
//! Nix's own rules live in `nix::blocked`; the two are asked in turn by `compare`.

use regex::Regex;
use std::sync::LazyLock;

/// Lines a reader would see as an error, whatever tool printed them: if a guide neither
/// shows such a line nor covers it with `...` or `[..]`, the step fails. Extended and
/// allowed by config (`[errors]`).
pub const ERROR_LINES: &[&str] = &[
    r"^error:",
    r"^fatal:",
    r": command not found$",
    r"No such file or directory",
    r"^Traceback \(most recent call last\):",
    r"^\w[\w.-]*: cannot (?:access|open|stat|remove|create)",
    r"^panic(?:ked)?[: ]",
    r"^Segmentation fault",
];

/// The error-line rules: the built-in ones plus `extra`, minus lines matching `allow`.
#[derive(Debug, Clone)]
pub struct ErrorLines {
    any: regex::RegexSet,
    allow: Option<regex::RegexSet>,
}

impl Default for ErrorLines {
    fn default() -> Self {
        ErrorLines::new(&[], &[]).expect("valid built-in patterns")
    }
}

impl ErrorLines {
    pub fn new(extra: &[String], allow: &[String]) -> Result<ErrorLines, regex::Error> {
        let patterns = ERROR_LINES
            .iter()
            .map(|p| (*p).to_string())
            .chain(extra.iter().cloned());
        Ok(ErrorLines {
            any: regex::RegexSet::new(patterns)?,
            allow: (!allow.is_empty())
                .then(|| regex::RegexSet::new(allow))
                .transpose()?,
        })
    }

    /// Is this (normalised) real line an error a reader would notice?
    pub fn is_error(&self, line: &str) -> bool {
        let line = line.trim_start();
        self.any.is_match(line) && !self.allow.as_ref().is_some_and(|a| a.is_match(line))
    }
}

/// Network failures in error lines.
static NO_NETWORK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^(?:error|fatal|curl: \(\d+\)|\s*>)[^\n]*(?:Couldn't resolve host|Could not resolve host|Temporary failure in name resolution|Network is unreachable|Failed to connect to)",
    )
    .expect("valid")
});

/// Why a failed step could not be verified here, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    pub reason: String,
    pub hint: String,
    /// The output line that shows it.
    pub evidence: String,
}

/// The whole line of `output` that a match is on.
pub fn evidence(output: &str, m: regex::Match<'_>) -> String {
    let start = output[..m.start()].rfind('\n').map_or(0, |i| i + 1);
    let end = output[m.end()..].find('\n').map_or(output.len(), |i| m.end() + i);
    output[start..end].trim().to_string()
}

/// Causes outside the guide that any tool may print: an unreachable network.
pub fn blocked(output: &str) -> Option<Blocked> {
    NO_NETWORK.find(output).map(|m| Blocked {
        reason: "needs the network, which is unreachable here".into(),
        hint: "run where the network is reachable, or mark the step `<!-- guidecheck: needs=network -->`"
            .into(),
        evidence: evidence(output, m),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_a_reader_would_notice() {
        let rules = ErrorLines::default();
        for line in [
            "ls: cannot access 'x': No such file or directory",
            "error: attribute 'x' missing",
            "fatal: not a git repository",
            "bash: line 1: gcc: command not found",
            "Traceback (most recent call last):",
        ] {
            assert!(rules.is_error(line), "{line}");
        }
        assert!(!rules.is_error("no errors here"));
        let allowed = ErrorLines::new(&["^oops".into()], &["^error: expected".into()]).unwrap();
        assert!(allowed.is_error("oops, that failed"));
        assert!(!allowed.is_error("error: expected and fine"));
    }

    #[test]
    fn unreachable_network_is_blocked() {
        assert!(blocked("curl: (6) Could not resolve host: github.com\n").is_some());
        let out = "error: unable to download 'https://github.com/NixOS/nixpkgs/tarball/nixos-unstable': Couldn't resolve host name (6)\n";
        assert_eq!(
            blocked(out).unwrap().reason,
            "needs the network, which is unreachable here"
        );
        let cache = "warning: error: unable to download 'https://cache.nixos.org/nix-cache-info': Couldn't resolve host name (6); retrying in 307 ms\nerror: hash mismatch\n";
        assert_eq!(blocked(cache), None);
        assert_eq!(blocked("make: cc: No such file or directory\n"), None);
    }
}
