//! Tokens with POS tags from jieba-rs, with lexicon names added so they
//! segment whole. The hot loop: tokens borrow the text and jieba's tags.
//!
//! jieba's dictionary also holds compounds that hide a name (德国人,
//! 邓小平理论, 香港特别行政区); those are split back into the
//! names they are made of, so the rules see every name as a token.

use jieba_rs::Jieba;
use rustc_hash::FxHashMap;

use super::Tag;
use crate::document::EntityType;
use crate::lexicon::Lexicon;
use crate::words::WordLists;

/// One token of a text: borrowed text, tag, and byte offsets into that text
/// (32 bytes: a text of a few MB has hundreds of thousands of them, so the
/// offsets are kept as `u32`; texts are limited to 4 GiB).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token text.
    pub text: &'a str,
    /// jieba's part-of-speech tag (`n`, `v`, `ns`, `nt`, `x` ...).
    pub pos: Tag,
    start: u32,
    end: u32,
}

impl<'a> Token<'a> {
    /// A token of `text` at `start..end` of the segmented text. Offsets
    /// beyond 4 GiB saturate.
    pub fn new(text: &'a str, pos: Tag, start: usize, end: usize) -> Self {
        let at = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        Token {
            text,
            pos,
            start: at(start),
            end: at(end),
        }
    }

    /// Byte offset of the start in the segmented text.
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// Byte offset of the end in the segmented text.
    pub fn end(&self) -> usize {
        self.end as usize
    }
}

/// jieba-rs with the lexicon's names; build once, use from any thread.
///
/// ```
/// use zhextract::{segment::Tokenizer, Lexicon};
/// let t = Tokenizer::new(&Lexicon::builtin(), true);
/// let words: Vec<&str> = t.tokenize("江苏星海数据科技有限公司在南京").iter().map(|t| t.text).collect();
/// assert!(words.contains(&"南京"));
/// ```
pub struct Tokenizer {
    jieba: Jieba,
    hmm: bool,
    /// Lexicon names of two or more chars, with the tag their pieces get.
    names: FxHashMap<Box<str>, &'static str>,
    /// Lexicon titles, for the body + title words jieba knows (协会会长).
    titles: rustc_hash::FxHashSet<Box<str>>,
    repair: RepairWords,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer").field("hmm", &self.hmm).finish()
    }
}

/// Smallest frequency given to an organisation, product, event or title name.
const NAME_FREQ: usize = 3000;

/// The word lists of the repairs below (`data/words/words.toml`, section
/// `segment`), read once when the tokenizer is built.
#[derive(Debug)]
struct RepairWords {
    /// What may follow a name inside one jieba word and stays outside the
    /// name: nationality (德国人), doctrine (邓小平理论), address (江泽民同志).
    compound_suffixes: Vec<String>,
    /// Bodies jieba joins with the title held in them (协会会长), the words
    /// first, then the one-char departments (详规处处长).
    bodies: Vec<String>,
    /// Each body's place in `bodies` (the first one a word starts with wins).
    body_rank: FxHashMap<String, usize>,
    /// The byte length of the longest body.
    longest_body: usize,
    /// The chars a place's name ends with that say its level (市长, 县长).
    place_levels: Vec<char>,
    /// The chars that make a title of a place's level (长 of 市长).
    level_title_heads: Vec<char>,
    /// Chars jieba's HMM glues before an unknown name, and their tags.
    glued_particles: Vec<(char, Tag)>,
    /// Chars jieba's HMM glues after a name, and their tags.
    glued_after_name: Vec<(char, Tag)>,
    /// Of those, the ones split off a two-char name too.
    glued_after_two_char_name: Vec<char>,
    /// Words that end a company's short name, which jieba's HMM glues to the
    /// word after them (腾讯 产投新设: 产投 + 新设).
    glued_name_ends: Vec<String>,
    /// Chars of function words jieba's HMM glues before the unknown name of
    /// a company (由百特 公司, 后沙钢 集团), and the company forms after it.
    glued_before_company: Vec<(char, Tag)>,
    company_forms: Vec<String>,
    /// First chars of a count or a determiner (两大, 各大, 这是).
    count_starts: Vec<char>,
}

