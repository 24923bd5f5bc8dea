//! Compiled token patterns and the backtracking matcher that runs them over
//! the items of one sentence (tokens, with earlier stages' entities and times
//! standing in for the tokens they cover).

use regex::Regex;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::document::{EntityType, TimeKind};
use crate::lexicon::LexEntry;
use crate::segment::Tag;

pub(crate) use super::start_index::StartIndex;
use super::start_index::{entity_slot, StartKey};

/// One unit a pattern element looks at.
#[derive(Clone, Debug)]
pub(crate) struct Item<'t> {
    pub(crate) text: &'t str,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) pos: Tag,
    /// Index into the stage's entity list, and its type.
    pub(crate) entity: Option<(usize, EntityType)>,
    /// Index into the stage's time list, and its kind.
    pub(crate) time: Option<(usize, TimeKind)>,
    pub(crate) lex: Option<&'t LexEntry>,
    /// The text's number in the rules' [`Vocab`] ([`Vocab::NONE`]: a word
    /// no condition names).
    pub(crate) word: u32,
    /// The answers of the item regexes tried on it so far.
    pub(crate) regex_memo: RegexMemo,
}

/// What the first 128 item regexes (by [`ItemRegex`] slot) said of one
/// item: the patterns of a sentence ask the same regex of the same item
/// again and again (macros repeat conditions across rules, backtracking
/// revisits items), and a regex search on a two-char word costs hundreds of
/// instructions where a bit test costs a few.
#[derive(Clone, Debug, Default)]
pub(crate) struct RegexMemo {
    asked: std::cell::Cell<u128>,
    matched: std::cell::Cell<u128>,
}

impl RegexMemo {
    /// The remembered answer of `slot` on `text`, or `compute`d now and kept.
    fn answer(&self, slot: Option<u8>, compute: impl FnOnce() -> bool) -> bool {
        let Some(slot) = slot else {
            return compute();
        };
        let bit = 1u128 << slot;
        if self.asked.get() & bit != 0 {
            return self.matched.get() & bit != 0;
        }
        let m = compute();
        self.asked.set(self.asked.get() | bit);
        if m {
            self.matched.set(self.matched.get() | bit);
        }
        m
    }
}

impl<'t> Item<'t> {
    /// A plain token as an item.
    pub(crate) fn token(
        t: &crate::segment::Token<'t>,
        lex: Option<&'t LexEntry>,
        word: u32,
    ) -> Self {
        Item {
            text: t.text,
            start: t.start(),
            end: t.end(),
            pos: t.pos,
            entity: None,
            time: None,
            lex,
            word,
            regex_memo: RegexMemo::default(),
        }
    }
}

/// Every word the rules' `text` and `words` conditions name, numbered: an
/// item's text is looked up once, then conditions compare numbers instead of
/// hashing the text again for each of them.
#[derive(Debug, Default)]
pub(crate) struct Vocab {
    ids: FxHashMap<Box<str>, u32>,
    words: Vec<Box<str>>,
}

impl Vocab {
    /// The number of a text no condition names.
    pub(crate) const NONE: u32 = u32::MAX;

    /// The word's number, added if new.
    pub(crate) fn intern(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        // fewer words than u32::MAX: rule files are limited in size
        let id = u32::try_from(self.words.len()).unwrap_or(Self::NONE - 1);
        self.words.push(word.into());
        self.ids.insert(word.into(), id);
        id
    }

    /// The text's number, or [`Vocab::NONE`].
    pub(crate) fn get(&self, text: &str) -> u32 {
        self.ids.get(text).copied().unwrap_or(Self::NONE)
    }

    /// The word numbered `id`.
    pub(crate) fn word(&self, id: u32) -> &str {
        self.words.get(id as usize).map_or("", |w| w)
    }

    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }
}

/// The numbers of a `words` list: a few compared one by one, many hashed.
#[derive(Debug, Clone)]
pub(crate) enum WordSet {
    Few(Box<[u32]>),
    Many(FxHashSet<u32>),
}

