//! A match made output: the entity, time or relation a rule declares, from
//! the match's captures, checked (vetoes, the parties a relation allows,
//! lists of peers expanded, the company a sentence is about as a party).

use std::ops::Range;

use super::compile::{Canonical, Output, Rule, Verb};
use super::hits::{Candidates, EntityHit, Input, RelationHit, Spanned, TimeHit};
use super::RuleSet;
use crate::document::{EntityType, TimeKind};
use crate::segment::Token;

/// One match of a rule's pattern or regex, with what its output is made
/// from: the spans it covers, the entities found so far, its sentence.
pub(super) struct Match<'m, 'a> {
    /// The whole match.
    pub(super) whole: (usize, usize),
    /// Each capture's span, if it took something.
    pub(super) spans: &'m [Option<(usize, usize)>],
    /// The entity a capture is, if it is exactly one.
    pub(super) entity_at: &'m dyn Fn(usize) -> Option<EntityHit>,
    /// The entities of earlier stages, in text order.
    pub(super) prev_entities: &'m [EntityHit],
    pub(super) sentence: &'m Range<usize>,
    pub(super) sent_tokens: &'m [Token<'a>],
}

impl Match<'_, '_> {
    /// The span of a capture (`None`: the whole match).
    fn at(&self, cap: Option<usize>) -> Option<(usize, usize)> {
        match cap {
            Some(c) => self.spans.get(c).copied().flatten(),
            None => Some(self.whole),
        }
    }

    /// The entities of earlier stages inside `a..b`.
    fn entities_in(&self, a: usize, b: usize) -> impl Iterator<Item = &EntityHit> {
        let from = self.prev_entities.partition_point(|e| e.start < a);
        self.prev_entities[from..]
            .iter()
            .take_while(move |e| e.start < b)
            .filter(move |e| e.end <= b)
    }
}

/// Turn a match of rule `rule_idx` into what the rule declares.
pub(super) fn emit(
    set: &RuleSet,
    input: &Input<'_>,
    rule_idx: usize,
    m: &Match<'_, '_>,
    found: &mut Candidates,
) {
    let rule = &set.inner.rules[rule_idx];
    match &rule.output {
        Output::Entity {
            kind,
            cap,
            canonical,
            each,
        } => {
            let Some((a, b)) = m.at(*cap) else { return };
            let hit = |start: usize, end: usize, canonical: String| EntityHit {
                start,
                end,
                kind: kind.clone(),
                canonical,
                rule: rule_idx,
                alias: false,
                priority: rule.priority,
            };
            if *each {
                for e in m.entities_in(a, b) {
                    let canonical = match canonical {
                        Canonical::Fixed(c) => c.clone(),
                        Canonical::Text => input.text[e.start..e.end].to_string(),
                        Canonical::Lexicon => e.canonical.clone(),
                    };
                    found.entities.push(hit(e.start, e.end, canonical));
                }
            } else {
                let surface = &input.text[a..b];
                let canonical = match canonical {
                    Canonical::Lexicon => input
                        .lexicon
                        .get(surface)
                        .map_or(surface, |e| e.canonical.as_str())
                        .to_string(),
                    Canonical::Text => surface.to_string(),
                    Canonical::Fixed(c) => c.clone(),
                };
                found.entities.push(hit(a, b, canonical));
            }
        }
        Output::Time { spec, cap } => {
            let Some((a, b)) = m.at(*cap) else { return };
            if m.starts_inside_a_word(a, input.words.get("time.glued_before_time")) {
                return;
            }
            found.times.push(TimeHit {
                start: a,
                end: b,
                rule: rule_idx,
                spans: m.spans.into(),
                kind: spec.kind.unwrap_or(TimeKind::Date),
                priority: rule.priority,
            });
        }
        Output::Relation { .. } => m.relations(input, rule, rule_idx, found),
        Output::Veto {
            cap,
            entities,
            times,
        } => {
            if let Some(span) = m.at(*cap) {
                found.vetoes.push((span, *entities, *times));
            }
        }
    }
}

