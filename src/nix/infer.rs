//! File names for unnamed Nix blocks (see the book: How a guide is read): a function with the `pname` (or the
//! arguments) of an earlier file is a new revision of it; a non-function that uses
//! `./x.nix` is `default.nix`.

use super::syntax::{self, NixFile};

/// The file an unnamed block is, and why; `earlier` holds the files written so far, latest
/// first, as (path, content).
pub fn file_name(content: &str, earlier: &[(&str, &str)]) -> Option<(String, String)> {
    let info = syntax::analyze(content);
    if !info.errors.is_empty() || !info.is_expression {
        return None;
    }
    let earlier: Vec<(&str, NixFile)> = earlier
        .iter()
        .filter(|(p, _)| p.ends_with(".nix"))
        .map(|(p, c)| (*p, syntax::analyze(c)))
        .collect();
    if info.is_function {
        return revision_of(&info, &earlier);
    }
    let uses = info.paths.iter().find(|p| p.ends_with(".nix"))?;
    Some((
        "default.nix".to_string(),
        format!("inferred: default.nix (not a function; uses {uses})"),
    ))
}

fn revision_of(info: &NixFile, earlier: &[(&str, NixFile)]) -> Option<(String, String)> {
    if let Some(pname) = &info.pname
        && let Some((path, _)) = earlier.iter().find(|(_, f)| f.pname.as_ref() == Some(pname))
    {
        return Some((
            (*path).to_string(),
            format!("inferred: revision of {path} (same pname \"{pname}\")"),
        ));
    }
    let shared = |f: &NixFile| f.formals.iter().filter(|a| info.formals.contains(a)).count();
    let (path, _) = earlier
        .iter()
        .find(|(_, f)| f.is_function && shared(f) * 2 >= f.formals.len().max(1))?;
    Some((
        (*path).to_string(),
        format!("inferred: revision of {path} (same arguments)"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_and_default_nix() {
        let first = "{ stdenv }: stdenv.mkDerivation { pname = \"x\"; }";
        let earlier = [("x.nix", first)];
        let again = "{ stdenv, unzip }: stdenv.mkDerivation { pname = \"x\"; }";
        assert_eq!(file_name(again, &earlier).unwrap().0, "x.nix");
        assert_eq!(
            file_name("{ x = import ./x.nix; }", &earlier).unwrap().1,
            "inferred: default.nix (not a function; uses ./x.nix)"
        );
        assert_eq!(file_name("{ lib }: 1", &earlier), None);
        assert_eq!(file_name("owner = 1;", &earlier), None);
    }
}
