//! What failure looks like in any tool's output, Nix or not: the lines that say something
//! failed, and failures that come from the machine (no network) rather than the guide.
//! Nix's own rules live in `nix::blocked`; the two are asked in turn by `compare`.

use regex::Regex;
use std::sync::LazyLock;

/// True when a shown line says something failed (so the command is expected to fail).
pub fn is_error_line(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("error:") || line.starts_with("fatal:") || line.ends_with(": command not found")
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
    fn error_lines() {
        assert!(is_error_line("error: builder for 'x' failed"));
        assert!(is_error_line("bash: gcc: command not found"));
        assert!(is_error_line("fatal: not a git repository"));
        assert!(!is_error_line("no errors: fine"));
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
