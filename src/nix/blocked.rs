//! Failures that come from the environment, not the guide: no network, Nix not installed.
//! Such a step is reported as blocked, with a hint, never as drift.

use regex::Regex;
use std::sync::LazyLock;

/// Network failures in errors (not in Nix's `warning: unable to download` cache noise).
static NO_NETWORK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^(?:error|fatal|curl: \(\d+\)|\s*>)[^\n]*(?:Couldn't resolve host|Could not resolve host|Temporary failure in name resolution|Network is unreachable|Failed to connect to)",
    )
    .expect("valid")
});
static MISSING_TOOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^(?:bash: )?(?:line \d+: )?(nix[\w-]*|unshare|mount): command not found").expect("valid")
});
static NO_NAMESPACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^(?:unshare|mount): .*(?:Operation not permitted|Permission denied)").expect("valid")
});

/// Why a failed step could not be verified here, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    pub reason: String,
    pub hint: String,
    /// The output line that shows it.
    pub evidence: String,
}

/// Looks at the real output of a failed step for causes outside the guide.
pub fn blocked(output: &str) -> Option<Blocked> {
    // The whole line the match is on.
    let evidence = |m: regex::Match<'_>| {
        let start = output[..m.start()].rfind('\n').map_or(0, |i| i + 1);
        let end = output[m.end()..].find('\n').map_or(output.len(), |i| m.end() + i);
        output[start..end].trim().to_string()
    };
    if let Some(caps) = MISSING_TOOL.captures(output) {
        return Some(Blocked {
            reason: format!("`{}` is not installed", &caps[1]),
            hint: "install Nix (Debian: apt-get install nix-bin) or run where it is installed".into(),
            evidence: evidence(caps.get(0).expect("whole match")),
        });
    }
    if let Some(m) = NO_NETWORK.find(output) {
        return Some(Blocked {
            reason: "needs the network, which is unreachable here".into(),
            hint: "run where the network is reachable, or mark the step `<!-- guidecheck: needs=network -->`"
                .into(),
            evidence: evidence(m),
        });
    }
    if let Some(m) = NO_NAMESPACE.find(output) {
        return Some(Blocked {
            reason: "cannot create a private store (mount namespace not permitted)".into(),
            hint: "use nix.store = \"system\", or allow unprivileged user namespaces".into(),
            evidence: evidence(m),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_nix_is_blocked() {
        let b = blocked("bash: nix-build: command not found\n").unwrap();
        assert_eq!(b.reason, "`nix-build` is not installed");
        assert!(blocked("bash: line 3: nix: command not found").is_some());
    }

    #[test]
    fn unreachable_network_is_blocked() {
        let out = "error: unable to download 'https://github.com/NixOS/nixpkgs/tarball/nixos-unstable': Couldn't resolve host name (6)\n";
        assert_eq!(
            blocked(out).unwrap().reason,
            "needs the network, which is unreachable here"
        );
    }

    #[test]
    fn cache_warnings_are_not_a_blocked_network() {
        let out = "warning: error: unable to download 'https://cache.nixos.org/nix-cache-info': Couldn't resolve host name (6); retrying in 307 ms\nerror: hash mismatch\n";
        assert_eq!(blocked(out), None);
        assert!(blocked("curl: (6) Could not resolve host: github.com\n").is_some());
    }

    #[test]
    fn ordinary_failures_are_not_blocked() {
        assert_eq!(
            blocked("make: cc: No such file or directory\nerror: builder failed"),
            None
        );
        assert_eq!(blocked("bash: gcc: command not found"), None);
    }
}
