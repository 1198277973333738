use super::*;
use crate::extract::extract;

fn plan(text: &str) -> Plan {
    build(Path::new("g.md"), text, &extract(text), &Prompts::default()).unwrap()
}

fn kinds(plan: &Plan) -> Vec<String> {
    plan.steps
        .iter()
        .map(|s| format!("{}: {}", s.line, s.summary()))
        .collect()
}

#[test]
fn files_commands_and_scripts_in_document_order() {
    let p = plan(
        "# T\n\n```nix title=\"a.nix\"\n1\n```\n\n```bash\nmkdir x\n```\n\n```console\n$ echo hi\nhi\n$ ls\n```\n",
    );
    assert_eq!(
        kinds(&p),
        ["3: write a.nix", "7: script: mkdir x", "12: echo hi", "14: ls"]
    );
}

#[test]
fn a_step_s_short_text_is_held_inline_and_long_text_whole() {
    let long = "x".repeat(40);
    let p = plan(&format!(
        "```nix title=\"a.nix\"\n{{ a = 1; }}\n```\n\n```console\n$ echo hi\nhi\n$ echo {long}\n{long}\n```\n"
    ));
    let texts: Vec<&Str> = p
        .steps
        .iter()
        .flat_map(|s| match &s.kind {
            StepKind::File {
                path,
                content,
                named_by,
            } => vec![path, content, named_by],
            StepKind::Command { command, shown } => std::iter::once(command)
                .chain(shown.iter().flat_map(|s| s.lines.iter().map(|l| &l.text)))
                .collect(),
            _ => vec![],
        })
        .collect();
    let held: Vec<(&str, bool)> = texts
        .iter()
        .map(|t| (t.as_str(), t.is_heap_allocated()))
        .collect();
    let long_command = format!("echo {long}");
    assert_eq!(
        held,
        [
            ("a.nix", false),
            ("{ a = 1; }\n", false),
            ("title=\"a.nix\"", false),
            ("echo hi", false),
            ("hi", false),
            (long_command.as_str(), true),
            (long.as_str(), true)
        ]
    );
}

#[test]
fn first_line_comment_names_a_file() {
    let p = plan("```nix\n# llamafile.nix\n{ }: 1\n```\n\n```c\n/* main.c */\n```\n");
    assert_eq!(kinds(&p), ["1: write llamafile.nix", "6: write main.c"]);
}

#[test]
fn a_first_line_title_may_go_on_with_a_description() {
    let p = plan(concat!(
        "```nix\n# pkgs.nix: a tiny package set\n{ }: 1\n```\n\n",
        "```nix\n# default.nix - entry point\n1\n```\n\n",
        "```c\n// src/main.c — the program\nint x;\n```\n\n",
        "```make\n# Makefile – how to build\nall:\n```\n\n",
        "```nix\n/* lib.nix: helpers */\n1\n```\n\n",
        "```\n# .envrc\nuse nix\n```\n",
    ));
    assert_eq!(
        kinds(&p),
        [
            "1: write pkgs.nix",
            "6: write default.nix",
            "11: write src/main.c",
            "16: write Makefile",
            "21: write lib.nix",
            "26: write .envrc",
        ]
    );
}

#[test]
fn comments_that_are_not_titles_name_nothing() {
    for first in [
        "# Note: this is a comment",
        "# see version 1.2 - later",
        "# e.g. this",
        "# /etc/nixos/configuration.nix",
        "# hello.nix is the file we write next",
    ] {
        let p = plan(&format!("```python\n{first}\nx = 1\n```\n"));
        assert!(
            matches!(p.steps[0].kind, StepKind::Snippet { .. }),
            "{first}: {:?}",
            p.steps[0]
        );
    }
}

#[test]
fn untagged_block_after_a_command_is_its_output() {
    let p = plan("```bash\n$ make\n```\n\nYou should see:\n\n```\nok\n```\n");
    let StepKind::Command {
        shown: Some(shown), ..
    } = &p.steps[0].kind
    else {
        panic!("not a command: {:?}", p.steps[0]);
    };
    assert_eq!(shown.lines.len(), 1);
    assert_eq!((shown.lines[0].text.as_str(), shown.lines[0].line), ("ok", 8));
    assert_eq!(p.steps.len(), 1);
}

#[test]
fn a_block_that_names_a_file_is_never_the_output_above_it() {
    for named in [
        "```text title=\"notes.txt\"\n",
        "<!-- guidecheck: file=notes.txt -->\n```\n",
    ] {
        let p = plan(&format!(
            "```console\n$ mkdir -p docs\n```\n\n{named}hello\n```\n"
        ));
        assert_eq!(p.steps.len(), 2, "{named}");
        assert!(
            matches!(&p.steps[1].kind, StepKind::File { path, .. } if path == "notes.txt"),
            "{named}"
        );
    }
}