impl RepairWords {
    fn from(words: &WordLists) -> Self {
        let one_char = |(w, t): (String, String)| {
            let mut c = w.chars();
            c.next()
                .filter(|_| c.next().is_none())
                .map(|c| (c, Tag::of(&t)))
        };
        let bodies: Vec<String> = words
            .get("segment.body_words")
            .iter()
            .chain(words.get("segment.body_chars"))
            .cloned()
            .collect();
        let mut body_rank = FxHashMap::default();
        for (rank, body) in bodies.iter().enumerate() {
            body_rank.entry(body.clone()).or_insert(rank);
        }
        RepairWords {
            compound_suffixes: words.get("segment.compound_suffixes").to_vec(),
            longest_body: bodies.iter().map(String::len).max().unwrap_or(0),
            bodies,
            body_rank,
            place_levels: words.chars("segment.place_levels"),
            level_title_heads: words.chars("segment.level_title_heads"),
            glued_particles: words
                .tagged("segment.glued_particles")
                .into_iter()
                .filter_map(one_char)
                .collect(),
            glued_after_name: words
                .tagged("segment.glued_after_name")
                .into_iter()
                .filter_map(one_char)
                .collect(),
            glued_after_two_char_name: words.chars("segment.glued_after_two_char_name"),
            glued_name_ends: words.get("segment.glued_name_ends").to_vec(),
            glued_before_company: words
                .tagged("segment.glued_before_company")
                .into_iter()
                .filter_map(one_char)
                .collect(),
            company_forms: words.get("entities.company_forms").to_vec(),
            count_starts: words.chars("entities.count_starts"),
        }
    }
}

/// Tags of jieba words that may be compounds of names.
const COMPOUND_TAGS: &[&str] = &["ns", "nt", "nr", "nz", "n", "nrt", "nrfg", "j", "l"];

/// jieba's tag for a lexicon type.
fn tag_of(kind: &EntityType) -> &'static str {
    match kind {
        EntityType::Org => "nt",
        EntityType::Location => "ns",
        EntityType::Person => "nr",
        EntityType::Title => "n",
        _ => "nz",
    }
}

impl Tokenizer {
    /// jieba's default dictionary plus every name of `lexicon` (names with
    /// whitespace cannot be jieba words and are left to the rules).
    /// `hmm` turns on jieba's HMM for words it does not know.
    pub fn new(lexicon: &Lexicon, hmm: bool) -> Self {
        Self::with_words(lexicon, hmm, WordLists::builtin())
    }

    /// A tokenizer whose repairs read `words` (the `segment` lists).
    pub fn with_words(lexicon: &Lexicon, hmm: bool, words: &WordLists) -> Self {
        let mut jieba = Jieba::new();
        let mut names = FxHashMap::default();
        let mut titles = rustc_hash::FxHashSet::default();
        for e in lexicon.iter() {
            if e.kind == EntityType::Title {
                titles.insert(e.surface.as_str().into());
            }
            if matches!(
                e.kind,
                EntityType::Location | EntityType::Org | EntityType::Person
            ) && e.surface.chars().nth(1).is_some()
            {
                names.insert(e.surface.as_str().into(), tag_of(&e.kind));
            }
            if e.surface.chars().any(char::is_whitespace) {
                continue;
            }
            // jieba's dictionary holds junk such as 向淘宝 (freq 2, nr): a
            // name needs more than the bare minimum to win against it.
            let freq = match e.kind {
                EntityType::Location => None,
                _ => Some(jieba.suggest_freq(&e.surface).max(NAME_FREQ)),
            };
            jieba.add_word(&e.surface, freq, Some(tag_of(&e.kind)));
        }
        let tokenizer = Self {
            jieba,
            hmm,
            names,
            titles,
            repair: RepairWords::from(words),
        };
        if hmm {
            tokenizer.load_models(words);
        }
        tokenizer
    }

