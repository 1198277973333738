//! Verdicts → text. Pure: every function returns a string; printing happens in `app`.

mod diff;
pub mod json;
pub mod plan;

use crate::compare::{Problem, Status, Verdict};
use crate::plan::{ExitExpectation, Plan};
use std::path::PathBuf;
use std::time::Duration;

/// Everything known about one checked guide.
#[derive(Debug)]
pub struct GuideResult {
    pub plan: Plan,
    pub verdicts: Vec<Verdict>,
    pub store: String,
    pub duration: Duration,
    /// Where the workspace was kept, if it was.
    pub kept: Option<PathBuf>,
}

/// Whether to use colour.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub(crate) fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Step counts over one or more guides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub guides: usize,
    pub steps: usize,
    pub passed: usize,
    pub failed: usize,
    pub blocked: usize,
    pub skipped: usize,
}

impl Totals {
    pub fn of(result: &GuideResult) -> Totals {
        let mut t = Totals {
            guides: 1,
            ..Totals::default()
        };
        for (step, verdict) in result.plan.steps.iter().zip(&result.verdicts) {
            if matches!(step.kind, crate::plan::StepKind::Snippet { .. }) {
                continue;
            }
            t.steps += 1;
            match verdict.status {
                Status::Passed => t.passed += 1,
                Status::Failed => t.failed += 1,
                Status::Blocked => t.blocked += 1,
                Status::Skipped => t.skipped += 1,
            }
        }
        t
    }

    pub fn add(&mut self, other: Totals) {
        self.guides += other.guides;
        self.steps += other.steps;
        self.passed += other.passed;
        self.failed += other.failed;
        self.blocked += other.blocked;
        self.skipped += other.skipped;
    }
}

/// The report of one guide: a block per failing or blocked step, then a status line.
pub fn guide(result: &GuideResult, style: Style) -> String {
    let path = result.plan.guide.display();
    let mut out = String::new();
    for (step, verdict) in result.plan.steps.iter().zip(&result.verdicts) {
        let label = match verdict.status {
            Status::Failed => style.paint("1;31", "FAIL"),
            Status::Blocked => style.paint("1;33", "BLOCKED"),
            _ => continue,
        };
        out.push_str(&format!("{label} {path}:{}: {}\n", step.line, step.summary()));
        for problem in &verdict.problems {
            out.push_str(&problem_text(problem, style));
        }
        out.push('\n');
    }
    let totals = Totals::of(result);
    let state = if totals.failed > 0 {
        style.paint("1;31", "FAIL")
    } else if totals.blocked > 0 {
        style.paint("1;33", "BLOCKED")
    } else {
        style.paint("1;32", "ok")
    };
    out.push_str(&format!(
        "{state} {path}: {} steps: {} passed, {} failed, {} blocked, {} skipped ({}, {:.1}s)\n",
        totals.steps,
        totals.passed,
        totals.failed,
        totals.blocked,
        totals.skipped,
        result.store,
        result.duration.as_secs_f64()
    ));
    if let Some(kept) = &result.kept {
        out.push_str(&format!("  workspace kept at {}\n", kept.display()));
    }
    out
}

fn problem_text(problem: &Problem, style: Style) -> String {
    match problem {
        Problem::Output(mismatch) => diff::render(mismatch, style),
        Problem::Hash { line, shown, real } => {
            format!("  the got-hash changed: the guide shows {shown} (line {line}), Nix printed {real}\n")
        }
        Problem::Exit { expected, actual } => {
            let expected = match expected {
                ExitExpectation::Success => "success (exit 0)".to_string(),
                ExitExpectation::Failure => "failure (non-zero exit)".to_string(),
                ExitExpectation::Code(c) => format!("exit {c}"),
            };
            let actual = actual.map_or("no exit status".to_string(), |c| format!("exit {c}"));
            format!("  expected {expected}, got {actual}\n")
        }
        Problem::TimedOut { after } => format!(
            "  timed out after {}\n",
            humantime::format_duration(round(*after))
        ),
        Problem::Blocked { reason, hint } => format!("  blocked: {reason}\n  hint: {hint}\n"),
        Problem::Error { message } => format!("  {message}\n"),
    }
}

fn round(d: Duration) -> Duration {
    Duration::from_secs(d.as_secs())
}

/// The last line of every run.
pub fn summary(t: &Totals) -> String {
    let guides = if t.guides == 1 { "guide" } else { "guides" };
    format!(
        "guidecheck: {} {guides}, {} steps: {} passed, {} failed, {} blocked, {} skipped\n",
        t.guides, t.steps, t.passed, t.failed, t.blocked, t.skipped
    )
}
