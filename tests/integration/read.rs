//! Guides as their authors wrote them: inferred names, mislabelled fences, diffs, prompts.

use crate::{Run, files_of, fixture, write_guide};

#[test]
fn the_raw_llamafile_blog_is_read_as_a_person_would() {
    let guide = fixture("read/llamafile_blog/guide.md");
    let output = Run::bare()
        .args(["plan", "--format", "json"])
        .arg(&guide)
        .outcome();
    assert_eq!(output.code, Some(0));
    let plans: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let steps = plans[0]["steps"].as_array().unwrap();
    let files = files_of(&plans[0]);
    let files: Vec<(&str, &str)> = files.iter().map(|(p, n)| (p.as_str(), n.as_str())).collect();
    assert_eq!(
        files,
        [
            (
                "default.nix",
                "inferred: default.nix (not a function; uses ./llamafile.nix)"
            ),
            ("llamafile.nix", "first-line comment"),
            (
                "llamafile.nix",
                "inferred: revision of llamafile.nix (same pname \"llamafile\"); fenced as ```shell, read as Nix"
            ),
            (
                "llamafile.nix",
                "inferred: revision of llamafile.nix (same pname \"llamafile\")"
            ),
        ]
    );
    let builds: Vec<usize> = steps
        .iter()
        .filter(|s| s["kind"] == "command")
        .map(|s| {
            assert_eq!(s["command"], "nix-build -A llamafile");
            s["shown"]["lines"].as_array().unwrap().len()
        })
        .collect();
    assert_eq!(builds, [15, 32]);
    let human = Run::bare().arg("plan").arg(&guide).outcome();
    insta::assert_snapshot!(human.stdout.replace(&guide.display().to_string(), "guide.md"));
}

#[test]
fn diff_blocks_edit_the_file_they_name() {
    let run = Run::bare().arg(fixture("read/diff_edits/guide.md")).expect(0);
    let (stdout, _stderr) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stdout.ends_with("4 steps: 4 passed, 0 failed, 0 blocked, 0 skipped\n"),
        "{stdout}"
    );
}

#[test]
fn zsh_and_user_host_prompts_elision_wildcards_and_hidden_setup() {
    let run = Run::bare().arg(fixture("read/prompts/guide.md")).expect(0);
    let (stdout, _stderr) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stdout.ends_with("12 steps: 12 passed, 0 failed, 0 blocked, 0 skipped\n"),
        "{stdout}"
    );
    // The second heredoc's body is read, not shown output: a wrong line in it fails.
    let text = crate::read(&fixture("read/prompts/guide.md")).replace("42 expands\n```", "41 expands\n```");
    let (_dir, path) = crate::write_guide("g.md", &text);
    Run::bare()
        .arg(&path)
        .expect(1)
        .contains("g.md:52: cat a.txt b.txt")
        .contains("- 41 expands");
    // A `# ` line under a `$ ` command is what it printed: a wrong one fails.
    let text = crate::read(&fixture("read/prompts/guide.md"))
        .replace("\n# notes.txt\nread me\n", "\n# notes.txt\nread you\n");
    let (_dir, path) = crate::write_guide("g.md", &text);
    Run::bare().arg(&path).expect(1).contains("- read you");
}

#[test]
fn an_output_block_after_a_script_or_a_command_is_its_output_unless_a_heading_parts_them() {
    let guide = fixture("read/output_blocks/guide.md");
    Run::new(["plan".as_ref(), guide.as_os_str()])
        .expect(0)
        .contains("   5  command  $ printf 'one\\ntwo\\n'\n              expects 2 shown lines")
        .contains("  30  script   mkdir -p conf")
        .contains("  39  snippet");
    Run::bare().arg(&guide).expect(0);
    // A wrong line in the block under "You should see:" fails the script above it.
    let (_dir, path) = crate::mutated(&guide, |text| {
        text.replacen("one\ntwo\n```", "one\nthree\n```", 1)
    });
    Run::bare()
        .arg(&path)
        .expect(1)
        .contains("g.md:5: printf")
        .contains("- three");
}

