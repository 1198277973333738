//! Turns extracted blocks into steps.

use super::console::{self, Prompts};
use super::directive::{self, Directive};
use super::fence::Fence;
use super::patch;
use super::{Plan, Shown, ShownLine, Step, StepKind, StepOptions};
use crate::error::{Error, ErrorKind, Result};
use crate::extract::{Block, CodeBlock};
use crate::nix::syntax;
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
        files: Vec::new(),
    };
    for block in blocks {
        match block {
            Block::Directive { body, span } => builder.directive(body, *span)?,
            Block::Code(code) => builder.code(code)?,
            Block::Prose(_) => {}
        }
    }
    Ok(Plan {
        guide: path.to_path_buf(),
        steps: builder.steps,
        todos: super::todo::sections(text, blocks, &builder.index),
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
    /// The latest content of every file written so far, in the order last written.
    files: Vec<(String, String)>,
}

impl Builder<'_> {
    fn line(&self, offset: usize) -> usize {
        self.index.line(offset)
    }

    fn directive(&mut self, body: &str, span: Span) -> Result<()> {
        let parsed = directive::parse(body).map_err(|e| {
            // Point at the word itself (the comment may span lines).
            let at = self.text[span.start..span.end]
                .find(&e.word)
                .map_or(span.start, |i| span.start + i);
            let (line, col) = self.index.line_col(self.text, at);
            Error::at(
                Location::new(self.path, line, col),
                ErrorKind::Guide(format!("unknown directive `{}`", e.word)),
            )
            .with_hint(e.hint)
            .with_source(self.text)
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

    fn code(&mut self, code: &CodeBlock) -> Result<()> {
        let fence = Fence::parse(&code.info);
        let awaiting = self.awaiting_output.take();
        let output = std::mem::take(&mut self.pending.output);
        let prompts = has_prompt(self, code, &fence);
        if let Some(step) = awaiting.filter(|_| output || fence.is_output() && !prompts) {
            self.attach_output(step, code);
            return Ok(());
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
        if matches!(fence.lang.as_str(), "diff" | "patch") {
            return self.diff(code, &content, named.map(|(f, _)| f));
        }
        if let Some((path, named_by)) = named {
            self.file(code.span, path, content, named_by);
            return Ok(());
        }
        if !fence.is_console()
            && !fence.is_script()
            && let Some(path) = comment_path(&content)
        {
            self.file(code.span, path, content, "first-line comment".to_string());
            return Ok(());
        }
        let mislabelled =
            !prompts && (fence.is_script() || fence.lang.is_empty()) && syntax::is_nix_file(&content);
        if fence.lang == "nix" || mislabelled {
            self.nix_block(code.span, content, (mislabelled).then_some(fence.lang.as_str()));
            return Ok(());
        }
        if (fence.is_console() || fence.is_script() || fence.lang.is_empty()) && self.commands(code, &fence) {
            return Ok(());
        }
        if fence.is_script() {
            let kind = StepKind::Script {
                script: content,
                hidden: false,
            };
            self.push(code.span, kind);
            return Ok(());
        }
        let reason = match fence.lang.as_str() {
            "" => "untagged block without prompts".to_string(),
            lang if fence.is_output() => format!("{lang} block with no command before it"),
            lang => format!("unnamed {lang} block (name it with file=…)"),
        };
        self.snippet(code.span, reason);
        Ok(())
    }

    fn snippet(&mut self, span: Span, reason: String) {
        self.pending.options = StepOptions::default();
        self.push(span, StepKind::Snippet { reason });
    }

    /// A whole file; a block with a placeholder line (`# ...`) is a fragment, not run.
    fn file(&mut self, span: Span, path: String, content: String, named_by: String) {
        if has_placeholder(&content) {
            return self.snippet(
                span,
                format!("{path} with a placeholder line (`...`): a fragment, not written"),
            );
        }
        self.files.retain(|(p, _)| *p != path);
        self.files.push((path.clone(), content.clone()));
        self.push(
            span,
            StepKind::File {
                path,
                content,
                named_by,
            },
        );
    }

    /// An unnamed Nix block: a fragment, or a file whose name can be inferred.
    fn nix_block(&mut self, span: Span, content: String, fenced_as: Option<&str>) {
        let relabel = fenced_as.map_or(String::new(), |lang| {
            let lang = if lang.is_empty() {
                "untagged".to_string()
            } else {
                format!("```{lang}")
            };
            format!("; fenced as {lang}, read as Nix")
        });
        if has_placeholder(&content) {
            return self.snippet(
                span,
                format!("nix block with a placeholder line (`...`): a fragment{relabel}"),
            );
        }
        let info = syntax::analyze(&content);
        if !info.errors.is_empty() || !info.is_expression {
            return self.snippet(span, format!("nix fragment: not a whole Nix expression{relabel}"));
        }
        match self.infer_name(&info) {
            Some((path, why)) => self.file(span, path, content, format!("{why}{relabel}")),
            None => self.snippet(
                span,
                format!("unnamed nix block (name it with title=\"…\"){relabel}"),
            ),
        }
    }

    /// DESIGN §1.1d: a function with the `pname` (or the arguments) of an earlier file is a
    /// new revision of it; a non-function that uses `./x.nix` is `default.nix`.
    fn infer_name(&self, info: &syntax::NixFile) -> Option<(String, String)> {
        let earlier: Vec<(&String, syntax::NixFile)> = self
            .files
            .iter()
            .rev()
            .filter(|(p, _)| p.ends_with(".nix"))
            .map(|(p, c)| (p, syntax::analyze(c)))
            .collect();
        if info.is_function {
            if let Some(pname) = &info.pname
                && let Some((path, _)) = earlier.iter().find(|(_, f)| f.pname.as_ref() == Some(pname))
            {
                return Some((
                    (*path).clone(),
                    format!("inferred: revision of {path} (same pname \"{pname}\")"),
                ));
            }
            let shared = |f: &syntax::NixFile| f.formals.iter().filter(|a| info.formals.contains(a)).count();
            if let Some((path, _)) = earlier
                .iter()
                .find(|(_, f)| f.is_function && shared(f) * 2 >= f.formals.len().max(1))
            {
                return Some((
                    (*path).clone(),
                    format!("inferred: revision of {path} (same arguments)"),
                ));
            }
            return None;
        }
        let uses = info.paths.iter().find(|p| p.ends_with(".nix"))?;
        Some((
            "default.nix".to_string(),
            format!("inferred: default.nix (not a function; uses {uses})"),
        ))
    }

    /// A ```diff block edits the file its header names, or the last file written.
    fn diff(&mut self, code: &CodeBlock, diff: &str, named: Option<String>) -> Result<()> {
        let target = named
            .or_else(|| patch::target(diff))
            .or_else(|| self.files.last().map(|(p, _)| p.clone()));
        let location = |offset: usize| {
            let (line, col) = self.index.line_col(self.text, offset);
            Location::new(self.path, line, col)
        };
        let Some(target) = target else {
            return Err(Error::at(
                location(code.span.start),
                ErrorKind::Guide("a diff block, but no file to apply it to".into()),
            )
            .with_hint("name the file in a `+++ b/FILE` header or with `<!-- guidecheck: file=FILE -->`")
            .with_source(self.text));
        };
        let Some((_, current)) = self.files.iter().find(|(p, _)| *p == target) else {
            return Err(Error::at(
                location(code.span.start),
                ErrorKind::Guide(format!("a diff of `{target}`, which no earlier step writes")),
            )
            .with_hint("show the whole file in an earlier block first")
            .with_source(self.text));
        };
        let patched = patch::apply(current, diff).map_err(|e| {
            let offset = code.lines.get(e.line).map_or(code.span.start, |l| l.start);
            Error::at(
                location(offset),
                ErrorKind::Guide(format!(
                    "hunk {} of this diff does not apply to `{target}`",
                    e.hunk + 1
                )),
            )
            .with_hint("its context and `-` lines must match the latest revision of the file")
            .with_source(self.text)
        })?;
        let named_by = format!("diff of {target}");
        self.file(code.span, target, patched, named_by);
        Ok(())
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
                block: code.span,
                placeholder: false,
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
            block: code.span,
            placeholder: code.content.trim().is_empty(),
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

static COMMENT_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:#|//|--|;+)\s*([\w.+/-]+\.[\w]+)\s*$|^/\*\s*([\w.+/-]+\.[\w]+)\s*\*/$").expect("valid")
});

/// `# hello.nix`, `// main.c`, `/* hello.nix */`: a first line that is only a path.
fn comment_path(content: &str) -> Option<String> {
    let caps = COMMENT_PATH.captures(content.lines().next()?.trim())?;
    let path = caps.get(1).or(caps.get(2))?.as_str();
    (!path.starts_with('/')).then(|| path.to_string())
}

/// A line that stands for omitted content: `# ...`, `...`, `/* ... */`.
fn has_placeholder(content: &str) -> bool {
    content.lines().any(|l| {
        let t = l
            .trim()
            .trim_start_matches(['#', '/', '*', ' '])
            .trim_end_matches(['*', '/', ' ']);
        (t == "..." || t == "…") && !l.trim().is_empty()
    })
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
mod tests;
