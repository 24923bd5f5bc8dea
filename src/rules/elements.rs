//! Pattern elements, compiled: a rule file's element definitions (macros
//! expanded, regex fragments filled in) into the matcher's elements and
//! item conditions, each checked and size-limited as untrusted input.

use std::collections::BTreeSet;

use regex::{Regex, RegexBuilder};
use toml::Spanned;

use super::compile::{list, Ctx, Shared, MAX_MACRO_DEPTH, MAX_SOURCE, REGEX_SIZE_LIMIT};
use super::format::ElemDef;
use super::pattern::{Cond, Elem, ItemRegex, WordSet};
use super::time_fields::time_kind;
use crate::document::EntityType;
use crate::error::Result;

/// `src` with every `{{name}}` replaced by the file's fragment `name`
/// (a fragment may use others, four levels deep), checked against the size
/// limit.
pub(super) fn with_fragments(src: &str, ctx: &Ctx<'_>) -> Result<String> {
    let mut text = src.to_string();
    for _ in 0..4 {
        if !text.contains("{{") {
            break;
        }
        text = expand_once(&text, ctx)?;
    }
    if text.contains("{{") {
        return Err(ctx.err("regex fragments nest more than four levels (one uses itself?)"));
    }
    if text.len() > MAX_SOURCE {
        return Err(ctx.err(format!(
            "regex is longer than {MAX_SOURCE} bytes (fragments expanded)"
        )));
    }
    Ok(text)
}

