//! Named word lists: the words the library's code reads that are no rules
//! (a tokenizer repair's suffixes, the reference words of relation parties,
//! the cues of a future date) and the stoplists rules read by name
//! (`list = "stoplists.not_person"` in a pattern), kept in the data files of
//! `data/words/`, compiled in and loaded once. A list is named `section.list`
//! (`segment.compound_suffixes`); a user's file of the same format replaces
//! the lists it names ([`WordLists::with_overrides`];
//! [`ExtractorBuilder::word_lists_file`](crate::ExtractorBuilder::word_lists_file)
//! gives them to an extractor, whose stages all read its lists, and a stage
//! of one's own reads them with [`Work::word_list`](crate::Work::word_list)).
//!
//! ```
//! let words = zhextract::WordLists::builtin();
//! assert!(words.get("relations.party_latter").iter().any(|w| w == "后者"));
//! ```

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::error::{Error, Result};

/// The built-in files, merged in order: the lists the code reads, and the
/// stoplists rules read by name (`list = "stoplists.not_person"`).
const BUILTIN: &[(&str, &str)] = &[
    (
        "data/words/words.toml",
        include_str!("../data/words/words.toml"),
    ),
    (
        "data/words/names.toml",
        include_str!("../data/words/names.toml"),
    ),
    (
        "data/words/not_person.toml",
        include_str!("../data/words/not_person.toml"),
    ),
];

/// Word lists by name. Cheap to read from any thread.
#[derive(Clone, Debug, Default)]
pub struct WordLists {
    lists: FxHashMap<String, Vec<String>>,
}

impl WordLists {
    /// The built-in lists (`data/words/*.toml`), parsed once.
    pub fn builtin() -> &'static WordLists {
        static LISTS: OnceLock<WordLists> = OnceLock::new();
        // the built-in file is tested to parse (words::tests); an error
        // would leave the lists empty rather than panic
        LISTS.get_or_init(|| {
            BUILTIN
                .iter()
                .filter_map(|(file, text)| Self::parse(file, text).ok())
                .fold(WordLists::default(), |all, one| all.with_overrides(&one))
        })
    }

    /// Lists from a TOML file of `[section]` tables of string arrays; a
    /// mistake names the file and line.
    pub fn parse(file: &str, text: &str) -> Result<WordLists> {
        let tables: BTreeMap<String, BTreeMap<String, Vec<String>>> = toml::from_str(text)
            .map_err(|e| {
                let line = e.span().map_or(0, |s| {
                    text[..s.start.min(text.len())].lines().count().max(1)
                });
                Error::Lexicon {
                    file: file.to_string(),
                    line,
                    message: format!(
                        "word lists are [section] tables of string arrays: {}",
                        e.message()
                    ),
                }
            })?;
        let mut lists = FxHashMap::default();
        for (section, table) in tables {
            for (name, words) in table {
                lists.insert(format!("{section}.{name}"), words);
            }
        }
        Ok(WordLists { lists })
    }

    /// The list named `name` (`section.list`); empty when there is none.
    pub fn get(&self, name: &str) -> &[String] {
        self.lists.get(name).map_or(&[], Vec::as_slice)
    }

    /// The names of every list.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.lists.keys().map(String::as_str)
    }

    /// These lists with the ones `other` names replaced by its.
    pub fn with_overrides(&self, other: &WordLists) -> WordLists {
        let mut lists = self.lists.clone();
        for (k, v) in &other.lists {
            lists.insert(k.clone(), v.clone());
        }
        WordLists { lists }
    }

    /// The list's single chars (lists of one-char words).
    pub(crate) fn chars(&self, name: &str) -> Vec<char> {
        self.get(name)
            .iter()
            .filter_map(|w| {
                let mut c = w.chars();
                c.next().filter(|_| c.next().is_none())
            })
            .collect()
    }

    /// The words of list `name`, escaped, as a regex alternation in their order.
    pub(crate) fn alternation(&self, name: &str) -> String {
        self.get(name)
            .iter()
            .map(|w| regex::escape(w))
            .collect::<Vec<_>>()
            .join("|")
    }

    /// A regex made with lists' alternations: escaped words only fail it by
    /// size (a huge user list), reported as an error of `lists`.
    pub(crate) fn regex(lists: &str, src: &str) -> Result<regex::Regex> {
        regex::Regex::new(src).map_err(|e| Error::Lexicon {
            file: format!("word lists ({lists})"),
            line: 0,
            message: e.to_string(),
        })
    }

    /// The list's `word:tag` pairs.
    pub(crate) fn tagged(&self, name: &str) -> Vec<(String, String)> {
        self.get(name)
            .iter()
            .filter_map(|w| w.split_once(':'))
            .map(|(w, t)| (w.to_string(), t.to_string()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_files_parse_with_every_list_the_code_and_rules_read() {
        for (file, text) in BUILTIN {
            WordLists::parse(file, text).unwrap();
        }
        let parsed = WordLists::builtin();
        for name in [
            "segment.compound_suffixes",
            "segment.body_words",
            "segment.body_chars",
            "segment.place_levels",
            "segment.level_title_heads",
            "segment.glued_particles",
            "segment.glued_after_name",
            "segment.glued_after_two_char_name",
            "segment.glued_name_ends",
            "segment.glued_before_company",
            "relations.party_this",
            "relations.party_company",
            "relations.party_latter",
            "relations.party_former",
            "relations.party_both",
            "relations.model_not_company_endings",
            "time.future_cues",
            "time.dateline_cues",
            "time.glued_before_time",
            "time.dateline_bylines",
            "entities.alias_cues",
            "entities.industry_words",
            "entities.company_forms",
            "entities.company_form_marks",
            "entities.legal_forms",
            "entities.generic_cores",
            "entities.count_starts",
            "entities.descriptors_before_name",
            "relations_named.legal_forms",
            "relations_named.government_endings",
            "relations_named.exchange_endings",
            "relations_named.academic_unit_endings",
            "relations_named.group_suffixes",
            "time_parts_of_day.words",
            "stoplists.not_person",
            "names.surnames",
            "names.word_initial_surnames",
            "names.compound_surnames",
            "names.not_a_surname_here",
            "names.not_in_name",
            "names.cues",
            "names.list_marks",
        ] {
            assert!(!parsed.get(name).is_empty(), "{name}");
        }
        assert_eq!(parsed.chars("segment.place_levels").len(), 6);
        assert!(parsed
            .tagged("segment.glued_particles")
            .iter()
            .all(|(w, t)| w.chars().count() == 1 && !t.is_empty()));
    }

    #[test]
    fn a_users_file_replaces_the_lists_it_names() {
        let mine =
            WordLists::parse("mine.toml", "[relations]\nparty_latter = [\"后一家\"]\n").unwrap();
        let merged = WordLists::builtin().with_overrides(&mine);
        assert_eq!(merged.get("relations.party_latter"), ["后一家"]);
        assert!(!merged.get("relations.party_former").is_empty());
        let err = WordLists::parse("bad.toml", "[relations]\nparty_latter = 3\n").unwrap_err();
        assert!(err.to_string().starts_with("bad.toml:2:"), "{err}");
    }
}
