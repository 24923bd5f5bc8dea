//! Options that stages below the extractor read: kept here, under every
//! stage, so that the rule engine and the time resolver need not import the
//! extractor that configures them.

use std::str::FromStr;

/// How a bare month or weekday is resolved against the reference.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TimeBias {
    /// The most recent one not after the reference (news default).
    #[default]
    Past,
    /// The next one (Duckling's convention).
    Future,
    /// Whichever is closer.
    Nearest,
}

impl FromStr for TimeBias {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "past" => Ok(TimeBias::Past),
            "future" => Ok(TimeBias::Future),
            "nearest" => Ok(TimeBias::Nearest),
            _ => Err(format!("unknown time bias {s:?} (past, future, nearest)")),
        }
    }
}
