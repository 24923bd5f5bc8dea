//! One run of the rule stages over a text: what every stage reads of it,
//! found once ([`Scan`]), then each stage's token patterns and regexes over
//! the sentences their gates let through.

use std::cell::Cell;
use std::ops::Range;

use super::compile::{Anchor, Inner};
use super::emit::{emit, Match};
use super::hits::{Candidates, EntityHit, Hits, Input};
use super::items::{build_items, Lookup};
use super::pattern;
use super::{gated_captures, holds_one, RuleSet};

/// What every stage of one run reads of the text, found once: the tokens of
/// each sentence, the gate words each sentence holds, the sentences each
/// gated regex may match in, the tokens' lexicon entries and word numbers.
pub(super) struct Scan<'r, 'i, 't> {
    r: &'r Inner,
    input: &'i Input<'t>,
    sent_tokens: Vec<Range<usize>>,
    /// The gate words of sentence k are `present[present_from[k]..present_from[k + 1]]`
    /// (one small list per sentence cost megabytes on a long text).
    present: Vec<u32>,
    present_from: Vec<u32>,
    regex_sentences: Vec<Vec<u32>>,
    /// Where the gate words lie in the long sentences (see
    /// [`Scan::start_items`]): those of sentence k are
    /// `gate_at[gate_at_from[k]..gate_at_from[k + 1]]`, (word, byte offset).
    gate_at: Vec<(u32, usize)>,
    gate_at_from: Vec<u32>,
    look: Lookup<'r>,
    tok_lex: Vec<Option<&'r crate::lexicon::LexEntry>>,
    tok_word: Vec<u32>,
}

