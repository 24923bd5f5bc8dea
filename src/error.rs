//! The crate's one error type.
//!
//! Every fallible public function returns [`Result<T>`](Result). The enum is
//! `#[non_exhaustive]`: later stages (rule files, lexicons) add variants
//! without breaking callers that match on it.

use std::path::PathBuf;

/// Result alias with the crate's [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when building an [`Extractor`](crate::Extractor)
/// or extracting from a text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input bytes are not UTF-8. `position` is the byte offset of the
    /// first invalid sequence; `len` its length when known (None: the input
    /// ends in the middle of a character).
    #[error("input is not valid UTF-8: invalid byte sequence at byte {position}")]
    InvalidUtf8 {
        /// Byte offset of the first invalid byte.
        position: usize,
        /// Length of the invalid sequence, if the input did not just end early.
        len: Option<usize>,
    },

    /// The input is larger than the configured limit
    /// ([`ExtractorBuilder::max_input_bytes`](crate::ExtractorBuilder::max_input_bytes)).
    #[error("input is {len} bytes, more than the limit of {limit} bytes")]
    InputTooLarge {
        /// Size of the input in bytes.
        len: usize,
        /// The configured limit.
        limit: usize,
    },

    /// A reference date or date-time could not be parsed.
    #[error("invalid date or date-time {value:?}: {reason}")]
    InvalidDate {
        /// The text that was given.
        value: String,
        /// Why it was rejected.
        reason: String,
    },

    /// A conversion dictionary or configuration is malformed.
    #[error("{file}:{line}: {message}")]
    Dictionary {
        /// The dictionary or configuration file (a built-in name or a path).
        file: String,
        /// 1-based line number; 0 when the problem is not tied to a line.
        line: usize,
        /// What is wrong.
        message: String,
    },

    /// A lexicon file has a malformed line.
    #[error("{file}:{line}: {message}")]
    Lexicon {
        /// The lexicon file.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },

    /// A relation model file is malformed.
    #[error("{file}:{line}: {message}")]
    Model {
        /// The model file.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },

    /// A rule file is malformed: TOML syntax, an unknown field, a bad regex,
    /// an unknown type, a missing capture, a dependency on a later stage ...
    #[error("{file}:{line}:{column}: {}{message}", if rule.is_empty() { String::new() } else { format!("rule {rule:?}: ") })]
    Rules {
        /// The rule file.
        file: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
        /// The rule's id, when the problem is inside a rule.
        rule: String,
        /// What is wrong.
        message: String,
    },

    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// A stage edit of the builder names no stage of the list.
    #[error("stage {name:?}: {message}")]
    Stage {
        /// The name given.
        name: String,
        /// What is wrong.
        message: String,
    },

    /// The optional libopencc backend failed.
    #[error("opencc backend: {0}")]
    Backend(String),
}

impl Error {
    pub(crate) fn from_utf8(e: std::str::Utf8Error) -> Self {
        Error::InvalidUtf8 {
            position: e.valid_up_to(),
            len: e.error_len(),
        }
    }
}
