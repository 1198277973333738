//! The prose right before a block that names the file the block is: "Create a file named
//! `greet.sh`:", "Save this as `hello.nix`:", "In `shell.nix`:", a heading "`flake.nix`".
//!
//! Only a plain naming counts. Prose that runs, shows or changes something ("Run
//! `./greet.sh`:", "The output of `x.sh`:", "Add this to `.bashrc`:", "`a.txt` now
//! contains:") names nothing: its block may be commands, output or a part of a file.

use super::super::fence::{comment_path, looks_like_file};
use super::{Builder, Fence, Str, syntax};
use crate::extract::{Prose, ProseKind};

impl Builder<'_> {
    /// Prose between blocks: the latest heading or paragraph may name the next block.
    pub(super) fn prose(&mut self, prose: &Prose) {
        let heading = matches!(prose.kind, ProseKind::Heading(_));
        self.pending.run_lead = super::run_lead::asks_to_run(&prose.text);
        self.pending.lead_in = file_named(&prose.text, heading).map(|(path, sentence)| {
            // The sentence that names it, at most its last 80 characters.
            let chars = sentence.trim().chars();
            let skip = chars.clone().count().saturating_sub(80);
            let said: String = chars.skip(skip).collect();
            let cut = if skip > 0 { "…" } else { "" };
            (path.to_string(), format!("the text before it: \"{cut}{said}\""))
        });
    }

    /// The name a block gives itself in a first-line comment (not in commands or a
    /// script), else the one the sentence before it gives.
    pub(super) fn implicit_name(
        &self,
        fence: &Fence,
        content: &str,
        lead_in: Option<(String, String)>,
    ) -> Option<(Str, Str)> {
        let titled = !fence.is_console() && !fence.is_script();
        titled
            .then(|| comment_path(content))
            .flatten()
            .map(|path| (path.into(), "first-line comment".into()))
            .or_else(|| {
                lead_in
                    .filter(|(path, _)| whole_file(fence, content, path))
                    .map(|(path, why)| (path.into(), why.into()))
            })
    }

    /// A file written by an earlier step: prose naming it again may show only a part.
    pub(super) fn written(&self, path: &str) -> bool {
        self.texts.written(path)
    }
}

/// A block that can be the whole file `path`: a Nix block must be a whole expression,
/// and shell lines that write `path` themselves (`cat > path <<EOF`) are commands.
fn whole_file(fence: &Fence, content: &str, path: &str) -> bool {
    let writes_it = (fence.is_script() || fence.is_console() || fence.lang.is_empty())
        && [">", "> ", ">>", ">> ", "tee ", "-o ", "cp ", "mv "]
            .iter()
            .any(|w| content.contains(&format!("{w}{path}")));
    !writes_it && (!crate::nix::is_nix_lang(&fence.lang) || syntax::is_nix_file(content))
}

/// Words that name a file for the block after them (`create`, `save … as`, `named`, `in`).
const NAMING: &[&str] = &[
    "create", "creating", "write", "writing", "save", "saving", "put", "putting", "paste", "place", "store",
    "named", "called", "file", "in", "into", "to", "as", "of",
];
/// Words that may stand between a naming word and the name, or make up the whole sentence.
const FILLER: &[&str] = &[
    "here",
    "here's",
    "is",
    "a",
    "an",
    "the",
    "this",
    "that",
    "it",
    "its",
    "these",
    "your",
    "our",
    "new",
    "following",
    "file",
    "script",
    "program",
    "module",
    "code",
    "content",
    "contents",
    "snippet",
    "text",
    "lines",
    "below",
    "with",
    "in",
    "into",
    "to",
    "as",
    "named",
    "called",
    "of",
    "nix",
    "shell",
    "bash",
    "python",
    "expression",
    "config",
    "configuration",
    "we",
    "you",
    "let's",
    "next",
    "then",
    "first",
    "finally",
    "and",
];
/// Words after the name before the `:` (`with the following content`, `should look like this`).
const AFTER: &[&str] = &[
    "file",
    "with",
    "containing",
    "as",
    "like",
    "looks",
    "look",
    "should",
    "will",
    "must",
    "the",
    "this",
    "these",
    "following",
    "follows",
    "content",
    "contents",
    "code",
    "lines",
    "text",
    "so",
];
/// Words that make the sentence about something else than naming a block's file.
const NOT_NAMING: &[&str] = &[
    "run",
    "running",
    "runs",
    "execute",
    "executing",
    "executes",
    "type",
    "typing",
    "invoke",
    "call",
    "calling",
    "print",
    "prints",
    "printing",
    "output",
    "outputs",
    "show",
    "shows",
    "showing",
    "return",
    "returns",
    "give",
    "gives",
    "produce",
    "produces",
    "display",
    "displays",
    "result",
    "results",
    "see",
    "add",
    "adding",
    "append",
    "appending",
    "insert",
    "edit",
    "editing",
    "update",
    "updating",
    "modify",
    "change",
    "changing",
    "replace",
    "open",
    "extend",
    "source",
    "sourcing",
    "load",
    "import",
    "contains",
    "now",
    "error",
    "fail",
    "fails",
];

fn words(text: &str) -> impl DoubleEndedIterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
}