impl Match<'_, '_> {
    /// Whether `at` falls inside a word of the segmentation, not at its
    /// start: a time a text regex finds there is the tail of another word
    /// run into the next (目前|日本 holds no 前日, 表现|在 no 现在). A word
    /// that is only a preposition jieba glued to the time's first char
    /// (`glued`: 从今|年, 至今|年) does not count.
    fn starts_inside_a_word(&self, at: usize, glued: &[String]) -> bool {
        let i = self.sent_tokens.partition_point(|t| t.end() <= at);
        self.sent_tokens.get(i).is_some_and(|t| {
            t.start() < at
                && at < t.end()
                && !t
                    .text
                    .get(..at - t.start())
                    .is_some_and(|head| glued.iter().any(|g| g == head))
        })
    }

    /// The triples of a relation rule's match: each pair of its parties,
    /// with its verb, value and flags.
    fn relations(&self, input: &Input<'_>, rule: &Rule, rule_idx: usize, found: &mut Candidates) {
        let text = input.text;
        let Output::Relation {
            predicate,
            subject,
            object,
            verb,
            value,
        } = &rule.output
        else {
            return;
        };
        let text_of = |c: usize| {
            self.spans
                .get(c)
                .copied()
                .flatten()
                .map(|(x, y)| text[x..y].to_string())
        };
        let verb_span = match verb {
            Verb::Cap(c) => self.spans.get(*c).copied().flatten(),
            _ => None,
        };
        let verb = match verb {
            Verb::Cap(c) => text_of(*c).unwrap_or_default(),
            Verb::Fixed(v) => v.clone(),
            Verb::None => String::new(),
        };
        let value = value.and_then(text_of);
        let negated = self.cued(text, &rule.negation, verb_span);
        let hedged = self.cued(text, &rule.hedging, verb_span)
            || self.framed(text, input.words.get("relations.hedging_frames"));
        for (subj, obj) in self.pairs(input, *subject, *object) {
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
                sentence: self.sentence.clone(),
                rule: rule_idx,
                origin: None,
                priority: rule.priority,
            });
        }
    }
}

impl Match<'_, '_> {
    /// The parties capture `c` names: the entity it is; the names a
    /// reference word stands for (该公司, 双方); each name of a list in it
    /// (A、B和C).
    /// `avoid`: the other party, which a reference word does not stand for.
    fn parties(&self, input: &Input<'_>, c: usize, avoid: &[EntityHit]) -> Vec<EntityHit> {
        if let Some(e) = (self.entity_at)(c) {
            return vec![e];
        }
        let Some((x, y)) = self.spans.get(c).copied().flatten() else {
            return Vec::new();
        };
        match Reference::of(&input.text[x..y], input.words) {
            Some(r) => {
                // entities are in text order: only those near the capture are looked at
                let before = self.prev_entities.partition_point(|e| e.start < x);
                r.antecedents(x, self.sentence.start, &self.prev_entities[..before], avoid)
            }
            None => self
                .entities_in(x, y)
                .filter(|e| is_party(e))
                .cloned()
                .collect(),
        }
    }

    /// Whether capture `c` is a reference word (该公司, 后者), no name.
    fn is_reference(&self, input: &Input<'_>, c: usize) -> bool {
        (self.entity_at)(c).is_none()
            && self
                .spans
                .get(c)
                .copied()
                .flatten()
                .is_some_and(|(x, y)| Reference::of(&input.text[x..y], input.words).is_some())
    }

