//! How many steps came to each status, and how far each TODO section got: enough for the
//! totals, the TODO states and the snapshot's policy, whether or not a run keeps its steps
//! whole, in memory that does not grow with the steps.

use super::{Problem, Status, Verdict};
use crate::plan::{Step, StepKind, Todo};

/// One step's outcome, as the tally counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub status: Status,
    /// A snippet: not counted.
    pub snippet: bool,
    /// Blocked only because it follows a blocked step.
    pub blocked_after: bool,
}

impl Mark {
    pub fn of(step: &Step, verdict: &Verdict) -> Mark {
        let after = |p: &Problem| matches!(p, Problem::Blocked { after: Some(_), .. });
        Mark {
            status: verdict.status,
            snippet: matches!(step.kind, StepKind::Snippet { .. }),
            blocked_after: verdict.status == Status::Blocked && verdict.problems.first().is_some_and(after),
        }
    }
}

/// How many steps of a TODO section (snippets not counted) failed or were blocked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TodoTally {
    pub steps: usize,
    pub failing: usize,
    pub blocked: usize,
}

impl TodoTally {
    /// no steps yet / N steps, all verified / N steps, K failing[, B blocked].
    pub fn state(&self) -> String {
        match (self.steps, self.failing, self.blocked) {
            (0, _, _) => "no steps yet".into(),
            (n, 0, 0) => format!("{n} steps, all verified"),
            (n, f, 0) => format!("{n} steps, {f} failing"),
            (n, f, b) => format!("{n} steps, {f} failing, {b} blocked"),
        }
    }
}

/// The guide's steps counted by status (snippets not counted), and its TODO sections'
/// tallies.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// By `Status as usize`.
    counts: [usize; 5],
    pub blocked_after: usize,
    /// Every step compared, snippets too.
    pub compared: usize,
    /// One per TODO section of the plan, in its order.
    pub todos: Vec<TodoTally>,
    /// The TODO sections' byte ranges in the guide.
    sections: Vec<std::ops::Range<usize>>,
}

impl Tally {
    pub fn new(todos: &[Todo]) -> Tally {
        Tally {
            todos: vec![TodoTally::default(); todos.len()],
            sections: todos.iter().map(|t| t.span.start..t.span.end).collect(),
            ..Tally::default()
        }
    }

    /// The next step (starting at byte `start`).
    pub fn add(&mut self, start: usize, mark: Mark) {
        self.compared += 1;
        self.count(start, mark, 1, true);
    }

    /// A step (starting at byte `start`) counted as `old` is now `new`.
    pub fn change(&mut self, start: usize, old: Mark, new: Mark) {
        self.count(start, old, 0, false);
        self.count(start, new, 0, true);
    }

    /// Steps with this status (snippets not counted).
    pub fn count_of(&self, status: Status) -> usize {
        self.counts[status as usize]
    }

    /// Whether any step has this status.
    pub fn any(&self, status: Status) -> bool {
        self.count_of(status) > 0
    }

    fn count(&mut self, start: usize, mark: Mark, steps: usize, add: bool) {
        if mark.snippet {
            return;
        }
        let change = |n: &mut usize, by: bool| match add {
            true => *n += usize::from(by),
            false => *n -= usize::from(by),
        };
        change(&mut self.counts[mark.status as usize], true);
        change(&mut self.blocked_after, mark.blocked_after);
        for (section, tally) in self.sections.iter().zip(&mut self.todos) {
            if section.contains(&start) {
                tally.steps += steps;
                change(&mut tally.failing, mark.status == Status::Failed);
                change(&mut tally.blocked, mark.status == Status::Blocked);
            }
        }
    }
}
