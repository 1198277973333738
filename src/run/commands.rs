//! Plan steps → the commands a session runs: their text, role, timeout and interrupt.

use super::protocol::{self, Role};
use super::session::{Cmd, Interrupt, shell_quote};
use crate::plan::{Nest, StepKind};
use std::path::Path;
use std::time::Duration;

/// The session commands of plan steps `range` (by plan index; None for a leaving `exit`
/// guidecheck adds when the guide goes on at an outer prompt without one). `inside` is
/// whether an entered shell is open, carried from batch to batch.
pub(super) fn session_commands(
    steps: &super::Window,
    range: std::ops::Range<usize>,
    timeout: Duration,
    inside: &mut bool,
) -> (Vec<Option<usize>>, Vec<Cmd>) {
    // The step each command belongs to (None: an `exit` added to leave a shell), and the
    // commands.
    let mut commands = (Vec::new(), Vec::new());
    let held = |k: usize| steps.get(k).expect("held until settled");
    for k in range.filter(|&k| held(k).runs() && missing_need(held(k)).is_none()) {
        let step = held(k);
        let timeout = step.options.timeout.unwrap_or(timeout);
        let role = match step.options.nest {
            Nest::Enter => Role::Enter,
            Nest::Inside { .. } => Role::Inside,
            Nest::Leave { .. } => Role::Leave,
            Nest::Outer => Role::Plain,
        };
        if *inside && matches!(role, Role::Plain | Role::Enter) {
            let exit = Cmd {
                text: "exit".into(),
                timeout,
                role: Role::Leave,
                interrupt: None,
            };
            commands.0.push(None);
            commands.1.push(exit);
        }
        *inside = matches!(role, Role::Enter | Role::Inside);
        let mut text = shell_text(&step.kind);
        if role == Role::Enter {
            text = crate::nix::shell::entry(&text, protocol::SHELL_LOOP).unwrap_or(text);
        }
        let interrupt = step.options.interrupt.map(|after| Interrupt {
            after,
            shown: shown_lines(&step.kind),
        });
        let cmd = Cmd {
            text,
            timeout,
            role,
            interrupt,
        };
        commands.0.push(Some(k));
        commands.1.push(cmd);
    }
    commands
}

/// The first need of a step this machine does not meet (checked before running it).
pub(super) fn missing_need(step: &crate::plan::Step) -> Option<String> {
    if !step.runs() {
        return None;
    }
    step.options.needs.iter().find(|need| !has(need)).cloned()
}

/// Does this machine have what `needs=NAME` asks for?
fn has(need: &str) -> bool {
    match need {
        "nixos" => Path::new("/etc/NIXOS").exists(),
        "docker" => {
            Path::new("/var/run/docker.sock").exists() || Path::new("/run/podman/podman.sock").exists()
        }
        "kvm" => Path::new("/dev/kvm").exists(),
        "root" => super::is_root(),
        _ => true,
    }
}

/// What a guide's steps say that decides how its commands end (`Session::run_batch`):
/// read once, over every step's shell text (a command, a script, a file it may source).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Said {
    /// `exec`: a command may send the shell's own output elsewhere.
    pub exec: bool,
    /// Something that may change the shell's options (`may_change_options`).
    pub options: bool,
    /// `printf`: a function or alias may stand for it.
    pub printf: bool,
}

impl Said {
    pub fn of(steps: &[crate::plan::Step]) -> Said {
        let mut said = Said::default();
        steps.iter().for_each(|s| said.add(s));
        said
    }

    /// What one more step says.
    pub fn add(&mut self, step: &crate::plan::Step) {
        let kind = &step.kind;
        self.exec = self.exec || mentions(kind, "exec");
        self.options = self.options || may_change_options(kind);
        self.printf = self.printf || mentions(kind, "printf");
    }
}

/// Does a step's text say `word` anywhere (a command, a script, a file it may source)?
fn mentions(kind: &StepKind, word: &str) -> bool {
    shell_read(kind).is_some_and(|text| memchr::memmem::find(text.as_bytes(), word.as_bytes()).is_some())
}

