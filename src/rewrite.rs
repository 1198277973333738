//! Verdicts → a rewritten guide (`--bless`). Pure: text in, text out.
//!
//! Only the spans that change are replaced: the shown output of a command that drifted (or
//! an empty output placeholder), the fences around it when the output holds a fence, and a
//! changed `got:` hash wherever a later file step pasted it. Everything else stays byte for
//! byte (CRLF, tabs, trailing spaces, front matter).

use crate::compare::matcher::{is_ellipsis, line_matches};
use crate::compare::{Problem, Status, Verdict};
use crate::normalize::Normalizer;
use crate::plan::{Plan, Shown, StepKind};
use crate::run::StepRun;
use crate::span::Span;

/// One replacement of `span` by `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// What `--bless` would do to a guide.
#[derive(Debug, Clone, Default)]
pub struct Blessing {
    pub text: String,
    /// `got:` hashes that changed (old, new): later steps ran with the old one pasted.
    pub hash_changes: Vec<(String, String)>,
}

/// Rewrites a guide with what really happened.
pub fn bless(
    text: &str,
    plan: &Plan,
    runs: &[Option<StepRun>],
    verdicts: &[Verdict],
    normalizer: &Normalizer,
) -> Blessing {
    let mut edits = Vec::new();
    let mut hash_changes = Vec::new();
    for (i, step) in plan.steps.iter().enumerate() {
        if let Some(Verdict { problems, .. }) = verdicts.get(i)
            && let Some(Problem::Paste {
                line, pasted, got, ..
            }) = problems.iter().find(|p| matches!(p, Problem::Paste { .. }))
        {
            edits.extend(paste_edit(text, *line, pasted, got));
            hash_changes.push((pasted.clone(), got.clone()));
            // Later steps ran with the mistyped paste: run again before writing them.
            break;
        }
        let shown = match &step.kind {
            StepKind::Command {
                shown: Some(shown), ..
            } => shown,
            // A value block is rewritten like a command's output; an expression shown
            // without one has nowhere to write.
            StepKind::Eval { shown, .. } if !shown.lines.is_empty() => shown,
            _ => continue,
        };
        let (Some(Some(run)), Some(verdict)) = (runs.get(i), verdicts.get(i)) else {
            continue;
        };
        // Never write what the environment caused (no network, no Nix) into a guide.
        if matches!(verdict.status, Status::Blocked | Status::Skipped) {
            continue;
        }
        let drifted = verdict
            .problems
            .iter()
            .any(|p| matches!(p, Problem::Output(_) | Problem::Hash { .. }));
        let fill = shown.placeholder && !run.output.trim().is_empty();
        if !drifted && !fill {
            continue;
        }
        let lines = merged_output(shown, &normalizer.display(&run.output), normalizer);
        edits.extend(output_edits(text, shown, &lines));
        edits.extend(hash_edits(text, &plan.steps[i + 1..], verdict, &mut hash_changes));
        // Later steps ran with the old hash pasted: what they printed is not the guide's
        // reality. The caller runs the guide again with the new hash.
        if !hash_changes.is_empty() {
            break;
        }
    }
    Blessing {
        text: apply(text, edits),
        hash_changes,
    }
}

/// A shown `got:` hash that changed becomes the new one in every later file step (the
/// reader was told to paste it there).
fn hash_edits(
    text: &str,
    later: &[crate::plan::Step],
    verdict: &Verdict,
    changes: &mut Vec<(String, String)>,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    for problem in &verdict.problems {
        if let Problem::Hash {
            shown: old,
            real: new,
            ..
        } = problem
        {
            changes.push((old.clone(), new.clone()));
            for step in later.iter().filter(|s| matches!(s.kind, StepKind::File { .. })) {
                edits.extend(replace_all(text, step.span, old, new));
            }
        }
    }
    edits
}

/// Applies edits (sorted by position; an edit overlapping an earlier one is dropped).
pub fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        if edit.span.start < at {
            continue;
        }
        out.push_str(&text[at..edit.span.start]);
        out.push_str(&edit.text);
        at = edit.span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The new shown output: real lines, with the author's lines kept where they still match
