//! What entity rules cannot say by themselves: short names a text introduces
//! for a company (`杭州某某电子商务有限公司(以下简称“某某”)`) and later
//! mentions of them, which take the full name as their canonical form.

use std::sync::OnceLock;

use regex::Regex;

use crate::rules::EntityHit;

fn intro() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // right after the name: (以下简称“X”) / ，下称X / 简称为X
        Regex::new(r#"^\s*[(（,，]?\s*(?:以下简称|以下称|下称|简称为|简称)\s*[:：为]?\s*["“「『]?(?P<a>[\p{Han}A-Za-z0-9]{1,12})["”」』]?"#)
            .expect("static regex")
    })
}

/// Link short names introduced after ORG entities: every later mention of
/// the short name becomes an entity of the same type with the full name as
/// canonical, and entities already found there take that canonical.
/// `blocked` says whether a byte range may not hold an entity (garbled text).
pub(crate) fn link_aliases(
    text: &str,
    entities: &mut Vec<EntityHit>,
    blocked: &dyn Fn(usize, usize) -> bool,
) {
    let mut aliases: Vec<(String, usize)> = Vec::new(); // (short name, index of the full entity)
    for (i, e) in entities.iter().enumerate() {
        if e.alias || e.end - e.start < 6 {
            continue;
        }
        if let Some(c) = intro().captures(&text[e.end..]) {
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
