//! OpenCC text dictionaries and dictionary groups, with the prefix matching
//! OpenCC's conversion and max-match segmentation rely on.
//!
//! A text dictionary is `key<TAB>value[ value...]` per line (`#` starts a
//! comment line); the first value is the conversion. A group tries its
//! dictionaries in order and takes the first one that matches at all
//! (OpenCC's `short_circuit` policy), with that dictionary's longest match.

use rustc_hash::FxHashMap as HashMap;

use crate::error::{Error, Result};

/// Longest key, in chars, that matching looks for.
const MAX_KEY_CHARS: usize = 32;

/// One text dictionary.
#[derive(Debug, Default)]
pub(crate) struct Dict {
    /// Single-char keys.
    chars: HashMap<char, Box<str>>,
    /// Keys of two or more chars.
    phrases: HashMap<Box<str>, Box<str>>,
    /// Longest phrase key (in chars) starting with a given char.
    phrase_max: HashMap<char, usize>,
    /// The first two chars of every phrase key: most positions fail here
    /// before any string is hashed.
    pairs: rustc_hash::FxHashSet<u64>,
    /// Bit set of the Basic Multilingual Plane chars some key starts with:
    /// max-match segmentation asks at every char, and most start nothing.
    bmp_starts: Vec<u64>,
}

fn pair(a: char, b: char) -> u64 {
    ((a as u64) << 21) | b as u64
}

impl Dict {
    /// Parse a text dictionary; `file` names it in errors.
    pub(crate) fn parse(file: &str, text: &str) -> Result<Self> {
        let mut dict = Dict::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: String| Error::Dictionary {
                file: file.to_string(),
                line: n + 1,
                message,
            };
            let (key, values) = line
                .split_once('\t')
                .ok_or_else(|| err("expected `key<TAB>value`, found no tab".into()))?;
            let value = values
                .split(' ')
                .find(|v| !v.is_empty())
                .ok_or_else(|| err(format!("key {key:?} has no value")))?;
            dict.insert(key, value).map_err(err)?;
        }
        Ok(dict)
    }

    fn insert(&mut self, key: &str, value: &str) -> Result<(), String> {
        let mut chars = key.chars();
        let first = chars.next().ok_or("empty key")?;
        if key.chars().any(char::is_whitespace) {
            return Err(format!("key {key:?} contains whitespace"));
        }
        if (first as u32) < 0x10000 {
            if self.bmp_starts.is_empty() {
                self.bmp_starts = vec![0; 0x10000 / 64];
            }
            self.bmp_starts[first as usize / 64] |= 1 << (first as usize % 64);
        }
        if chars.next().is_none() {
            // OpenCC keeps the first entry of a duplicated key.
            self.chars.entry(first).or_insert_with(|| value.into());
        } else {
            let n = key.chars().count();
            if let Some(second) = key.chars().nth(1) {
                self.pairs.insert(pair(first, second));
            }
            let max = self.phrase_max.entry(first).or_insert(0);
            *max = (*max).max(n);
            self.phrases
                .entry(key.into())
                .or_insert_with(|| value.into());
        }
        Ok(())
    }

    /// Longest key that is a prefix of `s`: its length in bytes and its value.
    pub(crate) fn match_prefix(&self, s: &str) -> Option<(usize, &str)> {
        let mut it = s.chars();
        let first = it.next()?;
        let u = first as usize;
        if u < 0x10000
            && self
                .bmp_starts
                .get(u / 64)
                .is_none_or(|w| w & (1 << (u % 64)) == 0)
        {
            return None;
        }
        let second = it.next();
        let candidate = second.is_some_and(|b| self.pairs.contains(&pair(first, b)));
        if let Some(&max) = candidate.then(|| self.phrase_max.get(&first)).flatten() {
            // byte ends of the first `max` chars (keys are short: OpenCC's
            // longest is 10 chars; longer user keys are matched up to 32)
            let mut ends = [0usize; MAX_KEY_CHARS];
            let mut n = 0;
            for (i, _) in s
                .char_indices()
                .skip(1)
                .chain(std::iter::once((s.len(), ' ')))
            {
                if n == max.min(MAX_KEY_CHARS) {
                    break;
                }
                ends[n] = i;
                n += 1;
            }
            for k in (2..=n).rev() {
                let end = ends[k - 1];
                if let Some(v) = self.phrases.get(&s[..end]) {
                    return Some((end, v));
                }
            }
        }
        self.chars.get(&first).map(|v| (first.len_utf8(), &**v))
    }

    /// The value of a single-char key.
    fn char_value(&self, c: char) -> Option<&str> {
        self.chars.get(&c).map(|v| &**v)
    }

    fn phrase_starts(&self) -> impl Iterator<Item = char> + '_ {
        self.phrase_max.keys().copied()
    }

    fn single_keys(&self) -> impl Iterator<Item = char> + '_ {
        self.chars.keys().copied()
    }
}

