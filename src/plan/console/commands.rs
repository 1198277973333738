//! A transcript's lines, split into commands.

use super::{
    LineSource, ParsedCommand, Prompts, TRAILING_DIRECTIVE, directive_line, is_exit, mentions_directive,
};
use crate::plan::compound::{self, Open};
use crate::plan::heredoc;
use regex::Regex;
use std::sync::LazyLock;

/// A command that makes the shell root's: its prompt turns to `# `.
/// ASCII classes (`(?-u)`): Unicode `\s` and `\b` cost a fifth of a millisecond to compile.
static BECOMES_ROOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)^\s*(?:sudo(?:\s+-[A-Za-z]*[is][A-Za-z]*|\s+(?:-E\s+)?(?:su|bash|sh|zsh)\b)|su\b|doas\s+(?:-s|su|bash|sh)\b)")
        .expect("valid")
});

fn becomes_root(command: &str) -> bool {
    // Every match holds `su` (`sudo`, `su`) or `doas`: most commands never compile the regex.
    (crate::plan::holds(command, "su") || crate::plan::holds(command, "doas"))
        && BECOMES_ROOT.is_match(command)
}

/// Whether `# ` is root's prompt at this point of a transcript. In console-like blocks it
/// is when every prompt of the block is `# `, or after a command that makes the shell
/// root's (`sudo -i`, `su -`) until it exits; in a `$ ` transcript otherwise a `# ` line is
/// what a command printed (`cat default.nix` showing `# default.nix`) or a remark.
struct RootPrompt {
    now: bool,
    /// Every prompt is `# `: nothing switches it off.
    throughout: bool,
    possible: bool,
}

impl RootPrompt {
    fn new<L: LineSource + ?Sized>(lines: &L, prompts: &Prompts, possible: bool) -> Self {
        let throughout =
            possible && !(0..lines.line_count()).any(|i| prompts.strip(lines.line(i), false).is_some());
        RootPrompt {
            now: throughout,
            throughout,
            possible,
        }
    }

    fn after(&mut self, command: &str) {
        if !self.possible || self.throughout {
            return;
        }
        if becomes_root(command) {
            self.now = true;
        } else if is_exit(command) {
            self.now = false;
        }
    }
}

/// Splits a transcript into commands. Empty when no line starts with a prompt.
/// `hash_prompt`: `# ` may be root's prompt (console-like blocks; see `RootPrompt`).
pub fn parse<L: LineSource + ?Sized>(lines: &L, prompts: &Prompts, hash_prompt: bool) -> Vec<ParsedCommand> {
    Commands::new(lines, prompts, hash_prompt).collect()
}

/// The commands of a transcript, read as they are asked for: a block of 100,000 commands
/// is never held parsed at once.
pub struct Commands<'l, L: ?Sized> {
    lines: &'l L,
    prompts: &'l Prompts,
    root: RootPrompt,
    at: usize,
    /// Directive lines since the last command, for the next one.
    directives: Vec<(usize, String)>,
    /// The command read ahead: the last one also takes the directive lines that end the
    /// block.
    ahead: Option<ParsedCommand>,
}

impl<'l, L: LineSource + ?Sized> Commands<'l, L> {
    /// `hash_prompt`: `# ` may be root's prompt (console-like blocks; see `RootPrompt`).
    pub fn new(lines: &'l L, prompts: &'l Prompts, hash_prompt: bool) -> Self {
        Commands {
            lines,
            prompts,
            root: RootPrompt::new(lines, prompts, hash_prompt),
            at: 0,
            directives: Vec::new(),
            ahead: None,
        }
    }

    /// The next command after `at`, if any.
    fn read(&mut self) -> Option<ParsedCommand> {
        let (lines, prompts) = (self.lines, self.prompts);
        while self.at < lines.line_count() {
            let mut i = self.at;
            if let Some(body) = directive_line(lines.line(i)) {
                self.directives.push((i, body.to_string()));
                self.at += 1;
                continue;
            }
            let Some(mut first) = prompts.strip(lines.line(i), self.root.now) else {
                self.at += 1;
                continue;
            };
            let mut directives = std::mem::take(&mut self.directives);
            let trailing = mentions_directive(first).then(|| TRAILING_DIRECTIVE.captures(first));
            if let Some(found) = trailing.flatten() {
                directives.push((i, found[1].to_string()));
                first = &first[..found.get(0).expect("whole match").start()];
            }
            let start = i;
            let nested = prompts.is_nested(lines.line(i));
            let mut command = super::super::Str::from(first);
            i += 1;
            while i < lines.line_count() && continues(&command, lines.line(i), prompts, self.root.now) {
                command.push('\n');
                command.push_str(heredoc::strip_secondary(lines.line(i)));
                i += 1;
            }
            i = heredoc::read_bodies(lines, i, &mut command);
            self.root.after(&command);
            let output_start = i;
            while i < lines.line_count()
                && prompts.strip(lines.line(i), self.root.now).is_none()
                && directive_line(lines.line(i)).is_none()
            {
                i += 1;
            }
            self.at = i;
            let output_end = remarks_start(lines, output_start, i);
            if !command.trim().is_empty() {
                return Some(ParsedCommand {
                    command,
                    nested,
                    command_lines: start..output_start,
                    output_lines: output_start..output_end,
                    directives,
                });
            }
        }
        None
    }
}

impl<L: LineSource + ?Sized> Iterator for Commands<'_, L> {
    type Item = ParsedCommand;

    fn next(&mut self) -> Option<ParsedCommand> {
        if self.ahead.is_none() {
            self.ahead = self.read();
        }
        let mut current = self.ahead.take()?;
        self.ahead = self.read();
        if self.ahead.is_none() {
            // Directive lines that end the block are for its last command.
            current.directives.append(&mut self.directives);
        }
        Some(current)
    }
}

/// Where the remarks before the next command start: the `# ` lines that end a command's
/// output when a prompt line follows them (`# now list it`, then `$ ls`) are the author's,
/// as they would be before the first command. At the block's end they are output (the
/// last lines of a file `cat` shows).
fn remarks_start<L: LineSource + ?Sized>(lines: &L, start: usize, end: usize) -> usize {
    if end >= lines.line_count() || directive_line(lines.line(end)).is_some() {
        return end;
    }
    let remark = |&i: &usize| lines.line(i) == "#" || lines.line(i).starts_with("# ");
    end - (start..end).rev().take_while(remark).count()
}

/// True when the command so far cannot end at `next`: it is open (`compound::open`), and
/// a prompt line ends only a compound command the transcript never closed.
fn continues(command: &str, next: &str, prompts: &Prompts, root: bool) -> bool {
    match compound::open(command) {
        Some(Open::Line) => true,
        Some(Open::Compound) => prompts.strip(next, root).is_none(),
        None => false,
    }
}
