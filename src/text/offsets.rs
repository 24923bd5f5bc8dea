//! `OffsetMap`: positions in a derived text -> byte offsets in the original.
//!
//! Every stage that rewrites text (annotation removal, Traditional->Simplified,
//! width folding) records how its output lines up with its input as an
//! [`OffsetMap`]. Maps compose ([`OffsetMap::compose`]), so the pipeline keeps
//! ONE map from the text the rules see back to the caller's input, and no later
//! stage ever recomputes offsets.
//!
//! A map is a list of pieces covering the derived text end to end. A *linear*
//! piece is text copied (or replaced char for char by chars of the same UTF-8
//! width), so every inner position maps by offset. An *atomic* piece replaced
//! one span by another of a different shape: a span that starts or ends
//! inside it widens to the whole original span. Text deleted from the
//! original (an annotation) is simply a gap between pieces.

/// One run of the derived text and the original span it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    /// Start in the derived text.
    derived: u32,
    /// Start in the original text.
    orig: u32,
    /// End in the original text.
    orig_end: u32,
    /// Inner positions map by offset (derived and original lengths are equal).
    linear: bool,
}

/// Offsets are kept as `u32` (a map is 16 bytes a piece, and a text with
/// much width folding has a piece every few chars): texts are limited to
/// 4 GiB, and a larger offset saturates.
fn off(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

impl Piece {
    fn new(derived: usize, orig: usize, orig_end: usize, linear: bool) -> Self {
        Piece {
            derived: off(derived),
            orig: off(orig),
            orig_end: off(orig_end),
            linear,
        }
    }
    fn derived(&self) -> usize {
        self.derived as usize
    }
    fn orig(&self) -> usize {
        self.orig as usize
    }
    fn orig_end(&self) -> usize {
        self.orig_end as usize
    }
}

/// Maps byte positions of a derived text back to byte offsets of the text it
/// was derived from. See the module docs.
///
/// ```
/// use zhextract::text::{OffsetMap, OffsetMapBuilder};
/// // "業(yè)務" with the annotation removed: "業務"
/// let mut b = OffsetMapBuilder::new();
/// b.push_linear(0, 3);  // 業
/// b.push_linear(8, 3);  // 務 (skipping "(yè)", 5 bytes)
/// let map = b.finish();
/// assert_eq!(map.span(0, 6), (0, 11));
/// assert_eq!(map.span(3, 6), (8, 11));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    pieces: Vec<Piece>,
    derived_len: usize,
}

impl OffsetMap {
    /// The map of a text copied unchanged.
    pub fn identity(len: usize) -> Self {
        let mut b = OffsetMapBuilder::new();
        b.push_linear(0, len);
        b.finish()
    }

    /// Length of the derived text in bytes.
    pub fn derived_len(&self) -> usize {
        self.derived_len
    }

    /// True when every position maps to itself.
    pub fn is_identity(&self) -> bool {
        match self.pieces.as_slice() {
            [] => true,
            [p] => p.linear && p.orig() == 0 && p.derived() == 0,
            _ => false,
        }
    }

    fn piece_end(&self, i: usize) -> usize {
        self.pieces
            .get(i + 1)
            .map_or(self.derived_len, |p| p.derived())
    }

    /// Original offset where a span starting at derived position `d` starts.
    pub fn start(&self, d: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.derived() <= d);
        if i == 0 {
            return self.pieces.first().map_or(0, |p| p.orig());
        }
        let p = self.pieces[i - 1];
        if d >= self.piece_end(i - 1) {
            return p.orig_end();
        }
        if p.linear {
            p.orig() + (d - p.derived())
        } else {
            p.orig()
        }
    }

    /// Original offset where a span ending at derived position `d` ends.
    pub fn end(&self, d: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.derived() < d);
        if i == 0 {
            return self.pieces.first().map_or(0, |p| p.orig());
        }
        let p = self.pieces[i - 1];
        if p.linear {
            p.orig() + (d.min(self.piece_end(i - 1)) - p.derived())
        } else {
            p.orig_end()
        }
    }

    /// Original `(start, end)` of the derived span `start..end`; never
    /// `start > end`. An empty span maps to an empty span.
    pub fn span(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.start(start);
        if end <= start {
            return (s, s);
        }
        (s, self.end(end).max(s))
    }

    /// `self` maps C -> B and `inner` maps B -> A: the result maps C -> A.
    pub fn compose(&self, inner: &OffsetMap) -> OffsetMap {
        if inner.is_identity() {
            return self.clone();
        }
        if self.is_identity() {
            return inner.clone();
        }
        let mut b = OffsetMapBuilder::with_capacity(self.pieces.len() + inner.pieces.len());
        let mut j = 0; // first inner piece that may overlap the current outer piece
        for (i, q) in self.pieces.iter().enumerate() {
            let q_len = self.piece_end(i) - q.derived();
            if !q.linear {
                let (s, e) = inner.span(q.orig(), q.orig_end());
                b.push_atomic(s, e, q_len);
                continue;
            }
            let (lo, hi) = (q.orig(), q.orig_end());
            while j < inner.pieces.len() && inner.piece_end(j) <= lo {
                j += 1;
            }
            let mut k = j;
            while k < inner.pieces.len() && inner.pieces[k].derived() < hi {
                let r = inner.pieces[k];
                let (s, e) = (lo.max(r.derived()), hi.min(inner.piece_end(k)));
                if s < e {
                    if r.linear {
                        b.push_linear(r.orig() + (s - r.derived()), e - s);
                    } else {
                        b.push_atomic(r.orig(), r.orig_end(), e - s);
                    }
                }
                k += 1;
            }
        }
        b.finish()
    }
}

