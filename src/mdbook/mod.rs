//! `guidecheck mdbook`: the mdBook preprocessor. Under `html` (and any renderer but
//! `test`) nothing runs: chapters get recorded outputs and a badge from their snapshots.
//! Under `test`, or with `run = true`, guide chapters run and drift fails the build.

pub mod protocol;
pub mod render;

use crate::compare::Status;
use crate::config::{self, Overrides};
use crate::error::{Error, ErrorKind, Result};
use crate::{pipeline, report, snapshot};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Keys of `[preprocessor.guidecheck]`: ours, and those mdBook itself reads.
const KEYS: &[&str] = &[
    "run",
    "badges",
    "config",
    "command",
    "renderers",
    "before",
    "after",
    "optional",
];

/// `[preprocessor.guidecheck]` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Run guide chapters (always under the `test` renderer).
    pub run: bool,
    /// Add a verification badge to guide chapters.
    pub badges: bool,
    /// A guidecheck.toml for every chapter (relative to the book root).
    pub config: Option<PathBuf>,
}

pub fn options(config: &Value) -> std::result::Result<Options, String> {
    let table = &config["preprocessor"]["guidecheck"];
    if let Some(map) = table.as_object() {
        for key in map.keys() {
            if !KEYS.contains(&key.as_str()) {
                let nearest = KEYS
                    .iter()
                    .min_by_key(|k| strsim::levenshtein(key, k))
                    .expect("keys");
                return Err(format!(
                    "book.toml: unknown key `{key}` in [preprocessor.guidecheck]; did you mean `{nearest}`? (known: run, badges, config)"
                ));
            }
        }
    }
    let flag = |key: &str, default: bool| match &table[key] {
        Value::Null => Ok(default),
        Value::Bool(b) => Ok(*b),
        other => Err(format!(
            "book.toml: [preprocessor.guidecheck] {key} must be true or false, not {other}"
        )),
    };
    Ok(Options {
        run: flag("run", false)?,
        badges: flag("badges", true)?,
        config: table["config"].as_str().map(PathBuf::from),
    })
}

/// What the preprocessor produced: the book as JSON, and messages for stderr.
pub struct Processed {
    pub json: String,
    pub messages: Vec<String>,
    pub failed: bool,
}

/// Processes mdBook's `[context, book]`.
pub fn preprocess(input: &str) -> Result<Processed> {
    let bad = |message: String| Error::new(ErrorKind::Usage(message));
    let (context, mut book) =
        protocol::parse(input).map_err(|e| bad(format!("mdbook sent input guidecheck cannot read: {e}")))?;
    let options = options(&context.config).map_err(bad)?;
    let mut messages = Vec::new();
    if !(context.mdbook_version.starts_with("0.4.") || context.mdbook_version.starts_with("0.5.")) {
        messages.push(format!(
            "warning: guidecheck speaks the preprocessor protocol of mdBook 0.4 and 0.5; this is {}",
            context.mdbook_version
        ));
    }
    let run = options.run || context.renderer == "test";
    let src = context
        .root
        .join(context.config["book"]["src"].as_str().unwrap_or("src"));
    let overrides = Overrides {
        config: options.config.as_ref().map(|c| context.root.join(c)),
        ..Overrides::default()
    };
    let mut failed = false;
    let mut first_error = None;
    book.for_each_chapter_mut(&mut |chapter| {
        let Some(source) = &chapter.source_path else {
            return;
        };
        let path = src.join(source);
        let shown = path.strip_prefix(&context.root).unwrap_or(&path).to_path_buf();
        match process_chapter(&path, &shown, &chapter.content, &overrides, &options, run) {
            Ok(Some((content, chapter_messages, chapter_failed))) => {
                chapter.content = content;
                messages.extend(chapter_messages);
                failed |= chapter_failed;
            }
            Ok(None) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    });
    if let Some(e) = first_error {
        return Err(e);
    }
    let json = serde_json::to_string(&book).map_err(|e| bad(e.to_string()))?;
    Ok(Processed {
        json,
        messages,
        failed,
    })
}

/// One chapter; None when it is not a guide (it then passes through byte for byte).
fn process_chapter(
    path: &Path,
    shown: &Path,
    text: &str,
    overrides: &Overrides,
    options: &Options,
    run: bool,
) -> Result<Option<(String, Vec<String>, bool)>> {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let settings = config::settings(&real, overrides)?;
    let plan = pipeline::read(shown, text, &settings)?;
    if !plan.steps.iter().any(crate::plan::Step::runs) {
        return Ok(None);
    }
    let stored = std::fs::read_to_string(&settings.snapshot_path)
        .ok()
        .map(|t| snapshot::parse(&t));
    let unaccepted = PathBuf::from(format!("{}.new", settings.snapshot_path.display())).exists();
    let mut messages = Vec::new();
    let mut failed = false;
    let mut badge = render::badge(&plan, stored.as_ref(), unaccepted);
    if run {
        // Snapshots are the CLI's business: a book build reads them, never writes them.
        let request = pipeline::Request::default();
        let result = pipeline::check(
            shown,
            text,
            Some(plan.clone()),
            &settings,
            &request,
            &crate::run::Quiet,
            None,
        )?;
        let drift = result
            .plan
            .steps
            .iter()
            .zip(&result.verdicts)
            .enumerate()
            .find(|(_, (_, v))| v.status == Status::Failed);
        if let Some((index, (step, _))) = drift {
            failed = true;
            badge = render::Badge::Drift {
                step: index + 1,
                line: step.line,
            };
        }
        messages.push(report::guide(&result, report::Style::default()));
    }
    let content = render::chapter(text, &plan, stored.as_ref(), options.badges.then_some(&badge));
    Ok(Some((content, messages, failed)))
}
