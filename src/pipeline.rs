//! One guide through the stages: text → plan → run → verdicts, and `--bless` on top.

use crate::compare::{self, Status, Verdict};
use crate::config::Settings;
use crate::error::Result;
use crate::normalize::Normalizer;
use crate::plan::{self, Plan, StepKind};
use crate::report::{self, GuideResult};
use crate::rewrite;
use crate::run::{self, GuideRun, StepRun};
use crate::{guide, snapshot};
use std::path::Path;
use std::time::Instant;

mod read;
mod settled;
pub use read::{StepStream, read, with_steps};
use settled::Settled;

/// A guide that was read, run and compared.
pub struct Evaluation {
    pub plan: Plan,
    /// None when the guide has nothing to run.
    pub run: Option<GuideRun>,
    /// What each step printed, one per plan step (None: not run); empty unless asked for
    /// (`Keep::runs`): a run keeps only its verdicts, so memory does not grow with output.
    pub runs: Vec<Option<StepRun>>,
    pub verdicts: Vec<Verdict>,
    /// How long each step took (None for steps that did not run).
    pub timings: Vec<Option<std::time::Duration>>,
    /// The snapshot entries, when asked for (`Keep::facts`).
    pub facts: Option<snapshot::Facts>,
    pub normalizer: Normalizer,
    /// What was kept of the run.
    pub keep: Keep,
}

/// What a run keeps of its steps besides their verdicts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    /// Every step's output (`--bless` and `--check` rewrite the guide with it).
    pub runs: bool,
    /// The snapshot's facts.
    pub facts: bool,
    /// The workspace may be kept (`--keep-workspace`, `--keep-failed`); else it goes, with
    /// the shell, as soon as the last command ended, while the last steps are compared and
    /// the verdicts reported.
    pub workspace: bool,
}

/// What the settings change in a step as read (`match = "exact"`).
fn with_settings(step: &mut plan::Step, settings: &Settings) {
    if settings.exact && !step.options.exact {
        std::sync::Arc::make_mut(&mut step.options).exact = true;
    }
}

/// Plans, runs and compares a guide's text.
pub fn evaluate(
    path: &Path,
    text: &str,
    settings: &Settings,
    observer: &dyn run::Observer,
    keep: Keep,
) -> Result<Evaluation> {
    execute(read(path, text, settings)?, settings, observer, keep, None)
}

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
    let n = plan.steps.len();
    if !plan.steps.iter().any(plan::Step::runs) {
        let normalizer = Normalizer::default();
        let verdicts = compare::Comparer::new(&plan, &normalizer).finish();
        return Ok(Evaluation {
            plan,
            run: None,
            runs: Vec::new(),
            verdicts,
            timings: vec![None; n],
            facts: None,
            normalizer,
            keep,
        });
    }
    let started = match started {
        Some(started) => started?,
        None => run::start(&settings.run, &plan.guide)?,
    };
    let workspace = started.workspace();
    let files: Vec<String> = plan
        .steps
        .iter()
        .filter_map(|s| match &s.kind {
            StepKind::File { path, .. } => Some(path.to_string()),
            _ => None,
        })
        .collect();
    let normalizer = Normalizer::new(
        Some((workspace.root(), &workspace.work())),
        settings.redactions.clone(),
    )
    .with_guide_files(&files)
    .with_errors(settings.errors.clone());
    let mut settled = Settled::new(&plan, &normalizer, keep);
    let mut guide_run = run::run(&plan, started, &settings.run, observer, &mut |i, r| {
        settled.settle(i, r);
    })?;
    if !keep.workspace {
        guide_run.release();
    }
    let done = settled.finish();
    Ok(Evaluation {
        plan,
        run: Some(guide_run),
        runs: done.runs,
        verdicts: done.verdicts,
        timings: done.timings,
        facts: keep.facts.then_some(done.facts),
        normalizer,
        keep,
    })
}

/// How many times `--bless` runs a guide again after pasting changed hashes.
const BLESS_ROUNDS: usize = 3;

/// The guide's text rewritten with reality, and the evaluation of that text (None when
/// nothing changed).
///
/// A changed `got:` hash is pasted into later file steps, which ran with the old one: the
/// guide is then run again, until no hash changes (at most `BLESS_ROUNDS` times).
pub fn bless(
    path: &Path,
    text: &str,
    first: &Evaluation,
    settings: &Settings,
) -> Result<(String, Option<Evaluation>)> {
    let mut current = text.to_string();
    let mut latest: Option<Evaluation> = None;
    for _ in 0..BLESS_ROUNDS {
        let evaluation = latest.as_ref().unwrap_or(first);
        if evaluation.run.is_none() {
            break;
        }
        let blessing = rewrite::bless(
            &current,
            &evaluation.plan,
            &evaluation.runs,
            &evaluation.verdicts,
            &evaluation.normalizer,
        );
        if blessing.text == current {
            break;
        }
        current = blessing.text;
        let keep = Keep {
            runs: true,
            facts: first.facts.is_some(),
            workspace: first.keep.workspace,
        };
        latest = Some(evaluate(path, &current, settings, &run::Quiet, keep)?);
        if blessing.hash_changes.is_empty() {
            break;
        }
    }
    Ok((current, latest))
}

