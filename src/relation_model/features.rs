//! The features of a candidate pair, the same for training and
//! classifying: the parties' types and name shapes, the words between and
//! around them and their trigger lists, and what the sentence is about.

use super::{PairToken, Party, Triggers};
use crate::segment::ENUMERATION_MARK;

/// Where [`pair_features`] puts the features: their names (`Vec<String>`,
/// for training and reading) or their hashes ([`HashedFeatures`], for
/// classifying without an allocation per feature). Both see the same
/// features, given as the parts of their name.
pub trait FeatureSink {
    /// Forget the last pair's features.
    fn clear(&mut self);
    /// One feature, its name the concatenation of `parts`.
    fn feature(&mut self, parts: &[&str]);
    /// Every feature given: sort and drop repeats.
    fn finish(&mut self);
}

impl FeatureSink for Vec<String> {
    fn clear(&mut self) {
        Vec::clear(self);
    }
    fn feature(&mut self, parts: &[&str]) {
        self.push(parts.concat());
    }
    fn finish(&mut self) {
        self.sort_unstable();
        self.dedup();
    }
}

/// Features as 64-bit FNV-1a hashes of their names.
#[derive(Debug, Default)]
pub struct HashedFeatures(pub Vec<u64>);

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

fn fnv(mut h: u64, s: &str) -> u64 {
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// The hash [`HashedFeatures`] gives the feature named `name`.
pub fn feature_hash(name: &str) -> u64 {
    fnv(FNV_OFFSET, name)
}

impl FeatureSink for HashedFeatures {
    fn clear(&mut self) {
        self.0.clear();
    }
    fn feature(&mut self, parts: &[&str]) {
        self.0.push(parts.iter().fold(FNV_OFFSET, |h, p| fnv(h, p)));
    }
    fn finish(&mut self) {
        self.0.sort_unstable();
        self.0.dedup();
    }
}

fn distance_bucket(n: usize) -> &'static str {
    match n {
        0 => "0",
        1 => "1",
        2 => "2",
        3..=4 => "3-4",
        5..=7 => "5-7",
        8..=12 => "8-12",
        _ => "13+",
    }
}

fn is_punct(t: &str) -> bool {
    t.chars()
        .all(|c| !c.is_alphanumeric() && !crate::segment::is_han(c))
}

const DIGITS: [&str; 4] = ["0", "1", "2", "3"];

/// The features of the pair `a`, `b` (`a` written first) in a sentence of
/// `tokens`; `others` is the number of entities between them. Training and
/// classification both call this, so they see the same features.
pub fn pair_features<'a>(
    tokens: &[PairToken<'a>],
    a: &Party<'a>,
    b: &Party<'a>,
    others: usize,
    triggers: &Triggers,
    out: &mut impl FeatureSink,
) {
    let sentence = SentenceFeatures::new(tokens, triggers);
    pair_features_in(tokens, &sentence, a, b, others, triggers, out);
}

/// [`pair_features`] with the sentence's part found once for all its pairs.
pub fn pair_features_in<'a>(
    tokens: &[PairToken<'a>],
    sentence: &SentenceFeatures<'_>,
    a: &Party<'a>,
    b: &Party<'a>,
    others: usize,
    triggers: &Triggers,
    out: &mut impl FeatureSink,
) {
    out.clear();
    out.feature(&["bias"]);
    name_features(a, b, out);
    // tokens are in text order and disjoint: the three parts are slices (a
    // token cut by a party belongs to none of them)
    let before = &tokens[..tokens.partition_point(|t| t.end <= a.start)];
    let after = &tokens[tokens.partition_point(|t| t.start < b.end)..];
    let from = tokens.partition_point(|t| t.start < a.end);
    let mut to = tokens.partition_point(|t| t.start < b.start).max(from);
    if to > from && tokens[to - 1].end > b.start {
        to -= 1;
    }
    let between = &tokens[from..to];
    out.feature(&["D:", distance_bucket(between.len())]);
    out.feature(&["NE:", DIGITS[others.min(3)]]);
    between_features(between, triggers, out);
    context_features(before, after, triggers, out);
    sentence.add_to(out);
    out.finish();
}

