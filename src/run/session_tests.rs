//! The session's own tests (a real bash each).
use super::*;
use std::path::Path;

fn launch(dir: &Path) -> Launch {
    std::fs::create_dir_all(dir.join("ctl")).unwrap();
    Launch {
        program: ["bash", "--noprofile", "--norc"].map(String::from).to_vec(),
        env: vec![("PATH".into(), std::env::var("PATH").unwrap_or_default())],
        cwd: dir.to_path_buf(),
        ctl: dir.join("ctl"),
        output_limit: 1 << 20,
        label: "a test".into(),
    }
}

fn batch(session: &mut Session, commands: &[(&str, u64)]) -> Vec<Finished> {
    let commands: Vec<Cmd> = commands
        .iter()
        .map(|(c, ms)| Cmd {
            text: (*c).to_string(),
            timeout: Duration::from_millis(*ms),
            role: Role::Plain,
            interrupt: None,
        })
        .collect();
    let mut results = Vec::new();
    session
        .run_batch(&commands, &|_| {}, &mut |_| {}, &mut |_, f| results.push(f))
        .unwrap();
    results
}

#[test]
fn a_batch_keeps_each_commands_output_apart() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(launch(dir.path())).unwrap();
    let results = batch(
        &mut session,
        &[
            ("printf a", 5000),
            ("echo b; false", 5000),
            ("echo \"c$?\"", 5000),
        ],
    );
    let seen: Vec<(&str, Option<i32>)> = results.iter().map(|f| (f.output.as_str(), f.status)).collect();
    assert_eq!(seen, [("a", Some(0)), ("b\n", Some(1)), ("c1\n", Some(0))]);
}

#[test]
fn a_timeout_kills_the_command_and_keeps_the_shell_with_all_its_state() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let mut session = Session::start(launch(dir.path())).unwrap();
    let results = batch(
        &mut session,
        &[
            (
                "cd sub; export KEPT=yes; local_only=1; f() { echo fn; }; set -o noglob",
                5000,
            ),
            ("sleep 20", 300),
            (
                "echo \"$KEPT $local_only $(f) $(basename \"$PWD\") $([[ $- = *f* ]] && echo noglob)\"",
                5000,
            ),
        ],
    );
    assert!(results[1].timed_out && !results[1].shell_replaced);
    assert_eq!(
        (results[2].output.as_str(), results[2].status),
        ("yes 1 fn sub noglob\n", Some(0))
    );
}

#[test]
fn a_shell_stuck_in_a_loop_is_replaced_in_the_same_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let mut session = Session::start(launch(dir.path())).unwrap();
    let results = batch(
        &mut session,
        &[
            ("cd sub; v=1", 5000),
            ("while :; do :; done", 200),
            ("echo \"${v:-gone} $(basename \"$PWD\")\"", 5000),
        ],
    );
    assert!(results[1].timed_out && results[1].shell_replaced);
    assert_eq!(results[2].output, "gone sub\n");
}

#[test]
fn a_shell_started_early_takes_its_guides_folder_and_environment() {
    let dir = tempfile::tempdir().unwrap();
    let mut guide = launch(dir.path());
    guide.env.push(("GREETING".into(), "it's\nhere".into()));
    let bash = Path::new("/bin/bash");
    let mut session = Session::start_early(&guide.ctl, guide.program.clone(), bash, Vec::new()).unwrap();
    session.adopt(guide.clone()).unwrap();
    let results = batch(
        &mut session,
        &[("pwd; echo \"$OLDPWD|$GREETING\"; env | grep -c GREETING", 5000)],
    );
    let shown = results[0]
        .output
        .replace(&dir.path().display().to_string(), "[DIR]");
    assert_eq!(shown, "[DIR]\n[DIR]|it's\nhere\n1\n");
    assert_eq!(session.cwd(), dir.path());
    // Twice, or with a variable bash reads only as it starts, or another program: refused.
    assert!(session.adopt(guide.clone()).is_err());
    let mut early = Session::start_early(&guide.ctl, guide.program.clone(), bash, Vec::new()).unwrap();
    let mut startup = guide.clone();
    startup.env.push(("BASH_ENV".into(), "/etc/profile".into()));
    assert!(early.adopt(startup).is_err());
    let mut other = guide.clone();
    other.program = vec!["sh".into()];
    assert!(early.adopt(other).is_err());
}

#[test]
fn a_shell_started_early_keeps_only_the_locale_its_guide_passes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut guide = launch(dir.path());
    guide.env.push(("LC_TIME".into(), "C".into()));
    let caller = vec![
        ("LC_TIME".into(), "POSIX".into()),
        ("LC_PAPER".into(), "C".into()),
    ];
    let bash = Path::new("/bin/bash");
    let mut session = Session::start_early(&guide.ctl, guide.program.clone(), bash, caller).unwrap();
    session.adopt(guide).unwrap();
    let results = batch(
        &mut session,
        &[("echo \"${LC_TIME-unset} ${LC_PAPER-unset}\"", 5000)],
    );
    assert_eq!(results[0].output, "C unset\n");
}
