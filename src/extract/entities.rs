//! What entity rules cannot say by themselves: short names a text introduces
//! for a company (`宁波某某贸易有限公司(以下简称“某某”)`) and later
//! mentions of them, which take the full name as their canonical form; and
//! mentions of a company's distinctive part (`某某` for
//! `宁波某某贸易有限公司`) without an introduction.

use regex::Regex;

use crate::document::EntityType;
use crate::lexicon::Lexicon;
use crate::rules::EntityHit;
use crate::segment::Token;
use crate::words::WordLists;

/// The word lists the linking passes read (`entities.*` in
/// `data/words/words.toml`, or a user's lists), compiled once per extractor.
pub(crate) struct EntityWords {
    /// Right after a name: (以下简称“X”) / ，下称X / 简称为X.
    intro: Regex,
    /// Legal forms and industry words a company name ends with; what is
    /// left after the place in front and these at the end is the
    /// distinctive part.
    company_tail: Regex,
    /// The legal form a company's registered name ends with.
    legal_form: Regex,
    generic_cores: Vec<String>,
    count_starts: Vec<String>,
}

impl EntityWords {
    pub(crate) fn new(words: &WordLists) -> crate::Result<Self> {
        let alt = |name: &str| words.alternation(name);
        let regex = |src: String| WordLists::regex("entities", &src);
        Ok(EntityWords {
            intro: regex(format!(
                r#"^\s*[(（,，]?\s*(?:{})\s*[:：为]?\s*["“「『]?(?P<a>[\p{{Han}}A-Za-z0-9]{{1,12}})["”」』]?"#,
                alt("entities.alias_cues")
            ))?,
            company_tail: regex(format!(
                "(?:(?:{})*)(?:{})(?:{})?$",
                alt("entities.industry_words"),
                alt("entities.company_forms"),
                alt("entities.company_form_marks"),
            ))?,
            legal_form: regex(format!("(?:{})$", alt("entities.legal_forms")))?,
            generic_cores: words.get("entities.generic_cores").to_vec(),
            count_starts: words.get("entities.count_starts").to_vec(),
        })
    }

    /// Of the built-in lists.
    #[cfg(test)]
    fn builtin() -> &'static EntityWords {
        static WORDS: std::sync::OnceLock<EntityWords> = std::sync::OnceLock::new();
        WORDS.get_or_init(|| {
            EntityWords::new(WordLists::builtin()).expect("the built-in lists compile")
        })
    }

    /// A "distinctive part" that is a word for a kind of business or a
    /// count (商业信息公司, 银行集团, 四大集团): it names nothing, and its
    /// mentions elsewhere (商业银行, 四大街) are no company.
    fn is_generic_core(&self, core: &str) -> bool {
        self.generic_cores.iter().any(|k| k == core)
            || self
                .count_starts
                .iter()
                .any(|c| core.starts_with(c.as_str()))
    }
}

/// Link short names introduced after ORG entities: every later mention of
/// the short name becomes an entity of the same type with the full name as
/// canonical, and entities already found there take that canonical.
/// `blocked` says whether a byte range may not hold an entity (garbled text).
pub(crate) fn link_aliases(
    text: &str,
    entities: &mut Vec<EntityHit>,
    words: &EntityWords,
    blocked: &dyn Fn(usize, usize) -> bool,
) {
    let mut aliases: Vec<(String, usize)> = Vec::new(); // (short name, index of the full entity)
    for (i, e) in entities.iter().enumerate() {
        if e.alias || e.end - e.start < 6 {
            continue;
        }
        if let Some(c) = words.intro.captures(&text[e.end..]) {
            if let Some(a) = c.name("a") {
                let short = a.as_str();
                if short != &text[e.start..e.end] && !aliases.iter().any(|(s, _)| s == short) {
                    aliases.push((short.to_string(), i));
                }
            }
        }
    }
    if aliases.is_empty() {
        return;
    }
    let mut added = Vec::new();
    for (short, full) in &aliases {
        let full = entities[*full].clone();
        for (at, _) in text.match_indices(short.as_str()) {
            let (s, e) = (at, at + short.len());
            if e <= full.end {
                continue; // the introduction itself or before it
            }
            if blocked(s, e) {
                continue;
            }
            if let Some(x) = entities.iter_mut().find(|x| x.start == s && x.end == e) {
                x.canonical.clone_from(&full.canonical);
            } else if !entities.iter().any(|x| x.start < e && s < x.end) {
                added.push(EntityHit::alias_of(&full, s, e));
            }
        }
    }
    entities.extend(added);
    entities.sort_by_key(|e| (e.start, e.end));
}

