//! Verdicts → text. Pure: every function returns a string; printing happens in `app`.

mod diff;
pub mod github;
pub mod json;
pub mod junit;
pub mod lint;
pub mod plan;
pub mod plan_json;
mod problems;

pub(crate) use problems::problems_text;

use crate::compare::{Problem, Status, Verdict};
use crate::plan::Plan;
use std::path::PathBuf;
use std::time::Duration;

/// Everything known about one checked guide.
#[derive(Debug)]
pub struct GuideResult {
    /// The guide's plan: every step, or (`thin`) only those that did not pass.
    pub plan: Plan,
    /// One per step of `plan`.
    pub verdicts: Vec<Verdict>,
    /// Every step's status, and how far each TODO section got.
    pub tally: crate::compare::Tally,
    /// Only the steps that did not pass were kept (the human and GitHub reports show no
    /// others); the JSON and JUnit reports need a result that is not thin.
    pub thin: bool,
    pub store: String,
    pub duration: Duration,
    /// Where the workspace was kept, if it was.
    pub kept: Option<PathBuf>,
    /// The diff `--bless` wrote (or, with `--check`, would write).
    pub rewritten: Option<String>,
    /// The snapshot file and what happened to it.
    pub snapshot: Option<(PathBuf, crate::snapshot::Outcome)>,
    /// How long each step took (None for steps that did not run; empty when thin).
    pub timings: Vec<Option<Duration>>,
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
    /// Of the blocked, those that only follow a blocked step.
    pub blocked_after: usize,
    pub skipped: usize,
    /// Steps whose shown build-log lines could not be checked.
    pub unverified: usize,
    /// Snapshots that changed or are missing (a failure of their own).
    pub snapshots: usize,
    /// Guides `--check` found `--bless` would change.
    pub rewrites: usize,
    /// Guides that could not be read or checked (bad input).
    pub errors: usize,
    /// Guides with TODO sections, when `--deny-todo` fails them.
    pub todos: usize,
}

impl Totals {
    pub fn of(result: &GuideResult) -> Totals {
        let mut t = Totals {
            guides: 1,
            ..Totals::default()
        };
        let tally = &result.tally;
        t.passed = tally.count_of(Status::Passed);
        t.failed = tally.count_of(Status::Failed);
        t.blocked = tally.count_of(Status::Blocked);
        t.blocked_after = tally.blocked_after;
        t.skipped = tally.count_of(Status::Skipped);
        t.unverified = tally.count_of(Status::Unverified);
        t.steps = t.passed + t.failed + t.blocked + t.skipped + t.unverified;
        t
    }

    pub fn add(&mut self, other: Totals) {
        self.guides += other.guides;
        self.steps += other.steps;
        self.passed += other.passed;
        self.failed += other.failed;
        self.blocked += other.blocked;
        self.blocked_after += other.blocked_after;
        self.skipped += other.skipped;
        self.snapshots += other.snapshots;
        self.unverified += other.unverified;
        self.rewrites += other.rewrites;
        self.errors += other.errors;
        self.todos += other.todos;
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
            Status::Unverified => style.paint("1;36", "UNVERIFIED"),
            _ => continue,
        };
        out.push_str(&format!("{label} {path}:{}: {}\n", step.line, step.summary()));
        out.push_str(&problems_text(verdict, style));
        out.push('\n');
    }
    let states: Vec<String> = result.tally.todos.iter().map(|t| t.state()).collect();
    out.push_str(&todo_lines(
        &result.plan.guide,
        &result.plan.todos,
        &states,
        style,
    ));
    out.push_str(&bless_hint(result));
    if let Some((snap, outcome)) = &result.snapshot {
        out.push_str(&snapshot_text(path.to_string(), snap, outcome, style));
    }
    let totals = Totals::of(result);
    let snapshot_failed = result.snapshot.as_ref().is_some_and(|(_, o)| o.failed());
    let state = if totals.failed > 0 || snapshot_failed {
        style.paint("1;31", "FAIL")
    } else if totals.blocked > 0 {
        style.paint("1;33", "BLOCKED")
    } else {
        style.paint("1;32", "ok")
    };
    out.push_str(&format!(
        "{state} {path}: {}: {} passed, {} failed, {}, {} skipped{} ({}{:.1}s)\n",
        count(totals.steps, "step"),
        totals.passed,
        totals.failed,
        blocked_text(&totals),
        totals.skipped,
        if totals.unverified > 0 {
            format!(", {} unverified", totals.unverified)
        } else {
            String::new()
        },
        if result.store.is_empty() {
            String::new()
        } else {
            format!("{}, ", result.store)
        },
        result.duration.as_secs_f64()
    ));
    if let Some(kept) = &result.kept {
        out.push_str(&format!("  workspace kept at {}\n", kept.display()));
    }
    out
}

