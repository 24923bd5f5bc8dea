//! The rule engine: rule files (TOML) compiled once into a [`RuleSet`], then
//! run stage by stage over the sentences of a text.
//!
//! - `format.rs`: the schema (documented for users in `docs/RULES.md`);
//! - `compile.rs`: rule files to a rule set: validation, deduplication,
//!   the per-stage indexes; `elements.rs`: pattern elements and item
//!   conditions (macros, regex fragments); `time_fields.rs`: a time rule's
//!   output; `gate.rs`: the literals a rule needs the sentence to hold;
//! - `pattern.rs`: token patterns and their matcher;
//! - this file: running the stages, vetoes and overlap resolution.

mod compile;
mod elements;
mod format;
mod gate;
mod pattern;
mod time_fields;
pub(crate) mod time_output;

use std::ops::Range;

use self::compile::{Anchor, Canonical, Inner, Output, Verb};
pub use self::compile::{RuleSet, RuleTest};
use self::pattern::{Item, RegexMemo};
use crate::document::{EntityType, Predicate, TimeKind};
use crate::lexicon::Lexicon;
use crate::segment::{Tag, Token};
use time_output::TimeSpec;

/// An entity found by a rule, in analysis-text offsets.
#[derive(Clone, Debug)]
pub(crate) struct EntityHit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: EntityType,
    pub(crate) canonical: String,
    pub(crate) rule: usize,
    /// Found as a short name the text introduced (以下简称), not by a rule.
    pub(crate) alias: bool,
    priority: i32,
}

impl EntityHit {
    /// The `rule` of an entity found by a pass of code after the rules
    /// (person-name boundaries), not by a rule of the files.
    pub(crate) const NO_RULE: usize = usize::MAX;

    /// The `rule` of an entity a pipeline stage of the caller's added.
    pub(crate) const FROM_STAGE: usize = usize::MAX - 1;

    /// An entity a pipeline stage added (`Work::add_entity`).
    pub(crate) fn from_stage(
        start: usize,
        end: usize,
        kind: EntityType,
        canonical: String,
    ) -> Self {
        EntityHit {
            rule: Self::FROM_STAGE,
            ..Self::by_pass(kind, start, end, canonical)
        }
    }

    /// An entity found by a pass of code, not by a rule.
    pub(crate) fn by_pass(kind: EntityType, start: usize, end: usize, canonical: String) -> Self {
        EntityHit {
            start,
            end,
            kind,
            canonical,
            rule: Self::NO_RULE,
            alias: false,
            priority: 0,
        }
    }

    /// An entity for a later mention of a short name.
    pub(crate) fn alias_of(of: &EntityHit, start: usize, end: usize) -> Self {
        EntityHit {
            start,
            end,
            kind: of.kind.clone(),
            canonical: of.canonical.clone(),
            rule: of.rule,
            alias: true,
            priority: of.priority,
        }
    }
}

/// A time found by a rule.
#[derive(Clone, Debug)]
pub(crate) struct TimeHit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) rule: usize,
    /// The spans of the rule's captures in this match (in the order of
    /// [`RuleSet::time_output`]'s names), for the time stage to resolve.
    pub(crate) spans: Box<[Option<(usize, usize)>]>,
    /// The kind the rule declares (what a pattern's `time = "date"` tests;
    /// the value may refine it when it is resolved).
    kind: TimeKind,
    priority: i32,
}

/// A relation found by a rule.
#[derive(Clone, Debug)]
pub(crate) struct RelationHit {
    pub(crate) subject: EntityHit,
    pub(crate) object: EntityHit,
    pub(crate) predicate: Predicate,
    pub(crate) verb: String,
    pub(crate) value: Option<String>,
    pub(crate) negated: bool,
    pub(crate) hedged: bool,
    pub(crate) sentence: Range<usize>,
    pub(crate) rule: usize,
    /// Set for a triple no rule file produced (named by the code that did).
    pub(crate) origin: Option<&'static str>,
    priority: i32,
}

impl RelationHit {
    /// A triple found by the library's own code rather than a rule.
    pub(crate) fn derived(
        subject: EntityHit,
        object: EntityHit,
        predicate: Predicate,
        verb: String,
        sentence: Range<usize>,
        origin: &'static str,
    ) -> Self {
        RelationHit {
            subject,
            object,
            predicate,
            verb,
            value: None,
            negated: false,
            hedged: false,
            sentence,
            rule: 0,
            origin: Some(origin),
            priority: 0,
        }
    }
}

/// What one stage's matches propose, before vetoes and overlap resolution.
#[derive(Default)]
struct Candidates {
    entities: Vec<EntityHit>,
    times: Vec<TimeHit>,
    relations: Vec<RelationHit>,
    /// Vetoed span, and whether entities / times there go.
    vetoes: Vec<((usize, usize), bool, bool)>,
}

/// Everything the rules found in one text.
#[derive(Debug, Default)]
pub(crate) struct Hits {
    pub(crate) entities: Vec<EntityHit>,
    pub(crate) times: Vec<TimeHit>,
    pub(crate) relations: Vec<RelationHit>,
}

/// The text the rules run on.
pub(crate) struct Input<'a> {
    pub(crate) text: &'a str,
    pub(crate) sentences: &'a [Range<usize>],
    /// Tokens of all sentences, in order.
    pub(crate) tokens: &'a [Token<'a>],
    pub(crate) lexicon: &'a Lexicon,
}

trait Spanned {
    fn span(&self) -> (usize, usize);
    fn priority(&self) -> i32;
    fn rule(&self) -> usize;
}