/// The sentence before the name ends with a naming word and filler, or is only filler.
fn names_before(sentence: &str) -> bool {
    let mut reversed = words(sentence).rev().skip_while(|w| FILLER.contains(w));
    match reversed.next() {
        None => true,
        Some(last) => NAMING.contains(&last) || (FILLER.contains(&last) && reversed.next().is_none()),
    }
}

/// What follows the name is empty or a phrase like `with the following content`.
fn plain_after(after: &str) -> bool {
    let mut all = words(after).peekable();
    all.next_if_eq(&"file");
    all.all(|w| AFTER.contains(&w))
}

fn about_something_else(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| NOT_NAMING.contains(&w))
}

/// The file a heading or a paragraph ending in `:` names for the block after it, and the
/// sentence that names it.
pub fn file_named(text: &str, heading: bool) -> Option<(&str, &str)> {
    let text = text.trim();
    // The cheap test first: most prose does not end with `:`.
    if !(heading || text.ends_with(':')) {
        return None;
    }
    let body = text.strip_suffix(':').unwrap_or(text).trim_end();
    let (open, name, close) = match body.rfind('`') {
        Some(close) => {
            let open = body[..close].rfind('`')?;
            (open, &body[open + 1..close], close + 1)
        }
        // A name written plainly (`Save this as config.json:`, or in bold, which the text
        // no longer shows), in a sentence only: a heading `Node.js` is no file.
        None if !heading => bare_name(body)?,
        None => return None,
    };
    if !looks_like_file(name) {
        return None;
    }
    let before = body[..open].to_ascii_lowercase();
    let after = body[close..].trim().to_ascii_lowercase();
    if heading {
        return (before.trim().is_empty() && after.is_empty()).then_some((name, text));
    }
    // The sentence the name is in (lower case keeps every byte where it was).
    let start = before.rfind(['.', '!', '?']).map_or(0, |i| i + 1);
    let sentence = &before[start..];
    (names_before(sentence)
        && plain_after(&after)
        && !about_something_else(sentence)
        && !about_something_else(&after))
    .then_some((name, &text[start..]))
}

/// The last word of `body` that is plainly a file name (with an extension, a folder or a
/// name like `Makefile`; quotes around it are not part of it): where its word starts, the
/// name, and where its word ends.
fn bare_name(body: &str) -> Option<(usize, &str, usize)> {
    let mut end = body.len();
    for word in body.rsplit(|c: char| c.is_whitespace() || c == ',') {
        let start = end - word.len();
        end = start.saturating_sub(1);
        let name = word.trim_matches(['"', '\'', '“', '”', '‘', '’', '*', '_']);
        if name.is_empty() || name.ends_with('.') {
            continue;
        }
        let plainly = name.contains(['.', '/']) || name.ends_with("file");
        if plainly && looks_like_file(name) {
            return Some((start, name, start + word.len()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_namings_name_the_file() {
        for (text, name) in [
            ("Create a file named `greet.sh`:", "greet.sh"),
            (
                "Create a file called `hello.nix` with the following content:",
                "hello.nix",
            ),
            ("Save this as `default.nix`:", "default.nix"),
            ("Next, we write the following into `src/main.c`:", "src/main.c"),
            ("In `shell.nix`:", "shell.nix"),
            ("`Makefile`:", "Makefile"),
            ("Create a `shell.nix` file:", "shell.nix"),
            ("Put this in a new file, `flake.nix`:", "flake.nix"),
            ("First some prose. Then create `a.py` containing:", "a.py"),
            ("Here is the content of `notes.txt`:", "notes.txt"),
            ("The `default.nix` file:", "default.nix"),
            ("Here is `greet.py`:", "greet.py"),
            ("Our `flake.nix` should look like this:", "flake.nix"),
            ("Save the following as config.json:", "config.json"),
            ("Create main.py with the following content:", "main.py"),
            ("Save it as \"src/app.rb\":", "src/app.rb"),
            ("Create a Dockerfile:", "Dockerfile"),
        ] {
            assert_eq!(
                file_named(text, false).map(|(path, _)| path),
                Some(name),
                "{text}"
            );
        }
        assert_eq!(
            file_named("`flake.nix`", true).map(|(path, _)| path),
            Some("flake.nix")
        );
    }

    #[test]
    fn prose_about_something_else_names_nothing() {
        for text in [
            "Run `./greet.sh`:",
            "Make it executable and run `./greet.sh`:",
            "The output of `hello.nix`:",
            "Add this to `.bashrc`:",
            "`a.txt` now contains:",
            "`a.txt` contains:",
            "Open `configuration.nix` and add the following:",
            "Change into `project.d`:",
            "Create a file named `greet.sh`",
            "Create a file named `greet.sh`. Then run it:",
            "Go to `~/.config/nix.conf`:",
            "Create `/etc/nix/nix.conf`:",
            "Create a file named `$NAME`:",
            "The build fails in `default.nix`:",
            "Install Node.js:",
            "Run main.py:",
            "Open config.json and add:",
            "Create a new project:",
            "It was version 2.3.4 as of this writing:",
            "Save the file.",
        ] {
            assert_eq!(file_named(text, false), None, "{text}");
        }
        assert_eq!(file_named("About `flake.nix`", true), None);
        assert_eq!(file_named("Node.js", true), None);
    }
}
