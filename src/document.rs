//! The typed result of an extraction and its JSON contract.
//!
//! Field names and value spellings follow `OUTPUT.md` (the scorers read
//! them), and a test in `tests/contract.rs` pins the JSON shape. Every span
//! points into the ORIGINAL input given to [`Extractor::extract`]
//! (crate::Extractor::extract): `start`/`end` are byte offsets and
//! `char_start`/`char_end` char (Unicode scalar) offsets, end exclusive.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A span of the original input: byte offsets and char offsets, end exclusive.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Char offset of the first char.
    pub char_start: usize,
    /// Char offset one past the last char.
    pub char_end: usize,
}

impl Span {
    /// The surface text of this span in `input`, or `None` when the span does
    /// not belong to that input.
    pub fn text<'a>(&self, input: &'a str) -> Option<&'a str> {
        input.get(self.start..self.end)
    }
}

/// Where the reference date came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocDateSource {
    /// Given by the caller (`--doc-date`, the builder, or a JSON Lines field).
    Given,
    /// Found in the text.
    Detected,
    /// No reference: relative times stay unresolved.
    #[default]
    None,
}

/// One article's extraction result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Echoed from JSON Lines input; the file path for file input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The date relative times were resolved against.
    pub doc_date: Option<Date>,
    /// The full reference instant when known (date-only references use midnight).
    pub reference: Option<DateTime>,
    /// Where `doc_date` came from.
    pub doc_date_source: DocDateSource,
    /// The input with pinyin annotations removed, converted to Simplified;
    /// present when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simplified: Option<String>,
    /// Named entities and amounts.
    pub entities: Vec<Entity>,
    /// Time expressions.
    pub times: Vec<TimeExpr>,
    /// Relation triples.
    pub triples: Vec<Triple>,
    /// Things noticed about the input itself (annotations removed, garbled runs).
    pub diagnostics: Vec<Diagnostic>,
    /// Tokens with part-of-speech tags; present when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<Vec<Token>>,
}

/// Entity type. Serialized in upper case (`"ORG"`); types a user's rules
/// invent are kept as [`EntityType::Other`] and serialized as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EntityType {
    /// People, bylines, pen names.
    Person,
    /// Companies, government bodies, media, exchanges.
    Org,
    /// Countries, regions, cities, districts, venues.
    Location,
    /// Apps, platforms, services, models, brands used as brands.
    Product,
    /// Named events.
    Event,
    /// The job title of a specific person.
    Title,
    /// An amount with its currency.
    Money,
    /// A percentage or 成 ratio.
    Percent,
    /// A web address.
    Url,
    /// An e-mail address.
    Email,
    /// Any other type a rule file names.
    Other(String),
}

impl EntityType {
    /// The built-in types with their contract names: the one place the
    /// names are written (serialization, parsing and the rule files' checks
    /// read them here).
    pub(crate) const NAMED: [(&'static str, EntityType); 10] = [
        ("PERSON", EntityType::Person),
        ("ORG", EntityType::Org),
        ("LOCATION", EntityType::Location),
        ("PRODUCT", EntityType::Product),
        ("EVENT", EntityType::Event),
        ("TITLE", EntityType::Title),
        ("MONEY", EntityType::Money),
        ("PERCENT", EntityType::Percent),
        ("URL", EntityType::Url),
        ("EMAIL", EntityType::Email),
    ];

    /// The contract spelling (`"ORG"`, `"PERSON"`, ...).
    pub fn as_str(&self) -> &str {
        if let EntityType::Other(s) = self {
            return s;
        }
        Self::NAMED
            .iter()
            .find(|(_, t)| t == self)
            .map_or("", |(n, _)| n)
    }

    /// Whether `name` is the contract name of a built-in type.
    pub(crate) fn is_builtin_name(name: &str) -> bool {
        Self::NAMED.iter().any(|(n, _)| *n == name)
    }

    /// The contract names of the built-in types, for messages.
    pub(crate) fn builtin_names() -> String {
        Self::NAMED.map(|(n, _)| n).join(", ")
    }
}

impl FromStr for EntityType {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::NAMED
            .iter()
            .find(|(n, _)| *n == s)
            .map_or_else(|| EntityType::Other(s.to_string()), |(_, t)| t.clone()))
    }
}

/// Relation kind of a [`Triple`]. Serialized in snake case; rule-defined
/// predicates as `other:<verb>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Predicate {
    /// Subject and object work together.
    Cooperate,
    /// Subject holds shares of object.
    OwnStake,
    /// Subject belongs to object.
    SubsidiaryOf,
    /// Subject operates object (a product).
    Operate,
    /// Subject launches object.
    Launch,
    /// Subject acquires object.
    Acquire,
    /// Subject invests in object.
    Invest,
    /// Person subject holds a title at org object.
    Role,
    /// Subject is located in object.
    LocatedIn,
    /// Subject supports or accepts object.
    Support,
    /// Subject competes with object.
    Compete,
    /// Subject holds event object.
    HoldEvent,
    /// Subject's benefit can be exchanged at object.
    PartnerExchange,
    /// `other:<verb>`: the string after `other:`.
    Other(String),
}

impl Predicate {
    const NAMED: [(&'static str, Predicate); 13] = [
        ("cooperate", Predicate::Cooperate),
        ("own_stake", Predicate::OwnStake),
        ("subsidiary_of", Predicate::SubsidiaryOf),
        ("operate", Predicate::Operate),
        ("launch", Predicate::Launch),
        ("acquire", Predicate::Acquire),
        ("invest", Predicate::Invest),
        ("role", Predicate::Role),
        ("located_in", Predicate::LocatedIn),
        ("support", Predicate::Support),
        ("compete", Predicate::Compete),
        ("hold_event", Predicate::HoldEvent),
        ("partner_exchange", Predicate::PartnerExchange),
    ];
}

impl fmt::Display for Predicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Predicate::Other(verb) = self {
            return write!(f, "other:{verb}");
        }
        let name = Self::NAMED
            .iter()
            .find(|(_, p)| p == self)
            .map_or("other", |(n, _)| n);
        f.write_str(name)
    }
}

