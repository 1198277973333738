//! Shown output against real output: the matcher's verdict, the `got:` hash, and the diff
//! view of a mismatch.

use super::*;

/// A step's shown and real output, each normalised once: several checks read them.
pub(super) struct Normalized {
    /// Every shown line, blank ones too (`shown` picks those a comparison reads).
    all_shown: Vec<ComparedLine>,
    /// The real output's lines.
    pub(super) real: Vec<String>,
}

impl Normalized {
    pub(super) fn of(shown: &[ShownLine], output: &str, normalizer: &Normalizer) -> Self {
        Normalized {
            all_shown: normalize_all(shown, normalizer),
            real: normalizer.lines(output),
        }
    }

    /// The shown lines a comparison reads: an exact one keeps blank lines but the
    /// trailing ones, any other none.
    pub(super) fn shown(&self, exact: bool) -> Vec<ComparedLine> {
        let blank = |l: &&ComparedLine| l.text.is_empty();
        match exact {
            true => {
                let trailing = self.all_shown.iter().rev().take_while(blank).count();
                self.all_shown[..self.all_shown.len() - trailing].to_vec()
            }
            false => self.all_shown.iter().filter(|l| !blank(l)).cloned().collect(),
        }
    }

    /// The shown text's lines as `Normalizer::lines` reads them, where they are those
    /// (the normaliser reads no author folders in shown text).
    pub(super) fn shown_as_lines(&self, normalizer: &Normalizer) -> Option<impl Iterator<Item = &str>> {
        (!normalizer.reads_author_folders()).then(|| self.all_shown.iter().map(|l| l.text.as_str()))
    }
}

pub(super) fn output_problems(normalized: &Normalized, exact: bool) -> Vec<Problem> {
    let shown = normalized.shown(exact);
    let real: Vec<String> = match exact {
        true => normalized.real.clone(),
        false => normalized
            .real
            .iter()
            .filter(|l| !l.is_empty())
            .cloned()
            .collect(),
    };
    let texts: Vec<String> = shown.iter().map(|l| l.text.clone()).collect();
    let optional = optional::optional_lines(&texts, &real);
    let required: Vec<String> = texts
        .iter()
        .zip(&optional)
        .map(|(t, &opt)| if opt { "...".to_string() } else { t.clone() })
        .collect();
    let ok = if exact {
        matcher::exact(&texts, &optional, &real)
    } else {
        let aligned = matcher::align(&required, &real);
        required
            .iter()
            .zip(&aligned)
            .all(|(t, a)| a.is_some() || matcher::is_ellipsis(t))
    };
    let mut problems = Vec::new();
    if let Some(hash) = hash_problem(&shown, &real) {
        problems.push(hash);
    }
    if ok {
        return problems;
    }
    // Diff view: drop elisions and optional lines that did not appear, and show real lines
    // in the shown spelling where they matched.
    let aligned = matcher::align(&texts, &real);
    let mut toward = real.clone();
    let mut kept = Vec::new();
    for ((line, opt), found) in shown.into_iter().zip(optional).zip(aligned) {
        match found {
            Some(j) => {
                toward[j].clone_from(&line.text);
                kept.push(line);
            }
            None if opt || matcher::is_ellipsis(&line.text) => {}
            None => kept.push(line),
        }
    }
    problems.push(Problem::Output(OutputMismatch {
        exact,
        shown: kept,
        real: toward,
    }));
    problems
}

/// A changed `got:` hash deserves its own message: it is the fact the reader pastes.
fn hash_problem(shown: &[ComparedLine], real: &[String]) -> Option<Problem> {
    let shown_text: String = shown.iter().map(|l| format!("{}\n", l.text)).collect();
    let shown_pairs = facts::hash_pairs(&shown_text);
    let real_pairs = facts::hash_pairs(&real.join("\n"));
    let (s, r) = shown_pairs
        .iter()
        .zip(&real_pairs)
        .find(|(s, r)| s.got != r.got)?;
    let line = shown
        .iter()
        .find(|l| l.text.contains(&s.got))
        .map_or(0, |l| l.line);
    Some(Problem::Hash {
        line,
        shown: s.got.clone(),
        real: r.got.clone(),
    })
}

/// Normalises the shown lines as one text (multi-line rules need it), keeping for each
/// resulting line the Markdown line it came from.
pub(super) fn normalize_shown(
    shown: &[ShownLine],
    normalizer: &Normalizer,
    exact: bool,
) -> Vec<ComparedLine> {
    let mut lines = normalize_all(shown, normalizer);
    match exact {
        true => {
            while lines.last().is_some_and(|l| l.text.is_empty()) {
                lines.pop();
            }
        }
        false => lines.retain(|l| !l.text.is_empty()),
    }
    lines
}

/// Every normalised shown line (blank ones too), with the Markdown line it came from.
fn normalize_all(shown: &[ShownLine], normalizer: &Normalizer) -> Vec<ComparedLine> {
    if shown.is_empty() {
        return Vec::new();
    }
    let joined: String = shown.iter().map(|l| format!("{}\n", l.text)).collect();
    let whole = normalizer.shown_lines(&joined);
    if whole.len() == shown.len() {
        // No rule joined or split lines: each line came from the shown line at its place.
        return whole
            .into_iter()
            .zip(shown)
            .map(|(text, l)| ComparedLine { text, line: l.line })
            .collect();
    }
    let single: Vec<String> = shown
        .iter()
        .map(|l| normalizer.shown_lines(&l.text).join("\n"))
        .collect();
    let mut origin = vec![None; whole.len()];
    for op in capture_diff_slices(Algorithm::Myers, &single, &whole) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                origin[new_index + k] = Some(old_index + k);
            }
        }
    }
    let mut last = 0;
    let mut lines = Vec::with_capacity(whole.len());
    for (text, from) in whole.into_iter().zip(origin) {
        last = from.unwrap_or(last);
        lines.push(ComparedLine {
            text,
            line: shown[last.min(shown.len() - 1)].line,
        });
    }
    lines
}
