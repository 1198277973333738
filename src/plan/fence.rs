//! The info string of a fence: its language and `key=value` attributes.

use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// What a fence's info string says, in the words of the info string (nothing is copied
/// but a language spelled in capitals).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fence<'a> {
    pub lang: Cow<'a, str>,
    /// Held in the fence up to four (no allocation for a block's few words).
    pub attrs: smallvec::SmallVec<[(&'a str, &'a str); 4]>,
    /// Bare words after the language (`skip`, `ignore`, ...).
    pub flags: smallvec::SmallVec<[&'a str; 4]>,
}

/// A language as it is compared: in lower case.
fn lowercase(lang: &str) -> Cow<'_, str> {
    match lang.bytes().any(|b| b.is_ascii_uppercase()) {
        true => Cow::Owned(lang.to_ascii_lowercase()),
        false => Cow::Borrowed(lang),
    }
}

impl<'a> Fence<'a> {
    /// Reads ```` ```nix file=default.nix ````, ```` ```sh,skip ````,
    /// ```` ```{code-block} nix ```` and `title="x"` spellings.
    pub fn parse(info: &'a str) -> Fence<'a> {
        let info = info.trim();
        // Most fences name a language alone (`console`, `nix`): nothing more to read.
        if info
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'+')
        {
            return Fence {
                lang: Cow::Borrowed(info),
                ..Fence::default()
            };
        }
        Fence::read(info)
    }

    /// `parse` of a trimmed info string, word by word.
    fn read(info: &'a str) -> Fence<'a> {
        if let Some(fence) = Fence::pandoc(info) {
            return fence;
        }
        let (lang, rest) = match info.strip_prefix("{code-block}").or(info.strip_prefix("{code}")) {
            Some(rest) => {
                let rest = rest.trim_start();
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            }
            None => {
                let end = info
                    .find(|c: char| c.is_whitespace() || c == ',')
                    .unwrap_or(info.len());
                (&info[..end], &info[end..])
            }
        };
        let lang = lang.trim_matches(|c| c == '{' || c == '}');
        let mut fence = Fence::default();
        // `js:app.js`, `python:src/main.py`: a language and a file name in one word.
        let lang = match lang.split_once(':') {
            Some((lang, name)) if looks_like_file(name) => {
                fence.attrs.push(("path", name));
                lang
            }
            _ => lang,
        };
        fence.lang = lowercase(lang);
        for word in words(rest) {
            // Hugo's `{filename="main.go", linenos=table}`, VitePress's `[config.ts]`.
            let unbraced = word.trim_matches(|c| c == '{' || c == '}');
            if unbraced.len() < word.len()
                && let Some(class) = unbraced.strip_prefix('.')
            {
                fence.flags.push(class); // `{.class}`: a class, not a dotfile
                continue;
            }
            let word = match unbraced.strip_prefix('[').and_then(|w| w.strip_suffix(']')) {
                Some(inner) if looks_like_file(inner) => inner,
                _ => unbraced,
            };
            if word.is_empty() {
                continue;
            }
            match word.split_once('=') {
                Some((k, v)) => fence.attrs.push((k, unquote(v))),
                // `nix shell.nix`, `{code-block} python myapp.py`: a file name after the
                // language (the first one; flags are plain words).
                None if fence.attr("path").is_none() && looks_like_file(word) => {
                    fence.attrs.push(("path", word));
                }
                None => fence.flags.push(word),
            }
        }
        fence
    }

    /// Pandoc's and Quarto's attribute braces: ```` ```{.python .numberLines filename="x.py"} ````
    /// (the first class is the language). Not MyST's ```` ```{code-block} ````.
    fn pandoc(info: &'a str) -> Option<Fence<'a>> {
        let inner = info.strip_prefix('{')?.strip_suffix('}')?;
        if !(inner.starts_with('.') || inner.starts_with('#') || inner.contains('=')) {
            return None;
        }
        let mut fence = Fence::default();
        for word in words(inner) {
            match (word.split_once('='), word.strip_prefix('.')) {
                (Some((k, v)), _) => fence.attrs.push((k, unquote(v))),
                (None, Some(class)) if fence.lang.is_empty() => fence.lang = lowercase(class),
                (None, Some(class)) => fence.flags.push(class),
                (None, None) => {} // `#id`
            }
        }
        Some(fence)
    }

    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| *k == key).map(|&(_, v)| v)
    }

    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.contains(&flag)
    }

    /// A name given to the block by `file=`, `title=`, `filename=` or `name=`, or by a
    /// file name after the language (`path`).
    pub fn file_name(&self) -> Option<(&str, &'static str)> {
        ["file", "title", "filename", "name", "path"]
            .into_iter()
            .find_map(|key| self.attr(key).map(|v| (v, key)))
            // A title or a name may be a label (Docusaurus's `title="Output"`, `title="In
            // the terminal"`): words, or a word that labels output, name no file; on a
            // block of output, nothing but a file's name does (`title="Success"`).
            .filter(|(v, key)| {
                // An absolute path is a file's too (one outside the workspace is refused).
                let file_like = || looks_like_file(v.trim_start_matches("~/").trim_start_matches('/'));
                !matches!(*key, "title" | "name") || !(is_label(v) || self.is_output() && !file_like())
            })
    }

    /// A transcript: `$ ` prompts start commands, `# ` counts as a (root) prompt.
    pub fn is_console(&self) -> bool {
        matches!(
            self.lang.as_ref(),
            "console" | "shell-session" | "shellsession" | "terminal" | "sh-session"
        )
    }

    /// A shell language whose blocks are scripts when they have no prompt lines.
    pub fn is_script(&self) -> bool {
        matches!(self.lang.as_ref(), "bash" | "sh" | "shell" | "zsh")
    }

    /// A block that only shows output.
    pub fn is_output(&self) -> bool {
        matches!(self.lang.as_ref(), "" | "text" | "output" | "plain" | "log")
    }
}

