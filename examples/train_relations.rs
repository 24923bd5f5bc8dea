//! Train the relation classifier (`data/models/relations.tsv`) on FinRE's
//! training split, reproducibly:
//!
//! ```sh
//! cargo run --release --example train_relations -- ../shared/train/finre/train.jsonl data/models/relations.tsv
//! ```
//!
//! Each sentence is run through the extractor (rules on, classifier off);
//! the candidate pairs are its entities plus the names FinRE annotates, and a
//! pair is labelled with FinRE's relation mapped to our predicates as the
//! evaluation maps them (合作, 竞争, 持股/增持, 收购, 拥有 and their 被 forms);
//! every other pair is "none". The margin threshold is chosen by five-fold
//! cross-validation over the sentences (the margin at which the out-of-fold
//! triples score the best F1 over the pairs FinRE annotates, as the
//! evaluation counts them), then a logistic regression is trained on all
//! sentences and written with that threshold.

use std::collections::{BTreeMap, HashMap};
use std::error::Error;

use zhextract::relation_model::{
    candidate_pairs, class_of, pair_features, Label, PairToken, Party, RelationModel, Softmax,
    Triggers, NCLASS,
};
use zhextract::{Document, Extractor, Predicate};

/// Folds of the cross-validation that chooses the threshold.
const FOLDS: usize = 5;
/// Passes over the training data.
const EPOCHS: usize = 8;
/// Learning rate of the first pass (divided by the pass number after).
const RATE: f32 = 0.2;
/// L2 strength.
const L2: f32 = 0.001;
/// How much a pair FinRE does not annotate counts as a negative: it
/// annotates about one pair a sentence, and another may hold a relation.
const UNCHECKED_WEIGHT: f32 = 0.3;
/// The lowest precision over annotated pairs a chosen margin may have.
/// Articles hold fewer related pairs than FinRE's sentences; what keeps the
/// guesses out of them is the extractor's filter of the pairs (no two names a
/// rule already related, no party a rule related to a third name in the
/// same sentence, no government body, school or team: see
/// `src/extract/relations.rs`), measured on the news dev set.
const MIN_PRECISION: f64 = 0.5;

#[derive(serde::Deserialize)]
struct Row {
    text: String,
    head: String,
    tail: String,
    relation: String,
    head_span: [usize; 2],
    tail_span: [usize; 2],
}

/// FinRE's label as a predicate, and whether head and tail swap to make the
/// subject and object (as ../shared/eval/suites.py maps them).
fn map_label(rel: &str) -> Option<(Predicate, bool)> {
    Some(match rel {
        "合作" => (Predicate::Cooperate, false),
        "竞争" => (Predicate::Compete, false),
        "持股" | "增持" => (Predicate::OwnStake, false),
        "被持股" | "被增持" => (Predicate::OwnStake, true),
        "收购" => (Predicate::Acquire, false),
        "被收购" => (Predicate::Acquire, true),
        "拥有" => (Predicate::SubsidiaryOf, true),
        "被拥有" => (Predicate::SubsidiaryOf, false),
        _ => return None,
    })
}

struct Sentence {
    text: String,
    /// (subject, object) names -> predicate
    facts: Vec<(String, String, Predicate)>,
    /// annotated names with their char spans
    names: Vec<(String, usize, usize)>,
}

/// One training example: features, class, and whether FinRE annotates the
/// pair (an unannotated pair is a negative it did not check).
type Example = (Vec<String>, usize, bool);

fn byte_of(text: &str, ch: usize) -> usize {
    text.char_indices().nth(ch).map_or(text.len(), |(b, _)| b)
}

