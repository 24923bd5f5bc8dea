//! Normalization of messy input: inserted pinyin annotations, garbled runs
//! (mojibake), a byte order mark, and full-width forms.
//!
//! [`Normalizer::normalize`] removes what later stages must not see (an
//! annotation such as the `(lián)` of `互聯(lián)互通`, a leading BOM) and
//! returns the cleaned text with an [`OffsetMap`] back to the input. Garbled
//! runs stay in the text, so `simplified` still shows the input as it was, but
//! are reported with their original spans: the extractor drops anything found
//! inside them. [`fold_for_matching`] folds full-width ASCII forms and closes
//! digit-Han spacing for matching, as a separate step, since the `simplified`
//! text keeps them.

use std::collections::HashSet;
use std::ops::Range;

use regex::Regex;

use super::convert::config::builtin_file;
use super::offsets::{OffsetMap, OffsetMapBuilder};
use crate::document::DiagnosticKind;

/// A finding about the input, with byte offsets into the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What was found.
    pub kind: DiagnosticKind,
    /// Byte range in the input.
    pub range: Range<usize>,
    /// Human-readable detail.
    pub message: String,
}

/// The result of [`Normalizer::normalize`].
#[derive(Clone, Debug)]
pub struct Normalized {
    /// The input without annotations and BOM.
    pub text: String,
    /// `text` position -> input byte offset.
    pub map: OffsetMap,
    /// Annotations, garbled runs and the like, in input order.
    pub findings: Vec<Finding>,
    /// Byte ranges of the input that are garbled (also among `findings`).
    pub garbled: Vec<Range<usize>>,
}

/// Cleans input text. Build once (it holds the character tables), use from
/// any thread.
///
/// ```
/// use zhextract::text::Normalizer;
/// let n = Normalizer::new();
/// let out = n.normalize("互聯(lián)互通");
/// assert_eq!(out.text, "互聯互通");
/// assert_eq!(out.findings.len(), 1);
/// ```
#[derive(Debug)]
pub struct Normalizer {
    syllable: Regex,
    /// Chars only Traditional text uses (a key of TSCharacters that is no value).
    trad_only: HashSet<char>,
    /// Chars only Simplified text uses (a value that is no key).
    simp_only: HashSet<char>,
}

impl Default for Normalizer {
    fn default() -> Self {
        Self::new()
    }
}

/// Longest annotation content, in chars (`chuang` + tone = 6; `zhuang` = 6).
const MAX_SYLLABLE: usize = 7;
/// How far a garbled run is followed from its `?` in each direction, in chars.
const MAX_REACH: usize = 48;

impl Normalizer {
    /// A normalizer with the built-in character tables.
    pub fn new() -> Self {
        let syllable = Regex::new(
            "^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ueng|üan|van|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|in|un|ün|vn|ia|ie|iu|ua|uo|ui|üe|ve|ue|a|o|e|i|u|ü|v)|ng|hng|hm|n|m)$",
        )
        .expect("static regex");
        // A char is script-specific when converting it to the other script
        // never keeps it: 階 (t2s gives only 阶), 阶 (s2t gives only 階).
        let always_changes = |file: &str| -> HashSet<char> {
            builtin_file(file)
                .unwrap_or_default()
                .lines()
                .filter_map(|line| {
                    let (k, vs) = line.split_once('\t')?;
                    let k = single_char(k)?;
                    vs.split(' ')
                        .all(|v| single_char(v) != Some(k))
                        .then_some(k)
                })
                .collect()
        };
        let trad_only = always_changes("TSCharacters.txt");
        let simp_only = always_changes("STCharacters.txt");
        Self {
            syllable,
            trad_only,
            simp_only,
        }
    }

    /// Whether `c` is a character only Traditional text uses (t2s always changes it).
    pub fn is_traditional_only(&self, c: char) -> bool {
        self.trad_only.contains(&c)
    }

