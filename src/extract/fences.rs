//! A code block's fences, read from the guide's text.

use crate::span::Span;

/// The fences of a fenced code block at `span`: the fence character, the opening run's
/// length, and where the closing fence starts (None when the block runs to the end).
pub fn fences(text: &str, span: Span) -> Option<(char, usize, Option<usize>)> {
    // Byte by byte: the fence characters and the line ends are ASCII.
    let block = &text[span.start..span.end];
    let bytes = block.as_bytes();
    let indent = bytes.iter().take_while(|&&b| b == b' ').count();
    let fence = *bytes.get(indent).filter(|&&b| b == b'`' || b == b'~')?;
    let len = bytes[indent..].iter().take_while(|&&b| b == fence).count();
    let body_end = bytes.len()
        - bytes
            .iter()
            .rev()
            .take_while(|&&b| matches!(b, b'\r' | b'\n'))
            .count();
    let last_line = memchr::memrchr(b'\n', &bytes[..body_end]).map_or(0, |i| i + 1);
    let last = &block[last_line..body_end];
    let closing = last.trim_start().as_bytes();
    // `len` of the fence's bytes make the closing run.
    let close = (last_line > 0 && closing.len() >= len && closing[..len].iter().all(|&b| b == fence))
        .then(|| span.start + last_line + (last.len() - closing.len()));
    Some((char::from(fence), len, close))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tests::code_blocks;

    /// `fences` as it was written before it read bytes.
    fn fences_as_before(text: &str, span: Span) -> Option<(char, usize, Option<usize>)> {
        let block = &text[span.start..span.end];
        let indent = block.len() - block.trim_start_matches(' ').len();
        let opening = &block[indent..];
        let fence_char = opening.chars().next().filter(|c| matches!(c, '`' | '~'))?;
        let len = opening.chars().take_while(|&c| c == fence_char).count();
        let body = block.trim_end_matches(['\r', '\n']);
        let last_line = body.rfind('\n').map_or(0, |i| i + 1);
        let closing = body[last_line..].trim_start().as_bytes();
        // The fence character is ASCII: `len` of its bytes make the closing run.
        let close = (last_line > 0
            && closing.len() >= len
            && closing[..len].iter().all(|&b| b == fence_char as u8))
        .then(|| span.start + last_line + (body[last_line..].len() - body[last_line..].trim_start().len()));
        Some((fence_char, len, close))
    }

    proptest::proptest! {
        #[test]
        fn fences_read_bytes_as_the_chars_were_read(
            block in crate::properties::made_of(&["```", "~~~", "`", " ", "\n", "\r\n", "nix", "é", "\u{3000}", "x"], 10),
        ) {
            let span = Span::new(0, block.len());
            proptest::prop_assert_eq!(fences(&block, span), fences_as_before(&block, span));
        }
    }

    #[test]
    fn fences_of_a_block() {
        let text = "x\n\n````console\n$ a\n````\n";
        let span = code_blocks(text)[0].span;
        assert_eq!(
            fences(text, span),
            Some(('`', 4, Some(text.rfind("````").unwrap())))
        );
        let open = "~~~\nno close\n";
        assert_eq!(fences(open, code_blocks(open)[0].span), Some(('~', 3, None)));
    }
}
