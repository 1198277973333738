//! The subcommands that run nothing: plan, lint, todo.

use super::{Exit, out, out_with, print_error, style};
use crate::cli::{ColorArg, PlanArgs, PlanFormat};
use crate::config::{self, Overrides};
use crate::error::Error;
use crate::report;
use crate::{guide, lint, pipeline, plan};

/// Reads the plans of the guides named on the command line; errors are printed.
fn read_plans(args: &PlanArgs) -> (Vec<(plan::Plan, String)>, Exit) {
    let paths = match args.paths.is_empty() {
        true => crate::config::default_guides(),
        false => Ok(args.paths.clone()),
    };
    let guides = match paths.and_then(|p| guide::discover(&p)) {
        Ok(g) => g,
        Err(e) => {
            print_error(&e);
            return (Vec::new(), Exit::BadInput);
        }
    };
    let overrides = Overrides {
        config: args.config.clone(),
        ..Overrides::default()
    };
    let mut plans = Vec::new();
    let mut code = Exit::Passed;
    for path in &guides {
        let read = || -> Result<(plan::Plan, String), Error> {
            let settings = config::settings(path, &overrides)?;
            let text = guide::read(path)?;
            let plan = pipeline::read(path, &text, &settings)?;
            Ok((plan, text))
        };
        match read() {
            Ok(p) => plans.push(p),
            Err(e) => {
                print_error(&e);
                code = Exit::BadInput;
            }
        }
    }
    (plans, code)
}

pub(super) fn plan_command(args: &PlanArgs) -> Exit {
    let (plans, code) = read_plans(args);
    match args.format {
        PlanFormat::Human => {
            for (p, _) in &plans {
                out(&report::plan::render(p, style(ColorArg::Auto)));
            }
        }
        PlanFormat::Json => {
            let plans: Vec<&plan::Plan> = plans.iter().map(|(p, _)| p).collect();
            // Written as it is serialised: a large guide's JSON is never a string of its own.
            out_with(|w| {
                serde_json::to_writer_pretty(&mut *w, &plans)?;
                w.write_all(b"\n")
            });
        }
    }
    code
}

pub(super) fn lint_command(args: &PlanArgs) -> Exit {
    let (plans, mut code) = read_plans(args);
    let (mut errors, mut warnings) = (0, 0);
    let mut all = Vec::new();
    for (p, _) in &plans {
        let findings = lint::lint(p);
        errors += findings
            .iter()
            .filter(|f| f.severity == lint::Severity::Error)
            .count();
        warnings += findings
            .iter()
            .filter(|f| f.severity == lint::Severity::Warning)
            .count();
        match args.format {
            PlanFormat::Human => out(&report::lint::render(&p.guide, &findings, style(ColorArg::Auto))),
            PlanFormat::Json => all.push(serde_json::json!({ "guide": p.guide, "findings": findings })),
        }
    }
    match args.format {
        PlanFormat::Human => out(&format!(
            "guidecheck lint: {}: {}, {}\n",
            report::count(plans.len(), "guide"),
            report::count(errors, "error"),
            report::count(warnings, "warning")
        )),
        PlanFormat::Json => out(&(serde_json::to_string_pretty(&all).expect("json") + "\n")),
    }
    if code == Exit::Passed
        && (errors > 0 || args.deny_todo && plans.iter().any(|(p, _)| !p.todos.is_empty()))
    {
        code = Exit::Drift;
    }
    code
}

pub(super) fn todo_command(args: &PlanArgs) -> Exit {
    let (plans, mut code) = read_plans(args);
    let mut count = 0;
    for (p, _) in &plans {
        count += p.todos.len();
        out(&report::todos(p, style(ColorArg::Auto)));
    }
    out(&format!(
        "guidecheck todo: {}, {}\n",
        report::count(plans.len(), "guide"),
        report::count(count, "TODO section")
    ));
    if code == Exit::Passed && args.deny_todo && count > 0 {
        code = Exit::Drift;
    }
    code
}
