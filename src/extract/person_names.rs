//! Person-name boundaries. jieba often cuts a three-char Chinese name short
//! (`黄振|豊`), glues its last char to the next word (`朱文|仪将`), or takes
//! it for a place or a word (`李孟珊/ns`, `张|建中`). This pass, run after
//! the entity rules, fixes the extent of names from a surname list and the
//! chars around them:
//!
//! - a PERSON of a surname and one given char is completed with the next char
//!   when that char may be part of a given name and begins no word;
//! - right after a person cue (a TITLE entity, or a cue word such as 记者 or
//!   小将) a surname starts a name of one or two given chars, by the same test;
//! - a surname alone before a title (`郑部长`) is a PERSON when the document
//!   names someone in full with that surname.
//!
//! The word lists are data: the `names.*` lists of the word lists
//! (`data/words/names.toml`, which a user's lists may replace).

use std::sync::OnceLock;

use rustc_hash::FxHashSet;

use crate::document::EntityType;
use crate::rules::EntityHit;
use crate::segment::{Token, Tokenizer};
use crate::words::WordLists;

/// The name lists of an extractor's word lists, read once when it is built.
#[derive(Debug, Default)]
pub(crate) struct NameData {
    surnames: FxHashSet<char>,
    compound_surnames: Vec<String>,
    not_a_surname_here: FxHashSet<char>,
    not_in_name: FxHashSet<char>,
    cues: FxHashSet<String>,
    list_marks: Vec<char>,
}

impl NameData {
    /// The `names.*` lists of `words`.
    pub(crate) fn new(words: &WordLists) -> Self {
        let set = |name: &str| words.chars(name).into_iter().collect::<FxHashSet<char>>();
        NameData {
            surnames: words
                .chars("names.surnames")
                .into_iter()
                .chain(words.chars("names.word_initial_surnames"))
                .collect(),
            compound_surnames: words.get("names.compound_surnames").to_vec(),
            not_a_surname_here: set("names.not_a_surname_here"),
            not_in_name: set("names.not_in_name"),
            cues: words.get("names.cues").iter().cloned().collect(),
            list_marks: words.chars("names.list_marks"),
        }
    }
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// What the pass needs to see of the document.
pub(crate) struct NameContext<'a, 't> {
    text: &'a str,
    tokens: &'t [Token<'a>],
    tokenizer: &'a Tokenizer,
    data: &'a NameData,
    /// The ends of the cue words among the tokens, found once: the pass
    /// runs more than once on a document, its tokens stay.
    cue_ends: OnceLock<Vec<usize>>,
}

impl<'a, 't> NameContext<'a, 't> {
    /// The context of a document's text and tokens.
    pub(crate) fn new(
        text: &'a str,
        tokens: &'t [Token<'a>],
        tokenizer: &'a Tokenizer,
        data: &'a NameData,
    ) -> Self {
        NameContext {
            text,
            tokens,
            tokenizer,
            data,
            cue_ends: OnceLock::new(),
        }
    }

    /// Where the tokens that are cue words end, ascending.
    fn cue_ends(&self) -> &[usize] {
        self.cue_ends.get_or_init(|| {
            let cues = &self.data.cues;
            self.tokens
                .iter()
                .filter(|t| cues.contains(t.text))
                .map(|t| t.end())
                .collect()
        })
    }

    /// The token that starts at byte `at`, if one does.
    fn token_at(&self, at: usize) -> Option<&Token<'_>> {
        let i = self.tokens.partition_point(|t| t.start() < at);
        self.tokens.get(i).filter(|t| t.start() == at)
    }

    /// Whether a dictionary word of two or more chars begins at byte `at`
    /// (and lies within the text): the char there belongs to that word, not
    /// to a name before it.
    fn word_begins_at(&self, at: usize) -> bool {
        // words of two to four chars, all Han: the ends after char 2, 3, 4
        let rest = &self.text[at..];
        let mut end = 0;
        for (n, c) in rest.chars().take(4).enumerate() {
            if !is_han(c) {
                return false;
            }
            end += c.len_utf8();
            if n >= 1 && self.tokenizer.has_word(&rest[..end]) {
                return true;
            }
        }
        false
    }

    /// Whether a token is a word of jieba's dictionary of two or more chars
    /// that jieba does not tag as a name (方面, 高度): no person's name.
    fn is_plain_word(&self, t: &Token<'_>) -> bool {
        t.text.chars().nth(1).is_some()
            && !matches!(t.pos.as_str(), "nr" | "nrfg" | "nrt" | "x" | "eng")
            && self.tokenizer.has_word(t.text)
    }

    /// May `c` be a char of a given name?
    fn name_char(&self, c: char) -> bool {
        is_han(c) && !self.data.not_in_name.contains(&c)
    }

    /// The byte length of the surname at `at`, if a surname starts there.
    fn surname_at(&self, at: usize) -> Option<usize> {
        let rest = &self.text[at..];
        let d = self.data;
        if let Some(s) = d
            .compound_surnames
            .iter()
            .find(|s| rest.starts_with(s.as_str()))
        {
            return Some(s.len());
        }
        let c = rest.chars().next()?;
        (d.surnames.contains(&c) && !d.not_a_surname_here.contains(&c)).then(|| c.len_utf8())
    }

    /// The end of a name whose given name starts at `given` (after the
    /// surname): one given char, or two when the second may be one and
    /// begins no word. `starts` says whether an entity begins at a byte.
    fn given_name_end(&self, given: usize, starts: &dyn Fn(usize) -> bool) -> Option<usize> {
        let mut it = self.text[given..].chars();
        let c1 = it.next().filter(|&c| self.name_char(c))?;
        let second = given + c1.len_utf8();
        let Some(c2) = it.next() else {
            return Some(second);
        };
        let third = second + c2.len_utf8();
        if !self.name_char(c2) || starts(second) {
            return Some(second);
        }
        // a name that ends where an entity or punctuation begins is whole
        if starts(third) || self.text[third..].chars().next().is_none_or(|c| !is_han(c)) {
            return Some(third);
        }
        if self.word_begins_at(second) || self.function_char_at(second) {
            return Some(second);
        }
        Some(third)
    }

    /// Whether jieba took the char at `at` alone as a verb, preposition,
    /// adverb, conjunction, pronoun or particle (石齐/nr 有/v 这个): a char it
    /// tagged so beside a name it already found is the next word, not the
    /// name's third char.
    fn function_char_at(&self, at: usize) -> bool {
        self.token_at(at).is_some_and(|t| {
            t.text.chars().nth(1).is_none()
                && matches!(
                    t.pos.as_str(),
                    "v" | "p" | "d" | "c" | "r" | "u" | "uj" | "ul" | "uz" | "ug" | "y"
                )
        })
    }
}