impl WordSet {
    pub(crate) fn new(mut ids: Vec<u32>) -> Self {
        ids.sort_unstable();
        ids.dedup();
        if ids.len() <= 8 {
            WordSet::Few(ids.into())
        } else {
            WordSet::Many(ids.into_iter().collect())
        }
    }

    fn contains(&self, id: u32) -> bool {
        match self {
            WordSet::Few(ids) => ids.contains(&id),
            WordSet::Many(ids) => ids.contains(&id),
        }
    }

    pub(crate) fn ids(&self) -> Vec<u32> {
        match self {
            WordSet::Few(ids) => ids.to_vec(),
            WordSet::Many(ids) => {
                let mut v: Vec<u32> = ids.iter().copied().collect();
                v.sort_unstable();
                v
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            WordSet::Few(ids) => ids.len(),
            WordSet::Many(ids) => ids.len(),
        }
    }
}

/// A tag condition: the listed tags (`n*`: every tag starting with n) as a bit
/// mask over [`Tag::NAMES`], so a test is one bit test.
#[derive(Debug, Clone)]
pub(crate) struct TagSet {
    mask: u128,
}

impl TagSet {
    /// Every tag of [`Tag::NAMES`].
    const ALL: u128 = (1u128 << Tag::NAMES.len()) - 1;

    /// The set of these tags; a tag jieba never gives is an error (it could
    /// never match, so it is a typo).
    pub(crate) fn new(tags: &[String]) -> Result<Self, String> {
        let mut mask = 0u128;
        for t in tags {
            match t.strip_suffix('*') {
                Some(prefix) => {
                    let mut any = false;
                    for (i, k) in Tag::NAMES.iter().enumerate() {
                        if k.starts_with(prefix) {
                            mask |= 1u128 << i;
                            any = true;
                        }
                    }
                    if !any {
                        return Err(format!("no POS tag starts with {prefix:?}"));
                    }
                }
                None => match Tag::known(t) {
                    Some(tag) => mask |= 1u128 << tag.index(),
                    None => {
                        return Err(format!(
                            "unknown POS tag {t:?} (jieba's tags: {})",
                            Tag::NAMES.join(", ")
                        ))
                    }
                },
            }
        }
        Ok(TagSet { mask })
    }