    /// jieba-rs parses its HMM and POS models (compressed in the crate) the
    /// first time a text needs them; tagging a run of single chars here (the
    /// surname list: no dictionary word) makes that happen while the
    /// extractor is built, not in the first `extract` call, which would cost
    /// a fifth more than the next (benches/README.md).
    fn load_models(&self, words: &WordLists) {
        let run: String = words
            .get("names.surnames")
            .iter()
            .take(8)
            .map(String::as_str)
            .collect();
        self.jieba.tag(&run, true);
    }

    /// Tokens of `text`, whitespace left out.
    pub fn tokenize<'a>(&self, text: &'a str) -> Vec<Token<'a>> {
        // about one token per five bytes of Chinese text
        let mut out = Vec::with_capacity(text.len() / 5 + 1);
        self.tokenize_into(text, 0, &mut out);
        out
    }

    /// Append the tokens of `text` to `out`, offsets shifted by `base` (the
    /// position of `text` in a larger text).
    pub fn tokenize_into<'a>(&self, text: &'a str, base: usize, out: &mut Vec<Token<'a>>) {
        // jieba returns all the words of its input at once: a long text goes
        // in pieces that end at a line break or a full stop (chars jieba cuts
        // its blocks at anyway), so its word list stays small
        const PIECE: usize = 64 * 1024;
        let mut from = 0;
        while from < text.len() {
            let mut to = text.len();
            if to - from > PIECE {
                let mut cut = from + PIECE;
                while !text.is_char_boundary(cut) {
                    cut += 1;
                }
                to = text[cut..]
                    .find(['\n', '。', '！', '？'])
                    .map_or(text.len(), |i| {
                        let stop = cut + i;
                        stop + text[stop..].chars().next().map_or(1, char::len_utf8)
                    });
            }
            self.tag_piece(&text[from..to], base + from, out);
            from = to;
        }
    }

    fn tag_piece<'a>(&self, text: &'a str, base: usize, out: &mut Vec<Token<'a>>) {
        let first = out.len();
        self.tag_words(text, base, out);
        join_latin_words(text, base, out, first);
        self.split_place_head(text, base, out, first);
        self.split_particle_before_company(out, first);
    }

    /// Before a company form (公司, 集团 …), a word jieba's HMM made up is
    /// the unknown name of the company: tagged `nz` whatever tag the HMM
    /// guessed from its chars (融发/v 公司), and split where it starts with
    /// a function char (由百特 公司: 由 + 百特). A person's name is followed
    /// by no company form, so a surname char (由) is safe to take here.
    fn split_particle_before_company(&self, out: &mut Vec<Token<'_>>, from: usize) {
        let mut i = from;
        while i + 1 < out.len() {
            let (word, next) = (out[i], out[i + 1]);
            i += 1;
            // the cheap test first: most words are followed by no company form
            if !self.repair.company_forms.iter().any(|f| f == next.text) {
                continue;
            }
            let chars = word.text.chars().count();
            if !(2..=4).contains(&chars)
                || !word.text.chars().all(super::is_han)
                || self.jieba.has_word(word.text)
            {
                continue;
            }
            let Some(first) = word.text.chars().next() else {
                continue;
            };
            if chars == 2 {
                // not a count or a determiner (两大, 各大, 这是) nor a
                // function char glued to one (对本)
                let opens_no_name = self.repair.count_starts.contains(&first)
                    || self
                        .repair
                        .glued_before_company
                        .iter()
                        .any(|(g, _)| *g == first);
                if !opens_no_name {
                    out[i - 1].pos = Tag::of("nz");
                }
                continue;
            }
            let Some(&(_, tag)) = self
                .repair
                .glued_before_company
                .iter()
                .find(|(c, _)| *c == first)
            else {
                continue;
            };
            let cut = first.len_utf8();
            let at = word.start() + cut;
            let pieces = [
                Token::new(&word.text[..cut], tag, word.start(), at),
                Token::new(&word.text[cut..], Tag::of("nz"), at, word.end()),
            ];
            out.splice(i - 1..i, pieces);
            i += 1;
        }
    }

    fn tag_words<'a>(&self, text: &'a str, base: usize, out: &mut Vec<Token<'a>>) {
        for t in self.jieba.tag(text, self.hmm) {
            if t.word.trim().is_empty() {
                continue;
            }
            // the word as a slice of `text` (jieba's borrows its dictionary too)
            let token = Token::new(
                &text[t.byte_start..t.byte_end],
                Tag::of(t.tag),
                base + t.byte_start,
                base + t.byte_end,
            );
            if !self.split_compound(token, out)
                && !split_particle(token, &self.repair, out)
                && !split_trailing_word(token, &self.repair, out)
                && !self.split_glued_name_end(token, out)
                && !self.split_body_title(token, out)
            {
                out.push(token);
            }
        }
    }

    /// Push the pieces of a jieba word that is names run together (with at
    /// most one suffix of `segment.compound_suffixes`); false if it is not one.
    fn split_compound<'a>(&self, token: Token<'a>, out: &mut Vec<Token<'a>>) -> bool {
        let text = token.text;
        // three chars at least: a two-char name plus something
        if text.len() < 9
            || !COMPOUND_TAGS.contains(&token.pos.as_str())
            || self.names.contains_key(text)
        {
            return false;
        }
        let mut pieces: Vec<(usize, usize, &'static str)> = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let rest = &text[at..];
            if !pieces.is_empty() {
                if let Some(s) = self.repair.compound_suffixes.iter().find(|s| *s == rest) {
                    pieces.push((at, at + s.len(), "n"));
                    break;
                }
            }
            // the longest name starting here
            // ends of two chars or more, longest first, without allocating
            let shortest = rest.char_indices().nth(2).map_or(rest.len(), |(i, _)| i);
            let found = std::iter::once(rest.len())
                .chain(rest.char_indices().rev().map(|(i, _)| i))
                .take_while(|&end| end >= shortest)
                .find_map(|end| self.names.get(&rest[..end]).map(|tag| (end, *tag)));
            match found {
                Some((len, tag)) => {
                    pieces.push((at, at + len, tag));
                    at += len;
                }
                None => return false,
            }
        }
        if pieces.len() < 2 {
            return false;
        }
        for (a, b, tag) in pieces {
            out.push(Token::new(
                &text[a..b],
                Tag::of(tag),
                token.start() + a,
                token.start() + b,
            ));
        }
        true
    }

    /// Push a jieba word that is a body and a title (协会会长, 委员会主任)
    /// as the two; false if it is not one. The title then stands next to
    /// the person's name, and the body next to its own name.
    fn split_body_title<'a>(&self, token: Token<'a>, out: &mut Vec<Token<'a>>) -> bool {
        // of the bodies the word starts with, the first in list order (a
        // map by text, not a scan of the list: this runs on every token)
        let longest = self.repair.longest_body;
        let Some(body) = token
            .text
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain(std::iter::once(token.text.len()))
            // no body is longer: a long token (a run of Latin letters can be
            // megabytes) costs what a short one does
            .take_while(|&end| end <= longest)
            .filter_map(|end| self.repair.body_rank.get(&token.text[..end]))
            .min()
            .map(|&rank| &self.repair.bodies[rank])
        else {
            return false;
        };
        let title = &token.text[body.len()..];
        // a one-char body only before a title of two chars or more: 处处长
        // is 处 + 处长, but 部长 is no 部 + 长
        if !self.titles.contains(title) || title.chars().nth(1).is_none() {
            return false;
        }
        push_split(token, body.len(), (Tag::of("n"), Tag::of("n")), out);
        true
    }

    /// Re-cut a place that jieba ended with its level char where that char
    /// and the 长 after it are a title: 嘉义市 + 长涂 (a word the HMM made)
    /// is 嘉义 + 市长 + 涂, 广东省 + 长 is 广东 + 省长. A dictionary word after
    /// the place stays (南京市 + 长江大桥).
    fn split_place_head<'a>(
        &self,
        text: &'a str,
        base: usize,
        out: &mut Vec<Token<'a>>,
        from: usize,
    ) {
        let mut i = from;
        while i + 1 < out.len() {
            let (place, next) = (out[i], out[i + 1]);
            let Some((cut, level)) = place.text.char_indices().last() else {
                i += 1;
                continue;
            };
            let head = self
                .repair
                .level_title_heads
                .iter()
                .find_map(|&h| next.text.strip_prefix(h).map(|rest| (h, rest)));
            let head_len = head.map_or(0, |(h, _)| h.len_utf8());
            let head = head.map(|(_, rest)| rest);
            let title_at = place.start() + cut;
            let fits = place.pos.as_str() == "ns"
                && self.repair.place_levels.contains(&level)
                && place.text[..cut].chars().nth(1).is_some()
                && head.is_some_and(|rest| rest.is_empty() || !self.jieba.has_word(next.text))
                && text
                    .get(place.start() + cut - base..next.start() + head_len - base)
                    .is_some_and(|title| self.titles.contains(title));
            let Some(rest) = head.filter(|_| fits) else {
                i += 1;
                continue;
            };
            let title_end = next.start() + head_len;
            let mut cut_tokens = vec![
                Token::new(&place.text[..cut], place.pos, place.start(), title_at),
                Token::new(
                    &text[title_at - base..title_end - base],
                    Tag::of("n"),
                    title_at,
                    title_end,
                ),
            ];
            // the title's char taken, what is left of the word is tagged anew
            let mut left = Vec::new();
            if !rest.is_empty() {
                self.tag_words(rest, title_end, &mut left);
            }
            let n = left.len();
            cut_tokens.extend(left);
            out.splice(i..i + 2, cut_tokens);
            i += 2 + n;
        }
    }

    /// Push a word jieba's HMM made of a name's last word and a dictionary
    /// word (产投新设) as the two; false if the token is no such word.
    fn split_glued_name_end<'a>(&self, token: Token<'a>, out: &mut Vec<Token<'a>>) -> bool {
        if !self.hmm {
            return false;
        }
        // the cheap test first: most words start with no name end
        let Some(end) = self
            .repair
            .glued_name_ends
            .iter()
            .find(|e| token.text.len() > e.len() && token.text.starts_with(e.as_str()))
        else {
            return false;
        };
        let rest = &token.text[end.len()..];
        if rest.chars().count() < 2 || self.jieba.has_word(token.text) || !self.jieba.has_word(rest)
        {
            return false;
        }
        push_split(token, end.len(), (Tag::of("n"), token.pos), out);
        true
    }

    /// Whether jieba's HMM is on.
    pub fn hmm(&self) -> bool {
        self.hmm
    }

    /// Whether `word` is a word of jieba's dictionary (or a lexicon name),
    /// as opposed to one its HMM made up for text it does not know.
    pub fn has_word(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }
}

