//! The inline `[[test]]` cases of rule files, run through a whole
//! extractor (a case states what a sentence should give, end to end), here
//! rather than in the rule engine, which knows no extractor.

use super::Extractor;
use crate::document::Document;
use crate::rules::format::{ExpTriple, TestDef};
use crate::rules::RuleTest;

/// Run `test` with `ex`; one message per expectation not met.
pub(super) fn check(test: &RuleTest, ex: &Extractor) -> Vec<String> {
    let d = test.def();
    let reference = match d
        .reference
        .as_deref()
        .map(str::parse::<crate::Reference>)
        .transpose()
    {
        Ok(r) => r,
        Err(e) => return vec![format!("bad reference: {e}")],
    };
    let doc = match ex.extract_at(&d.text, reference) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("extraction failed: {e}")],
    };
    let mut out = Vec::new();
    check_entities(d, &doc, &mut out);
    check_times(d, &doc, &mut out);
    check_triples(d, &doc, &mut out);
    if d.exact {
        check_nothing_else(d, &doc, &mut out);
    }
    out
}

fn check_entities(d: &TestDef, doc: &Document, out: &mut Vec<String>) {
    let found = |e: &crate::rules::format::ExpEntity| {
        doc.entities.iter().any(|x| {
            x.text == e.text
                && x.kind.as_str() == e.kind
                && e.canonical.as_ref().is_none_or(|c| &x.canonical == c)
        })
    };
    for e in &d.entities {
        if !found(e) {
            out.push(format!(
                "entity {} {:?} not found in {:?}",
                e.kind, e.text, d.text
            ));
        }
    }
    for e in &d.not_entities {
        if found(e) {
            out.push(format!(
                "entity {} {:?} found in {:?}, which it must not be",
                e.kind, e.text, d.text
            ));
        }
    }
}

fn check_times(d: &TestDef, doc: &Document, out: &mut Vec<String>) {
    for t in &d.times {
        let found = doc.times.iter().any(|x| {
            x.text == t.text
                && t.value.as_ref().is_none_or(|v| x.value.as_ref() == Some(v))
                && t.kind.as_ref().is_none_or(|k| {
                    serde_json::to_value(x.kind)
                        .ok()
                        .and_then(|j| j.as_str().map(str::to_string))
                        .as_deref()
                        == Some(k.as_str())
                })
        });
        if !found {
            let got: Vec<String> = doc
                .times
                .iter()
                .map(|x| format!("{} = {:?}", x.text, x.value))
                .collect();
            out.push(format!(
                "time {:?} (value {:?}) not found; found {got:?}",
                t.text, t.value
            ));
        }
    }
}

fn check_triples(d: &TestDef, doc: &Document, out: &mut Vec<String>) {
    let names = |m: &crate::Mention| [m.text.clone(), m.normalized.clone(), m.canonical.clone()];
    let found = |t: &ExpTriple| {
        doc.triples.iter().any(|x| {
            x.predicate.to_string() == t.predicate
                && names(&x.subject).contains(&t.subject)
                && names(&x.object).contains(&t.object)
                && t.negated.is_none_or(|n| n == x.negated)
                && t.hedged.is_none_or(|h| h == x.hedged)
                && t.value.as_ref().is_none_or(|v| x.value.as_ref() == Some(v))
        })
    };
    for t in &d.not_triples {
        if found(t) {
            out.push(format!(
                "triple {} --{}--> {} found in {:?}, which it must not be",
                t.subject, t.predicate, t.object, d.text
            ));
        }
    }
    for t in &d.triples {
        let found = found(t);
        if !found {
            let got: Vec<String> = doc
                .triples
                .iter()
                .map(|x| {
                    format!(
                        "{} --{}--> {} (negated {}, hedged {}, value {:?})",
                        x.subject.text, x.predicate, x.object.text, x.negated, x.hedged, x.value
                    )
                })
                .collect();
            out.push(format!(
                "triple {} --{}--> {} not found; found {got:?}",
                t.subject, t.predicate, t.object
            ));
        }
    }
}

/// `exact = true`: nothing beyond what the case lists.
fn check_nothing_else(d: &TestDef, doc: &Document, out: &mut Vec<String>) {
    if doc.entities.len() > d.entities.len() {
        out.push(format!(
            "exact: {} entities found, {} expected",
            doc.entities.len(),
            d.entities.len()
        ));
    }
    if doc.times.len() > d.times.len() {
        let got: Vec<&str> = doc.times.iter().map(|x| x.text.as_str()).collect();
        out.push(format!(
            "exact: times {got:?} found, {} expected",
            d.times.len()
        ));
    }
    if doc.triples.len() > d.triples.len() {
        out.push(format!(
            "exact: {} triples found, {} expected",
            doc.triples.len(),
            d.triples.len()
        ));
    }
}