#[test]
fn a_first_line_comment_titles_its_block_in_the_spellings_authors_use() {
    let guide = fixture("read/titles/guide.md");
    Run::bare().arg(&guide).expect(0);
    // A title that is only a remark names no file: what the listing shows is then missing.
    let (_dir, path) = crate::mutated(&guide, |text| {
        text.replace("# b.nix (updated)", "# the second one")
    });
    Run::bare().arg(&path).expect(1).contains("- b.nix");
}

#[test]
fn a_missing_tool_is_blocked_with_exit_3() {
    let run = Run::bare()
        .arg(fixture("blocked/missing_tool/guide.md"))
        .expect(3);
    let (stdout, _) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stdout.contains("blocked: `nix-no-such-tool` is not installed"),
        "{stdout}"
    );
    assert!(stdout.contains("hint: install Nix"), "{stdout}");
}

#[test]
fn a_file_name_after_the_fence_language_writes_that_file() {
    let guide = |shown: &str| {
        format!(
            "# App\n\n```{{code-block}} python app.py\nprint(\"hi from app\")\n```\n\n```sh:run.sh\necho ran\n```\n\n\
             ```console\n$ python3 app.py\n{shown}\n$ sh run.sh\nran\n```\n"
        )
    };
    let (_dir, path) = write_guide("g.md", &guide("hi from app"));
    let plan = Run::new(["plan".as_ref(), path.as_os_str()])
        .expect(0)
        .stdout
        .clone();
    assert!(
        plan.contains("file     app.py (1 line, named by the fence's `app.py`)"),
        "{plan}"
    );
    assert!(plan.contains("file     run.sh"), "{plan}");
    assert_eq!(Run::new([&path]).expect(0).steps(), (4, 0, 0, 0));
    // The file really is what the command runs: other output is drift.
    let (_dir, path) = write_guide("g.md", &guide("hi from elsewhere"));
    Run::new([&path]).expect(1).contains("g.md:12: python3 app.py");
}

#[test]
fn a_literalinclude_is_the_file_beside_the_guide() {
    let text = "# Inc\n\n```{literalinclude} app.sh\n:language: bash\n:caption: app.sh\n```\n\n\
                ```{literalinclude} gone.sh\n```\n\n```{literalinclude} app.sh\n:lines: 1\n```\n\n\
                ```console\n$ sh app.sh\nincluded\n```\n";
    let (dir, path) = write_guide("g.md", text);
    std::fs::write(dir.path().join("app.sh"), "echo included\n").unwrap();
    let plan = Run::new(["plan".as_ref(), path.as_os_str()])
        .expect(0)
        .stdout
        .clone();
    assert!(
        plan.contains("file     app.sh (1 line, named by {literalinclude} app.sh)"),
        "{plan}"
    );
    assert!(
        plan.contains("{literalinclude} of `gone.sh`, which is not beside the guide"),
        "{plan}"
    );
    assert!(plan.contains("{literalinclude} of part of `app.sh`"), "{plan}");
    assert_eq!(Run::new([&path]).expect(0).steps(), (2, 0, 0, 0));
    // What the guide shows must be what the included file does.
    std::fs::write(dir.path().join("app.sh"), "echo changed\n").unwrap();
    Run::new([&path]).expect(1).contains("- included");
}

#[test]
fn an_excerpt_of_bindings_revises_the_file_it_names() {
    let guide = |shown: &str| {
        format!(
            "# Sets\n\n```nix title=\"a.nix\"\n{{\n  x = 1;\n  y = 2;\n}}\n```\n\nChange `y`:\n\n\
             ```nix title=\"a.nix\"\n  y = 3;\n```\n\n```console\n$ nix-instantiate --eval --strict a.nix\n{shown}\n```\n"
        )
    };
    let (_dir, path) = write_guide("g.md", &guide("{ x = 1; y = 3; }"));
    assert_eq!(
        Run::new(["--offline".as_ref(), path.as_os_str()])
            .expect(0)
            .steps(),
        (3, 0, 0, 0)
    );
    // The file as a whole was replaced by the excerpt before: x was gone. Showing the old
    // value is drift.
    let (_dir, path) = write_guide("g.md", &guide("{ x = 1; y = 2; }"));
    Run::new(["--offline".as_ref(), path.as_os_str()])
        .expect(1)
        .contains("- { x = 1; y = 2; }");
}

