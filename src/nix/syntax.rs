//! What guidecheck needs to know about a Nix file, read with rnix: does it parse, is it a
//! function (and of what), its `pname`, the `./x.nix` paths it uses, and the attributes a
//! `nix-build -A` can name.

use regex::Regex;
use rnix::ast::{self, HasEntry};
use rnix::{SyntaxKind, TextRange};
use rowan::ast::AstNode;
use std::sync::LazyLock;

/// A parse error: byte offset in the file (None at end of file) and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NixFile {
    pub errors: Vec<SyntaxError>,
    /// The top level is a function (`{ stdenv, ... }: …` or `x: …`).
    pub is_function: bool,
    /// Names of the formal arguments of a top-level `{ … }:` function.
    pub formals: Vec<String>,
    /// The top level is a set, a let, a with or a function: something a file holds.
    pub is_expression: bool,
    pub pname: Option<String>,
    /// Relative path literals, as written (`./llamafile.nix`).
    pub paths: Vec<String>,
    /// Attribute names of the set the file evaluates to, when that can be seen statically.
    pub attributes: Option<Vec<String>>,
}

static PNAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?-u:\b)pname[ \t\n\r]*=[ \t\n\r]*"([^"$]+)""#).expect("valid"));

/// Reads a Nix text.
pub fn analyze(text: &str) -> NixFile {
    // rowan builds, hashes and frees its trees recursively, and a long shell script parsed
    // as Nix is one application as deep as it has words: a small text is read here, a
    // larger one on a thread whose stack grows with it (2 MiB worker stacks would
    // overflow), and none over 8 MiB is read as Nix.
    const HERE: usize = 8 * 1024;
    const MOST: usize = 8 << 20;
    if text.len() <= HERE {
        return analyze_here(text);
    }
    let too_large = || NixFile {
        errors: vec![SyntaxError {
            offset: None,
            message: "too large to read as Nix".into(),
        }],
        ..NixFile::default()
    };
    if text.len() > MOST {
        return too_large();
    }
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .stack_size((text.len() * 128).max(8 << 20))
            .spawn_scoped(scope, || analyze_here(text));
        match reader {
            Ok(reader) => reader.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            Err(_) => too_large(),
        }
    })
}

fn analyze_here(text: &str) -> NixFile {
    let parse = rnix::Root::parse(text);
    let errors = parse
        .errors()
        .iter()
        .map(|e| SyntaxError {
            offset: error_offset(e),
            message: e.to_string(),
        })
        .collect();
    let root = parse.tree();
    let expr = root.expr().map(strip_parens);
    let mut file = NixFile {
        errors,
        // The regex is compiled only for a text that can match (most never say `pname`).
        pname: (memchr::memmem::find(text.as_bytes(), b"pname").is_some())
            .then(|| PNAME.captures(text).map(|c| c[1].to_string()))
            .flatten(),
        paths: relative_paths(root.syntax()),
        ..NixFile::default()
    };
    if let Some(expr) = expr {
        file.is_function = matches!(expr, ast::Expr::Lambda(_));
        file.is_expression = matches!(
            expr,
            ast::Expr::Lambda(_)
                | ast::Expr::AttrSet(_)
                | ast::Expr::LetIn(_)
                | ast::Expr::With(_)
                | ast::Expr::Assert(_)
        );
        if let ast::Expr::Lambda(lambda) = &expr
            && let Some(ast::Param::Pattern(pattern)) = lambda.param()
        {
            file.formals = pattern
                .pat_entries()
                .filter_map(|e| e.ident().map(|i| i.syntax().text().to_string()))
                .collect();
        }
        file.attributes = attributes(&expr);
    }
    file
}

/// True for a block that is a Nix expression a file could hold (not a fragment, and not a
/// shell command that happens to parse as Nix).
pub fn is_nix_file(text: &str) -> bool {
    // A Nix file mislabelled as shell is never this large; a long shell script parsed as
    // Nix is one application as deep as it has words, which rowan hashes in quadratic time.
    const LARGEST: usize = 64 * 1024;
    if text.len() > LARGEST {
        return false;
    }
    let file = analyze(text);
    file.errors.is_empty() && file.is_expression
}

