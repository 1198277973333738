//! Sphinx's ```` ```{literalinclude} FILE ```` (MyST): a block whose text is a file beside
//! the guide, as the rendered page shows it.

use super::Builder;
use crate::extract::CodeBlock;
use crate::plan::SnippetWhy;
use crate::plan::fence::{Fence, Myst};
use std::path::{Component, Path};

/// Options that show part of the file, or change it: then the block is not the file.
const PARTIAL: &[&str] = &[
    ":lines:",
    ":start-after:",
    ":end-before:",
    ":start-at:",
    ":end-at:",
    ":pyobject:",
    ":diff:",
    ":prepend:",
    ":append:",
    ":dedent:",
    ":tab-width:",
];

impl Builder<'_> {
    /// Takes a `{literalinclude}` block; true when the block was one.
    pub(super) fn include(&mut self, code: &CodeBlock, fence: &Fence, myst: &Myst) -> bool {
        if fence.lang != "literalinclude" {
            return false;
        }
        let Some((file, _)) = fence.file_name() else {
            let reason = "{literalinclude} without a file name".to_string();
            self.snippet(code.span, SnippetWhy::NotRun, reason);
            return true;
        };
        let file = file.to_string();
        let partial = code
            .content
            .lines()
            .any(|l| PARTIAL.iter().any(|p| l.trim_start().starts_with(p)));
        let beside = self.path.parent().unwrap_or(Path::new("")).join(&file);
        let content = match (partial, inside(&file)) {
            (true, _) => Err(format!("{{literalinclude}} of part of `{file}`")),
            (_, false) => Err(format!(
                "{{literalinclude}} of `{file}`, outside the guide's folder"
            )),
            _ => read_listing(&beside).map_err(|why| format!("{{literalinclude}} of `{file}`, {why}")),
        };
        match content {
            Ok(content) => {
                let name = myst.caption.clone().unwrap_or(file.clone());
                self.file(
                    code.span,
                    name.into(),
                    content.into(),
                    format!("{{literalinclude}} {file}").into(),
                );
            }
            Err(reason) => self.snippet(code.span, SnippetWhy::NotRun, reason),
        }
        true
    }
}

/// The text of a file a guide includes: a regular file (a FIFO would never end, a device
/// never either), at most `LARGEST` bytes, UTF-8; else why not.
pub(super) fn read_listing(path: &Path) -> Result<String, &'static str> {
    const LARGEST: u64 = 16 << 20;
    let meta = std::fs::metadata(path).map_err(|_| "which is not beside the guide")?;
    if !meta.is_file() {
        return Err("which is not a regular file");
    }
    if meta.len() > LARGEST {
        return Err("which is over 16 MiB");
    }
    std::fs::read_to_string(path).map_err(|_| "which cannot be read as UTF-8 text")
}

/// A relative path that stays in its folder (no `..`, not absolute).
fn inside(file: &str) -> bool {
    Path::new(file)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}
