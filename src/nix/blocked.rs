//! Failures that come from the environment, not the guide: no network, Nix not installed.
//! Such a step is reported as blocked, with a hint, never as drift.

use regex::Regex;
use std::sync::LazyLock;

static NO_NETWORK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)(?:Couldn't resolve host name|Could not resolve host|Temporary failure in name resolution|Network is unreachable|unable to download '[^']*': (?:Couldn't|Could not|Failed to connect|Timeout))",
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
}

/// Looks at the real output of a failed step for causes outside the guide.
pub fn blocked(output: &str) -> Option<Blocked> {
    if let Some(caps) = MISSING_TOOL.captures(output) {
        return Some(Blocked {
            reason: format!("`{}` is not installed", &caps[1]),
            hint: "install Nix (Debian: apt-get install nix-bin) or run where it is installed".into(),
        });
    }
    if NO_NETWORK.is_match(output) {
        return Some(Blocked {
            reason: "needs the network, which is unreachable here".into(),
            hint: "run where the network is reachable, or mark the step `<!-- guidecheck: needs=network -->`"
                .into(),
        });
    }
    if NO_NAMESPACE.is_match(output) {
        return Some(Blocked {
            reason: "cannot create a private store (mount namespace not permitted)".into(),
            hint: "use nix.store = \"system\", or allow unprivileged user namespaces".into(),
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
    fn ordinary_failures_are_not_blocked() {
        assert_eq!(
            blocked("make: cc: No such file or directory\nerror: builder failed"),
            None
        );
        assert_eq!(blocked("bash: gcc: command not found"), None);
    }
}
