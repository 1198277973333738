//! Runs → verdicts. Pure: no I/O. A mismatch is a value, never an `Err`.

mod comparer;
mod evaluated;
mod logs;
pub mod matcher;
mod output;
mod pastes;
mod tally;
pub use comparer::{Compared, Comparer};
use output::{Normalized, normalize_shown, output_problems};
pub use tally::{Mark, Tally, TodoTally};

use crate::nix::{blocked, facts, optional};
use crate::normalize::Normalizer;
use crate::plan::{ExitExpectation, ShownLine, Step, StepKind};
use crate::run::StepRun;
use serde::Serialize;
use similar::{Algorithm, DiffOp, capture_diff_slices};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    Blocked,
    Skipped,
    /// Nothing failed, but shown build-log lines could not be checked (no kept log).
    Unverified,
}

/// What guidecheck concluded about one step.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub status: Status,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// Shown lines the real output lacks (or, with `match=exact`, extra real lines).
    Output(OutputMismatch),
    /// The `got:` hash the guide shows is not the one Nix printed.
    Hash {
        line: usize,
        shown: String,
        real: String,
    },
    Exit {
        expected: ExitExpectation,
        actual: Option<i32>,
        /// The line of the `exit=` directive that set the expectation.
        #[serde(skip_serializing_if = "Option::is_none")]
        directive: Option<usize>,
        /// The session's shell ended during the command (killed, or it ran `exit`): later
        /// commands ran in a new one.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        shell_ended: bool,
    },
    TimedOut {
        #[serde(serialize_with = "seconds")]
        after: Duration,
        /// The shell itself did not end once the command's processes were killed (a loop
        /// in the shell): it was replaced, and its variables and functions are gone.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        shell_replaced: bool,
    },
    Blocked {
        reason: String,
        hint: String,
        /// The output line that shows why.
        #[serde(skip_serializing_if = "String::is_empty")]
        evidence: String,
        /// Blocked only because it follows the blocked step at this line.
        #[serde(skip_serializing_if = "Option::is_none")]
        after: Option<usize>,
    },
    Error {
        message: String,
    },
    /// A file step pastes a hash that is not the `got:` hash shown at `shown_line`.
    Paste {
        line: usize,
        pasted: String,
        got: String,
        shown_line: usize,
    },
    /// Shown build-log lines of a derivation that was already built are not in the log
    /// Nix kept of it.
    Log {
        derivation: String,
        missing: Vec<ComparedLine>,
    },
    /// Shown build-log lines that no kept log could verify (the derivation was built
    /// before this run, and Nix kept no log of it).
    Unverified {
        lines: Vec<usize>,
    },
    /// An error line the reader would see, which the guide neither shows nor covers.
    UnshownError {
        line: String,
        /// The program it says is not found on this machine (not in a Nix build's log).
        #[serde(skip_serializing_if = "Option::is_none")]
        missing_program: Option<String>,
    },
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Shown and real lines after normalisation, ready to diff. Real lines that matched a shown
/// line carry the shown text (so `[..]` lines diff as equal).
#[derive(Debug, Clone, Serialize)]
pub struct OutputMismatch {
    pub exact: bool,
    pub shown: Vec<ComparedLine>,
    pub real: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComparedLine {
    pub text: String,
    /// The Markdown line it came from.
    pub line: usize,
}

/// Compares one step that ran.
pub fn compare_step(step: &Step, run: &StepRun, normalizer: &Normalizer) -> Verdict {
    if let Some(need) = &run.missing {
        return lacking_need(need);
    }
    let mut problems = Vec::new();
    if let Some(message) = &run.error {
        problems.push(Problem::Error {
            message: message.clone(),
        });
        if run.status.is_none() && !run.timed_out {
            // Nothing ran: there is no output or status to compare.
            return Verdict {
                status: Status::Failed,
                problems,
            };
        }
    }
    if run.timed_out {
        problems.push(Problem::TimedOut {
            after: run.duration,
            shell_replaced: run.shell_replaced,
        });
    }
    let shown = shown_for(step, run);
    let reads_output = matches!(step.kind, StepKind::Command { .. } | StepKind::Script { .. });
    let normalized = reads_output.then(|| Normalized::of(&shown, &run.output, normalizer));
    let (default_exit, output) = output_verdict(step, &shown, normalized.as_ref(), run, normalizer);
    let mut lacking = false;
    if let Some(normalized) = &normalized {
        problems.extend(unshown_errors(normalized, &run.output, normalizer));
        lacking = unshown_need(&shown, &run.output);
    }
    let (log_problems, unverified) = logs::check(&shown, run, normalizer);
    problems.extend(log_problems);
    let expected = step.options.exit.unwrap_or(default_exit);
    // A command stopped with Ctrl-C ends with its own status for that (130 in bash).
    let interrupted = run.interrupted && step.options.exit.is_none();
    if !run.timed_out && !interrupted && !exit_agrees(expected, run.status) {
        let directive = step
            .options
            .exit
            .and(step.options.exit_from)
            .map(|(line, _)| line);
        problems.push(Problem::Exit {
            expected,
            actual: run.status,
            directive,
            shell_ended: run.shell_replaced,
        });
    }
    problems.extend(output);
    conclude(step, run, problems, unverified, lacking, normalizer)
}

/// A step not run: it needs an environment (`needs=…`) this machine lacks.
fn lacking_need(need: &str) -> Verdict {
    Verdict {
        status: Status::Blocked,
        problems: vec![Problem::Blocked {
            reason: format!("needs {need} (needs={need}), which this machine does not have"),
            hint: format!("run where {need} is available; nothing was run"),
            evidence: String::new(),
            after: None,
        }],
    }
}

/// The lines a command shows; an interactive shell echoes `exit` as it leaves (a reader
/// sees it, the run may not), so a leaving step's `exit` line is not required.
fn shown_lines(step: &Step) -> Vec<ShownLine> {
    let shown = match &step.kind {
        StepKind::Command { shown, .. } => shown.as_ref().map_or(&[][..], |s| &s.lines[..]),
        _ => &[],
    };
    let leaving = matches!(step.options.nest, crate::plan::Nest::Leave { .. });
    shown
        .iter()
        .filter(|l| !leaving || !matches!(l.text.trim(), "exit" | "logout"))
        .cloned()
        .collect()
}

/// The exit status a step's shown output implies, and the problems with that output.
/// The lines the step shows; for a command stopped with Ctrl-C, the start of its output.
fn shown_for(step: &Step, run: &StepRun) -> Vec<ShownLine> {
    let mut shown = shown_lines(step);
    if run.interrupted && step.options.exact && !shown.is_empty() {
        let line = shown.last().map_or(step.line, |l| l.line);
        shown.push(ShownLine {
            text: "...".into(),
            line,
        });
    }
    shown
}

fn output_verdict(
    step: &Step,
    shown: &[ShownLine],
    normalized: Option<&Normalized>,
    run: &StepRun,
    normalizer: &Normalizer,
) -> (ExitExpectation, Vec<Problem>) {
    match &step.kind {
        StepKind::Eval { shown, .. } => evaluated::eval(shown, &run.output, normalizer),
        StepKind::Repl { inputs, .. } => (
            ExitExpectation::Success,
            evaluated::repl(inputs, &run.output, normalizer),
        ),
        // Only a command shows lines, and a command's output is normalised (`compare_step`).
        _ => match normalized {
            Some(normalized) if !shown.is_empty() => (
                expected_exit(shown, normalized, normalizer),
                output_problems(normalized, step.options.exact),
            ),
            _ => (ExitExpectation::Success, Vec::new()),
        },
    }
}

/// The verdict: blocked when the environment explains a failure, unverified when only
/// unchecked log lines remain, else passed or failed.
fn conclude(
    step: &Step,
    run: &StepRun,
    mut problems: Vec<Problem>,
    unverified: Vec<usize>,
    lacking: bool,
    normalizer: &Normalizer,
) -> Verdict {
    let status = if let Some(b) = environment(run, &problems, lacking, normalizer) {
        let hint = if step.options.needs_network && b.reason.contains("network") {
            "this step needs the network (needs=network): run where it is reachable".to_string()
        } else {
            b.hint
        };
        let blocked = Problem::Blocked {
            reason: b.reason,
            hint,
            evidence: b.evidence,
            after: None,
        };
        problems.insert(0, blocked);
        Status::Blocked
    } else if problems.is_empty() && !unverified.is_empty() {
        problems.push(Problem::Unverified { lines: unverified });
        Status::Unverified
    } else if problems.is_empty() {
        Status::Passed
    } else {
        Status::Failed
    };
    Verdict { status, problems }
}

/// Error lines in the real output that the shown lines neither show nor cover (`...`,
/// `[..]`). An error that comes from the environment (no network, no nixpkgs) is the
/// blocked rules' business, not drift.
fn unshown_errors(normalized: &Normalized, output: &str, normalizer: &Normalizer) -> Vec<Problem> {
    let shown = normalized.shown(false);
    if shown.iter().any(|l| matcher::is_ellipsis(&l.text)) {
        return Vec::new();
    }
    normalized
        .real
        .iter()
        .filter(|real| normalizer.errors().is_error(real))
        .filter(|real| !shown.iter().any(|s| matcher::line_matches(&s.text, real)))
        .filter(|real| need(real).is_none())
        .take(1)
        .map(|line| Problem::UnshownError {
            missing_program: crate::failure::missing_program(line)
                .filter(|_| !optional::holds_a_build_log(output))
                .map(str::to_string),
            line: line.clone(),
        })
        .collect()
}

/// Whether a step whose guide shows no output printed that this machine lacks something
/// (no network, no `<nixpkgs>`): it can succeed without doing what the guide says (`curl …
/// | sh` exits 0 when curl could not connect, and sh ran nothing). A step that shows
/// output which matched (`read </dev/tty || echo no terminal`) did what it shows.
fn unshown_need(shown: &[ShownLine], output: &str) -> bool {
    shown.is_empty() && need(output).is_some()
}

/// What this machine lacks, by the output: Nix's needs first, then the generic ones.
fn need(output: &str) -> Option<crate::failure::Blocked> {
    blocked::blocked(output).or_else(|| crate::failure::blocked(output))
}

/// A shown output that contains an error line expects failure; otherwise success. Lines
/// are read as normalised (`The program ‘x’ is currently not installed.` is
/// `bash: x: command not found`).
fn expected_exit(shown: &[ShownLine], normalized: &Normalized, normalizer: &Normalizer) -> ExitExpectation {
    let errors = normalizer.errors();
    let shows_error = shown.iter().any(|l| errors.is_error(&l.text))
        || match normalized.shown_as_lines(normalizer) {
            Some(mut lines) => lines.any(|l| errors.is_error(l)),
            None => {
                let joined: String = shown.iter().map(|l| format!("{}\n", l.text)).collect();
                normalizer.lines(&joined).iter().any(|l| errors.is_error(l))
            }
        };
    match shows_error {
        true => ExitExpectation::Failure,
        false => ExitExpectation::Success,
    }
}

/// A failure from the environment (no network, Nix missing) is blocked, even where the
/// guide expected the step to fail. Output is read for it only when the step failed, or
/// printed such a failure the guide does not show (`lacking`).
fn environment(
    run: &StepRun,
    problems: &[Problem],
    lacking: bool,
    normalizer: &Normalizer,
) -> Option<crate::failure::Blocked> {
    let failed_here = !problems.is_empty() || run.status != Some(0) || lacking;
    if !failed_here {
        return None;
    }
    let output = normalizer.display(&run.output);
    need(&output)
}

fn exit_agrees(expected: ExitExpectation, actual: Option<i32>) -> bool {
    match (expected, actual) {
        (_, None) => false,
        (ExitExpectation::Success, Some(code)) => code == 0,
        (ExitExpectation::Failure, Some(code)) => code != 0,
        (ExitExpectation::Code(want), Some(code)) => code == want,
    }
}

#[cfg(test)]
mod tests;

/// The state of a TODO section holding `steps` steps (snippets not counted) that did not
/// run (`plan`, `lint`, `todo`).
pub fn todo_state_unrun(steps: usize) -> String {
    match steps {
        0 => "no steps yet".into(),
        n => format!("{n} steps, not run"),
    }
}