/// The distinctive part of a company's legal name: 云帆 for
/// 宁波云帆电子商务有限公司. None when the name has no legal form or what is
/// left is shorter than two chars.
fn distinctive_part<'t>(name: &'t str, lexicon: &Lexicon, words: &EntityWords) -> Option<&'t str> {
    let tail = words.company_tail.find(name)?;
    let mut core = &name[..tail.start()];
    // places in front: 江苏南京…
    loop {
        let prefix = core
            .char_indices()
            .skip(2)
            .map(|(i, _)| i)
            .filter(|&i| {
                lexicon
                    .get(&core[..i])
                    .is_some_and(|e| e.kind == EntityType::Location)
            })
            .last();
        match prefix {
            Some(i) if core[i..].chars().count() >= 2 => core = &core[i..],
            _ => break,
        }
    }
    let n = core.chars().count();
    let is_place = lexicon
        .get(core)
        .is_some_and(|e| e.kind == EntityType::Location);
    ((2..=6).contains(&n)
        && !is_place
        && !words.is_generic_core(core)
        && core.chars().all(|c| c.is_alphanumeric())
        && core != name)
        .then_some(core)
}

/// Every mention of a company's distinctive part that no entity covers
/// becomes an ORG entity with the full name as canonical (`alias`). Parts the
/// lexicon knows as names are left to the lexicon. A mention must be whole
/// tokens, and not one ordinary word: the part of 国家电网有限公司 is no
/// name where the text says 国家 as a word, nor inside 国家级.
pub(crate) fn link_distinctive_parts(
    text: &str,
    tokens: &[Token<'_>],
    entities: &mut Vec<EntityHit>,
    lexicon: &Lexicon,
    words: &EntityWords,
    known_word: &dyn Fn(&str) -> bool,
    blocked: &dyn Fn(usize, usize) -> bool,
) {
    let parts = names_to_link(text, tokens, entities, lexicon, words);
    if parts.is_empty() {
        return;
    }
    let index = PartIndex::new(&parts);
    entities.sort_by_key(|e| (e.start, e.end));
    // the entities that overlap s..e (at most a few: they do not overlap
    // each other much)
    let overlapping = |s: usize, e: usize| {
        let i = entities.partition_point(|x| x.start < e);
        entities[..i]
            .iter()
            .rev()
            .take(4)
            .filter(move |x| s < x.end)
    };
    let mut added: Vec<EntityHit> = Vec::new();
    // entities a short form's mention holds whole (台州 and 港投 in 台州港投)
    let mut replaced: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Some((j, k)) = index.longest_at(text, tokens, i) else {
            i += 1;
            continue;
        };
        let (s, e) = (tokens[i].start(), tokens[j].end());
        let (_, full, look) = &parts[k];
        // cheapest first: most matches are the mentions that gave the names
        let take = match look {
            Look::Whole => {
                overlapping(s, e).next().is_none() && repeats_a_name(&tokens[i..=j], &full.kind)
            }
            Look::Part => {
                overlapping(s, e).next().is_none() && names_a_part(&tokens[i..=j], known_word)
            }
            // the longest name wins: what it holds goes, what holds it stays
            Look::ShortForm => overlapping(s, e).all(|x| s <= x.start && x.end <= e),
        };
        if take && !blocked(s, e) {
            if *look == Look::ShortForm {
                replaced.extend(overlapping(s, e).map(|x| (x.start, x.end)));
            }
            added.push(EntityHit::alias_of(full, s, e));
        }
        i = j + 1;
    }
    if !replaced.is_empty() {
        entities.retain(|x| !replaced.contains(&(x.start, x.end)));
    }
    entities.extend(added);
    entities.sort_by_key(|e| (e.start, e.end));
}