impl<'r, 'i, 't> Scan<'r, 'i, 't>
where
    'i: 'r,
{
    pub(super) fn new(r: &'r Inner, input: &'i Input<'t>) -> Self {
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
        let GateWords {
            present,
            present_from,
            gate_at,
            gate_at_from,
        } = GateWords::find(r, input, &sent_tokens);
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
        Scan {
            r,
            input,
            sent_tokens,
            present,
            present_from,
            regex_sentences,
            gate_at,
            gate_at_from,
            look,
            tok_lex,
            tok_word,
        }
    }

    /// The gate words sentence `k` holds, ascending.
    fn present_in(&self, k: usize) -> &[u32] {
        &self.present[self.present_from[k] as usize..self.present_from[k + 1] as usize]
    }

    /// Stage `si`'s token patterns, sentence by sentence: only those whose
    /// gates the sentence passes, from the items the start index allows.
    pub(super) fn run_patterns(
        &self,
        set: &RuleSet,
        si: usize,
        hits: &Hits,
        found: &mut Candidates,
    ) {
        let (r, input, text) = (self.r, self.input, self.input.text);
        let (sent_tokens, tok_lex, tok_word, look) =
            (&self.sent_tokens, &self.tok_lex, &self.tok_word, &self.look);
        let pats = &r.stage_patterns[si];
        if pats.is_empty() {
            return;
        }
        // the buffers of the thread's last run, emptied
        let mut scratch = PATTERN_SCRATCH.with(Cell::take);
        scratch.reset(r.patterns.len());
        let PatternScratch {
            marks,
            cands,
            starts,
            near,
            long,
        } = &mut scratch;
        for (k, s) in input.sentences.iter().enumerate() {
            // which patterns have a chance here, before building items
            marks.now += 1;
            self.candidates(si, k, hits, marks, cands);
            if cands.is_empty() {
                continue;
            }
            let items = build_items(
                text,
                s,
                &input.tokens[sent_tokens[k].clone()],
                &tok_lex[sent_tokens[k].clone()],
                &tok_word[sent_tokens[k].clone()],
                hits,
                look,
            );
            *long |= items.len() > LONG_ITEMS;
            self.start_items(si, k, &items, marks, cands, starts, near);
            for &pid in cands.iter() {
                if let Some(rules) = pats.get(&pid) {
                    let at = r.patterns[pid].find_all_at(&items, &starts[pid]);
                    self.emit_matches(set, rules, at, &items, k, hits, found);
                }
            }
            for &pid in cands.iter() {
                starts[pid].clear();
            }
        }
        PATTERN_SCRATCH.with(|c| c.set(scratch));
    }

    /// The matches of a pattern in sentence `k` made the output of its `rules`.
    #[allow(clippy::too_many_arguments)]
    fn emit_matches(
        &self,
        set: &RuleSet,
        rules: &[usize],
        matches: Vec<(usize, usize, pattern::Caps)>,
        items: &[pattern::Item<'_>],
        k: usize,
        hits: &Hits,
        found: &mut Candidates,
    ) {
        let input = self.input;
        for (a, b, caps) in matches {
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
            let m = Match {
                whole,
                spans: &spans,
                entity_at: &entity_at,
                prev_entities: &hits.entities,
                sentence: &input.sentences[k],
                sent_tokens: &input.tokens[self.sent_tokens[k].clone()],
            };
            for &rule in rules {
                emit(set, input, rule, &m, found);
            }
        }
    }

    /// The items of sentence `k` each candidate pattern of stage `si` may
    /// start a match at, ascending, by the start index; in a long sentence,
    /// of the patterns anchored on gate words only those a match could reach
    /// a gate word from: every match holds one in one of its items and spans
    /// at most [`pattern::Pattern::max_items`] items. (A long run of text
    /// without a sentence mark, a table or junk, held some gate word
    /// somewhere, and every pattern was tried at every item of it.)
    #[allow(clippy::too_many_arguments)]
    fn start_items(
        &self,
        si: usize,
        k: usize,
        items: &[pattern::Item<'_>],
        marks: &Marks,
        cands: &[usize],
        starts: &mut [Vec<u32>],
        near: &mut [Vec<u32>],
    ) {
        let (r, now, seen) = (self.r, marks.now, &marks.seen);
        for (i, it) in items.iter().enumerate() {
            let i = i as u32;
            r.stage_starts[si].each_at(it, |pid| {
                if seen[pid] == now && starts[pid].last() != Some(&i) {
                    starts[pid].push(i);
                }
            });
        }
        let gates = &self.gate_at[self.gate_at_from[k] as usize..self.gate_at_from[k + 1] as usize];
        if gates.is_empty() {
            return;
        }
        // the item each gate word lies in (or the next)
        for &(w, at) in gates {
            let q = items.partition_point(|it| it.end <= at) as u32;
            for &pid in r.word_patterns[si].get(w as usize).into_iter().flatten() {
                if seen[pid] == now && near[pid].last() != Some(&q) {
                    near[pid].push(q);
                }
            }
        }
        for &pid in cands {
            let span = r.patterns[pid].max_items;
            if matches!(r.anchors[pid], Anchor::Words(_)) && span < items.len() {
                let qs = &mut near[pid];
                qs.sort_unstable();
                // a match from i takes items i..i + span: one of them holds q
                starts[pid].retain(|&i| {
                    let j = qs.partition_point(|&q| q < i);
                    qs.get(j).is_some_and(|&q| (q as usize) < i as usize + span)
                });
            }
            near[pid].clear();
        }
    }

    /// The patterns of stage `si` that have a chance in sentence `k`: those
    /// whose gate words it holds, and those anchored on an entity, a time or
    /// a lexicon word where the sentence has one. `marks` keeps the sentence
    /// each pattern was last taken or refused in.
    fn candidates(
        &self,
        si: usize,
        k: usize,
        hits: &Hits,
        marks: &mut Marks,
        cands: &mut Vec<usize>,
    ) {
        let r = self.r;
        let s = &self.input.sentences[k];
        let present_in = |k: usize| self.present_in(k);
        let (sent_tokens, tok_lex) = (&self.sent_tokens, &self.tok_lex);
        let Marks { seen, refused, now } = marks;
        let now = *now;
        cands.clear();
        for &w in present_in(k) {
            let w = w as usize;
            for &pid in &r.word_patterns[si][w] {
                if seen[pid] != now && refused[pid] != now {
                    if r.pattern_also[pid]
                        .iter()
                        .all(|set| holds_one(present_in(k), set))
                    {
                        seen[pid] = now;
                        cands.push(pid);
                    } else {
                        refused[pid] = now;
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
            if go && seen[pid] != now {
                seen[pid] = now;
                cands.push(pid);
            }
        }
    }

    /// Stage `si`'s regexes, each over the sentences its gates let through
    /// (or the whole text).
    pub(super) fn run_regexes(
        &self,
        set: &RuleSet,
        si: usize,
        hits: &Hits,
        found: &mut Candidates,
    ) {
        let (r, input, text) = (self.r, self.input, self.input.text);
        let (sent_tokens, regex_sentences) = (&self.sent_tokens, &self.regex_sentences);
        for &rid in &r.regex_order[si] {
            // gated to no sentence of this text: most, in a short one
            if r.regex_gated[rid] && regex_sentences[rid].is_empty() {
                continue;
            }
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
                let at = Match {
                    whole: (m.start(), m.end()),
                    spans: &spans,
                    entity_at: &entity_at,
                    prev_entities: &hits.entities,
                    sentence: s,
                    sent_tokens: &input.tokens[sent_tokens[k].clone()],
                };
                for &rule in rules {
                    emit(set, input, rule, &at, found);
                }
            }
        }
    }
}

/// The gate words of each sentence, all in one list: those of sentence k are
/// `present[present_from[k]..present_from[k + 1]]` (one small list per
/// sentence cost megabytes on a long text), and in a long sentence where
/// they are (`gate_at`, the same way).
struct GateWords {
    present: Vec<u32>,
    present_from: Vec<u32>,
    gate_at: Vec<(u32, usize)>,
    gate_at_from: Vec<u32>,
}

impl GateWords {
    fn find(r: &Inner, input: &Input<'_>, sent_tokens: &[Range<usize>]) -> Self {
        let n_sent = input.sentences.len();
        let mut g = GateWords {
            present: Vec::new(),
            present_from: Vec::with_capacity(n_sent + 1),
            gate_at: Vec::new(),
            gate_at_from: Vec::with_capacity(n_sent + 1),
        };
        g.present_from.push(0);
        g.gate_at_from.push(0);
        let Some(ac) = &r.anchor_ac else {
            g.present_from.resize(n_sent + 1, 0);
            g.gate_at_from.resize(n_sent + 1, 0);
            return g;
        };
        // sentence by sentence: a gate word counts only inside one
        let mut found: Vec<u32> = Vec::new();
        for (s, toks) in input.sentences.iter().zip(sent_tokens) {
            found.clear();
            let long = toks.len() > long_sentence();
            found.extend(ac.find_overlapping_iter(&input.text[s.clone()]).map(|m| {
                if long {
                    g.gate_at.push((m.pattern().as_u32(), s.start + m.start()));
                }
                m.pattern().as_u32()
            }));
            g.gate_at_from.push(g.gate_at.len() as u32);
            // a word met twice (，) adds no pattern the second time
            found.sort_unstable();
            found.dedup();
            g.present.extend_from_slice(&found);
            g.present_from.push(g.present.len() as u32);
        }
        g
    }
}

/// Sentences of more tokens than this have their start items narrowed to
/// the reach of gate words ([`Scan::start_items`]); in shorter ones most
/// patterns reach across the whole sentence anyway.
const LONG_SENTENCE: usize = 48;

#[cfg(test)]
thread_local! {
    /// A test's [`LONG_SENTENCE`].
    pub(super) static TEST_LONG_SENTENCE: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

fn long_sentence() -> usize {
    #[cfg(test)]
    if let Some(n) = TEST_LONG_SENTENCE.with(std::cell::Cell::get) {
        return n;
    }
    LONG_SENTENCE
}

/// When each pattern was last taken as a candidate, or refused (a gate word
/// of its is missing): a stamp per sentence and stage, rising for the
/// thread's whole life, so nothing is reset between runs.
#[derive(Default)]
struct Marks {
    seen: Vec<u64>,
    refused: Vec<u64>,
    /// The stamp of the sentence at hand.
    now: u64,
}

/// What [`Scan::run_patterns`] keeps per pattern while it runs, kept for the
/// thread's next run: made afresh, they cost more than the rules on a
/// short text.
#[derive(Default)]
struct PatternScratch {
    marks: Marks,
    /// The candidate patterns of a sentence.
    cands: Vec<usize>,
    /// Start items of each candidate pattern in the sentence.
    starts: Vec<Vec<u32>>,
    /// Items that hold gate words of each (see [`Scan::start_items`]).
    near: Vec<Vec<u32>>,
    /// Whether a sentence of more than [`LONG_ITEMS`] items came.
    long: bool,
}

/// A sentence of more items than this may leave lists that long.
const LONG_ITEMS: usize = 1024;

impl PatternScratch {
    /// Ready for `n` patterns. A run leaves the lists empty (each is
    /// cleared after its sentence), and stamps from before are all older.
    fn reset(&mut self, n: usize) {
        self.marks.seen.resize(n, 0);
        self.marks.refused.resize(n, 0);
        self.cands.clear();
        for list in [&mut self.starts, &mut self.near] {
            list.resize_with(n, Vec::new);
            if self.long {
                // what a long run of junk grew is not kept
                list.iter_mut()
                    .filter(|v| v.capacity() > LONG_ITEMS)
                    .for_each(|v| *v = Vec::new());
            }
        }
        self.long = false;
    }
}

thread_local! {
    static PATTERN_SCRATCH: Cell<PatternScratch> = Cell::new(PatternScratch::default());
}
