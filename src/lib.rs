#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

mod config;
mod document;
mod error;
mod extract;
mod extractor;
mod lexicon;
mod pipeline;
pub mod relation_model;
mod rules;
pub mod segment;
pub mod text;
mod time;
mod words;

pub use document::{
    Diagnostic, DiagnosticKind, DocDateSource, Document, Entity, EntityType, Grain, Mention,
    Predicate, Span, TimeExpr, TimeKind, TimeMod, TimeRange, Token, Triple,
};
pub use error::{Error, Result};
pub use extractor::{
    ConvertBackend, Extractor, ExtractorBuilder, Reference, TimeBias, DEFAULT_MAX_INPUT_BYTES,
};
pub use lexicon::{LexEntry, Lexicon};
pub use pipeline::{Stage, Work};
pub use rules::{RuleSet, RuleTest};
pub use words::WordLists;
