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
        }
    }

    pub fn at(location: Location, kind: ErrorKind) -> Self {
        Error {
            location: Some(location),
            kind,
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "{location}: {}", self.kind)?,
            None => write!(f, "{}", self.kind)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
