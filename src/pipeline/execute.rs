//! Runs and compares a guide's steps: those of a whole plan, or those of a stream read as
//! the run goes (a long guide, whose steps are then never all held).

use super::settled::Settled;
use super::survey::Survey;
use super::{Evaluation, Keep};
use crate::compare::Comparer;
use crate::config::Settings;
use crate::error::Result;
use crate::normalize::Normalizer;
use crate::plan::{Plan, Step, Todo};
use crate::run::{self, Window};
use std::path::{Path, PathBuf};

/// Runs and compares a plan, each step as it ends: in `started` (a workspace and shell
/// made while the plan was read) when given, else in new ones. A plan with nothing to run
/// drops them, and the error of starting them, unused.
pub fn execute(
    plan: Plan,
    settings: &Settings,
    observer: &dyn run::Observer,
    keep: Keep,
    started: Option<Result<run::Started>>,
) -> Result<Evaluation> {
    let survey = Survey::of_plan(&plan, keep);
    let Plan { guide, steps, .. } = plan;
    let mut steps = steps.into_iter();
    run_steps(&guide, survey, &mut steps, settings, observer, keep, started)
}

/// `execute` for a guide's text, read twice: once through, to fail on bad input before
/// anything runs and to learn what the run must know first (`Survey`), then as the run
/// goes, each step held only until it is settled. With `Keep::thin`, memory then does not
/// grow with the guide's steps.
pub fn execute_streamed(
    path: &Path,
    text: &str,
    settings: &Settings,
    observer: &dyn run::Observer,
    keep: Keep,
    started: Option<Result<run::Started>>,
) -> Result<Evaluation> {
    let survey = Survey::read(path, text, settings, keep)?;
    super::with_steps(path, text, settings, |stream| {
        let steps: &mut dyn Iterator<Item = Step> = stream;
        run_steps(path, survey, steps, settings, observer, keep, started)
    })
}

fn run_steps(
    guide: &Path,
    survey: Survey,
    steps: &mut dyn Iterator<Item = Step>,
    settings: &Settings,
    observer: &dyn run::Observer,
    keep: Keep,
    started: Option<Result<run::Started>>,
) -> Result<Evaluation> {
    let mut window = Window::new(steps);
    let todos = survey.todos.clone();
    if !survey.runs {
        let normalizer = Normalizer::default();
        let comparer = Comparer::new(&normalizer, &todos, survey.pastes, keep.thin);
        let settled = Settled::new(comparer, &normalizer, keep);
        let done = settled.finish(&mut window);
        let plan = plan_of(guide, todos, keep, done.steps, done.compared.kept);
        return Ok(Evaluation {
            plan,
            run: None,
            runs: Vec::new(),
            verdicts: done.compared.verdicts,
            tally: done.compared.tally,
            timings: done.timings,
            facts: None,
            digest: survey.digest,
            uses_nix: survey.uses_nix,
            normalizer,
            keep,
        });
    }
    let started = match started {
        Some(started) => started?,
        None => run::start(&settings.run, guide)?,
    };
    let workspace = started.workspace();
    let normalizer = Normalizer::new(
        Some((workspace.root(), &workspace.work())),
        settings.redactions.clone(),
    )
    .with_guide_files(&survey.files)
    .with_errors(settings.errors.clone());
    let comparer = Comparer::new(&normalizer, &todos, survey.pastes, keep.thin);
    let mut settled = Settled::new(comparer, &normalizer, keep);
    let mut guide_run = run::run(
        &mut window,
        survey.said,
        started,
        &settings.run,
        observer,
        &mut settled,
    )?;
    if !keep.workspace {
        guide_run.release();
    }
    let done = settled.finish(&mut window);
    let plan = plan_of(guide, todos, keep, done.steps, done.compared.kept);
    Ok(Evaluation {
        plan,
        run: Some(guide_run),
        runs: done.runs,
        verdicts: done.compared.verdicts,
        tally: done.compared.tally,
        timings: done.timings,
        facts: keep.facts.then_some(done.facts),
        digest: survey.digest,
        uses_nix: survey.uses_nix,
        normalizer,
        keep,
    })
}

/// The plan an evaluation reports on: every step, or (thin) those kept.
fn plan_of(guide: &Path, todos: Vec<Todo>, keep: Keep, steps: Vec<Step>, kept: Vec<(usize, Step)>) -> Plan {
    let steps = match keep.thin {
        true => kept.into_iter().map(|(_, step)| step).collect(),
        false => steps,
    };
    Plan {
        guide: PathBuf::from(guide),
        steps,
        todos,
    }
}