pub(crate) fn snapshot_text(
    guide: String,
    snap: &std::path::Path,
    outcome: &crate::snapshot::Outcome,
    style: Style,
) -> String {
    use crate::snapshot::Outcome;
    let label = style.paint("1;31", "SNAPSHOT");
    let snap = snap.display();
    match outcome {
        Outcome::Matched | Outcome::Skipped(_) => String::new(),
        Outcome::Written(_) => format!("snapshot written: {snap}\n"),
        Outcome::Changed { new, diff } => {
            let next = match new {
                Some(new) => format!(
                    "  wrote {}; accept it with `guidecheck accept {guide}`\n",
                    new.display()
                ),
                None => format!("  accept it with `guidecheck --update-snapshots {guide}`\n"),
            };
            let diff: String = diff.lines().map(|l| format!("  {l}\n")).collect();
            format!("{label} {guide}: the facts changed since {snap}:\n{diff}{next}")
        }
        Outcome::Missing { new, .. } => {
            let wrote = new
                .as_ref()
                .map_or(String::new(), |n| format!(" (wrote {})", n.display()));
            format!(
                "{label} {guide}: no snapshot at {snap}{wrote}\n  write it with `guidecheck --update-snapshots {guide}` and commit it\n"
            )
        }
    }
}

/// The TODO sections of the guide at `guide`, each with its state (`guidecheck todo`, and
/// under a guide's report).
pub fn todo_lines(
    guide: &std::path::Path,
    todos: &[crate::plan::Todo],
    states: &[String],
    style: Style,
) -> String {
    todos
        .iter()
        .zip(states)
        .map(|(todo, state)| {
            format!(
                "{} {}:{}: {} ({state})\n",
                style.paint("1;35", "TODO"),
                guide.display(),
                todo.line,
                todo.text
            )
        })
        .collect()
}

/// A failure that `--bless` can accept ends with the command that does it.
fn bless_hint(result: &GuideResult) -> String {
    let blessable = result.verdicts.iter().any(|v| {
        v.status == Status::Failed
            && v.problems.iter().any(|p| {
                matches!(
                    p,
                    Problem::Output(_) | Problem::Hash { .. } | Problem::Paste { .. }
                )
            })
    });
    match blessable && result.rewritten.is_none() {
        true => format!(
            "to write reality back into the guide: guidecheck --bless {}\n",
            result.plan.guide.display()
        ),
        false => String::new(),
    }
}

fn round(d: Duration) -> Duration {
    Duration::from_secs(d.as_secs())
}

/// A unified diff of a guide before and after `--bless`.
pub fn rewrite_diff(path: &std::path::Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&name, &name)
        .to_string()
}

/// `3 blocked`, or `3 blocked (2 after a blocked step)`.
fn blocked_text(t: &Totals) -> String {
    match t.blocked_after {
        0 => format!("{} blocked", t.blocked),
        n => format!("{} blocked ({n} after a blocked step)", t.blocked),
    }
}

/// `1 guide`, `2 guides`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The last line of every run.
/// The last line names every reason the exit code is not 0.
pub fn summary(t: &Totals) -> String {
    let mut line = format!(
        "guidecheck: {}, {}: {} passed, {} failed, {}, {} skipped",
        count(t.guides, "guide"),
        count(t.steps, "step"),
        t.passed,
        t.failed,
        blocked_text(t),
        t.skipped
    );
    if t.unverified > 0 {
        line.push_str(&format!(", {} unverified", t.unverified));
    }
    let mut why = Vec::new();
    if t.errors > 0 {
        why.push(format!("{} could not be read (exit 2)", count(t.errors, "guide")));
    }
    if t.snapshots > 0 {
        why.push(format!("{} changed or missing", count(t.snapshots, "snapshot")));
    }
    if t.rewrites > 0 {
        why.push(format!("--bless would change {}", count(t.rewrites, "guide")));
    }
    if t.todos > 0 {
        why.push(format!(
            "{} with TODO sections (--deny-todo)",
            count(t.todos, "guide")
        ));
    }
    for reason in why {
        line.push_str("; ");
        line.push_str(&reason);
    }
    line.push('\n');
    line
}