/// Fix the extent of person names in `entities` (see the module docs).
/// `blocked` says whether a byte range may not hold an entity.
pub(crate) fn complete_person_names(
    cx: &NameContext<'_, '_>,
    entities: &mut Vec<EntityHit>,
    blocked: &dyn Fn(usize, usize) -> bool,
) {
    entities.sort_by_key(|e| (e.start, e.end));
    let starts_snapshot: FxHashSet<usize> = entities.iter().map(|e| e.start).collect();
    let starts = |at: usize| starts_snapshot.contains(&at);
    drop_plain_words(cx, entities);
    complete_given_names(cx, entities, blocked, &starts);
    let added = names_after_cues(cx, entities, blocked, &starts);
    entities.extend(added);
    entities.sort_by_key(|e| (e.start, e.end));
    let added = names_listed_before(cx, entities, blocked);
    entities.extend(added);
    entities.sort_by_key(|e| (e.start, e.end));
    let added = surnames_before_titles(cx, entities, blocked);
    entities.extend(added);
    entities.sort_by_key(|e| (e.start, e.end));
}

/// Whether an entity of `es` (sorted by start), other than `skip`, overlaps
/// `s..e`. Entities hardly overlap: the few that start before `e` are the
/// only ones that can reach into `s..e` (a binary search, not a scan: a
/// long text has tens of thousands of entities).
fn covered(es: &[EntityHit], s: usize, e: usize, skip: Option<usize>) -> bool {
    let n = es.partition_point(|x| x.start < e);
    (n.saturating_sub(8)..n).any(|i| Some(i) != skip && s < es[i].end)
}

/// The rule priority from which a person's name stands whatever word it
/// is: the rule files give it to bylines (记者马力: a name, though 马力 is
/// a word), whose context leaves no doubt.
const SURE_PRIORITY: i32 = 15;

/// A "name" that is one dictionary word jieba does not tag as a name
/// (方面 after a title) is none, unless a sure rule found it.
fn drop_plain_words(cx: &NameContext<'_, '_>, entities: &mut Vec<EntityHit>) {
    entities.retain(|x| {
        x.kind != EntityType::Person
            || x.alias
            || x.priority() >= SURE_PRIORITY
            || !cx
                .token_at(x.start)
                .is_some_and(|t| t.end() == x.end && cx.is_plain_word(t))
    });
}

/// A surname + one given char completed with the given name's second char.
fn complete_given_names(
    cx: &NameContext<'_, '_>,
    entities: &mut [EntityHit],
    blocked: &dyn Fn(usize, usize) -> bool,
    starts: &dyn Fn(usize) -> bool,
) {
    for i in 0..entities.len() {
        let x = &entities[i];
        if x.kind != EntityType::Person || x.alias {
            continue;
        }
        let (start, end) = (x.start, x.end);
        let name = &cx.text[start..end];
        if name.chars().count() != 2 {
            continue;
        }
        let Some(sl) = cx.surname_at(start) else {
            continue;
        };
        if sl != name.chars().next().map_or(0, char::len_utf8) {
            continue;
        }
        let Some(full) = cx.given_name_end(start + sl, starts) else {
            continue;
        };
        if full > end && !covered(entities, start, full, Some(i)) && !blocked(start, full) {
            entities[i].end = full;
            entities[i].canonical = cx.text[start..full].to_string();
        }
    }
}

