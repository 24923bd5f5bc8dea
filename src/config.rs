//! Options that stages below the extractor read: kept here, under every
//! stage, so that the rule engine and the time resolver need not import the
//! extractor that configures them.

use std::str::FromStr;

use jiff::civil::{Date, DateTime, Time};

use crate::error::{Error, Result};

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

/// The instant relative times are resolved against.
///
/// ```
/// use zhextract::Reference;
/// let r: Reference = "2022-10-21".parse().unwrap();
/// assert!(r.date_only);
/// let r: Reference = "2013-02-12T04:30:00-02:00".parse().unwrap();
/// assert_eq!(r.datetime.to_string(), "2013-02-12T04:30:00");
/// assert!("2022-02-30".parse::<Reference>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Wall-clock date and time (midnight for a date-only reference).
    pub datetime: DateTime,
    /// Only the date was known.
    pub date_only: bool,
}

impl Reference {
    /// A date-only reference.
    pub fn date(date: Date) -> Self {
        Self {
            datetime: date.to_datetime(Time::midnight()),
            date_only: true,
        }
    }

    /// A reference with a time of day.
    pub fn datetime(datetime: DateTime) -> Self {
        Self {
            datetime,
            date_only: false,
        }
    }
}

impl FromStr for Reference {
    type Err = Error;

    /// `YYYY-MM-DD`, `YYYY/MM/DD`, optionally followed by `T` or a space and
    /// `HH:MM[:SS[.fff]]`; a trailing UTC offset or `Z` is ignored (wall clock).
    fn from_str(s: &str) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidDate {
            value: s.to_string(),
            reason: reason.to_string(),
        };
        let t = s.trim();
        let (date_part, time_part) = match t.find(['T', ' ']) {
            Some(i) => (&t[..i], Some(t[i + 1..].trim())),
            None => (t, None),
        };
        let nums: Vec<&str> = date_part.split(['-', '/']).collect();
        let [y, m, d] = nums.as_slice() else {
            return Err(bad("expected YYYY-MM-DD"));
        };
        let num = |x: &str, what: &str| {
            x.parse::<i16>()
                .map_err(|_| bad(&format!("bad {what} {x:?}")))
        };
        let (y, m, d) = (num(y, "year")?, num(m, "month")?, num(d, "day")?);
        let date = Date::new(y, m as i8, d as i8).map_err(|e| bad(&e.to_string()))?;
        let Some(time_part) = time_part else {
            return Ok(Reference::date(date));
        };
        // drop a zone: 'Z', '+hh:mm', '-hh:mm', '[Area/City]'
        let cut = time_part
            .find(['Z', 'z', '+', '-', '['])
            .unwrap_or(time_part.len());
        let clock = &time_part[..cut];
        let parts: Vec<&str> = clock.split(':').collect();
        if parts.len() < 2 || parts.len() > 3 {
            return Err(bad("expected HH:MM or HH:MM:SS after the date"));
        }
        let h = num(parts[0], "hour")?;
        let mi = num(parts[1], "minute")?;
        let sec = match parts.get(2) {
            Some(x) => num(x.split(['.', ',']).next().unwrap_or(x), "second")?,
            None => 0,
        };
        let time = Time::new(h as i8, mi as i8, sec as i8, 0).map_err(|e| bad(&e.to_string()))?;
        Ok(Reference::datetime(date.to_datetime(time)))
    }
}
