//! Shells entered from a guide (`nix-shell`, then commands at `[nix-shell:~]$`), over the
//! same command pipe as the guide's own shell.
//!
//! The entering command runs with the pipe as its stdin (not `/dev/null`), and the shell
//! it opens reads the session's next lines: Nix's shells run `SHELL_LOOP` (see
//! `nix::shell::entry`); a configured shell (`bash`, …) reads them itself. The first line it
//! reads defines the end-of-command functions inside it, marks that it started, and ends
//! the entering step. Commands inside travel as in the outer shell. The leaving line runs
//! `exit` there; the outer shell then ends the leaving step with the shell's status. When
//! the shell did not start, the outer shell ends the entering step with the failure and
//! drains the lines meant for the shell up to the leaving one, ending each as not run
//! (status `-`): nothing meant for the shell runs outside it, and nothing waits.

use super::quote::{ansi_c_quote, shell_quote};
use std::path::Path;

/// What a shell runs in place of its interactive loop: eval each line of stdin.
pub const SHELL_LOOP: &str = "while IFS= read -r __gc_l; do eval \"$__gc_l\"; done";

/// How a command line relates to entered shells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// In whichever shell the session is in.
    Plain,
    /// Enters a shell (the text is the command to run, reading the pipe).
    Enter,
    /// Inside an entered shell: not run when that shell did not start or was killed.
    Inside,
    /// Leaves the entered shell (`exit`).
    Leave,
}

/// The outer shell's function that skips the lines meant for a shell that did not start.
pub fn drain_function(token: &str) -> String {
    format!(
        "__gc_drain() {{ while IFS= read -r __gc_l; do case \"$__gc_l\" in \
         *'#__gc_enter') ;; \
         *'#__gc_exit '*) printf '{token}:%s:-:%s\\n' \"${{__gc_l##*#__gc_exit }}\" \"$PWD\"; return;; \
         *) printf '{token}:%s:-:%s\\n' \"${{__gc_l##*__gc_end }}\" \"$PWD\";; esac; done; }}\n"
    )
}

/// The entering line (for the outer shell) and the first line of the entered shell.
pub fn enter_lines(ctl: &Path, token: &str, seq: u64, command: &str) -> String {
    let ctl = shell_quote(ctl);
    let command = ansi_c_quote(command);
    format!(
        "__gc_ret \"${{__gc_st:-0}}\"; rm -f {ctl}/in; eval {command}; __gc_x=$?; \
         if [ -e {ctl}/in ]; then rm -f {ctl}/in; __gc_ret $__gc_x; __gc_end \"$(cat {ctl}/leave)\"; \
         else __gc_ret $__gc_x; __gc_end {seq}; __gc_drain; fi\n\
         __gc_ret() {{ return \"$1\"; }}; \
         __gc_end() {{ __gc_st=$?; printf '{token}:%s:%s:%s\\n' \"$1\" \"$__gc_st\" \"$PWD\"; }}; \
         : > {ctl}/in; __gc_ret 0; __gc_end {seq} #__gc_enter\n"
    )
}

/// The line that leaves the entered shell; the outer shell ends it.
pub fn leave_line(ctl: &Path, seq: u64, command: &str) -> String {
    format!(
        "echo {seq} > {}/leave; eval {} </dev/null #__gc_exit {seq}\n",
        shell_quote(ctl),
        ansi_c_quote(command)
    )
}
