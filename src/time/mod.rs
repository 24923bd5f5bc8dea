//! Time values: Chinese numerals, the calendars holidays are counted in, the
//! resolution of a time rule's fields against the reference (jiff's calendar
//! arithmetic, the bias, anaphora), and the document's own date. The rule
//! engine compiles time outputs into [`resolve::TimeSpec`]s; nothing here
//! knows the engine.

pub(crate) mod calendars;
pub(crate) mod doc_date;
pub(crate) mod numerals;
pub(crate) mod resolve;
