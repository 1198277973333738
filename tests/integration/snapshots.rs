//! Snapshots of the facts a guide does not show: written, checked, accepted.

use crate::{Run, read, write_guide};

// The error is covered by `...`, not shown: the snapshot keeps it.
const GUIDE: &str = "# Facts\n\n<!-- guidecheck: exit=3 -->\n```console\n$ sh -c 'echo \"error: disk $0 full\" >&2; exit 3' sda\n...\n```\n";

fn run(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let run = Run::new(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .outcome();
    (run.code, run.all())
}

#[test]
fn first_run_writes_the_snapshot_and_says_so() {
    let (dir, _) = write_guide("g.md", GUIDE);
    let (code, out) = run(dir.path(), &["--", "g.md"], &[]);
    // The guide does not show the error, but the snapshot keeps it.
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("snapshot written: snapshots/g.snap"), "{out}");
    let snap = read(&dir.path().join("snapshots/g.snap"));
    assert!(snap.contains("guide: g.md\n"), "{snap}");
    assert!(
        snap.ends_with(
            "\n## 1: sh -c 'echo \"error: disk $0 full\" >&2; exit 3' sda\nexit: 3\nerror: disk sda full\n"
        ),
        "{snap}"
    );
}

#[test]
fn a_changed_fact_writes_snap_new_fails_and_names_accept() {
    let (dir, guide) = write_guide("g.md", GUIDE);
    std::fs::write(
        &guide,
        "# Facts\n\n<!-- guidecheck: exit=nonzero -->\n```console\n$ sh -c 'exit 3'\n```\n",
    )
    .unwrap();
    assert_eq!(run(dir.path(), &["g.md"], &[]).0, Some(0));
    std::fs::write(
        &guide,
        "# Facts\n\n<!-- guidecheck: exit=nonzero -->\n```console\n$ sh -c 'exit 4'\n```\n",
    )
    .unwrap();
    let (code, out) = run(dir.path(), &["g.md"], &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("SNAPSHOT g.md: the facts changed since snapshots/g.snap:"),
        "{out}"
    );
    assert!(out.contains("accept it with `guidecheck accept g.md`"), "{out}");
    assert!(
        out.contains("; 1 snapshot changed or missing\n"),
        "the summary says why it exits 1: {out}"
    );
    assert!(dir.path().join("snapshots/g.snap.new").exists());
    let (code, out) = run(dir.path(), &["accept", "--list", "g.md"], &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("pending snapshots/g.snap.new (for g.md)\nguidecheck accept: 1 snapshot pending\n"),
        "{out}"
    );
    assert!(
        dir.path().join("snapshots/g.snap.new").exists(),
        "--list accepts nothing"
    );
    let (code, out) = run(dir.path(), &["accept", "g.md"], &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("accepted snapshots/g.snap"), "{out}");
    assert!(!dir.path().join("snapshots/g.snap.new").exists());
    assert_eq!(run(dir.path(), &["g.md"], &[]).0, Some(0));
}

#[test]
fn with_ci_true_a_missing_snapshot_fails() {
    let (dir, guide) = write_guide("g.md", "# G\n\n```console\n$ echo ok\nok\n```\n");
    let (code, out) = run(dir.path(), &["g.md"], &[("CI", "true")]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("SNAPSHOT g.md: no snapshot at snapshots/g.snap"),
        "{out}"
    );
    assert!(!dir.path().join("snapshots/g.snap").exists());
    let (code, _) = run(dir.path(), &["--update-snapshots", "g.md"], &[("CI", "true")]);
    assert_eq!(code, Some(0));
    assert_eq!(run(dir.path(), &["g.md"], &[("CI", "true")]).0, Some(0));
    drop(guide);
}

#[test]
fn guidecheck_update_env_sets_the_policy() {
    let (dir, _) = write_guide("g.md", "# G\n\n```console\n$ echo ok\nok\n```\n");
    let (code, _) = run(dir.path(), &["g.md"], &[("GUIDECHECK_UPDATE", "no")]);
    assert_eq!(code, Some(1));
    assert!(!dir.path().join("snapshots/g.snap").exists());
    let (code, out) = run(dir.path(), &["g.md"], &[("GUIDECHECK_UPDATE", "sometimes")]);
    assert_eq!(code, Some(2), "{out}");
}

