//! The rule engine: rule files (TOML) compiled once into a [`RuleSet`], then
//! run stage by stage over the sentences of a text.
//!
//! - `format.rs`: the schema (documented for users in `docs/RULES.md`);
//! - `compile.rs`: rule files to a rule set: validation, deduplication,
//!   the per-stage indexes; `elements.rs`: pattern elements and item
//!   conditions (macros, regex fragments); `output.rs`: a rule's output
//!   table checked against its captures; `time_fields.rs`: a time rule's
//!   output; `gate.rs`: the literals a rule needs the sentence to hold;
//! - `pattern.rs`: token patterns and their matcher; `items.rs`: what a
//!   sentence offers them (tokens, earlier findings standing in for theirs);
//! - `emit.rs`: a match made output; `hits.rs`: the findings, vetoes and
//!   overlap resolution;
//! - this file: running the stages over the sentences (gates, patterns,
//!   regexes), stage after stage.

mod compile;
mod elements;
mod emit;
pub(crate) mod format;
mod gate;
mod hits;
mod items;
mod output;
mod pattern;
mod scan;
mod start_index;
mod time_fields;
pub(crate) mod time_output;

use std::ops::Range;

use self::compile::Output;
pub use self::compile::{RuleSet, RuleTest};
use self::hits::{drop_orphan_aliases, settle, Candidates, SpanCover, Spanned};
pub(crate) use self::hits::{EntityHit, Hits, Input, RelationHit, TimeHit};
use self::scan::Scan;
use time_output::TimeSpec;

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
        let scan = Scan::new(&self.inner, input);
        // what stages before the rules found: the rules' own stages come
        // after it (and may replace what they overlap)
        let mut hits = seed;
        hits.entities.sort_by_key(|e| (e.start, e.end));
        // whether entities came since mentions were last linked
        let mut unlinked = true;
        for si in 0..self.inner.stages.len() {
            if self.inner.relation_stages[si] && unlinked {
                link(&mut hits.entities);
                unlinked = false;
            }
            let mut found = Candidates::default();
            scan.run_patterns(self, si, &hits, &mut found);
            scan.run_regexes(self, si, &hits, &mut found);
            unlinked |= settle_stage(&mut hits, found);
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

/// A stage's candidates settled into what earlier stages accepted: vetoes
/// first, then overlaps; true if entities came (mentions to link again).
fn settle_stage(hits: &mut Hits, found: Candidates) -> bool {
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
    let new_entities = !cand_e.is_empty();
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
    new_entities
}

#[cfg(test)]
mod tests {
    use super::compile::Anchor;
    use super::items::{build_items, Lookup};
    use super::scan::TEST_LONG_SENTENCE;
    use super::*;
    use crate::document::EntityType;
    use crate::lexicon::Lexicon;

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
    /// The rule files' own test sentences, one per line, and their
    /// sentence spans.
    fn rule_test_text(rules: &RuleSet) -> (String, Vec<Range<usize>>) {
        let text: String = rules
            .inner
            .tests
            .iter()
            .map(|t| format!("{}\n", t.def.text))
            .collect();
        let sentences = crate::segment::split_sentences(&text);
        (text, sentences)
    }

    /// The tokens of `text`'s sentences.
    fn tokens_of<'a>(
        text: &'a str,
        sentences: &[Range<usize>],
        lexicon: &Lexicon,
    ) -> Vec<crate::segment::Token<'a>> {
        let tokenizer = crate::segment::Tokenizer::new(lexicon, true);
        let mut tokens = Vec::new();
        for s in sentences {
            tokenizer.tokenize_into(&text[s.clone()], s.start, &mut tokens);
        }
        tokens
    }

    #[test]
    fn start_index_and_gates_miss_no_match() {
        let rules = RuleSet::builtin().unwrap();
        let r = &rules.inner;
        let lexicon = Lexicon::builtin();
        let (text, sentences) = rule_test_text(&rules);
        let tokens = tokens_of(&text, &sentences, &lexicon);
        let input = Input {
            text: &text,
            sentences: &sentences,
            tokens: &tokens,
            lexicon: &lexicon,
            words: crate::words::WordLists::builtin(),
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

    /// Narrowing the start items to the reach of gate words changes nothing:
    /// the rule files' test sentences with every sentence narrowed, then
    /// none, find the same.
    #[test]
    fn narrowed_starts_find_what_all_starts_find() {
        let rules = RuleSet::builtin().unwrap();
        let lexicon = Lexicon::builtin();
        let (text, sentences) = rule_test_text(&rules);
        let tokens = tokens_of(&text, &sentences, &lexicon);
        let input = Input {
            text: &text,
            sentences: &sentences,
            tokens: &tokens,
            lexicon: &lexicon,
            words: crate::words::WordLists::builtin(),
        };
        let run = |long: usize| {
            TEST_LONG_SENTENCE.with(|c| c.set(Some(long)));
            let hits = rules.run(&input, Hits::default(), &mut |_| {});
            TEST_LONG_SENTENCE.with(|c| c.set(None));
            format!("{hits:?}")
        };
        let (narrowed, whole) = (run(0), run(usize::MAX));
        assert!(whole.len() > 10_000);
        assert_eq!(narrowed, whole);
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
