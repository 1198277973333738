//! Expressions and their values (nix.dev's `:class: expression` / `:class: value` pairs):
//! evaluated with `nix-instantiate --eval --strict`, compared whitespace-insensitively.

/// The shell text that evaluates `expression` in the current directory.
pub fn command(expression: &str) -> String {
    format!(
        "nix-instantiate --eval --strict --expr \"$(cat <<'__GUIDECHECK_EXPR__'\n{}\n__GUIDECHECK_EXPR__\n)\"",
        expression.trim_end()
    )
}

/// A value (or an error) with its whitespace runs made one space: the layout of a printed
/// value is not part of it.
pub fn canonical(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Does a shown value say the evaluation fails?
pub fn is_error(value: &str) -> bool {
    value.trim_start().starts_with("error:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_compare_without_layout() {
        assert_eq!(
            canonical("{ one = 1;\n  two = 2; }\n"),
            canonical("{ one = 1; two = 2; }")
        );
        assert!(is_error("error: undefined variable 'one'\n\n  at «string»:3:9:"));
        assert!(command("1 + 2").starts_with("nix-instantiate --eval --strict --expr"));
    }
}
