//! Traditional -> Simplified conversion with OpenCC's semantics, and the map
//! from converted text back to its input.
//!
//! The default backend, [`OpenccConverter`], interprets OpenCC 1.4 configuration
//! files and text dictionaries (compiled in, or read from a folder at run time):
//! optional `normalization` stages, optional max-match `segmentation`, then the
//! `conversion_chain` applied to each segment with leftmost-longest matching.
//! Words the caller protects are copied verbatim. With the `opencc` cargo
//! feature, `LibOpenccConverter` runs the C++ libopencc on the same data.

pub(crate) mod config;
mod dict;
#[cfg(feature = "opencc")]
mod libopencc;

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use self::config::{load_plan, DataSource, Plan};
use self::dict::{DictGroup, Step};
use super::offsets::{OffsetMap, OffsetMapBuilder};
use crate::error::{Error, Result};

#[cfg(feature = "opencc")]
pub use self::libopencc::LibOpenccConverter;

/// Which OpenCC configuration to convert with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Variant {
    /// Choose t2s, tw2s or hk2s per text from the variant forms it uses
    /// (see [`detect_variant`]).
    #[default]
    Auto,
    /// OpenCC standard Traditional -> Simplified.
    T2s,
    /// Taiwan variant forms -> Simplified.
    Tw2s,
    /// Hong Kong variant forms -> Simplified.
    Hk2s,
    /// Taiwan -> Simplified with mainland phrases (软件 for 軟體).
    Tw2sp,
    /// Hong Kong -> Simplified with mainland phrases.
    Hk2sp,
}

impl Variant {
    /// The OpenCC config name (`"t2s"` ...).
    pub fn config_name(self) -> &'static str {
        match self {
            Variant::Auto => "auto",
            Variant::T2s => "t2s",
            Variant::Tw2s => "tw2s",
            Variant::Hk2s => "hk2s",
            Variant::Tw2sp => "tw2sp",
            Variant::Hk2sp => "hk2sp",
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.config_name())
    }
}

impl FromStr for Variant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "auto" => Variant::Auto,
            "t2s" => Variant::T2s,
            "tw2s" => Variant::Tw2s,
            "hk2s" => Variant::Hk2s,
            "tw2sp" => Variant::Tw2sp,
            "hk2sp" => Variant::Hk2sp,
            _ => {
                return Err(format!(
                    "unknown conversion {s:?} (auto, t2s, tw2s, hk2s, tw2sp, hk2sp)"
                ))
            }
        })
    }
}

/// Converted text and the map from its byte positions to the input's.
#[derive(Clone, Debug)]
pub struct Converted {
    /// The converted text.
    pub text: String,
    /// Converted position -> input byte offset.
    pub map: OffsetMap,
}

/// A Traditional -> Simplified backend.
pub trait Convert: Send + Sync + fmt::Debug {
    /// Convert `text`, mapping every output position back to `text`.
    fn convert(&self, text: &str) -> Converted;
}

/// The pure-Rust OpenCC interpreter (the default backend).
///
/// ```
/// use zhextract::text::{Convert, OpenccConverter, Variant};
/// let c = OpenccConverter::builtin(Variant::T2s).unwrap();
/// assert_eq!(c.convert("電腦與網絡").text, "电脑与网络");
/// ```
pub struct OpenccConverter {
    variant_name: String,
    plan: Plan,
    protected: Option<AhoCorasick>,
}

impl fmt::Debug for OpenccConverter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenccConverter")
            .field("config", &self.variant_name)
            .field(
                "protected",
                &self.protected.as_ref().map(|p| p.patterns_len()),
            )
            .finish()
    }
}

impl OpenccConverter {
    /// A converter for one of the built-in configurations
    /// ([`Variant::Auto`] is [`AutoConverter`]'s business: here it means t2s).
    pub fn builtin(variant: Variant) -> Result<Self> {
        let variant = if variant == Variant::Auto {
            Variant::T2s
        } else {
            variant
        };
        Self::load(DataSource::Builtin, variant.config_name())
    }

    /// A converter for `config_name` (`t2s`, or any config of the folder)
    /// from an OpenCC data folder holding text dictionaries and
    /// `config/NAME.json` (or `NAME.json`).
    pub fn from_dir(dir: impl Into<PathBuf>, config_name: &str) -> Result<Self> {
        Self::load(DataSource::Dir(dir.into()), config_name)
    }

    fn load(source: DataSource, name: &str) -> Result<Self> {
        Ok(Self {
            variant_name: name.to_string(),
            plan: load_plan(&source, name)?,
            protected: None,
        })
    }

