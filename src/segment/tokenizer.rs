//! Tokens with POS tags from jieba-rs, with lexicon names added so they
//! segment whole. The hot loop: tokens borrow the text and jieba's tags.
//!
//! jieba's dictionary also holds compounds that hide a name (德国人,
//! 邓小平理论, 中华人民共和国香港特别行政区); those are split back into the
//! names they are made of, so the rules see every name as a token.

use jieba_rs::Jieba;
use rustc_hash::FxHashMap;

use crate::document::EntityType;
use crate::lexicon::Lexicon;

/// One token of a text: borrowed text and tag, byte offsets into that text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token text.
    pub text: &'a str,
    /// jieba's part-of-speech tag (`n`, `v`, `ns`, `nt`, `x` ...).
    pub pos: &'a str,
    /// Byte offset of the start in the segmented text.
    pub start: usize,
    /// Byte offset of the end in the segmented text.
    pub end: usize,
}

/// jieba-rs with the lexicon's names; build once, use from any thread.
///
/// ```
/// use zhextract::{segment::Tokenizer, Lexicon};
/// let t = Tokenizer::new(&Lexicon::builtin(), true);
/// let words: Vec<&str> = t.tokenize("浙江天猫技术有限公司在杭州").iter().map(|t| t.text).collect();
/// assert!(words.contains(&"杭州"));
/// ```
pub struct Tokenizer {
    jieba: Jieba,
    hmm: bool,
    /// Lexicon names of two or more chars, with the tag their pieces get.
    names: FxHashMap<Box<str>, &'static str>,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer").field("hmm", &self.hmm).finish()
    }
}

/// Smallest frequency given to an organisation, product, event or title name.
const NAME_FREQ: usize = 3000;

/// What may follow a name inside one jieba word and stays outside the name:
/// nationality (德国人), doctrine (邓小平理论), address (江泽民同志).
const COMPOUND_SUFFIXES: &[&str] = &[
    "人", "籍", "理论", "思想", "主义", "同志", "先生", "女士", "夫人", "回归", "市民", "居民",
    "人民", "同胞", "地区", "方面", "当局", "境内", "境外", "各地", "人士", "各国", "国家", "两国",
    "一带", "沿海", "之间",
];

/// Tags of jieba words that may be compounds of names.
const COMPOUND_TAGS: &[&str] = &["ns", "nt", "nr", "nz", "n", "nrt", "nrfg", "j", "l"];

/// jieba's tag for a lexicon type.
fn tag_of(kind: &EntityType) -> &'static str {
    match kind {
        EntityType::Org => "nt",
        EntityType::Location => "ns",
        EntityType::Person => "nr",
        EntityType::Title => "n",
        _ => "nz",
    }
}

impl Tokenizer {
    /// jieba's default dictionary plus every name of `lexicon` (names with
    /// whitespace cannot be jieba words and are left to the rules).
    /// `hmm` turns on jieba's HMM for words it does not know.
    pub fn new(lexicon: &Lexicon, hmm: bool) -> Self {
        let mut jieba = Jieba::new();
        let mut names = FxHashMap::default();
        for e in lexicon.iter() {
            if matches!(
                e.kind,
                EntityType::Location | EntityType::Org | EntityType::Person
            ) && e.surface.chars().nth(1).is_some()
            {
                names.insert(e.surface.as_str().into(), tag_of(&e.kind));
            }
            if e.surface.chars().any(char::is_whitespace) {
                continue;
            }
            // jieba's dictionary holds junk such as 向淘宝 (freq 2, nr): a
            // name needs more than the bare minimum to win against it.
            let freq = match e.kind {
                EntityType::Location => None,
                _ => Some(jieba.suggest_freq(&e.surface).max(NAME_FREQ)),
            };
            jieba.add_word(&e.surface, freq, Some(tag_of(&e.kind)));
        }
        Self { jieba, hmm, names }
    }

