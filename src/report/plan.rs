//! Renders how a guide was read (`guidecheck plan`).

use super::Style;
use crate::plan::{Plan, StepKind};

pub fn render(plan: &Plan, style: Style) -> String {
    let runnable = plan.steps.iter().filter(|s| s.runs()).count();
    let mut out = format!(
        "{}: {} ({runnable} run)\n",
        plan.guide.display(),
        super::count(plan.steps.len(), "step")
    );
    let width = plan
        .steps
        .iter()
        .map(|s| s.line)
        .max()
        .unwrap_or(0)
        .to_string()
        .len();
    for step in &plan.steps {
        let kind = match &step.kind {
            StepKind::File { .. } => "file",
            StepKind::Command { .. } => "command",
            StepKind::Script { .. } => "script",
            StepKind::Env { .. } => "env",
            StepKind::Repl { .. } => "repl",
            StepKind::Eval { .. } => "eval",
            StepKind::Snippet { .. } => "snippet",
        };
        let flags = flags(step);
        let flags = if flags.is_empty() {
            String::new()
        } else {
            format!(" [{}]", flags.join(", "))
        };
        let detail = detail(step, width);
        out.push_str(&format!(
            "  {:>width$}  {:<8}{} {detail}\n",
            step.line,
            style.paint("1", kind),
            flags
        ));
    }
    out
}

/// What a step does, as `plan` shows it after its kind ("expects N shown lines" and the
/// like are counted with `super::count`).
fn detail(step: &crate::plan::Step, width: usize) -> String {
    match &step.kind {
        StepKind::File {
            path,
            named_by,
            content,
        } => {
            format!("{path} ({} lines, named by {named_by})", content.lines().count())
        }
        StepKind::Command { command, shown } => {
            let shown = shown.as_ref().map_or(0, |s| s.lines.len());
            let cmd = command.replace('\n', "\n  ");
            format!(
                "$ {cmd}\n  {:width$}          expects {}",
                "",
                super::count(shown, "shown line")
            )
        }
        StepKind::Repl { command, inputs } => {
            let mut text = format!("$ {command}");
            for input in inputs {
                text.push_str(&format!(
                    "\n  {:width$}          line {}: {} (expects {})",
                    "",
                    input.line,
                    input.input.replace('\n', " "),
                    super::count(input.shown.len(), "shown line")
                ));
            }
            text
        }
        StepKind::Eval { expression, shown } => format!(
            "{} (expects {})",
            expression.lines().next().unwrap_or(""),
            super::count(shown.lines.len(), "shown line")
        ),
        // The kind column already says `script`.
        StepKind::Script {
            script,
            hidden: false,
        } => match script.split_once('\n') {
            Some((first, rest)) if !rest.trim().is_empty() => format!("{first} …"),
            _ => script.trim_end().to_string(),
        },
        _ => step.summary(),
    }
}

/// The step's options, as `plan` shows them in brackets.
fn flags(step: &crate::plan::Step) -> Vec<String> {
    let mut flags = Vec::new();
    if step.options.skipped {
        flags.push("skipped".to_string());
    }
    if let Some(exit) = step.options.exit {
        let exit = exit.to_string();
        flags.push(match step.options.exit_from {
            Some((line, n)) if n > 1 => format!("{exit} from line {line}, for all {n} commands of the block"),
            Some((line, _)) => format!("{exit} from line {line}"),
            None => exit,
        });
    }
    if let Some(t) = step.options.interrupt {
        flags.push(format!("interrupt={}", humantime::format_duration(t)));
    }
    if step.options.independent {
        flags.push("independent".into());
    }
    if step.options.exact {
        flags.push("match=exact".into());
    }
    if let Some(t) = step.options.timeout {
        flags.push(format!("timeout={}", humantime::format_duration(t)));
    }
    for need in &step.options.needs {
        flags.push(format!("needs={need}"));
    }
    if step.options.needs_network {
        flags.push("needs=network".into());
    }
    match step.options.nest {
        crate::plan::Nest::Outer => {}
        crate::plan::Nest::Enter => flags.push("enters a shell".into()),
        crate::plan::Nest::Inside { entered_at } => flags.push(format!("in the shell of line {entered_at}")),
        crate::plan::Nest::Leave { entered_at } => {
            flags.push(format!("leaves the shell of line {entered_at}"))
        }
    }
    if let Some(line) = step.options.shown_again_at {
        flags.push(format!("shown again at line {line}"));
    }
    flags
}
