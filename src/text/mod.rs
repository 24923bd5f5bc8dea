//! Text stages before segmentation: normalization, Traditional->Simplified
//! conversion, width folding, and the offset maps that tie their output to
//! the caller's original input.

pub mod convert;
mod normalize;
mod offsets;

#[cfg(feature = "opencc")]
pub use convert::LibOpenccConverter;
pub use convert::{detect_variant, AutoConverter, Convert, Converted, OpenccConverter, Variant};
pub use normalize::{fold_for_matching, Finding, Normalized, Normalizer};
pub use offsets::{CharIndex, OffsetMap, OffsetMapBuilder};
