//! The facts of a command's output worth keeping: error blocks and hash pairs.

use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// A `specified:`/`got:` pair from a hash mismatch, as printed (SRI or nix32).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HashPair {
    pub specified: String,
    pub got: String,
}

static HASH_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*(specified|wanted|got):[ \t]+((?:sha1|sha256|sha512|md5)[-:][A-Za-z0-9+/=]+)")
        .expect("valid")
});

/// Every `specified:`/`got:` pair, in order (the got line follows its specified line).
pub fn hash_pairs(output: &str) -> Vec<HashPair> {
    let mut pairs = Vec::new();
    if !output.contains("got:") {
        return pairs; // no pair without a `got:` line (and no regex compiled for it)
    }
    let mut specified: Option<String> = None;
    for line in output.lines() {
        if let Some(caps) = HASH_LINE.captures(line) {
            match &caps[1] {
                "got" => {
                    if let Some(spec) = specified.take() {
                        pairs.push(HashPair {
                            specified: spec,
                            got: caps[2].to_string(),
                        });
                    }
                }
                _ => specified = Some(caps[2].to_string()),
            }
        }
    }
    pairs
}

/// Error blocks: a line starting with `error:` and its indented continuation lines.
pub fn error_blocks(output: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut open = false;
    for line in output.lines() {
        if line.starts_with("error:") {
            blocks.push(line.trim_end().to_string());
            open = true;
        } else if open && line.starts_with([' ', '\t']) && !line.trim().is_empty() {
            let block = blocks.last_mut().expect("open block");
            block.push('\n');
            block.push_str(line.trim_end());
        } else {
            open = false;
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    const MISMATCH: &str = "building '/nix/store/x.drv'...\nerror: hash mismatch in fixed-output derivation '/nix/store/x.drv':\n         specified: sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n            got:    sha256-sXRYFNp+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHU=\nerror: 1 dependencies of derivation '/nix/store/y.drv' failed to build\n";

    #[test]
    fn hash_pairs_in_sri_and_nix32() {
        assert_eq!(
            hash_pairs(MISMATCH),
            [HashPair {
                specified: "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into(),
                got: "sha256-sXRYFNp+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHU=".into(),
            }]
        );
        let nix23 = "  wanted: sha256:0000000000000000000000000000000000000000000000000000\n  got:    sha256:1b4d5z4brq9hi1kdqz3bxfdal7mgh7bx0j7mz8kw3hqknx9k14zs\n";
        assert_eq!(
            hash_pairs(nix23)[0].got,
            "sha256:1b4d5z4brq9hi1kdqz3bxfdal7mgh7bx0j7mz8kw3hqknx9k14zs"
        );
    }

    #[test]
    fn error_blocks_keep_their_indented_lines() {
        let blocks = error_blocks(MISMATCH);
        assert_eq!(blocks.len(), 2);
        assert!(blocks[0].ends_with("got:    sha256-sXRYFNp+SZjS0GZbnI8k/h65sBhhKgfLrSRTmmCViHU="));
        assert!(blocks[1].starts_with("error: 1 dependencies"));
    }
}
