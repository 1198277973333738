//! Public documentation nobody here wrote (../shared/corpus, see its README): every page is
//! planned and linted, and none is refused.

use crate::{Run, root};
use std::path::PathBuf;

// The skip must be visible in the test log.
#[allow(clippy::print_stderr)]
fn corpus_pages() -> Option<Vec<PathBuf>> {
    let corpus = root().join("../shared/corpus/nix.dev");
    if !corpus.is_dir() {
        eprintln!(
            "skipped: {} is absent (a clone without shared/)",
            corpus.display()
        );
        return None;
    }
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(&corpus)
        .into_iter()
        .map(|e| e.expect("readable corpus").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    Some(pages)
}

#[test]
fn every_nix_dev_page_is_planned_and_linted_none_refused() {
    let Some(pages) = corpus_pages() else { return };
    assert!(pages.len() >= 68, "{} pages", pages.len());
    let (mut steps, mut snippets) = (0, 0);
    for page in &pages {
        let plan = Run::new([
            "plan".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            page.as_os_str(),
        ])
        .expect(0)
        .plan();
        for step in plan["steps"].as_array().expect("steps") {
            steps += 1;
            if step["kind"] == "snippet" {
                snippets += 1;
                assert!(step["why"].is_string(), "{}: {step}", page.display());
                assert!(!step["reason"].as_str().unwrap_or("").is_empty());
            }
        }
        let lint = Run::bare().arg("lint").arg(page).outcome();
        assert!(
            matches!(lint.code, Some(0 | 1)),
            "lint refused {}:\n{}",
            page.display(),
            lint.stderr
        );
    }
    // Most of nix.dev's blocks are read as steps to run; the rest are explained snippets.
    assert!(
        steps > 550 && snippets * 2 < steps,
        "{steps} steps, {snippets} snippets"
    );
}
