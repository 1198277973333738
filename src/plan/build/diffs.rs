//! ```diff blocks: placed on the file their header names, else on the latest file or unnamed
//! Nix block whose context they match. A diff that cannot be placed is a snippet with the
//! reason (and a `lint` warning), never an error: a well-formed guide is never refused.

use super::{Builder, SnippetWhy, Text};
use crate::extract::CodeBlock;
use crate::plan::patch;

impl Builder<'_> {
    pub(super) fn diff(&mut self, code: &CodeBlock, diff: &str, named: Option<String>) {
        let span = code.span;
        let target = named.or_else(|| patch::target(diff));
        // A diff of a file nothing wrote yet, which removes nothing, creates it.
        if let Some(path) = target.as_ref().filter(|p| !self.texts.written(p))
            && let Some(content) = patch::new_file(diff)
        {
            let named_by = format!("diff creating {path}");
            return self.file(span, path.clone().into(), content.into(), named_by.into());
        }
        if patch::is_empty(diff) {
            return self.snippet(span, SnippetWhy::Fragment, "diff with no changed lines".into());
        }
        let candidates: Vec<&Text> = match &target {
            Some(path) => self.texts.latest(path).into_iter().collect(),
            None => self.texts.newest_first().collect(),
        };
        let placed = candidates.iter().find_map(|t| {
            patch::apply(&t.content, diff)
                .ok()
                .map(|patched| (*t, inside_nix(t, diff, patched)))
        });
        let Some((text, patched)) = placed else {
            let reason = unplaced_reason(target.as_deref(), &candidates, diff);
            return self.snippet(span, SnippetWhy::UnplacedDiff, reason);
        };
        match text.path.clone() {
            Some(path) => {
                let named_by = format!("diff of {path}");
                self.file(span, path, patched.into(), named_by.into());
            }
            None => {
                let line = text.line;
                self.revise_unnamed(span, patched, line);
            }
        }
    }

    /// A diff of an unnamed Nix block: the result is named by inference, or stays unnamed.
    fn revise_unnamed(&mut self, span: crate::span::Span, patched: String, line: usize) {
        if let Some((path, why)) = self.infer_name(&patched) {
            return self.file(
                span,
                path.into(),
                patched.into(),
                format!("diff of the block at line {line}; {why}").into(),
            );
        }
        self.remember(None, &patched, span);
        self.snippet(
            span,
            SnippetWhy::Unnamed,
            format!("diff of the unnamed nix block at line {line}: no file name given or inferred"),
        );
    }
}

/// "Add this to x.nix" with no context: at the end, a Nix file no longer parses; a reader
/// puts it inside the top-level set, before its closing brace. Used when that parses.
fn inside_nix(text: &Text, diff: &str, at_end: String) -> String {
    let nix = text.path.as_ref().is_none_or(|p| p.ends_with(".nix"));
    if !nix || crate::nix::syntax::parses(&at_end) || !crate::nix::syntax::parses(&text.content) {
        return at_end;
    }
    let lines: Vec<&str> = text.content.lines().collect();
    let Some(close) = lines.iter().rposition(|l| l.trim_start().starts_with('}')) else {
        return at_end;
    };
    match patch::apply_inserting(&text.content, diff, Some(close)) {
        Ok(inside) if crate::nix::syntax::parses(&inside) => inside,
        _ => at_end,
    }
}

fn unplaced_reason(target: Option<&str>, candidates: &[&Text], diff: &str) -> String {
    let hunk = |text: &Text| {
        patch::apply(&text.content, diff)
            .err()
            .map_or(String::new(), |e| format!("hunk {}", e.hunk + 1))
    };
    match (target, candidates.first()) {
        (Some(path), None) => format!("diff of `{path}`, which no earlier step writes"),
        (Some(path), Some(text)) => {
            format!(
                "diff that cannot be placed: {} does not match the latest `{path}`",
                hunk(text)
            )
        }
        (None, None) => "diff with no earlier file or nix block to apply it to".into(),
        (None, Some(_)) => {
            "diff that cannot be placed: its context matches no earlier file or nix block".into()
        }
    }
}
