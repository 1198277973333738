//! Reading a guide: text → blocks → steps. A large guide's reading is spread over threads,
//! each stage on its own, joined by bounded channels in document order: Markdown parsing
//! (`extract::blocks_ahead`), then the steps built from the blocks, while the caller
//! writes what it makes of the steps (`with_steps`). A guide parsed whole (most guides) is
//! read on the caller's thread: a thread costs more than it saves there.

use super::with_settings;
use crate::config::Settings;
use crate::error::Result;
use crate::extract;
use crate::plan::{self, Plan, Step, Todo};
use std::path::Path;

/// Reads the plan of a guide's text.
pub fn read(path: &Path, text: &str, settings: &Settings) -> Result<Plan> {
    let mut plan = std::thread::scope(|scope| {
        plan::build_with(
            path,
            text,
            extract::blocks_ahead(scope, text),
            &settings.prompts,
            &settings.shells,
        )
    })?;
    plan.steps.iter_mut().for_each(|s| with_settings(s, settings));
    Ok(plan)
}

/// A guide's steps as they are read, each through `with_settings`; then, once all were
/// taken, its TODO sections (or the first bad directive met).
pub trait StepStream: Iterator<Item = Step> {
    fn finish(&mut self) -> Result<Vec<Todo>>;
}

/// Gives `read` the steps of a guide's text as they are read, for output that need not
/// hold them all. The threads of a large guide end with `read`, even when it stops early.
pub fn with_steps<R>(
    path: &Path,
    text: &str,
    settings: &Settings,
    read: impl FnOnce(&mut dyn StepStream) -> R,
) -> R {
    if !extract::parsed_in_pieces(text) {
        let steps = plan::Steps::new(
            path,
            text,
            extract::blocks(text),
            &settings.prompts,
            &settings.shells,
        );
        return read(&mut Here { steps, settings });
    }
    std::thread::scope(|scope| {
        let built = crate::ahead::on_thread(scope, move |out| {
            let blocks = extract::blocks_ahead(scope, text);
            plan::Steps::new(path, text, blocks, &settings.prompts, &settings.shells).pump(out.handle())
        });
        read(&mut Here {
            steps: built,
            settings,
        })
    })
}

/// Steps as they are read (here, or on a thread), each through `with_settings`.
struct Here<'a, S> {
    steps: S,
    settings: &'a Settings,
}

impl<S: Iterator<Item = Step>> Iterator for Here<'_, S> {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        let mut step = self.steps.next()?;
        with_settings(&mut step, self.settings);
        Some(step)
    }
}

impl<'a, I: Iterator<Item = extract::Block<'a>>> StepStream for Here<'a, plan::Steps<'a, I>> {
    fn finish(&mut self) -> Result<Vec<Todo>> {
        self.steps.finish()
    }
}

impl StepStream for Here<'_, crate::ahead::Ahead<'_, Step, Result<Vec<Todo>>>> {
    fn finish(&mut self) -> Result<Vec<Todo>> {
        self.steps.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Overrides, settings};

    /// A guide large enough to be read on threads, with a TODO section and a step whose
    /// output comes in a later block.
    fn large(tail: &str) -> String {
        let chunk = "## Step\n\nRun:\n\n```console\n$ echo hi\n```\n\n```\nhi\n```\n\n```nix title=\"f.nix\"\n{ a = 1; }\n```\n\n";
        format!("# Big\n\n## TODO finish\n\n{}{tail}", chunk.repeat(8_000))
    }

    fn streamed(text: &str, settings: &Settings) -> (Vec<Step>, Result<Vec<Todo>>) {
        with_steps(Path::new("g.md"), text, settings, |stream| {
            let steps: Vec<Step> = (&mut *stream).collect();
            (steps, stream.finish())
        })
    }

    #[test]
    fn a_large_guide_read_on_threads_is_the_plan_read_at_once() {
        let settings = settings(Path::new("g.md"), &Overrides::default()).unwrap();
        let text = large("");
        assert!(extract::parsed_in_pieces(&text));
        let whole = read(Path::new("g.md"), &text, &settings).unwrap();
        let (steps, todos) = streamed(&text, &settings);
        assert_eq!(steps.len(), 16_000);
        // Compared as written out in full (every field, spans too).
        assert_eq!(format!("{steps:?}"), format!("{:?}", whole.steps));
        assert_eq!(format!("{:?}", todos.unwrap()), format!("{:?}", whole.todos));
        assert!(steps.iter().any(|s| format!("{:?}", s.kind).contains("\"hi\"")));
    }

    #[test]
    fn a_bad_directive_at_the_end_of_a_large_guide_is_its_error() {
        let settings = settings(Path::new("g.md"), &Overrides::default()).unwrap();
        let text = large("<!-- guidecheck: bogus -->\n");
        let expected = read(Path::new("g.md"), &text, &settings).unwrap_err();
        let (_, todos) = streamed(&text, &settings);
        let error = todos.unwrap_err();
        assert_eq!(error.to_string(), expected.to_string());
        assert!(error.to_string().contains("bogus"), "{error}");
    }

    /// One transcript of 24,000 commands (a Nix shell entered and left across the places
    /// where the builder hands steps on, output shown in the block after), read on
    /// threads as it is read whole.
    #[test]
    fn a_long_transcript_handed_on_as_it_is_read_is_the_plan_read_at_once() {
        let settings = settings(Path::new("g.md"), &Overrides::default()).unwrap();
        let mut block = String::from("# Long\n\n```console\n");
        for i in 0..24_000 {
            // Steps are handed on after every 1,024th command: the shell is entered by that
            // command, whose step the next one changes.
            match (i % 1024, i > 1024) {
                (1023, _) => block.push_str("$ nix-shell -p hello\n"),
                (0 | 1, true) => block.push_str(&format!("[nix-shell]$ echo in {i}\nin {i}\n")),
                (2, true) => block.push_str("[nix-shell]$ exit\n"),
                _ => block.push_str(&format!("$ echo line {i}\nline {i}\n")),
            }
        }
        let text = format!("{block}$ echo last\n```\n\n```\nlast\n```\n");
        assert!(extract::parsed_in_pieces(&text));
        let whole = read(Path::new("g.md"), &text, &settings).unwrap();
        let (steps, todos) = streamed(&text, &settings);
        assert_eq!(steps.len(), 24_001);
        assert_eq!(format!("{steps:?}"), format!("{:?}", whole.steps));
        assert!(todos.is_ok());
        let entered = |s: &Step| format!("{:?}", s.options.nest).starts_with("Inside");
        assert_eq!(steps.iter().filter(|s| entered(s)).count(), 23 * 2);
        assert!(format!("{:?}", steps[24_000].kind).contains("\"last\""));
    }

    #[test]
    fn a_reader_that_stops_early_ends_the_threads() {
        let settings = settings(Path::new("g.md"), &Overrides::default()).unwrap();
        let text = large("");
        let first = with_steps(Path::new("g.md"), &text, &settings, |stream| stream.next());
        assert!(first.is_some());
    }
}
