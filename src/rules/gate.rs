//! Gates: what a pattern or a regex needs the sentence to hold before it is
//! worth running. Read from the rules' syntax when they compile (the
//! literals every match contains, as sets of alternatives that must all be
//! present), found in the text by one Aho-Corasick pass per sentence, so
//! that a rule runs only where its words are (`RuleSet::run`).

use std::rc::Rc;

use rustc_hash::FxHashMap;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::compile::Anchor;
use super::pattern::{Cond, Elem, Pattern, Vocab};

/// The gates of a rule set's patterns and regexes.
pub(super) struct Gates {
    /// The gate words (deduplicated), numbered by their place.
    pub(super) words: Vec<String>,
    /// Each pattern's anchor.
    pub(super) anchors: Vec<Anchor>,
    /// The other sets of gate words a word-anchored pattern needs (ids
    /// ascending).
    pub(super) pattern_also: Vec<Vec<Vec<u32>>>,
    /// The regexes gated on each gate word.
    pub(super) word_regexes: Vec<Vec<usize>>,
    /// Whether a regex is gated (else it runs over the whole text).
    pub(super) regex_gated: Vec<bool>,
    /// The other sets of gate words a gated regex needs.
    pub(super) regex_also: Vec<Vec<Vec<u32>>>,
    /// The automaton that finds the gate words.
    pub(super) automaton: Option<AhoCorasick>,
}

impl Gates {
    /// The gates of `patterns` and `regexes` (the rule set's, by id).
    pub(super) fn build(patterns: &[Pattern], regexes: &[Regex], vocab: &Vocab) -> Self {
        let mut anchor_words: Vec<String> = Vec::new();
        let mut word_ids: FxHashMap<String, usize> = FxHashMap::default();
        let facts = RegexFacts::default();
        let anchors: Vec<Anchor> = patterns
            .iter()
            .map(|p| anchor_of(&p.elems, vocab, &facts, &mut anchor_words, &mut word_ids))
            .collect();
        // the other sets of words a word-anchored pattern needs
        let pattern_also: Vec<Vec<Vec<u32>>> = patterns
            .iter()
            .zip(&anchors)
            .map(|(p, anchor)| {
                let Anchor::Words(first) = anchor else {
                    return Vec::new();
                };
                let sets = pattern_clauses(&p.elems, vocab, &facts);
                also_sets(first, sets, &mut anchor_words, &mut word_ids)
            })
            .collect();
        // regexes are gated the same way: run only over the sentences that
        // hold one of the literals every match contains
        let regex_gates: Vec<Option<Vec<usize>>> = regexes
            .iter()
            .map(|re| {
                facts
                    .literals(re.as_str())
                    .map(|lits| intern(lits, &mut anchor_words, &mut word_ids))
            })
            .collect();
        let mut word_regexes = vec![Vec::new(); anchor_words.len()];
        for (rid, g) in regex_gates.iter().enumerate() {
            for &w in g.iter().flatten() {
                word_regexes[w].push(rid);
            }
        }
        let regex_gated = regex_gates.iter().map(Option::is_some).collect();
        // the other sets a gated regex needs, checked in each sentence its
        // first set lets through
        let regex_also: Vec<Vec<Vec<u32>>> = regexes
            .iter()
            .zip(&regex_gates)
            .map(|(re, gate)| match gate {
                Some(first) => also_sets(
                    first,
                    facts.clauses(re.as_str()),
                    &mut anchor_words,
                    &mut word_ids,
                ),
                None => Vec::new(),
            })
            .collect();
        // words of those sets are gate words too, found by nothing else
        word_regexes.resize(anchor_words.len(), Vec::new());
        let anchor_ac = if anchor_words.is_empty() {
            None
        } else {
            AhoCorasick::new(&anchor_words).ok()
        };
        Gates {
            words: anchor_words,
            anchors,
            pattern_also,
            word_regexes,
            regex_gated,
            regex_also,
            automaton: anchor_ac,
        }
    }
}

/// The most selective required element of a pattern: literals one of which
/// every match contains (looked up once per text with Aho-Corasick), or else
/// the kind of item every match needs.
pub(super) fn anchor_of(
    elems: &[Elem],
    vocab: &Vocab,
    facts: &RegexFacts,
    words: &mut Vec<String>,
    ids: &mut FxHashMap<String, usize>,
) -> Anchor {
    if let Some(lits) = literals_of(elems, vocab, facts) {
        return Anchor::Words(intern(lits, words, ids));
    }
    let mut fallback = Anchor::Always;
    for e in elems {
        let Elem::Item { conds, min, .. } = e else {
            continue;
        };
        if *min == 0 {
            continue;
        }
        for c in conds {
            match c {
                Cond::Entity(_) => fallback = Anchor::Entity,
                Cond::Time(_) if matches!(fallback, Anchor::Always) => fallback = Anchor::Time,
                Cond::Lexicon(_) if matches!(fallback, Anchor::Always) => {
                    fallback = Anchor::Lexicon
                }
                _ => {}
            }
        }
    }
    fallback
}

