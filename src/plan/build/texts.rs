//! The latest content of every file a guide wrote so far, and of every unnamed Nix block (a
//! diff may revise either), in the order last written: found by name at once, so a guide
//! that writes 100,000 files is read in time proportional to it.

use crate::plan::Str;
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

/// A text a later ```diff may revise.
pub(super) struct Text {
    /// The file it is written to; `None` for an unnamed Nix block.
    pub path: Option<Str>,
    pub content: Str,
    /// Markdown line of its latest revision.
    pub line: usize,
}

#[derive(Default)]
pub(super) struct Texts {
    /// Every text in the order last written; a file's older revisions are `None` until the
    /// list is compacted.
    all: Vec<Option<Text>>,
    /// Where each file's latest revision is in `all` (hashed by Fx: paths are short, and
    /// a guide's author is not an attacker of its reader).
    files: FxHashMap<Str, usize>,
    /// Where the files are in `all`, in its order.
    named: BTreeSet<usize>,
    live: usize,
}

impl Texts {
    /// Records a text; a file's earlier revision is forgotten.
    pub fn remember(&mut self, text: Text) {
        // The file written last, written again (a guide revising one file): it stays last.
        if let Some(path) = &text.path
            && let Some(&at) = self.files.get(path)
            && at + 1 == self.all.len()
        {
            self.all[at] = Some(text);
            return;
        }
        if let Some(path) = &text.path
            && let Some(old) = self.files.remove(path)
        {
            self.all[old] = None;
            self.named.remove(&old);
            self.live -= 1;
        }
        let at = self.all.len();
        if let Some(path) = &text.path {
            self.files.insert(path.clone(), at);
            self.named.insert(at);
        }
        self.all.push(Some(text));
        self.live += 1;
        // Forgotten revisions hold no more than the texts that count.
        if self.all.len() > 2 * self.live + 64 {
            self.compact();
        }
    }

    fn compact(&mut self) {
        let all: Vec<Text> = std::mem::take(&mut self.all).into_iter().flatten().collect();
        self.files.clear();
        self.named.clear();
        for (at, text) in all.iter().enumerate() {
            if let Some(path) = &text.path {
                self.files.insert(path.clone(), at);
                self.named.insert(at);
            }
        }
        self.all = all.into_iter().map(Some).collect();
    }

    /// The latest revision of file `path`.
    pub fn latest(&self, path: &str) -> Option<&Text> {
        self.files.get(path).and_then(|&at| self.all[at].as_ref())
    }

    pub fn written(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Every text, the latest written first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Text> {
        self.all.iter().rev().flatten()
    }

    /// The files' texts, the latest written first.
    pub fn files_newest_first(&self) -> impl Iterator<Item = &Text> {
        self.named.iter().rev().filter_map(|&at| self.all[at].as_ref())
    }

    /// Names the unnamed block of Markdown line `line` `path` (a file not written yet), in
    /// its place; gives its content.
    pub fn name_unnamed(&mut self, line: usize, path: &str) -> Option<String> {
        let at = self
            .all
            .iter()
            .rposition(|t| t.as_ref().is_some_and(|t| t.path.is_none() && t.line == line))?;
        let text = self.all[at].as_mut()?;
        text.path = Some(path.into());
        self.files.insert(path.into(), at);
        self.named.insert(at);
        Some(text.content.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(path: Option<&str>, content: &str, line: usize) -> Text {
        Text {
            path: path.map(Str::from),
            content: content.into(),
            line,
        }
    }

    fn order(texts: &Texts) -> Vec<(Option<&str>, &str)> {
        texts
            .newest_first()
            .map(|t| (t.path.as_deref(), t.content.as_str()))
            .collect()
    }

    #[test]
    fn a_file_rewritten_moves_to_the_front_and_forgets_its_old_content() {
        let mut texts = Texts::default();
        texts.remember(text(Some("a"), "a1", 1));
        texts.remember(text(None, "n", 2));
        texts.remember(text(Some("b"), "b1", 3));
        texts.remember(text(Some("a"), "a2", 4));
        assert_eq!(order(&texts), [(Some("a"), "a2"), (Some("b"), "b1"), (None, "n")]);
        assert_eq!(texts.latest("a").map(|t| t.line), Some(4));
        assert!(texts.written("b") && !texts.written("n"));
        let files: Vec<&str> = texts.files_newest_first().map(|t| t.content.as_str()).collect();
        assert_eq!(files, ["a2", "b1"]);
    }

    #[test]
    fn an_unnamed_block_named_later_keeps_its_place() {
        let mut texts = Texts::default();
        texts.remember(text(None, "n", 2));
        texts.remember(text(Some("b"), "b1", 3));
        assert_eq!(texts.name_unnamed(2, "n.nix").as_deref(), Some("n"));
        assert_eq!(texts.name_unnamed(2, "again.nix"), None);
        let files: Vec<&str> = texts.files_newest_first().map(|t| t.content.as_str()).collect();
        assert_eq!(files, ["b1", "n"]);
        texts.remember(text(Some("n.nix"), "n2", 5));
        assert_eq!(order(&texts), [(Some("n.nix"), "n2"), (Some("b"), "b1")]);
    }

    #[test]
    fn the_last_file_written_again_is_replaced_where_it_is() {
        let mut texts = Texts::default();
        texts.remember(text(Some("a"), "a1", 1));
        texts.remember(text(Some("b"), "b1", 2));
        for (i, content) in ["b2", "b3"].into_iter().enumerate() {
            texts.remember(text(Some("b"), content, 3 + i));
        }
        assert_eq!(texts.all.len(), 2, "nothing forgotten is left behind");
        assert_eq!(order(&texts), [(Some("b"), "b3"), (Some("a"), "a1")]);
        assert_eq!(texts.latest("b").map(|t| t.line), Some(4));
        texts.remember(text(Some("a"), "a2", 5));
        assert_eq!(order(&texts), [(Some("a"), "a2"), (Some("b"), "b3")]);
    }

    #[test]
    fn many_rewrites_keep_only_the_latest() {
        let mut texts = Texts::default();
        for i in 0..10_000 {
            texts.remember(text(Some(&format!("f{}", i % 3)), &i.to_string(), i));
        }
        assert!(texts.all.len() <= 2 * 3 + 64 + 1, "{}", texts.all.len());
        assert_eq!(order(&texts).len(), 3);
        assert_eq!(texts.latest("f0").map(|t| t.content.as_str()), Some("9999"));
        assert_eq!(texts.latest("f2").map(|t| t.content.as_str()), Some("9998"));
    }
}
