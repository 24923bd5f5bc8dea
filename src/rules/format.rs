//! The rule file schema (TOML, unknown fields rejected). `docs/RULES.md`
//! documents it for users; this file is the source of truth.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// A whole rule file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    /// Named pattern elements, used as `{ macro = "name" }`.
    #[serde(default)]
    pub(crate) macros: BTreeMap<String, Spanned<ElemDef>>,
    /// Named regex fragments, written `{{name}}` inside any regex of the file.
    #[serde(default)]
    pub(crate) fragments: BTreeMap<String, FragmentDef>,
    /// Defaults for the rules of this file.
    #[serde(default)]
    pub(crate) defaults: Defaults,
    #[serde(default, rename = "rule")]
    pub(crate) rules: Vec<Spanned<RuleDef>>,
    #[serde(default, rename = "test")]
    pub(crate) tests: Vec<Spanned<TestDef>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Defaults {
    #[serde(default)]
    pub(crate) stage: Option<u32>,
    #[serde(default)]
    pub(crate) negation: Vec<String>,
    #[serde(default)]
    pub(crate) hedging: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RuleKind {
    Entity,
    Time,
    Relation,
    Veto,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleDef {
    pub(crate) id: String,
    pub(crate) kind: RuleKind,
    #[serde(default)]
    pub(crate) stage: Option<u32>,
    #[serde(default)]
    pub(crate) priority: i32,
    /// Token pattern.
    #[serde(default)]
    pub(crate) pattern: Option<Vec<ElemDef>>,
    /// Character-level regex over the sentence text.
    #[serde(default)]
    pub(crate) regex: Option<String>,
    #[serde(default)]
    pub(crate) entity: Option<EntityOut>,
    #[serde(default)]
    pub(crate) time: Option<TimeOut>,
    #[serde(default)]
    pub(crate) relation: Option<RelationOut>,
    #[serde(default)]
    pub(crate) veto: Option<VetoOut>,
    /// Negation cue words (replace the file's defaults).
    #[serde(default)]
    pub(crate) negation: Option<Vec<String>>,
    /// Hedging cue words (replace the file's defaults).
    #[serde(default)]
    pub(crate) hedging: Option<Vec<String>>,
}

/// One token-pattern element: conditions on one item, or a skip, or a
/// choice of sub-sequences, with a repeat count and a capture name.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct ElemDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) words: Option<Vec<String>>,
    /// A named word list of the registry (`data/words/`, a user's word
    /// lists): the item's text is on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) list: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) regex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) pos: Option<OneOrMany>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) lexicon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) entity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "macro")]
    pub(crate) macro_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) any: Option<Vec<Vec<ElemDef>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) not: Option<Box<ElemDef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) skip: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) optional: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) repeat: Option<[u32; 2]>,
    /// `end = true`: the sentence ends here (no item is taken).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) end: bool,
}

/// A regex fragment: regex source, or the words of named word lists as an
/// alternation (`{ lists = ["names.compound_surnames", "names.surnames"] }`:
/// the words of the first list, then the second's, each escaped).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub(crate) enum FragmentDef {
    Regex(String),
    Lists { lists: Vec<String> },
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub(crate) fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EntityOut {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    /// Capture holding the entity (default: the whole match).
    #[serde(default)]
    pub(crate) capture: Option<String>,
    /// `lexicon` (default: the lexicon's canonical, else the text), `text`,
    /// or a literal canonical name.
    #[serde(default)]
    pub(crate) canonical: Option<String>,
    /// Retype each entity of an earlier stage inside the capture, instead
    /// of making the capture one entity (lists: 拼多多、京东等平台).
    #[serde(default)]
    pub(crate) each: bool,
}

/// A number or a capture (`"$name"`) feeding a time field, or an offset
/// from the reference (`{ offset = -1 }`, `{ offset = "$n", negate = true }`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub(crate) enum FieldDef {
    Int(i64),
    Capture(String),
    Offset {
        offset: IntOrCapture,
        #[serde(default)]
        negate: bool,
        /// Words a captured offset may be (`{ "上" = -1, "下" = 1 }`).
        #[serde(default)]
        map: BTreeMap<String, i64>,
    },
    /// The first of several sources whose capture took part in the match
    /// (`{ any = ["$y", { offset = "$yr", map = { "去年" = -1 } }] }`).
    Any {
        any: Vec<FieldDef>,
    },
    /// A capture read through a word table first (`{ value = "$wd", map = { "日" = 7 } }`).
    Value {
        value: String,
        #[serde(default)]
        map: BTreeMap<String, i64>,
        /// Added to the numeral (民国 years: 1911).
        #[serde(default)]
        add: i64,
        /// The numeral counts backwards (公元前 years), before `add`.
        #[serde(default)]
        negate: bool,
    },
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub(crate) enum IntOrCapture {
    Int(i64),
    Capture(String),
}

