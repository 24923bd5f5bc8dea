//! Time values: Chinese numerals, the calendars holidays are counted in, the
//! resolution of a time rule's fields against the reference (jiff's calendar
//! arithmetic, the bias, anaphora), and the document's own date. The rule
//! engine compiles time outputs into [`resolve::TimeSpec`]s; nothing here
//! knows the engine.
//!
//! `resolve.rs` the fields to a value; `dates.rs` the date they name (a
//! holiday, the nth weekday, a week, calendar fields); `clock.rs` clock times and the day
//! the bias picks; `durations.rs` ISO durations and set periods;
//! `anaphora.rs` 当时, 当年, 次日 from the time before them; `calendars.rs`
//! holidays; `numerals.rs`; `doc_date.rs`.

pub(crate) mod anaphora;
pub(crate) mod calendars;
mod clock;
mod dates;
pub(crate) mod doc_date;
mod durations;
pub(crate) mod numerals;
pub(crate) mod resolve;
