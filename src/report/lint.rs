//! Renders lint findings as `guide.md:LINE:COL: error: message`.

use super::Style;
use crate::lint::{Finding, Severity};
use std::path::Path;

pub fn render(guide: &Path, findings: &[Finding], style: Style) -> String {
    let mut out = String::new();
    for f in findings {
        let label = match f.severity {
            Severity::Error => style.paint("1;31", "error"),
            Severity::Warning => style.paint("1;33", "warning"),
            Severity::Note => style.paint("1;36", "note"),
        };
        out.push_str(&format!(
            "{}:{}:{}: {label}: {}\n",
            guide.display(),
            f.line,
            f.col,
            f.message
        ));
        if let Some(hint) = &f.hint {
            out.push_str(&format!("  hint: {}\n", hint.replace('\n', "\n        ")));
        }
    }
    out
}