fn date_kind() -> String {
    "date".to_string()
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TimeOut {
    /// date (default) | datetime | time | duration | set | fuzzy | interval
    #[serde(default = "date_kind")]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) capture: Option<String>,
    #[serde(default)]
    pub(crate) year: Option<FieldDef>,
    #[serde(default)]
    pub(crate) quarter: Option<FieldDef>,
    #[serde(default)]
    pub(crate) month: Option<FieldDef>,
    #[serde(default)]
    pub(crate) week: Option<FieldDef>,
    #[serde(default)]
    pub(crate) weekday: Option<FieldDef>,
    #[serde(default)]
    pub(crate) day: Option<FieldDef>,
    #[serde(default)]
    pub(crate) hour: Option<FieldDef>,
    #[serde(default)]
    pub(crate) minute: Option<FieldDef>,
    #[serde(default)]
    pub(crate) second: Option<FieldDef>,
    /// MO | AF | EV | NI (TIMEX3 parts of day), or a capture giving 上午/下午/晚上/凌晨.
    #[serde(default)]
    pub(crate) part_of_day: Option<String>,
    /// Duration amount (`"X"` for an unknown count) and unit.
    #[serde(default)]
    pub(crate) amount: Option<FieldDef>,
    #[serde(default)]
    pub(crate) unit: Option<String>,
    /// Half a unit more than `amount` (一年半, 一个半小时, 半年 with amount 0).
    #[serde(default)]
    pub(crate) half: bool,
    /// Set period, as written in the value (`P1Y`, `XXXX-WXX-3`); `$name`
    /// stands for a capture's number (`XXXX-XX-$d`).
    #[serde(default)]
    pub(crate) period: Option<String>,
    /// START | MID | END
    #[serde(default, rename = "mod")]
    pub(crate) modifier: Option<String>,
    /// The n-th `weekday` of the month (十月第一个星期一).
    #[serde(default)]
    pub(crate) nth: Option<FieldDef>,
    /// The calendar month and day are counted in: gregorian (default),
    /// chinese, easter, orthodox_easter, hebrew, islamic.
    #[serde(default)]
    pub(crate) calendar: Option<String>,
    /// Days added to the date (复活节星期一: easter, shift 1).
    #[serde(default)]
    pub(crate) shift: Option<i64>,
    /// A holiday lasting this many days: an interval from the date.
    #[serde(default)]
    pub(crate) days: Option<i64>,
    /// `same` (当时), `year` (当年), `quarter` (该季度), `day` (当天, 同日) or
    /// `next_day` (次日, 翌日): the value comes from the time before.
    #[serde(default)]
    pub(crate) anaphora: Option<String>,
    /// Interval ends, each a time of its own.
    #[serde(default)]
    pub(crate) from: Option<Box<TimeOut>>,
    #[serde(default)]
    pub(crate) to: Option<Box<TimeOut>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RelationOut {
    pub(crate) predicate: String,
    pub(crate) subject: String,
    pub(crate) object: String,
    /// A capture holding the trigger words, or the words themselves.
    #[serde(default)]
    pub(crate) verb: Option<String>,
    /// A capture holding an amount (a stake's share).
    #[serde(default)]
    pub(crate) value: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VetoOut {
    /// Capture whose span is vetoed (default: the whole match).
    #[serde(default)]
    pub(crate) capture: Option<String>,
    /// What is suppressed there: `time`, `entity`, or both (default).
    #[serde(default)]
    pub(crate) kinds: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TestDef {
    pub(crate) text: String,
    #[serde(default)]
    pub(crate) reference: Option<String>,
    #[serde(default)]
    pub(crate) entities: Vec<ExpEntity>,
    /// Entities the case must not give (what a veto keeps out).
    #[serde(default)]
    pub(crate) not_entities: Vec<ExpEntity>,
    #[serde(default)]
    pub(crate) times: Vec<ExpTime>,
    #[serde(default)]
    pub(crate) triples: Vec<ExpTriple>,
    /// Triples the case must not give (a predicate another rule's words
    /// rule out).
    #[serde(default)]
    pub(crate) not_triples: Vec<ExpTriple>,
    /// Nothing beyond the expected items may be found (of each kind listed).
    #[serde(default)]
    pub(crate) exact: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExpEntity {
    pub(crate) text: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) canonical: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExpTime {
    pub(crate) text: String,
    #[serde(default)]
    pub(crate) value: Option<String>,
    #[serde(default)]
    pub(crate) kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExpTriple {
    pub(crate) subject: String,
    pub(crate) predicate: String,
    pub(crate) object: String,
    #[serde(default)]
    pub(crate) negated: Option<bool>,
    #[serde(default)]
    pub(crate) hedged: Option<bool>,
    /// The share or amount the triple carries (`value`), if the test says.
    #[serde(default)]
    pub(crate) value: Option<String>,
}
