//! mdBook's `{{#include FILE}}` lines in a code block, read in the guide's folder as mdBook
//! renders them: a chapter checked on its own (`guidecheck chapter.md`) writes the files
//! its book shows. (As a preprocessor after `links`, mdBook has expanded them already.)

use super::Builder;
use crate::extract::CodeBlock;
use crate::plan::SnippetWhy;
use regex::Regex;
use std::borrow::Cow;
use std::path::Path;
use std::sync::LazyLock;

impl Builder<'_> {
    /// The block's body with its include lines read; None when one cannot be (the block
    /// is then a snippet that says why).
    pub(super) fn with_includes<'c>(
        &mut self,
        code: &CodeBlock,
        content: Cow<'c, str>,
    ) -> Option<Cow<'c, str>> {
        match expand(&content, self.path) {
            None => Some(content),
            Some(Ok(expanded)) => Some(Cow::Owned(expanded)),
            Some(Err(reason)) => {
                self.snippet(code.span, SnippetWhy::NotRun, reason);
                None
            }
        }
    }
}

static INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\{\{\s*#(?:include|rustdoc_include)\s+([^\s:}]+)(?::([^\s}]*))?\s*\}\}\s*$")
        .expect("valid")
});
static ANCHOR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bANCHOR(_END)?:\s*([\w-]+)").expect("valid"));

/// `content` with each `{{#include …}}` line replaced by what it names; Err with the
/// reason when one cannot be read. None when there is no include line.
fn expand(content: &str, guide: &Path) -> Option<Result<String, String>> {
    if !crate::plan::holds(content, "{{") || !content.lines().any(|l| INCLUDE.is_match(l)) {
        return None;
    }
    let folder = guide.parent().unwrap_or(Path::new(""));
    let mut out = String::new();
    for line in content.lines() {
        let Some(caps) = INCLUDE.captures(line) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let file = &caps[1];
        let text = match super::include::read_listing(&folder.join(file)) {
            Ok(text) => text,
            Err(why) => return Some(Err(format!("{{{{#include {file}}}}}, {why}"))),
        };
        match part(&text, caps.get(2).map_or("", |m| m.as_str())) {
            Some(part) => out.push_str(&part),
            None => return Some(Err(format!("{{{{#include {file}}}}}: no such part of it"))),
        }
    }
    Some(Ok(out))
}

/// The lines `range` names (`2`, `2:10`, `:10`, an anchor, or all), without anchor lines.
fn part(text: &str, range: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let picked: Vec<&str> = if range.is_empty() {
        lines
    } else if range.chars().all(|c| c.is_ascii_digit() || c == ':') {
        let (from, to) = range.split_once(':').unwrap_or((range, ""));
        let from = from.parse::<usize>().map_or(0, |n| n.saturating_sub(1));
        let to = to.parse::<usize>().unwrap_or(lines.len()).min(lines.len());
        lines.get(from..to.max(from))?.to_vec()
    } else {
        let start = lines.iter().position(|l| anchor(l) == Some((false, range)))?;
        let end = lines[start..]
            .iter()
            .position(|l| anchor(l) == Some((true, range)))?;
        lines[start + 1..start + end].to_vec()
    };
    let kept: Vec<&str> = picked.into_iter().filter(|l| anchor(l).is_none()).collect();
    Some(kept.iter().map(|l| format!("{l}\n")).collect())
}

/// `ANCHOR: name` (false) or `ANCHOR_END: name` (true) in a line.
fn anchor(line: &str) -> Option<(bool, &str)> {
    let caps = ANCHOR.captures(line)?;
    Some((caps.get(1).is_some(), caps.get(2)?.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_are_read_as_mdbook_renders_them() {
        let dir = tempfile::tempdir().unwrap();
        let file = "// ANCHOR: all\nfn main() {\n    // ANCHOR: body\n    println!(\"hi\");\n    // ANCHOR_END: body\n}\n// ANCHOR_END: all\n";
        std::fs::write(dir.path().join("main.rs"), file).unwrap();
        let guide = dir.path().join("g.md");
        let body = |include: &str| expand(&format!("{{{{#include {include}}}}}\n"), &guide).unwrap();
        assert_eq!(
            body("main.rs").unwrap(),
            "fn main() {\n    println!(\"hi\");\n}\n"
        );
        assert_eq!(body("main.rs:body").unwrap(), "    println!(\"hi\");\n");
        assert_eq!(body("main.rs:2:2").unwrap(), "fn main() {\n");
        assert_eq!(body("main.rs::1").unwrap(), "");
        assert!(body("main.rs:nothing").is_err());
        assert!(body("gone.rs").unwrap_err().contains("not beside the guide"));
        // A FIFO is never read (it would never end).
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            dir.path().join("pipe"),
            rustix::fs::Mode::from(0o600),
        )
        .unwrap();
        assert!(body("pipe").unwrap_err().contains("not a regular file"));
        assert_eq!(expand("plain text {{ x }}\n", &guide), None);
        // Lines around an include stay.
        let mixed = expand("// before\n{{#include main.rs:body}}\n", &guide)
            .unwrap()
            .unwrap();
        assert_eq!(mixed, "// before\n    println!(\"hi\");\n");
    }
}
