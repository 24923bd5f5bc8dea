//! A time rule's output, compiled: which fields the value takes from where
//! (numbers, captures, offsets from the reference), its kind, unit, period,
//! calendar and anaphora. Pure data, the contract between the rule engine,
//! which compiles it from a rule file and reports the captures of each
//! match, and the time stage (`src/time/`), which resolves it against the
//! reference with calendar arithmetic.

use crate::document::{Grain, TimeKind, TimeMod};

/// Words a capture may hold, with their numbers (上 -1, 日 7), checked
/// before the capture is read as a numeral.
pub(crate) type WordMap = std::sync::Arc<Vec<(String, i64)>>;

/// Where a field's number comes from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Field {
    /// A fixed number.
    Abs(i64),
    /// A capture's text, read through the word map, else as a numeral.
    Cap(String, Option<WordMap>),
    /// A capture's numeral (negated when the flag is set) plus a fixed
    /// number (民国111年: 111 + 1911; 公元前221年: -221 + 1 = -220).
    CapAdd(String, i64, bool),
    /// The reference's value plus this.
    Off(i64),
    /// The reference's value plus (or minus) a capture's number.
    OffCap(String, bool, Option<WordMap>),
    /// The first of these whose capture took part in the match (decided
    /// when the spec is pruned).
    First(Vec<Field>),
}

/// TIMEX3 part of day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PartOfDay {
    /// 上午: 06-12
    Morning,
    /// 早上, 早晨: from 04 (Duckling's morning), also coded MO
    EarlyMorning,
    Afternoon,
    Evening,
    Night,
}

impl PartOfDay {
    /// A TIMEX3 code (MO, AF, EV, NI), an am/pm mark, or a word of the
    /// built-in list `time_parts_of_day.words` (`data/words/words.toml`): what
    /// a rule file's `part_of_day` may say.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Self::parse_in(s, crate::words::WordLists::builtin())
    }

    /// A TIMEX3 code, an am/pm mark, or a word of the list
    /// `time_parts_of_day.words` of `words` (a user's lists, where the
    /// extractor was given some).
    pub(crate) fn parse_in(s: &str, words: &crate::words::WordLists) -> Option<Self> {
        Self::from_code(s).or_else(|| {
            words
                .get("time_parts_of_day.words")
                .iter()
                .filter_map(|e| e.split_once(':'))
                .find(|(w, _)| *w == s)
                .and_then(|(_, code)| Self::from_code(code))
        })
    }

    /// A TIMEX3 code, an am/pm mark, or `early` (the code of the word list).
    fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "MO" | "am" | "AM" | "a" | "A" => PartOfDay::Morning,
            "AF" | "pm" | "PM" | "p" | "P" => PartOfDay::Afternoon,
            "EV" => PartOfDay::Evening,
            "NI" => PartOfDay::Night,
            "early" => PartOfDay::EarlyMorning,
            _ => return None,
        })
    }

    pub(crate) fn code(self) -> &'static str {
        match self {
            PartOfDay::Morning | PartOfDay::EarlyMorning => "MO",
            PartOfDay::Afternoon => "AF",
            PartOfDay::Evening => "EV",
            PartOfDay::Night => "NI",
        }
    }

    pub(crate) fn hours(self) -> (i8, i8) {
        match self {
            PartOfDay::Morning => (6, 12),
            PartOfDay::EarlyMorning => (4, 12),
            PartOfDay::Afternoon => (12, 18),
            PartOfDay::Evening => (18, 24),
            PartOfDay::Night => (0, 6),
        }
    }
}

/// Part of day: fixed, or read from a capture.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PodSource {
    Fixed(PartOfDay),
    Cap(String),
}

/// A compiled time output.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct TimeSpec {
    pub(crate) kind: Option<TimeKind>,
    pub(crate) year: Option<Field>,
    pub(crate) quarter: Option<Field>,
    pub(crate) month: Option<Field>,
    pub(crate) week: Option<Field>,
    pub(crate) weekday: Option<Field>,
    pub(crate) day: Option<Field>,
    pub(crate) hour: Option<Field>,
    pub(crate) minute: Option<Field>,
    pub(crate) second: Option<Field>,
    pub(crate) part_of_day: Option<PodSource>,
    pub(crate) amount: Option<Field>,
    pub(crate) unit: Option<Grain>,
    /// Half a unit more than `amount`.
    pub(crate) half: bool,
    pub(crate) period: Option<String>,
    pub(crate) modifier: Option<TimeMod>,
    pub(crate) from: Option<Box<TimeSpec>>,
    pub(crate) to: Option<Box<TimeSpec>>,
    /// The n-th `weekday` of the month.
    pub(crate) nth: Option<Field>,
    /// The calendar month and day are counted in (gregorian when None).
    pub(crate) calendar: Option<Calendar>,
    /// Days added to the resolved date.
    pub(crate) shift: Option<i64>,
    /// A holiday lasting this many days.
    pub(crate) span_days: Option<i64>,
    /// 当时/当年: filled from the antecedent after all rules ran.
    pub(crate) anaphora: Option<Anaphora>,
}

/// What an anaphoric time takes from its antecedent. Rule files name it
/// in snake case (`next_day`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Anaphora {
    /// 当时: the antecedent's value as it is.
    Same,
    /// 当年: the antecedent's year.
    Year,
    /// 该季度: the antecedent's quarter.
    Quarter,
    /// 当天, 同日: the antecedent's day (the reference's without one).
    Day,
    /// 次日, 翌日: the day after the antecedent's.
    NextDay,
}

/// A calendar a holiday's month and day are counted in. Rule files name it
/// in snake case (`orthodox_easter`; `lunar` is `chinese`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Calendar {
    /// The civil calendar: month and day as written.
    Gregorian,
    /// Chinese lunisolar: 正月初一 is month 1, day 1 (leap months skipped).
    #[serde(alias = "lunar")]
    Chinese,
    /// Western Easter Sunday; month and day are ignored.
    Easter,
    /// Orthodox Easter Sunday (Julian computus), as a civil date.
    OrthodoxEaster,
    /// Hebrew: Nisan is month 1, Tishri month 7, Adar (II in leap years) 12.
    Hebrew,
    /// Islamic, Umm al-Qura: Muharram is month 1.
    Islamic,
}
