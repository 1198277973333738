//! A command shown twice: a prompt-less script block ends with commands that the next
//! transcript shows again with their output ("you should receive something like this:").
//! They are one step, run once.

/// The commands of a script, as (index of its first line, whitespace-normalised text).
/// Blank and comment lines are not commands; `\` line ends join lines.
pub fn script_commands(script: &str) -> Vec<(usize, String)> {
    let mut commands = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in script.lines().enumerate() {
        let trimmed = line.trim();
        if current.is_none() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        let (start, mut text) = current.take().unwrap_or((i, String::new()));
        let (body, continued) = match trimmed.strip_suffix('\\') {
            Some(body) => (body, true),
            None => (trimmed, false),
        };
        text.push(' ');
        text.push_str(body);
        if continued {
            current = Some((start, text));
        } else {
            commands.push((start, normalise(&text)));
        }
    }
    commands.extend(current.map(|(start, text)| (start, normalise(&text))));
    commands
}

/// How many of the script's last commands the transcript's first commands repeat, in order.
pub fn repeated<'a>(script: &[(usize, String)], transcript: impl IntoIterator<Item = &'a str>) -> usize {
    let shown: Vec<String> = transcript.into_iter().map(normalise).collect();
    (1..=script.len().min(shown.len()))
        .rev()
        .find(|&k| {
            script[script.len() - k..]
                .iter()
                .zip(&shown[..k])
                .all(|((_, a), b)| a == b)
        })
        .unwrap_or(0)
}

/// Whitespace-insensitive form of a command: `\`-newlines and runs of blanks are one space.
pub fn normalise(command: &str) -> String {
    command
        .replace("\\\n", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_commands_repeated_by_the_transcript() {
        let script = script_commands("cd llamafile-dir\n\n# build it\nnix-build  -A llamafile\n");
        assert_eq!(
            script,
            [
                (0, "cd llamafile-dir".into()),
                (3, "nix-build -A llamafile".into())
            ]
        );
        assert_eq!(repeated(&script, ["nix-build -A llamafile", "ls"]), 1);
        assert_eq!(
            repeated(&script, ["cd llamafile-dir", "nix-build -A llamafile"]),
            2
        );
        assert_eq!(repeated(&script, ["cd llamafile-dir"]), 0);
        assert_eq!(repeated(&script, ["nix-build -A other"]), 0);
    }

    #[test]
    fn continued_lines_are_one_command() {
        let script = script_commands("nix-build \\\n  -A hello\n");
        assert_eq!(script, [(0, "nix-build -A hello".into())]);
        assert_eq!(repeated(&script, ["nix-build \\\n -A hello"]), 1);
    }
}