fn examples_of(ex: &Extractor, s: &Sentence, trig: &Triggers) -> Vec<Example> {
    let Ok(doc) = ex.extract(&s.text) else {
        return Vec::new();
    };
    let tokens: Vec<PairToken> = doc
        .tokens
        .as_ref()
        .map(|ts| {
            ts.iter()
                .map(|t| PairToken {
                    text: &t.text,
                    pos: &t.pos,
                    start: t.span.start,
                    end: t.span.end,
                })
                .collect()
        })
        .unwrap_or_default();
    let parties = parties_of(s, &doc);
    let only: Vec<Party> = parties.iter().map(|(p, _)| *p).collect();
    let mut out = Vec::new();
    for (i, j, others) in candidate_pairs(&only, &s.text) {
        let (na, nb) = (&parties[i].1, &parties[j].1);
        if na == nb {
            continue;
        }
        // only the pairs FinRE annotates: a pair it leaves out may hold a
        // relation all the same (it annotates about one pair a sentence)
        let annotated = |n: &String| s.names.iter().any(|(m, ..)| m == n);
        let checked = annotated(na) && annotated(nb);
        let label = label_of(s, na, nb);
        let mut f = Vec::new();
        pair_features(&tokens, &only[i], &only[j], others, trig, &mut f);
        out.push((f, class_of(label.as_ref()), checked));
    }
    out
}

/// The parties of a sentence: the annotated names, and the system's
/// entities that overlap none; each with the name it is known by.
fn parties_of<'d>(s: &'d Sentence, doc: &'d Document) -> Vec<(Party<'d>, String)> {
    let mut parties: Vec<(Party, String)> = Vec::new();
    for (name, cs, ce) in &s.names {
        let (b0, b1) = (byte_of(&s.text, *cs), byte_of(&s.text, *ce));
        if parties.iter().any(|(p, _)| p.start == b0 && p.end == b1) {
            continue;
        }
        // the type the system gave this span, else ORG (most FinRE names are)
        let kind = doc
            .entities
            .iter()
            .find(|e| e.span.start == b0 && e.span.end == b1)
            .map_or("ORG", |e| e.kind.as_str());
        let kind = if kind == "PERSON" || kind == "PRODUCT" {
            kind
        } else {
            "ORG"
        };
        let text = &s.text[b0..b1];
        parties.push((
            Party {
                start: b0,
                end: b1,
                kind,
                text,
            },
            name.clone(),
        ));
    }
    for e in &doc.entities {
        let (b0, b1) = (e.span.start, e.span.end);
        if parties.iter().any(|(p, _)| p.start < b1 && b0 < p.end) {
            continue;
        }
        let kind = e.kind.as_str();
        parties.push((
            Party {
                start: b0,
                end: b1,
                kind,
                text: &e.text,
            },
            e.text.clone(),
        ));
    }
    parties.sort_by_key(|(p, _)| (p.start, p.end));
    parties
}

/// The relation FinRE gives the pair (`na` written first), if any.
fn label_of(s: &Sentence, na: &str, nb: &str) -> Option<Label> {
    s.facts.iter().find_map(|(subj, obj, p)| {
        if subj == na && obj == nb {
            Some(Label {
                predicate: p.clone(),
                forward: true,
            })
        } else if subj == nb && obj == na {
            let symmetric = matches!(p, Predicate::Cooperate | Predicate::Compete);
            Some(Label {
                predicate: p.clone(),
                forward: symmetric,
            })
        } else {
            None
        }
    })
}

fn train(examples: &[&Example]) -> HashMap<String, [f32; NCLASS]> {
    let mut m = Softmax::new(RATE, L2);
    // a fixed shuffle per pass (an LCG), so the run is reproducible
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for epoch in 0..EPOCHS {
        m.rate = RATE / (1.0 + epoch as f32);
        for i in (1..order.len()).rev() {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let j = (seed >> 33) as usize % (i + 1);
            order.swap(i, j);
        }
        for &k in &order {
            let (f, c, checked) = examples[k];
            m.update(f, *c, if *checked { 1.0 } else { UNCHECKED_WEIGHT });
        }
    }
    m.weights()
}

/// The FinRE rows of a JSON Lines file, grouped by sentence.
fn read_sentences(input: &str) -> Result<BTreeMap<String, Sentence>, Box<dyn Error>> {
    let mut sentences: BTreeMap<String, Sentence> = BTreeMap::new();
    for line in std::fs::read_to_string(input)?.lines() {
        let r: Row = serde_json::from_str(line)?;
        let s = sentences.entry(r.text.clone()).or_insert_with(|| Sentence {
            text: r.text.clone(),
            facts: Vec::new(),
            names: Vec::new(),
        });
        let (h, t) = (r.head.trim().to_string(), r.tail.trim().to_string());
        for (n, sp) in [(&h, r.head_span), (&t, r.tail_span)] {
            if !s.names.iter().any(|(m, ..)| m == n) {
                s.names.push((n.clone(), sp[0], sp[1]));
            }
        }
        if let Some((p, swap)) = map_label(&r.relation) {
            let (a, b) = if swap { (t, h) } else { (h, t) };
            s.facts.push((a, b, p));
        }
    }
    Ok(sentences)
}

