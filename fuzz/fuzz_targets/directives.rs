//! Directives, durations and config files: bad input is an error, never a panic.
#![no_main]

use guidecheck::{config, error, plan::directive};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let _ = directive::parse(input.0);
    if let Ok(d) = error::parse_duration(input.0) {
        assert!(d <= error::LONGEST);
    }
    let _ = config::parse(std::path::Path::new("guidecheck.toml"), input.1);
    // Inside a guide, as a comment and as an in-transcript line.
    let guide = format!("<!-- guidecheck: {} -->\n```console\n# guidecheck: {}\n$ true\n```\n", input.0, input.0);
    let blocks = guidecheck::extract::extract(&guide);
    let prompts = guidecheck::plan::console::Prompts::default();
    let _ = guidecheck::plan::build(std::path::Path::new("g.md"), &guide, &blocks, &prompts);
});
