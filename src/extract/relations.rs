//! Relations the wording of names states: a company named after its group
//! with a qualifier added (`徐工` → `徐工印尼公司`, `索尼` → `索尼人寿`,
//! `阿里巴巴` → `阿里巴巴商业银行`) is a unit of that group, when both are
//! named in one sentence. A name that only adds a legal form (`加多宝` and
//! `加多宝集团`, `北汽` and `北汽股份`) is the same company, not a unit.

use std::ops::Range;

use crate::document::{EntityType, Predicate};
use crate::lexicon::Lexicon;
use crate::rules::{EntityHit, RelationHit};

/// Legal forms that name no unit of their own.
const LEGAL_FORMS: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "股份公司",
    "公司",
    "股份",
    "控股",
    "集团",
];

/// A government body names no company group (国务院, 发改委, 商务部).
fn is_government(name: &str) -> bool {
    ["委员会", "务院", "政府", "委", "部", "局", "厅", "署"]
        .iter()
        .any(|s| name.ends_with(s))
}

/// An exchange or an association named like a company (上海证券交易所 and
/// 上海证券) is none of its units.
fn is_exchange_or_association(name: &str) -> bool {
    ["交易所", "协会", "学会", "研究会", "商会", "联合会"]
        .iter()
        .any(|s| name.ends_with(s))
}

fn is_group_name(name: &str) -> bool {
    group_core(name).1
}

/// A group's name without the word that makes it a group.
fn group_core(name: &str) -> (&str, bool) {
    for suffix in [
        "集团有限公司",
        "集团股份有限公司",
        "控股集团",
        "集团公司",
        "集团",
    ] {
        if let Some(core) = name.strip_suffix(suffix) {
            if core.chars().count() >= 2 {
                return (core, true);
            }
        }
    }
    (name, false)
}

/// `subsidiary_of` triples between organisations of one sentence whose
/// names say so.
pub(crate) fn subsidiaries_by_name(
    text: &str,
    entities: &[EntityHit],
    sentences: &[Range<usize>],
    lexicon: &Lexicon,
) -> Vec<RelationHit> {
    let mut out = Vec::new();
    // entities and sentences are both in text order: walk them together
    let mut first = 0;
    for s in sentences {
        while first < entities.len() && entities[first].start < s.start {
            first += 1;
        }
        let orgs: Vec<&EntityHit> = entities[first..]
            .iter()
            .take_while(|e| e.start < s.end)
            .filter(|e| e.kind == EntityType::Org && e.end <= s.end)
            .collect();
        if orgs.len() < 2 {
            continue;
        }
        for parent in &orgs {
            let pname = &text[parent.start..parent.end];
            let (core, _) = group_core(pname);
            if core.chars().count() < 2 {
                continue;
            }
            for child in &orgs {
                let cname = &text[child.start..child.end];
                if child.canonical == parent.canonical || cname == pname {
                    continue;
                }
                let Some(rest) = cname.strip_prefix(core) else {
                    continue;
                };
                if is_government(pname)
                    || is_government(&parent.canonical)
                    || is_exchange_or_association(cname)
                {
                    continue;
                }
                // what the child adds must be a qualifier of two chars or
                // more besides a legal form (波音公司, 北汽股份, 加多宝集团 are
                // the same company); not another group, not another name
                // (two names run together are a pair, not a unit)
                let qualifier = LEGAL_FORMS
                    .iter()
                    .find_map(|f| rest.strip_suffix(f))
                    .unwrap_or(rest);
                let qualifies = !is_group_name(cname)
                    && qualifier.chars().count() >= 2
                    && lexicon
                        .get(qualifier)
                        .is_none_or(|e| !matches!(e.kind, EntityType::Org | EntityType::Product));
                if qualifies {
                    out.push(RelationHit::derived(
                        (*child).clone(),
                        (*parent).clone(),
                        Predicate::SubsidiaryOf,
                        String::new(),
                        s.clone(),
                        "subsidiary_of.naming",
                    ));
                }
            }
        }
    }
    out
}
