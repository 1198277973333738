//! Steps as a run hands them over: compared in plan order, a bounded number of steps
//! behind the run, and kept as `Keep` asks.

use super::Keep;
use crate::compare::{self, Compared};
use crate::normalize::Normalizer;
use crate::plan::Step;
use crate::run::{StepRun, Window};
use crate::snapshot;

/// How many runs, or bytes of their output, may wait to be compared. Comparing lags the
/// run by up to this much: the last steps are then compared while the shell ends and the
/// workspace goes (`execute`), not before, and memory stays bounded.
const UNCOMPARED_RUNS: usize = 256;
const UNCOMPARED_BYTES: usize = 1 << 20;

/// Steps as a run settles them: compared in plan order, a little behind the run (see
/// `UNCOMPARED_RUNS`), and kept only as `Keep` asks. A step that cannot run here may come
/// before the commands around it: it waits.
pub(super) struct Settled<'a> {
    normalizer: &'a Normalizer,
    keep: Keep,
    comparer: compare::Comparer<'a>,
    /// Runs handed over and not yet looked at, as they came (plan index, run).
    waiting: std::collections::VecDeque<(usize, StepRun)>,
    /// The output bytes of `waiting`.
    waiting_bytes: usize,
    /// Steps that came before earlier ones did, by plan index.
    early: std::collections::BTreeMap<usize, StepRun>,
    next: usize,
    done: Settlement,
}

/// What `Settled` leaves.
#[derive(Default)]
pub(super) struct Settlement {
    pub(super) compared: Compared,
    /// Every step, in plan order (none when `Keep::thin`: the comparer keeps the notable).
    pub(super) steps: Vec<Step>,
    pub(super) runs: Vec<Option<StepRun>>,
    /// One per step (none when `Keep::thin`).
    pub(super) timings: Vec<Option<std::time::Duration>>,
    pub(super) facts: snapshot::Facts,
}

impl<'a> Settled<'a> {
    pub(super) fn new(comparer: compare::Comparer<'a>, normalizer: &'a Normalizer, keep: Keep) -> Self {
        Settled {
            normalizer,
            keep,
            comparer,
            waiting: std::collections::VecDeque::new(),
            waiting_bytes: 0,
            early: std::collections::BTreeMap::new(),
            next: 0,
            done: Settlement::default(),
        }
    }

    /// Compares what waited, as far as every step before it has come.
    fn compare_waiting(&mut self, steps: &Window) {
        while let Some((index, run)) = self.waiting.pop_front() {
            self.waiting_bytes -= run.output.len();
            self.place(steps, index, run);
        }
    }

    /// Takes step `index`'s run, and every step after it whose run is in.
    fn place(&mut self, steps: &Window, index: usize, run: StepRun) {
        self.early.insert(index, run);
        while let Some(step) = steps.get(self.next) {
            let run = match step.runs() {
                false => None,
                true => match self.early.remove(&self.next) {
                    Some(run) => Some(run),
                    None => break,
                },
            };
            self.take(step, run);
        }
    }

    fn take(&mut self, step: &Step, run: Option<StepRun>) {
        self.comparer.push(step, run.as_ref());
        if !self.keep.thin {
            self.done.timings.push(run.as_ref().map(|r| r.duration));
        }
        if self.keep.facts {
            self.done.facts.add(step, run.as_ref(), self.normalizer);
        }
        if self.keep.runs {
            self.done.runs.push(run);
        }
        self.next += 1;
    }

    /// The steps compared leave the window (kept, unless thin).
    fn release(&mut self, steps: &mut Window) {
        let released = steps.release(self.next);
        match self.keep.thin {
            true => released.for_each(drop),
            false => self.done.steps.extend(released),
        }
    }

    /// Every step that is left, read to the end of `steps`, compared.
    pub(super) fn finish(mut self, steps: &mut Window) -> Settlement {
        self.compare_waiting(steps);
        while steps.reach(self.next) {
            let run = self.early.remove(&self.next);
            let step = steps.get(self.next).expect("reached");
            self.take(step, run);
            self.release(steps);
        }
        self.release(steps);
        self.done.compared = self.comparer.finish();
        self.done
    }
}