    fn holds(&self, it: &Item<'_>) -> bool {
        self.mask & (1u128 << it.pos.index()) != 0
    }
}

/// A regex an item's whole text must match (`^(?:…)$`), with the slot its
/// answers take in an item's [`RegexMemo`] (the first 128 distinct ones).
#[derive(Debug, Clone)]
pub(crate) struct ItemRegex {
    pub(crate) regex: Regex,
    pub(crate) slot: Option<u8>,
}

/// A condition on one item.
#[derive(Debug, Clone)]
pub(crate) enum Cond {
    /// The item's text is this word of the [`Vocab`].
    Text(u32),
    /// The item's text is one of these words.
    Words(WordSet),
    Regex(ItemRegex),
    /// Exact tags, or prefixes written `n*`.
    Pos(TagSet),
    Lexicon(Option<EntityType>),
    Entity(Option<EntityType>),
    Time(Option<TimeKind>),
    Not(Vec<Cond>),
    /// One of several sets of conditions (`not = { any = [[…], […]] }`).
    AnyOf(Vec<Vec<Cond>>),
}

impl Cond {
    fn holds(&self, it: &Item<'_>) -> bool {
        match self {
            Cond::Text(t) => it.word == *t,
            Cond::Words(w) => it.word != Vocab::NONE && w.contains(it.word),
            Cond::Regex(r) => it.regex_memo.answer(r.slot, || r.regex.is_match(it.text)),
            Cond::Pos(tags) => tags.holds(it),
            Cond::Lexicon(ty) => it
                .lex
                .is_some_and(|e| ty.as_ref().is_none_or(|t| &e.kind == t)),
            Cond::Entity(ty) => it
                .entity
                .as_ref()
                .is_some_and(|(_, k)| ty.as_ref().is_none_or(|t| k == t)),
            Cond::Time(kind) => it.time.is_some_and(|(_, k)| kind.is_none_or(|t| k == t)),
            Cond::Not(cs) => !cs.iter().all(|c| c.holds(it)),
            Cond::AnyOf(alts) => alts.iter().any(|cs| cs.iter().all(|c| c.holds(it))),
        }
    }
}

/// A pattern element.
#[derive(Debug)]
pub(crate) enum Elem {
    /// `min..=max` consecutive items that each meet every condition.
    Item {
        conds: Vec<Cond>,
        min: u32,
        max: u32,
        cap: Option<usize>,
    },
    /// Up to `max` items of anything (within the sentence).
    Skip { max: u32, cap: Option<usize> },
    /// `min..=max` times one of several sequences.
    Alt {
        alts: Vec<Vec<Elem>>,
        min: u32,
        max: u32,
        cap: Option<usize>,
    },
    /// The end of the sentence: no item is taken.
    End,
}

/// A compiled token pattern.
#[derive(Debug)]
pub(crate) struct Pattern {
    pub(crate) elems: Vec<Elem>,
    pub(crate) cap_names: Vec<String>,
    /// Prefer the shortest match at a start (relation patterns): with a
    /// `skip`, the longest would reach the trigger of the next clause and
    /// swallow its pair (抖音和饿了么合作，快手和美团合作).
    pub(crate) shortest: bool,
    /// What the first item of a match must meet (see [`first_conds`]).
    first: Option<Vec<Vec<Cond>>>,
    /// Where the optional elements the pattern ends with begin (see
    /// [`Pattern::extend_tail`]).
    tail_from: usize,
    /// The most items a match can span (saturating).
    pub(crate) max_items: usize,
}

/// Item ranges of the captures of one match.
pub(crate) type Caps = Vec<Option<(usize, usize)>>;

/// Steps a match may take from one start position before giving up: keeps a
/// pathological user pattern from running away.
const BUDGET: u32 = 20_000;

enum Step<'p> {
    Elems(&'p [Elem]),
    Close(usize, usize),
    /// Still `min..=max` repetitions of `alts` to go; the last one ended at
    /// `last` (a repetition must consume something).
    Rep {
        alts: &'p [Vec<Elem>],
        min: u32,
        max: u32,
        last: Option<usize>,
    },
}

impl Pattern {
    pub(crate) fn new(elems: Vec<Elem>, cap_names: Vec<String>, shortest: bool) -> Self {
        let first = first_conds(&elems).map(|any| any.into_iter().map(<[Cond]>::to_vec).collect());
        let optional = |e: &Elem| match e {
            Elem::Item { min, .. } | Elem::Alt { min, .. } => *min == 0,
            Elem::Skip { .. } => true,
            Elem::End => false,
        };
        let tail_from = elems.len() - elems.iter().rev().take_while(|e| optional(e)).count();
        let max_items = max_items(&elems);
        Pattern {
            elems,
            cap_names,
            shortest,
            first,
            tail_from,
            max_items,
        }
    }

