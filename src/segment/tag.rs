//! jieba's part-of-speech tags as one byte each. A token carries an index
//! into the closed set of tags jieba gives instead of a string: a text of a
//! few MB has hundreds of thousands of tokens, and a tag test in a rule is
//! then one bit test.

use std::fmt;

/// A jieba part-of-speech tag (`n`, `v`, `ns`, `nt`, `eng`, `x` …).
///
/// ```
/// use zhextract::segment::Tag;
/// let t = Tag::of("ns");
/// assert_eq!(t.as_str(), "ns");
/// assert_eq!(t, "ns");
/// assert_eq!(Tag::of("no such tag"), Tag::X);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(u8);

impl Tag {
    /// Every tag jieba's dictionary and its POS model give (the model's 64
    /// tags), `eng` of its pre-segmentation and `nrp`, sorted.
    pub const NAMES: [&'static str; 66] = [
        "a", "ad", "ag", "an", "b", "bg", "c", "d", "df", "dg", "e", "en", "eng", "f", "g", "h",
        "i", "in", "j", "jn", "k", "l", "ln", "m", "mg", "mq", "n", "ng", "nr", "nrfg", "nrp",
        "nrt", "ns", "nt", "nz", "o", "p", "q", "qe", "qg", "r", "rg", "rr", "rz", "s", "t", "tg",
        "u", "ud", "ug", "uj", "ul", "uv", "uz", "v", "vd", "vg", "vi", "vn", "vq", "w", "x", "y",
        "yg", "z", "zg",
    ];

    /// `x`: punctuation and whatever jieba does not know.
    pub const X: Tag = Tag(61);

    /// The tag of this name; a name outside [`Tag::NAMES`] is [`Tag::X`].
    pub fn of(name: &str) -> Tag {
        Self::known(name).unwrap_or(Tag::X)
    }

    /// The tag of this name, if it is one of [`Tag::NAMES`].
    pub fn known(name: &str) -> Option<Tag> {
        // a match compiles to a jump on the length and a few compares:
        // cheaper than a search, and this runs once a token; the order is
        // that of NAMES (checked by a test)
        let i = match name {
            "a" => 0,
            "ad" => 1,
            "ag" => 2,
            "an" => 3,
            "b" => 4,
            "bg" => 5,
            "c" => 6,
            "d" => 7,
            "df" => 8,
            "dg" => 9,
            "e" => 10,
            "en" => 11,
            "eng" => 12,
            "f" => 13,
            "g" => 14,
            "h" => 15,
            "i" => 16,
            "in" => 17,
            "j" => 18,
            "jn" => 19,
            "k" => 20,
            "l" => 21,
            "ln" => 22,
            "m" => 23,
            "mg" => 24,
            "mq" => 25,
            "n" => 26,
            "ng" => 27,
            "nr" => 28,
            "nrfg" => 29,
            "nrp" => 30,
            "nrt" => 31,
            "ns" => 32,
            "nt" => 33,
            "nz" => 34,
            "o" => 35,
            "p" => 36,
            "q" => 37,
            "qe" => 38,
            "qg" => 39,
            "r" => 40,
            "rg" => 41,
            "rr" => 42,
            "rz" => 43,
            "s" => 44,
            "t" => 45,
            "tg" => 46,
            "u" => 47,
            "ud" => 48,
            "ug" => 49,
            "uj" => 50,
            "ul" => 51,
            "uv" => 52,
            "uz" => 53,
            "v" => 54,
            "vd" => 55,
            "vg" => 56,
            "vi" => 57,
            "vn" => 58,
            "vq" => 59,
            "w" => 60,
            "x" => 61,
            "y" => 62,
            "yg" => 63,
            "z" => 64,
            "zg" => 65,
            _ => return None,
        };
        Some(Tag(i))
    }

    /// The tag's name.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self.0 as usize]
    }

    /// The tag's position in [`Tag::NAMES`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Tag {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Tag {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_and_x_is_x() {
        assert!(Tag::NAMES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Tag::X.as_str(), "x");
        for (i, n) in Tag::NAMES.iter().enumerate() {
            assert_eq!(Tag::of(n).index(), i);
        }
    }
}
