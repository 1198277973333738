//! Verdicts in plan order as a run settles its steps, kept whole or thin.

use super::{Mark, Problem, Status, Tally, Verdict, compare_step, pastes};
use crate::nix::lint::Paste;
use crate::normalize::Normalizer;
use crate::plan::Step;
use crate::run::StepRun;

/// Verdicts as a run settles its steps, in plan order, so a run need not keep what each
/// step printed. Failures after a blocked step are blocked too: they cannot be blamed on
/// the guide.
///
/// Every step is counted (`Tally`). A thin comparer keeps whole only the steps a human
/// report shows (those that did not pass, or have a problem): memory then does not grow
/// with the steps that passed.
pub struct Comparer<'a> {
    normalizer: &'a Normalizer,
    blocked_at: Option<usize>,
    thin: bool,
    pastes: pastes::Watch,
    tally: Tally,
    /// The verdicts kept, in plan order: every one, or (thin) the notable ones.
    verdicts: Vec<Verdict>,
    /// (thin) The kept steps, with their plan index.
    kept: Vec<(usize, Step)>,
}

/// What a comparer leaves.
#[derive(Debug, Default)]
pub struct Compared {
    /// One per plan step, or (thin) one per step of `kept`.
    pub verdicts: Vec<Verdict>,
    /// (thin) The steps kept whole, with their plan index.
    pub kept: Vec<(usize, Step)>,
    pub tally: Tally,
}

impl<'a> Comparer<'a> {
    /// `pastes`: the guide's mistyped pastes (`nix::lint::Pastes`, found before the run).
    pub fn new(
        normalizer: &'a Normalizer,
        todos: &[crate::plan::Todo],
        pastes: Vec<Paste>,
        thin: bool,
    ) -> Self {
        Comparer {
            normalizer,
            blocked_at: None,
            thin,
            pastes: pastes::Watch::new(pastes),
            tally: Tally::new(todos),
            verdicts: Vec::new(),
            kept: Vec::new(),
        }
    }

    /// The next step and its run (None: not run).
    pub fn push(&mut self, step: &Step, result: Option<&StepRun>) {
        let mut verdict = match result {
            Some(result) => compare_step(step, result, self.normalizer),
            None => Verdict {
                status: Status::Skipped,
                problems: vec![],
            },
        };
        match (verdict.status, self.blocked_at) {
            (Status::Blocked, None) => self.blocked_at = Some(step.line),
            (Status::Failed, Some(line)) if !step.options.independent => {
                verdict.status = Status::Blocked;
                verdict.problems.insert(
                    0,
                    Problem::Blocked {
                        reason: format!("follows the blocked step at line {line}"),
                        hint: "fix what blocks that step first; if this step does not depend on it, \
                               mark it `<!-- guidecheck: independent -->`"
                            .into(),
                        evidence: String::new(),
                        after: Some(line),
                    },
                );
            }
            _ => {}
        }
        let index = self.tally.compared;
        let mark = Mark::of(step, &verdict);
        self.tally.add(step.span.start, mark);
        let keep = !self.thin || notable(&verdict);
        self.pastes.see(index, step, &verdict, mark, keep);
        if keep {
            if self.thin {
                self.kept.push((index, step.clone()));
            }
            self.verdicts.push(verdict);
        }
    }

    /// The verdicts, with mistyped pastes.
    pub fn finish(mut self) -> Compared {
        for (file, problem) in std::mem::take(&mut self.pastes).failed() {
            let Some(at) = self.position(file.index, file.mark.status, file.step) else {
                continue;
            };
            let verdict = &mut self.verdicts[at];
            verdict.status = Status::Failed;
            verdict.problems.insert(0, problem);
            let new = Mark {
                status: Status::Failed,
                blocked_after: false,
                ..file.mark
            };
            self.tally.change(file.start, file.mark, new);
        }
        Compared {
            verdicts: self.verdicts,
            kept: self.kept,
            tally: self.tally,
        }
    }

    /// Where step `index`'s verdict is kept; a thin comparer keeps it now (`step`, which
    /// passed or was skipped, with no problem).
    fn position(&mut self, index: usize, status: Status, step: Option<Step>) -> Option<usize> {
        if !self.thin {
            return (index < self.verdicts.len()).then_some(index);
        }
        match self.kept.binary_search_by_key(&index, |(i, _)| *i) {
            Ok(at) => Some(at),
            Err(at) => {
                self.kept.insert(at, (index, step?));
                self.verdicts.insert(
                    at,
                    Verdict {
                        status,
                        problems: vec![],
                    },
                );
                Some(at)
            }
        }
    }
}

/// A verdict a report shows: the step did not pass, or has a problem.
fn notable(verdict: &Verdict) -> bool {
    !matches!(verdict.status, Status::Passed | Status::Skipped) || !verdict.problems.is_empty()
}
