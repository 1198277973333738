//! The lines a session's shell runs: guidecheck's side of the conversation.
//!
//! Commands are written to batch files in the control folder; the shell's loop reads one
//! short line per batch (`. /ctl/b7`) from a FIFO it opens for each line, and runs the file,
//! so bash never reads commands a byte at a time, and while a command runs the shell holds
//! no descriptor to the command stream (the session's stdin is /dev/null). Each command is
//! one line of a batch:
//!
//! ```text
//! eval "$__gc_x"$'CMD'; case $?$- in "0$__gc_flags") printf … "$__gc_t:7:0:$$:$PWD";; *) __gc_end 7;; esac
//! ```
//!
//! A command that succeeded and left the shell's options (`$-`) as the last `__gc_end`
//! saw them, never with `-x`, `-v` or `-e` on, ends with its token printed on stdout: no
//! function call, no redirection, no pattern (this is most commands, and the cheapest line
//! bash can run per command; the token is read from a variable, not parsed again per
//! command). Any other ends with `__gc_end`: it saves `$?` and the shell
//! options, turns tracing (`-x`, `-v`) and `-e` off, records `$-` as it now is, prints the end token
//! `TOKEN:SEQ:STATUS:SHELL:PWD\0` to fd 19, a copy of the output pipe, and returns the
//! status, so the next command sees it as `$?`. The options come back through `__gc_x`, the
//! first line of the next `eval`. Our lines run with tracing off, except the `case` and the
//! call to `__gc_end` after a command that turned `set -x` on: that trace is cut from the
//! output (`own_trace_start`). A command cannot read the command stream (its stdin is
//! /dev/null, and the batch is a file it never sees).
//!
//! A command that sends the shell's stdout elsewhere (`exec >log`) would take the tokens of
//! later successes with it. A guide that says `exec` anywhere therefore gets every token on
//! fd 19 (`command_line` without `direct`). Where the redirection is hidden (a sourced
//! script), the batch's last line (`closing_check`) finds stdout is not the pipe and says so
//! on fd 19, and any later token ends the commands whose tokens were lost (see `wait`).
//! The loop restores the last status before each batch (`__gc_st`, saved by that line).
//!
//! Shells entered from a guide (`nix-shell`, then commands at `[nix-shell:~]$`) read the
//! same go-lines: the entering command keeps the pipe as stdin, Nix's shells run
//! `SHELL_LOOP` (see `nix::shell::entry`) and a configured shell reads them itself. The
//! first batch it reads defines the functions inside it, marks that it started, and ends
//! the entering step. The leaving batch runs `exit` there; the outer shell then ends the
//! leaving step with the shell's status. When the shell did not start, the outer shell
//! ends the entering step with the failure and drains the go-lines meant for the shell up
//! to the leaving one, ending each command as not run (status `-`, from the batch's `.d`
//! file): nothing meant for the shell runs outside it, and nothing waits.

use super::quote::{ansi_c_quote, shell_quote};
use std::path::Path;

/// What a shell runs in place of its interactive loop: run each batch it is sent. The
/// batch is read into a variable and evaluated (not sourced), so the shell's messages read
/// `bash: line 3: …` as in a terminal, not the batch file's name.
pub const SHELL_LOOP: &str = "while IFS= read -r __gc_l; do __gc_b=$(< \"${__gc_l#. }\"); \
     ${__gc_st:+__gc_ret} ${__gc_st:+\"$__gc_st\"}; eval \"$__gc_b\"; done";

/// The descriptor the end tokens travel on (guide commands run without it).
const TOKEN_FD: u8 = 19;

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

/// The functions every shell of the session defines (the outer one and entered ones).
/// `__gc_end` returns the command's status, so the next command sees it as `$?`; the
/// options it turned off come back through `__gc_x`, a first line of the next `eval` (a
/// line of its own: `set -v` then echoes the command, not ours).
fn functions(token: &str) -> String {
    format!(
        "trap : INT\nshopt -s expand_aliases\n__gc_st=0; __gc_x=; __gc_flags=$-; __gc_t={}\n\
         __gc_ret() {{ return \"$1\"; }}\n\
         __gc_pre() {{ return \"$__gc_st\"; }}\n\
         __gc_opts() {{ __gc_f=; case $- in *x*) __gc_f=x;; esac; case $- in *v*) __gc_f=${{__gc_f}}v;; esac; \
         case $- in *e*) __gc_x=\"__gc_x=; \\\\set -${{__gc_f}}e\"$'\\n'; return;; esac; \
         __gc_x=\"__gc_x=; \\\\set -$__gc_f; {{ \\\\__gc_ret $__gc_st;}} 2>/dev/null\"$'\\n'; }}\n\
         __gc_end() {{ __gc_st=$?; __gc_x=; case $- in *[xve]*) __gc_opts; set +xve;; esac; __gc_flags=$-; \
         builtin printf '%s\\0' \"{token}:$1:$__gc_st:$$:$PWD\" >&{TOKEN_FD}; return $__gc_st; }}\n\
         readonly -f __gc_ret __gc_pre __gc_opts __gc_end 2>/dev/null\n",
        ansi_c_quote(token)
    )
}

