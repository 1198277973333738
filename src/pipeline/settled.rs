//! Steps as a run hands them over: compared in plan order, a bounded number of steps
//! behind the run, and kept as `Keep` asks.

use super::Keep;
use crate::compare::{self, Verdict};
use crate::normalize::Normalizer;
use crate::plan::Plan;
use crate::run::StepRun;
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
    plan: &'a Plan,
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
    pub(super) verdicts: Vec<Verdict>,
    pub(super) runs: Vec<Option<StepRun>>,
    pub(super) timings: Vec<Option<std::time::Duration>>,
    pub(super) facts: snapshot::Facts,
}

impl<'a> Settled<'a> {
    pub(super) fn new(plan: &'a Plan, normalizer: &'a Normalizer, keep: Keep) -> Self {
        Settled {
            plan,
            normalizer,
            keep,
            comparer: compare::Comparer::new(plan, normalizer),
            waiting: std::collections::VecDeque::new(),
            waiting_bytes: 0,
            early: std::collections::BTreeMap::new(),
            next: 0,
            done: Settlement {
                timings: Vec::with_capacity(plan.steps.len()),
                ..Settlement::default()
            },
        }
    }

    /// Step `index` ended. Steps that do not run are never handed over: they settle as
    /// not run when their turn comes.
    pub(super) fn settle(&mut self, index: usize, run: StepRun) {
        self.waiting_bytes += run.output.len();
        self.waiting.push_back((index, run));
        if self.waiting.len() > UNCOMPARED_RUNS || self.waiting_bytes > UNCOMPARED_BYTES {
            self.compare_waiting();
        }
    }

    /// Compares what waited, as far as every step before it has come.
    fn compare_waiting(&mut self) {
        while let Some((index, run)) = self.waiting.pop_front() {
            self.waiting_bytes -= run.output.len();
            self.place(index, run);
        }
    }

    /// Takes step `index`'s run, and every step after it whose run is in.
    fn place(&mut self, index: usize, run: StepRun) {
        self.early.insert(index, run);
        while let Some(step) = self.plan.steps.get(self.next) {
            let run = match step.runs() {
                false => None,
                true => match self.early.remove(&self.next) {
                    Some(run) => Some(run),
                    None => break,
                },
            };
            self.take(run);
        }
    }

    fn take(&mut self, run: Option<StepRun>) {
        let step = &self.plan.steps[self.next];
        self.comparer.push(run.as_ref());
        self.done.timings.push(run.as_ref().map(|r| r.duration));
        if self.keep.facts {
            self.done.facts.add(step, run.as_ref(), self.normalizer);
        }
        if self.keep.runs {
            self.done.runs.push(run);
        }
        self.next += 1;
    }

    pub(super) fn finish(mut self) -> Settlement {
        self.compare_waiting();
        while self.next < self.plan.steps.len() {
            let run = self.early.remove(&self.next);
            self.take(run);
        }
        self.done.verdicts = self.comparer.finish();
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Status;
    use crate::plan;
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
            workspace: false,
        };
        let mut settled = Settled::new(&plan, &normalizer, keep);
        settled.settle(2, ran("c\n"));
        settled.compare_waiting();
        assert_eq!(settled.next, 0, "c waits for a");
        settled.settle(0, ran("a\n"));
        settled.compare_waiting();
        assert_eq!(settled.next, 3, "a, then b (not run), then c");
        settled.settle(3, ran("wrong\n"));
        let done = settled.finish();
        let statuses: Vec<Status> = done.verdicts.iter().map(|v| v.status).collect();
        assert_eq!(
            statuses,
            [Status::Passed, Status::Skipped, Status::Passed, Status::Failed]
        );
        let outputs: Vec<Option<&str>> = done
            .runs
            .iter()
            .map(|r| r.as_ref().map(|r| r.output.as_str()))
            .collect();
        assert_eq!(outputs, [Some("a\n"), None, Some("c\n"), Some("wrong\n")]);
        assert_eq!(done.timings.iter().filter(|t| t.is_some()).count(), 3);
        let facts = done.facts.text("g.md", "not used", &plan);
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
        let mut settled = Settled::new(&plan, &normalizer, Keep::default());
        for i in 0..600 {
            settled.settle(i, ran(&format!("{i}\n")));
            assert!(settled.waiting.len() <= UNCOMPARED_RUNS);
            assert_eq!(settled.next + settled.waiting.len(), i + 1);
        }
        assert!(settled.next >= 600 - UNCOMPARED_RUNS, "compared along the way");
        // A large output is compared at once, with what waited before it.
        let two = super::tests::plan("```console\n$ echo a\na\n$ big\n```\n");
        let mut settled = Settled::new(&two, &normalizer, Keep::default());
        settled.settle(0, ran("a\n"));
        settled.settle(1, ran(&"x".repeat(UNCOMPARED_BYTES + 1)));
        assert_eq!((settled.next, settled.waiting_bytes), (2, 0));
        let done = settled.finish();
        assert_eq!(done.verdicts[0].status, Status::Passed);
    }

    #[test]
    fn without_keep_no_output_is_kept() {
        let plan = plan("```console\n$ echo a\na\n```\n");
        let normalizer = Normalizer::default();
        let mut settled = Settled::new(&plan, &normalizer, Keep::default());
        settled.settle(0, ran("a\n"));
        let done = settled.finish();
        assert!(done.runs.is_empty());
        assert_eq!(done.verdicts[0].status, Status::Passed);
    }
}
