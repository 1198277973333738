//! Output shown in a block of its own: "Run this: … You should see:" after a command that
//! shows none, or after a script.

use super::{Builder, Str, block_lines};
use crate::extract::CodeBlock;
use crate::plan::{Shown, ShownLine, StepKind};
use crate::span::Span;

/// At most this many lines of prose between a command and the block showing its output.
const MAX_PROSE_BEFORE_OUTPUT: usize = 6;

impl Builder<'_> {
    /// A script block: every line runs; its output may come in the next block.
    pub(super) fn script(&mut self, code: &CodeBlock, script: String) {
        let kind = StepKind::Script {
            script: script.into(),
            hidden: false,
        };
        self.push(code.span, kind);
        self.await_output(code);
    }

    /// The last step may show its output in the next block (after `code`).
    pub(super) fn await_output(&mut self, code: &CodeBlock) {
        self.awaiting_output = Some(self.steps.len() - 1);
        self.awaiting_since = code.span.end;
    }

    /// Only a little prose lies between offset `from` (the end of a block) and `code` ("You
    /// should see:"), and no heading or rule: a reader still reads the two together.
    pub(super) fn reads_together(&self, from: usize, code: &CodeBlock) -> bool {
        let between = self.text.get(from..code.span.start).unwrap_or("");
        let heading_or_rule = |l: &str| {
            l.starts_with('#') || (l.len() >= 3 && l.chars().all(|c| matches!(c, '-' | '=' | '*' | '_')))
        };
        let mut prose = between
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("<!--"));
        // Read no further than it takes to know (the gap may be long).
        prose
            .by_ref()
            .take(MAX_PROSE_BEFORE_OUTPUT)
            .all(|l| !heading_or_rule(l))
            && prose.next().is_none()
    }

    /// An output block right after a command with no shown output (or a script) is that
    /// output.
    pub(super) fn attach_output(&mut self, step: usize, code: &CodeBlock) {
        let lines = block_lines(self.text, code);
        let shown = Shown {
            lines: lines
                .iter()
                .zip(&code.lines)
                .map(|(text, span)| ShownLine {
                    text: Str::from(*text),
                    line: self.line(span.start),
                })
                .collect(),
            span: output_span(self.text, code, 0, code.lines.len()),
            block: code.span,
            placeholder: code.content.trim().is_empty(),
        };
        let kind = &mut self.steps[step].kind;
        match kind {
            StepKind::Command { shown: slot, .. } => *slot = Some(shown),
            // A script with its output shown is compared as one command.
            StepKind::Script { script, .. } => {
                *kind = StepKind::Command {
                    command: Str::from(script.trim_end_matches('\n')),
                    shown: Some(shown),
                }
            }
            _ => {}
        }
    }
}

/// The byte span of lines `from..to` of a block; empty (an insertion point) when there are
/// none: right after line `from - 1`, or at the block's first content line.
pub(super) fn output_span(text: &str, code: &CodeBlock, from: usize, to: usize) -> Span {
    if from < to {
        return Span::new(code.lines[from].start, code.lines[to - 1].end);
    }
    let at = match from.checked_sub(1).and_then(|l| code.lines.get(l)) {
        Some(prev) => next_line_start(text, prev.end),
        // An empty block: right after its opening fence line.
        None => code
            .lines
            .first()
            .map_or_else(|| next_line_start(text, code.span.start), |l| l.start),
    };
    Span::new(at, at)
}

fn next_line_start(text: &str, offset: usize) -> usize {
    text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1)
}
