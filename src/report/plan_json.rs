//! `plan --format json`, written as the steps come: a large guide's plan is never held
//! whole, neither as steps nor as text. The bytes are those of `serde_json`'s pretty
//! printing of `[Plan, …]`.

use crate::plan::{Step, Todo};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::cell::RefCell;
use std::io::Write;
use std::path::Path;

/// Writes one guide's plan as an element of the top-level array (indented one level):
/// `guide`, then each step as `steps` yields it, then `todos()` (asked for after the last
/// step).
pub fn write_element(
    out: &mut dyn Write,
    guide: &Path,
    steps: &mut dyn Iterator<Item = Step>,
    todos: &mut dyn FnMut() -> Vec<Todo>,
) -> std::io::Result<()> {
    let plan = Lazy {
        guide,
        steps: RefCell::new(steps),
        todos: RefCell::new(todos),
    };
    out.write_all(b"  ")?;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    // The element sits one level into the top-level array: the formatter starts there.
    let formatter = Pretty {
        depth: 1,
        has_value: false,
    };
    let mut serializer = serde_json::Serializer::with_formatter(&mut buffered, formatter);
    plan.serialize(&mut serializer).map_err(std::io::Error::other)?;
    buffered.flush()
}

/// Opens, separates (`first`: no comma) and closes the top-level array as serde_json does.
pub fn open(out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(b"[")
}

pub fn separator(out: &mut dyn Write, first: bool) -> std::io::Result<()> {
    out.write_all(if first { b"\n" } else { b",\n" })
}

pub fn close(out: &mut dyn Write, any: bool) -> std::io::Result<()> {
    out.write_all(if any { b"\n]\n" } else { b"]\n" })
}

/// serde_json's `PrettyFormatter` (two spaces a level), writing each line break with its
/// indentation at once rather than two bytes at a time: a plan's JSON is mostly
/// indentation (10 MB of Markdown, 39 MB of plan).
struct Pretty {
    depth: usize,
    has_value: bool,
}

/// `,` then a line break and the deepest indentation written at once.
const BREAKS: &[u8; 2 + 2 * 32] = b",\n                                                                ";

impl Pretty {
    /// A line break (after a comma unless `first`) and the indentation of `depth`.
    fn line<W: ?Sized + Write>(&self, out: &mut W, first: bool) -> std::io::Result<()> {
        let from = usize::from(first);
        match BREAKS.get(from..2 + 2 * self.depth) {
            Some(line) => out.write_all(line),
            None => {
                out.write_all(&BREAKS[from..2])?;
                (0..self.depth).try_for_each(|_| out.write_all(b"  "))
            }
        }
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(out, true)?;
        }
        out.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> std::io::Result<()> {
        self.line(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> std::io::Result<()> {
        self.line(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

struct Lazy<'a> {
    guide: &'a Path,
    steps: RefCell<&'a mut dyn Iterator<Item = Step>>,
    todos: RefCell<&'a mut dyn FnMut() -> Vec<Todo>>,
}

struct StepsField<'p, 'a>(&'p Lazy<'a>);
struct TodosField<'p, 'a>(&'p Lazy<'a>);

impl Serialize for Lazy<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut plan = serializer.serialize_struct("Plan", 3)?;
        plan.serialize_field("guide", self.guide)?;
        plan.serialize_field("steps", &StepsField(self))?;
        plan.serialize_field("todos", &TodosField(self))?;
        plan.end()
    }
}

impl Serialize for StepsField<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut steps = self.0.steps.borrow_mut();
        serializer.collect_seq(&mut **steps)
    }
}

impl Serialize for TodosField<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let todos = (self.0.todos.borrow_mut())();
        todos.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values nested deeper than the line breaks written at once, empty and not.
    #[test]
    fn the_formatter_writes_what_serde_jsons_pretty_one_does() {
        let mut deep = serde_json::json!({ "a": [], "b": {}, "c": [1, { "d": "e\n\"f" }] });
        for depth in 0..40 {
            deep = serde_json::json!([depth, { "k": deep.clone(), "e": [] }, []]);
        }
        let mut ours = Vec::new();
        let formatter = Pretty {
            depth: 0,
            has_value: false,
        };
        deep.serialize(&mut serde_json::Serializer::with_formatter(&mut ours, formatter))
            .unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            serde_json::to_string_pretty(&deep).unwrap()
        );
    }

    #[test]
    fn the_bytes_are_serde_jsons_pretty_array() {
        let text =
            "# G\n\nTODO: finish\n\n```console\n$ echo hi\nhi\n```\n\n```nix title=\"a.nix\"\n1\n```\n";
        let plans: Vec<crate::plan::Plan> = ["a.md", "b.md"]
            .iter()
            .map(|g| {
                let blocks = crate::extract::extract(text);
                let prompts = crate::plan::console::Prompts::default();
                crate::plan::build(Path::new(g), text, &blocks, &prompts).unwrap()
            })
            .collect();
        let expected = serde_json::to_string_pretty(&plans).unwrap() + "\n";
        let mut out = Vec::new();
        open(&mut out).unwrap();
        for (i, plan) in plans.iter().enumerate() {
            separator(&mut out, i == 0).unwrap();
            let mut steps = plan.steps.clone().into_iter();
            let todos = plan.todos.clone();
            write_element(&mut out, &plan.guide, &mut steps, &mut || todos.clone()).unwrap();
        }
        close(&mut out, !plans.is_empty()).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
        let mut empty = Vec::new();
        open(&mut empty).unwrap();
        close(&mut empty, false).unwrap();
        let none: Vec<crate::plan::Plan> = Vec::new();
        assert_eq!(
            String::from_utf8(empty).unwrap(),
            serde_json::to_string_pretty(&none).unwrap() + "\n"
        );
    }
}