    /// Clean `input`. See the module docs.
    pub fn normalize(&self, input: &str) -> Normalized {
        let mut findings = Vec::new();
        let mut removed: Vec<Range<usize>> = Vec::new();
        if input.starts_with('\u{FEFF}') {
            removed.push(0..3);
            findings.push(Finding {
                kind: DiagnosticKind::ByteOrderMark,
                range: 0..3,
                message: "byte order mark ignored".into(),
            });
        }
        let annotations = self.find_annotations(input);
        for r in &annotations {
            findings.push(Finding {
                kind: DiagnosticKind::PinyinAnnotation,
                range: r.clone(),
                message: format!("removed '{}'", &input[r.clone()]),
            });
        }
        removed.extend(annotations.iter().cloned());
        let garbled = self.find_garbled(input, &annotations);
        for r in &garbled {
            findings.push(Finding {
                kind: DiagnosticKind::GarbledText,
                range: r.clone(),
                message: format!("likely mojibake: {:?}", &input[r.clone()]),
            });
        }
        findings.sort_by_key(|f| (f.range.start, f.range.end));

        if removed.is_empty() {
            return Normalized {
                text: input.to_string(),
                map: OffsetMap::identity(input.len()),
                findings,
                garbled,
            };
        }
        let mut text = String::with_capacity(input.len());
        let mut map = OffsetMapBuilder::with_capacity(removed.len() + 1);
        let mut at = 0;
        for r in &removed {
            text.push_str(&input[at..r.start]);
            map.push_linear(at, r.start - at);
            at = r.end;
        }
        text.push_str(&input[at..]);
        map.push_linear(at, input.len() - at);
        Normalized {
            text,
            map: map.finish(),
            findings,
            garbled,
        }
    }

    /// Byte ranges of inserted pinyin annotations, in order.
    fn find_annotations(&self, input: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let bytes = input.as_bytes();
        let mut i = 0;
        while let Some(p) = memchr_paren(&bytes[i..]) {
            let open = i + p;
            let (open_len, close) = if bytes[open] == b'(' {
                (1, ')')
            } else {
                (3, '）')
            };
            i = open + open_len;
            // a host character right before it
            let Some(host) = input[..open].chars().next_back() else {
                continue;
            };
            if host.is_whitespace() || matches!(host, '(' | ')' | '（' | '）') {
                continue;
            }
            let rest = &input[i..];
            let Some(close_at) = rest.chars().take(MAX_SYLLABLE + 1).position(|c| c == close)
            else {
                continue;
            };
            let content: String = rest.chars().take(close_at).collect();
            if self.is_toned_syllable(&content) {
                let end = i + content.len() + close.len_utf8();
                out.push(open..end);
                i = end;
            }
        }
        out
    }

    /// One pinyin syllable with a tone mark: `lián`, `wù`, `nǚ`.
    fn is_toned_syllable(&self, s: &str) -> bool {
        if s.is_empty() {
            return false;
        }
        let mut toned = false;
        let mut plain = String::with_capacity(s.len());
        for c in s.chars() {
            let (base, tone) = untone(c);
            if base == '\0' {
                return false;
            }
            toned |= tone;
            plain.push(base.to_ascii_lowercase());
        }
        toned && self.syllable.is_match(&plain)
    }

    /// Byte ranges of garbled runs: `?` replacement marks (or U+FFFD) among
    /// characters that are out of place in Chinese text.
    fn find_garbled(&self, input: &str, annotations: &[Range<usize>]) -> Vec<Range<usize>> {
        let bytes = input.as_bytes();
        let has_anchor = bytes.contains(&b'?') || input.contains('\u{FFFD}');
        let has_latin1 = input.chars().any(is_latin1_mojibake);
        if !has_anchor && !has_latin1 {
            return Vec::new();
        }
        let ctx = Context::of(input, self);
        let mut runs: Vec<Range<usize>> = Vec::new();
        for (i, c) in input.char_indices() {
            if runs.last().is_some_and(|r| i < r.end) {
                continue;
            }
            if in_ranges(annotations, i) {
                continue;
            }
            if !(is_anchor(c) || is_latin1_mojibake(c)) {
                continue;
            }
            if let Some(mut run) = Cluster::grow(input, i, annotations, &ctx, self) {
                // `?lián)`: the annotation's `(` was garbled into the `?`
                if let Some(q) = input[run.clone()].rfind('?') {
                    let after = run.start + q + 1;
                    let tail = self.orphan_annotation_tail(&input[after..]);
                    run.end = run.end.max(after + tail);
                }
                match runs.last_mut() {
                    Some(last) if run.start <= last.end => last.end = last.end.max(run.end),
                    _ => runs.push(run),
                }
            }
        }
        runs
    }

