//! One error type for the library; `exit_code` is the single place where
//! errors become process exit codes (0 ok, 1 findings, 2 usage/input, 3 internal, 4 environment:
//! a full disk, a permission, the audit database locked or damaged). A nightly job tells "fix the
//! dump" (2) from "fix the machine" (4) by the code alone.

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

    /// A database (the audit database, a saved lookup index) could not be used.
    #[error("database {}: {message}", path.display())]
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
            Error::Usage(_) | Error::Input { .. } => 2,
            // A path that does not exist is a typo, not a failing machine.
            Error::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound => 2,
            Error::Read { .. } | Error::Write { .. } | Error::Database { .. } => 4,
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
    /// `--fail-on`: findings over a threshold when any was reached.
    pub fn of_thresholds(reached: &[String]) -> Outcome {
        if reached.is_empty() {
            Outcome::Clean
        } else {
            Outcome::FindingsOverThreshold
        }
    }

    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Clean => 0,
            Outcome::FindingsOverThreshold => 1,
        }
    }
}

/// Run a command and turn its result into the process exit code, printing the error if any. A
/// panic is a bug like any other internal error: exit 3 with a word on what to do, not Rust's
/// 101 (the panic message itself is already on stderr).
pub fn exit_code_of(command: impl FnOnce() -> Result<Outcome>) -> i32 {
    let t = std::time::Instant::now();
    let guarded = || {
        // Test hook (debug builds only): a bug on demand, for the test of exit code 3.
        #[cfg(debug_assertions)]
        if std::env::var_os("ORGCLEAN_TEST_PANIC").is_some() {
            panic!("ORGCLEAN_TEST_PANIC is set");
        }
        command()
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(guarded)).unwrap_or_else(|_| {
        Err(Error::Internal(
            "a bug stopped the run (the message above says where); please report it with the command \
             line, and the input if you can share it"
                .into(),
        ))
    });
    crate::progress::timing("total", t);
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            eprintln!("orgclean: error: {e}");
            e.exit_code()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_failures_have_their_own_code() {
        let io = |k| std::io::Error::new(k, "x");
        let path = PathBuf::from("p");
        assert_eq!(
            Error::Write { path: path.clone(), source: io(std::io::ErrorKind::StorageFull) }.exit_code(),
            4
        );
        assert_eq!(Error::Database { path: path.clone(), message: "locked".into() }.exit_code(), 4);
        assert_eq!(
            Error::Read { path: path.clone(), source: io(std::io::ErrorKind::PermissionDenied) }.exit_code(),
            4
        );
        assert_eq!(Error::Read { path, source: io(std::io::ErrorKind::NotFound) }.exit_code(), 2);
        assert_eq!(Error::input("a.csv", "bad").exit_code(), 2);
        assert_eq!(Error::Internal("bug".into()).exit_code(), 3);
    }
}
