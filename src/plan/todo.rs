//! TODO sections: a heading or paragraph that says TODO, FIXME or "not complete", with what
//! belongs to it.

use super::Todo;
use crate::extract::{Block, ProseKind};
use crate::span::{LineIndex, Span};
use regex::Regex;
use std::sync::LazyLock;

// How authors mark unfinished work: TODO/FIXME opening the text, `TODO:`/`TODO(`, or
// "… is not complete" (a mention of the word elsewhere is not a marker).
static MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[^A-Za-z0-9_]*(?:TODO|FIXME)(?-u:\b)|(?-u:\b)(?:TODO|FIXME)[:(]|(?i-u:\bis\s+not\s+(?:yet\s+)?(?:complete|finished)\b)",
    )
    .expect("valid")
});

static CODE_SPAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`[^`]*`").expect("valid"));

/// The cheap test before `MARK`: prose without these words never compiles it.
fn may_mark(text: &str) -> bool {
    let has = |word: &str| {
        text.as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
    };
    text.contains("TODO") || text.contains("FIXME") || has("not")
}

/// The TODO sections of a guide, found as its blocks are read: of each block only its
/// kind (prose, or `None` for code and directives) and place are kept, and the text of
/// prose that marks one.
#[derive(Default)]
pub struct Sections {
    blocks: Vec<(Option<ProseKind>, Span, Option<String>)>,
}

impl Sections {
    pub fn add(&mut self, block: &Block) {
        let Block::Prose(prose) = block else {
            self.blocks.push((None, Span::new(0, 0), None));
            return;
        };
        // A marker inside `code` is a mention, not a marker.
        let marks = may_mark(&prose.text)
            && MARK.is_match(&prose.text)
            && MARK.is_match(&CODE_SPAN.replace_all(&prose.text, ""));
        self.blocks
            .push((Some(prose.kind), prose.span, marks.then(|| prose.text.clone())));
    }

    /// Each marking heading owns its section (up to the next heading of its level or
    /// above); a marking paragraph owns the list under it.
    pub fn finish(self, text: &str, index: &LineIndex) -> Vec<Todo> {
        let blocks = &self.blocks;
        let mut todos = Vec::new();
        for (i, (kind, span, marked)) in blocks.iter().enumerate() {
            let (Some(kind), Some(marked)) = (kind, marked) else {
                continue;
            };
            let end = match kind {
                ProseKind::Heading(level) => blocks[i + 1..]
                    .iter()
                    .find(|(k, _, _)| matches!(k, Some(ProseKind::Heading(l)) if l <= level))
                    .map_or(text.len(), |(_, s, _)| s.start),
                ProseKind::Paragraph => blocks[i + 1..]
                    .iter()
                    .take_while(|(k, _, _)| matches!(k, Some(ProseKind::Item { .. })))
                    .last()
                    .map_or(span.end, |(_, s, _)| s.end),
                ProseKind::Item { .. } => span.end,
            };
            // A TODO item inside a TODO section already reported is part of it.
            if todos.last().is_some_and(|t: &Todo| span.start < t.span.end) {
                continue;
            }
            todos.push(Todo {
                line: index.line(span.start),
                text: marked.chars().take(80).collect(),
                span: Span::new(span.start, end),
            });
        }
        todos
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract;

    fn sections(text: &str, blocks: &[Block], index: &LineIndex) -> Vec<Todo> {
        let mut sections = Sections::default();
        blocks.iter().for_each(|b| sections.add(b));
        sections.finish(text, index)
    }

    fn todos(text: &str) -> Vec<(usize, String, String)> {
        sections(text, &extract(text), &LineIndex::new(text))
            .into_iter()
            .map(|t| (t.line, t.text, text[t.span.start..t.span.end].to_string()))
            .collect()
    }

    #[test]
    fn a_todo_paragraph_owns_the_list_under_it() {
        let text = "Intro.\n\nTODO(tatu): complete writing the guide:\n* one\n  * two\n* three\n\nAfter.\n";
        let found = todos(text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].0, found[0].1.as_str()),
            (3, "TODO(tatu): complete writing the guide:")
        );
        assert!(found[0].2.trim_end().ends_with("* three"), "{:?}", found[0].2);
    }

    #[test]
    fn a_todo_heading_owns_its_section() {
        let text = "# Guide\n\n## FIXME: the build\n\ntext\n\n### sub\n\nmore\n\n## Next\n";
        let found = todos(text);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].2.starts_with("## FIXME") && found[0].2.ends_with("more\n\n"),
            "{:?}",
            found[0].2
        );
    }

    #[test]
    fn not_complete_counts_but_a_lowercase_todo_word_does_not() {
        assert_eq!(todos("THIS GUIDE IS NOT COMPLETE, PLUS notes.\n").len(), 1);
        assert!(todos("Build a todo app.\n").is_empty());
        assert!(
            todos("# lint and TODO sections\n\nA paragraph that says \"not complete\" opens one.\n")
                .is_empty()
        );
        assert_eq!(todos("Note: TODO(ann) check this.\n").len(), 1);
        assert!(todos("Say `TODO:` to mark one.\n").is_empty());
    }
}