/// A block title that is a label, not a file: words without an extension (`In the
/// terminal`; `hello world.nix` is a file), or one of the words sites title output with.
fn is_label(title: &str) -> bool {
    const LABELS: [&str; 13] = [
        "output", "result", "results", "terminal", "console", "shell", "stdout", "stderr", "log", "logs",
        "response", "example", "expected",
    ];
    let title = title.trim();
    let spaced = title.bytes().any(|b| matches!(b, b' ' | b'\t'..=b'\r'))
        || !title.is_ascii() && title.contains(char::is_whitespace);
    if !spaced {
        // No label holds a dot: a file name is not compared with them.
        return !title.contains('.') && LABELS.iter().any(|l| title.eq_ignore_ascii_case(l));
    }
    // Words (no label has a space): a label unless the last ends in an extension.
    !title.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && (1..=10).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// MyST directive options at the top of a ```` ```{code-block} ```` body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Myst {
    /// `:caption: hello.nix`
    pub caption: Option<String>,
    /// `:class: expression` / `:class: value`
    pub class: Option<String>,
    /// How many option lines the body starts with.
    pub lines: usize,
}

/// The body of a block without its MyST options, and the options.
pub fn myst_options<'a>(content: &'a str, info: &str) -> (std::borrow::Cow<'a, str>, Myst) {
    let mut myst = Myst::default();
    if !info.trim_start().starts_with('{') {
        // Most blocks: the body as it is, not copied (a transcript is read by lines).
        return (std::borrow::Cow::Borrowed(content), myst);
    }
    let mut rest = content;
    while let Some(line) = rest.lines().next().filter(|l| l.starts_with(':')) {
        if let Some(value) = line.strip_prefix(":caption:") {
            myst.caption = Some(value.trim().to_string());
        }
        if let Some(value) = line.strip_prefix(":class:") {
            myst.class = Some(value.trim().to_string());
        }
        myst.lines += 1;
        rest = rest[line.len()..].strip_prefix('\n').unwrap_or("");
    }
    (std::borrow::Cow::Owned(rest.to_string()), myst)
}

/// A file name a guide may give a block (in a fence, or a comment titling it): a relative
/// path whose last part has an extension (`pkgs.nix`, `src/main.c`), is a dotfile
/// (`.envrc`), or is a well-known extensionless name (`Makefile`). Word characters are
/// ASCII ones and any non-ASCII character (`\x{80}-\x{10FFFF}`): Unicode's `\w` made these
/// patterns cost milliseconds to compile, in most guides.
pub const FILE_NAME: &str = r"(?:[A-Za-z0-9_\x{80}-\x{10FFFF}.+-]+/)*(?:[A-Za-z0-9_\x{80}-\x{10FFFF}+-][A-Za-z0-9_\x{80}-\x{10FFFF}.+-]*\.[A-Za-z][A-Za-z0-9_\x{80}-\x{10FFFF}]*|\.[A-Za-z][A-Za-z0-9_\x{80}-\x{10FFFF}.-]*|(?:GNU)?[Mm]akefile|Dockerfile|Containerfile|[Jj]ustfile|Gemfile|Rakefile|Procfile|Vagrantfile|Caddyfile|Brewfile)";