    /// All non-overlapping leftmost matches, longest (or shortest, if the
    /// pattern says so) at each start: (start item, end item, captures).
    #[cfg(test)]
    pub(crate) fn find_all(&self, items: &[Item<'_>]) -> Vec<(usize, usize, Caps)> {
        let all: Vec<u32> = (0..items.len() as u32).collect();
        self.find_all_at(items, &all)
    }

    /// What [`Pattern::find_all`] finds, trying only the given start items
    /// (ascending): every item where a match could start must be among them
    /// (a [`StartIndex`] tells which).
    pub(crate) fn find_all_at(
        &self,
        items: &[Item<'_>],
        starts: &[u32],
    ) -> Vec<(usize, usize, Caps)> {
        let mut out = Vec::new();
        // what the first item must be is checked before any backtracking
        // starts (and before the search's buffers are made: most calls
        // find no start that passes)
        let first = self.first.as_ref();
        let mut search = Search {
            items,
            steps: Vec::new(),
            caps: Vec::new(),
            budget: BUDGET,
            best: None,
            shortest: self.shortest,
            fill: false,
        };
        let mut at = 0;
        for &start in starts {
            let start = start as usize;
            if start < at || start >= items.len() {
                continue;
            }
            at = start;
            if first.is_some_and(|any| {
                !any.iter()
                    .any(|conds| conds.iter().all(|c| c.holds(&items[at])))
            }) {
                continue;
            }
            search.best = None;
            if search.caps.len() != self.cap_names.len() {
                search.caps = vec![None; self.cap_names.len()];
            }
            search.caps.iter_mut().for_each(|c| *c = None);
            search.budget = BUDGET;
            search.steps.clear();
            search.steps.push(Step::Elems(&self.elems));
            search.run(at);
            match search.best.take() {
                Some((end, caps)) if end > at => {
                    let (end, caps) = if self.shortest {
                        self.extend_tail(&mut search, end, caps)
                    } else {
                        (end, caps)
                    };
                    out.push((at, end, caps));
                    at = end;
                }
                _ => at += 1,
            }
        }
        out
    }

    /// The optional elements a pattern ends with (`{ entity = "PERCENT",
    /// name = "pct", optional = true }`): a shortest match never takes them,
    /// so after it they are matched greedily, and kept only if they capture
    /// something (a stake's share after its company).
    fn extend_tail<'p>(
        &'p self,
        search: &mut Search<'p, '_, '_>,
        end: usize,
        caps: Caps,
    ) -> (usize, Caps) {
        let tail = &self.elems[self.tail_from..];
        if tail.is_empty() {
            return (end, caps);
        }
        let captured = filled(&caps);
        search.best = None;
        search.caps.clone_from(&caps);
        search.budget = BUDGET;
        search.steps.clear();
        search.steps.push(Step::Elems(tail));
        search.fill = true;
        search.run(end);
        search.fill = false;
        match search.best.take() {
            Some((e, more)) if filled(&more) > captured => (e, more),
            _ => (end, caps),
        }
    }

    /// What an item must be for a match to start at it, as keys a
    /// [`StartIndex`] can look up: for each alternative the pattern may begin
    /// with, its most selective condition.
    pub(super) fn start_keys(&self) -> Vec<StartKey> {
        let Some(first) = &self.first else {
            return vec![StartKey::Any];
        };
        let mut keys = Vec::new();
        for conds in first {
            let mut best: Option<(u8, StartKey)> = None;
            for c in conds {
                let key = match c {
                    Cond::Text(t) => (5, StartKey::Words(vec![*t])),
                    Cond::Words(w) => (5, StartKey::Words(w.ids())),
                    Cond::Entity(t) => (4, StartKey::Entity(t.as_ref().map(entity_slot))),
                    Cond::Time(_) => (4, StartKey::Time),
                    Cond::Lexicon(_) => (3, StartKey::Lexicon),
                    Cond::Pos(t) => (2, StartKey::Tags(t.mask)),
                    // `not = { pos = [...] }`: any other tag
                    Cond::Not(cs) => match cs.as_slice() {
                        [Cond::Pos(t)] => (1, StartKey::Tags(!t.mask & TagSet::ALL)),
                        _ => continue,
                    },
                    _ => continue,
                };
                if best.as_ref().is_none_or(|b| key.0 > b.0) {
                    best = Some(key);
                }
            }
            keys.push(best.map_or(StartKey::Any, |b| b.1));
        }
        keys
    }
}

/// The most items a match of `elems` can span (saturating; a tail a
/// shortest match is extended by is part of `elems` too).
fn max_items(elems: &[Elem]) -> usize {
    elems
        .iter()
        .map(|e| match e {
            Elem::Item { max, .. } | Elem::Skip { max, .. } => *max as usize,
            Elem::Alt { alts, max, .. } => {
                (*max as usize).saturating_mul(alts.iter().map(|a| max_items(a)).max().unwrap_or(0))
            }
            Elem::End => 0,
        })
        .fold(0, usize::saturating_add)
}

/// How many captures a match has taken.
fn filled(caps: &Caps) -> usize {
    caps.iter().filter(|c| c.is_some()).count()
}

/// What the first item of any match of `elems` must meet: one of several sets
/// of conditions (the first element, the first elements of alternatives, and
/// after an optional first element what follows it), or `None` when that
/// cannot be told (a skip, or elements that may all match nothing).
fn first_conds(elems: &[Elem]) -> Option<Vec<&[Cond]>> {
    let (first, rest) = elems.split_first()?;
    let (mut any, min) = match first {
        Elem::Item {
            conds, min, max, ..
        } if *max > 0 => (vec![conds.as_slice()], *min),
        Elem::Alt { alts, min, max, .. } if *max > 0 => {
            let mut any = Vec::new();
            for alt in alts {
                any.extend(first_conds(alt)?);
            }
            (any, *min)
        }
        _ => return None,
    };
    // an optional first element: a match begins with it or with what follows
    if min == 0 {
        any.extend(first_conds(rest)?);
    }
    Some(any)
}

/// The state of one backtracking search from one start item.
struct Search<'p, 'i, 't> {
    items: &'i [Item<'t>],
    /// What is left to match, innermost last.
    steps: Vec<Step<'p>>,
    caps: Caps,
    /// Steps left before the search gives up (a pathological pattern).
    budget: u32,
    /// The match kept so far: end item and captures.
    best: Option<(usize, Caps)>,
    /// Keep the shortest match instead of the longest.
    shortest: bool,
    /// Keep the match with the most captures (see [`Pattern::extend_tail`]).
    fill: bool,
}

