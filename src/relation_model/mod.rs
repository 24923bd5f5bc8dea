//! A linear relation classifier over pairs of entities in one sentence: the
//! layer under the relation rules that fills the pairs no rule covers.
//!
//! The model is a multinomial logistic regression over sparse string features (the words
//! between and around the pair, trigger words of each predicate from
//! `data/relations/triggers.tsv`, distance, punctuation, entity types). It
//! is trained by `cargo run --release --example train_relations` on the FinRE
//! training split (MIT) and shipped as `data/models/relations.tsv`, compiled
//! in; [`RelationModel::parse`] loads another one.
//!
//! ```
//! use zhextract::relation_model::{PairToken, Party, RelationModel};
//! let model = RelationModel::builtin().unwrap();
//! let toks = [
//!     PairToken { text: "甲公司", pos: "nt", start: 0, end: 9 },
//!     PairToken { text: "宣布", pos: "v", start: 9, end: 15 },
//!     PairToken { text: "收购", pos: "v", start: 15, end: 21 },
//!     PairToken { text: "乙公司", pos: "nt", start: 21, end: 30 },
//! ];
//! let a = Party { start: 0, end: 9, kind: "ORG", text: "甲公司" };
//! let b = Party { start: 21, end: 30, kind: "ORG", text: "乙公司" };
//! let guess = model.classify(&toks, &a, &b, 0);
//! assert!(guess.label.is_some());
//! ```

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::document::Predicate;
use crate::error::{Error, Result};
use crate::segment::CLAUSE_MARKS;

mod features;
pub use features::{
    feature_hash, pair_features, pair_features_in, FeatureSink, HashedFeatures, SentenceFeatures,
};

const BUILTIN_MODEL: &str = include_str!("../../data/models/relations.tsv");
const BUILTIN_TRIGGERS: &str = include_str!("../../data/relations/triggers.tsv");

/// The classes: no relation, or a predicate with its direction (`>`: the
/// party written first is the subject).
pub const CLASSES: [&str; 9] = [
    "none",
    "cooperate",
    "compete",
    "own_stake>",
    "own_stake<",
    "acquire>",
    "acquire<",
    "subsidiary_of>",
    "subsidiary_of<",
];

/// Number of classes of the model.
pub const NCLASS: usize = CLASSES.len();

/// A predicate the model can say, and whether the party written first is its
/// subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The predicate.
    pub predicate: Predicate,
    /// `true`: the party written first is the subject.
    pub forward: bool,
}

/// The class index of a label (`None`: no relation).
pub fn class_of(label: Option<&Label>) -> usize {
    let Some(l) = label else { return 0 };
    let dir = usize::from(!l.forward);
    match l.predicate {
        Predicate::Cooperate => 1,
        Predicate::Compete => 2,
        Predicate::OwnStake => 3 + dir,
        Predicate::Acquire => 5 + dir,
        Predicate::SubsidiaryOf => 7 + dir,
        _ => 0,
    }
}

fn label_of(class: usize) -> Option<Label> {
    let (predicate, forward) = match class {
        1 => (Predicate::Cooperate, true),
        2 => (Predicate::Compete, true),
        3 | 4 => (Predicate::OwnStake, class == 3),
        5 | 6 => (Predicate::Acquire, class == 5),
        7 | 8 => (Predicate::SubsidiaryOf, class == 7),
        _ => return None,
    };
    Some(Label { predicate, forward })
}

/// One token of the sentence a pair is in (offsets in any one text, bytes).
#[derive(Clone, Copy, Debug)]
pub struct PairToken<'a> {
    /// The token's text.
    pub text: &'a str,
    /// jieba's POS tag.
    pub pos: &'a str,
    /// Start offset.
    pub start: usize,
    /// End offset (exclusive).
    pub end: usize,
}

/// One party of a candidate pair: its span and entity type (`"ORG"`, …).
#[derive(Clone, Copy, Debug)]
pub struct Party<'a> {
    /// Start offset.
    pub start: usize,
    /// End offset (exclusive).
    pub end: usize,
    /// Entity type as the contract spells it.
    pub kind: &'a str,
    /// The party's text.
    pub text: &'a str,
}

/// What the model says of a pair.
#[derive(Clone, Debug)]
pub struct Guess {
    /// The best predicate, if its margin over "none" passes the model's
    /// threshold.
    pub label: Option<Label>,
    /// Score of the best predicate minus the score of "none".
    pub margin: f32,
}

/// Trigger words per predicate and the cue words of negation and hedging.
#[derive(Clone, Debug, Default)]
pub struct Triggers {
    words: FxHashMap<String, Vec<String>>,
}

impl Triggers {
    /// The built-in lists (`data/relations/triggers.tsv`).
    pub fn builtin() -> Self {
        Self::parse(BUILTIN_TRIGGERS)
    }

