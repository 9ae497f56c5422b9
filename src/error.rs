//! One error type for the library; `exit_code` is the single place where
//! errors become process exit codes (0 ok, 1 findings, 2 usage/input, 3 internal).

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user asked for something that cannot work (bad flag value, conflicting options).
    #[error("{0}")]
    Usage(String),

    /// An input file cannot be used as given. `path` is shown as the user typed it.
    #[error("{path}: {message}")]
    Input { path: String, message: String },

    /// Reading a file failed at the OS level.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Writing an output failed; nothing partial is left behind (see `output`).
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The audit database could not be used.
    #[error("audit database {}: {message}", path.display())]
    Database { path: PathBuf, message: String },

    /// A bug: an invariant the program checks about itself did not hold.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn input(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Input { path: path.into(), message: message.into() }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Input { .. } | Error::Read { .. } => 2,
            Error::Write { .. } | Error::Database { .. } => 2,
            Error::Internal(_) => 3,
        }
    }
}

/// What a successful command tells the process: whether findings crossed the
/// configured threshold (exit 1) or not (exit 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    FindingsOverThreshold,
}

impl Outcome {
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Clean => 0,
            Outcome::FindingsOverThreshold => 1,
        }
    }
}