impl<'p> Search<'p, '_, '_> {
    /// Match what is left from item `pos`.
    fn run(&mut self, pos: usize) {
        if self.budget == 0 {
            return;
        }
        self.budget -= 1;
        let Some(step) = self.steps.pop() else {
            self.accept(pos);
            return;
        };
        match step {
            Step::Close(cap, start) => {
                let old = self.caps[cap];
                if pos > start {
                    self.caps[cap] = Some((start, pos));
                }
                self.run(pos);
                self.caps[cap] = old;
                self.steps.push(Step::Close(cap, start));
            }
            Step::Rep {
                alts,
                min,
                max,
                last,
            } => {
                self.repeat(alts, min, max, last, pos);
                self.steps.push(Step::Rep {
                    alts,
                    min,
                    max,
                    last,
                });
            }
            Step::Elems(elems) => {
                let Some((first, rest)) = elems.split_first() else {
                    self.run(pos);
                    self.steps.push(Step::Elems(elems));
                    return;
                };
                if !rest.is_empty() {
                    self.steps.push(Step::Elems(rest));
                }
                self.element(first, pos);
                if !rest.is_empty() {
                    self.steps.pop();
                }
                self.steps.push(Step::Elems(elems));
            }
        }
    }

    /// Everything matched, ending at `pos`: keep the match if it is better
    /// than the one kept. Longest: the first of the longest; shortest: the
    /// last of the shortest (repeats are tried fewest first, so lists come
    /// out whole).
    fn accept(&mut self, pos: usize) {
        let better = match self.best.as_ref() {
            None => true,
            // filling a tail: the most captures, then the shortest
            Some((e, caps)) if self.fill => {
                let (now, then) = (filled(&self.caps), filled(caps));
                now > then || (now == then && pos < *e)
            }
            // shortest: at the same end, the one that captured more
            Some((e, caps)) if self.shortest => {
                pos < *e || (pos == *e && filled(&self.caps) >= filled(caps))
            }
            Some((e, _)) => pos > *e,
        };
        if better {
            self.best = Some((pos, self.caps.clone()));
        }
    }

