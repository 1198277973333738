//! Nix failures that come from the environment, not the guide: Nix not installed, no
//! private store. The generic ones (no network) are in `crate::failure`.
//! Such a step is reported as blocked, with a hint, never as drift.

use regex::Regex;
use std::sync::LazyLock;

static MISSING_TOOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^(?:bash: )?(?:line [0-9]+: )?(nix(?:-[A-Za-z0-9_-]+)?|unshare|mount): command not found",
    )
    .expect("valid")
});
/// `<nixpkgs>` (or another lookup path) that this machine's search path lacks.
static NO_LOOKUP_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^error: file '([^']+)' was not found in the Nix search path").expect("valid")
});
/// A flag or feature this Nix lacks: the guide was written for a newer (or configured) Nix.
static NEWER_NIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:unrecogni[sz]ed flag '([^']+)'|experimental Nix feature '([^']+)' is disabled|^error: unknown command '([^']+)'|'([A-Za-z0-9_-]+)' is not a recognised command)")
        .expect("valid")
});
static NO_NAMESPACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^(?:unshare|mount): .*(?:Operation not permitted|Permission denied)").expect("valid")
});

pub use crate::failure::Blocked;
use crate::failure::evidence;

/// Looks at the real output of a failed step for Nix causes outside the guide (Nix not
/// installed, no private store). `crate::failure::blocked` has the generic ones.
pub fn blocked(output: &str) -> Option<Blocked> {
    let evidence = |m: regex::Match<'_>| evidence(output, m);
    // Each rule only where its words are: most failed steps hold none, and compiling the
    // rules costs more than the step's comparison.
    let has = |words: &[&str]| words.iter().any(|w| output.contains(w));
    let lookup = has(&["in the Nix search path"]).then(|| NO_LOOKUP_PATH.captures(output));
    if let Some(caps) = lookup.flatten() {
        let name = caps[1].split('/').next().unwrap_or(&caps[1]).to_string();
        return Some(Blocked {
            reason: format!("needs <{name}> in the Nix search path, which has none here"),
            hint: format!("run where NIX_PATH has {name} (a channel, or -I {name}=…)"),
            evidence: evidence(caps.get(0).expect("whole match")),
        });
    }
    let newer = has(&[
        "unrecogni",
        "experimental Nix feature",
        "unknown command",
        "is not a recognised command",
    ]);
    if let Some(caps) = newer.then(|| NEWER_NIX.captures(output)).flatten() {
        let what = (1..=4).find_map(|i| caps.get(i)).map_or("", |m| m.as_str());
        let (reason, hint) = if caps.get(2).is_some() {
            (
                format!("needs the experimental Nix feature `{what}`, disabled here"),
                format!("enable it (extra-experimental-features = {what}) where the guide runs"),
            )
        } else {
            (
                format!("needs a newer Nix: this one does not know `{what}`"),
                "run with the Nix version the guide was written for".to_string(),
            )
        };
        return Some(Blocked {
            reason,
            hint,
            evidence: evidence(caps.get(0).expect("whole match")),
        });
    }
    let missing = has(&[": command not found"]);
    if let Some(caps) = missing.then(|| MISSING_TOOL.captures(output)).flatten() {
        return Some(Blocked {
            reason: format!("`{}` is not installed", &caps[1]),
            hint: "install Nix (Debian: apt-get install nix-bin) or run where it is installed".into(),
            evidence: evidence(caps.get(0).expect("whole match")),
        });
    }
    let namespace = has(&["unshare: ", "mount: "]);
    if let Some(m) = namespace.then(|| NO_NAMESPACE.find(output)).flatten() {
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
    fn a_search_path_without_nixpkgs_is_blocked() {
        let out =
            "error: file 'nixpkgs/lib' was not found in the Nix search path (add it using $NIX_PATH or -I)\n";
        assert_eq!(
            blocked(out).unwrap().reason,
            "needs <nixpkgs> in the Nix search path, which has none here"
        );
    }

    #[test]
    fn a_flag_or_feature_this_nix_lacks_is_blocked() {
        let b = blocked("error: unrecognised flag '-f'\nTry 'nix --help' for more information.\n").unwrap();
        assert_eq!(b.reason, "needs a newer Nix: this one does not know `-f`");
        let b = blocked("error: experimental Nix feature 'flakes' is disabled; use '--extra-experimental-features flakes' to override\n").unwrap();
        assert_eq!(
            b.reason,
            "needs the experimental Nix feature `flakes`, disabled here"
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
