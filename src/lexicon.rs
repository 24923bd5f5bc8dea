//! Lexicons: names with a type and a canonical form (阿里 -> 阿里巴巴集团).
//!
//! The built-in files in `data/lexicons/` are compiled in; users add TSV files
//! at run time (`surface<TAB>TYPE[<TAB>canonical]`, `#` comments). A later
//! entry for the same surface replaces an earlier one, so a user's file
//! overrides the built-in data. The tokenizer adds every name to jieba so it
//! segments whole, and the converter protects names it would corrupt.

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::document::EntityType;
use crate::error::{Error, Result};

/// The compiled-in lexicon files, in load order (later wins).
const BUILTIN: &[(&str, &str)] = &[
    (
        "orgs_listed.tsv",
        include_str!("../data/lexicons/orgs_listed.tsv"),
    ),
    (
        "places_world.tsv",
        include_str!("../data/lexicons/places_world.tsv"),
    ),
    (
        "places_foreign.tsv",
        include_str!("../data/lexicons/places_foreign.tsv"),
    ),
    (
        "places_cn.tsv",
        include_str!("../data/lexicons/places_cn.tsv"),
    ),
    (
        "places_regions.tsv",
        include_str!("../data/lexicons/places_regions.tsv"),
    ),
    (
        "orgs_public.tsv",
        include_str!("../data/lexicons/orgs_public.tsv"),
    ),
    ("persons.tsv", include_str!("../data/lexicons/persons.tsv")),
    (
        "orgs_major.tsv",
        include_str!("../data/lexicons/orgs_major.tsv"),
    ),
    (
        "products.tsv",
        include_str!("../data/lexicons/products.tsv"),
    ),
    ("titles.tsv", include_str!("../data/lexicons/titles.tsv")),
    ("events.tsv", include_str!("../data/lexicons/events.tsv")),
];

/// Entity types a lexicon line may name.
const TYPES: &[&str] = &["PERSON", "ORG", "LOCATION", "PRODUCT", "EVENT", "TITLE"];

/// One name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexEntry {
    /// The name as it appears in Simplified text.
    pub surface: String,
    /// What it names.
    pub kind: EntityType,
    /// The name all its aliases resolve to.
    pub canonical: String,
}

/// A set of names, looked up by surface.
///
/// ```
/// let lex = zhextract::Lexicon::builtin();
/// let e = lex.get("阿里").unwrap();
/// assert_eq!(e.canonical, "阿里巴巴集团");
/// assert_eq!(e.kind, zhextract::EntityType::Org);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    entries: Vec<LexEntry>,
    by_surface: FxHashMap<String, usize>,
    /// Latin-script names of four chars or more by their lower-case form:
    /// Chinese text writes them in any case (visa, Yahoo, EBAY).
    by_folded: FxHashMap<String, usize>,
}

/// The lower-case key of a Latin-script name looked up in any case; `None`
/// for other names and short ones (ea is no EA). A key already in lower case
/// is borrowed: this runs for every Latin token a lexicon lacks.
fn folded_key(surface: &str) -> Option<std::borrow::Cow<'_, str>> {
    if surface.len() < 4 || !surface.is_ascii() || !surface.bytes().any(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    Some(if surface.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(surface.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(surface)
    })
}

impl Lexicon {
    /// No names.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The compiled-in lexicons (see `data/lexicons/SOURCES.md`).
    pub fn builtin() -> Self {
        let mut lex = Self::empty();
        for (name, text) in BUILTIN {
            // the built-in files are checked by a test; a bad line cannot ship
            let _ = lex.add_tsv(&format!("<builtin>/{name}"), text);
        }
        lex
    }

