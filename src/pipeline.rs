//! One guide through the stages: text → plan → run → verdicts, and `--bless` on top.

use crate::compare::{self, Status, Verdict};
use crate::config::Settings;
use crate::error::Result;
use crate::extract;
use crate::normalize::Normalizer;
use crate::plan::{self, Plan, StepKind};
use crate::report::{self, GuideResult};
use crate::rewrite;
use crate::run::{self, GuideRun};
use crate::{guide, snapshot};
use std::path::Path;
use std::time::Instant;

/// A guide that was read, run and compared.
pub struct Evaluation {
    pub plan: Plan,
    /// None when the guide has nothing to run.
    pub run: Option<GuideRun>,
    pub verdicts: Vec<Verdict>,
    pub normalizer: Normalizer,
}

/// Reads the plan of a guide's text.
pub fn read(path: &Path, text: &str, settings: &Settings) -> Result<Plan> {
    let mut plan = plan::build_with(
        path,
        text,
        extract::blocks(text),
        &settings.prompts,
        &settings.shells,
    )?;
    plan.steps.iter_mut().for_each(|s| with_settings(s, settings));
    Ok(plan)
}

/// The steps of a guide's text as they are read, for output that need not hold them all;
/// each goes through `with_settings`.
pub fn read_steps<'a>(
    path: &'a Path,
    text: &'a str,
    settings: &'a Settings,
) -> plan::Steps<'a, extract::Blocks<'a>> {
    plan::Steps::new(
        path,
        text,
        extract::blocks(text),
        &settings.prompts,
        &settings.shells,
    )
}

/// What the settings change in a step as read (`match = "exact"`).
pub fn with_settings(step: &mut plan::Step, settings: &Settings) {
    step.options.exact |= settings.exact;
}

/// Plans, runs and compares a guide's text.
pub fn evaluate(
    path: &Path,
    text: &str,
    settings: &Settings,
    observer: &dyn run::Observer,
) -> Result<Evaluation> {
    execute(read(path, text, settings)?, settings, observer)
}

/// Runs and compares a plan.
pub fn execute(plan: Plan, settings: &Settings, observer: &dyn run::Observer) -> Result<Evaluation> {
    if !plan.steps.iter().any(plan::Step::runs) {
        let verdicts = plan
            .steps
            .iter()
            .map(|_| Verdict {
                status: Status::Skipped,
                problems: vec![],
            })
            .collect();
        return Ok(Evaluation {
            plan,
            run: None,
            verdicts,
            normalizer: Normalizer::default(),
        });
    }
    let guide_run = run::run(&plan, &settings.run, observer)?;
    let files: Vec<String> = plan
        .steps
        .iter()
        .filter_map(|s| match &s.kind {
            StepKind::File { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect();
    let normalizer = Normalizer::new(
        Some((&guide_run.root, &guide_run.work)),
        settings.redactions.clone(),
    )
    .with_guide_files(&files)
    .with_errors(settings.errors.clone());
    let verdicts = compare::compare(&plan, &guide_run, &normalizer);
    Ok(Evaluation {
        plan,
        run: Some(guide_run),
        verdicts,
        normalizer,
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
        let Some(run) = &evaluation.run else { break };
        let blessing = rewrite::bless(
            &current,
            &evaluation.plan,
            &run.steps,
            &evaluation.verdicts,
            &evaluation.normalizer,
        );
        if blessing.text == current {
            break;
        }
        current = blessing.text;
        latest = Some(evaluate(path, &current, settings, &run::Quiet)?);
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
) -> Result<GuideResult> {
    let started = Instant::now();
    // The snapshot names the Nix version: ask for it while the guide runs (Nix takes
    // tens of milliseconds to say it), not after.
    if request.snapshots && settings.snapshot_policy != snapshot::Policy::Off && uses_nix(&plan) {
        std::thread::spawn(run::nix_version);
    }
    let mut evaluation = execute(plan, settings, observer)?;
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
    let snapshot = check_snapshot(path, &evaluation, settings, request)?;
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
    let timings = match &evaluation.run {
        Some(run) => run.steps.iter().map(|s| s.as_ref().map(|s| s.duration)).collect(),
        None => vec![None; evaluation.plan.steps.len()],
    };
    Ok(GuideResult {
        plan: evaluation.plan,
        verdicts: evaluation.verdicts,
        store,
        duration: started.elapsed(),
        kept,
        rewritten,
        snapshot,
        timings,
    })
}

/// The snapshot file and what happened to it, when snapshots are on and something ran.
fn check_snapshot(
    path: &Path,
    evaluation: &Evaluation,
    settings: &Settings,
    request: &Request,
) -> Result<Option<(std::path::PathBuf, snapshot::Outcome)>> {
    let Some(run) = &evaluation.run else {
        return Ok(None);
    };
    // A guide read from a FIFO or stdin has no place for a snapshot beside it.
    if !request.snapshots
        || settings.snapshot_policy == snapshot::Policy::Off
        || !crate::guide::is_regular(path)
    {
        return Ok(None);
    }
    let name = guide_name(path);
    // Asking Nix its version costs a process: only for guides that use Nix.
    let nix = if uses_nix(&evaluation.plan) {
        run::nix_version()
    } else {
        "not used".to_string()
    };
    let facts = snapshot::take(&name, &nix, &evaluation.plan, &run.steps, &evaluation.normalizer);
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