/// The text of a comment that titles a block, once its markers are off.
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    // A title may say what it is (`file: a.nix`, `In c.nix:`, `save as d.nix`) and go on
    // with a description after `:`, ` - `, ` — `, ` – ` or in parentheses.
    let label =
        r"(?:(?i:file(?:(?-u:\s)*name)?|path|in|save(?:(?-u:\s)+this)?(?-u:\s)+as)(?-u:\s)*:?(?-u:\s)+)?";
    let description = r"(?:(?-u:\s)*:(?:(?-u:\s).*)?|(?-u:\s)+[-—–](?-u:\s).*|(?-u:\s)+\(.*\))?";
    Regex::new(&format!(r"^(?-u:\s)*{label}({FILE_NAME}){description}(?-u:\s)*$")).expect("valid")
});

/// The inside of a one-line comment: `# …`, `// …`, `-- …`, `; …`, `/* … */`, `<!-- … -->`.
fn comment_text(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix("/*") {
        return rest.strip_suffix("*/");
    }
    if let Some(rest) = line.strip_prefix("<!--") {
        return rest.strip_suffix("-->");
    }
    if line.starts_with(';') {
        return Some(line.trim_start_matches(';'));
    }
    ["#", "//", "--"]
        .iter()
        .find_map(|marker| line.strip_prefix(marker))
}

/// `# hello.nix`, `// main.c`, `/* hello.nix */`, `<!-- index.html -->`, `# pkgs.nix: a tiny package set`,
/// `// main.c — the program`: a first line that titles the block with a file name.
pub fn comment_path(content: &str) -> Option<String> {
    let text = comment_text(content.lines().next()?.trim())?;
    let caps = TITLE.captures(text)?;
    Some(caps.get(1)?.as_str().to_string())
}

/// A whole word that is a `FILE_NAME`, not a version (`3.11`), an option or a directive.
/// `^FILE_NAME$`, by hand: the regex, with its non-ASCII ranges, costs a third of a
/// millisecond to compile, on the path of most guides (a test holds the two together).
pub(super) fn looks_like_file(word: &str) -> bool {
    let name_char =
        |c: char| c.is_ascii_alphanumeric() || !c.is_ascii() || matches!(c, '_' | '.' | '+' | '-');
    let (dirs, last) = word.rsplit_once('/').map_or((None, word), |(d, l)| (Some(d), l));
    if word.starts_with('-')
        || dirs.is_some_and(|d| d.split('/').any(|s| s.is_empty() || !s.chars().all(name_char)))
    {
        return false;
    }
    let ext_char = |c: char| c.is_ascii_alphanumeric() || !c.is_ascii() || c == '_';
    const KNOWN: [&str; 12] = [
        "Makefile",
        "makefile",
        "GNUmakefile",
        "GNUMakefile",
        "Dockerfile",
        "Containerfile",
        "Justfile",
        "justfile",
        "Gemfile",
        "Rakefile",
        "Procfile",
        "Vagrantfile",
    ];
    if KNOWN.contains(&last) || last == "Caddyfile" || last == "Brewfile" {
        return true;
    }
    if let Some(rest) = last.strip_prefix('.') {
        // A dotfile: `.envrc`.
        let mut chars = rest.chars();
        return chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || !c.is_ascii() || matches!(c, '_' | '.' | '-'));
    }
    // A stem and an extension that starts with a letter: `pkgs.nix`, `app.test.js`.
    let Some((stem, ext)) = last.rsplit_once('.') else {
        return false;
    };
    !stem.is_empty()
        && stem.chars().all(name_char)
        && ext.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && ext.chars().all(ext_char)
}

/// Splits on whitespace and commas, keeping quoted values together.
/// The words of an info string: split at whitespace and commas outside quotes, each a
/// slice of it (quotes kept).
fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut quote = None;
    text.split(move |c: char| match (quote, c) {
        (Some(q), c) if c == q => {
            quote = None;
            false
        }
        (None, '"' | '\'') => {
            quote = Some(c);
            false
        }
        (None, c) => c.is_whitespace() || c == ',',
        _ => false,
    })
    .filter(|w| !w.is_empty())
}

fn unquote(value: &str) -> &str {
    value.trim_matches(|c| c == '"' || c == '\'')
}

#[cfg(test)]
mod tests;
