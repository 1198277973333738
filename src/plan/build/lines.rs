//! A code block's lines as the guide writes them (tabs and trailing spaces kept, CR
//! left out), read through their spans.

use crate::extract::CodeBlock;
use crate::plan::console::LineSource;
use crate::span::Span;

/// The block's content lines as written (tabs, trailing spaces and CR kept out).
pub(super) fn block_lines<'t>(text: &'t str, code: &CodeBlock) -> Vec<&'t str> {
    each_block_line(text, code).collect()
}

/// A block's lines by index, each read through its span when asked for (a transcript of
/// 100,000 commands is not copied into a list of its lines).
pub(super) struct BlockLines<'t, 'c> {
    text: &'t str,
    spans: &'c [Span],
}

impl<'t, 'c> BlockLines<'t, 'c> {
    pub(super) fn of(text: &'t str, code: &'c CodeBlock) -> Self {
        BlockLines {
            text,
            spans: &code.lines,
        }
    }
}

impl LineSource for BlockLines<'_, '_> {
    fn line_count(&self) -> usize {
        self.spans.len()
    }

    fn line(&self, i: usize) -> &str {
        let span = self.spans[i];
        self.text[span.start..span.end].trim_end_matches('\r')
    }
}

/// `block_lines`, one at a time: for a look that needs no line twice.
pub(super) fn each_block_line<'t, 'c>(
    text: &'t str,
    code: &'c CodeBlock,
) -> impl Iterator<Item = &'t str> + 'c
where
    't: 'c,
{
    code.lines
        .iter()
        .map(|s| text[s.start..s.end].trim_end_matches('\r'))
}
