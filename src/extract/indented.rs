//! Containers whose content is indented four spaces, as MkDocs (Python-Markdown) writes
//! them: admonitions (`!!! note "Title"`), collapsible details (`??? tip`, `???+ tip`) and
//! content tabs (`=== "Linux"`). CommonMark reads their indented content as an indented
//! code block, so the fenced blocks inside would be text. The parser is given the guide
//! with each such opening line written as a list item of the same length (`-   "Linux"`),
//! whose content is then the indented lines, read as Markdown. Every byte after the opening
//! line keeps its offset: spans still point into the guide as written.

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
    let mut out: Option<Vec<u8>> = None;
    let mut fence: Option<(u8, usize)> = None;
    let mut after_blank = true;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start_matches([' ', '\t']);
        if let Some(open) = fence {
            fence = (!closes(trimmed, open)).then_some(open);
            continue;
        }
        if let Some(open) = opens(trimmed) {
            fence = Some(open);
            after_blank = false;
            continue;
        }
        let blank = trimmed.is_empty();
        if after_blank
            && !blank
            && let Some(marker) = opening(trimmed)
        {
            let indent = body.len() - trimmed.len();
            if content_follows(&text[at..], width(&body[..indent])) {
                let out = out.get_or_insert_with(|| bytes.to_vec());
                as_item(&mut out[start + indent..start + body.len()], marker);
            }
        }
        after_blank = blank;
    }
    // Only ASCII bytes of opening lines were replaced by ASCII: still UTF-8.
    out.map(|bytes| String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()))
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

/// A fence this line opens: its character and length.
pub(super) fn opens(trimmed: &str) -> Option<(u8, usize)> {
    let c = *trimmed.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = trimmed.bytes().take_while(|&b| b == c).count();
    let backtick_in_info = c == b'`' && trimmed[n..].contains('`');
    (n >= 3 && !backtick_in_info).then_some((c, n))
}

/// Whether this line closes the fence `(c, n)`.
pub(super) fn closes(trimmed: &str, (c, n): (u8, usize)) -> bool {
    let run = trimmed.bytes().take_while(|&b| b == c).count();
    run >= n && trimmed[run..].trim().is_empty()
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
    fn only_openings_with_indented_content_after_a_blank_line_are_rewritten() {
        for text in [
            "!!! note\nnot indented\n",
            "Paragraph\n!!! note\n    x\n",
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
        // Tabs count to the next multiple of four.
        assert!(as_list_items("!!! note\n\tx\n").is_some());
    }
}