/// What to look for: a distinctive part, a whole name, or a short form, of
/// each name the rules found.
fn names_to_link(
    text: &str,
    tokens: &[Token<'_>],
    entities: &[EntityHit],
    lexicon: &Lexicon,
    words: &EntityWords,
) -> Vec<(String, EntityHit, Look)> {
    let mut seen = rustc_hash::FxHashSet::default();
    let mut parts: Vec<(String, EntityHit, Look)> = Vec::new();
    for e in entities.iter() {
        if e.alias || !matches!(e.kind, EntityType::Org | EntityType::Person) {
            continue;
        }
        // a name a rule found where its context said what it is (下属子公司
        // 三毛物业, 记者张三) is the same name where the text repeats it
        // without that context
        let name = &text[e.start..e.end];
        if name.chars().nth(1).is_some()
            && lexicon.get(name).is_none()
            && seen.insert(name.to_string())
        {
            parts.push((name.to_string(), e.clone(), Look::Whole));
        }
        if e.kind != EntityType::Org {
            continue;
        }
        if let Some(core) = distinctive_part(name, lexicon, words) {
            if lexicon.get(core).is_none() && seen.insert(core.to_string()) {
                parts.push((core.to_string(), e.clone(), Look::Part));
            }
        }
        if let Some(short) = short_form(text, e, tokens, lexicon, words) {
            if seen.insert(short.clone()) {
                parts.push((short, e.clone(), Look::ShortForm));
            }
        }
    }
    parts
}

/// The names to link, looked up by the runs of tokens at each token.
struct PartIndex<'p> {
    /// Every prefix of a name (None), and the names (Some: which one): the
    /// walk over tokens stops at the first span that begins no name.
    index: rustc_hash::FxHashMap<&'p str, Option<usize>>,
    /// The first chars of the names, as a bit set over the BMP: most tokens
    /// begin with none, and skip the hashing.
    firsts: Vec<u64>,
}

impl<'p> PartIndex<'p> {
    fn new(parts: &'p [(String, EntityHit, Look)]) -> Self {
        let mut index = rustc_hash::FxHashMap::default();
        for (k, (p, _, _)) in parts.iter().enumerate() {
            for (i, _) in p.char_indices().skip(1) {
                index.entry(&p[..i]).or_insert(None);
            }
            index.insert(p.as_str(), Some(k));
        }
        let mut firsts = vec![0u64; 0x10000 / 64];
        for (p, _, _) in parts {
            let c = p.chars().next().map_or(0, |c| c as usize);
            if c < 0x10000 {
                firsts[c / 64] |= 1 << (c % 64);
            }
        }
        PartIndex { index, firsts }
    }

    /// The longest name that is whole tokens from token `i`: its last token
    /// and which name. A mention counts only as whole tokens, so the spans
    /// to look up are the runs of tokens at each token, longest kept (a
    /// hash lookup each: no automaton over thousands of names to build for
    /// a long text).
    fn longest_at(&self, text: &str, tokens: &[Token<'_>], i: usize) -> Option<(usize, usize)> {
        let c = tokens[i].text.chars().next().map_or(0, |c| c as usize);
        if c < 0x10000 && self.firsts[c / 64] & (1 << (c % 64)) == 0 {
            return None;
        }
        let s = tokens[i].start();
        (i..tokens.len())
            .take(MAX_PART_TOKENS)
            .map_while(|j| {
                self.index
                    .get(text.get(s..tokens[j].end())?)
                    .map(|k| (j, *k))
            })
            .filter_map(|(j, k)| k.map(|k| (j, k)))
            .last()
    }
}

/// What a name of the document is looked for as.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Look {
    /// A company's distinctive part (云帆 of 宁波云帆电子商务有限公司).
    Part,
    /// The name as a rule found it.
    Whole,
    /// The short form news writes for a company named by its place and
    /// industry: the place and the first char of each of its first two
    /// words (台州港投 for 台州港航投资控股有限公司).
    ShortForm,
}

