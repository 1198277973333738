//! `guidecheck plan` shows how a guide was read.

use crate::Run;

#[test]
fn plan_of_hello_lists_every_file_and_command_with_its_line() {
    let run = Run::bare().args(["plan", "guides/hello.md"]).expect(0);
    let (stdout, _stderr) = (run.stdout.clone(), run.stderr.clone());
    insta::assert_snapshot!(stdout);
}

#[test]
fn plan_as_json_has_kinds_lines_and_shown_output() {
    let output = Run::bare()
        .args(["plan", "--format", "json", "guides/hello.md"])
        .outcome();
    let plans: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let steps = plans[0]["steps"].as_array().unwrap();
    let kinds: Vec<&str> = steps.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "script", "command", "file", "file", "file", "command", "file", "command", "file", "command",
            "file", "command", "command", "command"
        ]
    );
    assert_eq!(steps[2]["path"], "pkgs.nix");
    assert_eq!(steps[1]["command"], "tar -tzf hello-1.0.tar.gz");
    assert_eq!(steps[1]["shown"]["lines"][0]["text"], "hello-1.0/");
}

#[test]
fn plan_as_json_of_a_large_guide_is_read_in_pieces_and_a_late_error_leaves_no_half_plan() {
    // Over 512 KiB: parsed in pieces, steps written as they are read.
    let chunk =
        "## Step\n\nProse.\n\n```console\n$ echo hi\nhi\n```\n\n```sh\necho a\n\n# not a heading\n```\n\n";
    let good: String = std::iter::once("# Big\n\n")
        .chain(std::iter::repeat_n(chunk, 9000))
        .collect();
    assert!(good.len() > 600 * 1024);
    let (_dir, path) = crate::write_guide("big.md", &good);
    let plan = crate::plan_json(&path);
    let steps = plan["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 18000);
    // A `# comment` in a block after a blank line is no place to cut: the block is whole.
    assert_eq!(steps[1]["script"], "echo a\n\n# not a heading\n");
    assert_eq!(steps[17998]["command"], "echo hi");
    // A guide that never says `guidecheck:` cannot fail, so its plan goes straight to
    // stdout; one that says it (here in prose, no directive) is spilled first. Same plan.
    let (_dir3, said) = crate::write_guide(
        "said.md",
        &format!("{good}Prose that says guidecheck: and no more.\n"),
    );
    let mut spilled = crate::plan_json(&said);
    spilled["guide"] = plan["guide"].clone();
    assert_eq!(spilled, plan);

    // The same guide with a bad directive at its end: exit 2, the error, and a JSON array
    // without a half-written plan.
    let bad = good + "<!-- guidecheck: exitt=1 -->\n";
    let (_dir2, path) = crate::write_guide("bad.md", &bad);
    let out = Run::new([
        "plan".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        path.as_os_str(),
    ])
    .expect(2);
    assert!(
        out.stderr.contains("unknown directive `exitt=1`"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout.trim(), "[]");
}

#[test]
fn plan_of_a_large_guide_holds_rows_not_steps_and_a_late_error_prints_nothing_of_it() {
    let chunk = "## Step\n\n```console\n$ echo hi\nhi\n```\n\n";
    let good: String = std::iter::once("# Big\n\n")
        .chain(std::iter::repeat_n(chunk, 20000))
        .collect();
    let (_dir, path) = crate::write_guide("big.md", &good);
    let out = Run::new(["plan".as_ref(), path.as_os_str()]).expect(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].ends_with("big.md: 20000 steps (20000 run)"),
        "{}",
        lines[0]
    );
    // Padded to the largest line number (6 digits), as when the plan was held whole.
    assert_eq!(lines[1], "       6  command  $ echo hi");
    assert_eq!(lines[2], "                  expects 1 shown line");
    assert_eq!(lines.len(), 1 + 2 * 20000);

    let bad = good + "<!-- guidecheck: exitt=1 -->\n";
    let (_dir2, path) = crate::write_guide("bad.md", &bad);
    let out = Run::new(["plan".as_ref(), path.as_os_str()]).expect(2);
    assert!(
        out.stderr.contains("unknown directive `exitt=1`"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
}