/// (their `[..]`), `...` kept where it still stands for something, and planning lines this
/// run did not print kept (they are true of a cold store).
fn merged_output(shown: &Shown, real: &str, normalizer: &Normalizer) -> Vec<String> {
    let real: Vec<&str> = real.lines().collect();
    let real_norm: Vec<String> = real.iter().map(|l| normalizer.text(l)).collect();
    let shown_norm: Vec<String> = shown
        .lines
        .iter()
        .map(|l| normalizer.shown_lines(&l.text).join("\n"))
        .collect();
    let optional = crate::nix::optional::optional_lines(&shown_norm, &real_norm);
    let find =
        |pattern: &str, from: usize| (from..real.len()).find(|&r| line_matches(pattern, &real_norm[r]));
    let mut out = Vec::new();
    let mut j = 0;
    for (i, line) in shown.lines.iter().enumerate() {
        let pattern = &shown_norm[i];
        if is_ellipsis(pattern) {
            let next = (i + 1..shown.lines.len())
                .find_map(|k| find(&shown_norm[k], j).filter(|_| !shown_norm[k].is_empty()));
            out.push(line.text.to_string());
            // Nothing after the elision matches any more: leave one real line for each shown
            // line still to come, so they are replaced one for one.
            let remaining = (i + 1..shown.lines.len())
                .filter(|&k| !shown_norm[k].is_empty() && !is_ellipsis(&shown_norm[k]) && !optional[k])
                .count();
            j = next.unwrap_or_else(|| real.len().saturating_sub(remaining).max(j));
            continue;
        }
        if pattern.is_empty() {
            continue;
        }
        match find(pattern, j) {
            Some(r) => {
                out.extend(real[j..r].iter().map(|s| (*s).to_string()));
                out.push(line.text.to_string());
                j = r + 1;
            }
            None if optional[i] => out.push(line.text.to_string()),
            None => {}
        }
    }
    out.extend(real[j..].iter().map(|s| (*s).to_string()));
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out
}

/// Replaces the shown output with `lines`, in the block's indentation and line endings,
/// and lengthens the fences when the output itself holds a fence.
fn output_edits(text: &str, shown: &Shown, lines: &[String]) -> Vec<Edit> {
    let block = &text[shown.block.start..shown.block.end];
    let eol = if block.contains("\r\n") { "\r\n" } else { "\n" };
    let block_line = line_start(text, shown.block.start);
    let fence_indent: String = text[block_line..shown.block.start]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    // The shown lines' own indentation, where they have one (a transcript indented in its
    // block, or lines less indented than their fence), else the fence's.
    let own = &text[line_start(text, shown.span.start)..shown.span.start];
    let indent = match shown.span.start == shown.span.end || !own.chars().all(char::is_whitespace) {
        true => fence_indent,
        false => own.to_string(),
    };
    let mut edits = Vec::new();
    if shown.span.start == shown.span.end {
        let new: String = lines.iter().map(|l| format!("{indent}{l}{eol}")).collect();
        edits.push(Edit {
            span: shown.span,
            text: new,
        });
    } else if lines.is_empty() {
        let span = Span::new(
            line_start(text, shown.span.start),
            next_line_start(text, shown.span.end),
        );
        edits.push(Edit {
            span,
            text: String::new(),
        });
    } else {
        edits.push(Edit {
            span: shown.span,
            text: lines.join(&format!("{eol}{indent}")),
        });
    }
    edits.extend(lengthen_fences(text, shown.block, lines));
    edits
}

/// When an output line starts with a fence as long as the block's, both fences grow.
fn lengthen_fences(text: &str, block: Span, lines: &[String]) -> Vec<Edit> {
    let Some((fence_char, len, close)) = crate::extract::fences(text, block) else {
        return Vec::new();
    };
    let longest = lines
        .iter()
        .map(|l| l.trim_start().chars().take_while(|&c| c == fence_char).count())
        .max()
        .unwrap_or(0);
    if longest < len {
        return Vec::new();
    }
    let grow: String = std::iter::repeat_n(fence_char, longest + 1 - len).collect();
    let opening =
        block.start + (text[block.start..].len() - text[block.start..].trim_start_matches(' ').len());
    let mut edits = vec![Edit {
        span: Span::new(opening, opening),
        text: grow.clone(),
    }];
    if let Some(at) = close {
        edits.push(Edit {
            span: Span::new(at, at),
            text: grow,
        });
    }
    edits
}

/// Puts `got` where Markdown line `line` pastes `pasted` (`""` when it pasted nothing).
fn paste_edit(text: &str, line: usize, pasted: &str, got: &str) -> Option<Edit> {
    let index = crate::span::LineIndex::new(text);
    let start = index.line_start(line);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let (needle, with) = if pasted.is_empty() {
        ("\"\"".to_string(), format!("\"{got}\""))
    } else {
        (pasted.to_string(), got.to_string())
    };
    let at = start + text[start..end].find(&needle)?;
    Some(Edit {
        span: Span::new(at, at + needle.len()),
        text: with,
    })
}

fn replace_all(text: &str, span: Span, old: &str, new: &str) -> Vec<Edit> {
    text[span.start..span.end]
        .match_indices(old)
        .map(|(i, _)| Edit {
            span: Span::new(span.start + i, span.start + i + old.len()),
            text: new.to_string(),
        })
        .collect()
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

fn next_line_start(text: &str, offset: usize) -> usize {
    text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1)
}

#[cfg(test)]
mod tests;
