//! The steps a run takes, by plan index: a whole plan's, or a stream's as it is read.
//! Only the steps not yet run or settled are held.

use crate::plan::Step;
use std::collections::VecDeque;

pub struct Window<'a> {
    steps: VecDeque<Step>,
    /// The plan index of `steps[0]`.
    first: usize,
    source: &'a mut dyn Iterator<Item = Step>,
}

impl<'a> Window<'a> {
    pub fn new(source: &'a mut dyn Iterator<Item = Step>) -> Self {
        Window {
            steps: VecDeque::new(),
            first: 0,
            source,
        }
    }

    /// Step `index`, when it is held.
    pub fn get(&self, index: usize) -> Option<&Step> {
        self.steps.get(index.checked_sub(self.first)?)
    }

    /// The first step still held: those before it were settled and released (a step that
    /// does not run may be settled before the run comes to it).
    pub fn first(&self) -> usize {
        self.first
    }

    /// Reads on until step `index` is held; false when the steps end before it.
    pub fn reach(&mut self, index: usize) -> bool {
        while self.first + self.steps.len() <= index {
            match self.source.next() {
                Some(step) => self.steps.push_back(step),
                None => return false,
            }
        }
        index >= self.first
    }

    /// Takes out the steps before `index` (those settled), in order.
    pub fn release(&mut self, index: usize) -> impl Iterator<Item = Step> + '_ {
        let n = index.saturating_sub(self.first).min(self.steps.len());
        self.first += n;
        self.steps.drain(..n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(line: usize) -> Step {
        let text = format!("```console\n$ echo {line}\n```\n");
        let blocks = crate::extract::extract(&text);
        let prompts = crate::plan::console::Prompts::default();
        let mut plan = crate::plan::build(std::path::Path::new("g.md"), &text, &blocks, &prompts).unwrap();
        let mut step = plan.steps.remove(0);
        step.line = line;
        step
    }

    #[test]
    fn holds_only_what_was_read_and_not_released() {
        let mut source = (0..5).map(step);
        let mut window = Window::new(&mut source);
        assert!(window.get(0).is_none());
        assert!(window.reach(2));
        assert_eq!(window.get(2).map(|s| s.line), Some(2));
        let released: Vec<usize> = window.release(2).map(|s| s.line).collect();
        assert_eq!(released, [0, 1]);
        assert!(window.get(1).is_none(), "released");
        assert_eq!(window.get(2).map(|s| s.line), Some(2));
        assert!(window.reach(4));
        assert!(!window.reach(5), "five steps");
        assert_eq!(window.release(9).count(), 3);
        assert!(!window.reach(1), "released before");
    }
}
