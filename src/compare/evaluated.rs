//! Verdicts for evaluated steps: an expression against the value it shows, and each input
//! of a REPL session against its shown answer. Values are compared whitespace-insensitively.

use super::{ComparedLine, OutputMismatch, Problem, normalize_shown};
use crate::normalize::Normalizer;
use crate::plan::{ExitExpectation, ReplInput, Shown, ShownLine};

/// What an expression's evaluation must end with, and the problems with its value.
pub(super) fn eval(shown: &Shown, output: &str, normalizer: &Normalizer) -> (ExitExpectation, Vec<Problem>) {
    let text: String = shown.lines.iter().map(|l| format!("{}\n", l.text)).collect();
    let expected = if crate::nix::eval::is_error(&text) {
        ExitExpectation::Failure
    } else {
        ExitExpectation::Success
    };
    if shown.lines.is_empty() {
        return (expected, Vec::new());
    }
    let real: Vec<String> = normalizer
        .lines(output)
        .into_iter()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("warning:"))
        .collect();
    (
        expected,
        differs(&shown.lines, &real, normalizer).into_iter().collect(),
    )
}

/// The problems of a REPL session: each input whose shown answer is not the real one.
pub(super) fn repl(inputs: &[ReplInput], output: &str, normalizer: &Normalizer) -> Vec<Problem> {
    let texts: Vec<String> = inputs.iter().map(|i| i.input.clone()).collect();
    let real = crate::nix::repl::answers(&normalizer.lines(output).join("\n"), &texts);
    inputs
        .iter()
        .zip(real)
        .filter(|(input, _)| !input.shown.is_empty())
        .filter_map(|(input, real)| differs(&input.shown, &real, normalizer))
        .collect()
}

/// A mismatch when the shown lines and the real ones differ beyond whitespace.
fn differs(shown: &[ShownLine], real: &[String], normalizer: &Normalizer) -> Option<Problem> {
    let shown: Vec<ComparedLine> = normalize_shown(shown, normalizer, false)
        .into_iter()
        .filter(|l| !l.text.trim().is_empty())
        .collect();
    let canonical = |lines: &mut dyn Iterator<Item = &str>| {
        crate::nix::eval::canonical(&lines.collect::<Vec<_>>().join("\n"))
    };
    let same = canonical(&mut shown.iter().map(|l| l.text.as_str()))
        == canonical(&mut real.iter().map(String::as_str));
    (!same).then(|| {
        Problem::Output(OutputMismatch {
            exact: true,
            shown,
            real: real.to_vec(),
        })
    })
}
