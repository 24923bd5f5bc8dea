//! The [`Document`] from what the stages found: every span mapped back to
//! the input through the prepared text's map, names and values copied out,
//! anything inside a garbled run dropped.

use super::{Extractor, Prepared};
use crate::config::Reference;
use crate::document::{
    Diagnostic, DocDateSource, Document, Entity, Mention, TimeExpr, Token, Triple,
};
use crate::pipeline::{TimeFound, Work};
use crate::rules::{EntityHit, RelationHit};
use crate::text::CharIndex;

/// The document of `text` (the input) from the stages' `work`.
pub(super) fn document(
    ex: &Extractor,
    text: &str,
    prepared: &Prepared,
    given: Option<Reference>,
    mut work: Work<'_>,
) -> Document {
    let opts = &ex.inner.options;
    let detected = work.detected;
    let reference = given.or(detected);
    // the tokens are big (32 bytes each); unless the caller wants them,
    // they go before the Document's strings are made
    let tokens = if opts.include_tokens {
        Some(std::mem::take(&mut work.tokens))
    } else {
        None
    };
    let hits = std::mem::take(&mut work.hits);
    let found_times = std::mem::take(&mut work.times);
    drop(work);

    let out = Spans {
        text,
        prepared,
        index: CharIndex::new(text),
    };
    let diagnostics = prepared
        .findings
        .iter()
        .map(|f| Diagnostic {
            kind: f.kind.clone(),
            span: out.index.span(f.range.start, f.range.end),
            message: f.message.clone(),
        })
        .collect();
    let (doc_date, doc_date_source) = match (given, detected) {
        (Some(r), _) => (Some(r.datetime.date()), DocDateSource::Given),
        (None, Some(r)) => (Some(r.datetime.date()), DocDateSource::Detected),
        (None, None) => (None, DocDateSource::None),
    };
    Document {
        id: None,
        doc_date,
        reference: reference.map(|r| r.datetime),
        doc_date_source,
        simplified: opts.include_simplified.then(|| prepared.converted.clone()),
        entities: out.entities(ex, &hits.entities),
        times: out.times(&found_times),
        triples: out.triples(ex, &hits.relations),
        diagnostics,
        tokens: tokens.map(|tokens| out.tokens(&tokens)),
    }
}

/// Spans of the prepared text mapped back to the input.
struct Spans<'a> {
    text: &'a str,
    prepared: &'a Prepared,
    index: CharIndex<'a>,
}

impl Spans<'_> {
    /// Whether an input range touches a garbled run.
    fn garbled(&self, s: usize, e: usize) -> bool {
        self.prepared
            .garbled
            .iter()
            .any(|g| s < g.end && g.start < e)
    }

    fn mention(&self, h: &EntityHit) -> Mention {
        let (s, e) = self.prepared.map.span(h.start, h.end);
        Mention {
            text: self.text[s..e].to_string(),
            normalized: self.prepared.text()[h.start..h.end].to_string(),
            canonical: h.canonical.clone(),
            kind: h.kind.clone(),
            span: self.index.span(s, e),
        }
    }

    fn entities(&self, ex: &Extractor, hits: &[EntityHit]) -> Vec<Entity> {
        let mut entities = Vec::with_capacity(hits.len());
        for h in hits {
            let m = self.mention(h);
            if self.garbled(m.span.start, m.span.end) {
                continue;
            }
            entities.push(Entity {
                text: m.text,
                normalized: m.normalized,
                canonical: m.canonical,
                kind: m.kind,
                span: m.span,
                source: if h.alias {
                    "alias".to_string()
                } else if h.rule == EntityHit::NO_RULE {
                    "pass:person_names".to_string()
                } else if h.rule == EntityHit::FROM_STAGE {
                    "stage".to_string()
                } else {
                    format!("rule:{}", ex.inner.rules.rule_id(h.rule))
                },
            });
        }
        entities
    }

    fn times(&self, found: &[TimeFound]) -> Vec<TimeExpr> {
        let mut times = Vec::with_capacity(found.len());
        for h in found {
            let (s, e) = self.prepared.map.span(h.start, h.end);
            if self.garbled(s, e) {
                continue;
            }
            let v = &h.value;
            times.push(TimeExpr {
                text: self.text[s..e].to_string(),
                kind: v.kind,
                value: v.value.clone(),
                grain: v.grain,
                range: v.range,
                relative: v.relative,
                modifier: v.modifier,
                span: self.index.span(s, e),
            });
        }
        times
    }

    fn triples(&self, ex: &Extractor, relations: &[RelationHit]) -> Vec<Triple> {
        let mut triples = Vec::with_capacity(relations.len());
        for h in relations {
            let (subject, object) = (self.mention(&h.subject), self.mention(&h.object));
            if self.garbled(subject.span.start, subject.span.end)
                || self.garbled(object.span.start, object.span.end)
            {
                continue;
            }
            let (s, e) = self.prepared.map.span(h.sentence.start, h.sentence.end);
            triples.push(Triple {
                subject,
                predicate: h.predicate.clone(),
                verb: h.verb.clone(),
                object,
                value: h.value.clone(),
                negated: h.negated,
                hedged: h.hedged,
                sentence: self.index.span(s, e),
                rule: match h.origin {
                    Some(o) => o.to_string(),
                    None => ex.inner.rules.rule_id(h.rule).to_string(),
                },
            });
        }
        triples
    }

    fn tokens(&self, tokens: &[crate::segment::Token<'_>]) -> Vec<Token> {
        tokens
            .iter()
            .map(|t| {
                let (s, e) = self.prepared.map.span(t.start(), t.end());
                Token {
                    text: self.text[s..e].to_string(),
                    pos: t.pos.to_string(),
                    span: self.index.span(s, e),
                }
            })
            .collect()
    }
}