/// What is asked of a guide besides checking it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `--bless`: write reality back into the guide's file.
    pub bless: bool,
    /// `--check`: say what `--bless` would write.
    pub check: bool,
    pub keep_workspace: bool,
    pub keep_failed: bool,
    /// Check (and write, by the settings' policy) the guide's snapshot.
    pub snapshots: bool,
}

/// Runs and compares a planned guide, blesses it and checks its snapshot when asked: the
/// one place (for the CLI and the mdBook preprocessor) that assembles a guide's result.
pub fn check(
    path: &Path,
    text: &str,
    plan: Plan,
    settings: &Settings,
    request: &Request,
    observer: &dyn run::Observer,
    shell: Option<Result<run::Started>>,
) -> Result<GuideResult> {
    let started = Instant::now();
    let keep = Keep {
        runs: request.bless || request.check,
        facts: wants_snapshot(path, settings, request),
        workspace: request.keep_workspace || request.keep_failed,
    };
    let mut evaluation = execute(plan, settings, observer, keep, shell)?;
    let mut rewritten = None;
    if request.bless || request.check {
        let (new, after) = bless(path, text, &evaluation, settings)?;
        if new != text {
            if request.bless {
                guide::write(path, text, &new)?;
                // Report on the guide as written.
                evaluation = after.unwrap_or(evaluation);
            }
            rewritten = Some(report::rewrite_diff(path, text, &new));
        }
    }
    let snapshot = check_snapshot(path, &mut evaluation, settings, request)?;
    let failed = evaluation.verdicts.iter().any(|v| v.status == Status::Failed);
    let kept = match evaluation.run.as_mut() {
        Some(run) if request.keep_workspace || request.keep_failed && failed => run.keep_workspace(),
        _ => None,
    };
    // Which store was used is news only for a guide that uses Nix.
    let store = match &evaluation.run {
        None => "nothing run".to_string(),
        Some(_) if !uses_nix(&evaluation.plan) => String::new(),
        Some(run) => run.store.clone(),
    };
    Ok(GuideResult {
        plan: evaluation.plan,
        verdicts: evaluation.verdicts,
        store,
        duration: started.elapsed(),
        kept,
        rewritten,
        snapshot,
        timings: evaluation.timings,
    })
}

/// Are snapshots wanted for this guide? A guide read from a FIFO or stdin has no place for
/// one beside it.
fn wants_snapshot(path: &Path, settings: &Settings, request: &Request) -> bool {
    request.snapshots && settings.snapshot_policy != snapshot::Policy::Off && crate::guide::is_regular(path)
}

/// The snapshot file and what happened to it, when snapshots are on and something ran.
fn check_snapshot(
    path: &Path,
    evaluation: &mut Evaluation,
    settings: &Settings,
    request: &Request,
) -> Result<Option<(std::path::PathBuf, snapshot::Outcome)>> {
    if evaluation.run.is_none() || !wants_snapshot(path, settings, request) {
        return Ok(None);
    }
    let Some(facts) = evaluation.facts.take() else {
        return Ok(None);
    };
    let name = guide_name(path);
    // Asking Nix its version costs a process (tens of milliseconds): only for guides that
    // use Nix, and only when the snapshot is written anew.
    let nix = if uses_nix(&evaluation.plan) {
        let current = facts.text(&name, "", &evaluation.plan);
        snapshot::recorded_nix(&settings.snapshot_path, &current).unwrap_or_else(run::nix_version)
    } else {
        "not used".to_string()
    };
    let facts = facts.text(&name, &nix, &evaluation.plan);
    let statuses: Vec<Status> = evaluation.verdicts.iter().map(|v| v.status).collect();
    let outcome = snapshot::check(
        &settings.snapshot_path,
        &facts,
        settings.snapshot_policy,
        settings.ci,
        &statuses,
    )?;
    Ok(Some((settings.snapshot_path.clone(), outcome)))
}

/// Does any command or script of the guide call a Nix tool?
fn uses_nix(plan: &Plan) -> bool {
    plan.steps.iter().any(|s| match &s.kind {
        StepKind::Command { command: text, .. } | StepKind::Script { script: text, .. } => {
            crate::nix::uses_nix(text)
        }
        _ => false,
    })
}

/// The guide's path as the snapshot header names it (relative to the current folder).
fn guide_name(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    absolute
        .strip_prefix(&cwd)
        .unwrap_or(&absolute)
        .display()
        .to_string()
}
