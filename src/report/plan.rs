//! Renders how a guide was read (`guidecheck plan`).

use super::Style;
use crate::plan::StepKind;

/// One step as `plan` shows it, without the padding that depends on the other steps
/// (the width of the largest line number): what a streamed plan keeps of a step, in a
/// file (`app` spills them as JSON lines).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Row {
    line: usize,
    runs: bool,
    kind: String,
    flags: String,
    /// What the step does, and lines under it (indented past the line numbers).
    detail: String,
    under: Vec<String>,
}

/// What the header and the padding need of all the rows, counted as they pass.
#[derive(Debug, Default)]
pub struct Tally {
    steps: usize,
    runnable: usize,
    largest_line: usize,
}

impl Tally {
    pub fn add(&mut self, row: &Row) {
        self.steps += 1;
        self.runnable += usize::from(row.runs);
        self.largest_line = self.largest_line.max(row.line);
    }
}

/// The row of a step.
pub fn row(step: &crate::plan::Step) -> Row {
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
    let (detail, under) = detail(step);
    Row {
        line: step.line,
        runs: step.runs(),
        kind: kind.to_string(),
        flags,
        detail,
        under,
    }
}

/// The header of the plan of the guide at `guide`.
pub fn header(guide: &std::path::Path, tally: &Tally) -> String {
    format!(
        "{}: {} ({} run)\n",
        guide.display(),
        super::count(tally.steps, "step"),
        tally.runnable
    )
}

/// The digits the line numbers are padded to: those of the largest (`Tally::width`), or
/// of the guide's last line while its steps are still being read.
pub fn width_of(line: usize) -> usize {
    line.max(1).ilog10() as usize + 1
}

impl Tally {
    /// The line numbers' width once every row passed.
    pub fn width(&self) -> usize {
        width_of(self.largest_line)
    }
}

/// Writes one row, its line number padded to `width` digits.
pub fn write_row(out: &mut dyn std::io::Write, row: &Row, width: usize, style: Style) -> std::io::Result<()> {
    // A command's later lines sit under its first (after `$ `), the lines under a row
    // under its kind.
    let continued = format!("\n  {:width$}             ", "");
    write!(
        out,
        "  {:>width$}  {:<8}{} {}",
        row.line,
        style.paint("1", &row.kind),
        row.flags,
        row.detail.replace('\n', &continued)
    )?;
    for line in &row.under {
        write!(out, "\n  {:width$}          {line}", "")?;
    }
    writeln!(out)
}

/// A row line written with line numbers `by` digits wider than needed, narrowed: every
/// row line starts with two spaces and the padded number, so only padding is taken out.
pub fn narrowed(line: &[u8], by: usize) -> &[u8] {
    match line.get(..2 + by) {
        Some(start) if start.iter().all(|&b| b == b' ') => &line[by..],
        _ => line,
    }
}

/// What a step does, as `plan` shows it after its kind ("expects N shown lines" and the
/// like are counted with `super::count`), and the lines shown under it.
fn detail(step: &crate::plan::Step) -> (String, Vec<String>) {
    match &step.kind {
        StepKind::File {
            path,
            named_by,
            content,
        } => (
            format!(
                "{path} ({}, named by {named_by})",
                super::count(content.lines().count(), "line")
            ),
            Vec::new(),
        ),
        StepKind::Command { command, shown } => {
            let shown = shown.as_ref().map_or(0, |s| s.lines.len());
            (
                format!("$ {command}"),
                vec![format!("expects {}", super::count(shown, "shown line"))],
            )
        }
        StepKind::Repl { command, inputs } => {
            let under = inputs
                .iter()
                .map(|input| {
                    format!(
                        "line {}: {} (expects {})",
                        input.line,
                        input.input.replace('\n', " "),
                        super::count(input.shown.len(), "shown line")
                    )
                })
                .collect();
            (format!("$ {command}"), under)
        }
        StepKind::Eval { expression, shown } => (
            format!(
                "{} (expects {})",
                expression.lines().next().unwrap_or(""),
                super::count(shown.lines.len(), "shown line")
            ),
            Vec::new(),
        ),
        // The kind column already says `script`.
        StepKind::Script {
            script,
            hidden: false,
        } => (
            match script.split_once('\n') {
                Some((first, rest)) if !rest.trim().is_empty() => format!("{first} …"),
                _ => script.trim_end().to_string(),
            },
            Vec::new(),
        ),
        _ => (step.summary(), Vec::new()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_padded_for_the_last_line_narrow_to_the_largest_step_line() {
        assert_eq!(
            (width_of(0), width_of(9), width_of(10), width_of(12345)),
            (1, 1, 2, 5)
        );
        let row = Row {
            line: 42,
            runs: true,
            kind: "command".into(),
            flags: String::new(),
            detail: "$ echo a\nb".into(),
            under: vec!["expects 1 shown line".into()],
        };
        let (mut wide, mut exact) = (Vec::new(), Vec::new());
        write_row(&mut wide, &row, 5, Style::default()).unwrap();
        write_row(&mut exact, &row, 2, Style::default()).unwrap();
        let narrow: Vec<u8> = wide
            .split_inclusive(|&b| b == b'\n')
            .flat_map(|line| narrowed(line, 3).to_vec())
            .collect();
        assert_eq!(
            String::from_utf8(narrow).unwrap(),
            String::from_utf8(exact).unwrap()
        );
        // A line that does not start with the padding is left alone.
        assert_eq!(narrowed(b"  x   y\n", 3), b"  x   y\n");
    }
}