#[test]
fn text_blocks_are_never_commands() {
    let p = plan("```text\n$ guidecheck guides/hello.md\nok\n```\n");
    assert_eq!(kinds(&p), ["1: snippet (text block with no command before it)"]);
}

#[test]
fn directives_apply_to_the_next_block() {
    let p = plan("<!-- guidecheck: skip -->\n```sh\nfalse\n```\n\n```sh\ntrue\n```\n");
    assert!(p.steps[0].options.skipped);
    assert!(!p.steps[1].options.skipped);
}

#[test]
fn skip_rest_skips_everything_after_it() {
    let p = plan(
        "```sh\ntrue\n```\n\n<!-- guidecheck: skip-rest -->\n\n```sh\nfalse\n```\n\n```console\n$ false\n```\n",
    );
    let skipped: Vec<bool> = p.steps.iter().map(|s| s.options.skipped).collect();
    assert_eq!(skipped, [false, true, true]);
}

#[test]
fn hidden_run_and_file_directives() {
    let p = plan("<!-- guidecheck: run\nmkdir d\n-->\n\n<!-- guidecheck: file=x.txt -->\n```\nhello\n```\n");
    assert_eq!(kinds(&p), ["1: hidden script: mkdir d", "6: write x.txt"]);
}

#[test]
fn unknown_directive_is_an_error_at_its_line() {
    let text = "text\n\n<!-- guidecheck: skp -->\n";
    let err = build(Path::new("g.md"), text, &extract(text), &Prompts::default()).unwrap_err();
    assert_eq!(
        err.to_string().lines().next().unwrap(),
        "g.md:3:18: unknown directive `skp`"
    );
    assert!(err.hint.unwrap().contains("`skip`"));
}

#[test]
fn myst_caption_names_the_file() {
    let p = plan("```{code-block} nix\n:caption: hello.nix\n{ }: 1\n```\n");
    let StepKind::File { path, content, .. } = &p.steps[0].kind else {
        panic!()
    };
    assert_eq!((path.as_str(), content.as_str()), ("hello.nix", "{ }: 1\n"));
}

fn named_by(plan: &Plan) -> Vec<String> {
    plan.steps
        .iter()
        .map(|s| match &s.kind {
            StepKind::File { path, named_by, .. } => format!("{path}: {named_by}"),
            _ => s.summary(),
        })
        .collect()
}

#[test]
fn unnamed_nix_revisions_and_default_nix_are_inferred() {
    let p = plan(concat!(
        "```nix\nlet pkgs = import <nixpkgs> {}; in { x = pkgs.callPackage ./x.nix { }; }\n```\n\n",
        "```nix\n# x.nix\n{ stdenv }:\nstdenv.mkDerivation { pname = \"x\"; version = \"1\"; }\n```\n\n",
        "```shell\n{ stdenv, unzip }:\nstdenv.mkDerivation { pname = \"x\"; version = \"2\"; }\n```\n",
    ));
    assert_eq!(
        named_by(&p),
        [
            "default.nix: inferred: default.nix (not a function; uses ./x.nix)",
            "x.nix: first-line comment",
            "x.nix: inferred: revision of x.nix (same pname \"x\"); fenced as ```shell, read as Nix",
        ]
    );
}

#[test]
fn fragments_and_placeholders_are_snippets() {
    let p = plan("```nix\nowner = \"atextor\";\n```\n\n```nix title=\"a.nix\"\n{ x }:\n# ...\n{ }\n```\n");
    assert_eq!(
        named_by(&p),
        [
            "snippet (nix fragment: not a whole Nix expression)",
            "snippet (a.nix with a placeholder line (`...`): a fragment, not written)",
        ]
    );
}

#[test]
fn shell_commands_that_parse_as_nix_stay_shell() {
    let p = plan("```bash\ncd llamafile-dir\nnix-build -A llamafile\n```\n");
    assert_eq!(named_by(&p), ["script: cd llamafile-dir …"]);
}

#[test]
fn diff_blocks_edit_the_last_file() {
    let p = plan(
        "```nix title=\"x.nix\"\n{ a }:\n{\n  b = 1;\n}\n```\n\n```diff\n-{ a }:\n+{ a, c }:\n {\n```\n",
    );
    let StepKind::File {
        path,
        content,
        named_by,
    } = &p.steps[1].kind
    else {
        panic!()
    };
    assert_eq!((path.as_str(), named_by.as_str()), ("x.nix", "diff of x.nix"));
    assert_eq!(content, "{ a, c }:\n{\n  b = 1;\n}\n");
}