    /// Length of the rest of an annotation whose `(` was garbled away
    /// (`lián)` after `?`), or 0.
    fn orphan_annotation_tail(&self, rest: &str) -> usize {
        let Some(close) = rest.chars().take(MAX_SYLLABLE + 1).position(|c| c == ')') else {
            return 0;
        };
        let body: String = rest.chars().take(close).collect();
        if self.is_toned_syllable(&body) {
            body.len() + 1
        } else {
            0
        }
    }

    fn classify(&self, c: char, ctx: &Context) -> Class {
        if is_anchor(c) {
            return Class::Anchor;
        }
        if c.is_whitespace() {
            return Class::Space;
        }
        if c.is_ascii_alphanumeric() {
            return Class::Ascii;
        }
        if c.is_ascii() {
            return if ";/<>_|\\^~`{}!@#$&*=+[]".contains(c) {
                Class::Weak
            } else if c.is_ascii_control() {
                Class::Strong
            } else {
                Class::Ascii
            };
        }
        let u = c as u32;
        let kana = (0x3040..=0x30FF).contains(&u)
            || (0x31F0..=0x31FF).contains(&u)
            || (0xFF66..=0xFF9F).contains(&u);
        let hangul = (0xAC00..=0xD7AF).contains(&u)
            || (0x1100..=0x11FF).contains(&u)
            || (0x3130..=0x318F).contains(&u);
        if kana {
            return if ctx.kana_ok {
                Class::Normal
            } else {
                Class::Strong
            };
        }
        if hangul {
            return if ctx.hangul_ok {
                Class::Normal
            } else {
                Class::Strong
            };
        }
        let strong = (0x80..=0xFF).contains(&u) && !matches!(c, '·' | '×' | '÷' | '°' | '±' | '§' | '©' | '®')
            || (0x100..=0x24F).contains(&u)  // Latin extended (pinyin outside annotations)
            || (0x370..=0x52F).contains(&u)  // Greek, Cyrillic
            || (0x2500..=0x259F).contains(&u) // box drawing, blocks
            || (0x3100..=0x312F).contains(&u) || (0x31A0..=0x31BF).contains(&u) // bopomofo
            || (0x3400..=0x4DBF).contains(&u) // CJK extension A: rare characters
            || (0xE000..=0xF8FF).contains(&u) // private use
            || (0xF900..=0xFAFF).contains(&u) // compatibility ideographs
            || u >= 0x20000; // rare CJK extensions, emoji-free planes
        if strong {
            return Class::Strong;
        }
        if ctx.traditional && self.simp_only.contains(&c)
            || ctx.simplified && self.trad_only.contains(&c)
        {
            return Class::Weak;
        }
        Class::Normal
    }
}

