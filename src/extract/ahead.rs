//! A large guide's blocks read on a thread of their own, ahead of the steps built from them:
//! Markdown parsing is a fifth of `plan`'s work on a large guide, and the builder need not
//! wait for it. A guide parsed whole (most guides) is read on the caller's thread: a thread
//! costs more than it saves there.

use super::{Block, Blocks, blocks, blocks::parsed_in_pieces};
use std::thread::Scope;

/// A guide's blocks in document order, as `blocks` gives them.
pub enum Ahead<'scope, 't> {
    Here(Box<Blocks<'t>>),
    Thread(crate::ahead::Ahead<'scope, Block<'t>, ()>),
}

/// `blocks(text)`, read on a thread of `scope` when the text is parsed in pieces. The
/// thread ends once every block is sent, or as soon as the `Ahead` is dropped.
pub fn blocks_ahead<'scope, 't: 'scope>(
    scope: &'scope Scope<'scope, '_>,
    text: &'t str,
) -> Ahead<'scope, 't> {
    let read = blocks(text);
    if !parsed_in_pieces(text) {
        return Ahead::Here(Box::new(read));
    }
    Ahead::Thread(crate::ahead::on_thread(scope, move |out| {
        for block in read {
            // A long code block holds a span for each of its lines.
            let weight = match &block {
                Block::Code(code) if code.lines.spilled() => {
                    code.lines.len() * size_of::<crate::span::Span>()
                }
                _ => 0,
            };
            if !out.send_weighing(block, weight) {
                return; // Nobody reads on.
            }
        }
    }))
}

impl<'t> Iterator for Ahead<'_, 't> {
    type Item = Block<'t>;

    fn next(&mut self) -> Option<Block<'t>> {
        match self {
            Ahead::Here(read) => read.next(),
            Ahead::Thread(read) => read.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_guide_s_blocks_come_from_a_thread_in_order() {
        let text = "## Step\n\nProse.\n\n```console\n$ echo hi\nhi\n```\n\n".repeat(20_000);
        std::thread::scope(|scope| {
            let ahead = blocks_ahead(scope, &text);
            assert!(matches!(ahead, Ahead::Thread(_)));
            assert_eq!(ahead.collect::<Vec<_>>(), blocks(&text).collect::<Vec<_>>());
        });
    }

    #[test]
    fn a_small_guide_is_read_here_and_a_reader_may_stop_early() {
        let text = "# T\n\ntext\n\n".repeat(200_000);
        std::thread::scope(|scope| {
            assert!(matches!(blocks_ahead(scope, "# T\n\ntext\n"), Ahead::Here(_)));
            let mut ahead = blocks_ahead(scope, &text);
            assert!(ahead.next().is_some());
            // Dropped with the thread blocked on a full channel: the scope still ends.
        });
    }
}
