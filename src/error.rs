//! Errors: things that stop guidecheck from checking a guide (bad input, I/O).
//! A guide that disagrees with reality is never an `Err`: that is a verdict.

use crate::span::Location;
use std::fmt;

/// An error with where it happened and, when we know one, how to fix it.
#[derive(Debug, thiserror::Error)]
pub struct Error {
    pub location: Option<Location>,
    pub kind: ErrorKind,
    pub hint: Option<String>,
    /// The text of the line the location points at, shown under the message.
    pub source_line: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    #[error("no such file or directory")]
    NotFound,
    #[error("no guides (*.md) found in this directory")]
    NoGuides,
    #[error("not valid UTF-8 (at byte {0})")]
    NotUtf8(usize),
    #[error("cannot read: {0}")]
    Read(std::io::Error),
    #[error("cannot write: {0}")]
    Write(std::io::Error),
    #[error("{0}")]
    Guide(String),
    #[error("{0}")]
    Config(String),
    #[error("could not start the shell session: {0}")]
    Spawn(std::io::Error),
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn new(kind: ErrorKind) -> Self {
        Error {
            location: None,
            kind,
            hint: None,
            source_line: None,
        }
    }

    pub fn at(location: Location, kind: ErrorKind) -> Self {
        Error {
            location: Some(location),
            kind,
            hint: None,
            source_line: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Shows the located line of `text` (the file the location is in) under the message.
    pub fn with_source(mut self, text: &str) -> Self {
        if let Some(location) = &self.location
            && location.line > 0
        {
            self.source_line = text
                .lines()
                .nth(location.line - 1)
                .map(|l| l.trim_end_matches('\r').to_string());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{location}: {}", self.kind)?,
            None => write!(f, "{}", self.kind)?,
        }
        if let (Some(location), Some(line)) = (&self.location, &self.source_line) {
            let number = location.line.to_string();
            let pad = " ".repeat(number.len());
            let caret = " ".repeat(location.col.saturating_sub(1));
            write!(f, "\n {pad} |\n {number} | {line}\n {pad} | {caret}^")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_located_error_shows_its_line_and_a_caret() {
        let text = "# Guide\n\n<!-- guidecheck: skp -->\n";
        let err = Error::at(
            Location::new(Path::new("g.md"), 3, 18),
            ErrorKind::Guide("unknown directive `skp`".into()),
        )
        .with_hint("did you mean `skip`?")
        .with_source(text);
        assert_eq!(
            err.to_string(),
            "g.md:3:18: unknown directive `skp`\n   |\n 3 | <!-- guidecheck: skp -->\n   |                  ^\n  hint: did you mean `skip`?"
        );
    }
}

/// The longest duration guidecheck accepts (a timeout, an interval): a year.
pub const LONGEST: std::time::Duration = std::time::Duration::from_secs(365 * 24 * 3600);

/// Parses a duration (`30s`, `10m`, `1h`, `2d`), at most `LONGEST`.
pub fn parse_duration(text: &str) -> std::result::Result<std::time::Duration, String> {
    let d = humantime::parse_duration(text)
        .map_err(|e| format!("`{text}` is not a duration ({e}): write 30s, 10m or 1h"))?;
    if d > LONGEST {
        return Err(format!(
            "`{text}` is too long: the largest duration accepted is 365d"
        ));
    }
    Ok(d)
}

#[cfg(test)]
mod duration_tests {
    #[test]
    fn durations_are_bounded_and_never_panic() {
        assert_eq!(
            super::parse_duration("90s"),
            Ok(std::time::Duration::from_secs(90))
        );
        assert_eq!(super::parse_duration("365d"), Ok(super::LONGEST));
        for bad in [
            "366d",
            "300000000000y",
            "9223372036854775807s",
            "18446744073709551616s",
            "soon",
            "",
        ] {
            assert!(super::parse_duration(bad).is_err(), "{bad}");
        }
    }
}