fn single_char(s: &str) -> Option<char> {
    let mut it = s.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

fn memchr_paren(b: &[u8]) -> Option<usize> {
    // '(' or the first byte of '（' (EF BC 88)
    b.iter().enumerate().find_map(|(i, &x)| {
        (x == b'(' || (x == 0xEF && b.get(i + 1) == Some(&0xBC) && b.get(i + 2) == Some(&0x88)))
            .then_some(i)
    })
}

/// Base letter and whether it carried a tone mark; `'\0'` for a non-pinyin char.
fn untone(c: char) -> (char, bool) {
    const TONED: [(&str, char); 8] = [
        ("āáǎà", 'a'),
        ("ēéěè", 'e'),
        ("īíǐì", 'i'),
        ("ōóǒò", 'o'),
        ("ūúǔù", 'u'),
        ("ǖǘǚǜ", 'ü'),
        ("ńňǹ", 'n'),
        ("ḿ", 'm'),
    ];
    if c.is_ascii_alphabetic() || c == 'ü' || c == 'Ü' {
        return (c, false);
    }
    for (set, base) in TONED {
        if set.contains(c) {
            return (base, true);
        }
    }
    ('\0', false)
}

fn is_anchor(c: char) -> bool {
    c == '?' || c == '\u{FFFD}'
}

/// UTF-8 text read as Latin-1 / Windows-1252 leaves runs of these.
fn is_latin1_mojibake(c: char) -> bool {
    matches!(
        c as u32,
        0x80..=0xFF | 0x152 | 0x153 | 0x160 | 0x161 | 0x178 | 0x17D | 0x17E | 0x192
    ) && !matches!(c, '·' | '×' | '÷' | '°' | '\u{A0}')
}

fn in_ranges(ranges: &[Range<usize>], i: usize) -> bool {
    let k = ranges.partition_point(|r| r.end <= i);
    ranges.get(k).is_some_and(|r| r.start <= i)
}

/// What the whole document looks like, to judge what is out of place.
struct Context {
    traditional: bool,
    simplified: bool,
    kana_ok: bool,
    hangul_ok: bool,
}

impl Context {
    fn of(input: &str, n: &Normalizer) -> Self {
        let (mut han, mut trad, mut simp, mut kana, mut hangul) =
            (0usize, 0usize, 0usize, 0usize, 0usize);
        for c in input.chars() {
            let u = c as u32;
            if (0x4E00..=0x9FFF).contains(&u) {
                han += 1;
                trad += n.trad_only.contains(&c) as usize;
                simp += n.simp_only.contains(&c) as usize;
            } else if (0x3040..=0x30FF).contains(&u) {
                kana += 1;
            } else if (0xAC00..=0xD7AF).contains(&u) {
                hangul += 1;
            }
        }
        // a script "owns" the document when it clearly outnumbers the other
        Context {
            traditional: trad >= 8 && trad > 4 * simp,
            simplified: simp >= 8 && simp > 4 * trad,
            kana_ok: kana * 20 > han.max(1),
            hangul_ok: hangul * 20 > han.max(1),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// `?` or U+FFFD: where a decoder gave up.
    Anchor,
    /// Out of place in Chinese text: Greek, kana, bopomofo, rare CJK ...
    Strong,
    /// Odd but not alone decisive: `;/<>_!`, the other script's characters.
    Weak,
    /// ASCII letters, digits, ordinary punctuation.
    Ascii,
    /// Ordinary text.
    Normal,
    /// Whitespace: ends a run.
    Space,
    /// An inserted pinyin annotation (transparent).
    Annotation,
}

/// One candidate run around a seed character.
struct Cluster {
    items: Vec<(Range<usize>, Class)>,
}

impl Cluster {
    /// The garbled run around the seed at `seed`, if it is one.
    fn grow(
        input: &str,
        seed: usize,
        ann: &[Range<usize>],
        ctx: &Context,
        n: &Normalizer,
    ) -> Option<Range<usize>> {
        let item_at = |i: usize| -> Option<(Range<usize>, Class)> {
            let k = ann.partition_point(|r| r.end <= i);
            if let Some(r) = ann.get(k).filter(|r| r.start <= i) {
                return Some((r.clone(), Class::Annotation));
            }
            let c = input[i..].chars().next()?;
            Some((i..i + c.len_utf8(), n.classify(c, ctx)))
        };
        let item_before = |i: usize| -> Option<(Range<usize>, Class)> {
            let c = input[..i].chars().next_back()?;
            item_at(i - c.len_utf8()).map(|(r, cl)| {
                if cl == Class::Annotation {
                    (r, cl)
                } else {
                    (i - c.len_utf8()..i, cl)
                }
            })
        };
        let odd = |c: Class| matches!(c, Class::Anchor | Class::Strong | Class::Weak);
        let joins = |c: Class| {
            matches!(
                c,
                Class::Anchor | Class::Strong | Class::Weak | Class::Ascii | Class::Annotation
            )
        };

        let first = item_at(seed)?;
        let mut right = vec![first];
        let mut at = right[0].0.end;
        while right.len() < MAX_REACH {
            let Some(it) = item_at(at) else { break };
            if joins(it.1) {
                at = it.0.end;
                right.push(it);
                continue;
            }
            // one ordinary char between two odd ones belongs to the run
            let next = item_at(it.0.end);
            if it.1 == Class::Normal && next.as_ref().is_some_and(|x| odd(x.1)) {
                at = it.0.end;
                right.push(it);
                continue;
            }
            break;
        }
        let mut left = Vec::new();
        let mut at = seed;
        while left.len() < MAX_REACH {
            let Some(it) = item_before(at) else { break };
            if joins(it.1) {
                at = it.0.start;
                left.push(it);
                continue;
            }
            let prev = item_before(it.0.start);
            if it.1 == Class::Normal && prev.as_ref().is_some_and(|x| odd(x.1)) {
                at = it.0.start;
                left.push(it);
                continue;
            }
            break;
        }
        left.reverse();
        left.extend(right);
        let mut c = Cluster { items: left };
        c.trim();
        c.verdict(input)
    }

    /// A run starts with an odd char (an annotation before it belongs to the
    /// char before the run) and ends with an odd char or an annotation of it.
    fn trim(&mut self) {
        let odd = |c: Class| matches!(c, Class::Anchor | Class::Strong | Class::Weak);
        let start = self
            .items
            .iter()
            .position(|x| odd(x.1))
            .unwrap_or(self.items.len());
        self.items.drain(..start);
        while let Some(last) = self.items.last() {
            let keep = odd(last.1)
                || last.1 == Class::Annotation
                    && self.items.len() >= 2
                    && odd(self.items[self.items.len() - 2].1);
            if keep {
                break;
            }
            self.items.pop();
        }
    }

    fn verdict(&self, input: &str) -> Option<Range<usize>> {
        let (first, last) = (self.items.first()?, self.items.last()?);
        let range = first.0.start..last.0.end;
        let text = &input[range.clone()];
        if text.contains('\u{FFFD}') {
            return Some(range);
        }
        let (mut anchors, mut groups, mut strong, mut weak, mut nonascii_odd) = (0, 0, 0, 0, false);
        let mut prev_anchor = false;
        for (r, cl) in &self.items {
            let is_anchor = *cl == Class::Anchor;
            if is_anchor {
                anchors += 1;
                if !prev_anchor {
                    groups += 1;
                }
            }
            prev_anchor = is_anchor;
            match cl {
                Class::Strong => strong += 1,
                Class::Weak => weak += 1,
                _ => {}
            }
            if matches!(cl, Class::Strong | Class::Weak) && !input[r.clone()].is_ascii() {
                nonascii_odd = true;
            }
        }
        let latin1 = text.chars().filter(|&c| is_latin1_mojibake(c)).count();
        let garbled = if anchors == 0 {
            latin1 >= 3
        } else if nonascii_odd {
            2 * strong + weak >= 2
        } else {
            // all ASCII: only with two separate `?` marks beside Chinese text
            groups >= 2 && weak >= 1 && touches_han(input, &range)
        };
        garbled.then_some(range)
    }
}

fn touches_han(input: &str, r: &Range<usize>) -> bool {
    let is_han = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
    input[..r.start].chars().next_back().is_some_and(is_han)
        || input[r.end..].chars().next().is_some_and(is_han)
}

/// The form every matching stage reads: full-width ASCII forms (U+FF01..U+FF5E)
/// and the ideographic space folded to ASCII, and the spaces typeset between a
/// digit and a Han character (`2024 年`, `今年 11 月`, a Taiwan habit) closed,
/// so that `2024 年` segments and matches as `2024年` does. `None` when there is
/// nothing to change. The map leads back to `text`: a span over a closed gap
/// covers the space.
///
/// ```
/// let (text, map) = zhextract::text::fold_for_matching("ＡＩ大會２０２２").unwrap();
/// assert_eq!(text, "AI大會2022");
/// assert_eq!(map.span(0, 2), (0, 6));
/// let (text, map) = zhextract::text::fold_for_matching("在 2024 年 9 月").unwrap();
/// assert_eq!(text, "在2024年9月");
/// assert_eq!(map.span(3, 14), (4, 18));
/// ```
pub fn fold_for_matching(text: &str) -> Option<(String, OffsetMap)> {
    let gaps = digit_han_gaps(text);
    if gaps.is_empty() && !text.chars().any(is_foldable) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut map = OffsetMapBuilder::new();
    let mut gap = gaps.iter().peekable();
    for (i, orig) in text.char_indices() {
        while gap.peek().is_some_and(|g| g.end <= i) {
            gap.next();
        }
        if gap.peek().is_some_and(|g| g.contains(&i)) {
            continue;
        }
        let c = fold_char(orig);
        out.push(c);
        if c.len_utf8() == orig.len_utf8() {
            map.push_linear(i, orig.len_utf8());
        } else {
            map.push_atomic(i, i + orig.len_utf8(), c.len_utf8());
        }
    }
    Some((out, map.finish()))
}

/// Full-width ASCII forms and the ideographic space.
fn is_foldable(c: char) -> bool {
    ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}'
}

/// `c` as matching reads it: full-width forms as ASCII.
fn fold_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        c if is_foldable(c) => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// Byte ranges of the runs of one or two spaces (after folding) with an
/// ASCII digit on one side and a Han character on the other.
fn digit_han_gaps(text: &str) -> Vec<Range<usize>> {
    let is_han = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c) || c == '〇';
    let mut gaps = Vec::new();
    // the char before the current run of spaces; the run's start and length
    let mut prev: Option<char> = None;
    let mut run: Option<(usize, usize)> = None;
    for (i, c) in text.char_indices() {
        let c = fold_char(c);
        if c == ' ' || c == '\u{A0}' {
            run = Some(run.map_or((i, 1), |(s, n)| (s, n + 1)));
            continue;
        }
        if let Some((start, n)) = run.take() {
            let fits = prev.is_some_and(|p| {
                (p.is_ascii_digit() && is_han(c)) || (is_han(p) && c.is_ascii_digit())
            });
            if n <= 2 && fits {
                gaps.push(start..i);
            }
        }
        prev = Some(c);
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn garbled(s: &str) -> Vec<&str> {
        let n = Normalizer::new();
        n.normalize(s)
            .garbled
            .iter()
            .map(|r| &s[r.clone()])
            .collect()
    }

    #[test]
    fn annotations_removed_genuine_parentheses_kept() {
        let n = Normalizer::new();
        let s =
            "業(yè)務(wù)和超市l(wèi)ogo,合夥企業(有限合伙)(10亿元)(NASDAQ: BIDU)(Apollo)(2)(ma)";
        let out = n.normalize(s);
        assert_eq!(
            out.text,
            "業務和超市logo,合夥企業(有限合伙)(10亿元)(NASDAQ: BIDU)(Apollo)(2)(ma)"
        );
        assert_eq!(out.findings.len(), 3);
        assert_eq!(out.map.span(0, 6), (0, 11));
    }

    #[test]
    fn full_width_parentheses_annotation() {
        let n = Normalizer::new();
        assert_eq!(n.normalize("銀行（háng）").text, "銀行");
        assert_eq!(n.normalize("（háng）開頭").text, "（háng）開頭");
    }

    #[test]
    fn real_question_marks_are_not_garbled() {
        assert!(garbled("這不是騰訊的一大步呢?\n\n阿里呢?").is_empty());
        assert!(garbled("真的嗎?!我不信。").is_empty());
        assert!(garbled("網址 http://a.com/?x=1&y=2 可以訪問").is_empty());
        assert!(garbled("是嗎??").is_empty());
    }

    #[test]
    fn mojibake_runs_are_flagged() {
        // written for this test: a Traditional sentence whose middle decoded badly
        let s = "兩家公司終於開始向?qū)Ψ阶呓?。這一次,涉及到彼此最核心的業務與流量,雙方都說這是重要進展,後續還會繼續討論。";
        assert_eq!(garbled(s), vec!["?qū)Ψ阶呓?"]);
        let s2 = "雙方問題將繼續討論和解決?!?/p>\n\n的確,這些都很重要。";
        assert_eq!(garbled(s2), vec!["?!?/p>"]);
        assert_eq!(garbled("出現了\u{FFFD}字元"), vec!["\u{FFFD}"]);
        assert_eq!(garbled("標題 å¤©çŒ« 內容"), vec!["å¤©çŒ«"]);
    }

    #[test]
    fn bom_is_dropped() {
        let n = Normalizer::new();
        let out = n.normalize("\u{FEFF}你好");
        assert_eq!(out.text, "你好");
        assert_eq!(out.map.span(0, 6), (3, 9));
    }

    #[test]
    fn width_folding() {
        assert!(fold_for_matching("普通文字,abc").is_none());
        let (t, m) = fold_for_matching("價格１００％\u{3000}好").unwrap();
        assert_eq!(t, "價格100% 好");
        assert_eq!(m.span(6, 9), (6, 15));
    }

    #[test]
    fn digit_han_spacing_is_closed() {
        // two spaces at most, digits on one side only; Latin and long gaps stay
        assert!(
            fold_for_matching("Model 3 上市, 共  12   台").map(|(t, _)| t)
                == Some("Model 3上市, 共12   台".to_string())
        );
        let (t, m) = fold_for_matching("今年 11 月").unwrap();
        assert_eq!(t, "今年11月");
        assert_eq!(m.span(0, t.len()), (0, 13));
        assert!(fold_for_matching("第 A 区").is_none());
    }
}
