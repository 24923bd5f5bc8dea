//! The items a sentence offers the token patterns: its tokens, with the
//! entities and times earlier stages found standing in for the tokens they
//! cover (the longest first), each looked up once in the lexicon and the
//! rules' vocabulary.

use std::ops::Range;

use super::hits::{overlaps, Hits};
use super::pattern::{Item, RegexMemo, Vocab};
use crate::document::EntityType;
use crate::lexicon::Lexicon;
use crate::segment::{Tag, Token};

/// What the text of an item is looked up in: the lexicon (when some rule
/// asks for it) and the rules' vocabulary.
pub(super) struct Lookup<'a> {
    pub(super) lexicon: Option<&'a Lexicon>,
    pub(super) vocab: &'a Vocab,
}

impl<'a> Lookup<'a> {
    pub(super) fn lex(&self, text: &str) -> Option<&'a crate::lexicon::LexEntry> {
        self.lexicon.and_then(|l| l.get(text))
    }

    pub(super) fn word(&self, text: &str) -> u32 {
        self.vocab.get(text)
    }
}

/// The items of one sentence: its tokens, with the entities and times found so
/// far standing in for the tokens they cover.
pub(super) fn build_items<'t>(
    text: &'t str,
    s: &Range<usize>,
    tokens: &[Token<'t>],
    lexs: &[Option<&'t crate::lexicon::LexEntry>],
    words: &[u32],
    hits: &Hits,
    look: &Lookup<'t>,
) -> Vec<Item<'t>> {
    let overlays = overlays_of(text, s, hits, look);
    if overlays.is_empty() {
        return tokens
            .iter()
            .zip(lexs)
            .zip(words)
            .map(|((t, &lex), &word)| Item::token(t, lex, word))
            .collect();
    }
    let mut items = Vec::with_capacity(tokens.len());
    let mut o = overlays.into_iter().peekable();
    let mut cursor = s.start; // everything before is emitted
    for ((t, &lex), &word) in tokens.iter().zip(lexs).zip(words) {
        while let Some(ov) = o.peek() {
            if ov.start < t.end() {
                let ov = o.next().expect("peeked");
                // the part of a token before the overlay
                let from = t.start().max(cursor);
                if from < ov.start && ov.start < t.end() {
                    items.push(piece(text, from, ov.start, t.pos, look));
                }
                cursor = cursor.max(ov.end);
                items.push(ov);
            } else {
                break;
            }
        }
        if t.end() <= cursor {
            continue;
        }
        let from = t.start().max(cursor);
        if from == t.start() {
            items.push(Item::token(t, lex, word));
        } else {
            items.push(piece(text, from, t.end(), t.pos, look));
        }
        cursor = t.end();
    }
    items.extend(o);
    items
}

/// The entities and times found so far inside the sentence, as items:
/// disjoint, by start (a time with an entity's span is that item's time).
fn overlays_of<'t>(
    text: &'t str,
    s: &Range<usize>,
    hits: &Hits,
    look: &Lookup<'t>,
) -> Vec<Item<'t>> {
    let mut overlays: Vec<Item<'t>> = Vec::new();
    let from = hits.entities.partition_point(|e| e.start < s.start);
    for (i, e) in hits.entities.iter().enumerate().skip(from) {
        if e.start >= s.end {
            break;
        }
        if e.end <= s.end {
            overlays.push(Item {
                text: &text[e.start..e.end],
                start: e.start,
                end: e.end,
                pos: overlay_pos(&e.kind),
                entity: Some((i, e.kind.clone())),
                time: None,
                lex: None,
                word: look.word(&text[e.start..e.end]),
                regex_memo: RegexMemo::default(),
            });
        }
    }
    let from = hits.times.partition_point(|t| t.start < s.start);
    for (i, t) in hits.times.iter().enumerate().skip(from) {
        if t.start >= s.end {
            break;
        }
        if t.end > s.end {
            continue;
        }
        if let Some(o) = overlays
            .iter_mut()
            .find(|o| o.start == t.start && o.end == t.end)
        {
            o.time = Some((i, t.kind));
        } else if !overlays
            .iter()
            .any(|o| overlaps((o.start, o.end), (t.start, t.end)))
        {
            overlays.push(Item {
                text: &text[t.start..t.end],
                start: t.start,
                end: t.end,
                pos: Tag::of("t"),
                entity: None,
                time: Some((i, t.kind)),
                lex: None,
                word: look.word(&text[t.start..t.end]),
                regex_memo: RegexMemo::default(),
            });
        }
    }
    overlays.sort_by_key(|o| o.start);
    overlays
}

pub(super) fn piece<'t>(
    text: &'t str,
    a: usize,
    b: usize,
    pos: Tag,
    look: &Lookup<'t>,
) -> Item<'t> {
    let t = &text[a..b];
    let (lex, word) = (look.lex(t), look.word(t));
    Item {
        text: t,
        start: a,
        end: b,
        pos,
        entity: None,
        time: None,
        lex,
        word,
        regex_memo: RegexMemo::default(),
    }
}

pub(super) fn overlay_pos(kind: &EntityType) -> Tag {
    Tag::of(match kind {
        EntityType::Org => "nt",
        EntityType::Location => "ns",
        EntityType::Person => "nr",
        EntityType::Money | EntityType::Percent => "m",
        _ => "nz",
    })
}