#[test]
fn the_projects_hello_snapshot_is_committed_and_matches() {
    let (code, out) = run(&crate::root(), &["guides/hello.md"], &[("CI", "true")]);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn the_snapshot_path_does_not_depend_on_the_working_directory() {
    // No guidecheck.toml anywhere above: the guide's folder is the project root.
    let top = tempfile::tempdir().unwrap();
    let dir = top.path().join("docs");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("g.md"), GUIDE).unwrap();
    Run::new([dir.join("g.md")]).current_dir(top.path()).expect(0);
    assert!(
        dir.join("snapshots/g.snap").is_file(),
        "written beside the guide's folder"
    );
    for cwd in [dir.as_path(), top.path(), std::path::Path::new("/")] {
        Run::new([dir.join("g.md")])
            .current_dir(cwd)
            .env("CI", "true")
            .expect(0)
            .contains("1 passed");
    }
    assert!(!top.path().join("snapshots").exists());
}

#[test]
fn blessing_a_passing_guide_changes_no_byte() {
    let (dir, guide) = write_guide("g.md", GUIDE);
    Run::new(["g.md"]).current_dir(dir.path()).expect(0);
    let snap = dir.path().join("snapshots/g.snap");
    let before = (std::fs::read(&guide).unwrap(), std::fs::read(&snap).unwrap());
    // Another day's date must not appear: only a changed fact moves it.
    let dated = String::from_utf8(before.1.clone())
        .unwrap()
        .lines()
        .map(|l| {
            if l.starts_with("recorded: ") {
                "recorded: 2000-01-01".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    std::fs::write(&snap, &dated).unwrap();
    Run::new(["--bless", "g.md"]).current_dir(dir.path()).expect(0);
    assert_eq!(std::fs::read(&guide).unwrap(), before.0);
    assert_eq!(std::fs::read_to_string(&snap).unwrap(), dated);
}

#[test]
fn new_snapshots_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, _) = write_guide("g.md", GUIDE);
    // Under umask 022, as any new file: readable by all.
    let binary = assert_cmd::cargo::cargo_bin("guidecheck");
    let status = std::process::Command::new("sh")
        .args(["-c", "umask 022; exec \"$0\" g.md"])
        .arg(&binary)
        .current_dir(dir.path())
        .env("GUIDECHECK_UPDATE", "auto")
        .env_remove("CI")
        .status()
        .unwrap();
    assert!(status.success());
    let mode = std::fs::metadata(dir.path().join("snapshots/g.snap"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_ne!(mode, 0o600, "not tempfile's private mode");
    assert_eq!(
        mode & 0o044,
        0o044,
        "readable by others under umask 022: {mode:o}"
    );
}

#[test]
fn snapshots_of_guides_that_are_gone_are_listed_and_deleted() {
    let (dir, guide) = write_guide("old.md", "# G\n\n```console\n$ echo ok\nok\n```\n");
    std::fs::write(dir.path().join("guidecheck.toml"), "guides = [\"guides\"]\n").unwrap();
    let guides = dir.path().join("guides");
    std::fs::create_dir(&guides).unwrap();
    let old = guides.join("old.md");
    std::fs::rename(&guide, &old).unwrap();
    assert_eq!(run(dir.path(), &["guides/old.md"], &[]).0, Some(0));
    assert!(dir.path().join("snapshots/guides/old.snap").exists());
    // The guide is renamed: its old snapshot stays behind.
    std::fs::rename(&old, guides.join("new.md")).unwrap();
    assert_eq!(run(dir.path(), &["guides/new.md"], &[]).0, Some(0));
    let (code, out) = run(dir.path(), &["snapshots"], &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("snapshots/guides/new.snap\n"), "{out}");
    assert!(
        out.contains("snapshots/guides/old.snap  (no such guide)\n"),
        "{out}"
    );
    let (_, out) = run(dir.path(), &["snapshots", "--unreferenced"], &[]);
    assert!(
        out.ends_with("old.snap  (no such guide)\nguidecheck snapshots: 1 snapshot unreferenced\n"),
        "{out}"
    );
    let (code, out) = run(dir.path(), &["snapshots", "--unreferenced", "--delete"], &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(!dir.path().join("snapshots/guides/old.snap").exists());
    assert!(dir.path().join("snapshots/guides/new.snap").exists());
    let (code, _) = run(dir.path(), &["snapshots", "--delete"], &[]);
    assert_eq!(code, Some(2), "--delete needs --unreferenced");
}