    /// `min..=max` more repetitions of one of `alts`, the last of which
    /// ended at `last`.
    fn repeat(
        &mut self,
        alts: &'p [Vec<Elem>],
        min: u32,
        max: u32,
        last: Option<usize>,
        pos: usize,
    ) {
        if min == 0 {
            self.run(pos);
        }
        if max > 0 && last.is_none_or(|l| pos > l) {
            for alt in alts {
                self.steps.push(Step::Rep {
                    alts,
                    min: min.saturating_sub(1),
                    max: max - 1,
                    last: Some(pos),
                });
                self.steps.push(Step::Elems(alt));
                self.run(pos);
                self.steps.pop();
                self.steps.pop();
            }
        }
    }

    /// One element from item `pos`, then what is left.
    fn element(&mut self, elem: &'p Elem, pos: usize) {
        match elem {
            Elem::Item {
                conds,
                min,
                max,
                cap,
            } => {
                let mut n = 0usize;
                while n < *max as usize
                    && pos + n < self.items.len()
                    && conds.iter().all(|c| c.holds(&self.items[pos + n]))
                {
                    n += 1;
                }
                for k in (*min as usize..=n).rev() {
                    self.advance(pos, pos + k, *cap);
                }
            }
            Elem::Skip { max, cap } => {
                let n = (*max as usize).min(self.items.len() - pos);
                for k in 0..=n {
                    self.advance(pos, pos + k, *cap);
                }
            }
            Elem::End => {
                if pos == self.items.len() {
                    self.run(pos);
                }
            }
            Elem::Alt {
                alts,
                min,
                max,
                cap,
            } => {
                if let Some(c) = cap {
                    self.steps.push(Step::Close(*c, pos));
                }
                self.steps.push(Step::Rep {
                    alts,
                    min: *min,
                    max: *max,
                    last: None,
                });
                self.run(pos);
                self.steps.pop();
                if cap.is_some() {
                    self.steps.pop();
                }
            }
        }
    }

    /// Consume items `from..to` (captured as `cap`, if named) and go on.
    fn advance(&mut self, from: usize, to: usize, cap: Option<usize>) {
        match cap {
            // an optional element that took nothing captures nothing
            Some(c) if to > from => {
                let old = self.caps[c];
                self.caps[c] = Some((from, to));
                self.run(to);
                self.caps[c] = old;
            }
            _ => self.run(to),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_sets_take_prefixes_and_reject_unknown_tags() {
        let set = TagSet::new(&["n*".into(), "v".into()]).unwrap();
        let item = |pos: &str| Item {
            text: "",
            start: 0,
            end: 0,
            pos: Tag::of(pos),
            entity: None,
            time: None,
            lex: None,
            word: Vocab::NONE,
            regex_memo: RegexMemo::default(),
        };
        assert!(set.holds(&item("nrfg")) && set.holds(&item("v")));
        assert!(!set.holds(&item("vn")) && !set.holds(&item("x")));
        assert!(TagSet::new(&["nx".into()]).is_err());
        assert!(TagSet::new(&["qq*".into()]).is_err());
    }

    #[test]
    fn a_memo_answers_a_slot_once_and_no_slot_always() {
        let memo = RegexMemo::default();
        let calls = std::cell::Cell::new(0);
        let ask = |slot, answer| {
            memo.answer(slot, || {
                calls.set(calls.get() + 1);
                answer
            })
        };
        assert!(ask(Some(3), true));
        assert!(ask(Some(3), false), "the first answer is kept");
        assert!(!ask(Some(127), false));
        assert!(!ask(Some(127), true));
        assert_eq!(calls.get(), 2);
        assert!(ask(None, true) && !ask(None, false));
        assert_eq!(calls.get(), 4);
    }
}