/// The sets of gate words other than `first` (the anchor) that a finder
/// needs, as ascending ids.
pub(super) fn also_sets(
    first: &[usize],
    sets: Vec<Vec<String>>,
    words: &mut Vec<String>,
    ids: &mut FxHashMap<String, usize>,
) -> Vec<Vec<u32>> {
    let mut first: Vec<u32> = first.iter().map(|&w| w as u32).collect();
    first.sort_unstable();
    let mut out: Vec<Vec<u32>> = sets
        .into_iter()
        .map(|set| {
            let mut set: Vec<u32> = intern(set, words, ids)
                .into_iter()
                .map(|w| w as u32)
                .collect();
            set.sort_unstable();
            set
        })
        .filter(|set| *set != first)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The ids of `lits` in the shared list of gate words, added where new.
pub(super) fn intern(
    lits: Vec<String>,
    words: &mut Vec<String>,
    ids: &mut FxHashMap<String, usize>,
) -> Vec<usize> {
    lits.into_iter()
        .map(|l| {
            *ids.entry(l.clone()).or_insert_with(|| {
                words.push(l);
                words.len() - 1
            })
        })
        .collect()
}

/// How selective a set of literals is as a gate: longer words are rarer (the
/// shortest one counts), then fewer words.
pub(super) fn literal_rank(v: &[String]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = v.iter().map(|l| l.chars().count()).min().unwrap_or(0);
    (shortest, std::cmp::Reverse(v.len()))
}

/// Literals one of which every match of the regex `src` contains (the most
/// selective such set, as for patterns), if its syntax tells.
#[cfg(test)]
pub(crate) fn regex_literals(src: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::Parser::new().parse(src).ok()?;
    regex_literals_of(&hir).filter(|v| gate_worthy(v))
}

/// [`regex_literals`] of a parsed regex (unfiltered).
pub(super) fn regex_literals_of(h: &regex_syntax::hir::Hir) -> Option<Vec<String>> {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn required(h: &Hir) -> Option<Vec<String>> {
        match h.kind() {
            HirKind::Literal(lit) => std::str::from_utf8(&lit.0)
                .ok()
                .filter(|s| !s.is_empty())
                .map(|s| vec![s.to_string()]),
            HirKind::Class(Class::Unicode(c)) => {
                let n: u32 = c
                    .ranges()
                    .iter()
                    .map(|r| u32::from(r.end()) - u32::from(r.start()) + 1)
                    .sum();
                (n <= 16).then(|| {
                    c.ranges()
                        .iter()
                        .flat_map(|r| r.start()..=r.end())
                        .map(String::from)
                        .collect()
                })
            }
            HirKind::Capture(c) => required(&c.sub),
            HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
            HirKind::Concat(subs) => subs
                .iter()
                .filter_map(required)
                .max_by(|a, b| literal_rank(a).cmp(&literal_rank(b))),
            HirKind::Alternation(subs) => {
                let mut all = Vec::new();
                for sub in subs {
                    all.extend(required(sub)?);
                }
                all.sort();
                all.dedup();
                Some(all)
            }
            _ => None,
        }
    }
    required(h)
}

/// What the gates need to know of each regex source (its rarest set of
/// literals, every set), from one parse, kept for the sources met again:
/// a condition's regex is asked about once per pattern that has it, and
/// parsing a time regex with its Unicode classes costs more than using it.
#[derive(Default)]
pub(super) struct RegexFacts {
    memo: std::cell::RefCell<FxHashMap<String, Rc<GateFacts>>>,
}

/// A regex's rarest set of gate literals, and every set it needs.
type GateFacts = (Option<Vec<String>>, Vec<Vec<String>>);

impl RegexFacts {
    fn of(&self, src: &str) -> Rc<GateFacts> {
        if let Some(f) = self.memo.borrow().get(src) {
            return Rc::clone(f);
        }
        let facts = Rc::new(match regex_syntax::Parser::new().parse(src) {
            Ok(hir) => (
                regex_literals_of(&hir).filter(|v| gate_worthy(v)),
                clauses_of(&hir),
            ),
            Err(_) => (None, Vec::new()),
        });
        self.memo
            .borrow_mut()
            .insert(src.to_string(), Rc::clone(&facts));
        facts
    }

    /// [`regex_literals`], remembered.
    pub(super) fn literals(&self, src: &str) -> Option<Vec<String>> {
        self.of(src).0.clone()
    }

    /// [`regex_clauses`], remembered.
    pub(super) fn clauses(&self, src: &str) -> Vec<Vec<String>> {
        self.of(src).1.clone()
    }
}

/// Whether a set of literals can gate: whitespace can lie between
/// sentences, where a gate word is not looked for.
pub(super) fn gate_worthy(v: &[String]) -> bool {
    !v.is_empty() && v.iter().all(|l| !l.trim().is_empty())
}

/// Every set of literals of which each match of the regex `src` contains
/// one (a conjunction: `\d+年\d+月` needs 年 and 月), as far as its syntax
/// tells; empty if it tells nothing. The gate runs a regex only in the
/// sentences that hold a literal of each set.
#[cfg(test)]
pub(crate) fn regex_clauses(src: &str) -> Vec<Vec<String>> {
    regex_syntax::Parser::new()
        .parse(src)
        .map_or_else(|_| Vec::new(), |hir| clauses_of(&hir))
}

/// [`regex_clauses`] of a parsed regex.
pub(super) fn clauses_of(hir: &regex_syntax::hir::Hir) -> Vec<Vec<String>> {
    use regex_syntax::hir::{Hir, HirKind};
    fn clauses(h: &Hir, out: &mut Vec<Vec<String>>) {
        match h.kind() {
            HirKind::Capture(c) => clauses(&c.sub, out),
            HirKind::Repetition(r) if r.min >= 1 => clauses(&r.sub, out),
            HirKind::Concat(subs) => subs.iter().for_each(|s| clauses(s, out)),
            _ => {
                if let Some(v) = regex_literals_of(h) {
                    out.push(v);
                }
            }
        }
    }
    let mut out = Vec::new();
    clauses(hir, &mut out);
    out.retain(|v| gate_worthy(v));
    out.sort();
    out.dedup();
    out
}

/// The most words one condition may give the gate automaton (the generated
/// list of words that are no names has 11,765; gating on them cost 8 MB).
const MAX_GATE_WORDS: usize = 2000;

/// Literals one of which every match of `elems` contains, if the pattern
/// says so: the required element (an item, or alternatives that each have
/// literals) whose literals are the rarest, judged by their shortest literal
/// (longer words are rarer), then by fewer literals.
pub(super) fn literals_of(
    elems: &[Elem],
    vocab: &Vocab,
    facts: &RegexFacts,
) -> Option<Vec<String>> {
    let mut best: Option<Vec<String>> = None;
    for v in pattern_clauses(elems, vocab, facts) {
        if best
            .as_ref()
            .is_none_or(|b| literal_rank(&v) > literal_rank(b))
        {
            best = Some(v);
        }
    }
    best
}

/// Every set of literals of which each match of `elems` contains one: one
/// set per required element that tells (for an item, the rarest of its
/// conditions'; for alternatives, the union of theirs), in element order.
pub(super) fn pattern_clauses(
    elems: &[Elem],
    vocab: &Vocab,
    facts: &RegexFacts,
) -> Vec<Vec<String>> {
    elems
        .iter()
        .filter_map(|e| match e {
            Elem::Item { conds, min, .. } if *min > 0 => conds
                .iter()
                .filter_map(|c| cond_literals(c, vocab, facts))
                .max_by(|a, b| literal_rank(a).cmp(&literal_rank(b))),
            Elem::Alt { alts, min, .. } if *min > 0 => {
                let mut all = Vec::new();
                for alt in alts {
                    all.extend(literals_of(alt, vocab, facts)?);
                }
                (!all.is_empty()).then(|| {
                    all.sort();
                    all.dedup();
                    all
                })
            }
            _ => None,
        })
        .collect()
}

/// The literals one of which an item's text holds where the condition
/// holds, if it tells.
pub(super) fn cond_literals(c: &Cond, vocab: &Vocab, facts: &RegexFacts) -> Option<Vec<String>> {
    match c {
        Cond::Text(t) if !vocab.word(*t).is_empty() => Some(vec![vocab.word(*t).to_string()]),
        // a long word list gates nothing (its words are everywhere) and
        // would make the shared automaton big: such a pattern falls back
        // to its entity or lexicon anchor
        Cond::Words(w) if w.len() <= MAX_GATE_WORDS => {
            let mut v: Vec<String> = w
                .ids()
                .into_iter()
                .map(|id| vocab.word(id).to_string())
                .collect();
            v.sort();
            (!v.is_empty() && v.iter().all(|l| !l.is_empty())).then_some(v)
        }
        // an item's text is a piece of its sentence: what the
        // item's regex needs, the sentence holds
        Cond::Regex(r) => facts
            .literals(r.regex.as_str())
            .filter(|v| v.len() <= MAX_GATE_WORDS),
        _ => None,
    }
}