/// The session shell's script (`bash -c`): the functions, the starting directory, and the
/// loop that runs each batch named on the FIFO `go`.
pub fn prelude(token: &str, cwd: &Path, go: &Path) -> String {
    let go = shell_quote(go);
    format!(
        "exec {TOKEN_FD}>&1\n{}\
         __gc_drain() {{ while IFS= read -r __gc_l < {go}; do . \"${{__gc_l#. }}.d\"; \
         [ -z \"$__gc_left\" ] || {{ __gc_left=; return; }}; done; }}; readonly -f __gc_drain\n\
         cd {} 2>/dev/null\n\
         while IFS= read -r __gc_l < {go}; do __gc_b=$(< \"${{__gc_l#. }}\"); \
         __gc_ret \"$__gc_st\"; eval \"$__gc_b\"; done\n",
        functions(token),
        shell_quote(cwd)
    )
}

/// How the end of a command reaches guidecheck.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Through `__gc_end`, on fd 19.
    Called,
    /// On stdout when it succeeded with the options as they were (`case $?$-`), else
    /// through `__gc_end`.
    Checked,
    /// On stdout when it succeeded (`&&`), else through `__gc_end`: for a guide none of
    /// whose commands can turn `-x`, `-v` or `-e` on or define an alias
    /// (`commands::may_change_options`), so neither `$-` nor the options to restore
    /// (`$__gc_x`) need a look, and a simple command (`simple::is_simple`) is written as it
    /// is, without an `eval`. `bare`: no step says `printf` either, so no function or
    /// alias can stand for it (and `enable` is out with the options): the token is
    /// printed by `printf`, not `\builtin printf`.
    Plain { bare: bool },
}

/// One command, as a line of a batch. `subshell`: a command that runs until interrupted
/// runs in a subshell, whose SIGINT is not trapped (Ctrl-C ends it, and any loop it is in).
/// `inside`: in a shell the guide entered, whose stdin is the FIFO (the session's own is
/// `/dev/null` already). Either ends through `__gc_end`; any other may end with its token
/// (`$__gc_t`) printed on stdout, with no function call and no redirection, as `ending`
/// says (the batch then ends with `closing_check`).
pub fn command_line(seq: u64, text: &str, subshell: bool, inside: bool, ending: Ending) -> String {
    let ending = if subshell || inside {
        Ending::Called
    } else {
        ending
    };
    let eval = match ending {
        // Nothing in it can reach past the line: it needs no `eval` of its own.
        Ending::Plain { .. } if super::simple::is_simple(text) => text.to_string(),
        Ending::Plain { .. } => format!("\\eval {}", ansi_c_quote(text)),
        _ => format!("\\eval \"$__gc_x\"{}", ansi_c_quote(text)),
    };
    let eval = if subshell { format!("({eval})") } else { eval };
    let stdin = if inside { " </dev/null" } else { "" };
    let printf = match ending {
        Ending::Plain { bare: true } => "printf",
        _ => "\\builtin printf",
    };
    let token = format!("{printf} '%s\\0' \"$__gc_t:{seq}:0:$$:$PWD\"");
    match ending {
        Ending::Plain { .. } => format!("{eval} && {token} || \\__gc_end {seq}\n"),
        Ending::Checked => {
            format!("{eval}; case $?$- in \"0$__gc_flags\") {token};; *) \\__gc_end {seq};; esac\n")
        }
        Ending::Called => format!("{eval}{stdin}; \\__gc_end {seq}\n"),
    }
}

/// The last line of a batch whose tokens go to stdout: it keeps the status for the next
/// batch, and when the shell's stdout is no longer the pipe (a command sent it elsewhere,
/// with the tokens after it), says so past it: `TOKEN:L<last>:0:SHELL:PWD`.
pub fn closing_check(token: &str, last: u64) -> String {
    format!(
        "__gc_st=$?; \\builtin test /dev/fd/1 -ef /dev/fd/{TOKEN_FD} || \
         \\builtin printf '%s\\0' \"{token}:L{last}:0:$$:$PWD\" >&{TOKEN_FD}\n"
    )
}

/// With `set -x` on, the call that ends command `seq` is traced (and what it runs, up to
/// turning tracing off): where that starts, in the output before its token.
pub fn own_trace_start(output: &[u8], seq: u64) -> Option<usize> {
    let call = format!("__gc_end {seq}\n");
    let at = memchr::memmem::rfind(output, call.as_bytes())?;
    let line_start = |end: usize| {
        output[..end]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |nl| nl + 1)
    };
    let at = line_start(at);
    // The `case` that chose the call is traced before it.
    Some(match output[..at].ends_with(b"case $?$- in\n") {
        true => line_start(at - 1),
        false => at,
    })
}