/// Join the pieces of a Latin word that a lexicon name cut out of it (EA of
/// EAST, a name the lexicon holds): a name is never part of a longer word of
/// letters. The joined word is tagged `eng`, as jieba tags Latin words.
fn join_latin_words<'a>(text: &'a str, base: usize, out: &mut Vec<Token<'a>>, from: usize) {
    let latin = |t: &Token<'_>| t.text.bytes().all(|b| b.is_ascii_alphanumeric());
    let mut i = from;
    while i + 1 < out.len() {
        let (a, b) = (out[i], out[i + 1]);
        let glued = a.end() == b.start()
            && latin(&a)
            && latin(&b)
            && a.text.ends_with(|c: char| c.is_ascii_alphabetic())
            && b.text.starts_with(|c: char| c.is_ascii_alphabetic());
        match text.get(a.start() - base..b.end() - base).filter(|_| glued) {
            Some(word) => {
                out[i] = Token::new(word, Tag::of("eng"), a.start(), b.end());
                out.remove(i + 1);
            }
            None => i += 1,
        }
    }
}

/// Push `token` as two tokens cut at byte `cut` of its text, with these tags.
fn push_split<'a>(token: Token<'a>, cut: usize, tags: (Tag, Tag), out: &mut Vec<Token<'a>>) {
    let at = token.start() + cut;
    out.push(Token::new(&token.text[..cut], tags.0, token.start(), at));
    out.push(Token::new(&token.text[cut..], tags.1, at, token.end()));
}