    /// The (subject, object) pairs of a relation. One capture as both
    /// subject and object names the pairs in it (双方: the two; a list of
    /// peers, 贵州茅台、五粮液、泸州老窖等: each pair once, in text order; a
    /// long list names no pairs).
    fn pairs(
        &self,
        input: &Input<'_>,
        subject: usize,
        object: usize,
    ) -> Vec<(EntityHit, EntityHit)> {
        if subject == object {
            let peers = self.parties(input, subject, &[]);
            if !(2..=MAX_PEERS).contains(&peers.len()) {
                return Vec::new();
            }
            return peers
                .iter()
                .enumerate()
                .flat_map(|(i, a)| peers[i + 1..].iter().map(move |b| (a.clone(), b.clone())))
                .collect();
        }
        // a reference word is resolved after the named party it is paired
        // with, and never stands for it
        let (subjects, objects) =
            if self.is_reference(input, subject) && !self.is_reference(input, object) {
                let objects = self.parties(input, object, &[]);
                (self.parties(input, subject, &objects), objects)
            } else {
                let subjects = self.parties(input, subject, &[]);
                let objects = self.parties(input, object, &subjects);
                (subjects, objects)
            };
        subjects
            .iter()
            .flat_map(|a| objects.iter().map(move |b| (a.clone(), b.clone())))
            .collect()
    }

    /// Whether one of the cue `words` governs the relation's trigger (the
    /// verb, else the whole match): a token inside the match or up to three
    /// before it, in the trigger's clause (表示没有问题，并宣布收购 is no denial).
    /// Whether the sentence opens what it says with a frame of hearsay
    /// before the match (有媒体报道称，A与B签署…): the frame governs every
    /// clause after it, not only its own.
    fn framed(&self, text: &str, frames: &[String]) -> bool {
        text.get(self.sentence.start..self.whole.0)
            .is_some_and(|before| frames.iter().any(|f| before.contains(f.as_str())))
    }

    fn cued(&self, text: &str, words: &[String], verb_span: Option<(usize, usize)>) -> bool {
        let whole = self.whole;
        let first = self.sent_tokens.partition_point(|t| t.end() <= whole.0);
        let window_start = self
            .sent_tokens
            .get(first.saturating_sub(3))
            .map_or(whole.0, |t| t.start().min(whole.0));
        let trigger = verb_span.unwrap_or(whole);
        let same_clause = |a: usize, b: usize| {
            let (x, y) = (a.min(b), a.max(b));
            !text
                .get(x..y)
                .is_some_and(|gap| gap.contains(crate::segment::CLAUSE_MARKS))
        };
        self.sent_tokens
            .iter()
            .filter(|t| t.start() >= window_start && t.end() <= whole.1)
            .filter(|t| words.iter().any(|w| w == t.text))
            .any(|t| same_clause(t.end(), trigger.0) || same_clause(t.start(), trigger.1))
    }
}

/// Whether an entity can be a party to a relation (not an amount or a link).
pub(super) fn is_party(e: &EntityHit) -> bool {
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
pub(super) const MAX_PEERS: usize = 6;

/// Words that stand for a party named before: 该公司, 后者, 双方.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Reference {
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
    /// (`data/words/words.toml`, or a user's).
    fn of(word: &str, words: &crate::words::WordLists) -> Option<Self> {
        [
            ("relations.party_this", Reference::This),
            ("relations.party_company", Reference::Company),
            ("relations.party_latter", Reference::Latter),
            ("relations.party_former", Reference::Former),
            ("relations.party_both", Reference::Both),
        ]
        .into_iter()
        .find(|(name, _)| words.get(name).iter().any(|w| w == word))
        .map(|(_, r)| r)
    }

    /// The parties named before byte `at` this word stands for.
    /// `avoid` holds the other party of the relation: 该公司 never stands
    /// for the company it is paired with (A公告，B拟收购该公司: A, not B).
    fn antecedents(
        self,
        at: usize,
        sentence_start: usize,
        entities: &[EntityHit],
        avoid: &[EntityHit],
    ) -> Vec<EntityHit> {
        let other = |e: &EntityHit| avoid.iter().any(|a| a.start == e.start && a.end == e.end);
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
                    .find(|e| e.end <= at && e.kind == EntityType::Org && !other(e))
                    .or_else(|| {
                        entities
                            .iter()
                            .rev()
                            .find(|e| e.end <= at && e.kind == EntityType::Org && !other(e))
                    })
                    .cloned()
                    .into_iter()
                    .collect()
            }
            Reference::This => entities
                .iter()
                .rev()
                .find(|e| e.end <= at && e.kind == EntityType::Org && !other(e))
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