impl crate::run::Settle for Settled<'_> {
    fn settle(&mut self, steps: &Window, index: usize, run: StepRun) {
        self.waiting_bytes += run.output.len();
        self.waiting.push_back((index, run));
        if self.waiting.len() > UNCOMPARED_RUNS || self.waiting_bytes > UNCOMPARED_BYTES {
            self.compare_waiting(steps);
        }
    }

    fn caught_up(&mut self, steps: &mut Window) {
        self.release(steps);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{Comparer, Status};
    use crate::plan::{self, Plan};
    use crate::run::Settle;
    use std::path::Path;

    fn plan(text: &str) -> Plan {
        let blocks = crate::extract::extract(text);
        let prompts = crate::plan::console::Prompts::default();
        plan::build(Path::new("g.md"), text, &blocks, &prompts).unwrap()
    }

    fn ran(output: &str) -> StepRun {
        StepRun {
            output: output.into(),
            status: Some(0),
            duration: std::time::Duration::from_millis(1),
            ..StepRun::default()
        }
    }

    fn settled<'a>(plan: &Plan, normalizer: &'a Normalizer, keep: Keep) -> Settled<'a> {
        let comparer = Comparer::new(normalizer, &plan.todos, Vec::new(), keep.thin);
        Settled::new(comparer, normalizer, keep)
    }

    #[test]
    fn steps_settle_in_plan_order_whatever_order_they_end_in() {
        // a, b (skipped: never handed over), c, d: c ends before a (as a step that cannot
        // run here is settled before the commands around it).
        let plan = plan(
            "```console\n$ echo a\na\n```\n\n```console skip\n$ echo b\n```\n\n```console\n$ echo c\nc\n$ echo d\nd\n```\n",
        );
        assert_eq!(plan.steps.len(), 4);
        let normalizer = Normalizer::default();
        let keep = Keep {
            runs: true,
            facts: true,
            ..Keep::default()
        };
        let mut settled = settled(&plan, &normalizer, keep);
        let mut source = plan.steps.clone().into_iter();
        let mut window = Window::new(&mut source);
        window.reach(3);
        settled.settle(&window, 2, ran("c\n"));
        settled.compare_waiting(&window);
        assert_eq!(settled.next, 0, "c waits for a");
        settled.settle(&window, 0, ran("a\n"));
        settled.compare_waiting(&window);
        assert_eq!(settled.next, 3, "a, then b (not run), then c");
        settled.caught_up(&mut window);
        assert!(
            window.get(2).is_none() && window.get(3).is_some(),
            "released once compared"
        );
        settled.settle(&window, 3, ran("wrong\n"));
        let done = settled.finish(&mut window);
        let statuses: Vec<Status> = done.compared.verdicts.iter().map(|v| v.status).collect();
        assert_eq!(
            statuses,
            [Status::Passed, Status::Skipped, Status::Passed, Status::Failed]
        );
        assert_eq!(done.steps.len(), 4, "every step kept");
        let outputs: Vec<Option<&str>> = done
            .runs
            .iter()
            .map(|r| r.as_ref().map(|r| r.output.as_str()))
            .collect();
        assert_eq!(outputs, [Some("a\n"), None, Some("c\n"), Some("wrong\n")]);
        assert_eq!(done.timings.iter().filter(|t| t.is_some()).count(), 3);
        let facts = done.facts.text("g.md", "not used", "d");
        assert!(
            facts.contains("## 1: echo a\nexit: 0\n") && facts.contains("## 4: echo d\n"),
            "{facts}"
        );
    }

    #[test]
    fn comparing_lags_the_run_by_a_bounded_number_of_runs_and_bytes() {
        let commands: String = (0..600).map(|i| format!("$ echo {i}\n{i}\n")).collect();
        let plan = plan(&format!("```console\n{commands}```\n"));
        let normalizer = Normalizer::default();
        let mut settled = settled(&plan, &normalizer, Keep::default());
        let mut source = plan.steps.clone().into_iter();
        let mut window = Window::new(&mut source);
        for i in 0..600 {
            window.reach(i);
            settled.settle(&window, i, ran(&format!("{i}\n")));
            assert!(settled.waiting.len() <= UNCOMPARED_RUNS);
            assert_eq!(settled.next + settled.waiting.len(), i + 1);
        }
        assert!(settled.next >= 600 - UNCOMPARED_RUNS, "compared along the way");
        // A large output is compared at once, with what waited before it.
        let two = super::tests::plan("```console\n$ echo a\na\n$ big\n```\n");
        let mut settled = super::tests::settled(&two, &normalizer, Keep::default());
        let mut source = two.steps.clone().into_iter();
        let mut window = Window::new(&mut source);
        window.reach(1);
        settled.settle(&window, 0, ran("a\n"));
        settled.settle(&window, 1, ran(&"x".repeat(UNCOMPARED_BYTES + 1)));
        assert_eq!((settled.next, settled.waiting_bytes), (2, 0));
        let done = settled.finish(&mut window);
        assert_eq!(done.compared.verdicts[0].status, Status::Passed);
    }

    #[test]
    fn without_keep_no_output_is_kept() {
        let plan = plan("```console\n$ echo a\na\n```\n");
        let normalizer = Normalizer::default();
        let mut settled = settled(&plan, &normalizer, Keep::default());
        let mut source = plan.steps.clone().into_iter();
        let mut window = Window::new(&mut source);
        window.reach(0);
        settled.settle(&window, 0, ran("a\n"));
        let done = settled.finish(&mut window);
        assert!(done.runs.is_empty());
        assert_eq!(done.compared.verdicts[0].status, Status::Passed);
    }

    /// Thin: every step's mark, and whole only the steps that did not pass.
    #[test]
    fn a_thin_settlement_keeps_a_mark_for_every_step_and_whole_only_the_failures() {
        let commands: String = (0..50).map(|i| format!("$ echo {i}\n{i}\n")).collect();
        let plan = plan(&format!("```console\n{commands}```\n"));
        let normalizer = Normalizer::default();
        let keep = Keep {
            thin: true,
            ..Keep::default()
        };
        let mut settled = settled(&plan, &normalizer, keep);
        let mut source = plan.steps.clone().into_iter();
        let mut window = Window::new(&mut source);
        for i in 0..40 {
            window.reach(i);
            let output = if i == 7 {
                "wrong\n".to_string()
            } else {
                format!("{i}\n")
            };
            settled.settle(&window, i, ran(&output));
            settled.caught_up(&mut window);
        }
        let done = settled.finish(&mut window);
        assert!(done.steps.is_empty() && done.timings.is_empty());
        let kept: Vec<(usize, usize)> = done.compared.kept.iter().map(|(i, s)| (*i, s.line)).collect();
        assert_eq!(kept, [(7, plan.steps[7].line)]);
        assert_eq!(done.compared.verdicts.len(), 1);
        assert_eq!(done.compared.verdicts[0].status, Status::Failed);
        let tally = &done.compared.tally;
        assert_eq!(tally.compared, 50);
        let count = |s: Status| tally.count_of(s);
        assert_eq!(
            (
                count(Status::Passed),
                count(Status::Failed),
                count(Status::Skipped)
            ),
            (39, 1, 10)
        );
    }
}