/// Whether a step could turn one of the shell's options `-x`, `-v`, `-e` on, or change
/// `$-`, in the session's shell: it says `set` (`set -x`, `set -o errexit`, `builtin set`),
/// `shopt`, or something that runs code it does not show (`source`, `.`, `eval`, `trap`,
/// `alias`, `enable`, `exec`). A word inside another (`reset`) counts too: this only
/// chooses the cheaper end of the other commands, when no step can.
pub(super) fn may_change_options(kind: &StepKind) -> bool {
    const WORDS: [&str; 8] = [
        "set", "shopt", "source", "eval", "trap", "alias", "enable", "exec",
    ];
    WORDS.iter().any(|w| mentions(kind, w)) || shell_read(kind).is_some_and(sources_with_dot)
}

/// Whether `.` is a command anywhere in `text` (`. ./env.sh`, `cd x && . env`), not an
/// argument (`nix-build . -A hello`).
fn sources_with_dot(text: &str) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|i| {
        let word_alone = bytes[i] == b'.'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_whitespace)
            && (i == 0 || bytes[i - 1].is_ascii_whitespace());
        word_alone && {
            let before = text[..i].trim_end_matches([' ', '\t']);
            let last_word = before.rsplit(char::is_whitespace).next().unwrap_or("");
            before.is_empty()
                || before.ends_with([';', '&', '|', '(', '{', '\n'])
                || ["then", "do", "else", "elif", "if", "while", "until", "!", "time"].contains(&last_word)
        }
    })
}

/// The text of a step that the session's shell may read: what it runs, or a file it may
/// source.
fn shell_read(kind: &StepKind) -> Option<&str> {
    match kind {
        StepKind::File { content, .. } => Some(content),
        StepKind::Command { command, .. } | StepKind::Repl { command, .. } => Some(command),
        StepKind::Script { script, .. } => Some(script),
        StepKind::Env { value, .. } => Some(value),
        StepKind::Eval { .. } | StepKind::Snippet { .. } => None,
    }
}

/// The lines a command's output must show before a reader would press Ctrl-C.
fn shown_lines(kind: &StepKind) -> Vec<String> {
    let StepKind::Command {
        shown: Some(shown), ..
    } = kind
    else {
        return Vec::new();
    };
    shown
        .lines
        .iter()
        .map(|l| l.text.trim().to_string())
        .filter(|l| !l.is_empty() && l != "...")
        .collect()
}

/// What a session step gives the shell.
fn shell_text(kind: &StepKind) -> String {
    match kind {
        StepKind::Command { command, .. } => command.to_string(),
        StepKind::Script { script, .. } => script.to_string(),
        StepKind::Env { name, value } => format!("export {name}={}", shell_quote(Path::new(value))),
        StepKind::Repl { command, inputs } => {
            let inputs: Vec<String> = inputs.iter().map(|i| i.input.clone()).collect();
            crate::nix::repl::script(command, &inputs)
        }
        StepKind::Eval { expression, .. } => crate::nix::eval::command(expression),
        StepKind::File { .. } | StepKind::Snippet { .. } => unreachable!("not a session step"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(text: &str) -> StepKind {
        StepKind::Command {
            command: text.into(),
            shown: None,
        }
    }

    #[test]
    fn a_step_that_could_change_the_shells_options_is_found() {
        for text in [
            "set -x",
            "builtin set -o errexit",
            "shopt -so xtrace",
            "source ./env.sh",
            ". ./env.sh",
            "cd x && . env.sh",
            "if true; then . env; fi",
            "cd x\n. env",
            "eval \"$(direnv hook bash)\"",
            "trap 'set -x' DEBUG",
            "alias go='set -e'",
            "exec bash",
        ] {
            assert!(may_change_options(&command(text)), "{text}");
        }
        for text in ["echo hi", "nix-build . -A hello", "cd ..", "ls ./src", "echo a.b"] {
            assert!(!may_change_options(&command(text)), "{text}");
        }
        // A file the guide may source later counts; a value shown to Nix does not.
        let file = StepKind::File {
            path: "env.sh".into(),
            content: "set -e\n".into(),
            named_by: Default::default(),
        };
        assert!(may_change_options(&file));
    }

    #[test]
    fn what_the_steps_say_is_read_in_one_pass() {
        let step = |text: &str| crate::plan::Step {
            line: 1,
            span: crate::span::Span::default(),
            kind: command(text),
            options: Default::default(),
        };
        let plain = [step("echo hi"), step("ls")];
        let none = Said {
            exec: false,
            options: false,
            printf: false,
        };
        assert_eq!(Said::of(&plain), none);
        let all = [step("echo hi"), step("exec printf x"), step("set -e")];
        assert_eq!(
            Said::of(&all),
            Said {
                exec: true,
                options: true,
                printf: true
            }
        );
    }
}
