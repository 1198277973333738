//! TODO sections: a heading or paragraph that says TODO, FIXME or "not complete", with what
//! belongs to it.

use super::Todo;
use crate::extract::{Block, ProseKind};
use crate::span::LineCounter;
use regex::Regex;
use std::sync::LazyLock;

mod markers;

// How authors mark unfinished work: TODO/FIXME opening or ending the text (`## Step 3:
// TODO`), `TODO:`/`TODO(`, or "… is not complete"; and the markers bloggers leave
// (`markers`). A mention of the words elsewhere is not a marker.
static MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[^A-Za-z0-9_]*(?:TODO|FIXME)(?-u:\b)|(?-u:\b)(?:TODO|FIXME)(?:[:(]|[^A-Za-z0-9_`]*$)|(?i-u:\bis\s+not\s+(?:yet\s+)?(?:complete|finished)\b)",
    )
    .expect("valid")
});

/// A marker in `text`: the regex only where its words are.
fn marks(text: &str) -> bool {
    let has_not = text.as_bytes().windows(3).any(|w| w.eq_ignore_ascii_case(b"not"));
    ((text.contains("TODO") || text.contains("FIXME") || has_not) && MARK.is_match(text))
        || markers::marked(text)
}

static CODE_SPAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`[^`]*`").expect("valid"));

/// The words that may begin a marker (`markers`), in lower case.
const WORDS: [&[u8]; 11] = [
    b"not",
    b"incomplete",
    b"unfinished",
    b"tb",
    b"wip",
    b"progress",
    b"construction",
    b"soon",
    b"to be",
    b"draft",
    b"stub",
];

/// For each of a word's first three places and each byte, the `WORDS` that may have that
/// byte there, in either case (bit `k`: `WORDS[k]`; a word shorter than three bytes may
/// have any byte past its end): a word is compared only when all three agree.
const AT: [[u16; 256]; 3] = {
    let mut at = [[0; 256]; 3];
    let mut w = 0;
    while w < WORDS.len() {
        let mut place = 0;
        while place < 3 {
            if place < WORDS[w].len() {
                let b = WORDS[w][place];
                at[place][b as usize] |= 1 << w;
                at[place][b.to_ascii_uppercase() as usize] |= 1 << w;
            } else {
                let mut b = 0;
                while b < 256 {
                    at[place][b] |= 1 << w;
                    b += 1;
                }
            }
            place += 1;
        }
        w += 1;
    }
    at
};

/// What `may_mark` needs to know of a byte: whether it is a letter or digit, whether a
/// word of `WORDS` starts with it (in either case), whether `TODO` or `FIXME` does.
const ALNUM: u8 = 1;
const FIRST: u8 = 2;
const UPPER: u8 = 4;
const CLASS: [u8; 256] = {
    let mut class = [0; 256];
    let mut b = 0;
    while b < 256 {
        if (b as u8).is_ascii_alphanumeric() {
            class[b] |= ALNUM;
        }
        if AT[0][b] != 0 {
            class[b] |= FIRST;
        }
        b += 1;
    }
    class[b'T' as usize] |= UPPER;
    class[b'F' as usize] |= UPPER;
    class
};

/// The cheap test before `marks`: prose without these words (at a word's start, in any
/// case), or without `TODO` or `FIXME` anywhere, holds no marker. One pass over the bytes,
/// a table look each; only a word's first letter that may start one is looked at closer.
fn may_mark(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut after_word = false;
    for (i, &b) in bytes.iter().enumerate() {
        let class = CLASS[b as usize];
        if class & (FIRST | UPPER) != 0 {
            let rest = &bytes[i..];
            if class & UPPER != 0 && (rest.starts_with(b"TODO") || rest.starts_with(b"FIXME")) {
                return true;
            }
            if class & FIRST != 0 && !after_word && starts_word(rest) {
                return true;
            }
        }
        after_word = class & ALNUM != 0;
    }
    false
}

/// Whether `rest` starts with one of `WORDS`, in any case.
fn starts_word(rest: &[u8]) -> bool {
    let byte = |i: usize| rest.get(i).map_or(0, |&b| b as usize);
    let mut words = AT[0][byte(0)] & AT[1][byte(1)] & AT[2][byte(2)];
    while words != 0 {
        let word = WORDS[words.trailing_zeros() as usize];
        if rest
            .get(..word.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(word))
        {
            return true;
        }
        words &= words - 1;
    }
    false
}

/// The TODO sections of a guide, found as its blocks are read: only the sections found
/// and the one still open are kept.
#[derive(Default)]
pub struct Sections {
    found: Vec<Todo>,
    /// A marking heading or paragraph whose end is not known yet.
    open: Option<Open>,
}

struct Open {
    kind: ProseKind,
    todo: Todo,
}

impl Sections {
    /// Each marking heading owns its section (up to the next heading of its level or
    /// above); a marking paragraph owns the list right under it; what is inside a section
    /// is part of it.
    pub fn add(&mut self, block: &Block) {
        let prose = match block {
            Block::Prose(prose) => Some(prose),
            _ => None,
        };
        if let Some(open) = &mut self.open {
            match (open.kind, prose.map(|p| (p.kind, p.span))) {
                (ProseKind::Heading(level), Some((ProseKind::Heading(l), span))) if l <= level => {
                    open.todo.span.end = span.start;
                    self.close();
                }
                (ProseKind::Paragraph, Some((ProseKind::Item { .. }, span))) => open.todo.span.end = span.end,
                (ProseKind::Paragraph, _) => self.close(),
                _ => {}
            }
        }
        let Some(prose) = prose.filter(|_| self.open.is_none()) else {
            return;
        };
        // A marker inside `code` is a mention, not a marker.
        if !may_mark(&prose.text) || !marks(&prose.text) || !marks(&CODE_SPAN.replace_all(&prose.text, "")) {
            return;
        }
        let todo = Todo {
            line: 0,
            text: prose.text.chars().take(80).collect(),
            span: prose.span,
        };
        match prose.kind {
            ProseKind::Item { .. } => self.found.push(todo),
            kind => self.open = Some(Open { kind, todo }),
        }
    }

    fn close(&mut self) {
        self.found.extend(self.open.take().map(|open| open.todo));
    }

    /// The sections, with their lines; a heading still open runs to the end of the text.
    pub fn finish(mut self, text: &str, index: &LineCounter) -> Vec<Todo> {
        if let Some(open) = self.open.as_mut()
            && matches!(open.kind, ProseKind::Heading(_))
        {
            open.todo.span.end = text.len();
        }
        self.close();
        for todo in &mut self.found {
            todo.line = index.line(todo.span.start);
        }
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract;

    /// Every marker and state the markers know, and the words TODOs are made of, in the
    /// case an author may write them.
    fn marking_phrase() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let mut phrases: Vec<String> = markers::MARKERS.iter().map(|m| m.join(" ")).collect();
        phrases.extend(markers::STATES.iter().map(|s| format!("this section is {s}")));
        phrases.extend(["TODO", "FIXME", "is not complete", "is not yet finished"].map(String::from));
        (proptest::sample::select(phrases), 0..3usize).prop_map(|(phrase, case)| match case {
            0 => phrase,
            1 => phrase.to_uppercase(),
            _ => phrase[..1].to_uppercase() + &phrase[1..],
        })
    }

    proptest::proptest! {
        /// The cheap look lets through every text that marks a section.
        #[test]
        fn every_marking_text_gets_past_the_cheap_look(
            before in crate::properties::made_of(&["(", "🚧 ", "## ", "x ", "`", "*", "The guide is "], 2),
            phrase in marking_phrase(),
            after in crate::properties::made_of(&[")", " 🚧", ":", ".", " x", "`", "*"], 2),
        ) {
            let text = format!("{before}{phrase}{after}");
            if marks(&text) {
                proptest::prop_assert!(may_mark(&text), "{:?}", text);
            }
        }
    }

    fn sections(text: &str, blocks: &[Block], index: &LineCounter) -> Vec<Todo> {
        let mut sections = Sections::default();
        blocks.iter().for_each(|b| sections.add(b));
        sections.finish(text, index)
    }

    fn todos(text: &str) -> Vec<(usize, String, String)> {
        sections(text, &extract(text), &LineCounter::new(text))
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
        assert_eq!(todos("# G\n\n## Step 3: TODO\n\nCover it.\n").len(), 1);
        assert_eq!(todos("# G\n\n## Deploying (TODO)\n\nCover it.\n").len(), 1);
        assert!(todos("# G\n\nKeep a TODO list in a file.\n").is_empty());
        assert!(todos("# G\n\nName the file `TODO`\n").is_empty());
        assert!(todos("Say `TODO:` to mark one.\n").is_empty());
    }

    #[test]
    fn markers_bloggers_use_open_sections_and_mentions_do_not() {
        for marked in [
            "## Next steps (coming soon)\n",
            "## Deploying\n\nTBD\n",
            "## Testing\n\nThis section is a work in progress.\n",
            "## Flakes\n\n*To be written.*\n",
            "## Cleanup\n\nWIP\n",
            "## Later\n\n🚧 Under construction 🚧\n",
            "## Caching\n\nThis guide is still incomplete: more soon.\n",
            "## Caching (draft)\n",
            // A state said with no other marker word: the cheap look once missed these.
            "## Deploying\n\nThis section is incomplete.\n",
            "## Next\n\nThe guide is unfinished.\n",
        ] {
            assert_eq!(todos(marked).len(), 1, "{marked}");
        }
        for mention in [
            "A todo list app, to be continued by you.\n",
            "Stay tuned for more!\n",
            "The build is under construction when `make` runs.\n",
            "Save your work in progress with `git stash`.\n",
            "Coming soon to a theatre near you: nix.\n",
            "The draft is saved.\n",
        ] {
            assert!(todos(mention).is_empty(), "{mention}");
        }
    }
}