#[test]
fn a_diff_that_cannot_be_placed_is_a_snippet_with_the_reason() {
    let p = plan(
        "```nix title=\"x.nix\"\n{ a }: a\n```\n\n```diff\n--- a/x.nix\n+++ b/x.nix\n-{ b }: b\n+{ c }: c\n```\n\n```diff\n--- a/y.nix\n+++ b/y.nix\n-1\n+2\n```\n\n```diff\n-nothing\n+like this\n```\n",
    );
    assert_eq!(
        kinds(&p)[1..],
        [
            "5: snippet (diff that cannot be placed: hunk 1 does not match the latest `x.nix`)",
            "12: snippet (diff of `y.nix`, which no earlier step writes)",
            "19: snippet (diff that cannot be placed: its context matches no earlier file or nix block)",
        ]
    );
    assert!(p.steps[1..].iter().all(|s| matches!(
        s.kind,
        StepKind::Snippet {
            why: SnippetWhy::UnplacedDiff,
            ..
        }
    )));
}

#[test]
fn a_diff_edits_the_latest_text_whose_context_matches() {
    let p = plan(concat!(
        "```nix\n{ stdenv }:\nstdenv.mkDerivation {\n}\n```\n\n",
        "```nix title=\"other.nix\"\n{ x = 1; }\n```\n\n",
        "```diff\n stdenv.mkDerivation {\n+  pname = \"hello\";\n }\n```\n\n",
        "```diff\n-{ stdenv }:\n+{ stdenv, fetchzip }:\n```\n",
    ));
    assert_eq!(
        kinds(&p),
        [
            "1: snippet (unnamed nix block: no file name given or inferred (name it with title=\"…\"))",
            "7: write other.nix",
            "11: snippet (diff of the unnamed nix block at line 1: no file name given or inferred)",
            "17: snippet (diff of the unnamed nix block at line 11: no file name given or inferred)",
        ]
    );
}

#[test]
fn a_diff_of_an_unnamed_block_may_become_a_named_revision() {
    let p = plan(concat!(
        "```nix title=\"hello.nix\"\n{ stdenv, fetchzip }:\nstdenv.mkDerivation {\n  pname = \"hello\";\n}\n```\n\n",
        "```nix\n{ lib }:\nlib.mkDerivation {\n  pname = \"other\";\n}\n```\n\n",
        "```diff\n-{ lib }:\n-lib.mkDerivation {\n-  pname = \"other\";\n+{ stdenv, fetchzip }:\n+stdenv.mkDerivation {\n+  pname = \"hello\";\n```\n",
    ));
    let StepKind::File { path, named_by, .. } = &p.steps[2].kind else {
        panic!("{:?}", p.steps[2]);
    };
    assert_eq!(path, "hello.nix");
    assert!(
        named_by.starts_with("diff of the block at line 8; inferred: revision of hello.nix"),
        "{named_by}"
    );
}

#[test]
fn an_unnamed_block_is_the_file_the_next_command_reads() {
    let p = plan(concat!(
        "```nix\n{ pkgs ? import <nixpkgs> {} }: pkgs.hello\n```\n\n",
        "Save this in `hello.nix` and build it:\n\n",
        "```console\n$ nix-build hello.nix\n```\n",
    ));
    assert_eq!(kinds(&p), ["1: write hello.nix", "8: nix-build hello.nix"]);
    // A file written before is not replaced by a later unnamed block.
    let p = plan(concat!(
        "```nix title=\"hello.nix\"\n1\n```\n\n```nix\n{ x }: x\n```\n\n",
        "```console\n$ nix-build hello.nix\n```\n",
    ));
    assert!(kinds(&p)[1].starts_with("5: snippet"), "{:?}", kinds(&p));
}

#[test]
fn an_expression_pairs_with_a_value_block_and_excerpts_are_not_evaluated() {
    let myst = |body: &str, class: &str| format!("```{{code-block}} nix\n:class: {class}\n{body}\n```\n\n");
    // A value block shows the value; a later plain block is no value of a MyST expression.
    let text = myst("1 + 2", "expression")
        + &myst("3", "value")
        + &myst("{ a = 1; }", "expression")
        + "Prose.\n\n```nix\nimport <nixpkgs> {}\n```\n";
    let p = plan(&text);
    let evals: Vec<(usize, usize)> = p
        .steps
        .iter()
        .filter_map(|s| match &s.kind {
            StepKind::Eval { shown, .. } => Some((s.line, shown.lines.len())),
            _ => None,
        })
        .collect();
    assert_eq!(evals, [(1, 1), (11, 0)], "{:?}", kinds(&p));
    // An attribute, or an expression with `# ...` standing for the rest, is an excerpt.
    for (body, why) in [
        ("buildInputs = with pkgs; [ curl jq ];", SnippetWhy::Fragment),
        (
            "let\n  pkgs = import <nixpkgs> {};\nin\n\n# ...",
            SnippetWhy::Placeholder,
        ),
        (
            "with (import <nixpkgs> {});\n\n# ... lots of code",
            SnippetWhy::Fragment,
        ),
    ] {
        let p = plan(&myst(body, "expression"));
        assert!(
            matches!(p.steps[0].kind, StepKind::Snippet { why: w, .. } if w == why),
            "{body}: {:?}",
            kinds(&p)
        );
    }
    // Asked for with a directive, the next block is the value whatever it is.
    let p = plan("<!-- guidecheck: eval -->\n```nix\n1 + 2\n```\n\n```\n3\n```\n");
    assert!(
        matches!(&p.steps[0].kind, StepKind::Eval { shown, .. } if shown.lines.len() == 1),
        "{:?}",
        kinds(&p)
    );
}

