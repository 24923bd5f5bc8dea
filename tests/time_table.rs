//! The time grammar tested from data: every line of `tests/data/times.tsv` is
//! a case (text, document date, bias, the span expected, its kind, value and
//! mod), so adding a case is one line. Each category must hold at least 15
//! cases, Simplified and Traditional both.

use std::collections::BTreeMap;

use zhextract::{Document, Extractor, TimeBias};

const TABLE: &str = include_str!("data/times.tsv");
const MIN_PER_CATEGORY: usize = 15;

struct Case<'a> {
    line: usize,
    category: &'a str,
    text: &'a str,
    date: &'a str,
    bias: TimeBias,
    span: Option<&'a str>,
    kind: &'a str,
    value: Option<&'a str>,
    modifier: Option<&'a str>,
}

fn dash(s: &str) -> Option<&str> {
    (s != "-").then_some(s)
}

fn cases() -> Vec<Case<'static>> {
    TABLE
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(
                f.len() >= 7,
                "times.tsv line {}: {} columns",
                i + 1,
                f.len()
            );
            Case {
                line: i + 1,
                category: f[0],
                text: f[1],
                date: f[2],
                bias: f[3].parse().expect("bias"),
                span: dash(f[4]),
                kind: f[5],
                value: dash(f[6]),
                modifier: f.get(7).copied().and_then(dash),
            }
        })
        .collect()
}

fn extractor(bias: TimeBias) -> Extractor {
    Extractor::builder()
        .time_bias(bias)
        .include_simplified(true)
        .build()
        .expect("extractor builds")
}

/// What went wrong with `case` in `doc`, if anything.
fn verdict(case: &Case, doc: &Document) -> Option<String> {
    let found: Vec<String> = doc
        .times
        .iter()
        .map(|t| {
            format!(
                "{} {} {} {}",
                t.text,
                t.kind.as_str(),
                t.value.as_deref().unwrap_or("-"),
                t.modifier.map_or("-", |m| m.as_str())
            )
        })
        .collect();
    let Some(span) = case.span else {
        return (!doc.times.is_empty()).then(|| format!("expected no time, got {found:?}"));
    };
    let Some(t) = doc.times.iter().find(|t| t.text == span) else {
        return Some(format!("no time spanning {span:?}; got {found:?}"));
    };
    let got = (
        t.kind.as_str(),
        t.value.as_deref(),
        t.modifier.map(|m| m.as_str()),
    );
    let want = (case.kind, case.value, case.modifier);
    (got != want).then(|| format!("{span:?}: want {want:?}, got {got:?}"))
}

#[test]
fn time_table() {
    let cases = cases();
    let extractors: BTreeMap<&str, Extractor> = [
        ("past", TimeBias::Past),
        ("future", TimeBias::Future),
        ("nearest", TimeBias::Nearest),
    ]
    .into_iter()
    .map(|(n, b)| (n, extractor(b)))
    .collect();
    let mut failures = Vec::new();
    // category -> (cases, Traditional cases)
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for case in &cases {
        let name = match case.bias {
            TimeBias::Past => "past",
            TimeBias::Future => "future",
            TimeBias::Nearest => "nearest",
        };
        let doc = extractors[name]
            .extract_at(case.text, Some(case.date.parse().expect("document date")))
            .expect("extracts");
        let traditional = doc.simplified.as_deref().is_some_and(|s| s != case.text);
        let c = counts.entry(case.category).or_default();
        c.0 += 1;
        c.1 += usize::from(traditional);
        if let Some(why) = verdict(case, &doc) {
            failures.push(format!(
                "line {} [{}] {}: {why}",
                case.line, case.category, case.text
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    for (category, (n, traditional)) in &counts {
        assert!(
            *n >= MIN_PER_CATEGORY,
            "{category}: {n} cases, want {MIN_PER_CATEGORY}"
        );
        assert!(
            *traditional > 0 && *traditional < *n,
            "{category}: {traditional} of {n} cases Traditional; want both scripts"
        );
    }
    assert_eq!(counts.len(), 10, "categories: {:?}", counts.keys());
}
