//! `guidecheck lint` and `guidecheck todo`: static checks, no Nix needed.

use crate::{Run, fixture, line_of, read, root, write_guide};

#[test]
fn the_projects_guides_lint_clean() {
    let run = Run::bare().args(["lint", "guides/"]).expect(0);
    let (stdout, _) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stdout.ends_with("guidecheck lint: 2 guides: 0 errors, 1 warning\n"),
        "{stdout}"
    );
}

#[test]
fn a_pasted_hash_one_character_off_names_both_lines() {
    let original = read(&root().join("guides/llamafile.md"));
    let pasted = "    hash = \"sha256-j7iPq1H3eB++aEMp2lbhMSO90t3DLFqgDQ4dseS9v7E=\";";
    let wrong = "    hash = \"sha256-j7iPq1H3eB++aEMp2lbhMSO90t3DLFqgDQ4dseS9v7F=\";";
    let text_ = original.replacen(pasted, wrong, 1);
    assert_ne!(text_, original);
    let (_dir, guide) = write_guide("llamafile.md", &text_);
    let run = Run::bare().arg("lint").arg(&guide).expect(1);
    let (stdout, _) = (run.stdout.clone(), run.stderr.clone());
    let paste_line = line_of(&text_, wrong, 0);
    let got_line = line_of(
        &text_,
        "            got:    sha256-j7iPq1H3eB++aEMp2lbhMSO90t3DLFqgDQ4dseS9v7E=",
        0,
    );
    assert!(
        stdout.contains(&format!(
            "llamafile.md:{paste_line}:1: error: llamafile.nix pastes sha256-j7iPq1H3eB++aEMp2lbhMSO90t3DLFqgDQ4dseS9v7F=, but the guide showed got: sha256-j7iPq1H3eB++aEMp2lbhMSO90t3DLFqgDQ4dseS9v7E= at line {got_line}"
        )),
        "{stdout}"
    );
}

#[test]
fn the_raw_blog_cds_into_a_directory_it_never_creates() {
    let run = Run::bare()
        .arg("lint")
        .arg(fixture("read/llamafile_blog/guide.md"))
        .expect(1);
    let (stdout, _) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stdout.contains("guide.md:71:1: error: `cd llamafile-dir`: no earlier step creates `llamafile-dir`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("guide.md:223:1: warning: TODO section: TODO(tatu): complete writing the guide:"),
        "{stdout}"
    );
}

#[test]
fn a_nix_syntax_error_and_a_wrong_attribute_are_found() {
    let (_dir, guide) = write_guide(
        "g.md",
        "# G\n\n```nix title=\"default.nix\"\n{ hello = import ./hello.nix\n```\n\n```console\n$ nix-build -A helo\n```\n",
    );
    let run = Run::bare().arg("lint").arg(&guide).expect(1);
    let (stdout, _) = (run.stdout.clone(), run.stderr.clone());
    assert!(
        stdout.contains("g.md:4:1: error: Nix syntax error: unexpected end of file"),
        "{stdout}"
    );
    assert!(stdout.contains("g.md:8:1: error: `-A helo`: default.nix (line 3) has no attribute `helo`\n  hint: default.nix defines: hello"), "{stdout}");
}

#[test]
fn todo_lists_sections_and_deny_todo_fails() {
    let run = Run::bare().args(["todo", "guides/llamafile.md"]).expect(0);
    let (stdout, _) = (run.stdout.clone(), run.stderr.clone());
    let line = line_of(
        &read(&root().join("guides/llamafile.md")),
        "## TODO: finish the package",
        0,
    );
    assert_eq!(
        stdout,
        format!(
            "TODO guides/llamafile.md:{line}: TODO: finish the package (no steps yet)\nguidecheck todo: 1 guide, 1 TODO section\n"
        )
    );
    let denied = Run::bare()
        .args(["todo", "--deny-todo", "guides/llamafile.md"])
        .outcome();
    assert_eq!(denied.code, Some(1));
}

#[test]
fn a_command_that_would_change_the_machine_is_a_warning_at_its_line() {
    let text = "# Cache\n\n```console\n$ echo \"substituters = https://example.org\" >> /etc/nix/nix.conf\n$ echo ok > notes.txt\n```\n";
    let (_dir, path) = write_guide("g.md", text);
    Run::new(["lint".as_ref(), path.as_os_str()])
        .expect(0)
        .contains("g.md:4:1: warning: this command changes `/etc/nix/nix.conf`, outside the workspace")
        .contains("0 errors, 1 warning");
}

/// The markers bloggers leave in unfinished sections are TODO sections; a sentence that
/// only uses the words is not.
#[test]
fn todo_finds_the_markers_bloggers_leave() {
    let text = "# Guide\n\n## Step one\n\nText.\n\n## Next steps (coming soon)\n\n## Deploying\n\nTBD\n\n\
                ## Testing\n\nThis section is a work in progress.\n\n## Flakes\n\n*To be written.*\n\n\
                ## Cleanup\n\nWIP\n\n## Notes\n\nA todo list app is a nice example. Stay tuned for more!\n\n\
                ## Later\n\n🚧 Under construction 🚧\n";
    let (_dir, path) = write_guide("g.md", text);
    let run = Run::new(["todo".as_ref(), path.as_os_str()]).expect(0);
    for (line, said) in [
        (7, "Next steps (coming soon)"),
        (11, "TBD"),
        (15, "This section is a work in progress."),
        (19, "To be written."),
        (23, "WIP"),
        (31, "🚧 Under construction 🚧"),
    ] {
        run.contains(&format!("g.md:{line}: {said} (no steps yet)"));
    }
    run.contains("1 guide, 6 TODO sections");
    Run::new(["--deny-todo".as_ref(), path.as_os_str()]).expect(1);
}

/// `nix-build` with no file reads `./default.nix`, which the guide must write; `nix-build ..`
/// reads the folder above, which is not the guide's to write.
#[test]
fn a_nix_file_above_the_folder_is_not_the_guides_to_write() {
    let (_dir, path) = write_guide(
        "g.md",
        "```console\n$ nix-build .. -A build\n$ nix-build -A build\n```\n",
    );
    let run = Run::new(["lint".as_ref(), path.as_os_str()]).expect(1);
    run.contains("g.md:3:1: error: `nix-build` reads default.nix, which no earlier step writes");
    assert!(!run.all().contains("g.md:2:1"), "{}", run.all());
}
