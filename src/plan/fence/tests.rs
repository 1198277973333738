//! Tests of `fence`: info strings in the spellings guides use.

use super::*;

#[test]
fn words_split_outside_quotes_and_keep_them() {
    let split: Vec<&str> = words(" a \"b c\",d  'e,f' g=\"h i\"").collect();
    assert_eq!(split, ["a", "\"b c\"", "d", "'e,f'", "g=\"h i\""]);
}

/// What info strings are made of: languages, their spellings, attributes.
const INFO_PARTS: [&str; 14] = [
    "nix", "console", "-", "+", "3", "N", " ", ",", "{", "}", ":", "=", "\"", "é",
];

/// Words made of the parts file names (and what is not one) are made of.
fn word() -> impl proptest::strategy::Strategy<Value = String> {
    const PARTS: [&str; 16] = [
        "a", ".", "/", "-", "+", "_", "nix", "é", "3", "Makefile", "GNU", ".env", "x.y", " ", "~", "*",
    ];
    crate::properties::made_of(&PARTS, 6)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 4096, ..Default::default() })]

    /// A language alone, read at once, is what the words give.
    #[test]
    fn a_bare_language_is_read_as_its_words_are(info in crate::properties::made_of(&INFO_PARTS, 5)) {
        let trimmed = info.trim();
        proptest::prop_assert_eq!(Fence::parse(&info), Fence::read(trimmed), "{:?}", info);
    }

    #[test]
    fn looks_like_file_agrees_with_the_file_name_pattern(word in word()) {
        static WHOLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!("^{FILE_NAME}$")).unwrap());
        let expected = !word.starts_with('-') && WHOLE.is_match(&word);
        proptest::prop_assert_eq!(looks_like_file(&word), expected, "{:?}", word);
    }

    /// Titles read as labels by the rule as it reads: a spaced title without an
    /// extension, or one of the label words.
    #[test]
    fn a_label_is_what_the_rule_says(
        title in crate::properties::made_of(&[
            "Output", "log", "in the", "terminal", ".", "nix", " ", "\u{a0}", "\t", "é", "x.y",
        ], 4),
    ) {
        let t = title.trim();
        let extension = t.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty() && (1..=10).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric())
        });
        const LABELS: [&str; 4] = ["output", "log", "terminal", "logs"];
        let expected = t.contains(char::is_whitespace) && !extension
            || !t.contains('.') && LABELS.iter().any(|l| t.eq_ignore_ascii_case(l));
        proptest::prop_assert_eq!(is_label(&title), expected, "{:?}", title);
    }
}