impl FromStr for Predicate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(verb) = s.strip_prefix("other:") {
            if verb.is_empty() {
                return Err("`other:` needs a verb after the colon".into());
            }
            return Ok(Predicate::Other(verb.to_string()));
        }
        Self::NAMED
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| format!("unknown predicate {s:?}"))
    }
}

macro_rules! string_serde {
    ($t:ty, $to:expr) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let f: fn(&$t) -> String = $to;
                s.serialize_str(&f(self))
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
string_serde!(EntityType, |t| t.as_str().to_string());
string_serde!(Predicate, |p| p.to_string());

/// A named entity or amount found in the text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Surface text, exactly `input[start..end]`.
    pub text: String,
    /// Simplified, annotation-free form.
    pub normalized: String,
    /// Alias-resolved name.
    pub canonical: String,
    /// Entity type.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Where it is in the original input.
    #[serde(flatten)]
    pub span: Span,
    /// Which mechanism produced it: `lexicon`, `rule:<id>`, ...
    pub source: String,
}

/// What sort of time expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeKind {
    /// A calendar date, month, year, quarter or a date interval.
    Date,
    /// A timestamp or a day with a part of day.
    Datetime,
    /// A time of day without a date.
    Time,
    /// A range between two points.
    Interval,
    /// A length of time (`P8Y`).
    Duration,
    /// A recurrence (`每年`).
    Set,
    /// A vague reference (`近日`).
    Fuzzy,
}

impl TimeKind {
    /// The contract spelling (`"date"`, `"interval"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            TimeKind::Date => "date",
            TimeKind::Datetime => "datetime",
            TimeKind::Time => "time",
            TimeKind::Interval => "interval",
            TimeKind::Duration => "duration",
            TimeKind::Set => "set",
            TimeKind::Fuzzy => "fuzzy",
        }
    }
}

/// The unit a time value is given at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grain {
    /// Year.
    Year,
    /// Quarter.
    Quarter,
    /// Month.
    Month,
    /// ISO week.
    Week,
    /// Day.
    Day,
    /// Hour.
    Hour,
    /// Minute.
    Minute,
    /// Second.
    Second,
}

/// `START` / `MID` / `END` of a period (年初, 年中, 年底).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimeMod {
    /// Beginning of the period.
    Start,
    /// Middle of the period.
    Mid,
    /// End of the period.
    End,
}

impl TimeMod {
    /// The contract's name: `START`, `MID` or `END`.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeMod::Start => "START",
            TimeMod::Mid => "MID",
            TimeMod::End => "END",
        }
    }
}

/// The half-open wall-clock range a time expression denotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    /// First instant.
    pub from: DateTime,
    /// The instant after the last.
    pub to: DateTime,
}

/// A time expression and its resolved value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeExpr {
    /// Surface text, exactly `input[start..end]`.
    pub text: String,
    /// Kind of expression.
    pub kind: TimeKind,
    /// ISO 8601 value at the expression's grain; `None` for fuzzy or unresolvable.
    pub value: Option<String>,
    /// Grain of `value`.
    pub grain: Option<Grain>,
    /// Half-open range; `None` for durations, sets, fuzzy.
    pub range: Option<TimeRange>,
    /// Resolved against the reference date.
    pub relative: bool,
    /// Start / middle / end of the period.
    #[serde(rename = "mod")]
    pub modifier: Option<TimeMod>,
    /// Where it is in the original input.
    #[serde(flatten)]
    pub span: Span,
}

/// An entity mention as a triple's subject or object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// Surface text, exactly `input[start..end]`.
    pub text: String,
    /// Simplified, annotation-free form.
    pub normalized: String,
    /// Alias-resolved name.
    pub canonical: String,
    /// Entity type.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Where it is in the original input.
    #[serde(flatten)]
    pub span: Span,
}

/// A relation: subject --predicate--> object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Triple {
    /// Who or what the relation is about.
    pub subject: Mention,
    /// Relation kind.
    pub predicate: Predicate,
    /// Trigger words as they read in Simplified (for `role`, the title).
    pub verb: String,
    /// The other party.
    pub object: Mention,
    /// An amount the relation carries (a stake's share), when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The text denies it (未, 没有, 否认 ...).
    pub negated: bool,
    /// The text speculates (可能, 或将, 传闻 ...).
    pub hedged: bool,
    /// The evidence sentence.
    pub sentence: Span,
    /// Id of the rule that produced it.
    pub rule: String,
}

/// What a diagnostic reports.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// A parenthesised pinyin syllable inserted after a character, removed
    /// from the text later stages see.
    PinyinAnnotation,
    /// A run of mojibake; nothing is extracted from inside it.
    GarbledText,
    /// A byte order mark at the start of the input, ignored.
    ByteOrderMark,
}

/// Something noticed about the input itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// What it is.
    pub kind: DiagnosticKind,
    /// Where it is in the original input.
    #[serde(flatten)]
    pub span: Span,
    /// Human-readable detail.
    pub message: String,
}

/// A token of the segmented text, mapped back to the original input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    /// Surface text, exactly `input[start..end]`.
    pub text: String,
    /// Part-of-speech tag (jieba's tag set).
    pub pos: String,
    /// Where it is in the original input.
    #[serde(flatten)]
    pub span: Span,
}
