//! Blocks whose content goes to an evaluator, not to the shell: expression/value pairs
//! (nix.dev's `:class: expression` then `:class: value`, or `<!-- guidecheck: eval -->`
//! then any block) and REPL transcripts (`nix-repl> ` lines).

use super::{Builder, Expression, Str, block_lines, each_block_line, has_placeholder};
use crate::extract::CodeBlock;
use crate::plan::fence::Myst;
use crate::plan::{ReplInput, Shown, ShownLine, SnippetWhy, StepKind};
use crate::span::Span;

impl Builder<'_> {
    /// Takes an expression or a value block; true when the block was one of them.
    pub(super) fn evaluated(&mut self, code: &CodeBlock, content: &str, myst: &Myst) -> bool {
        let class = myst.class.as_deref();
        if let Some(Expression {
            span,
            text,
            myst: marked,
        }) = self.pending.expression.take()
        {
            let plain = !marked && class.is_none() && !code.info.trim_start().starts_with('{');
            if class == Some("value") || plain {
                let shown = self.shown_from(code, myst.lines);
                self.push(
                    span,
                    StepKind::Eval {
                        expression: text,
                        shown,
                    },
                );
                return true;
            }
            self.push_expression(span, text);
        }
        let asked = std::mem::take(&mut self.pending.eval);
        if class == Some("expression") && !asked {
            // nix.dev marks excerpts `expression` too: `with pkgs; …` then `# ...`, or an
            // attribute (`buildInputs = …;`). Only a whole expression is evaluated.
            if has_placeholder(content) {
                self.snippet(
                    code.span,
                    SnippetWhy::Placeholder,
                    "expression with a placeholder line (`...`): an excerpt".into(),
                );
                return true;
            }
            if !crate::nix::syntax::parses(content) {
                self.snippet(
                    code.span,
                    SnippetWhy::Fragment,
                    "expression that is not a whole Nix expression: an excerpt".into(),
                );
                return true;
            }
        }
        if class == Some("expression") || asked {
            let myst = !asked;
            self.pending.expression = Some(Expression {
                span: code.span,
                text: content.to_string(),
                myst,
            });
            return true;
        }
        false
    }

    /// An expression whose value is not shown: it must evaluate, nothing more.
    pub(super) fn flush_expression(&mut self) {
        if let Some(Expression { span, text, .. }) = self.pending.expression.take() {
            self.push_expression(span, text);
        }
    }

    fn push_expression(&mut self, span: Span, expression: String) {
        let shown = Shown {
            lines: Vec::new(),
            span: Span::new(span.end, span.end),
            block: span,
            placeholder: false,
        };
        self.push(span, StepKind::Eval { expression, shown });
    }

    /// The lines of a block after its first `skip` (option) lines, as shown output.
    fn shown_from(&self, code: &CodeBlock, skip: usize) -> Shown {
        let lines = block_lines(self.text, code);
        let shown: Vec<ShownLine> = lines
            .iter()
            .zip(&code.lines)
            .skip(skip)
            .map(|(text, span)| ShownLine {
                text: Str::from(*text),
                line: self.line(span.start),
            })
            .collect();
        let span = match (code.lines.get(skip), code.lines.last()) {
            (Some(first), Some(last)) => Span::new(first.start, last.end),
            _ => Span::new(code.span.end, code.span.end),
        };
        Shown {
            lines: shown,
            span,
            block: code.span,
            placeholder: false,
        }
    }

    /// A block that starts at the REPL prompt: one REPL session (`nix repl`).
    pub(super) fn repl_block(&mut self, code: &CodeBlock) -> bool {
        let first = each_block_line(self.text, code).find(|l| !l.trim().is_empty());
        if first.is_none_or(|l| crate::nix::repl::input(l).is_none()) {
            return false;
        }
        let inputs = self.repl_inputs(code, 0..code.lines.len());
        self.push(
            code.span,
            StepKind::Repl {
                command: crate::nix::repl::COMMAND.into(),
                inputs,
            },
        );
        true
    }

    /// The inputs at REPL prompts among lines `range` of a block, each with the lines
    /// shown under it.
    pub(super) fn repl_inputs(&self, code: &CodeBlock, range: std::ops::Range<usize>) -> Vec<ReplInput> {
        let lines = block_lines(self.text, code);
        let mut inputs: Vec<ReplInput> = Vec::new();
        for i in range {
            let line = self.line(code.lines[i].start);
            match crate::nix::repl::input(lines[i]) {
                Some(input) => inputs.push(ReplInput {
                    input: input.to_string(),
                    line,
                    shown: Vec::new(),
                }),
                None => {
                    let Some(last) = inputs.last_mut() else { continue };
                    if last.shown.is_empty() && crate::nix::repl::continues(&last.input, lines[i]) {
                        last.input.push('\n');
                        last.input.push_str(lines[i].trim_start());
                        continue;
                    }
                    last.shown.push(ShownLine {
                        text: Str::from(lines[i]),
                        line,
                    });
                }
            }
        }
        inputs.retain(|i| !i.input.trim().is_empty());
        inputs
    }
}