/// True for a text that parses as one whole Nix expression (`1 + 2` too, unlike
/// `is_nix_file`), not an excerpt such as an attribute (`x = 1;`).
pub fn parses(text: &str) -> bool {
    analyze(text).errors.is_empty()
}

fn strip_parens(expr: ast::Expr) -> ast::Expr {
    match expr {
        ast::Expr::Paren(p) => p.expr().map_or(ast::Expr::Paren(p), strip_parens),
        e => e,
    }
}

/// The names a top-level set (possibly behind `let … in`, `with` or a function) defines.
fn attributes(expr: &ast::Expr) -> Option<Vec<String>> {
    match expr {
        ast::Expr::AttrSet(set) => Some(
            set.attrpath_values()
                .filter_map(|kv| kv.attrpath()?.attrs().next())
                .map(|a| a.syntax().text().to_string().trim_matches('"').to_string())
                .chain(set.inherits().flat_map(|i| {
                    i.attrs()
                        .map(|a| a.syntax().text().to_string())
                        .collect::<Vec<_>>()
                }))
                .collect(),
        ),
        ast::Expr::LetIn(l) => attributes(&strip_parens(l.body()?)),
        ast::Expr::With(w) => attributes(&strip_parens(w.body()?)),
        ast::Expr::Lambda(f) => attributes(&strip_parens(f.body()?)),
        ast::Expr::Paren(p) => attributes(&strip_parens(p.expr()?)),
        _ => None,
    }
}

fn relative_paths(node: &rnix::SyntaxNode) -> Vec<String> {
    node.descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| t.kind() == SyntaxKind::TOKEN_PATH_REL)
        .map(|t| t.text().to_string())
        .collect()
}

fn error_offset(error: &rnix::ParseError) -> Option<usize> {
    use rnix::ParseError as E;
    let range: TextRange = match error {
        E::Unexpected(r)
        | E::UnexpectedExtra(r)
        | E::UnexpectedWanted(_, r, _)
        | E::UnexpectedDoubleBind(r) => *r,
        E::DuplicatedArgs(r, _) => *r,
        _ => return None,
    };
    Some(usize::from(range.start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_shell_script_parsed_as_nix_is_freed_without_deep_recursion() {
        // `echo a echo a …` is one Nix application 6,000 deep: read on a thread of its own
        // even from a small stack.
        let script = "echo a\n".repeat(3_000);
        let file = std::thread::Builder::new()
            .stack_size(128 * 1024)
            .spawn(move || analyze(&script))
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert!(!file.is_expression);
        // A longer script is not read as Nix at all.
        assert!(!is_nix_file(&"echo a\n".repeat(50_000)));
    }

    #[test]
    fn a_package_function_has_formals_and_pname() {
        let f = analyze(
            "{ stdenv, fetchFromGitHub }:\nstdenv.mkDerivation rec {\n  pname = \"llamafile\";\n  version = \"0.8.4\";\n}\n",
        );
        assert!(f.errors.is_empty() && f.is_function && f.is_expression);
        assert_eq!(f.formals, ["stdenv", "fetchFromGitHub"]);
        assert_eq!(f.pname.as_deref(), Some("llamafile"));
    }

    #[test]
    fn default_nix_paths_and_attributes() {
        let f = analyze(
            "let\n  pkgs = import ./pkgs.nix;\nin\n{\n  hello = pkgs.callPackage ./hello.nix { };\n}\n",
        );
        assert!(!f.is_function);
        assert_eq!(f.paths, ["./pkgs.nix", "./hello.nix"]);
        assert_eq!(f.attributes, Some(vec!["hello".to_string()]));
    }

    #[test]
    fn fragments_and_shell_lines_are_not_nix_files() {
        assert!(!is_nix_file("owner = \"atextor\";\n"));
        assert!(!is_nix_file("cd llamafile-dir\nnix-build -A llamafile\n"));
        assert!(!is_nix_file(
            "{ stdenv }:\n# ...\nstdenv.mkDerivation {\n  ...\n}\n"
        ));
        assert!(is_nix_file("{ a = 1; }"));
    }

    #[test]
    fn syntax_errors_have_offsets() {
        let f = analyze("{ a = 1;\n  b = ;\n}\n");
        assert!(!f.errors.is_empty());
        assert_eq!(f.errors[0].offset, Some(15));
    }
}
