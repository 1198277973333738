//! Shown build-log lines of a derivation this run did not build (the store had it): checked
//! against the log Nix kept (`run` reads it), or reported unverified where there is none.

use super::{ComparedLine, Problem, matcher, normalize_shown};
use crate::normalize::Normalizer;
use crate::plan::ShownLine;
use crate::run::StepRun;

/// Problems with shown build-log lines the kept logs lack, and the Markdown lines that no
/// log could verify.
pub(super) fn check(
    shown: &[ShownLine],
    run: &StepRun,
    normalizer: &Normalizer,
) -> (Vec<Problem>, Vec<usize>) {
    let texts: Vec<&str> = shown.iter().map(|l| l.text.as_str()).collect();
    if !crate::nix::optional::shows_a_build(&texts) {
        return (Vec::new(), Vec::new());
    }
    let shown = normalize_shown(shown, normalizer, false);
    let texts: Vec<String> = shown.iter().map(|l| l.text.trim().to_string()).collect();
    let real: Vec<String> = normalizer
        .lines(&run.output)
        .iter()
        .map(|l| l.trim().to_string())
        .collect();
    let mut problems = Vec::new();
    let mut unverified = Vec::new();
    let mut missing: Vec<(String, ComparedLine)> = Vec::new();
    for (line, name) in shown
        .iter()
        .zip(crate::nix::optional::unbuilt_logs(&texts, &real))
    {
        let Some(name) = name else { continue };
        if matcher::is_ellipsis(&line.text) {
            continue;
        }
        match run.logs.iter().find(|(n, _)| *n == name) {
            Some((_, log)) => {
                let log = normalizer.lines(log);
                if !log
                    .iter()
                    .any(|l| matcher::line_matches(line.text.trim(), l.trim()))
                {
                    missing.push((name, line.clone()));
                }
            }
            None => unverified.push(line.line),
        }
    }
    if let Some((name, _)) = missing.first() {
        problems.push(Problem::Log {
            derivation: name.clone(),
            missing: missing.into_iter().map(|(_, l)| l).collect(),
        });
    }
    (problems, unverified)
}