macro_rules! spanned {
    ($t:ty) => {
        impl Spanned for $t {
            fn span(&self) -> (usize, usize) {
                (self.start, self.end)
            }
            fn priority(&self) -> i32 {
                self.priority
            }
            fn rule(&self) -> usize {
                self.rule
            }
        }
    };
}
spanned!(EntityHit);
spanned!(TimeHit);

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Stage candidates resolved among themselves (priority, then longer, then
/// earlier, then file order), then merged over earlier stages' results
/// (the later stage wins where they overlap).
fn settle<T: Spanned>(accepted: &mut Vec<T>, mut cands: Vec<T>) {
    if cands.is_empty() {
        return;
    }
    cands.sort_by(|a, b| {
        let (sa, sb) = (a.span(), b.span());
        b.priority()
            .cmp(&a.priority())
            .then((sb.1 - sb.0).cmp(&(sa.1 - sa.0)))
            .then(sa.0.cmp(&sb.0))
            .then(a.rule().cmp(&b.rule()))
    });
    let mut won: Vec<T> = Vec::new();
    // accepted spans of this stage, disjoint: start -> end
    let mut taken: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    let hit = |taken: &std::collections::BTreeMap<usize, usize>, s: (usize, usize)| {
        // the last span starting before s ends, if it reaches into s
        taken
            .range(..s.1)
            .next_back()
            .is_some_and(|(&a, &b)| overlaps((a, b), s))
    };
    for c in cands {
        let s = c.span();
        if hit(&taken, s) {
            continue;
        }
        taken.insert(s.0, s.1);
        won.push(c);
    }
    if !accepted.is_empty() {
        accepted.retain(|a| !hit(&taken, a.span()));
    }
    accepted.extend(won);
    accepted.sort_by_key(|a| a.span());
}

/// A later mention stands for a name found elsewhere: once a later stage
/// has vetoed or replaced every mention that gave it (上市公司, vetoed as a
/// kind of company, whose part 上市 was linked), it goes too.
fn drop_orphan_aliases(entities: &mut Vec<EntityHit>) {
    if !entities.iter().any(|e| e.alias) {
        return;
    }
    let named: rustc_hash::FxHashSet<&str> = entities
        .iter()
        .filter(|e| !e.alias)
        .map(|e| e.canonical.as_str())
        .collect();
    let orphans: Vec<bool> = entities
        .iter()
        .map(|e| e.alias && !named.contains(e.canonical.as_str()))
        .collect();
    let mut i = 0;
    entities.retain(|_| {
        i += 1;
        !orphans[i - 1]
    });
}

/// The matches of `re` in `text` that lie in the given sentences (ascending
/// indices), the same as those of a search over the whole text: each run of
/// consecutive sentences is searched with a few chars of context on either
/// side (boundary classes like `(?:^|[。！？])` look at them).
fn gated_captures<'h>(
    re: &regex::Regex,
    text: &'h str,
    sentences: &[Range<usize>],
    which: &[u32],
) -> Vec<regex::Captures<'h>> {
    const CONTEXT: usize = 4;
    let back = |at: usize| {
        text[..at]
            .char_indices()
            .rev()
            .nth(CONTEXT - 1)
            .map_or(0, |(i, _)| i)
    };
    let ahead = |at: usize| {
        text[at..]
            .char_indices()
            .nth(CONTEXT)
            .map_or(text.len(), |(i, _)| at + i)
    };
    let mut out = Vec::new();
    let mut done = 0;
    let mut i = 0;
    while i < which.len() {
        let mut j = i;
        while j + 1 < which.len() && which[j + 1] == which[j] + 1 {
            j += 1;
        }
        let (from, to) = (
            sentences[which[i] as usize].start,
            sentences[which[j] as usize].end,
        );
        i = j + 1;
        let hay = &text[..ahead(to)];
        let mut at = back(from).max(done);
        while at <= hay.len() {
            let Some(caps) = re.captures_at(hay, at) else {
                break;
            };
            let Some(m) = caps.get(0) else { break };
            if m.start() >= to {
                break;
            }
            // the cut end of the haystack is no end of the text (`$`)
            let caps = if m.end() == hay.len() && hay.len() < text.len() {
                match re.captures_at(text, m.start()) {
                    Some(c) if c.get(0).is_some_and(|f| f.start() == m.start()) => c,
                    _ => {
                        at = next_char(text, m.start());
                        continue;
                    }
                }
            } else {
                caps
            };
            let end = caps.get(0).map_or(at, |f| f.end());
            at = if end > m.start() {
                end
            } else {
                next_char(text, end)
            };
            done = done.max(end);
            out.push(caps);
        }
    }
    out
}

