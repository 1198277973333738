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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn mark(status: Status) -> Mark {
        Mark {
            status,
            snippet: false,
            blocked_after: false,
        }
    }

    #[test]
    fn steps_are_counted_by_status_and_by_todo_section_and_a_change_moves_one() {
        let todo = Todo {
            line: 3,
            text: "TODO".into(),
            span: Span { start: 100, end: 200 },
        };
        let mut tally = Tally::new(&[todo]);
        tally.add(10, mark(Status::Passed));
        tally.add(120, mark(Status::Passed));
        tally.add(150, mark(Status::Failed));
        tally.add(
            160,
            Mark {
                snippet: true,
                ..mark(Status::Skipped)
            },
        );
        tally.add(
            170,
            Mark {
                blocked_after: true,
                ..mark(Status::Blocked)
            },
        );
        assert_eq!(tally.compared, 5);
        assert_eq!(
            [Status::Passed, Status::Failed, Status::Blocked, Status::Skipped].map(|s| tally.count_of(s)),
            [2, 1, 1, 0],
            "a snippet is not counted"
        );
        assert_eq!(tally.blocked_after, 1);
        assert_eq!(tally.todos[0].state(), "3 steps, 1 failing, 1 blocked");
        // A mistyped paste fails the step at 120 after it was counted as passed.
        tally.change(120, mark(Status::Passed), mark(Status::Failed));
        assert_eq!(
            (tally.count_of(Status::Passed), tally.count_of(Status::Failed)),
            (1, 2)
        );
        assert_eq!(tally.todos[0].state(), "3 steps, 2 failing, 1 blocked");
        assert!(tally.any(Status::Failed) && !tally.any(Status::Unverified));
    }
}