#[test]
fn an_mdbook_include_is_read_when_a_chapter_is_checked_on_its_own() {
    let text = "# Chapter\n\n```sh title=\"run.sh\"\n{{#include listings/run.sh:body}}\n```\n\n\
                ```sh title=\"gone.sh\"\n{{#include listings/gone.sh}}\n```\n\n```console\n$ sh run.sh\nfrom the listing\n```\n";
    let (dir, path) = write_guide("g.md", text);
    std::fs::create_dir(dir.path().join("listings")).unwrap();
    let listing = "#!/bin/sh\n# ANCHOR: body\necho from the listing\n# ANCHOR_END: body\n";
    std::fs::write(dir.path().join("listings/run.sh"), listing).unwrap();
    let plan = Run::new(["plan".as_ref(), path.as_os_str()])
        .expect(0)
        .stdout
        .clone();
    assert!(plan.contains("file     run.sh (1 line"), "{plan}");
    assert!(
        plan.contains("{{#include listings/gone.sh}}, which is not beside the guide"),
        "{plan}"
    );
    assert_eq!(Run::new([&path]).expect(0).steps(), (2, 0, 0, 0));
    std::fs::write(
        dir.path().join("listings/run.sh"),
        listing.replace("from the", "not the"),
    )
    .unwrap();
    Run::new([&path]).expect(1).contains("- from the listing");
}

#[test]
fn the_sentence_before_a_block_names_its_file_when_it_only_names_it() {
    let guide = fixture("read/lead_in/guide.md");
    Run::new(["plan".as_ref(), guide.as_os_str()])
        .expect(0)
        .contains("   5  file     greet.sh (2 lines, named by the text before it: \"Create a file named `greet.sh` with the following content:\")")
        .contains("  25  file     notes.txt (1 line, named by the text before it: \"`notes.txt`\")")
        .contains("  31  file     count.nix")
        .contains("  12  command  $ chmod +x greet.sh\n                 ./greet.sh Nix\n              expects 1 shown line")
        .contains("  37  command  $ ./greet.sh again")
        .contains("  49  script   echo made > made.txt")
        .contains("file     config.json (1 line, named by the text before it: \"Save the following as config.json:\")");
    Run::bare()
        .arg(&guide)
        .expect(0)
        .contains("10 steps: 10 passed, 0 failed");
    // What the named file prints is checked: a wrong shown line fails the command.
    let (_dir, path) = crate::mutated(&guide, |text| text.replace("Hello, Nix!", "Hello, Nox!"));
    Run::bare()
        .arg(&path)
        .expect(1)
        .contains("g.md:12: chmod +x greet.sh")
        .contains("- Hello, Nox!");
    // Without the name, the block is a script and greet.sh is never written.
    let (_dir, path) = crate::mutated(&guide, |text| {
        text.replace("Create a file named `greet.sh` with", "Write a script with")
    });
    Run::bare()
        .arg(&path)
        .expect(1)
        .contains("chmod: cannot access 'greet.sh'");
    // Nor is config.json, named plainly, once the sentence names nothing.
    let (_dir, path) = crate::mutated(&guide, |text| text.replace("as **config.json**:", "as a sample:"));
    Run::bare()
        .arg(&path)
        .expect(1)
        .contains("cat: config.json: No such file or directory");
}

