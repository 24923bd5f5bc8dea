//! The seed article (a Traditional-script news piece with inserted pinyin and
//! mojibake): what normalization and conversion must do to it.

mod common;

use common::{check_document, extractor, SEED};
use zhextract::DiagnosticKind;

#[test]
fn all_pinyin_annotations_are_reported_and_removed() {
    let doc = extractor().extract(SEED).unwrap();
    let annotations: Vec<_> = doc
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagnosticKind::PinyinAnnotation)
        .collect();
    assert_eq!(annotations.len(), 162);
    for a in &annotations {
        let text = &SEED[a.span.start..a.span.end];
        assert!(text.starts_with('(') && text.ends_with(')'), "{text}");
        assert_eq!(a.message, format!("removed '{text}'"));
    }
    let simplified = doc.simplified.unwrap();
    for a in ["(lián)", "(yè)", "(wù)", "(wèi)"] {
        assert!(SEED.contains(a));
        assert!(!simplified.contains(a), "{a} left in the simplified text");
    }
    assert!(simplified.contains("互联互通"));
    assert!(simplified.contains("超市logo"));
}

#[test]
fn garbled_runs_are_flagged_and_real_question_marks_are_not() {
    let doc = extractor().extract(SEED).unwrap();
    let garbled: Vec<&str> = doc
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagnosticKind::GarbledText)
        .map(|d| &SEED[d.span.start..d.span.end])
        .collect();
    assert_eq!(garbled.len(), 4, "{garbled:?}");
    assert!(garbled[0].contains("Ψ阶呓"));
    assert!(garbled[1].contains("Ψ匠ㄩ"));
    assert!(garbled[2].contains("?!?/p>"));
    assert_eq!(garbled[3], "?;ヂ?lián)");
    let real = SEED.find("一大步呢?").unwrap() + "一大步呢".len();
    for d in &doc.diagnostics {
        assert!(
            !(d.span.start..d.span.end).contains(&real),
            "the real question mark was flagged: {d:?}"
        );
    }
}

#[test]
fn converted_to_simplified_and_every_span_is_valid() {
    let doc = extractor().extract(SEED).unwrap();
    let simplified = doc.simplified.as_deref().unwrap();
    assert!(simplified.starts_with("天猫在微信卖货,阿里腾讯互联互通取得重大进展"));
    assert!(simplified.contains("浙江天猫技术有限公司全资持股"));
    assert_eq!(
        simplified.chars().filter(|&c| c == '?').count(),
        SEED.chars().filter(|&c| c == '?').count()
    );
    check_document(SEED, &doc);
}

#[test]
fn reference_date_is_echoed() {
    let ex = extractor();
    let doc = ex
        .extract_at(SEED, Some("2022-10-21".parse().unwrap()))
        .unwrap();
    let json = serde_json::to_value(&doc).unwrap();
    assert_eq!(json["doc_date"], "2022-10-21");
    assert_eq!(json["reference"], "2022-10-21T00:00:00");
    assert_eq!(json["doc_date_source"], "given");
    // without one, the date heading the article is found
    let doc = ex.extract(SEED).unwrap();
    let json = serde_json::to_value(&doc).unwrap();
    assert_eq!(json["doc_date"], "2022-10-21");
    assert_eq!(json["reference"], "2022-10-21T15:09:20");
    assert_eq!(json["doc_date_source"], "detected");
    let last_year = doc.times.iter().find(|t| t.text == "去年").unwrap();
    assert_eq!(last_year.value.as_deref(), Some("2021"));
    // a text that names no date has none
    let doc = ex.extract("腾讯与阿里巴巴宣布合作。").unwrap();
    let json = serde_json::to_value(&doc).unwrap();
    assert_eq!(json["doc_date"], serde_json::Value::Null);
    assert_eq!(json["doc_date_source"], "none");
}
