//! Turns extracted blocks into steps.

use super::console::{self, Prompts};
use super::directive::{self, Directive};
use super::fence::Fence;
use super::{Plan, Shown, ShownLine, Step, StepKind, StepOptions};
use crate::error::{Error, ErrorKind, Result};
use crate::extract::{Block, CodeBlock};
use crate::span::{LineIndex, Location, Span};
use regex::Regex;
use std::path::Path;
use std::sync::LazyLock;

/// Reads the steps of a guide from its blocks.
pub fn build(path: &Path, text: &str, blocks: &[Block], prompts: &Prompts) -> Result<Plan> {
    let mut builder = Builder {
        path,
        text,
        index: LineIndex::new(text),
        prompts,
        steps: Vec::new(),
        pending: Pending::default(),
        skip_rest: false,
        awaiting_output: None,
    };
    for block in blocks {
        match block {
            Block::Directive { body, span } => builder.directive(body, *span)?,
            Block::Code(code) => builder.code(code),
            Block::Prose(_) => {}
        }
    }
    Ok(Plan {
        guide: path.to_path_buf(),
        steps: builder.steps,
    })
}

/// Directives waiting for the next block.
#[derive(Default)]
struct Pending {
    options: StepOptions,
    file: Option<String>,
    output: bool,
}

struct Builder<'a> {
    path: &'a Path,
    text: &'a str,
    index: LineIndex,
    prompts: &'a Prompts,
    steps: Vec<Step>,
    pending: Pending,
    skip_rest: bool,
    /// The command step whose output may come in the next block.
    awaiting_output: Option<usize>,
}

