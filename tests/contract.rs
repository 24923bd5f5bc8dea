//! Pins the JSON shape of `Document` to the contract in OUTPUT.md.

use serde_json::{json, Value};
use zhextract::*;

fn span(start: usize, end: usize) -> Span {
    Span {
        start,
        end,
        char_start: start / 3,
        char_end: end / 3,
    }
}

fn mention(text: &str) -> Mention {
    Mention {
        text: text.into(),
        normalized: text.into(),
        canonical: text.into(),
        kind: EntityType::Org,
        span: span(0, 6),
    }
}

#[test]
fn document_serializes_to_the_contract() {
    let doc = Document {
        id: Some("seed".into()),
        doc_date: Some("2022-10-21".parse().unwrap()),
        reference: Some("2022-10-21T15:09:20".parse().unwrap()),
        doc_date_source: DocDateSource::Detected,
        simplified: Some("腾讯".into()),
        entities: vec![Entity {
            text: "騰訊".into(),
            normalized: "腾讯".into(),
            canonical: "腾讯".into(),
            kind: EntityType::Org,
            span: span(0, 6),
            source: "lexicon".into(),
        }],
        times: vec![TimeExpr {
            text: "去年7月14日".into(),
            kind: TimeKind::Date,
            value: Some("2021-07-14".into()),
            grain: Some(Grain::Day),
            range: Some(TimeRange {
                from: "2021-07-14T00:00:00".parse().unwrap(),
                to: "2021-07-15T00:00:00".parse().unwrap(),
            }),
            relative: true,
            modifier: None,
            span: span(0, 15),
        }],
        triples: vec![Triple {
            subject: mention("天猫"),
            predicate: Predicate::OwnStake,
            verb: "全资持股".into(),
            object: mention("昊超"),
            value: None,
            negated: false,
            hedged: false,
            sentence: span(0, 30),
            rule: "own_stake.full".into(),
        }],
        diagnostics: vec![Diagnostic {
            kind: DiagnosticKind::PinyinAnnotation,
            span: span(6, 12),
            message: "removed '(lián)'".into(),
        }],
        tokens: Some(vec![Token {
            text: "騰訊".into(),
            pos: "nt".into(),
            span: span(0, 6),
        }]),
    };
    let got = serde_json::to_value(&doc).unwrap();
    let s =
        |a: usize, b: usize| json!({"start": a, "end": b, "char_start": a / 3, "char_end": b / 3});
    let m = |t: &str| json!({"text": t, "normalized": t, "canonical": t, "type": "ORG", "start": 0, "end": 6, "char_start": 0, "char_end": 2});
    let want = json!({
        "id": "seed",
        "doc_date": "2022-10-21",
        "reference": "2022-10-21T15:09:20",
        "doc_date_source": "detected",
        "simplified": "腾讯",
        "entities": [{"text": "騰訊", "normalized": "腾讯", "canonical": "腾讯", "type": "ORG",
                      "start": 0, "end": 6, "char_start": 0, "char_end": 2, "source": "lexicon"}],
        "times": [{"text": "去年7月14日", "kind": "date", "value": "2021-07-14", "grain": "day",
                   "range": {"from": "2021-07-14T00:00:00", "to": "2021-07-15T00:00:00"},
                   "relative": true, "mod": null, "start": 0, "end": 15, "char_start": 0, "char_end": 5}],
        "triples": [{"subject": m("天猫"), "predicate": "own_stake", "verb": "全资持股", "object": m("昊超"),
                     "negated": false, "hedged": false, "sentence": s(0, 30), "rule": "own_stake.full"}],
        "diagnostics": [{"kind": "pinyin_annotation", "start": 6, "end": 12, "char_start": 2, "char_end": 4,
                         "message": "removed '(lián)'"}],
        "tokens": [{"text": "騰訊", "pos": "nt", "start": 0, "end": 6, "char_start": 0, "char_end": 2}],
    });
    assert_eq!(got, want);
    // and it reads back
    let back: Document = serde_json::from_value(got).unwrap();
    assert_eq!(back, doc);
}

fn v<T: serde::Serialize>(x: &T) -> Value {
    serde_json::to_value(x).unwrap()
}

#[test]
fn enum_spellings() {
    assert_eq!(v(&Predicate::Other("divest".into())), "other:divest");
    assert_eq!(v(&Predicate::SubsidiaryOf), "subsidiary_of");
    assert_eq!(v(&Predicate::PartnerExchange), "partner_exchange");
    assert_eq!(v(&EntityType::Other("SCHOOL".into())), "SCHOOL");
    assert_eq!(v(&EntityType::Percent), "PERCENT");
    assert_eq!(v(&TimeKind::Datetime), "datetime");
    assert_eq!(v(&Grain::Quarter), "quarter");
    assert_eq!(v(&TimeMod::End), "END");
    assert_eq!(v(&DiagnosticKind::GarbledText), "garbled_text");
    assert_eq!(v(&DocDateSource::Given), "given");
    assert!("other:".parse::<Predicate>().is_err());
    assert!("owns".parse::<Predicate>().is_err());
}

#[test]
fn optional_fields_are_left_out_when_not_asked_for() {
    let ex = Extractor::new().unwrap();
    let got = serde_json::to_value(ex.extract("騰訊").unwrap()).unwrap();
    let mut keys: Vec<&str> = got
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "diagnostics",
            "doc_date",
            "doc_date_source",
            "entities",
            "reference",
            "times",
            "triples"
        ]
    );
}
