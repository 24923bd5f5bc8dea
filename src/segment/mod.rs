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