/// The short form of a legal name that begins with a place and goes on with
/// two or more two-char words before its legal form: the place and the first
/// chars of the first two (台州港投 for 台州港航投资控股有限公司). None for
/// other names.
fn short_form(
    text: &str,
    e: &EntityHit,
    tokens: &[Token<'_>],
    lexicon: &Lexicon,
    words: &EntityWords,
) -> Option<String> {
    let name = &text[e.start..e.end];
    let legal = words.legal_form.find(name)?;
    // the longest place the name begins with
    let place_len = name
        .char_indices()
        .skip(2)
        .map(|(i, _)| i)
        .chain(std::iter::once(name.len()))
        .filter(|&i| {
            lexicon
                .get(&name[..i])
                .is_some_and(|x| x.kind == EntityType::Location)
        })
        .last()?;
    let (from, to) = (e.start + place_len, e.start + legal.start());
    let first = tokens.partition_point(|t| t.start() < from);
    let words: Vec<&str> = tokens[first..]
        .iter()
        .take_while(|t| t.end() <= to)
        .map(|t| t.text)
        .collect();
    let two_char_han = |w: &&str| w.chars().count() == 2 && w.chars().all(is_han);
    if tokens.get(first).is_none_or(|t| t.start() != from)
        || words.len() < 2
        || !words.iter().take(2).all(two_char_han)
    {
        return None;
    }
    let mut short = name[..place_len].to_string();
    short.extend(words.iter().take(2).filter_map(|w| w.chars().next()));
    Some(short)
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{3134f}')
}

/// The most tokens a linked mention may span (jieba cuts an unknown name
/// into single chars).
const MAX_PART_TOKENS: usize = 8;

/// The tokens that make up `s..e` exactly, if its ends are token ends.
#[cfg(test)]
fn whole_tokens<'t, 'a>(tokens: &'t [Token<'a>], s: usize, e: usize) -> Option<&'t [Token<'a>]> {
    let first = tokens.partition_point(|t| t.end() <= s);
    let last = tokens[first..].partition_point(|t| t.end() < e) + first;
    (tokens.get(first)?.start() == s && tokens.get(last)?.end() == e).then(|| &tokens[first..=last])
}

