//! Nix's interactive shells (`nix-shell`, `nix develop`, `nix shell`): which commands enter
//! one, and how to enter it so that it reads the session's next commands from its stdin.

/// `nix-shell` as the command's first word.
fn is_nix_shell(command: &str) -> bool {
    command
        .strip_prefix("nix-shell")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
}

/// Does this command open an interactive shell (no command of its own to run)?
pub fn enters(command: &str) -> bool {
    let command = command.trim();
    // Both ways in start with `nix` (most commands do not: no words to split).
    if !command.starts_with("nix") {
        return false;
    }
    let mut words = command.split_whitespace();
    if is_nix_shell(command) {
        return !words.any(|w| matches!(w, "--run" | "--command"));
    }
    matches!(super::subcommand(command), Some("develop" | "shell"))
        && !words.any(|w| matches!(w, "-c" | "--command"))
}

/// The entering command rewritten to run `shell_loop` (a bash script reading commands from
/// stdin) inside the shell's environment, in place of an interactive shell. None for a
/// command that does not enter a Nix shell.
pub fn entry(command: &str, shell_loop: &str) -> Option<String> {
    if !enters(command) {
        return None;
    }
    let quoted = format!("'{}'", shell_loop.replace('\'', r"'\''"));
    let command = command.trim();
    if is_nix_shell(command) {
        // `--run` (not `--command`): a non-interactive bash that sources the environment's
        // setup and then runs the loop, so setup functions stay defined.
        return Some(format!("{command} --run {quoted}"));
    }
    Some(format!("{command} --command bash --noprofile --norc -c {quoted}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_that_enter_a_shell() {
        assert!(enters("nix-shell"));
        assert!(enters("nix-shell -p cowsay lolcat"));
        assert!(enters("nix-shell shell.nix --pure"));
        assert!(!enters("nix-shell -p hello --run hello"));
        assert!(!enters("nix-shell --command 'make'"));
        assert!(enters("nix develop"));
        assert!(enters(
            "nix --extra-experimental-features nix-command shell nixpkgs#hello"
        ));
        assert!(!enters("nix develop -c make"));
        assert!(!enters("nix-build -A hello"));
        assert!(!enters("nix shellcheck"));
    }

    #[test]
    fn entries_run_the_loop_in_the_environment() {
        assert_eq!(
            entry("nix-shell -p hello", "while read l; do eval \"$l\"; done").unwrap(),
            "nix-shell -p hello --run 'while read l; do eval \"$l\"; done'"
        );
        assert_eq!(
            entry("nix develop", "x 'y'").unwrap(),
            "nix develop --command bash --noprofile --norc -c 'x '\\''y'\\'''"
        );
        assert_eq!(entry("ls", "x"), None);
    }
}
