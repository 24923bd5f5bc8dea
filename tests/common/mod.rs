//! Shared test helpers: one Extractor per test binary, span checks.
#![allow(dead_code)]

use std::sync::OnceLock;

use zhextract::{Document, Extractor, Span};

pub const SEED: &str = include_str!("../../fixtures/seed_tmall_wechat_trad.txt");

/// One extractor with `simplified` and tokens turned on, built once.
pub fn extractor() -> &'static Extractor {
    static EX: OnceLock<Extractor> = OnceLock::new();
    EX.get_or_init(|| {
        Extractor::builder()
            .include_simplified(true)
            .include_tokens(true)
            .build()
            .expect("default extractor builds")
    })
}

/// Panics unless `span` is a valid span of `input` whose text is `text`.
pub fn check_span(input: &str, span: &Span, text: Option<&str>) {
    assert!(span.start <= span.end, "start > end: {span:?}");
    assert!(
        input.is_char_boundary(span.start) && input.is_char_boundary(span.end),
        "not on char boundaries: {span:?}"
    );
    assert_eq!(
        input[..span.start].chars().count(),
        span.char_start,
        "char_start disagrees: {span:?}"
    );
    assert_eq!(
        input[..span.end].chars().count(),
        span.char_end,
        "char_end disagrees: {span:?}"
    );
    if let Some(t) = text {
        assert_eq!(
            &input[span.start..span.end],
            t,
            "text is not input[start..end]"
        );
    }
}

/// Every span of the document checked against `input`.
pub fn check_document(input: &str, doc: &Document) {
    for e in &doc.entities {
        check_span(input, &e.span, Some(&e.text));
    }
    for t in &doc.times {
        check_span(input, &t.span, Some(&t.text));
    }
    for t in &doc.triples {
        check_span(input, &t.subject.span, Some(&t.subject.text));
        check_span(input, &t.object.span, Some(&t.object.text));
        check_span(input, &t.sentence, None);
    }
    for d in &doc.diagnostics {
        check_span(input, &d.span, None);
    }
    for t in doc.tokens.iter().flatten() {
        check_span(input, &t.span, Some(&t.text));
    }
}
