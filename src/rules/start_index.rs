//! The start index: which of a stage's patterns can begin a match at an
//! item, looked up by the item's word number, tag, entity type or kind, so
//! that a pattern is tried only at the items its first element can match.

use super::pattern::{Item, Pattern, Vocab};
use crate::document::EntityType;
use crate::segment::Tag;

/// Entity types a [`StartIndex`] tells apart: the built-in ones, and one
/// slot for every type a rule file invents.
pub(super) const ENTITY_SLOTS: usize = 11;

pub(super) fn entity_slot(t: &EntityType) -> usize {
    match t {
        EntityType::Person => 0,
        EntityType::Org => 1,
        EntityType::Location => 2,
        EntityType::Product => 3,
        EntityType::Event => 4,
        EntityType::Title => 5,
        EntityType::Money => 6,
        EntityType::Percent => 7,
        EntityType::Url => 8,
        EntityType::Email => 9,
        _ => 10,
    }
}

/// See [`Pattern::start_keys`].
pub(super) enum StartKey {
    Words(Vec<u32>),
    Tags(u128),
    /// An entity (of the type in this slot of [`entity_slot`]).
    Entity(Option<usize>),
    Time,
    Lexicon,
    Any,
}

/// Which patterns can start a match at an item, looked up by the item's
/// text, tag and kind: most patterns begin with a word, a tag or an entity,
/// so testing every pattern's first conditions at every item (the engine's
/// main cost before) is left to the few that fit.
#[derive(Debug, Default)]
pub(crate) struct StartIndex {
    /// Patterns by [`Vocab`] number: those of word `w` are
    /// `word_patterns[word_from[w]..word_from[w + 1]]`.
    word_from: Vec<u32>,
    word_patterns: Vec<u32>,
    tags: Vec<Vec<u32>>,
    /// Patterns that start at any entity, and by type (see [`entity_slot`]).
    entity: Vec<u32>,
    entity_of: Vec<Vec<u32>>,
    time: Vec<u32>,
    lexicon: Vec<u32>,
    any: Vec<u32>,
}

impl StartIndex {
    /// The index of these patterns (ids into `patterns`).
    pub(crate) fn new(
        patterns: &[Pattern],
        ids: impl IntoIterator<Item = usize>,
        vocab: &Vocab,
    ) -> Self {
        let mut ix = StartIndex {
            tags: vec![Vec::new(); Tag::NAMES.len()],
            entity_of: vec![Vec::new(); ENTITY_SLOTS],
            ..StartIndex::default()
        };
        let mut by_word: Vec<(u32, u32)> = Vec::new();
        for pid in ids {
            // pattern ids are indices into a list far shorter than 2^32
            let id = pid as u32;
            for key in patterns[pid].start_keys() {
                match key {
                    StartKey::Words(ws) => by_word.extend(ws.into_iter().map(|w| (w, id))),
                    StartKey::Tags(mask) => {
                        for (i, list) in ix.tags.iter_mut().enumerate() {
                            if mask & (1u128 << i) != 0 {
                                list.push(id);
                            }
                        }
                    }
                    StartKey::Entity(None) => ix.entity.push(id),
                    StartKey::Entity(Some(slot)) => ix.entity_of[slot].push(id),
                    StartKey::Time => ix.time.push(id),
                    StartKey::Lexicon => ix.lexicon.push(id),
                    StartKey::Any => ix.any.push(id),
                }
            }
        }
        by_word.sort_unstable();
        by_word.dedup();
        ix.word_from = Vec::with_capacity(vocab.len() + 1);
        let mut at = 0;
        for w in 0..=vocab.len() as u32 {
            while at < by_word.len() && by_word[at].0 < w {
                at += 1;
            }
            ix.word_from.push(at as u32);
        }
        ix.word_patterns = by_word.into_iter().map(|(_, p)| p).collect();
        ix
    }

    /// Call `f` with every pattern that may start a match at `it` (a
    /// pattern may come more than once).
    #[inline]
    pub(crate) fn each_at(&self, it: &Item<'_>, mut f: impl FnMut(usize)) {
        let mut all = |ids: &[u32]| ids.iter().for_each(|&p| f(p as usize));
        let w = it.word as usize;
        if let (Some(&a), Some(&b)) = (
            self.word_from.get(w),
            self.word_from.get(w.saturating_add(1)),
        ) {
            all(&self.word_patterns[a as usize..b as usize]);
        }
        all(&self.tags[it.pos.index()]);
        if let Some((_, t)) = &it.entity {
            all(&self.entity);
            all(&self.entity_of[entity_slot(t)]);
        }
        if it.time.is_some() {
            all(&self.time);
        }
        if it.lex.is_some() {
            all(&self.lexicon);
        }
        all(&self.any);
    }
}