#[test]
fn a_title_that_labels_output_is_output_not_a_file() {
    let guide = fixture("read/titled_output/guide.md");
    Run::bare()
        .arg(&guide)
        .expect(0)
        .contains("4 steps: 4 passed, 0 failed");
    crate::fails_at_each_mutation(
        "read/titled_output",
        &[
            (
                "hi from docusaurus\n```\n\n```sh",
                "hi from nowhere\n```\n\n```sh",
                11,
            ),
            ("HI FROM DOCUSAURUS", "HI FROM NOWHERE", 19),
            ("\nall done\n```\n", "\nall gone\n```\n", 29),
        ],
    );
}

#[test]
fn another_programs_repl_is_shown_not_run_and_the_commands_after_it_are() {
    let guide = fixture("read/other_repls/guide.md");
    Run::new(["plan".as_ref(), guide.as_os_str()])
        .expect(0)
        .contains("   7  snippet  snippet (Python session at its own prompt: not fed");
    Run::bare()
        .arg(&guide)
        .expect(0)
        .contains("2 steps: 2 passed, 0 failed");
    crate::fails_at_each_mutation("read/other_repls", &[("after\n```", "before\n```", 14)]);
}

#[test]
fn fedora_venv_and_path_prompts_and_commands_typed_over_several_lines() {
    let guide = fixture("read/prompts_more/guide.md");
    Run::bare()
        .arg(&guide)
        .expect(0)
        .contains("12 steps: 12 passed, 0 failed");
    // Each line a loop prints is checked, and so is what the function defined later says.
    for (from, to, at) in [
        ("n=2\n", "n=3\n", "g.md:24: for i in 1 2; do"),
        ("hi you\n", "hi them\n", "g.md:36: greet you"),
        ("word: one\n", "word: two\n", "g.md:43: while read -r w; do"),
        (
            "[alice@host ~]$ echo fedora\nfedora",
            "[alice@host ~]$ echo fedora\nfedoro",
            "g.md:6: echo fedora",
        ),
        (
            "(venv) $ echo venv\nvenv",
            "(venv) $ echo venv\nvenn",
            "g.md:13: echo venv",
        ),
        (
            "fi\na body (for the record)",
            "fi\na body (for the records)",
            "g.md:54: if true; then cat <<EOF",
        ),
        ("    indented\n", "    intended\n", "g.md:64: echo indented"),
    ] {
        let (_dir, path) = crate::mutated(&guide, |text| text.replacen(from, to, 1));
        Run::bare().arg(&path).expect(1).contains(at);
        // `--bless` writes the output back in the transcript's indentation.
        Run::bare().arg("--bless").arg(&path).expect(0);
        assert_eq!(crate::read(&path), crate::read(&guide), "bless after {to:?}");
    }
    // A loop the guide never closes is not run with the commands after it.
    let (_dir, path) = crate::mutated(&guide, |text| text.replace("> fi\n", ""));
    Run::bare()
        .arg(&path)
        .expect(1)
        .contains("g.md:29: if [ -d . ]; then");
}

/// "Build it:" with the command, then "You should see:" with the same command and what it
/// prints: one command, run once. "Run it again" keeps the two apart.
#[test]
fn a_command_shown_again_with_its_output_in_the_next_transcript_runs_once() {
    let guide = fixture("read/shown_again/guide.md");
    Run::new(["plan".as_ref(), guide.as_os_str()])
        .expect(0)
        .contains("   6  command  [shown again at line 12] $ printf 'built\\n' > out.txt; cat out.txt\n              expects 1 shown line")
        .contains("  25  command  $ mkdir project");
    let run = Run::bare().arg(&guide).expect(0);
    assert_eq!(run.steps(), (3, 0, 0, 0), "{}", run.all());
    // The output shown the second time is checked.
    let (_dir, path) = crate::mutated(&guide, |text| text.replace("\nbuilt\n", "\nbuild\n"));
    Run::bare()
        .arg(&path)
        .expect(1)
        .contains("g.md:6: printf")
        .contains("- build");
    // `--bless` writes what it printed where it was shown: the second block.
    Run::bare().arg("--bless").arg(&path).expect(0);
    assert_eq!(crate::read(&path), crate::read(&guide));
    // Without "again", the second `mkdir` is the first one's output: it runs once, and
    // the error it shows never comes.
    let (_dir, path) = crate::mutated(&guide, |text| {
        text.replace("Run it again, and it says", "It says")
    });
    Run::bare()
        .arg(&path)
        .expect(1)
        .contains("g.md:19: mkdir project");
}