    /// Tokens of `text`, whitespace left out.
    pub fn tokenize<'a>(&'a self, text: &'a str) -> Vec<Token<'a>> {
        // about one token per five bytes of Chinese text
        let mut out = Vec::with_capacity(text.len() / 5 + 1);
        self.tokenize_into(text, 0, &mut out);
        out
    }

    /// Append the tokens of `text` to `out`, offsets shifted by `base` (the
    /// position of `text` in a larger text).
    pub fn tokenize_into<'a>(&'a self, text: &'a str, base: usize, out: &mut Vec<Token<'a>>) {
        // jieba returns all the words of its input at once: a long text goes
        // in pieces that end at a line break or a full stop (chars jieba cuts
        // its blocks at anyway), so its word list stays small
        const PIECE: usize = 64 * 1024;
        let mut from = 0;
        while from < text.len() {
            let mut to = text.len();
            if to - from > PIECE {
                let mut cut = from + PIECE;
                while !text.is_char_boundary(cut) {
                    cut += 1;
                }
                to = text[cut..]
                    .find(['\n', '。', '！', '？'])
                    .map_or(text.len(), |i| {
                        let stop = cut + i;
                        stop + text[stop..].chars().next().map_or(1, char::len_utf8)
                    });
            }
            self.tag_piece(&text[from..to], base + from, out);
            from = to;
        }
    }

    fn tag_piece<'a>(&'a self, text: &'a str, base: usize, out: &mut Vec<Token<'a>>) {
        for t in self.jieba.tag(text, self.hmm) {
            if t.word.trim().is_empty() {
                continue;
            }
            let token = Token {
                text: t.word,
                pos: t.tag,
                start: base + t.byte_start,
                end: base + t.byte_end,
            };
            if !self.split_compound(token, out) {
                out.push(token);
            }
        }
    }

    /// Push the pieces of a jieba word that is names run together (with at
    /// most one suffix from [`COMPOUND_SUFFIXES`]); false if it is not one.
    fn split_compound<'a>(&self, token: Token<'a>, out: &mut Vec<Token<'a>>) -> bool {
        let text = token.text;
        // three chars at least: a two-char name plus something
        if text.len() < 9 || !COMPOUND_TAGS.contains(&token.pos) || self.names.contains_key(text) {
            return false;
        }
        let mut pieces: Vec<(usize, usize, &'static str)> = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let rest = &text[at..];
            if !pieces.is_empty() {
                if let Some(s) = COMPOUND_SUFFIXES.iter().find(|s| **s == rest) {
                    pieces.push((at, at + s.len(), "n"));
                    break;
                }
            }
            // the longest name starting here
            // ends of two chars or more, longest first, without allocating
            let shortest = rest.char_indices().nth(2).map_or(rest.len(), |(i, _)| i);
            let found = std::iter::once(rest.len())
                .chain(rest.char_indices().rev().map(|(i, _)| i))
                .take_while(|&end| end >= shortest)
                .find_map(|end| self.names.get(&rest[..end]).map(|tag| (end, *tag)));
            match found {
                Some((len, tag)) => {
                    pieces.push((at, at + len, tag));
                    at += len;
                }
                None => return false,
            }
        }
        if pieces.len() < 2 {
            return false;
        }
        for (a, b, tag) in pieces {
            out.push(Token {
                text: &text[a..b],
                pos: tag,
                start: token.start + a,
                end: token.start + b,
            });
        }
        true
    }

    /// Whether jieba's HMM is on.
    pub fn hmm(&self) -> bool {
        self.hmm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_in_pieces_gives_the_tokens_of_a_whole_one() {
        let tok = Tokenizer::new(&Lexicon::builtin(), true);
        let text = "星海集团与蓝鲸科技在上海签署合作协议，双方将共同开发新产品。\n".repeat(2500)
            + &"腾讯和阿里巴巴宣布合作！".repeat(3000);
        assert!(text.len() > 200 * 1024);
        let pieces = tok.tokenize(&text);
        let mut whole = Vec::new();
        tok.tag_piece(&text, 0, &mut whole);
        assert_eq!(pieces, whole);
    }
}
