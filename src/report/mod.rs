//! Verdicts → text. Pure: every function returns a string; printing happens in `app`.

mod diff;
pub mod github;
pub mod json;
pub mod junit;
pub mod lint;
pub mod plan;
pub mod plan_json;

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
    /// The diff `--bless` wrote (or, with `--check`, would write).
    pub rewritten: Option<String>,
    /// The snapshot file and what happened to it.
    pub snapshot: Option<(PathBuf, crate::snapshot::Outcome)>,
    /// How long each step took (None for steps that did not run).
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
        for (step, verdict) in result.plan.steps.iter().zip(&result.verdicts) {
            if matches!(step.kind, crate::plan::StepKind::Snippet { .. }) {
                continue;
            }
            t.steps += 1;
            match verdict.status {
                Status::Passed => t.passed += 1,
                Status::Failed => t.failed += 1,
                Status::Blocked => {
                    t.blocked += 1;
                    let after = |p: &Problem| matches!(p, Problem::Blocked { after: Some(_), .. });
                    t.blocked_after += usize::from(verdict.problems.first().is_some_and(after));
                }
                Status::Skipped => t.skipped += 1,
                Status::Unverified => t.unverified += 1,
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
    let states: Vec<String> = (result.plan.todos.iter())
        .map(|todo| crate::compare::todo_state(&result.plan, todo, Some(&result.verdicts)))
        .collect();
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

/// What went wrong in a step, as indented lines.
pub(crate) fn problems_text(verdict: &Verdict, style: Style) -> String {
    // For a blocked step, the environment is the story: its diff would only be noise.
    let blocked = verdict.status == Status::Blocked;
    verdict
        .problems
        .iter()
        .filter(|p| !blocked || matches!(p, Problem::Blocked { .. }))
        .map(|p| cut_long_lines(&problem_text(p, style)))
        .collect()
}

/// Lines longer than this are cut in reports (a 200 MB line stays readable).
const LONGEST_LINE: usize = 1000;

/// Cuts every line over `LONGEST_LINE` bytes to its start, saying how long it was.
fn cut_long_lines(text: &str) -> String {
    if text.len() <= LONGEST_LINE {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len().min(64 * 1024));
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        if body.len() <= LONGEST_LINE {
            out.push_str(line);
            continue;
        }
        let mut end = LONGEST_LINE / 2;
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        out.push_str(&format!(
            "{} … [line cut: {} bytes in all]",
            &body[..end],
            body.len()
        ));
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn problem_text(problem: &Problem, style: Style) -> String {
    match problem {
        Problem::Output(mismatch) => diff::render(mismatch, style),
        Problem::Hash { line, shown, real } => {
            format!("  the got-hash changed: the guide shows {shown} (line {line}), Nix printed {real}\n")
        }
        Problem::Exit {
            expected,
            actual,
            directive,
            shell_ended,
        } => exit_text(*expected, *actual, *directive) + if *shell_ended { SHELL_ENDED } else { "" },
        Problem::TimedOut {
            after,
            shell_replaced,
        } => timed_out_text(*after, *shell_replaced),
        Problem::Blocked {
            reason,
            hint,
            evidence,
            ..
        } => {
            let seen = if evidence.is_empty() {
                String::new()
            } else {
                format!("  output: {evidence}\n")
            };
            format!("  blocked: {reason}\n{seen}  hint: {hint}\n")
        }
        Problem::Error { message } => format!("  {message}\n"),
        Problem::Paste {
            line,
            pasted,
            got,
            shown_line,
        } => {
            let pasted = if pasted.is_empty() {
                "an empty hash"
            } else {
                pasted.as_str()
            };
            format!(
                "  line {line} pastes {pasted}, but the got: hash shown at line {shown_line} (and printed by Nix) is {got}\n  hint: paste the got: hash from line {shown_line}, or run `guidecheck --bless`\n"
            )
        }
        Problem::Log { derivation, missing } => log_text(derivation, missing),
        Problem::Unverified { lines } => unverified_text(lines),
        Problem::UnshownError { line } => format!(
            "  an error the guide does not show: {line}\n  hint: show it in the output, or cover it with `...`\n"
        ),
    }
}

/// After a command the session's shell did not survive.
const SHELL_ENDED: &str = "  the shell itself ended (killed, `exit`, or a failure under `set -e`): later commands run in a new shell \
     in the same directory, without the variables and functions set before\n";

fn timed_out_text(after: Duration, shell_replaced: bool) -> String {
    let replaced = if shell_replaced {
        "  the shell itself did not end (a loop in the shell?): later commands run in a new shell \
         in the same directory, without the variables and functions set before\n"
    } else {
        ""
    };
    format!(
        "  timed out after {}\n{replaced}",
        humantime::format_duration(round(after))
    )
}

/// "expected failure (exit= at line 3), got exit 0", with the directive to write.
fn exit_text(expected: ExitExpectation, actual: Option<i32>, directive: Option<usize>) -> String {
    let expected = match expected {
        ExitExpectation::Success => "success (exit 0)".to_string(),
        ExitExpectation::Failure => "failure (non-zero exit)".to_string(),
        ExitExpectation::Code(c) => format!("exit {c}"),
    };
    let from = directive.map_or(String::new(), |l| format!(" (exit= at line {l})"));
    let hint = match (directive, actual) {
        (Some(_), _) => String::new(),
        (None, Some(c)) if c != 0 => format!(
            "  hint: if the guide means it to fail, put `<!-- guidecheck: exit={c} -->` before the block \
             (or, for this command only, `# guidecheck: exit={c}` on the line before it)\n"
        ),
        _ => String::new(),
    };
    let actual = actual.map_or("no exit status".to_string(), |c| format!("exit {c}"));
    format!("  expected {expected}{from}, got {actual}\n{hint}")
}

fn log_text(derivation: &str, missing: &[crate::compare::ComparedLine]) -> String {
    let mut text = format!(
        "  {derivation} was already built; these shown build-log lines are not in the log Nix kept of it:\n"
    );
    for l in missing {
        text.push_str(&format!("  {} - {}\n", l.line, l.text));
    }
    text
}

fn unverified_text(lines: &[usize]) -> String {
    let lines: Vec<String> = lines.iter().map(ToString::to_string).collect();
    format!(
        "  unverified: the build log shown at line {} was not printed (the derivation was already built) and Nix kept no log of it\n  hint: run with `--store fresh` to build it and check these lines\n",
        lines.join(", ")
    )
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

#[cfg(test)]
#[test]
fn long_lines_are_cut_with_their_length() {
    let long = format!("  + {}\n  - short\n", "x".repeat(5000));
    let cut = cut_long_lines(&long);
    assert!(cut.len() < 700, "{}", cut.len());
    assert!(
        cut.contains(" … [line cut: 5004 bytes in all]\n  - short\n"),
        "{cut}"
    );
    assert_eq!(cut_long_lines("short\n"), "short\n");
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
