//! A rule's output, compiled from its table (`entity = {...}`,
//! `relation = {...}`, ...): what a match of it makes, checked against the
//! rule's kind and the captures of its pattern or regex.

use std::collections::BTreeSet;

use super::compile::{list, Ctx, Finder};
use super::format::{EntityOut, RelationOut, RuleDef, RuleKind, VetoOut};
use super::time_fields::time_spec;
use super::time_output::TimeSpec;
use crate::document::{EntityType, Predicate};
use crate::error::Result;

/// How an entity's canonical name is chosen.
#[derive(Debug, Clone)]
pub(crate) enum Canonical {
    Lexicon,
    Text,
    Fixed(String),
}

#[derive(Debug)]
pub(crate) enum Output {
    Entity {
        kind: EntityType,
        cap: Option<usize>,
        canonical: Canonical,
        each: bool,
    },
    Time {
        spec: Box<TimeSpec>,
        cap: Option<usize>,
    },
    Relation {
        predicate: Predicate,
        subject: usize,
        object: usize,
        verb: Verb,
        value: Option<usize>,
    },
    Veto {
        cap: Option<usize>,
        entities: bool,
        times: bool,
    },
}

#[derive(Debug)]
pub(crate) enum Verb {
    Cap(usize),
    Fixed(String),
    None,
}

/// What a rule found by a pattern or regex has captured.
pub(super) struct Found {
    pub(super) finder: Finder,
    pub(super) cap_names: Vec<String>,
    pub(super) needs_entities: BTreeSet<String>,
    pub(super) needs_time: bool,
}

/// A rule's output table, checked against its kind and its captures.
pub(super) fn output_of(def: &RuleDef, found: &Found, ctx: &Ctx<'_>) -> Result<Output> {
    let cap_names = &found.cap_names;
    let cap = |name: &str| -> Result<usize> {
        let name = name.trim_start_matches('$');
        cap_names.iter().position(|n| n == name).ok_or_else(|| {
            ctx.err(format!(
                "capture {name:?} is not in the pattern (captures: {})",
                list(cap_names)
            ))
        })
    };
    let given = [
        def.entity.is_some(),
        def.time.is_some(),
        def.relation.is_some(),
        def.veto.is_some(),
    ];
    let wanted = match def.kind {
        RuleKind::Entity => 0,
        RuleKind::Time => 1,
        RuleKind::Relation => 2,
        RuleKind::Veto => 3,
    };
    if !given[wanted] || given.iter().filter(|&&g| g).count() != 1 {
        let field = ["entity", "time", "relation", "veto"][wanted];
        return Err(ctx.err(format!(
            "a {field} rule needs exactly one output table, `{field} = {{ ... }}`"
        )));
    }
    let missing = |field: &str| ctx.err(format!("missing `{field}`"));
    match def.kind {
        RuleKind::Entity => {
            let e = def.entity.as_ref().ok_or_else(|| missing("entity"))?;
            entity_output(e, &found.needs_entities, &cap, ctx)
        }
        RuleKind::Time => {
            let t = def.time.as_ref().ok_or_else(|| missing("time"))?;
            Ok(Output::Time {
                spec: Box::new(time_spec(t, &cap, ctx)?),
                cap: opt_cap(&cap, &t.capture)?,
            })
        }
        RuleKind::Relation => {
            let r = def.relation.as_ref().ok_or_else(|| missing("relation"))?;
            relation_output(r, cap_names, &cap, ctx)
        }
        RuleKind::Veto => {
            let v = def.veto.as_ref().ok_or_else(|| missing("veto"))?;
            veto_output(v, &cap, ctx)
        }
    }
}

/// The capture a field names, if it names one.
fn opt_cap(cap: &dyn Fn(&str) -> Result<usize>, name: &Option<String>) -> Result<Option<usize>> {
    name.as_deref().map(cap).transpose()
}

fn entity_output(
    e: &EntityOut,
    needs_entities: &BTreeSet<String>,
    cap: &dyn Fn(&str) -> Result<usize>,
    ctx: &Ctx<'_>,
) -> Result<Output> {
    if !EntityType::is_builtin_name(&e.kind) {
        return Err(ctx.err(format!(
            "unknown entity type {:?} (one of {})",
            e.kind,
            EntityType::builtin_names()
        )));
    }
    let canonical = match e.canonical.as_deref() {
        None | Some("lexicon") => Canonical::Lexicon,
        Some("text") => Canonical::Text,
        Some(other) => Canonical::Fixed(other.to_string()),
    };
    if e.each && !entities_seen_before(needs_entities) {
        return Err(
            ctx.err("`each` retypes entities of earlier stages: the pattern must use `entity`")
        );
    }
    Ok(Output::Entity {
        kind: e.kind.parse().unwrap_or(EntityType::Org),
        cap: opt_cap(cap, &e.capture)?,
        canonical,
        each: e.each,
    })
}

fn relation_output(
    r: &RelationOut,
    cap_names: &[String],
    cap: &dyn Fn(&str) -> Result<usize>,
    ctx: &Ctx<'_>,
) -> Result<Output> {
    let predicate: Predicate = r.predicate.parse().map_err(|e: String| ctx.err(e))?;
    let verb = match &r.verb {
        None => Verb::None,
        Some(v) if cap_names.iter().any(|n| n == v.trim_start_matches('$')) => Verb::Cap(cap(v)?),
        Some(v) if v.starts_with('$') => {
            return Err(ctx.err(format!("capture {v:?} is not in the pattern")))
        }
        Some(v) => Verb::Fixed(v.clone()),
    };
    Ok(Output::Relation {
        predicate,
        subject: cap(&r.subject)?,
        object: cap(&r.object)?,
        verb,
        value: opt_cap(cap, &r.value)?,
    })
}

fn veto_output(v: &VetoOut, cap: &dyn Fn(&str) -> Result<usize>, ctx: &Ctx<'_>) -> Result<Output> {
    let mut kinds = (v.kinds.is_empty(), v.kinds.is_empty());
    for k in &v.kinds {
        match k.as_str() {
            "entity" => kinds.0 = true,
            "time" => kinds.1 = true,
            other => return Err(ctx.err(format!("veto kind {other:?} is not `entity` or `time`"))),
        }
    }
    Ok(Output::Veto {
        cap: opt_cap(cap, &v.capture)?,
        entities: kinds.0,
        times: kinds.1,
    })
}

fn entities_seen_before(needs: &BTreeSet<String>) -> bool {
    !needs.is_empty()
}
