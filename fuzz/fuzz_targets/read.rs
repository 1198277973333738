//! The reader, planner, lint and a no-op rewrite on arbitrary Markdown.
#![no_main]

use guidecheck::{extract, lint, plan, rewrite};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|text: &str| {
    let blocks = extract::extract(text);
    if let Ok(plan) = plan::build(Path::new("g.md"), text, &blocks, &plan::console::Prompts::default()) {
        let _ = lint::lint(&plan);
    }
    assert_eq!(rewrite::apply(text, Vec::new()), text);
});