#[test]
fn added_lines_without_context_go_inside_a_nix_files_set() {
    // Not for other files: there the end is the end.
    let text = "```nix title=\"m.nix\"\n{ lib, ... }: {\n  a = 1;\n}\n```\n\nAdd this to `m.nix`:\n\n\
                ```diff title=\"m.nix\"\n+  b = 2;\n```\n\n```text title=\"notes.txt\"\nfirst\n```\n\n\
                ```diff title=\"notes.txt\"\n+more\n```\n";
    let p = plan(text);
    let contents: Vec<&str> = p
        .steps
        .iter()
        .filter_map(|s| match &s.kind {
            StepKind::File { content, .. } => Some(content.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        contents,
        [
            "{ lib, ... }: {\n  a = 1;\n}\n",
            "{ lib, ... }: {\n  a = 1;\n  b = 2;\n}\n",
            "first\n",
            "first\nmore\n"
        ]
    );
}

#[test]
fn a_titled_excerpt_of_bindings_revises_the_file() {
    let text = "```nix title=\"icat.nix\"\n{ stdenv }:\nstdenv.mkDerivation {\n  pname = \"icat\";\n  installPhase = ''\n    cp icat $out\n  '';\n}\n```\n\n\
                Adjust your `installPhase`:\n\n```nix\n# icat.nix\n\n# ...\n\n  installPhase = ''\n    runHook preInstall\n    cp icat $out\n  '';\n\n# ...\n```\n";
    let p = plan(text);
    let StepKind::File {
        content, named_by, ..
    } = &p.steps[1].kind
    else {
        panic!("{:?}", kinds(&p));
    };
    assert!(content.starts_with("{ stdenv }:\nstdenv.mkDerivation {\n  pname = \"icat\";\n  installPhase = ''\n    runHook preInstall\n"), "{content}");
    assert!(
        named_by.ends_with("its bindings replace those of the latest icat.nix"),
        "{named_by}"
    );
    // A binding the file does not have is no revision: the excerpt stays a placeholder.
    let p = plan(&text.replace(
        "  installPhase = ''\n    runHook",
        "  buildPhase = ''\n    runHook",
    ));
    assert!(
        matches!(
            p.steps[1].kind,
            StepKind::Snippet {
                why: SnippetWhy::Placeholder,
                ..
            }
        ),
        "{:?}",
        kinds(&p)
    );
}

#[test]
fn a_shell_entered_at_a_plain_prompt_holds_what_is_read_with_it() {
    let nests = |text: &str| -> Vec<String> {
        plan(text)
            .steps
            .iter()
            .map(|s| {
                format!("{:?}", s.options.nest)
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    };
    // The same block, or the next one after a sentence: in the shell until `exit`.
    let near = "# g\n\n```console\n$ nix-shell -p terraform\n```\n\nThen log in:\n\n```console\n$ terraform login\n$ exit\n$ ls\n```\n";
    assert_eq!(nests(near), ["Enter", "Inside", "Leave", "Outer"]);
    // Under a later heading, the reader has moved on: the shell was a demonstration.
    let far = "# g\n\n```console\n$ nix-shell -p cowsay\n```\n\n## A file\n\n```console\n$ ls\n```\n";
    assert_eq!(nests(far), ["Outer", "Outer"]);
}

proptest::proptest! {
    /// Reading fails only where the text says `guidecheck:` (`plan::may_fail`): guides that
    /// never say it have their plans written out as they are read.
    #[test]
    fn a_guide_that_fails_to_read_says_guidecheck(
        text in crate::properties::made_of(&[
            "<!-- guidecheck: ", "bogus", "skip", "exit=x", "timeout=1s", "file=a.nix", " -->", "\n",
            "```console\n", "$ echo hi ", "# guidecheck: ", "```\n", "guidecheck", "text ", "```nix\n",
        ], 14),
    ) {
        if Steps::new(Path::new("g.md"), &text, extract(&text).into_iter(), &Prompts::default(), &[]).collect_all().is_err() {
            proptest::prop_assert!(crate::plan::may_fail(&text), "{:?}", text);
        }
    }
}
