//! ```diff blocks in guides: hunks of ` `, `-` and `+` lines that edit a file, located by
//! their context (tutorials rarely carry correct `@@` line numbers, so those are ignored).

/// The file a diff names in its `+++ b/…` (or `--- a/…`) header, if any.
pub fn target(diff: &str) -> Option<String> {
    let header = |prefix: &str| {
        diff.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .map(|p| p.split_whitespace().next().unwrap_or(""))
            .filter(|p| !p.is_empty() && *p != "/dev/null")
            .map(|p| {
                p.strip_prefix("b/")
                    .or_else(|| p.strip_prefix("a/"))
                    .unwrap_or(p)
                    .to_string()
            })
    };
    header("+++ ").or_else(|| header("--- "))
}

/// True when the diff adds and removes nothing.
pub fn is_empty(diff: &str) -> bool {
    hunks(diff)
        .iter()
        .all(|h| h.lines.iter().all(|(kind, _)| *kind == ' '))
}

/// The content of a file a diff creates: it removes nothing, so its context and added
/// lines, in order, are the whole new file (a "create this file" diff, or `--- /dev/null`).
pub fn new_file(diff: &str) -> Option<String> {
    let hunks = hunks(diff);
    let lines: Vec<&(char, String)> = hunks.iter().flat_map(|h| &h.lines).collect();
    if lines.iter().any(|(kind, _)| *kind == '-') {
        return None;
    }
    let mut content: String = lines.iter().map(|(_, l)| format!("{l}\n")).collect();
    // Blank lines around a shown file are the Markdown's, not the file's.
    while content.starts_with('\n') {
        content.remove(0);
    }
    while content.ends_with("\n\n") {
        content.pop();
    }
    (!content.trim().is_empty()).then_some(content)
}

/// Why a hunk did not apply: its index (0-based) and first context line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HunkError {
    pub hunk: usize,
    /// Line (0-based, within the diff block) where the hunk starts.
    pub line: usize,
}

/// Applies every hunk of `diff` to `content`, in order. A hunk without context lines goes
/// at the end.
pub fn apply(content: &str, diff: &str) -> Result<String, HunkError> {
    apply_inserting(content, diff, None)
}

/// `apply`, with hunks that have no context lines inserted before line `at` (0-based)
/// instead of at the end.
pub fn apply_inserting(content: &str, diff: &str, mut insert_at: Option<usize>) -> Result<String, HunkError> {
    let mut lines: Vec<String> = content.lines().map(String::from).collect();
    let mut from = 0;
    for (index, hunk) in hunks(diff).into_iter().enumerate() {
        let old: Vec<&str> = hunk
            .lines
            .iter()
            .filter(|(c, _)| *c != '+')
            .map(|(_, l)| l.as_str())
            .collect();
        let new: Vec<String> = hunk
            .lines
            .iter()
            .filter(|(c, _)| *c != '-')
            .map(|(_, l)| l.clone())
            .collect();
        let inserted = insert_at.filter(|_| old.is_empty()).map(|a| a.min(lines.len()));
        let at = inserted
            .or_else(|| find(&lines, &old, from, |a, b| a == b))
            .or_else(|| find(&lines, &old, 0, |a, b| a == b))
            .or_else(|| find(&lines, &old, 0, |a, b| a.trim() == b.trim()))
            .ok_or(HunkError {
                hunk: index,
                line: hunk.start,
            })?;
        let (added, removed) = (new.len(), old.len());
        lines.splice(at..at + removed, new);
        from = at + added;
        // Later insertions keep their place (before the same line).
        insert_at = insert_at.map(|i| {
            if at <= i {
                (i + added).saturating_sub(removed)
            } else {
                i
            }
        });
    }
    let mut out = lines.join("\n");
    if content.ends_with('\n') || content.is_empty() {
        out.push('\n');
    }
    Ok(out)
}

struct Hunk {
    start: usize,
    lines: Vec<(char, String)>,
}

fn hunks(diff: &str) -> Vec<Hunk> {
    let mut hunks: Vec<Hunk> = Vec::new();
    let mut fresh = true;
    for (i, line) in diff.lines().enumerate() {
        if line.starts_with("+++ ")
            || line.starts_with("--- ")
            || line.starts_with("diff ")
            || line.starts_with("index ")
        {
            continue;
        }
        if line.starts_with("@@") {
            fresh = true;
            continue;
        }
        let (kind, text) = match line.chars().next() {
            Some(c @ ('+' | '-' | ' ')) => (c, &line[1..]),
            None => (' ', ""),
            Some(_) => (' ', line),
        };
        if fresh {
            hunks.push(Hunk {
                start: i,
                lines: Vec::new(),
            });
            fresh = false;
        }
        hunks
            .last_mut()
            .expect("pushed")
            .lines
            .push((kind, text.to_string()));
    }
    hunks
}

fn find(lines: &[String], old: &[&str], from: usize, eq: impl Fn(&str, &str) -> bool) -> Option<usize> {
    if old.is_empty() {
        return Some(lines.len());
    }
    (from..=lines.len().checked_sub(old.len())?)
        .find(|&i| old.iter().enumerate().all(|(k, o)| eq(&lines[i + k], o)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "{ stdenv, fetchFromGitHub }:\nstdenv.mkDerivation {\n  pname = \"x\";\n}\n";

    #[test]
    fn a_hunk_is_located_by_context() {
        let diff = "--- a/x.nix\n+++ b/x.nix\n@@ -1,3 +1,4 @@\n-{ stdenv, fetchFromGitHub }:\n+{ stdenv, fetchFromGitHub, unzip }:\n stdenv.mkDerivation {\n   pname = \"x\";\n+  buildInputs = [ unzip ];\n";
        assert_eq!(target(diff).as_deref(), Some("x.nix"));
        assert_eq!(
            apply(FILE, diff).unwrap(),
            "{ stdenv, fetchFromGitHub, unzip }:\nstdenv.mkDerivation {\n  pname = \"x\";\n  buildInputs = [ unzip ];\n}\n"
        );
    }

    #[test]
    fn a_diff_that_removes_nothing_may_create_a_file() {
        assert_eq!(
            new_file("\n{ lib, ... }: {\n\n}\n").as_deref(),
            Some("{ lib, ... }: {\n\n}\n")
        );
        assert_eq!(
            new_file("--- /dev/null\n+++ b/x.nix\n@@ -0,0 +1 @@\n+1\n").as_deref(),
            Some("1\n")
        );
        assert_eq!(new_file("-a\n+b\n"), None);
    }

    #[test]
    fn hunks_without_context_go_where_asked_in_order() {
        let diff = "+  a = 1;\n@@\n+  b = 2;\n";
        assert_eq!(apply("{\n}\n", diff).unwrap(), "{\n}\n  a = 1;\n  b = 2;\n");
        assert_eq!(
            apply_inserting("{\n}\n", diff, Some(1)).unwrap(),
            "{\n  a = 1;\n  b = 2;\n}\n"
        );
    }

    #[test]
    fn a_hunk_that_does_not_apply_is_an_error() {
        let diff = "@@\n-{ nothing like this }:\n+{ x }:\n";
        assert_eq!(apply(FILE, diff), Err(HunkError { hunk: 0, line: 1 }));
        assert_eq!(target(diff), None);
    }
}