/// Tabs for several systems: the Linux tab runs, the others are snippets; tabs for other
/// systems only run none; tabs that are not systems run the first.
#[test]
fn a_reader_runs_one_tab_this_systems() {
    let guide = fixture("read/tabs/guide.md");
    Run::new(["plan".as_ref(), guide.as_os_str()])
        .expect(0)
        .contains("   8  snippet  snippet (in the tab \"macOS\": a reader runs one tab, here \"Linux\")")
        .contains("  33  snippet  snippet (in the tab \"Windows\": no tab is for this system (Linux))")
        .contains("  60  snippet  snippet (in the tab \"Fish\": a reader runs one tab, here \"Bash\")")
        .contains("  71  snippet  snippet (in the tab \"macOS\": a reader runs one tab, here \"Linux\")")
        .contains("  85  snippet  snippet (in the tab \"Windows\": a reader runs one tab, here \"Linux\")")
        .contains(" 101  snippet  snippet (in the tab \"Windows\": a reader runs one tab, here \"Linux\")");
    let run = Run::bare().arg(&guide).expect(0);
    assert_eq!(run.steps(), (6, 0, 0, 0), "{}", run.all());
    // What the Linux tab does is what the steps after it see.
    let (_dir, path) = crate::mutated(&guide, |text| {
        text.replace("echo greeter 1.0", "echo greeter 2.0")
    });
    Run::bare().arg(&path).expect(1).contains("g.md:24: ./greeter");
    // Without the tab set, the macOS command runs too.
    let (_dir, path) = crate::mutated(&guide, |text| text.replacen("::::{tab-set}", "", 1));
    Run::bare()
        .arg(&path)
        .expect(1)
        .contains("g.md:9: brew install greeter");
    // The Linux tab of a shortcode set runs, and is checked.
    let (_dir, path) = crate::mutated(&guide, |text| {
        text.replacen("\nhugo linux\n", "\nhugo linus\n", 1)
    });
    Run::bare()
        .arg(&path)
        .expect(1)
        .contains("g.md:91: echo \"hugo linux\"");
}

/// MkDocs (Material) indents what its notes, collapsible blocks and tabs hold: the fenced
/// blocks inside run, one tab runs, and a fence that shows the syntax runs nothing.
#[test]
fn mkdocs_notes_and_tabs_hold_steps() {
    let guide = fixture("read/mkdocs/guide.md");
    Run::new(["plan".as_ref(), guide.as_os_str()])
        .expect(0)
        .contains("  10  command  $ mkdir -p tool && cd tool")
        .contains("  17  snippet  snippet (in the tab \"macOS\": a reader runs one tab, here \"Linux\")")
        .contains("  35  command  $ ls")
        .contains("  44  command  $ ./greeter | tr a-z A-Z")
        .contains("  48  snippet  snippet (markdown block");
    let run = Run::bare().arg(&guide).expect(0);
    assert_eq!(run.steps(), (6, 0, 0, 0), "{}", run.all());
    // The nested note's output is compared, and `--bless` writes it back indented.
    let (_dir, path) = crate::mutated(&guide, |text| {
        text.replace("        GREETER 1.0", "        GREETER 2.0")
    });
    Run::bare()
        .arg(&path)
        .expect(1)
        .contains("g.md:44: ./greeter | tr a-z A-Z")
        .contains("- GREETER 2.0");
    Run::bare().arg("--bless").arg(&path).expect(0);
    assert_eq!(crate::read(&path), crate::read(&guide));
    // Without the note's opening line, CommonMark reads its content as an indented code
    // block, fences and all, and the fences are not what `mkdir` prints.
    let (_dir, path) = crate::mutated(&guide, |text| {
        text.replace("!!! note \"Before you start\"", "Note: before you start")
    });
    Run::bare()
        .arg(&path)
        .expect(1)
        .contains("g.md:10: mkdir -p tool && cd tool");
}