    /// Add the entries of a TSV text; `file` names it in errors. On error
    /// nothing of this text is added.
    pub fn add_tsv(&mut self, file: &str, text: &str) -> Result<()> {
        let mut parsed = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: String| Error::Lexicon {
                file: file.to_string(),
                line: n + 1,
                message,
            };
            let fields: Vec<&str> = line.split('\t').collect();
            if !(2..=3).contains(&fields.len()) {
                return Err(err(format!(
                    "expected `surface<TAB>TYPE[<TAB>canonical]`, found {} tab-separated fields",
                    fields.len()
                )));
            }
            let surface = fields[0].trim();
            if surface.is_empty() {
                return Err(err("empty surface".into()));
            }
            if surface.chars().count() > 64 {
                return Err(err(format!("surface {surface:?} is longer than 64 chars")));
            }
            let ty = fields[1].trim();
            if !TYPES.contains(&ty) {
                return Err(err(format!(
                    "unknown type {ty:?} (one of {})",
                    TYPES.join(", ")
                )));
            }
            let canonical = fields.get(2).map_or(surface, |c| c.trim());
            let canonical = if canonical.is_empty() {
                surface
            } else {
                canonical
            };
            parsed.push(LexEntry {
                surface: surface.to_string(),
                kind: ty.parse().unwrap_or(EntityType::Org),
                canonical: canonical.to_string(),
            });
        }
        for e in parsed {
            self.insert(e);
        }
        Ok(())
    }

    /// Add the entries of a TSV file.
    pub fn add_file(&mut self, path: &Path) -> Result<()> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| Error::Lexicon {
            file: path.display().to_string(),
            line: bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1,
            message: "not UTF-8".into(),
        })?;
        self.add_tsv(&path.display().to_string(), text)
    }

    /// Add or replace one entry.
    pub fn insert(&mut self, entry: LexEntry) {
        match self.by_surface.get(&entry.surface) {
            Some(&i) => self.entries[i] = entry,
            None => {
                let i = self.entries.len();
                if let Some(key) = folded_key(&entry.surface) {
                    // the first spelling added answers for the others
                    self.by_folded.entry(key.into_owned()).or_insert(i);
                }
                self.by_surface.insert(entry.surface.clone(), i);
                self.entries.push(entry);
            }
        }
    }

    /// The entry for a surface; a Latin-script name of four chars or more
    /// is also found in another case (`visa` finds `Visa`).
    pub fn get(&self, surface: &str) -> Option<&LexEntry> {
        let i = match self.by_surface.get(surface) {
            Some(&i) => i,
            None => *self.by_folded.get(folded_key(surface)?.as_ref())?,
        };
        Some(&self.entries[i])
    }

    /// All entries, in the order first added.
    pub fn iter(&self) -> impl Iterator<Item = &LexEntry> {
        self.entries.iter()
    }

    /// Number of distinct surfaces.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_names_are_found_in_any_case() {
        let lex = Lexicon::builtin();
        assert_eq!(lex.get("visa").map(|e| e.canonical.as_str()), Some("Visa"));
        assert_eq!(lex.get("VISA").map(|e| e.canonical.as_str()), Some("Visa"));
        assert!(lex.get("ea").is_none());
        assert!(lex.get("EA").is_some());
    }

    #[test]
    fn builtin_files_parse_cleanly() {
        for (name, text) in BUILTIN {
            Lexicon::empty().add_tsv(name, text).unwrap();
        }
        let lex = Lexicon::builtin();
        assert!(lex.len() > 10_000, "{}", lex.len());
        assert_eq!(lex.get("浙江").unwrap().canonical, "浙江省");
        assert_eq!(lex.get("台北市").unwrap().kind, EntityType::Location);
        assert_eq!(lex.get("腾讯").unwrap().kind, EntityType::Org);
        assert_eq!(lex.get("微信").unwrap().kind, EntityType::Product);
        assert_eq!(lex.get("总裁").unwrap().kind, EntityType::Title);
        assert!(lex.get("和平").is_none(), "an ordinary word became a place");
    }

    #[test]
    fn every_lexicon_file_is_compiled_in() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/lexicons");
        for f in std::fs::read_dir(dir).unwrap() {
            let name = f.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".tsv") {
                assert!(
                    BUILTIN.iter().any(|(n, _)| *n == name),
                    "{name} is not in BUILTIN"
                );
            }
        }
    }

    #[test]
    fn later_entries_win() {
        let mut lex = Lexicon::builtin();
        lex.add_tsv("mine.tsv", "腾讯\tORG\t腾讯控股有限公司\n")
            .unwrap();
        assert_eq!(lex.get("腾讯").unwrap().canonical, "腾讯控股有限公司");
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let mut lex = Lexicon::empty();
        let e = lex
            .add_tsv("my.tsv", "# ok\n腾讯\tORG\n阿里\tCOMPANY\n")
            .unwrap_err();
        assert_eq!(e.to_string(), "my.tsv:3: unknown type \"COMPANY\" (one of PERSON, ORG, LOCATION, PRODUCT, EVENT, TITLE)");
        let e = lex.add_tsv("my.tsv", "腾讯 ORG\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("my.tsv:1: expected `surface<TAB>TYPE"),
            "{e}"
        );
        let e = lex.add_tsv("my.tsv", "\tORG\n").unwrap_err();
        assert_eq!(e.to_string(), "my.tsv:1: empty surface");
        assert!(lex.is_empty(), "a failed file adds nothing");
    }
}
