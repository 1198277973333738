//! Everything guidecheck knows about Nix, behind plain-data functions the stages call: how
//! its output varies (normalisation), which shown lines depend on what the store already
//! holds (optional lines), the facts worth keeping (error blocks, hashes), failures that
//! come from the environment (blocked), file names it can infer (infer), its syntax, lint,
//! store isolation and session environment. It imports no stage.

pub mod blocked;
pub mod env;
pub mod eval;
pub mod excerpt;
pub mod facts;
pub mod infer;
pub mod lint;
pub mod normalize;
pub mod optional;
pub mod repl;
pub mod shell;
pub mod store;
pub mod syntax;

use regex::Regex;
use std::sync::LazyLock;

/// Prompts of the shells Nix opens (`nix-shell`; `nix develop`'s
/// `(nix:nix-shell-env) bash-5.2$ `), added to the generic ones.
pub const PROMPTS: &[&str] = &[
    r"^\[nix-shell(?::(?-u:[^\]])*)?\][$#] ",
    r"^\(nix-shell\) [$#] ",
    r"^nix-shell[$#] ",
    r"^\(nix:(?-u:[^)\s])*\) (?:(?-u:[^\s$#])*)?[$#] ",
];

/// How the prompts of `PROMPTS` start: a line that starts otherwise is at none of them.
pub const PROMPT_STARTS: &[&str] = &["[", "(", "nix-shell"];

/// Nix's environment variables, which guide commands see.
pub const ENV: &[&str] = &["NIX_PATH", "NIX_REMOTE", "NIX_CONFIG", "NIX_SSL_CERT_FILE"];

/// The command whose first line names the installed Nix version.
pub const VERSION_COMMAND: [&str; 2] = ["nix-build", "--version"];

/// The command that prints the kept build log of a store path (all Nix versions).
pub const LOG_COMMAND: [&str; 2] = ["nix-store", "--read-log"];

static NIX3: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^nix[ \t]+(?:--[^ \t]+(?:[ \t]+[^- \t][^ \t]*)?[ \t]+)*([a-z][A-Za-z0-9_-]*)(?:[ \t]|$)")
        .expect("valid")
});

/// The subcommand of a `nix …` command line, past its global options
/// (`nix --extra-experimental-features nix-command repl` → `repl`).
pub fn subcommand(command: &str) -> Option<&str> {
    let command = command.trim();
    if !command.starts_with("nix") {
        return None; // the regex is compiled only for guides that run `nix`
    }
    NIX3.captures(command).and_then(|c| c.get(1)).map(|m| m.as_str())
}

/// Fence languages whose blocks are Nix expressions.
pub fn is_nix_lang(lang: &str) -> bool {
    lang == "nix"
}

static TOOL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)nix(?:-[a-z]+)?(?-u:\b)").expect("valid"));

/// Does this shell text call a Nix tool (`nix-build`, `nix repl`, …)?
pub fn uses_nix(shell: &str) -> bool {
    // Most shell text never says `nix`: no need to compile the regex for it.
    memchr::memmem::find(shell.as_bytes(), b"nix").is_some() && TOOL.is_match(shell)
}

/// "Nix 2.8.0" from a version line such as `nix-build (Nix) 2.8.0` (kept as it is otherwise).
pub fn version_label(line: &str) -> String {
    line.split_once("(Nix) ")
        .map_or(line.to_string(), |(_, v)| format!("Nix {v}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nix_tools_and_versions() {
        assert!(uses_nix("cd x && nix-build -A hello"));
        assert!(uses_nix("nix repl"));
        assert!(!uses_nix("echo unix-like"));
        assert_eq!(version_label("nix-build (Nix) 2.8.0"), "Nix 2.8.0");
        assert_eq!(version_label("not installed"), "not installed");
    }
}
