//! A guide's steps as its blocks are read: a step is handed out once no later block can
//! change it, so a large guide's steps need not all be held (`plan --format json`).
//!
//! A later block may still change the last command step (the output block under it) and
//! the steps after it (a command names the unnamed Nix block before it, a transcript takes
//! the commands a script repeats): everything before the last command is final.

use super::{Builder, Pending, Prompts};
use crate::error::Result;
use crate::extract::Block;
use crate::plan::todo::Sections;
use crate::plan::{Step, StepKind, Todo};
use crate::span::LineCounter;
use std::borrow::Borrow;
use std::collections::VecDeque;
use std::path::Path;

/// The steps of a guide, in order, built as they are asked for; `finish` gives its TODO
/// sections, or the first bad directive.
pub struct Steps<'a, I> {
    builder: Builder<'a>,
    blocks: I,
    todos: Sections,
    ready: VecDeque<Step>,
    read_all: bool,
    /// How many of the builder's steps were already looked through for a command (a
    /// guide of 100,000 files and no command is not looked through at every block).
    scanned: usize,
}

impl<'a, I> Steps<'a, I> {
    pub fn new(path: &'a Path, text: &'a str, blocks: I, prompts: &'a Prompts, shells: &'a [String]) -> Self {
        let builder = Builder {
            path,
            text,
            index: LineCounter::new(text),
            prompts,
            shells,
            shell: None,
            plain_shell: false,
            guide_needs: Vec::new(),
            steps: Vec::new(),
            pending: Pending::default(),
            skip_rest: false,
            awaiting_output: None,
            awaiting_since: 0,
            texts: Default::default(),
            error: None,
            emitted: 0,
            tabs: None,
            gap_from: 0,
            spill: None,
            handed_on: false,
        };
        Steps {
            builder,
            blocks,
            todos: Sections::default(),
            ready: VecDeque::new(),
            read_all: false,
            scanned: 0,
        }
    }

    /// The guide's TODO sections, once every step was taken; the first bad directive met.
    pub fn finish(&mut self) -> Result<Vec<Todo>> {
        match self.builder.error.take() {
            Some(error) => Err(error),
            None => Ok(std::mem::take(&mut self.todos).finish(self.builder.text, &self.builder.index)),
        }
    }

    /// Hands out the steps no later block can change.
    fn take_final(&mut self) {
        // Only the steps added since the last look: one that became a command since (a
        // script whose output a block showed) is missed until the next command comes,
        // which hands out fewer steps, never one that may still change.
        if std::mem::take(&mut self.builder.handed_on) {
            self.scanned = 0; // the steps looked through were handed on
        }
        let steps = &self.builder.steps;
        let from = self.scanned.min(steps.len());
        let last_command = steps[from..]
            .iter()
            .rposition(|s| matches!(s.kind, StepKind::Command { .. }))
            .map_or(0, |i| i + from);
        self.scanned = steps.len();
        if last_command == 0 {
            return;
        }
        self.scanned -= last_command;
        // Moved out in place: the builder's list keeps its room, rather than a new one
        // growing again (each growth a realloc, which waits for the allocator's lock while
        // another thread frees what this one allocated).
        self.ready.extend(self.builder.release(last_command));
    }
}

impl<'t, B: Borrow<Block<'t>>, I: Iterator<Item = B>> Steps<'_, I> {
    /// Every step at once, never copied (for a plan that holds them all), and the TODO
    /// sections.
    pub fn collect_all(mut self) -> Result<(Vec<Step>, Vec<Todo>)> {
        // At most a step per two lines (`$ cmd` and its output): reserved, not touched.
        let lines = self.builder.index.lines();
        self.builder.steps.reserve(lines / 2 + 1);
        while self.read_block() {}
        let todos = self.finish()?;
        let mut steps = std::mem::take(&mut self.builder.steps);
        // The reservation was for the worst case; a plan is kept for the whole run.
        steps.shrink_to_fit();
        Ok((steps, todos))
    }

    /// Every step into `out`, in order, the final steps of a long transcript as it is read
    /// (a block of 100,000 commands is not held whole); then the TODO sections. Stops
    /// early once nobody reads on.
    pub fn pump(mut self, out: crate::ahead::Out<Step>) -> Result<Vec<Todo>> {
        self.builder.spill = Some(out);
        // The queue is empty whenever a block is read: what the builder hands on in the
        // middle of one comes after everything sent before.
        while let Some(step) = self.next() {
            let Some(out) = self.builder.spill.as_mut() else {
                return Ok(Vec::new());
            };
            if !out.send(step) {
                return Ok(Vec::new()); // Nobody reads on.
            }
        }
        self.finish()
    }

    /// Reads the next block into the builder; false once there is none (or a bad
    /// directive ended the guide).
    fn read_block(&mut self) -> bool {
        let Some(block) = self.blocks.next() else {
            self.builder.flush_expression();
            return false;
        };
        let block = block.borrow();
        self.todos.add(block);
        let read = match block {
            Block::Directive { body, span } => self.builder.directive(body, *span),
            Block::Code(code) => {
                self.builder.code(code);
                Ok(())
            }
            Block::Prose(prose) => {
                self.builder.prose(prose);
                Ok(())
            }
        };
        match read {
            Ok(()) => true,
            Err(error) => {
                // A bad directive ends the guide's steps; `finish` reports it (before any
                // bad directive met inside a code block).
                self.builder.error = Some(error);
                self.builder.steps.clear();
                false
            }
        }
    }
}

impl<'t, B: Borrow<Block<'t>>, I: Iterator<Item = B>> Iterator for Steps<'_, I> {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        loop {
            if let Some(step) = self.ready.pop_front() {
                return Some(step);
            }
            if self.read_all {
                return None;
            }
            if self.read_block() {
                self.take_final();
            } else {
                self.read_all = true;
                // The last steps, moved as they are (no copy).
                self.ready = VecDeque::from(std::mem::take(&mut self.builder.steps));
            }
        }
    }
}
