//! Tokens with POS tags from jieba-rs, with lexicon names added so they
//! segment whole. The hot loop: tokens borrow the text and jieba's tags.

use jieba_rs::Jieba;

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
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer").field("hmm", &self.hmm).finish()
    }
}

/// Smallest frequency given to an organisation, product, event or title name.
const NAME_FREQ: usize = 3000;

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
        for e in lexicon.iter() {
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
        Self { jieba, hmm }
    }

    /// Tokens of `text`, whitespace left out.
    pub fn tokenize<'a>(&'a self, text: &'a str) -> Vec<Token<'a>> {
        let mut out = Vec::with_capacity(text.len() / 4 + 1);
        self.tokenize_into(text, 0, &mut out);
        out
    }

    /// Append the tokens of `text` to `out`, offsets shifted by `base` (the
    /// position of `text` in a larger text).
    pub fn tokenize_into<'a>(&'a self, text: &'a str, base: usize, out: &mut Vec<Token<'a>>) {
        for t in self.jieba.tag(text, self.hmm) {
            if t.word.trim().is_empty() {
                continue;
            }
            out.push(Token {
                text: t.word,
                pos: t.tag,
                start: base + t.byte_start,
                end: base + t.byte_end,
            });
        }
    }

    /// Whether jieba's HMM is on.
    pub fn hmm(&self) -> bool {
        self.hmm
    }
}