/// The line (for the outer shell) that runs a command entering a shell, with the FIFO as
/// its stdin, and the first batch the entered shell runs.
pub fn enter(ctl: &Path, token: &str, seq: u64, command: &str) -> (String, String) {
    let go = shell_quote(&ctl.join("go"));
    let ctl = shell_quote(ctl);
    let command = ansi_c_quote(command);
    let outer = format!(
        "{{ \\__gc_pre; }} >/dev/null 2>&1; \\command rm -f {ctl}/in; \\eval \"$__gc_x\"{command} < {go}; __gc_y=$?; \
         if \\builtin test -e {ctl}/in; then \\command rm -f {ctl}/in; \\__gc_ret $__gc_y; {{ \\__gc_end \"$(\\command cat {ctl}/leave)\"; }} >/dev/null 2>&1; \
         else \\__gc_ret $__gc_y; {{ \\__gc_end {seq}; }} >/dev/null 2>&1; \\__gc_drain; fi\n"
    );
    let inner = format!(
        "\\exec {TOKEN_FD}>&1\n{}: > {ctl}/in; {{ \\__gc_end {seq}; }} >/dev/null 2>&1\n",
        functions(token)
    );
    (outer, inner)
}

/// The batch that leaves the entered shell (the outer shell ends the step).
pub fn leave(ctl: &Path, seq: u64, command: &str) -> String {
    format!(
        "\\builtin echo {seq} > {}/leave; {{ \\__gc_pre; }} >/dev/null 2>&1; \\eval {} </dev/null\n",
        shell_quote(ctl),
        ansi_c_quote(command)
    )
}

/// What the outer shell runs in place of a batch meant for a shell that did not start:
/// each command ends as not run; the leaving batch also ends the draining.
pub fn drained(token: &str, seqs: &[u64], leaves: bool) -> String {
    let mut out: String = seqs
        .iter()
        .map(|seq| format!("\\builtin printf '{token}:{seq}:-:%s:%s\\0' \"$$\" \"$PWD\" >&{TOKEN_FD}\n"))
        .collect();
    if leaves {
        out.push_str("__gc_left=1\n");
    }
    out
}

/// The line the loops read for a batch file.
pub fn go_line(batch: &Path) -> String {
    format!(". {}\n", batch.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guide_whose_options_cannot_change_ends_simple_commands_without_eval() {
        let simple = command_line(3, "echo hi", false, false, Ending::Plain { bare: true });
        assert_eq!(
            simple,
            "echo hi && printf '%s\\0' \"$__gc_t:3:0:$$:$PWD\" || \\__gc_end 3\n"
        );
        // Not simple: its own eval. A guide that says printf: the builtin, by name.
        let piped = command_line(4, "echo hi | wc", false, false, Ending::Plain { bare: false });
        assert!(
            piped.starts_with("\\eval $'echo hi | wc' && \\builtin printf"),
            "{piped}"
        );
    }

    #[test]
    fn only_a_plain_command_of_the_outer_shell_may_end_on_stdout() {
        let direct = Ending::Checked;
        let plain = command_line(7, "echo hi", false, false, direct);
        assert!(
            plain.contains("\"0$__gc_flags\") \\builtin printf '%s\\0' \"$__gc_t:7:0:$$:$PWD\";;"),
            "{plain}"
        );
        assert!(!plain.contains(">&19"), "{plain}");
        // Interrupted (a subshell), inside an entered shell, or not asked: fd 19, always.
        for line in [
            command_line(7, "tail -f x", true, false, direct),
            command_line(7, "echo hi", false, true, direct),
            command_line(7, "echo hi", false, false, Ending::Called),
        ] {
            assert!(
                line.ends_with("; \\__gc_end 7\n") && !line.contains("case"),
                "{line}"
            );
        }
    }

    #[test]
    fn a_traced_end_is_cut_from_the_case_that_chose_it() {
        let traced = b"+ echo hi\nhi\n+++ case $?$- in\n+++ __gc_end 3\n++++ __gc_st=0\n";
        assert_eq!(own_trace_start(traced, 3), Some(13));
        // Through fd 19 from the start (a guide that says `exec`): no `case` before it.
        let traced = b"hi\n+++ __gc_end 3\n";
        assert_eq!(own_trace_start(traced, 3), Some(3));
        assert_eq!(own_trace_start(b"hi\n", 3), None);
    }

    #[test]
    fn the_closing_check_keeps_the_status_and_speaks_past_stdout() {
        let check = closing_check("\x1eT", 9);
        assert!(
            check.starts_with("__gc_st=$?; \\builtin test /dev/fd/1 -ef /dev/fd/19 || "),
            "{check}"
        );
        assert!(check.ends_with("\"\x1eT:L9:0:$$:$PWD\" >&19\n"), "{check}");
    }
}