#[test]
fn attributes_in_all_spellings() {
    let f = Fence::parse("nix file=default.nix");
    assert_eq!(
        (f.lang.as_ref(), f.file_name()),
        ("nix", Some(("default.nix", "file")))
    );
    let f = Fence::parse(r#"nix title="hello world.nix""#);
    assert_eq!(f.file_name(), Some(("hello world.nix", "title")));
    // A title that labels the block names no file; `file=` always does.
    for label in [
        r#"text title="Output""#,
        r#"sh title="In the terminal""#,
        "text name=stdout",
    ] {
        assert_eq!(Fence::parse(label).file_name(), None, "{label}");
    }
    assert_eq!(
        Fence::parse("text file=output").file_name(),
        Some(("output", "file"))
    );
    assert_eq!(Fence::parse(r#"text title="Success""#).file_name(), None);
    assert_eq!(
        Fence::parse(r#"text title="/tmp/x.txt""#).file_name(),
        Some(("/tmp/x.txt", "title"))
    );
    assert_eq!(
        Fence::parse(r#"text title="notes.txt""#).file_name(),
        Some(("notes.txt", "title"))
    );
    assert_eq!(
        Fence::parse(r#"sh title="planted""#).file_name(),
        Some(("planted", "title"))
    );
    let f = Fence::parse("sh,skip");
    assert_eq!((f.lang.as_ref(), f.has_flag("skip")), ("sh", true));
    let f = Fence::parse("{code-block} nix");
    assert_eq!(f.lang, "nix");
    assert_eq!(Fence::parse("").lang, "");
    assert_eq!(Fence::parse("Console").lang, "console");
}

#[test]
fn a_file_name_after_the_language_names_the_block() {
    for (info, lang, name) in [
        ("nix shell.nix", "nix", "shell.nix"),
        ("{code-block} python myapp.py", "python", "myapp.py"),
        ("{code-block} c hello.c", "c", "hello.c"),
        ("js:app.js", "js", "app.js"),
        ("python:src/main.py", "python", "src/main.py"),
        ("make Makefile", "make", "Makefile"),
        ("bash .envrc", "bash", ".envrc"),
        ("nix skip default.nix", "nix", "default.nix"),
    ] {
        let f = Fence::parse(info);
        assert_eq!(
            (f.lang.as_ref(), f.file_name().map(|(n, _)| n)),
            (lang, Some(name)),
            "{info}"
        );
    }
    for info in [
        "nix skip",
        "python 3.11",
        "sh -x",
        "console ignore",
        "nix {.class}",
        "text v1.2",
        "js:",
    ] {
        assert_eq!(Fence::parse(info).file_name(), None, "{info}");
    }
    // Other sites' spellings.
    for (info, lang, name) in [
        (r#"go {filename="main.go", linenos=table}"#, "go", Some("main.go")),
        (r#"{.python filename="x.py"}"#, "python", Some("x.py")),
        ("{.bash .numberLines}", "bash", None),
        ("ts [config.ts]", "ts", Some("config.ts")),
        ("nix {title=default.nix}", "nix", Some("default.nix")),
        ("{literalinclude} a.nix", "literalinclude", Some("a.nix")),
        ("{note}", "note", None),
    ] {
        let f = Fence::parse(info);
        assert_eq!(
            (f.lang.as_ref(), f.file_name().map(|(n, _)| n)),
            (lang, name),
            "{info}"
        );
    }
    assert!(Fence::parse("{.bash .skip}").has_flag("skip"));
    // A named attribute wins over the word.
    let f = Fence::parse(r#"nix other.nix title="a.nix""#);
    assert_eq!(f.file_name(), Some(("a.nix", "title")));
    assert!(Fence::parse("nix skip default.nix").has_flag("skip"));
}

#[test]
fn a_first_line_comment_in_each_languages_spelling_titles_the_block() {
    for (first, name) in [
        ("# hello.nix", "hello.nix"),
        ("// main.c — the program", "main.c"),
        ("/* style.css */", "style.css"),
        ("<!-- index.html -->", "index.html"),
        ("<!-- site/about.html: the about page -->", "site/about.html"),
        ("-- init.lua", "init.lua"),
        ("; settings.ini", "settings.ini"),
        ("# file: a.nix", "a.nix"),
        ("# Filename: f.nix", "f.nix"),
        ("// File name: src/main.rs", "src/main.rs"),
        ("# b.nix (updated)", "b.nix"),
        ("# In c.nix:", "c.nix"),
        ("# save this as shell.nix", "shell.nix"),
        ("/* path: d.nix */", "d.nix"),
        (";;; init.el", "init.el"),
        ("# café/menü.nix", "café/menü.nix"),
        ("#   spaced.nix   ", "spaced.nix"),
    ] {
        assert_eq!(
            comment_path(&format!("{first}\nbody\n")).as_deref(),
            Some(name),
            "{first}"
        );
    }
    for first in [
        "<!-- a note -->",
        "# Build it",
        "<!-- index.html",
        "// see main.c for more",
        "/* style.css",
        "#!/usr/bin/env bash",
        "# hello.nix—no space",
    ] {
        assert_eq!(comment_path(first), None, "{first}");
    }
}
