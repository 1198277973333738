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