pub(super) fn expand_once(src: &str, ctx: &Ctx<'_>) -> Result<String> {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .ok_or_else(|| ctx.err("`{{` without a closing `}}` in a regex"))?;
        let name = after[..close].trim();
        let frag = ctx.fragments.get(name).ok_or_else(|| {
            ctx.err(format!(
                "no regex fragment {name:?} (the file's [fragments] table defines: {})",
                list(&ctx.fragments.keys().cloned().collect::<Vec<_>>())
            ))
        })?;
        out.push_str(frag);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

pub(super) fn build_regex(src: &str, ctx: &Ctx<'_>) -> Result<Regex> {
    RegexBuilder::new(src)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(8 * REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| ctx.err(format!("bad regex: {e}")))
}

/// Replace `macro` references by the macro's element (the referring
/// element's name, optional and repeat apply on top).
pub(super) fn expand(
    e: &ElemDef,
    macros: &std::collections::BTreeMap<String, Spanned<ElemDef>>,
    depth: usize,
    ctx: &Ctx<'_>,
) -> Result<ElemDef> {
    if depth > MAX_MACRO_DEPTH {
        return Err(ctx.err("macros nest too deep (a macro refers to itself?)"));
    }
    let mut out = if let Some(name) = &e.macro_ {
        let m = macros
            .get(name)
            .ok_or_else(|| ctx.err(format!("unknown macro {name:?}")))?;
        let mut base = expand(m.get_ref(), macros, depth + 1, ctx)?;
        if e.name.is_some() {
            base.name.clone_from(&e.name);
        }
        base.optional |= e.optional;
        if e.repeat.is_some() {
            base.repeat = e.repeat;
        }
        base
    } else {
        e.clone()
    };
    if let Some(alts) = &out.any {
        out.any = Some(
            alts.iter()
                .map(|seq| {
                    seq.iter()
                        .map(|x| expand(x, macros, depth + 1, ctx))
                        .collect::<Result<Vec<_>>>()
                })
                .collect::<Result<Vec<_>>>()?,
        );
    }
    if let Some(n) = &out.not {
        out.not = Some(Box::new(expand(n, macros, depth + 1, ctx)?));
    }
    Ok(out)
}

pub(super) fn compile_seq(
    seq: &[ElemDef],
    names: &mut Vec<String>,
    needs: &mut (BTreeSet<String>, bool),
    shared: &mut Shared,
    ctx: &Ctx<'_>,
) -> Result<Vec<Elem>> {
    seq.iter()
        .map(|e| compile_elem(e, names, needs, shared, ctx))
        .collect()
}

pub(super) fn compile_elem(
    e: &ElemDef,
    names: &mut Vec<String>,
    needs: &mut (BTreeSet<String>, bool),
    shared: &mut Shared,
    ctx: &Ctx<'_>,
) -> Result<Elem> {
    let cap = match &e.name {
        Some(n) => {
            if n.is_empty() || names.contains(n) {
                return Err(ctx.err(format!("capture name {n:?} is empty or used twice")));
            }
            names.push(n.clone());
            Some(names.len() - 1)
        }
        None => None,
    };
    let (min, max) = match (e.optional, e.repeat) {
        (_, Some([a, b])) if a > b || b == 0 || b > 64 => {
            return Err(ctx.err(format!(
                "repeat = [{a}, {b}] needs 0 <= min <= max, 1 <= max <= 64"
            )))
        }
        (true, Some([_, b])) => (0, b),
        (false, Some([a, b])) => (a, b),
        (true, None) => (0, 1),
        (false, None) => (1, 1),
    };
    if e.end {
        if has_item_conditions(e) || shapes_items(e) || e.any.is_some() {
            return Err(ctx.err("`end` stands alone in its element"));
        }
        return Ok(Elem::End);
    }
    if let Some(n) = e.skip {
        if e.text.is_some()
            || e.words.is_some()
            || e.list.is_some()
            || e.regex.is_some()
            || e.pos.is_some()
            || e.any.is_some()
        {
            return Err(ctx.err("`skip` stands alone in its element"));
        }
        if n > 32 {
            return Err(ctx.err("skip is limited to 32 items"));
        }
        return Ok(Elem::Skip { max: n, cap });
    }
    if let Some(alts) = &e.any {
        let alts = alts
            .iter()
            .map(|seq| compile_seq(seq, names, needs, shared, ctx))
            .collect::<Result<Vec<_>>>()?;
        return Ok(Elem::Alt {
            alts,
            min,
            max,
            cap,
        });
    }
    let conds = conds_of(e, needs, shared, ctx)?;
    if conds.is_empty() {
        return Err(ctx.err("an element needs a condition (text, words, list, regex, pos, lexicon, entity, time, not, skip, any, end or macro)"));
    }
    Ok(Elem::Item {
        conds,
        min,
        max,
        cap,
    })
}

/// Whether an element says something of the item it takes.
pub(super) fn has_item_conditions(e: &ElemDef) -> bool {
    e.text.is_some()
        || e.words.is_some()
        || e.list.is_some()
        || e.regex.is_some()
        || e.pos.is_some()
        || e.lexicon.is_some()
        || e.entity.is_some()
        || e.time.is_some()
        || e.not.is_some()
}

/// Whether an element says how many items it takes or what it captures:
/// nothing a condition on one item (`not`) or an `end` may say.
pub(super) fn shapes_items(e: &ElemDef) -> bool {
    e.skip.is_some() || e.repeat.is_some() || e.optional || e.name.is_some()
}

/// The conditions one element puts on one item, cheapest first.
pub(super) fn conds_of(
    e: &ElemDef,
    needs: &mut (BTreeSet<String>, bool),
    shared: &mut Shared,
    ctx: &Ctx<'_>,
) -> Result<Vec<Cond>> {
    let mut conds = Vec::new();
    if let Some(t) = &e.text {
        conds.push(Cond::Text(shared.vocab.intern(t)));
    }
    if let Some(w) = &e.words {
        if w.is_empty() {
            return Err(ctx.err("`words` is empty"));
        }
        let ids = w.iter().map(|w| shared.vocab.intern(w)).collect();
        conds.push(Cond::Words(WordSet::new(ids)));
    }
    if let Some(name) = &e.list {
        let words = shared.word_lists.get(name);
        if words.is_empty() {
            return Err(ctx.err(format!(
                "`list = {name:?}`: no such word list, or it is empty (lists are named section.list, as in data/words/)"
            )));
        }
        let ids = words.iter().map(|w| shared.vocab.intern(w)).collect();
        conds.push(Cond::Words(WordSet::new(ids)));
    }
    if let Some(p) = &e.pos {
        conds.push(Cond::Pos(
            crate::rules::pattern::TagSet::new(&p.to_vec()).map_err(|m| ctx.err(m))?,
        ));
    }
    if let Some(l) = &e.lexicon {
        shared.uses_lexicon = true;
        conds.push(Cond::Lexicon(entity_type(l, ctx)?));
    }
    if let Some(t) = &e.entity {
        needs
            .0
            .insert(if t.is_empty() { "*".into() } else { t.clone() });
        conds.push(Cond::Entity(entity_type(t, ctx)?));
    }
    if let Some(t) = &e.time {
        needs.1 = true;
        let kind = match t.as_str() {
            "*" | "" => None,
            k => Some(time_kind(k, ctx)?),
        };
        conds.push(Cond::Time(kind));
    }
    // cheap tests first: a regex runs only on items that pass the rest
    if let Some(r) = &e.regex {
        conds.push(Cond::Regex(item_regex(r, shared, ctx)?));
    }
    if let Some(n) = &e.not {
        conds.push(Cond::Not(not_conds(n, needs, shared, ctx)?));
    }
    Ok(conds)
}

/// An entity type a condition names (`*`: any).
fn entity_type(s: &str, ctx: &Ctx<'_>) -> Result<Option<EntityType>> {
    match s {
        "*" | "" => Ok(None),
        t if EntityType::is_builtin_name(t) => Ok(t.parse().ok()),
        t => Err(ctx.err(format!(
            "unknown entity type {t:?} (one of {}, or *)",
            EntityType::builtin_names()
        ))),
    }
}

/// A regex a whole item must match, with its memo slot (the same source
/// shares one; the first 128 sources get one).
fn item_regex(r: &str, shared: &mut Shared, ctx: &Ctx<'_>) -> Result<ItemRegex> {
    let r = with_fragments(r, ctx)?;
    let src = format!("^(?:{r})$");
    let slots = shared.item_regex_slots.len();
    let slot = match shared.item_regex_slots.get(&src) {
        Some(&slot) => slot,
        None => {
            let slot = u8::try_from(slots).ok().filter(|&s| s < 128);
            shared.item_regex_slots.insert(src.clone(), slot);
            slot
        }
    };
    Ok(ItemRegex {
        regex: build_regex(&src, ctx)?,
        slot,
    })
}

/// The conditions of `not`, which the item must not meet; `not = { any =
/// [[{ words = […] }], [{ entity = "*" }]] }`: none of the alternatives.
fn not_conds(
    n: &ElemDef,
    needs: &mut (BTreeSet<String>, bool),
    shared: &mut Shared,
    ctx: &Ctx<'_>,
) -> Result<Vec<Cond>> {
    if shapes_items(n) || n.end {
        return Err(ctx.err("`not` takes conditions on one item only"));
    }
    let mut inner = conds_of(n, needs, shared, ctx)?;
    if let Some(alts) = &n.any {
        let mut sets = Vec::with_capacity(alts.len());
        for alt in alts {
            let [one] = alt.as_slice() else {
                return Err(ctx.err("`not` takes alternatives of one item each"));
            };
            if shapes_items(one) || one.end || one.any.is_some() || one.macro_.is_some() {
                return Err(ctx.err("`not` takes conditions on one item only"));
            }
            sets.push(conds_of(one, needs, shared, ctx)?);
        }
        inner.push(Cond::AnyOf(sets));
    }
    Ok(inner)
}
