//! Plan steps → the commands a session runs: their text, role, timeout and interrupt.

use super::protocol::{self, Role};
use super::session::{Cmd, Interrupt, shell_quote};
use crate::plan::{Nest, Plan, StepKind};
use std::path::Path;
use std::time::Duration;

/// The session commands of plan steps `range` (by plan index; None for a leaving `exit`
/// guidecheck adds when the guide goes on at an outer prompt without one). `inside` is
/// whether an entered shell is open, carried from batch to batch.
pub(super) fn session_commands(
    plan: &Plan,
    range: std::ops::Range<usize>,
    timeout: Duration,
    inside: &mut bool,
) -> (Vec<Option<usize>>, Vec<Cmd>) {
    // The step each command belongs to (None: an `exit` added to leave a shell), and the
    // commands.
    let mut commands = (Vec::new(), Vec::new());
    for k in range.filter(|&k| plan.steps[k].runs() && missing_need(&plan.steps[k]).is_none()) {
        let step = &plan.steps[k];
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

/// Does a step's text say `exec` anywhere (a command, a script, a file it may source)?
pub(super) fn mentions_exec(kind: &StepKind) -> bool {
    let text = match kind {
        StepKind::File { content, .. } => content,
        StepKind::Command { command, .. } | StepKind::Repl { command, .. } => command,
        StepKind::Script { script, .. } => script,
        StepKind::Env { value, .. } => value,
        StepKind::Eval { .. } | StepKind::Snippet { .. } => return false,
    };
    memchr::memmem::find(text.as_bytes(), b"exec").is_some()
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
        StepKind::Command { command, .. } => command.clone(),
        StepKind::Script { script, .. } => script.clone(),
        StepKind::Env { name, value } => format!("export {name}={}", shell_quote(Path::new(value))),
        StepKind::Repl { command, inputs } => {
            let inputs: Vec<String> = inputs.iter().map(|i| i.input.clone()).collect();
            crate::nix::repl::script(command, &inputs)
        }
        StepKind::Eval { expression, .. } => crate::nix::eval::command(expression),
        StepKind::File { .. } | StepKind::Snippet { .. } => unreachable!("not a session step"),
    }
}