/// What a group knows about one char without looking further.
#[derive(Clone, Copy, Debug, Default)]
struct CharEntry {
    /// Index+1 into `values` of the single-char conversion; 0 for none.
    value: u32,
    /// Some dictionary of the group has a phrase starting with this char.
    phrase: bool,
}

/// Dictionaries tried in order; the first that matches wins.
#[derive(Debug)]
pub(crate) struct DictGroup {
    dicts: Vec<Dict>,
    /// Direct table for the Basic Multilingual Plane.
    bmp: Vec<CharEntry>,
    /// Chars beyond the BMP.
    astral: HashMap<char, CharEntry>,
    values: Vec<Box<str>>,
}

/// What a group does at one position.
pub(crate) enum Step<'g> {
    /// No dictionary knows the char: copy it.
    Copy,
    /// Replace `len` bytes by `value`.
    Replace(usize, &'g str),
}

impl DictGroup {
    pub(crate) fn new(dicts: Vec<Dict>) -> Self {
        let mut group = DictGroup {
            dicts,
            bmp: Vec::new(),
            astral: HashMap::default(),
            values: Vec::new(),
        };
        let mut entries: HashMap<char, CharEntry> = HashMap::default();
        for d in &group.dicts {
            for c in d.phrase_starts() {
                entries.entry(c).or_default().phrase = true;
            }
        }
        let singles: Vec<char> = group.dicts.iter().flat_map(Dict::single_keys).collect();
        for c in singles {
            let e = entries.entry(c).or_default();
            if e.value == 0 {
                // first dict (in order) holding the single char
                let v = group
                    .dicts
                    .iter()
                    .find_map(|d| d.char_value(c))
                    .unwrap_or_default();
                group.values.push(v.into());
                e.value = group.values.len() as u32;
            }
        }
        group.bmp = vec![CharEntry::default(); 0x10000];
        for (c, e) in entries {
            if (c as u32) < 0x10000 {
                group.bmp[c as usize] = e;
            } else {
                group.astral.insert(c, e);
            }
        }
        group
    }

    fn entry(&self, c: char) -> Option<CharEntry> {
        let e = if (c as u32) < 0x10000 {
            self.bmp[c as usize]
        } else {
            *self.astral.get(&c)?
        };
        (e.value != 0 || e.phrase).then_some(e)
    }

    /// What to do at the start of `s`, whose first char is `first`.
    #[inline]
    pub(crate) fn step<'g>(&'g self, s: &str, first: char) -> Step<'g> {
        let Some(e) = self.entry(first) else {
            return Step::Copy;
        };
        if !e.phrase {
            return Step::Replace(first.len_utf8(), &self.values[e.value as usize - 1]);
        }
        match self.dicts.iter().find_map(|d| d.match_prefix(s)) {
            Some((len, v)) => Step::Replace(len, v),
            None => Step::Copy,
        }
    }

    /// The match at the start of `s` (which is non-empty): bytes consumed and
    /// the replacement, or `None` to copy the first char.
    #[inline]
    #[cfg(test)]
    pub(crate) fn match_at<'g>(&'g self, s: &str, first: char) -> Option<(usize, &'g str)> {
        let e = self.entry(first)?;
        if !e.phrase {
            return Some((first.len_utf8(), &self.values[e.value as usize - 1]));
        }
        self.dicts.iter().find_map(|d| d.match_prefix(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_phrase_wins_within_a_dict() {
        let d = Dict::parse("t", "# c\n一目\tX\n一目瞭然\t一目了然\n瞭\t了 瞭\n").unwrap();
        assert_eq!(d.match_prefix("一目瞭然啊"), Some((12, "一目了然")));
        assert_eq!(d.match_prefix("瞭解"), Some((3, "了")));
        assert_eq!(d.match_prefix("好"), None);
    }

    #[test]
    fn first_matching_dict_wins_in_a_group() {
        let a = Dict::parse("a", "乾坤\t乾坤\n").unwrap();
        let b = Dict::parse("b", "乾\t干\n坤\tK\n").unwrap();
        let g = DictGroup::new(vec![a, b]);
        assert_eq!(g.match_at("乾坤", '乾'), Some((6, "乾坤")));
        assert_eq!(g.match_at("乾淨", '乾'), Some((3, "干")));
        assert_eq!(g.match_at("坤", '坤'), Some((3, "K")));
        assert_eq!(g.match_at("x", 'x'), None);
    }

    #[test]
    fn malformed_line_names_file_and_line() {
        let e = Dict::parse("my.txt", "# ok\n好\t好\nbad line\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "my.txt:3: expected `key<TAB>value`, found no tab"
        );
    }
}