/// `#` lines between a transcript's commands are the author's remarks, not output; the
/// output's own `#` lines (first, or at the block's end) are checked.
#[test]
fn remarks_between_commands_are_not_output() {
    let guide = fixture("read/remarks/guide.md");
    Run::new(["plan".as_ref(), guide.as_os_str()])
        .expect(0)
        .contains("  10  command  $ cat settings.toml\n              expects 2 shown lines")
        .contains("  14  command  $ wc -l < settings.toml\n              expects 1 shown line");
    let run = Run::bare().arg(&guide).expect(0);
    assert_eq!(run.steps(), (5, 0, 0, 0), "{}", run.all());
    for (from, to, line) in [
        (
            "# demo\nvalue = 1\n# now",
            "# Demo\nvalue = 1\n# now",
            "g.md:10: cat settings.toml",
        ),
        ("\n# the end\n```", "\n# the start\n```", "g.md:21: printf"),
    ] {
        let (_dir, path) = crate::mutated(&guide, |text| text.replacen(from, to, 1));
        Run::bare().arg(&path).expect(1).contains(line);
    }
}

/// A console block without prompts, after prose that asks to type it ("Make the script
/// executable:", "Run the script:"), is commands, and the output block after it is theirs.
#[test]
fn commands_typed_without_prompts_after_prose_that_asks_for_them() {
    let guide = fixture("read/run_lead/guide.md");
    Run::new(["plan".as_ref(), guide.as_os_str()])
        .expect(0)
        .contains("  15  command  $ chmod +x hello.sh")
        .contains("  21  command  $ ./hello.sh\n              expects 1 shown line")
        .contains("  45  snippet");
    let run = Run::bare().arg(&guide).expect(0);
    assert_eq!(run.steps(), (5, 0, 0, 0), "{}", run.all());
    for (from, to, line) in [
        (
            "Make the script executable:\n\n```console\nchmod +x hello.sh\n```\n",
            "",
            "g.md:16: ./hello.sh",
        ),
        (
            "```\nhello from the script\n```",
            "```\nhello from a script\n```",
            "g.md:21: ./hello.sh",
        ),
    ] {
        let (_dir, path) = crate::mutated(&guide, |text| text.replacen(from, to, 1));
        Run::bare().arg(&path).expect(1).contains(line);
    }
}

/// Jekyll's `{% highlight %}` and Hugo's `{{< highlight >}}` hold code as fences do; the
/// same tags shown inside a fence are that fence's text.
#[test]
fn highlight_tags_hold_code() {
    let guide = fixture("read/highlight/guide.md");
    Run::new(["plan".as_ref(), guide.as_os_str()])
        .expect(0)
        .contains("  10  script   printf")
        .contains("  25  command  $ ./greet.sh | tr a-z A-Z")
        .contains("  31  snippet");
    let run = Run::bare().arg(&guide).expect(0);
    assert_eq!(run.steps(), (3, 0, 0, 0), "{}", run.all());
    let (_dir, path) = crate::mutated(&guide, |text| text.replacen("HI FROM JEKYLL", "HI FROM HUGO", 1));
    Run::bare()
        .arg(&path)
        .expect(1)
        .contains("g.md:25: ./greet.sh | tr a-z A-Z");
    Run::bare().arg("--bless").arg(&path).expect(0);
    assert_eq!(crate::read(&path), crate::read(&guide));
    let (_dir, path) = crate::mutated(&guide, |text| text.replacen("chmod +x greet.sh\n", "", 1));
    Run::bare().arg(&path).expect(1).contains("g.md:17: ./greet.sh");
}