impl Builder<'_> {
    fn line(&self, offset: usize) -> usize {
        self.index.line(offset)
    }

    fn directive(&mut self, body: &str, span: Span) -> Result<()> {
        let parsed = directive::parse(body).map_err(|e| {
            let (line, col) = self.index.line_col(self.text, span.start);
            Error::at(
                Location::new(self.path, line, col),
                ErrorKind::Guide(format!("unknown directive `{}`", e.word)),
            )
            .with_hint(e.hint)
        })?;
        for d in parsed {
            match d {
                Directive::Skip => self.pending.options.skipped = true,
                Directive::SkipRest => self.skip_rest = true,
                Directive::File(name) => self.pending.file = Some(name),
                Directive::Exit(e) => self.pending.options.exit = Some(e),
                Directive::Timeout(t) => self.pending.options.timeout = Some(t),
                Directive::Exact => self.pending.options.exact = true,
                Directive::NeedsNetwork => self.pending.options.needs_network = true,
                Directive::Output => self.pending.output = true,
                Directive::Env(name, value) => self.push(span, StepKind::Env { name, value }),
                Directive::Run(script) => {
                    let hidden = StepKind::Script { script, hidden: true };
                    self.push(span, hidden);
                }
            }
        }
        Ok(())
    }

    fn push(&mut self, span: Span, kind: StepKind) {
        let mut options = std::mem::take(&mut self.pending.options);
        options.skipped |= self.skip_rest;
        let line = self.line(span.start);
        self.steps.push(Step {
            line,
            span,
            kind,
            options,
        });
    }

    fn code(&mut self, code: &CodeBlock) {
        let fence = Fence::parse(&code.info);
        let awaiting = self.awaiting_output.take();
        let output = std::mem::take(&mut self.pending.output);
        if let Some(step) =
            awaiting.filter(|_| output || fence.is_output() && !has_prompt(self, code, &fence))
        {
            self.attach_output(step, code);
            return;
        }
        if fence.has_flag("skip") || fence.has_flag("ignore") {
            self.pending.options.skipped = true;
        }
        if let Some(exit) = fence.attr("exit").and_then(directive::parse_exit) {
            self.pending.options.exit = Some(exit);
        }
        if fence.attr("match") == Some("exact") {
            self.pending.options.exact = true;
        }
        let (content, caption) = myst_options(&code.content, &code.info);
        let named = self
            .pending
            .file
            .take()
            .map(|f| (f, "directive file=".to_string()))
            .or_else(|| {
                fence
                    .file_name()
                    .map(|(f, key)| (f.to_string(), format!("{key}=\"{f}\"")))
            })
            .or_else(|| caption.map(|c| (c, ":caption:".to_string())));
        if let Some((path, named_by)) = named {
            let kind = StepKind::File {
                path,
                content,
                named_by,
            };
            return self.push(code.span, kind);
        }
        if !fence.is_console()
            && !fence.is_script()
            && let Some(path) = comment_path(&content)
        {
            let named_by = "first-line comment".to_string();
            let kind = StepKind::File {
                path,
                content,
                named_by,
            };
            return self.push(code.span, kind);
        }
        if fence.is_console() || fence.is_script() || fence.is_output() {
            if self.commands(code, &fence) {
                return;
            }
            if fence.is_script() {
                let kind = StepKind::Script {
                    script: content,
                    hidden: false,
                };
                return self.push(code.span, kind);
            }
        }
        let reason = match fence.lang.as_str() {
            "" => "untagged block without prompts".to_string(),
            lang => format!("unnamed {lang} block (name it with file=…)"),
        };
        self.pending.options = StepOptions::default();
        self.push(code.span, StepKind::Snippet { reason });
    }

    /// Adds the commands of a transcript; false when the block has no prompt lines.
    fn commands(&mut self, code: &CodeBlock, fence: &Fence) -> bool {
        let lines = block_lines(self.text, code);
        let parsed = console::parse(&lines, self.prompts, fence.is_console());
        if parsed.is_empty() {
            return false;
        }
        let options = std::mem::take(&mut self.pending.options);
        let last = parsed.len() - 1;
        for (i, cmd) in parsed.into_iter().enumerate() {
            let span = Span::new(code.lines[cmd.command_lines.start].start, code.span.end);
            let shown = Shown {
                lines: cmd
                    .output_lines
                    .clone()
                    .map(|l| ShownLine {
                        text: lines[l].to_string(),
                        line: self.line(code.lines[l].start),
                    })
                    .collect(),
                span: output_span(self.text, code, cmd.command_lines.end, cmd.output_lines.end),
            };
            let empty = shown.lines.is_empty();
            self.pending.options = options.clone();
            let command = StepKind::Command {
                command: cmd.command,
                shown: Some(shown),
            };
            self.push(span, command);
            if i == last && empty {
                self.awaiting_output = Some(self.steps.len() - 1);
            }
        }
        true
    }

    /// An output block right after a command with no shown output is that output.
    fn attach_output(&mut self, step: usize, code: &CodeBlock) {
        let lines = block_lines(self.text, code);
        let shown = Shown {
            lines: lines
                .iter()
                .zip(&code.lines)
                .map(|(text, span)| ShownLine {
                    text: (*text).to_string(),
                    line: self.line(span.start),
                })
                .collect(),
            span: output_span(self.text, code, 0, code.lines.len()),
        };
        if let StepKind::Command { shown: slot, .. } = &mut self.steps[step].kind {
            *slot = Some(shown);
        }
    }
}

fn has_prompt(builder: &Builder<'_>, code: &CodeBlock, fence: &Fence) -> bool {
    block_lines(builder.text, code)
        .iter()
        .any(|l| builder.prompts.strip(l, fence.is_console()).is_some())
}

/// The block's content lines as written (tabs, trailing spaces and CR kept out).
fn block_lines<'t>(text: &'t str, code: &CodeBlock) -> Vec<&'t str> {
    code.lines
        .iter()
        .map(|s| text[s.start..s.end].trim_end_matches('\r'))
        .collect()
}

/// The byte span of lines `from..to` of a block; empty (an insertion point) when there are
/// none: right after line `from - 1`, or at the block's first content line.
fn output_span(text: &str, code: &CodeBlock, from: usize, to: usize) -> Span {
    if from < to {
        return Span::new(code.lines[from].start, code.lines[to - 1].end);
    }
    let at = match from.checked_sub(1).and_then(|l| code.lines.get(l)) {
        Some(prev) => next_line_start(text, prev.end),
        None => code.lines.first().map_or(code.span.start, |l| l.start),
    };
    Span::new(at, at)
}

fn next_line_start(text: &str, offset: usize) -> usize {
    text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1)
}

static COMMENT_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:#|//|--|;+)\s*([\w.+/-]+\.[\w]+)\s*$|^/\*\s*([\w.+/-]+\.[\w]+)\s*\*/$").expect("valid")
});

