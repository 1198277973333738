//! A file shown in part: ```` ```nix title="package.nix" ```` whose text is only the
//! bindings that changed (`sourceFiles = …;`). A reader replaces those bindings in the
//! file; so does guidecheck, when each one names exactly one binding of the file.

use rnix::ast::{self, HasEntry};
use rowan::ast::AstNode;
use std::sync::LazyLock;

/// The start of a binding: `name =`, `a.b."c" =`.
static BINDING: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r#"^[A-Za-z_][A-Za-z0-9_\x{80}-\x{10FFFF}'-]*(?:\.(?:[A-Za-z_][A-Za-z0-9_\x{80}-\x{10FFFF}'-]*|"[^"]*"))*(?-u:\s)*=(?:[^=]|$)"#).expect("valid")
});

/// The cheap look before `BINDING`: a binding starts with a name's first character.
fn may_bind(line: &str) -> bool {
    line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
}

/// `file` with the bindings `excerpt` shows put in place of its own, when the excerpt is
/// only bindings, each names one binding of the file, and the result parses.
pub fn revise(file: &str, excerpt: &str) -> Option<String> {
    // Cheap first: most blocks are whole files, which do not start with a binding.
    let first = excerpt
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    if !may_bind(first)
        || !BINDING.is_match(first)
        || super::syntax::parses(excerpt)
        || !super::syntax::parses(file)
    {
        return None;
    }
    // The bindings, read as the body of a set.
    let wrapped = format!("{{\n{excerpt}\n}}");
    let shown = rnix::Root::parse(&wrapped);
    if !shown.errors().is_empty() {
        return None;
    }
    let Some(ast::Expr::AttrSet(set)) = shown.tree().expr() else {
        return None;
    };
    let new: Vec<(String, String)> = set
        .entries()
        .map(|entry| match entry {
            ast::Entry::AttrpathValue(b) => Some((path_of(&b)?, b.syntax().text().to_string())),
            ast::Entry::Inherit(_) => None,
        })
        .collect::<Option<_>>()?;
    let root = rnix::Root::parse(file).tree();
    let bindings: Vec<ast::AttrpathValue> = root
        .syntax()
        .descendants()
        .filter_map(ast::AttrpathValue::cast)
        .collect();
    let mut edits: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
    for (path, text) in &new {
        let mut same = bindings.iter().filter(|b| path_of(b).as_ref() == Some(path));
        let (Some(old), None) = (same.next(), same.next()) else {
            return None; // absent or ambiguous: not a revision a reader could make
        };
        let range = old.syntax().text_range();
        edits.push((usize::from(range.start())..usize::from(range.end()), text));
    }
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut revised = file.to_string();
    for (range, text) in edits {
        revised.replace_range(range, text);
    }
    super::syntax::parses(&revised).then_some(revised)
}

/// `a.b.c` of a binding, as written (whitespace dropped).
fn path_of(binding: &ast::AttrpathValue) -> Option<String> {
    let path = binding.attrpath()?.syntax().text().to_string();
    Some(path.split_whitespace().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "{ fs, stdenv }:\nstdenv.mkDerivation {\n  name = \"x\";\n  src = fs.toSource {\n    root = ./.;\n    fileset = ./.;\n  };\n}\n";

    proptest::proptest! {
        /// The look at a line's first character before `BINDING` turns away no line the
        /// pattern matches.
        #[test]
        fn every_binding_starts_as_the_first_look_expects(
            line in crate::properties::made_of(&["a", "_", "Z", "1", "é", "\"", ".", " ", "=", "'", "-", "{", "#", "\t"], 8),
        ) {
            if BINDING.is_match(&line) {
                proptest::prop_assert!(may_bind(&line), "{:?}", line);
            }
        }
    }

    #[test]
    fn shown_bindings_replace_the_files_own() {
        let excerpt = "  src = fs.toSource {\n    root = ./.;\n    fileset = ./hello.txt;\n  };";
        assert_eq!(
            revise(FILE, excerpt).unwrap(),
            FILE.replace("fileset = ./.;", "fileset = ./hello.txt;")
        );
        assert_eq!(
            revise(FILE, "name = \"y\";\n  src = ./.;").unwrap(),
            "{ fs, stdenv }:\nstdenv.mkDerivation {\n  name = \"y\";\n  src = ./.;\n}\n"
        );
    }

    #[test]
    fn anything_else_is_no_revision() {
        // A whole file, a binding the file lacks, one it has twice, or not Nix at all.
        assert_eq!(revise(FILE, "{ a = 1; }"), None);
        assert_eq!(revise(FILE, "version = \"1\";"), None);
        assert_eq!(revise("{ a = { x = 1; }; b = { x = 2; }; }", "x = 3;"), None);
        assert_eq!(revise(FILE, "src = ;"), None);
        assert_eq!(revise("{ broken", "a = 1;"), None);
    }
}