    /// Leave these words exactly as written (a place name OpenCC would
    /// corrupt, such as 乾安县). Replaces any earlier list.
    pub fn with_protected<I, S>(mut self, words: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let words: Vec<String> = words
            .into_iter()
            .map(|w| w.as_ref().to_string())
            .filter(|w| !w.is_empty())
            .collect();
        self.protected = if words.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&words)
                    .map_err(|e| Error::Dictionary {
                        file: "<protected words>".into(),
                        line: 0,
                        message: e.to_string(),
                    })?,
            )
        };
        Ok(self)
    }

    /// Segments of `text` for the main stage: (range, convert it?).
    fn segments(&self, text: &str) -> Vec<(Range<usize>, bool)> {
        let mut regions = Vec::new();
        let mut at = 0;
        if let Some(ac) = &self.protected {
            for m in ac.find_iter(text) {
                if m.start() > at {
                    regions.push((at..m.start(), true));
                }
                regions.push((m.start()..m.end(), false));
                at = m.end();
            }
        }
        if at < text.len() || regions.is_empty() {
            regions.push((at..text.len(), true));
        }
        let Some(seg) = &self.plan.segmentation else {
            return regions;
        };
        let mut out = Vec::with_capacity(regions.len());
        for (r, convert) in regions {
            if !convert {
                out.push((r, false));
                continue;
            }
            // OpenCC's max-match: dictionary words are segments of their own,
            // runs of other chars are merged into one segment.
            let mut pending = r.start;
            let mut i = r.start;
            while i < r.end {
                let rest = &text[i..r.end];
                match seg.match_prefix(rest) {
                    Some((len, _)) => {
                        if pending < i {
                            out.push((pending..i, true));
                        }
                        out.push((i..i + len, true));
                        i += len;
                        pending = i;
                    }
                    None => i += rest.chars().next().map_or(1, char::len_utf8),
                }
            }
            if pending < r.end {
                out.push((pending..r.end, true));
            }
        }
        out
    }
}

/// Which regional standard a Traditional text follows, judged from the
/// variant characters it uses: Taiwan forms (著 as a particle, 裡, 為, 眾 ...),
/// Hong Kong forms (説, 綫, 衞 ...) or OpenCC's standard forms (着, 裏, 爲,
/// 衆 ...). Text with no evidence either way is [`Variant::T2s`].
///
/// ```
/// use zhextract::text::{detect_variant, Variant};
/// assert_eq!(detect_variant("他看著窗外，心裡想著事情"), Variant::Tw2s);
/// assert_eq!(detect_variant("他看着窗外，心裏想着事情"), Variant::T2s);
/// assert_eq!(detect_variant("他説會在綫上見面"), Variant::Hk2s);
/// ```
pub fn detect_variant(text: &str) -> Variant {
    let table = variant_table();
    let mut counts = [0usize; 5];
    for c in text.chars() {
        let u = c as usize;
        if (0x4E00..0x10000).contains(&u) {
            counts[table[u] as usize] += 1;
        }
    }
    let [_, tw, hk, shared, standard] = counts;
    if (tw + shared).max(hk + shared) <= standard {
        Variant::T2s
    } else if hk > tw {
        Variant::Hk2s
    } else {
        Variant::Tw2s
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum VariantForm {
    None = 0,
    Taiwan = 1,
    HongKong = 2,
    Both = 3,
    Standard = 4,
}

/// Variant form of every BMP char (all the variant characters are in the BMP).
fn variant_table() -> &'static [VariantForm] {
    static TABLE: std::sync::OnceLock<Vec<VariantForm>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = vec![VariantForm::None; 0x10000];
        let pairs = |file: &str| -> Vec<(char, char)> {
            config::builtin_file(file)
                .unwrap_or_default()
                .lines()
                .filter_map(|l| {
                    let (k, v) = l.split_once('\t')?;
                    let mut k = k.chars();
                    let kc = k.next()?;
                    let vc = v.split(' ').next()?.chars().next()?;
                    (k.next().is_none() && kc != vc).then_some((kc, vc))
                })
                .collect()
        };
        let tw = pairs("TWVariantsRev.txt");
        let hk = pairs("HKVariantsRev.txt");
        let slot = |c: char| (c as usize) < 0x10000;
        for &(_, v) in tw.iter().chain(&hk) {
            if slot(v) {
                t[v as usize] = VariantForm::Standard;
            }
        }
        for &(k, _) in &tw {
            if slot(k) {
                t[k as usize] = VariantForm::Taiwan;
            }
        }
        for &(k, _) in &hk {
            if slot(k) {
                let both = t[k as usize] == VariantForm::Taiwan;
                t[k as usize] = if both {
                    VariantForm::Both
                } else {
                    VariantForm::HongKong
                };
            }
        }
        t
    })
}

/// Converts each text with t2s, tw2s or hk2s as [`detect_variant`] decides.
#[derive(Debug)]
pub struct AutoConverter {
    t2s: OpenccConverter,
    tw2s: OpenccConverter,
    hk2s: OpenccConverter,
}

impl AutoConverter {
    /// The three built-in converters, each protecting `protected`.
    pub fn builtin(protected: &[String]) -> Result<Self> {
        let load = |v| OpenccConverter::builtin(v)?.with_protected(protected);
        Ok(Self {
            t2s: load(Variant::T2s)?,
            tw2s: load(Variant::Tw2s)?,
            hk2s: load(Variant::Hk2s)?,
        })
    }
}

