//! Segmentation of the converted text: sentences, and tokens with POS tags.
//!
//! Spans here are byte offsets into the text given (the analysis text of the
//! pipeline); the extractor maps them to the original input.

mod sentence;
mod tag;
mod tokenizer;

pub use sentence::split_sentences;
pub(crate) use sentence::{CLAUSE_MARKS, ENUMERATION_MARK};
pub use tag::Tag;
pub use tokenizer::{Token, Tokenizer};

/// Whether `c` is a CJK unified ideograph of the basic block (what jieba's
/// dictionary words and its HMM's unknown words are made of).
pub(crate) fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}