/// Push a three-char name tag that starts with a particle as the particle
/// and a two-char name; false if the token is no such word.
fn split_particle<'a>(token: Token<'a>, words: &RepairWords, out: &mut Vec<Token<'a>>) -> bool {
    if !matches!(token.pos.as_str(), "nr" | "nrfg" | "nrt") {
        return false;
    }
    let mut chars = token.text.char_indices();
    let (Some((_, first)), Some((cut, _)), Some(_), None) =
        (chars.next(), chars.next(), chars.next(), chars.next())
    else {
        return false;
    };
    let Some(&(_, tag)) = words.glued_particles.iter().find(|(c, _)| *c == first) else {
        return false;
    };
    push_split(token, cut, (tag, token.pos), out);
    true
}

/// Push a three- or four-char name tag that ends with such a word as the
/// name and the word; false if the token is no such word.
fn split_trailing_word<'a>(
    token: Token<'a>,
    words: &RepairWords,
    out: &mut Vec<Token<'a>>,
) -> bool {
    let chars = token.text.chars().count();
    if !matches!(token.pos.as_str(), "nr" | "nrfg") || !(3..=4).contains(&chars) {
        return false;
    }
    let Some((cut, last)) = token.text.char_indices().last() else {
        return false;
    };
    let Some(&(_, tag)) = words.glued_after_name.iter().find(|(c, _)| *c == last) else {
        return false;
    };
    // after a two-char name only what no given name ends with
    if chars == 3 && !words.glued_after_two_char_name.contains(&last) {
        return false;
    }
    push_split(token, cut, (token.pos, tag), out);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> RepairWords {
        RepairWords::from(WordLists::builtin())
    }

    /// The texts of the tokens of `text`.
    fn texts<'a>(tok: &Tokenizer, text: &'a str) -> Vec<&'a str> {
        tok.tokenize(text).iter().map(|t| t.text).collect()
    }

    /// (text, tag, start, end) of each token.
    fn pieces<'a>(out: &[Token<'a>]) -> Vec<(&'a str, &'static str, usize, usize)> {
        out.iter()
            .map(|t| (t.text, t.pos.as_str(), t.start(), t.end()))
            .collect()
    }

    #[test]
    fn a_particle_glued_to_a_name_is_split_off() {
        let tok = Tokenizer::new(&Lexicon::builtin(), true);
        let mut out = Vec::new();
        let glued = Token::new("了泽东", Tag::of("nr"), 6, 15);
        assert!(split_particle(glued, &words(), &mut out));
        assert_eq!(pieces(&out), [("了", "ul", 6, 9), ("泽东", "nr", 9, 15)]);
        // a surname (和, 于, 由) stays: it may be the name's own first char
        for (text, pos) in [("于有斌", "nr"), ("由喜贵", "nr"), ("由于", "c")] {
            let t = Token::new(text, Tag::of(pos), 0, text.len());
            assert!(!split_particle(t, &words(), &mut out), "{text}");
        }
        let words = texts(&tok, "他们收购了泽东公司");
        assert!(words.contains(&"泽东"), "{words:?}");
    }

    #[test]
    fn a_word_glued_after_a_name_is_split_off() {
        let mut out = Vec::new();
        let glued = Token::new("孙健红称", Tag::of("nr"), 3, 15);
        assert!(split_trailing_word(glued, &words(), &mut out));
        assert_eq!(pieces(&out), [("孙健红", "nr", 3, 12), ("称", "v", 12, 15)]);
        // a given name may end in 均; a two-char name only loses 已, 称, 说
        for text in ["欧阳中石", "王已", "李文均"] {
            let t = Token::new(text, Tag::of("nr"), 0, text.len());
            assert!(!split_trailing_word(t, &words(), &mut out), "{text}");
        }
        assert!(split_trailing_word(
            Token::new("朱琦已", Tag::of("nr"), 0, 9),
            &words(),
            &mut out
        ));
    }

    #[test]
    fn a_name_end_glued_to_a_dictionary_word_is_split() {
        let tok = Tokenizer::new(&Lexicon::builtin(), true);
        let mut out = Vec::new();
        let glued = Token::new("产投新设", Tag::of("vn"), 6, 18);
        assert!(tok.split_glued_name_end(glued, &mut out));
        assert_eq!(pieces(&out), [("产投", "n", 6, 12), ("新设", "vn", 12, 18)]);
        // a dictionary word stays whole, and so does a name end before
        // what no dictionary holds
        for text in ["集团公司", "科技澜舟"] {
            let t = Token::new(text, Tag::of("n"), 0, text.len());
            assert!(!tok.split_glued_name_end(t, &mut out), "{text}");
        }
        let words = texts(&tok, "白鹭产投新设合营企业");
        assert!(words.contains(&"产投"), "{words:?}");
    }

    #[test]
    fn a_function_char_glued_before_a_company_name_is_split_off() {
        let tok = Tokenizer::new(&Lexicon::builtin(), true);
        let words = texts(&tok, "这一市场原本由澜舟公司占据，后鹭岛集团进入。");
        for w in ["由", "后"] {
            assert!(words.contains(&w), "{words:?}");
        }
        // an unknown name before a company form is a name, whatever the
        // HMM's guess of its tag
        let tokens = tok.tokenize("此前融发公司的股东未表态。");
        let name = tokens.iter().find(|t| t.text == "融发");
        assert_eq!(name.map(|t| t.pos.as_str()), Some("nz"), "{tokens:?}");
    }

    #[test]
    fn a_body_and_its_title_are_two_tokens() {
        let tok = Tokenizer::new(&Lexicon::builtin(), true);
        let words: Vec<&str> = tok
            .tokenize("家具协会会长表示")
            .iter()
            .map(|t| t.text)
            .collect();
        assert!(words.windows(2).any(|w| w == ["协会", "会长"]), "{words:?}");
        let words: Vec<&str> = tok
            .tokenize("详规处处长张玉表示")
            .iter()
            .map(|t| t.text)
            .collect();
        assert!(words.windows(2).any(|w| w == ["处", "处长"]), "{words:?}");
        let words: Vec<&str> = tok.tokenize("部长表示").iter().map(|t| t.text).collect();
        assert_eq!(words[0], "部长");
    }

    #[test]
    fn a_place_glued_to_the_title_of_its_head_is_cut_before_the_title() {
        let tok = Tokenizer::new(&Lexicon::builtin(), true);
        let words = |text: &str| -> Vec<String> {
            tok.tokenize(text)
                .iter()
                .map(|t| t.text.to_string())
                .collect()
        };
        // 市长 and 省长 stand whole, the place before them
        let w = words("嘉义市长涂明哲表示");
        assert!(w.windows(2).any(|w| w == ["嘉义", "市长"]), "{w:?}");
        let w = words("广东省长也在");
        assert!(w.windows(2).any(|w| w == ["广东", "省长"]), "{w:?}");
        // a word that begins with 长 stays: the bridge is no mayor
        let w = words("南京市长江大桥很长");
        assert!(w.windows(2).any(|w| w == ["南京市", "长江大桥"]), "{w:?}");
        // offsets stay contiguous
        let t = tok.tokenize("嘉义市长涂明哲表示");
        assert!(t.windows(2).all(|p| p[0].end() == p[1].start()), "{t:?}");
    }

    #[test]
    fn a_lexicon_name_inside_a_latin_word_is_no_token_of_its_own() {
        let tok = Tokenizer::new(&Lexicon::builtin(), true);
        let words: Vec<&str> = tok
            .tokenize("投资 FOXCONN (FAR EAST) 公司")
            .iter()
            .map(|t| t.text)
            .collect();
        assert!(words.contains(&"EAST"), "{words:?}");
        assert!(!words.contains(&"EA"), "{words:?}");
    }

    #[test]
    fn a_long_text_in_pieces_gives_the_tokens_of_a_whole_one() {
        let tok = Tokenizer::new(&Lexicon::builtin(), true);
        let text = "星海集团与蓝鲸科技在上海签署合作协议，双方将共同开发新产品。\n".repeat(2500)
            + &"腾讯和阿里巴巴宣布合作！".repeat(3000);
        assert!(text.len() > 200 * 1024);
        let pieces = tok.tokenize(&text);
        let mut whole = Vec::new();
        tok.tag_piece(&text, 0, &mut whole);
        assert_eq!(pieces, whole);
    }
}
