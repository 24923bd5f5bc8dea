//! What rules cannot say by themselves: Chinese numerals and the calendar
//! arithmetic that turns a time rule's fields into a value.

pub(crate) mod calendars;
pub(crate) mod doc_date;
pub(crate) mod entities;
pub(crate) mod numerals;
pub(crate) mod person_names;
pub(crate) mod relations;
pub(crate) mod times;