/// Names right after a cue: a title, a cue word, the mark after a listed
/// person (张三与李四, 张三、李四).
fn names_after_cues(
    cx: &NameContext<'_, '_>,
    entities: &[EntityHit],
    blocked: &dyn Fn(usize, usize) -> bool,
    starts: &dyn Fn(usize) -> bool,
) -> Vec<EntityHit> {
    let mut cue_ends: Vec<usize> = entities
        .iter()
        .filter(|e| e.kind == EntityType::Title)
        .map(|e| e.end)
        .collect();
    cue_ends.extend_from_slice(cx.cue_ends());
    for e in entities.iter().filter(|e| e.kind == EntityType::Person) {
        let rest = &cx.text[e.end..];
        if let Some(c) = rest
            .chars()
            .next()
            .filter(|c| cx.data.list_marks.contains(c))
        {
            cue_ends.push(e.end + c.len_utf8());
        }
    }
    cue_ends.sort_unstable();
    cue_ends.dedup();
    let mut added = Vec::new();
    for at in cue_ends {
        if starts(at) {
            continue; // a name (or anything else) already starts there
        }
        let Some(sl) = cx.surname_at(at) else {
            continue;
        };
        // a dictionary word at the surname that is no name (方面, 高度)
        if cx.token_at(at).is_some_and(|t| cx.is_plain_word(t)) {
            continue;
        }
        let Some(end) = cx.given_name_end(at + sl, starts) else {
            continue;
        };
        if covered(entities, at, end, None) || blocked(at, end) {
            continue;
        }
        let name = cx.text[at..end].to_string();
        added.push(EntityHit::by_pass(EntityType::Person, at, end, name));
    }
    added
}

/// A name jieba tags as one, listed right before a person (李四、张三).
fn names_listed_before(
    cx: &NameContext<'_, '_>,
    entities: &[EntityHit],
    blocked: &dyn Fn(usize, usize) -> bool,
) -> Vec<EntityHit> {
    let mut added = Vec::new();
    for e in entities.iter().filter(|e| e.kind == EntityType::Person) {
        let Some(mark) = cx.text[..e.start].chars().next_back() else {
            continue;
        };
        if !cx.data.list_marks.contains(&mark) {
            continue;
        }
        let at = e.start - mark.len_utf8();
        let i = cx.tokens.partition_point(|t| t.end() < at);
        let Some(t) = cx.tokens.get(i).filter(|t| t.end() == at) else {
            continue;
        };
        let n = t.text.chars().count();
        if matches!(t.pos.as_str(), "nr" | "nrfg")
            && (2..=4).contains(&n)
            && cx.surname_at(t.start()).is_some()
            && !covered(entities, t.start(), t.end(), None)
            && !blocked(t.start(), t.end())
        {
            added.push(EntityHit::by_pass(
                EntityType::Person,
                t.start(),
                t.end(),
                t.text.to_string(),
            ));
        }
    }
    added
}

/// A surname alone before a title, of someone named in full.
fn surnames_before_titles(
    cx: &NameContext<'_, '_>,
    entities: &[EntityHit],
    blocked: &dyn Fn(usize, usize) -> bool,
) -> Vec<EntityHit> {
    let full_surnames: FxHashSet<char> = entities
        .iter()
        .filter(|e| e.kind == EntityType::Person)
        .filter(|e| (2..=3).contains(&cx.text[e.start..e.end].chars().count()))
        .filter_map(|e| cx.text[e.start..e.end].chars().next())
        .collect();
    let mut added = Vec::new();
    for t in entities.iter().filter(|e| e.kind == EntityType::Title) {
        let Some(c) = cx.text[..t.start].chars().next_back() else {
            continue;
        };
        let s = t.start - c.len_utf8();
        // (和主管, 于总统: a function word first of all, no surname there)
        if !full_surnames.contains(&c) || cx.data.not_a_surname_here.contains(&c) {
            continue;
        }
        // the surname stands alone: nothing Han before it that could make it
        // part of a word or name
        let before = cx.text[..s].chars().next_back();
        let alone = before.is_none_or(|b| !is_han(b) || cx.data.not_in_name.contains(&b));
        if alone && !covered(entities, s, t.start, None) && !blocked(s, t.start) {
            added.push(EntityHit::by_pass(
                EntityType::Person,
                s,
                t.start,
                c.to_string(),
            ));
        }
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_word_lists_have_every_name_list() {
        let d = NameData::new(WordLists::builtin());
        assert!(d.surnames.len() > 300);
        assert!(d.compound_surnames.iter().any(|s| s == "欧阳"));
        assert!(d.not_in_name.contains(&'的'));
        assert!(d.not_a_surname_here.contains(&'和'));
        assert!(d.cues.contains("记者"));
        assert_eq!(d.list_marks, ['、', '与', '和', '及']);
    }
}
