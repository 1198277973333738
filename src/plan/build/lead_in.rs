//! The prose right before a block that names the file the block is: "Create a file named
//! `greet.sh`:", "Save this as `hello.nix`:", "In `shell.nix`:", a heading "`flake.nix`".
//!
//! Only a plain naming counts. Prose that runs, shows or changes something ("Run
//! `./greet.sh`:", "The output of `x.sh`:", "Add this to `.bashrc`:", "`a.txt` now
//! contains:") names nothing: its block may be commands, output or a part of a file.

use super::super::fence::{comment_path, looks_like_file};
use super::{Builder, Fence, syntax};
use crate::extract::{Prose, ProseKind};
use regex::Regex;
use std::sync::LazyLock;

impl Builder<'_> {
    /// Prose between blocks: the latest heading or paragraph may name the next block.
    pub(super) fn prose(&mut self, prose: &Prose) {
        let heading = matches!(prose.kind, ProseKind::Heading(_));
        self.pending.lead_in = file_named(&prose.text, heading).map(|path| {
            let text = prose.text.trim();
            // The sentence that names it, at most its last 80 characters.
            let named_at = text.rfind(&format!("`{path}`")).unwrap_or(0);
            let sentence = text[..named_at]
                .rfind(['.', '!', '?'])
                .map_or(text, |i| &text[i + 1..]);
            let chars = sentence.trim().chars();
            let skip = chars.clone().count().saturating_sub(80);
            let said: String = chars.skip(skip).collect();
            let cut = if skip > 0 { "…" } else { "" };
            (path, format!("the text before it: \"{cut}{said}\""))
        });
    }

    /// The name a block gives itself in a first-line comment (not in commands or a
    /// script), else the one the sentence before it gives.
    pub(super) fn implicit_name(
        &self,
        fence: &Fence,
        content: &str,
        lead_in: Option<(String, String)>,
    ) -> Option<(String, String)> {
        let titled = !fence.is_console() && !fence.is_script();
        titled
            .then(|| comment_path(content))
            .flatten()
            .map(|path| (path, "first-line comment".to_string()))
            .or_else(|| lead_in.filter(|(path, _)| self.whole_file(fence, content, path)))
    }

    /// A file written by an earlier step: prose naming it again may show only a part.
    pub(super) fn written(&self, path: &str) -> bool {
        self.texts.iter().any(|t| t.path.as_deref() == Some(path))
    }

    /// A block that can be the whole file `path`: a Nix block must be a whole expression,
    /// and shell lines that write `path` themselves (`cat > path <<EOF`) are commands.
    pub(super) fn whole_file(&self, fence: &Fence, content: &str, path: &str) -> bool {
        let writes_it = (fence.is_script() || fence.is_console() || fence.lang.is_empty())
            && [">", "> ", ">>", ">> ", "tee ", "-o ", "cp ", "mv "]
                .iter()
                .any(|w| content.contains(&format!("{w}{path}")));
        !writes_it && (!crate::nix::is_nix_lang(&fence.lang) || syntax::is_nix_file(content))
    }
}

/// The words before the name: they end with a word that names a file, then only filler.
static BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    let naming = r"create|creating|write|writing|save|saving|put|putting|paste|place|store|named|called|file|in|into|to|as|of";
    let filler = r"here|here's|is|a|an|the|this|that|it|its|these|your|our|new|following|file|script|program|module|code|content|contents|snippet|text|lines|below|with|in|into|to|as|named|called|of|nix|shell|bash|python|expression|config|configuration|we|you|let's|now|next|then|first|finally|and";
    Regex::new(&format!(
        r"(?:(?:^|[^a-z'])(?:{naming})|^[ \t]*(?:{filler}))(?:[ \t,]+(?:{filler}))*[ \t,]*$"
    ))
    .expect("valid")
});

/// What may follow the name before the closing `:`.
static AFTER: LazyLock<Regex> = LazyLock::new(|| {
    let tail = r"(?:[ \t]+(?:the|this|these|following|follows|content|contents|code|lines|text|so))*";
    Regex::new(&format!(
        r"^(?:file)?[ \t]*(?:,?[ \t]*(?:with|containing|as|like|(?:(?:should|will|must)[ \t]+)?looks?[ \t]+like){tail})?$"
    ))
    .expect("valid")
});

/// Words that make the sentence about something else than naming a block's file.
static NOT_NAMING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^a-z])(?:run|running|runs|execute|executing|executes|type|typing|invoke|call|calling|print|prints|printing|output|outputs|show|shows|showing|return|returns|give|gives|produce|produces|display|displays|result|results|see|add|adding|append|appending|insert|edit|editing|update|updating|modify|change|changing|replace|open|extend|source|sourcing|load|import|contains|now|error|fails?)(?:[^a-z]|$)",
    )
    .expect("valid")
});

/// The file a heading or a paragraph ending in `:` names for the block after it.
pub fn file_named(text: &str, heading: bool) -> Option<String> {
    let text = text.trim();
    // The cheap test first: most prose has no code span, or does not end with `:`.
    if !text.contains('`') || !(heading || text.ends_with(':')) {
        return None;
    }
    let body = text.strip_suffix(':').unwrap_or(text).trim_end();
    let close = body.rfind('`')?;
    let open = body[..close].rfind('`')?;
    let name = &body[open + 1..close];
    if !looks_like_file(name) {
        return None;
    }
    let before = body[..open].to_ascii_lowercase();
    let after = body[close + 1..].trim().to_ascii_lowercase();
    if heading {
        return (before.trim().is_empty() && after.is_empty()).then(|| name.to_string());
    }
    // The sentence the name is in.
    let sentence = before
        .rfind(['.', '!', '?'])
        .map_or(before.as_str(), |i| &before[i + 1..]);
    let named = sentence.trim().is_empty() || BEFORE.is_match(sentence);
    (named && AFTER.is_match(&after) && !NOT_NAMING.is_match(sentence) && !NOT_NAMING.is_match(&after))
        .then(|| name.to_string())
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
        ] {
            assert_eq!(file_named(text, false).as_deref(), Some(name), "{text}");
        }
        assert_eq!(file_named("`flake.nix`", true).as_deref(), Some("flake.nix"));
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
        ] {
            assert_eq!(file_named(text, false), None, "{text}");
        }
        assert_eq!(file_named("About `flake.nix`", true), None);
    }
}
