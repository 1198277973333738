//! Containers whose content is indented four spaces, as MkDocs (Python-Markdown) writes
//! them: admonitions (`!!! note "Title"`), collapsible details (`??? tip`, `???+ tip`) and
//! content tabs (`=== "Linux"`). CommonMark reads their indented content as an indented
//! code block, so the fenced blocks inside would be text. The parser is given the guide
//! with each such opening line written as a list item of the same length (`-   "Linux"`),
//! whose content is then the indented lines, read as Markdown. Every byte after the opening
//! line keeps its offset: spans still point into the guide as written.

use super::relined::{Copy, Fences, lines};

/// The text with each container's opening line written as a list item, or None when it
/// has none (the text is parsed as it is).
pub(super) fn as_list_items(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let candidate = [&b"!!!"[..], b"???", b"==="]
        .iter()
        .any(|m| memchr::memmem::find(bytes, m).is_some());
    if !candidate {
        return None;
    }
    let mut copy = Copy::new(text);
    let mut fences = Fences::default();
    for line in lines(text) {
        if fences.hold(&line) {
            continue;
        }
        let trimmed = line.trimmed();
        // Python-Markdown opens a container at a line of its own, after a paragraph too.
        if let Some(marker) = opening(trimmed) {
            let indent = line.body.len() - trimmed.len();
            if content_follows(&text[line.end..], width(&line.body[..indent])) {
                as_item(
                    copy.bytes(line.start + indent, line.start + line.body.len()),
                    marker,
                );
            }
        }
    }
    copy.finish()
}

/// The length of the container marker that opens `line` (`!!!`, `???+`, `===`, …).
fn opening(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let kind = *b.first()?;
    if !matches!(kind, b'!' | b'?' | b'=') || !b.starts_with(&[kind; 3]) {
        return None;
    }
    let extra = b[3..]
        .iter()
        .take_while(|&&c| matches!(c, b'+' | b'!') && c != kind)
        .count()
        .min(2);
    let marker = 3 + extra;
    let rest = line[marker..].trim_start_matches(' ');
    let spaced = rest.len() < line.len() - marker;
    let named = match kind {
        // A tab's title is quoted, after a space.
        b'=' => spaced && rest.starts_with('"') && rest.len() > 1,
        // An admonition's type (a word), or its quoted title.
        _ => rest
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'"'),
    };
    named.then_some(marker)
}

/// Whether the next line that is not blank is indented four columns more than `indent`.
fn content_follows(after: &str, indent: usize) -> bool {
    after
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| width(&l[..l.len() - l.trim_start_matches([' ', '\t']).len()]) >= indent + 4)
}

/// Columns of leading whitespace (a tab to the next multiple of four).
fn width(indent: &str) -> usize {
    indent
        .bytes()
        .fold(0, |col, b| if b == b'\t' { col + 4 - col % 4 } else { col + 1 })
}

/// Rewrites an opening line (from its marker) as a list item whose content starts at most
/// four columns in: `!!! note` → `-   note`; `???+ tip` → `-  . tip`.
fn as_item(line: &mut [u8], marker: usize) {
    line[..3].copy_from_slice(b"-  ");
    let spaced_word = marker == 3 && line.get(3) == Some(&b' ') && line.get(4).is_some_and(|c| *c != b' ');
    if !spaced_word && matches!(line.get(3), Some(b' ' | b'+' | b'!')) {
        // A filler where the content starts: more spaces would push the content past the
        // fourth column, and `+ ` would open a list of its own.
        line[3] = b'.';
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_lines_become_list_items_of_the_same_length() {
        let text = "Intro.\n\n!!! note \"Read this\"\n    ```sh\n    echo a\n    ```\n\n=== \"Linux\"\n\n    ```sh\n    echo b\n    ```\n\n???+ tip\n    text\n";
        let masked = as_list_items(text).unwrap();
        assert_eq!(masked.len(), text.len());
        let lines: Vec<&str> = masked.lines().collect();
        assert_eq!(lines[2], "-   note \"Read this\"");
        assert_eq!(lines[7], "-   \"Linux\"");
        assert_eq!(lines[13], "-  . tip");
        // Everything else is as written.
        for (a, b) in masked.lines().zip(text.lines()) {
            if !b.starts_with(['!', '=', '?']) {
                assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn only_openings_with_indented_content_are_rewritten() {
        for text in [
            "!!! note\nnot indented\n",
            "=== no quotes\n    x\n",
            "===\n    x\n",
            "!!!\n    x\n",
            "```md\n!!! note\n    inside a fence\n```\n",
            "no markers at all\n",
        ] {
            assert_eq!(as_list_items(text), None, "{text}");
        }
        // Nested: the inner opening is indented, its content four further in.
        let nested = "=== \"Linux\"\n\n    !!! note\n        x\n";
        assert_eq!(
            as_list_items(nested).unwrap(),
            "-   \"Linux\"\n\n    -   note\n        x\n"
        );
        // Right after a paragraph, as Python-Markdown reads it.
        assert_eq!(
            as_list_items("Paragraph\n!!! note\n    x\n").unwrap(),
            "Paragraph\n-   note\n    x\n"
        );
        // Tabs count to the next multiple of four.
        assert!(as_list_items("!!! note\n\tx\n").is_some());
    }
}