/// The types of the parties, what kind of name each is (集团, 公司, 银行) and
/// whether one is named after the other (a unit of its group).
fn name_features<'a>(a: &Party<'a>, b: &Party<'a>, out: &mut impl FeatureSink) {
    out.feature(&["T:", a.kind, "-", b.kind]);
    let tail = |t: &'a str| -> &'a str {
        let n = t.chars().count();
        t.char_indices()
            .nth(n.saturating_sub(2))
            .map_or(t, |(i, _)| &t[i..])
    };
    out.feature(&["AS:", tail(a.text)]);
    out.feature(&["BS:", tail(b.text)]);
    let head2 = |t: &'a str| -> &'a str { t.char_indices().nth(2).map_or(t, |(i, _)| &t[..i]) };
    if a.text.chars().count() >= 2 && head2(a.text) == head2(b.text) {
        out.feature(&["SAMEHEAD"]);
    }
}

/// The words and marks between the parties, their triggers, and the
/// triggers of a passive clause (A被B收购).
fn between_features(between: &[PairToken<'_>], triggers: &Triggers, out: &mut impl FeatureSink) {
    let mut punct = false;
    let mut has_bei = false;
    for (i, t) in between.iter().enumerate() {
        if is_punct(t.text) {
            punct = true;
            out.feature(&["BP:", t.text]);
            continue;
        }
        if triggers.is(t.text, "passive") {
            has_bei = true;
        }
        if between.len() <= 16 || i < 8 || i + 8 >= between.len() {
            out.feature(&["B:", t.text]);
        }
        for l in triggers.lists_of(t.text) {
            out.feature(&["TB:", l]);
        }
    }
    if !punct {
        out.feature(&["BP:none"]);
    }
    if let Some(t) = between.first() {
        out.feature(&["BF:", t.text]);
    }
    if let Some(t) = between.last() {
        out.feature(&["BL:", t.text]);
    }
    if between.len() == 1 {
        out.feature(&["ONLY:", between[0].text]);
    }
    if between.len() <= 6 {
        for w in between.windows(2) {
            out.feature(&["BB:", w[0].text, "_", w[1].text]);
        }
    }
    if has_bei {
        for t in between {
            for l in triggers.lists_of(t.text) {
                out.feature(&["TBV:", l]);
            }
        }
    }
}

/// The words just before the first party and just after the second, and
/// their triggers.
fn context_features(
    before: &[PairToken<'_>],
    after: &[PairToken<'_>],
    triggers: &Triggers,
    out: &mut impl FeatureSink,
) {
    for (k, t) in before.iter().rev().take(3).enumerate() {
        if k < 2 {
            out.feature(&[["L1:", "L2:"][k], t.text]);
        }
        for l in triggers.lists_of(t.text) {
            out.feature(&["TL:", l]);
        }
    }
    for (k, t) in after.iter().take(4).enumerate() {
        if k < 2 {
            out.feature(&[["R1:", "R2:"][k], t.text]);
        }
        for l in triggers.lists_of(t.text) {
            out.feature(&["TR:", l]);
        }
    }
}

/// What a sentence is about, the same for every pair in it: its trigger
/// words anywhere, and whether it lists names (A、B、C等: peers). Found once
/// per sentence: read again for each pair, a long sentence with many names
/// cost the cube of its length.
#[derive(Debug, Clone)]
pub struct SentenceFeatures<'t> {
    /// The trigger lists of its words, each once.
    lists: Vec<&'t str>,
    enumerations: usize,
}

impl<'t> SentenceFeatures<'t> {
    /// The sentence part of the features of the pairs in `tokens`.
    pub fn new(tokens: &[PairToken<'_>], triggers: &'t Triggers) -> Self {
        let mut enumerations = 0;
        let mut lists: Vec<&'t str> = Vec::new();
        for t in tokens {
            if t.text == ENUMERATION_MARK {
                enumerations += 1;
            }
            lists.extend(triggers.lists_of(t.text).iter().map(String::as_str));
        }
        lists.sort_unstable();
        lists.dedup();
        SentenceFeatures {
            lists,
            enumerations,
        }
    }

    fn add_to(&self, out: &mut impl FeatureSink) {
        for l in &self.lists {
            out.feature(&["TS:", l]);
        }
        out.feature(&["ENUM:", DIGITS[self.enumerations.min(2)]]);
    }
}