/// The margin (in steps of 0.25) whose out-of-fold triples score the best
/// F1 over the pairs FinRE annotates, with a precision there of at least
/// MIN_PRECISION; with its precision and recall over all pairs.
fn choose_threshold(
    scored: &[([f32; NCLASS], usize, bool)],
    trig: &Triggers,
) -> Option<(f32, f64, f64)> {
    let gold = scored.iter().filter(|(_, c, _)| *c != 0).count();
    let mut chosen = None;
    for step in -20..=40 {
        let th = step as f32 * 0.25;
        let m = RelationModel::from_weights(HashMap::new(), th, trig.clone());
        let (mut tp, mut sys, mut judged) = (0usize, 0usize, 0usize);
        for (s, c, checked) in scored {
            let g = m.decide(s);
            if g.label.is_some() {
                sys += 1;
                judged += usize::from(*checked);
                tp += usize::from(class_of(g.label.as_ref()) == *c);
            }
        }
        let pj = tp as f64 / judged.max(1) as f64;
        let p = tp as f64 / sys.max(1) as f64;
        let r = tp as f64 / gold.max(1) as f64;
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        let fj = if pj + r > 0.0 {
            2.0 * pj * r / (pj + r)
        } else {
            0.0
        };
        eprintln!(
            "threshold {th:5.2}: P {p:.3} R {r:.3} F1 {f1:.3} (over annotated pairs: P {pj:.3} F1 {fj:.3})"
        );
        if sys > 0 && pj >= MIN_PRECISION && chosen.is_none_or(|(_, _, _, best)| fj > best) {
            chosen = Some((th, p, r, fj));
        }
    }
    chosen.map(|(th, p, r, _)| (th, p, r))
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (input, output) = match args.as_slice() {
        [_, i, o] => (i.clone(), o.clone()),
        _ => return Err("usage: train_relations TRAIN.jsonl OUT.tsv".into()),
    };
    let sentences = read_sentences(&input)?;
    let ex = Extractor::builder()
        .include_tokens(true)
        .relation_model(false)
        .build()?;
    let trig = Triggers::builtin();
    let all: Vec<Vec<Example>> = sentences
        .values()
        .map(|s| examples_of(&ex, s, &trig))
        .collect();
    let n = all.len();
    // threshold: out-of-fold scores of every sentence (five folds by
    // sentence number), then the lowest margin (in steps of 0.25) whose
    // precision there reaches MIN_PRECISION
    let mut scored: Vec<([f32; NCLASS], usize, bool)> = Vec::new();
    for fold in 0..FOLDS {
        let fit: Vec<&Example> = (0..n)
            .filter(|i| i % FOLDS != fold)
            .flat_map(|i| &all[i])
            .collect();
        let model = RelationModel::from_weights(train(&fit), 0.0, trig.clone());
        for i in (0..n).filter(|i| i % FOLDS == fold) {
            scored.extend(
                all[i]
                    .iter()
                    .map(|(f, c, checked)| (model.scores(f), *c, *checked)),
            );
        }
    }
    let facts: usize = sentences.values().map(|s| s.facts.len()).sum();
    let covered = scored.iter().filter(|(_, c, _)| *c != 0).count();
    eprintln!(
        "{n} sentences, {} candidate pairs, {facts} facts, {covered} facts among candidates",
        scored.len()
    );
    let (threshold, p, r) =
        choose_threshold(&scored, &trig).ok_or("no margin reaches the precision wanted")?;
    eprintln!("chosen threshold {threshold} (out-of-fold P {p:.3} R {r:.3})");
    let every: Vec<&Example> = all.iter().flatten().collect();
    std::fs::write(
        &output,
        RelationModel::weights_tsv(&train(&every), threshold),
    )?;
    eprintln!("wrote {output}");
    Ok(())
}