/// `# hello.nix`, `// main.c`, `/* hello.nix */`: a first line that is only a path.
fn comment_path(content: &str) -> Option<String> {
    let caps = COMMENT_PATH.captures(content.lines().next()?.trim())?;
    let path = caps.get(1).or(caps.get(2))?.as_str();
    (!path.starts_with('/')).then(|| path.to_string())
}

/// MyST directive options (`:caption: hello.nix`) at the top of a ```{code-block} body.
fn myst_options(content: &str, info: &str) -> (String, Option<String>) {
    if !info.trim_start().starts_with('{') {
        return (content.to_string(), None);
    }
    let mut caption = None;
    let mut rest = content;
    while let Some(line) = rest.lines().next().filter(|l| l.starts_with(':')) {
        if let Some(value) = line.strip_prefix(":caption:") {
            caption = Some(value.trim().to_string());
        }
        rest = rest[line.len()..].strip_prefix('\n').unwrap_or("");
    }
    (rest.to_string(), caption)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract;

    fn plan(text: &str) -> Plan {
        build(Path::new("g.md"), text, &extract(text), &Prompts::default()).unwrap()
    }

    fn kinds(plan: &Plan) -> Vec<String> {
        plan.steps
            .iter()
            .map(|s| format!("{}: {}", s.line, s.summary()))
            .collect()
    }

    #[test]
    fn files_commands_and_scripts_in_document_order() {
        let p = plan(
            "# T\n\n```nix title=\"a.nix\"\n1\n```\n\n```bash\nmkdir x\n```\n\n```console\n$ echo hi\nhi\n$ ls\n```\n",
        );
        assert_eq!(
            kinds(&p),
            ["3: write a.nix", "7: script: mkdir x", "12: echo hi", "14: ls"]
        );
    }

    #[test]
    fn first_line_comment_names_a_file() {
        let p = plan("```nix\n# llamafile.nix\n{ }: 1\n```\n\n```c\n/* main.c */\n```\n");
        assert_eq!(kinds(&p), ["1: write llamafile.nix", "6: write main.c"]);
    }

    #[test]
    fn untagged_block_after_a_command_is_its_output() {
        let p = plan("```bash\n$ make\n```\n\nYou should see:\n\n```\nok\n```\n");
        let StepKind::Command {
            shown: Some(shown), ..
        } = &p.steps[0].kind
        else {
            panic!("not a command: {:?}", p.steps[0]);
        };
        assert_eq!(shown.lines.len(), 1);
        assert_eq!((shown.lines[0].text.as_str(), shown.lines[0].line), ("ok", 8));
        assert_eq!(p.steps.len(), 1);
    }

    #[test]
    fn directives_apply_to_the_next_block() {
        let p = plan("<!-- guidecheck: skip -->\n```sh\nfalse\n```\n\n```sh\ntrue\n```\n");
        assert!(p.steps[0].options.skipped);
        assert!(!p.steps[1].options.skipped);
    }

    #[test]
    fn hidden_run_and_file_directives() {
        let p =
            plan("<!-- guidecheck: run\nmkdir d\n-->\n\n<!-- guidecheck: file=x.txt -->\n```\nhello\n```\n");
        assert_eq!(kinds(&p), ["1: hidden script: mkdir d", "6: write x.txt"]);
    }

    #[test]
    fn unknown_directive_is_an_error_at_its_line() {
        let text = "text\n\n<!-- guidecheck: skp -->\n";
        let err = build(Path::new("g.md"), text, &extract(text), &Prompts::default()).unwrap_err();
        assert_eq!(
            err.to_string().lines().next().unwrap(),
            "g.md:3:1: unknown directive `skp`"
        );
        assert!(err.hint.unwrap().contains("`skip`"));
    }

    #[test]
    fn myst_caption_names_the_file() {
        let p = plan("```{code-block} nix\n:caption: hello.nix\n{ }: 1\n```\n");
        let StepKind::File { path, content, .. } = &p.steps[0].kind else {
            panic!()
        };
        assert_eq!((path.as_str(), content.as_str()), ("hello.nix", "{ }: 1\n"));
    }
}