    /// Lines `name<TAB>word word …`; `#` starts a comment.
    pub fn parse(tsv: &str) -> Self {
        let mut words: FxHashMap<String, Vec<String>> = FxHashMap::default();
        for line in tsv.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, list)) = line.split_once('\t') else {
                continue;
            };
            for w in list.split_whitespace() {
                words
                    .entry(w.to_string())
                    .or_default()
                    .push(name.trim().to_string());
            }
        }
        Triggers { words }
    }

    /// The lists a word is on (`acquire`, `negation`, …).
    pub fn lists_of(&self, word: &str) -> &[String] {
        self.words.get(word).map_or(&[], Vec::as_slice)
    }

    /// Whether a word is on the named list.
    pub fn is(&self, word: &str, list: &str) -> bool {
        self.lists_of(word).iter().any(|l| l == list)
    }
}

/// A weight with three decimals and no trailing zeros (`-0.25`, `0`).
fn short_number(x: f32) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s {
        "" | "-" | "-0" => "0".to_string(),
        s => s.to_string(),
    }
}

/// Entity types a pair may be made of.
pub const PARTY_KINDS: [&str; 2] = ["ORG", "PERSON"];

/// The candidate pairs among the parties of one sentence (sorted by start)
/// of `text`, the text their offsets index: `(i, j, others)` with `i` before
/// `j`, both of [`PARTY_KINDS`], in one clause or each alone in its own, at
/// most three entities and 150 bytes (about 50 chars) apart, `others` being
/// the number of parties between them. News runs several facts in one
/// sentence clause by clause (A与B合作，C与D合作): a pair across clauses is a
/// candidate only when each party is alone in its clause and the later one
/// does not open its clause (A公司公告，拟收购B; not A董事会通过，B的股东表示
/// 支持).
pub fn candidate_pairs(parties: &[Party<'_>], text: &str) -> Vec<(usize, usize, usize)> {
    // the clause of each party: the number of clause marks before it
    let mut clause = Vec::with_capacity(parties.len());
    // counted from the first party on (the text may be a whole document)
    let (mut at, mut n) = (parties.first().map_or(0, |p| p.start), 0usize);
    for p in parties {
        if let Some(gap) = text.get(at.min(p.start)..p.start) {
            n += gap.matches(CLAUSE_MARKS).count();
        }
        at = at.max(p.start);
        clause.push(n);
    }
    let alone: Vec<bool> = clause
        .iter()
        .map(|c| clause.iter().filter(|&d| d == c).count() == 1)
        .collect();
    let mut out = Vec::new();
    for i in 0..parties.len() {
        if !PARTY_KINDS.contains(&parties[i].kind) {
            continue;
        }
        for j in i + 1..parties.len().min(i + 5) {
            let (a, b) = (&parties[i], &parties[j]);
            if !PARTY_KINDS.contains(&b.kind) || b.start < a.end || b.start - a.end > 150 {
                continue;
            }
            // across clauses, the later party must not open its clause: a
            // clause that starts with a name is about that name
            let opens_clause = || {
                let gap = text.get(a.end..b.start).unwrap_or("");
                gap.rfind(CLAUSE_MARKS)
                    .is_some_and(|k| gap[k..].chars().skip(1).all(char::is_whitespace))
            };
            if clause[i] != clause[j] && (!(alone[i] && alone[j]) || opens_clause()) {
                continue;
            }
            out.push((i, j, j - i - 1));
        }
    }
    out
}

/// A trained relation model: weights per feature and class, and the margin a
/// predicate needs over "none".
#[derive(Clone, Debug)]
pub struct RelationModel {
    /// Weights by the hash of the feature's name ([`feature_hash`]).
    hashed: FxHashMap<u64, [f32; NCLASS]>,
    threshold: f32,
    triggers: Triggers,
}

impl RelationModel {
    /// The built-in model (`data/models/relations.tsv`, trained on FinRE's
    /// training split) with the built-in trigger lists.
    pub fn builtin() -> Result<Self> {
        Self::parse(
            "<builtin>/relations.tsv",
            BUILTIN_MODEL,
            Triggers::builtin(),
        )
    }

    /// Read a model file: `threshold<TAB>x`, then lines
    /// `feature<TAB>w0 w1 … w8` (one weight per class of [`CLASSES`]).
    pub fn parse(name: &str, tsv: &str, triggers: Triggers) -> Result<Self> {
        let mut hashed = FxHashMap::default();
        let mut threshold = 0.0;
        let bad = |line: usize, message: String| Error::Model {
            file: name.to_string(),
            line,
            message,
        };
        for (i, line) in tsv.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (feature, rest) = line
                .split_once('\t')
                .ok_or_else(|| bad(i + 1, "no tab between the feature and its weights".into()))?;
            if feature == "threshold" {
                threshold = rest
                    .trim()
                    .parse()
                    .map_err(|_| bad(i + 1, format!("bad threshold {rest:?}")))?;
                continue;
            }
            let mut w = [0f32; NCLASS];
            let mut n = 0;
            for (k, x) in rest.split(' ').enumerate() {
                if k >= NCLASS {
                    return Err(bad(i + 1, format!("more than {NCLASS} weights")));
                }
                w[k] = x
                    .parse()
                    .map_err(|_| bad(i + 1, format!("bad weight {x:?}")))?;
                n += 1;
            }
            if n != NCLASS {
                return Err(bad(i + 1, format!("{n} weights, {NCLASS} expected")));
            }
            hashed.insert(feature_hash(feature), w);
        }
        Ok(RelationModel {
            hashed,
            threshold,
            triggers,
        })
    }

    /// A model from trained weights.
    pub fn from_weights(
        weights: HashMap<String, [f32; NCLASS]>,
        threshold: f32,
        triggers: Triggers,
    ) -> Self {
        let hashed = weights.iter().map(|(f, w)| (feature_hash(f), *w)).collect();
        RelationModel {
            hashed,
            threshold,
            triggers,
        }
    }

    /// Trained weights and their threshold in the model file format,
    /// features sorted (a stable file). The model itself keeps only the
    /// hashes of the names, so this is written from the weights.
    pub fn weights_tsv(weights: &HashMap<String, [f32; NCLASS]>, threshold: f32) -> String {
        let mut out = format!("threshold\t{threshold}\n");
        let mut keys: Vec<&String> = weights.keys().collect();
        keys.sort();
        for k in keys {
            let w = &weights[k];
            let ws: Vec<String> = w.iter().map(|&x| short_number(x)).collect();
            out.push_str(k);
            out.push('\t');
            out.push_str(&ws.join(" "));
            out.push('\n');
        }
        out
    }

    /// The trigger and cue lists the features read.
    pub fn triggers(&self) -> &Triggers {
        &self.triggers
    }

    /// The margin a predicate needs over "none".
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// The sum of the weights of the features with these hashes.
    fn sum(&self, hashes: impl Iterator<Item = u64>) -> [f32; NCLASS] {
        let mut s = [0f32; NCLASS];
        for f in hashes {
            if let Some(w) = self.hashed.get(&f) {
                for (x, y) in s.iter_mut().zip(w) {
                    *x += y;
                }
            }
        }
        s
    }

    /// Scores of each class for a feature list.
    pub fn scores(&self, features: &[String]) -> [f32; NCLASS] {
        self.sum(features.iter().map(|f| feature_hash(f)))
    }

    /// Scores of each class for hashed features.
    pub fn scores_hashed(&self, features: &HashedFeatures) -> [f32; NCLASS] {
        self.sum(features.0.iter().copied())
    }

    /// Classify the pair `a`, `b` (`a` written first); `others` is the
    /// number of entities between them.
    pub fn classify(
        &self,
        tokens: &[PairToken<'_>],
        a: &Party<'_>,
        b: &Party<'_>,
        others: usize,
    ) -> Guess {
        let mut feats = HashedFeatures::default();
        pair_features(tokens, a, b, others, &self.triggers, &mut feats);
        self.decide(&self.scores_hashed(&feats))
    }

    /// The decision for class scores.
    pub fn decide(&self, s: &[f32; NCLASS]) -> Guess {
        let (best, score) =
            s.iter()
                .enumerate()
                .skip(1)
                .fold(
                    (0, f32::NEG_INFINITY),
                    |acc, (i, &x)| {
                        if x > acc.1 {
                            (i, x)
                        } else {
                            acc
                        }
                    },
                );
        let margin = score - s[0];
        Guess {
            label: if margin > self.threshold {
                label_of(best)
            } else {
                None
            },
            margin,
        }
    }
}

/// Multinomial logistic regression over string features, trained by
/// stochastic gradient descent with L2 decay of the weights an example
/// touches: scores are log-odds, so the threshold is one too.
#[derive(Debug)]
pub struct Softmax {
    w: HashMap<String, [f32; NCLASS]>,
    /// Learning rate.
    pub rate: f32,
    /// L2 strength.
    pub l2: f32,
}

impl Softmax {
    /// An untrained model with this learning rate and L2 strength.
    pub fn new(rate: f32, l2: f32) -> Self {
        Softmax {
            w: HashMap::new(),
            rate,
            l2,
        }
    }

    /// One gradient step on one example, scaled by `weight`.
    pub fn update(&mut self, features: &[String], gold: usize, weight: f32) {
        let mut s = [0f32; NCLASS];
        for f in features {
            if let Some(w) = self.w.get(f) {
                for (x, y) in s.iter_mut().zip(w) {
                    *x += y;
                }
            }
        }
        let max = s.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut p = s.map(|x| (x - max).exp());
        let z: f32 = p.iter().sum();
        for x in &mut p {
            *x /= z;
        }
        let decay = 1.0 - self.rate * self.l2;
        for f in features {
            let w = self.w.entry(f.clone()).or_insert([0.0; NCLASS]);
            for k in 0..NCLASS {
                let g = p[k] - if k == gold { 1.0 } else { 0.0 };
                w[k] = w[k] * decay - self.rate * weight * g;
            }
        }
    }

    /// The weights, without those that all round to zero.
    pub fn weights(&self) -> HashMap<String, [f32; NCLASS]> {
        self.w
            .iter()
            .filter(|(_, w)| w.iter().any(|x| x.abs() >= 0.0005))
            .map(|(f, w)| (f.clone(), *w))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks<'a>(words: &[&'a str]) -> Vec<PairToken<'a>> {
        let mut at = 0;
        words
            .iter()
            .map(|w| {
                let t = PairToken {
                    text: w,
                    pos: "n",
                    start: at,
                    end: at + w.len(),
                };
                at += w.len();
                t
            })
            .collect()
    }

    fn party<'a>(t: &PairToken<'a>, kind: &'a str) -> Party<'a> {
        Party {
            start: t.start,
            end: t.end,
            kind,
            text: t.text,
        }
    }

    #[test]
    fn features_see_words_between_and_triggers() {
        let t = toks(&["甲", "被", "乙", "收购"]);
        let trig = Triggers::parse("acquire\t收购 并购\n");
        let mut f = Vec::new();
        let a = Party {
            start: 0,
            end: 3,
            kind: "ORG",
            text: "甲",
        };
        let b = Party {
            start: 6,
            end: 9,
            kind: "ORG",
            text: "乙",
        };
        pair_features(&t, &a, &b, 0, &trig, &mut f);
        assert!(f.contains(&"B:被".to_string()));
        assert!(f.contains(&"TR:acquire".to_string()));
        assert!(f.contains(&"ONLY:被".to_string()));
        assert!(!f.iter().any(|x| x.starts_with("TB:")));
    }

    #[test]
    fn softmax_learns_a_separable_rule_and_the_file_round_trips() {
        let trig = Triggers::parse("acquire\t收购\ncooperate\t合作\n");
        let mut p = Softmax::new(0.2, 0.0);
        let data = [
            (vec!["甲", "收购", "乙"], 5),
            (vec!["甲", "与", "乙", "合作"], 1),
            (vec!["甲", "和", "乙"], 0),
        ];
        let mut examples = Vec::new();
        for (words, class) in &data {
            let t = toks(words);
            let a = party(&t[0], "ORG");
            let b = party(&t[2], "ORG");
            let mut f = Vec::new();
            pair_features(&t, &a, &b, 0, &trig, &mut f);
            examples.push((f, *class));
        }
        for _ in 0..30 {
            for (f, c) in &examples {
                p.update(f, *c, 1.0);
            }
        }
        let tsv = RelationModel::weights_tsv(&p.weights(), 0.0);
        let again = RelationModel::parse("m", &tsv, trig).unwrap();
        for (f, c) in &examples {
            let g = again.decide(&again.scores(f));
            assert_eq!(class_of(g.label.as_ref()), *c, "{f:?}");
        }
    }

    #[test]
    fn hashed_features_are_the_hashes_of_the_named_ones() {
        let t = toks(&["甲公司", "、", "被", "乙集团", "收购", "，", "丙"]);
        let trig = Triggers::builtin();
        let a = party(&t[0], "ORG");
        let b = party(&t[3], "PERSON");
        let mut names = Vec::new();
        pair_features(&t, &a, &b, 2, &trig, &mut names);
        let mut hashed = HashedFeatures::default();
        pair_features(&t, &a, &b, 2, &trig, &mut hashed);
        let mut want: Vec<u64> = names.iter().map(|n| feature_hash(n)).collect();
        want.sort_unstable();
        want.dedup();
        assert!(names.len() > 10, "{names:?}");
        assert_eq!(hashed.0, want);
    }

    #[test]
    fn bad_model_lines_are_errors_with_their_line() {
        let e = RelationModel::parse("m.tsv", "threshold\t0\nbias\t1 2\n", Triggers::default())
            .unwrap_err();
        assert!(
            e.to_string().contains("m.tsv") && e.to_string().contains('2'),
            "{e}"
        );
    }

    #[test]
    fn the_builtin_model_loads() {
        let m = RelationModel::builtin().unwrap();
        assert!(m.triggers().is("收购", "acquire"));
        assert!(m.triggers().is("否认", "negation"));
    }
}
