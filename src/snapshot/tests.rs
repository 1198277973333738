use super::*;

#[test]
fn facts_that_hold_keep_the_nix_they_were_recorded_with() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.snap");
    let snap = |nix: &str, body: &str| format!("# guidecheck snapshot\nguide: g.md\nnix: {nix}\n---\n{body}");
    assert_eq!(
        recorded_nix(&path, &snap("", "## 1: nix-build\n")),
        None,
        "no snapshot yet"
    );
    std::fs::write(&path, snap("nix-build (Nix) 2.8.0", "## 1: nix-build\n")).unwrap();
    assert_eq!(
        recorded_nix(&path, &snap("", "## 1: nix-build\n")).as_deref(),
        Some("nix-build (Nix) 2.8.0")
    );
    // Changed facts are written anew: then Nix is asked.
    assert_eq!(recorded_nix(&path, &snap("", "## 1: nix-build -A x\n")), None);
}

#[test]
fn policy_precedence_is_flag_env_config_default() {
    assert_eq!(
        Policy::resolve(true, Some("no"), Some(Policy::New)),
        Ok(Policy::Always)
    );
    assert_eq!(
        Policy::resolve(false, Some("no"), Some(Policy::New)),
        Ok(Policy::No)
    );
    assert_eq!(Policy::resolve(false, None, Some(Policy::New)), Ok(Policy::New));
    assert_eq!(Policy::resolve(false, Some(""), None), Ok(Policy::Auto));
    assert!(Policy::resolve(false, Some("sometimes"), None).is_err());
}

#[test]
fn snapshot_paths_mirror_the_guide_under_the_root() {
    let root = Path::new("/p");
    assert_eq!(
        path_for(Path::new("/p/guides/hello.md"), root, Path::new("snapshots")),
        Path::new("/p/snapshots/guides/hello.snap")
    );
    assert_eq!(
        path_for(Path::new("/tmp/x/g.md"), root, Path::new("snapshots")),
        Path::new("/tmp/x/snapshots/g.snap")
    );
}

#[test]
fn only_the_body_is_compared() {
    let a = "guide: g\nguidecheck: 0.1.0\n---\n\n## 1: make\nexit: 0\n";
    let b = "guide: g\nguidecheck: 0.2.0\n---\n\n## 1: make\nexit: 0\n";
    assert_eq!(changed(a, b), None);
    let c = "guide: g\nguidecheck: 0.1.0\n---\n\n## 1: make\nexit: 2\n";
    assert!(changed(a, c).unwrap().contains("-exit: 0\n+exit: 2"));
}

#[test]
fn a_snapshot_reads_back() {
    let text = "# x\nguide: g.md\nnix: nix-build (Nix) 2.8.0\nrecorded: 2026-11-25\n---\n\n## 1: echo a\n## b\nexit: 0\noutput:\n| a\n| b\n\n## 2: true\nexit: 0\n";
    let r = parse(text);
    assert_eq!(
        (r.nix.as_str(), r.recorded.as_str()),
        ("nix-build (Nix) 2.8.0", "2026-11-25")
    );
    assert_eq!(r.entries.len(), 2);
    assert_eq!(
        r.entries[0],
        RecordedEntry {
            command: "echo a\nb".into(),
            output: Some("a\nb\n".into())
        }
    );
    assert_eq!(r.entries[1].output, None);
    let h = header(text);
    assert_eq!((h.nix, h.recorded, h.entries.len()), (r.nix, r.recorded, 0));
}

#[test]
fn facts_made_into_text_are_their_text() {
    let text = "```console\n$ echo a\na\n```\n";
    let blocks = crate::extract::extract(text);
    let prompts = crate::plan::console::Prompts::default();
    let plan = crate::plan::build(Path::new("g.md"), text, &blocks, &prompts).unwrap();
    let mut facts = Facts::default();
    let run = crate::run::StepRun {
        output: "a\n".into(),
        status: Some(0),
        ..Default::default()
    };
    facts.add(
        &plan.steps[0],
        Some(&run),
        &crate::normalize::Normalizer::default(),
    );
    let expected = facts.text("g.md", "2.8", "d1");
    assert!(
        expected.contains("digest: d1\n---\n") && expected.ends_with("## 1: echo a\nexit: 0\n"),
        "{expected}"
    );
    assert_eq!(facts.into_text("g.md", "2.8", "d1"), expected);
}

#[test]
fn check_follows_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s/g.snap");
    let new = dir.path().join("s/g.snap.new");
    let v1 = "h\n---\nexit: 0\n";
    let v2 = "h\n---\nexit: 1\n";
    assert!(matches!(
        check(&path, v1, Policy::Auto, true, &[]).unwrap(),
        Outcome::Missing { .. }
    ));
    assert!(new.exists() && !path.exists());
    assert_eq!(
        check(&path, v1, Policy::Auto, false, &[]).unwrap(),
        Outcome::Written(path.clone())
    );
    assert_eq!(
        check(&path, v1, Policy::Auto, true, &[]).unwrap(),
        Outcome::Matched
    );
    assert!(!new.exists());
    assert!(matches!(
        check(&path, v2, Policy::Auto, false, &[]).unwrap(),
        Outcome::Changed { new: Some(_), .. }
    ));
    assert_eq!(std::fs::read_to_string(&new).unwrap(), v2);
    assert!(accept(&path).unwrap());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), v2);
    assert!(matches!(
        check(&path, v1, Policy::No, false, &[]).unwrap(),
        Outcome::Changed { new: None, .. }
    ));
    assert!(!new.exists());
    assert_eq!(
        check(&path, v1, Policy::Always, false, &[]).unwrap(),
        Outcome::Written(path.clone())
    );
    assert_eq!(
        check(&path, v2, Policy::Off, false, &[]).unwrap(),
        Outcome::Skipped("snapshots are off".into())
    );
}