/// Builds an [`OffsetMap`] while a stage writes its output left to right.
#[derive(Debug, Default)]
pub struct OffsetMapBuilder {
    pieces: Vec<Piece>,
    derived_len: usize,
}

impl OffsetMapBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty builder with room for `n` pieces.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            pieces: Vec::with_capacity(n),
            derived_len: 0,
        }
    }

    /// `len` bytes of output copied from the original at `orig` (or replaced
    /// char for char by chars of equal UTF-8 width).
    pub fn push_linear(&mut self, orig: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.pieces.last_mut() {
            if last.linear && last.orig_end() == orig {
                last.orig_end = off(orig + len);
                self.derived_len += len;
                return;
            }
        }
        self.pieces
            .push(Piece::new(self.derived_len, orig, orig + len, true));
        self.derived_len += len;
    }

    /// `derived_len` bytes of output standing for the original span
    /// `orig..orig_end()` as a whole.
    pub fn push_atomic(&mut self, orig: usize, orig_end: usize, derived_len: usize) {
        if derived_len == 0 {
            return;
        }
        self.pieces.push(Piece::new(
            self.derived_len,
            orig,
            orig_end.max(orig),
            false,
        ));
        self.derived_len += derived_len;
    }

    /// Output `out` replacing the original span `orig..orig_end()` whose text
    /// is `orig_text`: linear when the two are char for char of equal width,
    /// atomic otherwise.
    pub fn push_replacement(&mut self, orig: usize, orig_text: &str, out: &str) {
        if out.len() == orig_text.len() && same_char_widths(orig_text, out) {
            self.push_linear(orig, out.len());
        } else {
            self.push_atomic(orig, orig + orig_text.len(), out.len());
        }
    }

    /// Bytes of output so far.
    pub fn derived_len(&self) -> usize {
        self.derived_len
    }

    /// The finished map.
    pub fn finish(self) -> OffsetMap {
        OffsetMap {
            pieces: self.pieces,
            derived_len: self.derived_len,
        }
    }
}

fn same_char_widths(a: &str, b: &str) -> bool {
    let mut x = a.chars();
    let mut y = b.chars();
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(c), Some(d)) if c.len_utf8() == d.len_utf8() => {}
            _ => return false,
        }
    }
}

/// Byte offset -> char offset in one text, in O(block) per lookup.
#[derive(Debug)]
pub struct CharIndex<'a> {
    bytes: &'a [u8],
    /// Chars starting before each block.
    blocks: Vec<usize>,
}

const BLOCK: usize = 256;

impl<'a> CharIndex<'a> {
    /// Index `text`.
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut blocks = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut count = 0;
        for chunk in bytes.chunks(BLOCK) {
            blocks.push(count);
            count += chunk.iter().filter(|&&b| !is_continuation(b)).count();
        }
        blocks.push(count);
        Self { bytes, blocks }
    }

    /// Char offset of byte offset `byte` (which must be a char boundary;
    /// offsets past the end count as the end).
    pub fn char_offset(&self, byte: usize) -> usize {
        let byte = byte.min(self.bytes.len());
        let b = byte / BLOCK;
        let from = b * BLOCK;
        self.blocks[b]
            + self.bytes[from..byte]
                .iter()
                .filter(|&&x| !is_continuation(x))
                .count()
    }

    /// A full [`Span`](crate::Span) from byte offsets.
    pub fn span(&self, start: usize, end: usize) -> crate::Span {
        crate::Span {
            start,
            end,
            char_start: self.char_offset(start),
            char_end: self.char_offset(end),
        }
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_maps_to_itself() {
        let m = OffsetMap::identity(10);
        assert!(m.is_identity());
        assert_eq!(m.span(2, 7), (2, 7));
        assert_eq!(m.span(10, 10), (10, 10));
    }

    #[test]
    fn atomic_piece_widens() {
        // "ＡＢ" (6 bytes) folded to "AB" (2 bytes) as two atomic pieces
        let mut b = OffsetMapBuilder::new();
        b.push_atomic(0, 3, 1);
        b.push_atomic(3, 6, 1);
        let m = b.finish();
        assert_eq!(m.span(0, 1), (0, 3));
        assert_eq!(m.span(1, 2), (3, 6));
        assert_eq!(m.span(0, 2), (0, 6));
    }

    #[test]
    fn phrase_replacement_of_other_length_is_atomic() {
        let mut b = OffsetMapBuilder::new();
        b.push_replacement(0, "ab", "xyz");
        let m = b.finish();
        assert_eq!(m.span(1, 2), (0, 2));
    }

    #[test]
    fn compose_follows_both_maps() {
        // original "a(x)bＣ" -> inner removes "(x)": "abＣ" -> outer folds Ｃ: "abC"
        let mut inner = OffsetMapBuilder::new();
        inner.push_linear(0, 1);
        inner.push_linear(4, 4); // "bＣ"
        let inner = inner.finish();
        let mut outer = OffsetMapBuilder::new();
        outer.push_linear(0, 2);
        outer.push_atomic(2, 5, 1);
        let outer = outer.finish();
        let m = outer.compose(&inner);
        assert_eq!(m.span(0, 1), (0, 1));
        assert_eq!(m.span(1, 2), (4, 5));
        assert_eq!(m.span(2, 3), (5, 8));
        assert_eq!(m.span(0, 3), (0, 8));
    }

    #[test]
    fn char_index_counts_chars() {
        let s = "a騰b訊".repeat(200);
        let idx = CharIndex::new(&s);
        for (ci, (bi, _)) in s.char_indices().enumerate() {
            assert_eq!(idx.char_offset(bi), ci);
        }
        assert_eq!(idx.char_offset(s.len()), s.chars().count());
    }
}