impl Convert for AutoConverter {
    fn convert(&self, text: &str) -> Converted {
        match detect_variant(text) {
            Variant::Tw2s => self.tw2s.convert(text),
            Variant::Hk2s => self.hk2s.convert(text),
            _ => self.t2s.convert(text),
        }
    }
}

fn utf8_width(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// One conversion pass over `segments` of `input`. Returns the output, its
/// map to `input` and the output's segments.
fn run_pass(
    group: &DictGroup,
    input: &str,
    segments: &[(Range<usize>, bool)],
) -> (String, OffsetMap, Vec<(Range<usize>, bool)>) {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    let mut map = OffsetMapBuilder::with_capacity(16);
    let mut out_segments = Vec::with_capacity(segments.len());
    for (r, convert) in segments {
        let seg_start = out.len();
        if !convert {
            out.push_str(&input[r.clone()]);
            map.push_linear(r.start, r.len());
            out_segments.push((seg_start..out.len(), false));
            continue;
        }
        let bytes = input.as_bytes();
        // text no dictionary touches is copied in runs, not char by char
        let mut copy_from = r.start;
        let mut i = r.start;
        while i < r.end {
            let b = bytes[i];
            if b < 0x80 {
                // no dictionary key starts with ASCII
                i += 1;
                continue;
            }
            let width = utf8_width(b);
            let rest = &input[i..r.end];
            let Some(first) = rest.chars().next() else {
                break;
            };
            match group.step(rest, first) {
                Step::Copy => i += width,
                Step::Replace(len, value) => {
                    out.push_str(&input[copy_from..i]);
                    map.push_linear(copy_from, i - copy_from);
                    out.push_str(value);
                    map.push_replacement(i, &rest[..len], value);
                    i += len;
                    copy_from = i;
                }
            }
        }
        out.push_str(&input[copy_from..r.end]);
        map.push_linear(copy_from, r.end - copy_from);
        out_segments.push((seg_start..out.len(), true));
    }
    (out, map.finish(), out_segments)
}

impl Convert for OpenccConverter {
    fn convert(&self, text: &str) -> Converted {
        let mut current: Option<(String, OffsetMap)> = None;
        for group in &self.plan.normalization {
            let input = current.as_ref().map_or(text, |(t, _)| t.as_str());
            let whole = [(0..input.len(), true)];
            let (out, map, _) = run_pass(group, input, &whole);
            current = Some(match current {
                None => (out, map),
                Some((_, prev)) => (out, map.compose(&prev)),
            });
        }
        let input = current.as_ref().map_or(text, |(t, _)| t.as_str());
        let mut segments = self.segments(input);
        let mut stage: Option<(String, OffsetMap)> = None;
        for group in &self.plan.chain {
            let src = stage.as_ref().map_or(input, |(t, _)| t.as_str());
            let (out, map, segs) = run_pass(group, src, &segments);
            segments = segs;
            stage = Some(match stage {
                None => (out, map),
                Some((_, prev)) => (out, map.compose(&prev)),
            });
        }
        let (out, map) =
            stage.unwrap_or_else(|| (input.to_string(), OffsetMap::identity(input.len())));
        let map = match current {
            Some((_, norm)) => map.compose(&norm),
            None => map,
        };
        Converted { text: out, map }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t2s() -> OpenccConverter {
        OpenccConverter::builtin(Variant::T2s).unwrap()
    }

    #[test]
    fn converts_phrases_and_chars() {
        let c = t2s();
        assert_eq!(c.convert("一目瞭然的頭髮").text, "一目了然的头发");
        assert_eq!(c.convert("abc 123").text, "abc 123");
        assert_eq!(c.convert("").text, "");
    }

    #[test]
    fn protected_words_stay() {
        let c = t2s();
        // Simplified input: OpenCC turns the place name 乾安县 into 干安县
        assert_eq!(c.convert("吉林乾安县乾燥").text, "吉林干安县干燥");
        let c = t2s().with_protected(["乾安县"]).unwrap();
        assert_eq!(c.convert("吉林乾安县乾燥").text, "吉林乾安县干燥");
    }

    #[test]
    fn map_points_back() {
        let c = t2s();
        let src = "騰訊ab電商";
        let out = c.convert(src);
        assert_eq!(out.text, "腾讯ab电商");
        let (s, e) = out.map.span(0, 6);
        assert_eq!(&src[s..e], "騰訊");
        let (s, e) = out.map.span(8, 14);
        assert_eq!(&src[s..e], "電商");
    }

    #[test]
    fn variants_load() {
        for v in [
            Variant::T2s,
            Variant::Tw2s,
            Variant::Hk2s,
            Variant::Tw2sp,
            Variant::Hk2sp,
        ] {
            let c = OpenccConverter::builtin(v).unwrap();
            assert!(!c.convert("軟體").text.is_empty());
        }
        assert_eq!(
            OpenccConverter::builtin(Variant::Tw2sp)
                .unwrap()
                .convert("軟體")
                .text,
            "软件"
        );
    }
}