/// Whether a run of whole tokens is no ordinary word: a name jieba knows,
/// one it tags as a name, one its HMM made up (no word of its dictionary,
/// whatever tag it guessed: 茂盛 is a word, an unknown brand tagged `a` is
/// not), or several tokens it cut a name into.
fn names_a_part(run: &[Token<'_>], known_word: &dyn Fn(&str) -> bool) -> bool {
    run.len() > 1
        || run.first().is_some_and(|t| {
            matches!(
                t.pos.as_str(),
                "nr" | "nrt" | "nrfg" | "nz" | "nt" | "ns" | "j" | "eng" | "x"
            ) || !known_word(t.text)
        })
}

/// Whether a run of whole tokens spelling a name found elsewhere is that
/// name here: none of them a function word, verb, number or time word (a
/// name that swallowed its neighbour, 时表示, says nothing where the words
/// stand apart), and a single token is one jieba takes for a name (the word
/// 和平 is no person where a rule once took it for one).
fn repeats_a_name(run: &[Token<'_>], kind: &EntityType) -> bool {
    // jieba's tags for a person's name are its own; 和平/nz is a word
    let name_tags: &[&str] = match kind {
        EntityType::Person => &["nr", "nrt", "nrfg", "eng", "x"],
        _ => &["nt", "nz", "j", "eng", "x"],
    };
    const NOT_IN_A_NAME: &[char] = &['t', 'v', 'p', 'c', 'u', 'd', 'r', 'm', 'q', 'f', 'y', 'e'];
    // a three-char word jieba calls a proper noun (方运舟/nz) is a person's
    // full name where the text names that person elsewhere
    let full_name_nz = |t: &Token<'_>| {
        *kind == EntityType::Person && t.pos.as_str() == "nz" && t.text.chars().count() == 3
    };
    !run.is_empty()
        && run
            .iter()
            .all(|t| !t.pos.as_str().starts_with(NOT_IN_A_NAME))
        && (run.len() > 1 || name_tags.contains(&run[0].pos.as_str()) || full_name_nz(&run[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distinctive_part_of<'t>(name: &'t str, lexicon: &Lexicon) -> Option<&'t str> {
        distinctive_part(name, lexicon, EntityWords::builtin())
    }

    #[test]
    fn a_part_is_named_only_by_whole_tokens_that_are_no_ordinary_word() {
        use crate::segment::Tag;
        let tok =
            |t: &'static str, pos: &str, at: usize| Token::new(t, Tag::of(pos), at, at + t.len());
        // 国家 said as a word, 国家级 holding it, 澜舟 cut into two chars
        let known = |w: &str| ["国家", "国家级", "茂盛"].contains(&w);
        let names = |run: &[Token<'_>]| names_a_part(run, &known);
        let word = [tok("国家", "n", 0), tok("要", "v", 6)];
        assert!(!whole_tokens(&word, 0, 6).is_some_and(names));
        let inside = [tok("国家级", "b", 0)];
        assert!(!whole_tokens(&inside, 0, 6).is_some_and(names));
        let cut = [tok("澜", "ng", 0), tok("舟", "nr", 3)];
        assert!(whole_tokens(&cut, 0, 6).is_some_and(names));
        let name = [tok("星海", "nz", 0)];
        assert!(whole_tokens(&name, 0, 6).is_some_and(names));
        // an ordinary adjective, and one jieba's HMM made up and tagged `a`
        assert!(!whole_tokens(&[tok("茂盛", "a", 0)], 0, 6).is_some_and(names));
        assert!(whole_tokens(&[tok("茂岚", "a", 0)], 0, 6).is_some_and(names));
    }

    #[test]
    fn a_repeated_name_is_whole_tokens_of_a_name() {
        use crate::segment::Tag;
        let tok =
            |t: &'static str, pos: &str, at: usize| Token::new(t, Tag::of(pos), at, at + t.len());
        let person = EntityType::Person;
        assert!(!repeats_a_name(&[tok("和平", "nz", 0)], &person));
        assert!(repeats_a_name(&[tok("周明远", "nr", 0)], &person));
        // a three-char proper noun is a full name, a two-char one may be a word
        assert!(repeats_a_name(&[tok("柯远舟", "nz", 0)], &person));
        assert!(repeats_a_name(
            &[tok("周", "nr", 0), tok("明远", "nz", 3)],
            &person
        ));
        assert!(!repeats_a_name(
            &[tok("时", "n", 0), tok("表示", "v", 3)],
            &person
        ));
        let org = EntityType::Org;
        assert!(repeats_a_name(
            &[tok("澜舟", "x", 0), tok("物业", "n", 6)],
            &org
        ));
        assert!(!repeats_a_name(&[tok("物业", "n", 0)], &org));
    }

    #[test]
    fn distinctive_part_leaves_out_place_industry_and_legal_form() {
        let lex = Lexicon::builtin();
        assert_eq!(
            distinctive_part_of("宁波云帆电子商务有限公司", &lex),
            Some("云帆")
        );
        assert_eq!(
            distinctive_part_of("江苏南京星澜新能源科技有限公司", &lex),
            Some("星澜")
        );
        assert_eq!(distinctive_part_of("星澜股份有限公司", &lex), Some("星澜"));
        assert_eq!(distinctive_part_of("华为", &lex), None);
        assert_eq!(distinctive_part_of("南京科技有限公司", &lex), None);
    }
}
