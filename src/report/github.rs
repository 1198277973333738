//! `--format github`: GitHub Actions workflow commands, so drift shows as annotations at the
//! Markdown line of the pull request.

use super::{GuideResult, Style, problems_text};
use crate::compare::Status;

pub fn render(results: &[GuideResult]) -> String {
    let mut out = String::new();
    for result in results {
        let file = property(&result.plan.guide.display().to_string());
        for (step, verdict) in result.plan.steps.iter().zip(&result.verdicts) {
            let (level, title) = match verdict.status {
                Status::Failed => ("error", "guidecheck: drift"),
                Status::Blocked => ("warning", "guidecheck: blocked"),
                Status::Unverified => ("notice", "guidecheck: unverified"),
                _ => continue,
            };
            let text = problems_text(verdict, Style::default());
            let message = format!("{}\n{text}", step.summary());
            out.push_str(&format!(
                "::{level} file={file},line={},title={title}::{}\n",
                step.line,
                data(&message)
            ));
        }
        if let Some((snap, outcome)) = &result.snapshot
            && outcome.failed()
        {
            let text = super::snapshot_text(
                result.plan.guide.display().to_string(),
                snap,
                outcome,
                Style::default(),
            );
            out.push_str(&format!(
                "::error file={file},title=guidecheck: snapshot::{}\n",
                data(&text)
            ));
        }
        for todo in &result.plan.todos {
            out.push_str(&format!(
                "::notice file={file},line={},title=guidecheck: TODO::{}\n",
                todo.line,
                data(&todo.text)
            ));
        }
    }
    out
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.trim_end()
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped() {
        assert_eq!(data("50% done\nnext\n"), "50%25 done%0Anext");
        assert_eq!(property("a:b,c.md"), "a%3Ab%2Cc.md");
    }
}