/// Whether the ascending word ids `present` hold one of the ascending `set`.
fn holds_one(present: &[u32], set: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < present.len() && j < set.len() {
        match present[i].cmp(&set[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// The byte after the char at `at` (or one past the end).
fn next_char(text: &str, at: usize) -> usize {
    at + text[at..].chars().next().map_or(1, char::len_utf8)
}

/// A set of spans that answers "does one of them contain this span?" in
/// logarithmic time (vetoes can be many on a long text).
struct SpanCover {
    /// Spans sorted by start, each with the furthest end up to it.
    starts: Vec<usize>,
    reach: Vec<usize>,
}

impl SpanCover {
    fn new(spans: impl Iterator<Item = (usize, usize)>) -> Self {
        let mut v: Vec<(usize, usize)> = spans.collect();
        v.sort_unstable();
        let mut far = 0;
        let reach = v
            .iter()
            .map(|&(_, e)| {
                far = far.max(e);
                far
            })
            .collect();
        SpanCover {
            starts: v.iter().map(|&(s, _)| s).collect(),
            reach,
        }
    }

    fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Whether a span of the set starts at or before `s.0` and ends at or after `s.1`.
    fn covers(&self, s: (usize, usize)) -> bool {
        let n = self.starts.partition_point(|&x| x <= s.0);
        n > 0 && self.reach[n - 1] >= s.1
    }
}

impl RuleSet {
    /// Run every stage over `input`. `link` adds later mentions of the
    /// entities found so far; it is called before each stage with relation
    /// rules (they see the mentions) and once at the end.
    pub(crate) fn run(
        &self,
        input: &Input<'_>,
        seed: Hits,
        link: &mut dyn FnMut(&mut Vec<EntityHit>),
    ) -> Hits {
        let r: &Inner = &self.inner;
        let text = input.text;
        let n_sent = input.sentences.len();
        // tokens of each sentence
        let mut sent_tokens = Vec::with_capacity(n_sent);
        let mut t = 0;
        for s in input.sentences {
            while t < input.tokens.len() && input.tokens[t].start() < s.start {
                t += 1;
            }
            let from = t;
            while t < input.tokens.len() && input.tokens[t].end() <= s.end {
                t += 1;
            }
            sent_tokens.push(from..t);
        }
        // anchor words present in each sentence, all in one list: those of
        // sentence k are present[present_from[k]..present_from[k + 1]] (one
        // small list per sentence cost megabytes on a long text)
        let mut present: Vec<u32> = Vec::new();
        let mut present_from: Vec<u32> = Vec::with_capacity(n_sent + 1);
        present_from.push(0);
        if let Some(ac) = &r.anchor_ac {
            // sentence by sentence: a gate word counts only inside one
            let mut found: Vec<u32> = Vec::new();
            for s in input.sentences {
                found.clear();
                found.extend(
                    ac.find_overlapping_iter(&text[s.clone()])
                        .map(|m| m.pattern().as_u32()),
                );
                // a word met twice (，) adds no pattern the second time
                found.sort_unstable();
                found.dedup();
                present.extend_from_slice(&found);
                present_from.push(present.len() as u32);
            }
        } else {
            present_from.resize(n_sent + 1, 0);
        }
        let present_in =
            |k: usize| &present[present_from[k] as usize..present_from[k + 1] as usize];
        // the sentences each gated regex may match in
        let mut regex_sentences: Vec<Vec<u32>> = vec![Vec::new(); r.regexes.len()];
        for k in 0..n_sent {
            for &w in present_in(k) {
                for &rid in &r.word_regexes[w as usize] {
                    if regex_sentences[rid].last() != Some(&(k as u32))
                        && r.regex_also[rid]
                            .iter()
                            .all(|set| holds_one(present_in(k), set))
                    {
                        regex_sentences[rid].push(k as u32);
                    }
                }
            }
        }
        // lexicon entries of the tokens, looked up once for all stages
        let look = Lookup {
            lexicon: r.uses_lexicon.then_some(input.lexicon),
            vocab: &r.vocab,
        };
        let tok_lex: Vec<Option<&crate::lexicon::LexEntry>> =
            input.tokens.iter().map(|t| look.lex(t.text)).collect();
        // the tokens' numbers in the rules' vocabulary, for word conditions
        let tok_word: Vec<u32> = input.tokens.iter().map(|t| look.word(t.text)).collect();
        // what stages before the rules found: the rules' own stages come
        // after it (and may replace what they overlap)
        let mut hits = seed;
        hits.entities.sort_by_key(|e| (e.start, e.end));
        // whether entities came since mentions were last linked
        let mut unlinked = true;
        for (si, _stage) in r.stages.iter().enumerate() {
            if r.relation_stages[si] && unlinked {
                link(&mut hits.entities);
                unlinked = false;
            }
            let mut found = Candidates::default();
            let pats = &r.stage_patterns[si];
            if !pats.is_empty() {
                // the sentence each pattern was last taken in, or refused
                // in (a gate word of its is missing)
                let mut seen = vec![usize::MAX; r.patterns.len()];
                let mut refused = vec![usize::MAX; r.patterns.len()];
                let mut cands: Vec<usize> = Vec::new();
                // start items of each candidate pattern in the sentence
                let mut starts: Vec<Vec<u32>> = vec![Vec::new(); r.patterns.len()];
                for (k, s) in input.sentences.iter().enumerate() {
                    // which patterns have a chance here, before building items
                    cands.clear();
                    for &w in present_in(k) {
                        let w = w as usize;
                        for &pid in &r.word_patterns[si][w] {
                            if seen[pid] != k && refused[pid] != k {
                                if r.pattern_also[pid]
                                    .iter()
                                    .all(|set| holds_one(present_in(k), set))
                                {
                                    seen[pid] = k;
                                    cands.push(pid);
                                } else {
                                    refused[pid] = k;
                                }
                            }
                        }
                    }
                    let inside = |start: usize, end: usize| s.start <= start && end <= s.end;
                    let has_entity = {
                        let i = hits.entities.partition_point(|e| e.start < s.start);
                        hits.entities.get(i).is_some_and(|e| inside(e.start, e.end))
                    };
                    let has_time = {
                        let i = hits.times.partition_point(|t| t.start < s.start);
                        hits.times.get(i).is_some_and(|t| inside(t.start, t.end))
                    };
                    let has_lex = tok_lex[sent_tokens[k].clone()].iter().any(Option::is_some);
                    for &pid in &r.other_patterns[si] {
                        let go = match &r.anchors[pid] {
                            Anchor::Always => true,
                            Anchor::Entity => has_entity,
                            Anchor::Time => has_time,
                            Anchor::Lexicon => has_lex,
                            Anchor::Words(_) => false,
                        };
                        if go && seen[pid] != k {
                            seen[pid] = k;
                            cands.push(pid);
                        }
                    }
                    if cands.is_empty() {
                        continue;
                    }
                    let items = build_items(
                        text,
                        s,
                        &input.tokens[sent_tokens[k].clone()],
                        &tok_lex[sent_tokens[k].clone()],
                        &tok_word[sent_tokens[k].clone()],
                        &hits,
                        &look,
                    );
                    for (i, it) in items.iter().enumerate() {
                        let i = i as u32;
                        r.stage_starts[si].each_at(it, |pid| {
                            if seen[pid] == k && starts[pid].last() != Some(&i) {
                                starts[pid].push(i);
                            }
                        });
                    }
                    let mut run_pattern = |pid: usize| {
                        let Some(rules) = pats.get(&pid) else { return };
                        for (a, b, caps) in r.patterns[pid].find_all_at(&items, &starts[pid]) {
                            let whole = (items[a].start, items[b - 1].end);
                            let spans: Vec<Option<(usize, usize)>> = caps
                                .iter()
                                .map(|c| {
                                    c.filter(|(x, y)| y > x)
                                        .map(|(x, y)| (items[x].start, items[y - 1].end))
                                })
                                .collect();
                            let entity_at = |c: usize| -> Option<EntityHit> {
                                let (x, y) = caps.get(c).copied().flatten()?;
                                (y == x + 1).then_some(())?;
                                items[x]
                                    .entity
                                    .as_ref()
                                    .map(|(i, _)| hits.entities[*i].clone())
                            };
                            for &rule in rules {
                                emit(
                                    self,
                                    input,
                                    rule,
                                    whole,
                                    &spans,
                                    &entity_at,
                                    &hits.entities,
                                    s,
                                    &input.tokens[sent_tokens[k].clone()],
                                    &mut found,
                                );
                            }
                        }
                    };
                    for &pid in &cands {
                        run_pattern(pid);
                    }
                    for &pid in &cands {
                        starts[pid].clear();
                    }
                }
            }
            for &rid in &r.regex_order[si] {
                let Some(rules) = r.stage_regexes[si].get(&rid) else {
                    continue;
                };
                let matches = if r.regex_gated[rid] {
                    gated_captures(
                        &r.regexes[rid],
                        text,
                        input.sentences,
                        &regex_sentences[rid],
                    )
                } else {
                    r.regexes[rid].captures_iter(text).collect()
                };
                for caps in matches {
                    let Some(m) = caps.get(0) else { continue };
                    if m.is_empty() {
                        continue;
                    }
                    let spans: Vec<Option<(usize, usize)>> = caps
                        .iter()
                        .map(|g| g.filter(|g| !g.is_empty()).map(|g| (g.start(), g.end())))
                        .collect();
                    // what the captures cover must lie in one sentence; context
                    // matched around them (a boundary char) may reach outside
                    let core = spans
                        .iter()
                        .skip(1)
                        .flatten()
                        .fold(None, |acc: Option<(usize, usize)>, &(a, b)| {
                            Some(acc.map_or((a, b), |(x, y)| (x.min(a), y.max(b))))
                        })
                        .unwrap_or((m.start(), m.end()));
                    let k = input.sentences.partition_point(|s| s.end <= core.0);
                    let Some(s) = input.sentences.get(k) else {
                        continue;
                    };
                    if core.0 < s.start || core.1 > s.end {
                        continue;
                    }
                    let entity_at = |c: usize| -> Option<EntityHit> {
                        let (x, y) = spans.get(c).copied().flatten()?;
                        let i = hits.entities.partition_point(|e| e.start < x);
                        hits.entities[i..]
                            .iter()
                            .take_while(|e| e.start == x)
                            .find(|e| e.end == y)
                            .cloned()
                    };
                    for &rule in rules {
                        emit(
                            self,
                            input,
                            rule,
                            (m.start(), m.end()),
                            &spans,
                            &entity_at,
                            &hits.entities,
                            s,
                            &input.tokens[sent_tokens[k].clone()],
                            &mut found,
                        );
                    }
                }
            }
            let Candidates {
                entities: mut cand_e,
                times: mut cand_t,
                relations: mut cand_r,
                vetoes,
            } = found;
            let veto_ents = SpanCover::new(vetoes.iter().filter(|v| v.1).map(|v| v.0));
            let veto_times = SpanCover::new(vetoes.iter().filter(|v| v.2).map(|v| v.0));
            if !veto_ents.is_empty() {
                cand_e.retain(|e: &EntityHit| !veto_ents.covers(e.span()));
                hits.entities.retain(|e| !veto_ents.covers(e.span()));
            }
            if !veto_times.is_empty() {
                cand_t.retain(|t: &TimeHit| !veto_times.covers(t.span()));
                hits.times.retain(|t| !veto_times.covers(t.span()));
            }
            unlinked |= !cand_e.is_empty();
            settle(&mut hits.entities, cand_e);
            drop_orphan_aliases(&mut hits.entities);
            settle(&mut hits.times, cand_t);
            cand_r.sort_by(|a: &RelationHit, b: &RelationHit| {
                b.priority.cmp(&a.priority).then(a.rule.cmp(&b.rule))
            });
            for c in cand_r {
                let dup = hits.relations.iter().any(|h| {
                    h.predicate == c.predicate
                        && h.subject.span() == c.subject.span()
                        && h.object.span() == c.object.span()
                });
                if !dup {
                    hits.relations.push(c);
                }
            }
        }
        if unlinked {
            link(&mut hits.entities);
        }
        hits.relations
            .sort_by_key(|h| (h.sentence.start, h.subject.start, h.object.start));
        hits
    }

    /// A time rule's compiled output and the names of its captures (the
    /// order of a [`TimeHit`]'s spans).
    pub(crate) fn time_output(&self, rule: usize) -> Option<(&TimeSpec, &[String])> {
        let r = self.inner.rules.get(rule)?;
        match &r.output {
            Output::Time { spec, .. } => Some((spec, self.inner.cap_names(r.finder))),
            _ => None,
        }
    }

    /// The rule's id.
    pub(crate) fn rule_id(&self, rule: usize) -> &str {
        self.inner.rules.get(rule).map_or("pass", |r| r.id.as_str())
    }
}

/// What the text of an item is looked up in: the lexicon (when some rule
/// asks for it) and the rules' vocabulary.
struct Lookup<'a> {
    lexicon: Option<&'a Lexicon>,
    vocab: &'a pattern::Vocab,
}

impl<'a> Lookup<'a> {
    fn lex(&self, text: &str) -> Option<&'a crate::lexicon::LexEntry> {
        self.lexicon.and_then(|l| l.get(text))
    }

    fn word(&self, text: &str) -> u32 {
        self.vocab.get(text)
    }
}

/// The items of one sentence: its tokens, with the entities and times found so
/// far standing in for the tokens they cover.
fn build_items<'t>(
    text: &'t str,
    s: &Range<usize>,
    tokens: &[Token<'t>],
    lexs: &[Option<&'t crate::lexicon::LexEntry>],
    words: &[u32],
    hits: &Hits,
    look: &Lookup<'t>,
) -> Vec<Item<'t>> {
    // overlays inside the sentence, disjoint, by start
    let mut overlays: Vec<Item<'t>> = Vec::new();
    let from = hits.entities.partition_point(|e| e.start < s.start);
    for (i, e) in hits.entities.iter().enumerate().skip(from) {
        if e.start >= s.end {
            break;
        }
        if e.end <= s.end {
            overlays.push(Item {
                text: &text[e.start..e.end],
                start: e.start,
                end: e.end,
                pos: overlay_pos(&e.kind),
                entity: Some((i, e.kind.clone())),
                time: None,
                lex: None,
                word: look.word(&text[e.start..e.end]),
                regex_memo: RegexMemo::default(),
            });
        }
    }
    let from = hits.times.partition_point(|t| t.start < s.start);
    for (i, t) in hits.times.iter().enumerate().skip(from) {
        if t.start >= s.end {
            break;
        }
        if t.end > s.end {
            continue;
        }
        if let Some(o) = overlays
            .iter_mut()
            .find(|o| o.start == t.start && o.end == t.end)
        {
            o.time = Some((i, t.kind));
        } else if !overlays
            .iter()
            .any(|o| overlaps((o.start, o.end), (t.start, t.end)))
        {
            overlays.push(Item {
                text: &text[t.start..t.end],
                start: t.start,
                end: t.end,
                pos: Tag::of("t"),
                entity: None,
                time: Some((i, t.kind)),
                lex: None,
                word: look.word(&text[t.start..t.end]),
                regex_memo: RegexMemo::default(),
            });
        }
    }
    overlays.sort_by_key(|o| o.start);
    if overlays.is_empty() {
        return tokens
            .iter()
            .zip(lexs)
            .zip(words)
            .map(|((t, &lex), &word)| Item::token(t, lex, word))
            .collect();
    }
    let mut items = Vec::with_capacity(tokens.len());
    let mut o = overlays.into_iter().peekable();
    let mut cursor = s.start; // everything before is emitted
    for ((t, &lex), &word) in tokens.iter().zip(lexs).zip(words) {
        while let Some(ov) = o.peek() {
            if ov.start < t.end() {
                let ov = o.next().expect("peeked");
                // the part of a token before the overlay
                let from = t.start().max(cursor);
                if from < ov.start && ov.start < t.end() {
                    items.push(piece(text, from, ov.start, t.pos, look));
                }
                cursor = cursor.max(ov.end);
                items.push(ov);
            } else {
                break;
            }
        }
        if t.end() <= cursor {
            continue;
        }
        let from = t.start().max(cursor);
        if from == t.start() {
            items.push(Item::token(t, lex, word));
        } else {
            items.push(piece(text, from, t.end(), t.pos, look));
        }
        cursor = t.end();
    }
    items.extend(o);
    items
}

fn piece<'t>(text: &'t str, a: usize, b: usize, pos: Tag, look: &Lookup<'t>) -> Item<'t> {
    let t = &text[a..b];
    let (lex, word) = (look.lex(t), look.word(t));
    Item {
        text: t,
        start: a,
        end: b,
        pos,
        entity: None,
        time: None,
        lex,
        word,
        regex_memo: RegexMemo::default(),
    }
}

fn overlay_pos(kind: &EntityType) -> Tag {
    Tag::of(match kind {
        EntityType::Org => "nt",
        EntityType::Location => "ns",
        EntityType::Person => "nr",
        EntityType::Money | EntityType::Percent => "m",
        _ => "nz",
    })
}

#[allow(clippy::too_many_arguments)]
fn emit(
    set: &RuleSet,
    input: &Input<'_>,
    rule_idx: usize,
    whole: (usize, usize),
    spans: &[Option<(usize, usize)>],
    entity_at: &dyn Fn(usize) -> Option<EntityHit>,
    prev_entities: &[EntityHit],
    sentence: &Range<usize>,
    sent_tokens: &[Token<'_>],
    found: &mut Candidates,
) {
    let rule = &set.inner.rules[rule_idx];
    let text = input.text;
    let at = |cap: Option<usize>| -> Option<(usize, usize)> {
        match cap {
            Some(c) => spans.get(c).copied().flatten(),
            None => Some(whole),
        }
    };
    match &rule.output {
        Output::Entity {
            kind,
            cap,
            canonical,
            each: true,
        } => {
            let Some((a, b)) = at(*cap) else { return };
            let from = prev_entities.partition_point(|e| e.start < a);
            for e in prev_entities[from..]
                .iter()
                .take_while(|e| e.start < b)
                .filter(|e| e.end <= b)
            {
                found.entities.push(EntityHit {
                    start: e.start,
                    end: e.end,
                    kind: kind.clone(),
                    canonical: match canonical {
                        Canonical::Fixed(c) => c.clone(),
                        Canonical::Text => text[e.start..e.end].to_string(),
                        Canonical::Lexicon => e.canonical.clone(),
                    },
                    rule: rule_idx,
                    alias: false,
                    priority: rule.priority,
                });
            }
        }
        Output::Entity {
            kind,
            cap,
            canonical,
            each: false,
        } => {
            let Some((a, b)) = at(*cap) else { return };
            let surface = &text[a..b];
            let canonical = match canonical {
                Canonical::Lexicon => input
                    .lexicon
                    .get(surface)
                    .map_or(surface, |e| e.canonical.as_str())
                    .to_string(),
                Canonical::Text => surface.to_string(),
                Canonical::Fixed(c) => c.clone(),
            };
            found.entities.push(EntityHit {
                start: a,
                end: b,
                kind: kind.clone(),
                canonical,
                rule: rule_idx,
                alias: false,
                priority: rule.priority,
            });
        }
        Output::Time { spec, cap } => {
            let Some((a, b)) = at(*cap) else { return };
            found.times.push(TimeHit {
                start: a,
                end: b,
                rule: rule_idx,
                spans: spans.into(),
                kind: spec.kind.unwrap_or(TimeKind::Date),
                priority: rule.priority,
            });
        }
        Output::Relation {
            predicate,
            subject,
            object,
            verb,
            value,
        } => {
            let party = |c: usize| -> Vec<EntityHit> {
                if let Some(e) = entity_at(c) {
                    return vec![e];
                }
                let Some((x, y)) = spans.get(c).copied().flatten() else {
                    return Vec::new();
                };
                // entities are in text order: only those near the capture are looked at
                match Reference::of(&text[x..y]) {
                    Some(r) => {
                        let before = prev_entities.partition_point(|e| e.start < x);
                        r.antecedents(x, sentence.start, &prev_entities[..before])
                    }
                    // a list (A、B和C): each name in it
                    None => {
                        let from = prev_entities.partition_point(|e| e.start < x);
                        prev_entities[from..]
                            .iter()
                            .take_while(|e| e.start < y)
                            .filter(|e| e.end <= y && is_party(e))
                            .cloned()
                            .collect()
                    }
                }
            };
            let (subjects, objects) = (party(*subject), party(*object));
            // one capture as both subject and object: the pairs it names
            // (双方: the two; a list of peers, 贵州茅台、五粮液、泸州老窖等:
            // each pair once, in text order; a long list names no pairs)
            let pairs: Vec<(EntityHit, EntityHit)> = if subject == object {
                if (2..=MAX_PEERS).contains(&subjects.len()) {
                    subjects
                        .iter()
                        .enumerate()
                        .flat_map(|(i, a)| {
                            subjects[i + 1..]
                                .iter()
                                .map(move |b| (a.clone(), b.clone()))
                        })
                        .collect()
                } else {
                    Vec::new()
                }
            } else {
                subjects
                    .iter()
                    .flat_map(|a| objects.iter().map(move |b| (a.clone(), b.clone())))
                    .collect()
            };
            let verb_span = match verb {
                Verb::Cap(c) => spans.get(*c).copied().flatten(),
                _ => None,
            };
            let verb = match verb {
                Verb::Cap(c) => spans
                    .get(*c)
                    .copied()
                    .flatten()
                    .map(|(x, y)| text[x..y].to_string())
                    .unwrap_or_default(),
                Verb::Fixed(v) => v.clone(),
                Verb::None => String::new(),
            };
            let value = value
                .and_then(|c| spans.get(c).copied().flatten())
                .map(|(x, y)| text[x..y].to_string());
            // cue words: inside the match or just before it
            let first = sent_tokens.partition_point(|t| t.end() <= whole.0);
            let window_start = sent_tokens
                .get(first.saturating_sub(3))
                .map_or(whole.0, |t| t.start().min(whole.0));
            // a cue governs the trigger (the verb, else the whole match) only
            // from inside its clause: 表示没有问题，并宣布收购 is no denial
            let trigger = match verb_span {
                Some((x, y)) => (x, y),
                None => whole,
            };
            let same_clause = |a: usize, b: usize| {
                let (x, y) = (a.min(b), a.max(b));
                !text
                    .get(x..y)
                    .is_some_and(|gap| gap.contains(crate::segment::CLAUSE_MARKS))
            };
            let cue = |words: &[String]| {
                sent_tokens
                    .iter()
                    .filter(|t| t.start() >= window_start && t.end() <= whole.1)
                    .filter(|t| words.iter().any(|w| w == t.text))
                    .any(|t| same_clause(t.end(), trigger.0) || same_clause(t.start(), trigger.1))
            };
            let (negated, hedged) = (cue(&rule.negation), cue(&rule.hedging));
            for (subj, obj) in pairs {
                if subj.span() == obj.span() || subj.canonical == obj.canonical {
                    continue;
                }
                found.relations.push(RelationHit {
                    subject: subj,
                    object: obj,
                    predicate: predicate.clone(),
                    verb: verb.clone(),
                    value: value.clone(),
                    negated,
                    hedged,
                    sentence: sentence.clone(),
                    rule: rule_idx,
                    origin: None,
                    priority: rule.priority,
                });
            }
        }
        Output::Veto {
            cap,
            entities,
            times,
        } => {
            if let Some(span) = at(*cap) {
                found.vetoes.push((span, *entities, *times));
            }
        }
    }
}

impl Spanned for RelationHit {
    fn span(&self) -> (usize, usize) {
        (self.sentence.start, self.sentence.end)
    }
    fn priority(&self) -> i32 {
        self.priority
    }
    fn rule(&self) -> usize {
        self.rule
    }
}

/// Whether an entity can be a party to a relation (not an amount or a link).
fn is_party(e: &EntityHit) -> bool {
    matches!(
        e.kind,
        EntityType::Org
            | EntityType::Product
            | EntityType::Person
            | EntityType::Location
            | EntityType::Event
    )
}

/// The most names a list used as both parties of a relation may have: each
/// pair is a triple, and a longer list is an enumeration, not a set of peers.
const MAX_PEERS: usize = 6;

/// Words that stand for a party named before: 该公司, 后者, 双方.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reference {
    /// 该公司, 该集团: the nearest organisation named before.
    This,
    /// 后者: the last name before.
    Latter,
    /// 前者: the name before the last.
    Former,
    /// 双方, 两者: the last two names.
    Both,
    /// 公司 in an announcement: the company the sentence is about, the
    /// first organisation it names (星海电子公告，…向公司控股股东星海集团…);
    /// with none before, the nearest one of the text.
    Company,
}

impl Reference {
    /// The reference `word` is, by the word lists `relations.party_*`
    /// (`data/words/words.toml`).
    fn of(word: &str) -> Option<Self> {
        static WORDS: std::sync::OnceLock<rustc_hash::FxHashMap<String, Reference>> =
            std::sync::OnceLock::new();
        let words = WORDS.get_or_init(|| {
            let lists = crate::words::WordLists::builtin();
            let mut m = rustc_hash::FxHashMap::default();
            for (name, r) in [
                ("relations.party_this", Reference::This),
                ("relations.party_company", Reference::Company),
                ("relations.party_latter", Reference::Latter),
                ("relations.party_former", Reference::Former),
                ("relations.party_both", Reference::Both),
            ] {
                for w in lists.get(name) {
                    m.entry(w.clone()).or_insert(r);
                }
            }
            m
        });
        words.get(word).copied()
    }

    /// The parties named before byte `at` this word stands for.
    fn antecedents(
        self,
        at: usize,
        sentence_start: usize,
        entities: &[EntityHit],
    ) -> Vec<EntityHit> {
        // distinct names before `at`, nearest first
        let mut before: Vec<&EntityHit> = Vec::new();
        for e in entities.iter().rev() {
            if e.end > at
                || !matches!(e.kind, EntityType::Org | EntityType::Product)
                || before.iter().any(|b| b.canonical == e.canonical)
            {
                continue;
            }
            before.push(e);
            if before.len() == 2 {
                break;
            }
        }
        // `entities` are in text order, so the reversed walk is nearest first
        match self {
            Reference::Company => {
                let first = entities.partition_point(|e| e.start < sentence_start);
                entities[first..]
                    .iter()
                    .find(|e| e.end <= at && e.kind == EntityType::Org)
                    .or_else(|| {
                        entities
                            .iter()
                            .rev()
                            .find(|e| e.end <= at && e.kind == EntityType::Org)
                    })
                    .cloned()
                    .into_iter()
                    .collect()
            }
            Reference::This => entities
                .iter()
                .rev()
                .find(|e| e.end <= at && e.kind == EntityType::Org)
                .cloned()
                .into_iter()
                .collect(),
            Reference::Latter => before.first().map(|e| (*e).clone()).into_iter().collect(),
            Reference::Former => before.get(1).map(|e| (*e).clone()).into_iter().collect(),
            // in the order the text named them
            Reference::Both if before.len() == 2 => vec![before[1].clone(), before[0].clone()],
            Reference::Both => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sentences of `text` split after 。 (what the segmenter does, simplified).
    fn sentences(text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if c == '。' {
                out.push(start..i + c.len_utf8());
                start = i + c.len_utf8();
            }
        }
        if start < text.len() {
            out.push(start..text.len());
        }
        out
    }

    /// The start index and the gate words only skip work: every match a
    /// pattern has when tried at every item of every sentence is found at
    /// the starts the index gives, and its sentence holds a gate word. Text:
    /// the rule files' own test sentences, with all the entities and times
    /// the rules find standing in for their tokens.
    #[test]
    fn start_index_and_gates_miss_no_match() {
        let rules = RuleSet::builtin().unwrap();
        let r = &rules.inner;
        let text: String = r
            .tests
            .iter()
            .map(|t| format!("{}\n", t.def.text))
            .collect();
        let sentences = crate::segment::split_sentences(&text);
        let lexicon = Lexicon::builtin();
        let tokenizer = crate::segment::Tokenizer::new(&lexicon, true);
        let mut tokens = Vec::new();
        for s in &sentences {
            tokenizer.tokenize_into(&text[s.clone()], s.start, &mut tokens);
        }
        let input = Input {
            text: &text,
            sentences: &sentences,
            tokens: &tokens,
            lexicon: &lexicon,
        };
        let hits = rules.run(&input, Hits::default(), &mut |_| {});
        assert!(hits.entities.len() > 100 && hits.times.len() > 20);
        let (mut tried, mut matched) = (0, 0);
        let mut t = 0;
        for s in &sentences {
            let from = t;
            while t < tokens.len() && tokens[t].end() <= s.end {
                t += 1;
            }
            let toks = &tokens[from..t];
            let lexs: Vec<_> = toks.iter().map(|t| lexicon.get(t.text)).collect();
            let words: Vec<u32> = toks.iter().map(|t| r.vocab.get(t.text)).collect();
            let look = Lookup {
                lexicon: Some(&lexicon),
                vocab: &r.vocab,
            };
            let items = build_items(&text, s, toks, &lexs, &words, &hits, &look);
            for (si, pats) in r.stage_patterns.iter().enumerate() {
                let mut starts = vec![Vec::new(); r.patterns.len()];
                for (i, it) in items.iter().enumerate() {
                    r.stage_starts[si].each_at(it, |pid| {
                        if starts[pid].last() != Some(&(i as u32)) {
                            starts[pid].push(i as u32);
                        }
                    });
                }
                for &pid in pats.keys() {
                    let all = r.patterns[pid].find_all(&items);
                    tried += 1;
                    if all.is_empty() {
                        continue;
                    }
                    matched += 1;
                    let at = r.patterns[pid].find_all_at(&items, &starts[pid]);
                    assert_eq!(all, at, "pattern {pid} in {:?}", &text[s.clone()]);
                    if let Anchor::Words(ws) = &r.anchors[pid] {
                        let ac = r.anchor_ac.as_ref().unwrap();
                        let present: Vec<usize> = ac
                            .find_overlapping_iter(&text[s.clone()])
                            .map(|m| m.pattern().as_usize())
                            .collect();
                        assert!(
                            ws.iter().any(|w| present.contains(w)),
                            "pattern {pid} matched in {:?} without a gate word",
                            &text[s.clone()]
                        );
                    }
                }
            }
        }
        assert!(matched > 150, "{matched} of {tried}");
    }

    #[test]
    fn an_alias_goes_with_the_last_mention_of_its_name() {
        let hit = |start, canonical: &str, alias| EntityHit {
            start,
            end: start + 3,
            kind: EntityType::Org,
            canonical: canonical.to_string(),
            rule: 0,
            alias,
            priority: 0,
        };
        let mut es = vec![
            hit(0, "星澜科技有限公司", false),
            hit(10, "星澜科技有限公司", true),
            hit(20, "上市公司", true),
        ];
        drop_orphan_aliases(&mut es);
        let left: Vec<usize> = es.iter().map(|e| e.start).collect();
        assert_eq!(left, [0, 10]);
    }

    #[test]
    fn gated_search_finds_what_a_whole_text_search_finds() {
        let text = "张三：今天开会。李四说，明天再谈。会议于3日举行。王五：好。结尾是张三";
        let sents = sentences(text);
        for src in [
            r"(?:^|[\n。！？])(?P<p>[张李王]\p{Han}{1,2})：",
            r"(?P<d>\d+)日",
            r"张三$",
            r"(?:明天|今天)",
        ] {
            let re = regex::Regex::new(src).unwrap();
            let lits = gate::regex_literals(src).unwrap();
            let which: Vec<u32> = (0..sents.len() as u32)
                .filter(|&k| {
                    lits.iter()
                        .any(|l| text[sents[k as usize].clone()].contains(l.as_str()))
                })
                .collect();
            let spans = |v: Vec<regex::Captures<'_>>| -> Vec<(usize, usize)> {
                v.iter()
                    .filter_map(|c| c.get(0))
                    .map(|m| (m.start(), m.end()))
                    .collect()
            };
            assert_eq!(
                spans(gated_captures(&re, text, &sents, &which)),
                spans(re.captures_iter(text).collect()),
                "{src}"
            );
        }
    }

    #[test]
    fn regex_literals_are_what_every_match_needs() {
        let lits = |s: &str| gate::regex_literals(s);
        assert_eq!(
            lits(r"(?P<n>\d+)个?月(?:之?前|以前)"),
            Some(vec!["月".to_string()])
        );
        assert_eq!(
            lits(r"(?:今年|去年)(?P<m>\d+)月"),
            Some(vec!["今年".to_string(), "去年".to_string()])
        );
        assert_eq!(lits(r"(?P<n>\d+)个月前"), Some(vec!["个月前".to_string()]));
        assert_eq!(lits(r"\p{Han}+公司"), Some(vec!["公司".to_string()]));
        // nothing every match must hold
        assert_eq!(lits(r"\p{Han}+"), None);
        assert_eq!(lits(r"(?:年)?\d+"), None);
    }

    #[test]
    fn regex_clauses_are_every_set_a_match_needs() {
        let sets = |s: &str| gate::regex_clauses(s);
        let v = |w: &[&str]| w.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            sets(r"(?P<y>\d+)年(?P<m>\d+)月"),
            vec![v(&["年"]), v(&["月"])]
        );
        assert_eq!(
            sets(r"(?:今年|去年)(?P<m>\d+)月(?:底)?"),
            vec![v(&["今年", "去年"]), v(&["月"])]
        );
        // an optional part needs nothing, a repeated one what it repeats
        assert_eq!(sets(r"(?:号)?(?:季度)+"), vec![v(&["季度"])]);
        assert!(sets(r"\p{Han}+").is_empty());
    }
}
