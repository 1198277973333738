//! The docs work when copied: every YAML, TOML and JSON block of the book and the README
//! parses, with a real parser.

use crate::root;
use guidecheck::extract::{Block, extract};
use guidecheck::plan::fence::Fence;

#[test]
fn every_yaml_toml_and_json_block_of_the_docs_parses() {
    let mut pages: Vec<std::path::PathBuf> = walkdir::WalkDir::new(root().join("book"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.is_symlink())
        .collect();
    pages.push(root().join("README.md"));
    let mut checked = 0;
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        for block in extract(&text) {
            let Block::Code(code) = block else { continue };
            let lang = Fence::parse(&code.info).lang;
            let parsed = match lang.as_ref() {
                "yaml" | "yml" => serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&code.content)
                    .map(drop)
                    .map_err(|e| e.to_string()),
                "toml" => toml::from_str::<toml::Value>(&code.content)
                    .map(drop)
                    .map_err(|e| e.to_string()),
                "json" => serde_json::from_str::<serde_json::Value>(&code.content)
                    .map(drop)
                    .map_err(|e| e.to_string()),
                _ => continue,
            };
            checked += 1;
            if let Err(e) = parsed {
                panic!(
                    "{} (a {lang} block at byte {}): {e}",
                    page.display(),
                    code.span.start
                );
            }
        }
    }
    assert!(checked >= 4, "only {checked} blocks checked");
}
