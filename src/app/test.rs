//! `guidecheck [test]`: run guides (in parallel with --jobs), bless, snapshot, report.

use super::{BAD_INPUT, BLOCKED, DRIFT, PASSED, out, print_error, style};
use crate::cli::{Format, MatchArg, StoreArg, TestArgs};
use crate::compare::Status;
use crate::config::{self, MatchMode, Overrides};
use crate::error::Error;
use crate::progress::Progress;
use crate::report::{self, GuideResult, Totals};
use crate::run::{self, StoreMode};
use crate::{guide, pipeline, plan, snapshot};
use std::path::Path;
use std::time::Instant;

pub(super) fn test(args: &TestArgs) -> u8 {
    let paths = match args.paths.is_empty() {
        true => config::default_guides(),
        false => Ok(args.paths.clone()),
    };
    let mut guides = match paths.and_then(|p| guide::discover(&p)) {
        Ok(g) => g,
        Err(e) => {
            print_error(&e);
            return BAD_INPUT;
        }
    };
    if let Some((k, n)) = args.shard {
        guides = shard(guides, k, n);
    }
    let overrides = Overrides {
        offline: args.offline,
        store: args.store.map(|s| match s {
            StoreArg::System => StoreMode::System,
            StoreArg::Fresh => StoreMode::Fresh,
        }),
        timeout: args.timeout,
        match_mode: args.match_mode.map(|m| match m {
            MatchArg::Subsequence => MatchMode::Subsequence,
            MatchArg::Exact => MatchMode::Exact,
        }),
        config: args.config.clone(),
        update_snapshots: args.update_snapshots,
        read_only: args.check,
        bless: args.bless,
    };
    let style = style(args.color);
    let progress = Progress::new(true, args.verbose);
    let check = |i: usize, path: &Path| check(i, path, &overrides, args, &progress);
    let print = |result: &Checked| match result {
        Ok(result) => {
            if let Some(diff) = &result.rewritten {
                let verb = if args.bless {
                    "blessed"
                } else {
                    "--bless would write"
                };
                out(&format!("{verb} {}:\n{diff}", result.plan.guide.display()));
            }
            if args.format == Format::Human {
                out(&report::guide(result, style));
            }
        }
        Err(e) => print_error(e),
    };
    let mut totals = Totals::default();
    let (mut errors, mut drift) = (false, false);
    let mut results = Vec::new();
    for result in run_guides(&guides, usize::from(args.jobs), &check, &print) {
        match result {
            Ok(result) => {
                totals.add(Totals::of(&result));
                drift |= result.snapshot.as_ref().is_some_and(|(_, o)| o.failed());
                drift |= args.check && result.rewritten.is_some();
                results.push(result);
            }
            Err(_) => errors = true,
        }
    }
    match args.format {
        Format::Human => {
            if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
                out(&report::github::render(&results));
            }
            out(&report::summary(&totals));
        }
        Format::Json => out(&report::json::render(&results, &totals)),
        Format::Junit => out(&report::junit::render(&results)),
        Format::Github => {
            out(&report::github::render(&results));
            out(&report::summary(&totals));
        }
    }
    if let Some(file) = &args.junit
        && let Err(e) = std::fs::write(file, report::junit::render(&results))
    {
        print_error(&Error::at(
            crate::span::Location::file(file),
            crate::error::ErrorKind::Write(e),
        ));
        errors = true;
    }
    let todos = results.iter().any(|r| !r.plan.todos.is_empty());
    if errors {
        BAD_INPUT
    } else if totals.failed > 0 || drift || args.deny_todo && todos {
        DRIFT
    } else if totals.blocked > 0 {
        BLOCKED
    } else {
        PASSED
    }
}

/// Share `k` of `n` of the guides: every `n`th in path order, so the shards together run
/// every guide once.
fn shard(mut guides: Vec<std::path::PathBuf>, k: usize, n: usize) -> Vec<std::path::PathBuf> {
    guides.sort();
    guides
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % n == k - 1)
        .map(|(_, g)| g)
        .collect()
}

type Checked = Result<GuideResult, Error>;

/// Checks guides on `jobs` threads; `done` sees each result in guide order, as soon as it
/// and every one before it are finished.
fn run_guides(
    guides: &[std::path::PathBuf],
    jobs: usize,
    check: &(dyn Fn(usize, &Path) -> Checked + Sync),
    done: &(dyn Fn(&Checked) + Sync),
) -> Vec<Checked> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let slots: std::sync::Mutex<(Vec<Option<Checked>>, usize)> =
        std::sync::Mutex::new(((0..guides.len()).map(|_| None).collect(), 0));
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, guides.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(path) = guides.get(i) else { break };
                    let result = check(i, path);
                    let mut guard = slots.lock().expect("results lock");
                    let (results, printed) = &mut *guard;
                    results[i] = Some(result);
                    while let Some(Some(ready)) = results.get(*printed) {
                        done(ready);
                        *printed += 1;
                    }
                }
            });
        }
    });
    let (results, _) = slots.into_inner().expect("results lock");
    results
        .into_iter()
        .map(|r| r.expect("every guide was checked"))
        .collect()
}

/// Reads, plans, runs and compares one guide; blesses it when asked.
fn check(id: usize, path: &Path, overrides: &Overrides, args: &TestArgs, progress: &Progress) -> Checked {
    let started = Instant::now();
    let settings = config::settings(path, overrides)?;
    let text = guide::read(path)?;
    let plan = pipeline::read(path, &text, &settings)?;
    let for_progress = plan.clone();
    let mut evaluation = pipeline::execute(plan, &settings, &progress.guide(id, &for_progress))?;
    let mut rewritten = None;
    if args.bless || args.check {
        let (new, after) = pipeline::bless(path, &text, &evaluation, &settings)?;
        if new != text {
            if args.bless {
                guide::write(path, &text, &new)?;
                // Report on the guide as written.
                evaluation = after.unwrap_or(evaluation);
            }
            rewritten = Some(report::rewrite_diff(path, &text, &new));
        }
    }
    let snapshot = match &evaluation.run {
        Some(run) if settings.snapshot_policy != snapshot::Policy::Off => {
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
            Some((settings.snapshot_path.clone(), outcome))
        }
        _ => None,
    };
    let failed = evaluation.verdicts.iter().any(|v| v.status == Status::Failed);
    let kept = match evaluation.run.as_mut() {
        Some(run) if args.keep_workspace || args.keep_failed && failed => run.keep_workspace(),
        _ => None,
    };
    let store = evaluation
        .run
        .as_ref()
        .map_or("nothing run".to_string(), |r| r.store.clone());
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

/// Does any command or script of the guide call a Nix tool?
fn uses_nix(plan: &plan::Plan) -> bool {
    plan.steps.iter().any(|s| match &s.kind {
        plan::StepKind::Command { command: text, .. } | plan::StepKind::Script { script: text, .. } => {
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
