//! The mdBook preprocessor protocol, with serde types of our own (no mdbook dependency).
//! mdBook sends `[context, book]` on stdin and reads the book back on stdout. 0.4 calls the
//! top-level list `sections`; 0.5 calls it `items` and sends absent fields as null. Fields
//! we do not know are carried through untouched.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::PathBuf;

#[derive(Debug, Deserialize)]
pub struct Context {
    pub root: PathBuf,
    #[serde(default)]
    pub config: Value,
    pub renderer: String,
    #[serde(default)]
    pub mdbook_version: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Book {
    /// mdBook 0.4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<BookItem>>,
    /// mdBook 0.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<BookItem>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum BookItem {
    Chapter(Chapter),
    Separator,
    PartTitle(String),
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Chapter {
    pub name: String,
    pub content: String,
    #[serde(default)]
    pub sub_items: Vec<BookItem>,
    /// Relative to the book's source folder; null for a draft chapter.
    #[serde(default)]
    pub source_path: Option<PathBuf>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Book {
    /// Calls `f` on every chapter, depth first.
    pub fn for_each_chapter_mut(&mut self, f: &mut dyn FnMut(&mut Chapter)) {
        fn walk(items: &mut [BookItem], f: &mut dyn FnMut(&mut Chapter)) {
            for item in items {
                if let BookItem::Chapter(chapter) = item {
                    f(chapter);
                    walk(&mut chapter.sub_items, f);
                }
            }
        }
        if let Some(items) = self.sections.as_mut() {
            walk(items, f);
        }
        if let Some(items) = self.items.as_mut() {
            walk(items, f);
        }
    }
}

/// Parses mdBook's `[context, book]`.
pub fn parse(input: &str) -> serde_json::Result<(Context, Book)> {
    serde_json::from_str(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v04_sections_and_v05_items_round_trip_with_unknown_fields() {
        let v04 = r#"[{"root":"/b","config":{},"renderer":"html","mdbook_version":"0.4.52"},{"sections":[{"Chapter":{"name":"A","content":"x","number":[1],"sub_items":[{"Chapter":{"name":"B","content":"y","number":null,"sub_items":[],"path":"b.md","source_path":"b.md","parent_names":["A"]}}],"path":"a.md","source_path":"a.md","parent_names":[]}},"Separator",{"PartTitle":"P"}],"__non_exhaustive":null}]"#;
        let (ctx, mut book) = parse(v04).unwrap();
        assert_eq!(
            (ctx.renderer.as_str(), ctx.mdbook_version.as_str()),
            ("html", "0.4.52")
        );
        let mut names = Vec::new();
        book.for_each_chapter_mut(&mut |c| names.push(c.name.clone()));
        assert_eq!(names, ["A", "B"]);
        let out: Value = serde_json::to_value(&book).unwrap();
        let input: Value = serde_json::from_str::<Value>(v04).unwrap()[1].clone();
        assert_eq!(out, input);

        let v05 = r#"[{"root":"/b","config":{},"renderer":"html","mdbook_version":"0.5.4"},{"items":[{"Chapter":{"name":"A","content":"x","number":null,"sub_items":[],"path":null,"source_path":null,"parent_names":[]}}]}]"#;
        let (_, book) = parse(v05).unwrap();
        let out: Value = serde_json::to_value(&book).unwrap();
        assert_eq!(out, serde_json::from_str::<Value>(v05).unwrap()[1]);
    }
}
