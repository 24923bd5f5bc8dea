//! A time rule's output, compiled: the kind, grain and fields a rule file
//! declares (`[rule.time]`), checked against the rule's captures, into the
//! `TimeSpec` the time stage resolves.

use super::compile::Ctx;
use super::format::{FieldDef, IntOrCapture, TimeOut};
use super::time_output::{Anaphora, Calendar, Field, PartOfDay, PodSource, TimeSpec, WordMap};
use crate::document::{Grain, TimeKind, TimeMod};
use crate::error::Result;

/// The variant of an enum whose serde name is `name` (`"date"`,
/// `"next_day"`, `"END"`): the names are declared once, on the type, and
/// shared with the JSON output.
fn by_name<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    use serde::de::{value::Error, IntoDeserializer};
    T::deserialize(IntoDeserializer::<Error>::into_deserializer(name)).ok()
}

/// A name of an enum that a rule file gives, or an error listing `names`.
fn named<T: serde::de::DeserializeOwned>(
    name: &str,
    what: &str,
    names: &str,
    ctx: &Ctx<'_>,
) -> Result<T> {
    by_name(name).ok_or_else(|| ctx.err(format!("unknown {what} {name:?} ({names})")))
}

/// An optional field naming an enum's variant.
fn opt_named<T: serde::de::DeserializeOwned>(
    name: &Option<String>,
    what: &str,
    names: &str,
    ctx: &Ctx<'_>,
) -> Result<Option<T>> {
    name.as_deref()
        .map(|n| named(n, what, names, ctx))
        .transpose()
}

pub(super) fn time_kind(k: &str, ctx: &Ctx<'_>) -> Result<TimeKind> {
    named(
        k,
        "time kind",
        "date, datetime, time, interval, duration, set, fuzzy",
        ctx,
    )
}

pub(super) fn grain(g: &str, ctx: &Ctx<'_>) -> Result<Grain> {
    named(
        g,
        "unit",
        "year, quarter, month, week, day, hour, minute, second",
        ctx,
    )
}

pub(super) fn time_spec(
    t: &TimeOut,
    cap: &dyn Fn(&str) -> Result<usize>,
    ctx: &Ctx<'_>,
) -> Result<TimeSpec> {
    let field = |f: &Option<FieldDef>| -> Result<Option<Field>> {
        let Some(f) = f else { return Ok(None) };
        time_field(f, cap, ctx).map(Some)
    };

    let part_of_day = match &t.part_of_day {
        None => None,
        Some(p) => match PartOfDay::parse(p) {
            Some(pod) => Some(PodSource::Fixed(pod)),
            None => {
                cap(p)?;
                Some(PodSource::Cap(p.trim_start_matches('$').to_string()))
            }
        },
    };
    let kind = time_kind(&t.kind, ctx)?;
    let spec = TimeSpec {
        kind: Some(kind),
        year: field(&t.year)?,
        quarter: field(&t.quarter)?,
        month: field(&t.month)?,
        week: field(&t.week)?,
        weekday: field(&t.weekday)?,
        day: field(&t.day)?,
        hour: field(&t.hour)?,
        minute: field(&t.minute)?,
        second: field(&t.second)?,
        part_of_day,
        amount: match &t.amount {
            Some(FieldDef::Capture(x)) if x == "X" => None,
            other => field(other)?,
        },
        unit: t.unit.as_deref().map(|u| grain(u, ctx)).transpose()?,
        half: t.half,
        period: t.period.clone(),
        modifier: opt_named::<TimeMod>(&t.modifier, "mod", "START, MID, END", ctx)?,
        nth: field(&t.nth)?,
        calendar: opt_named::<Calendar>(
            &t.calendar,
            "calendar",
            "gregorian, chinese, easter, orthodox_easter, hebrew, islamic",
            ctx,
        )?,
        shift: t.shift,
        anaphora: opt_named::<Anaphora>(
            &t.anaphora,
            "anaphora",
            "same, year, quarter, day, next_day",
            ctx,
        )?,
        span_days: match t.days {
            Some(n) if !(1..=366).contains(&n) => {
                return Err(ctx.err("`days` must be between 1 and 366"))
            }
            other => other,
        },
        from: t
            .from
            .as_deref()
            .map(|f| time_spec(f, cap, ctx).map(Box::new))
            .transpose()?,
        to: t
            .to
            .as_deref()
            .map(|f| time_spec(f, cap, ctx).map(Box::new))
            .transpose()?,
    };
    check_kind(spec, ctx)
}

/// What a kind needs: a duration its unit, a set its period, an interval
/// both ends.
fn check_kind(spec: TimeSpec, ctx: &Ctx<'_>) -> Result<TimeSpec> {
    match spec.kind {
        Some(TimeKind::Duration) if spec.unit.is_none() => {
            Err(ctx.err("a duration needs a `unit`"))
        }
        Some(TimeKind::Set) if spec.period.is_none() => Err(ctx.err("a set needs a `period`")),
        Some(TimeKind::Interval) if spec.from.is_none() || spec.to.is_none() => {
            Err(ctx.err("an interval needs `from` and `to`"))
        }
        _ => Ok(spec),
    }
}

/// One time field's source, compiled.
pub(super) fn time_field(
    f: &FieldDef,
    cap: &dyn Fn(&str) -> Result<usize>,
    ctx: &Ctx<'_>,
) -> Result<Field> {
    let capture = |c: &str| -> Result<String> {
        cap(c)?;
        Ok(c.trim_start_matches('$').to_string())
    };
    let words = |m: &std::collections::BTreeMap<String, i64>| -> Option<WordMap> {
        (!m.is_empty()).then(|| {
            std::sync::Arc::new(m.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>())
        })
    };
    Ok(match f {
        FieldDef::Int(n) => Field::Abs(*n),
        FieldDef::Any { any } => {
            if any.is_empty() {
                return Err(ctx.err("`any` needs at least one source"));
            }
            Field::First(
                any.iter()
                    .map(|x| time_field(x, cap, ctx))
                    .collect::<Result<Vec<_>>>()?,
            )
        }
        FieldDef::Capture(c) => Field::Cap(capture(c)?, None),
        FieldDef::Value {
            value,
            map,
            add,
            negate,
        } if map.is_empty() && (*add != 0 || *negate) => {
            Field::CapAdd(capture(value)?, *add, *negate)
        }
        FieldDef::Value {
            value,
            map,
            add,
            negate,
        } => {
            if *add != 0 || *negate {
                return Err(ctx.err("a field takes `map` or `add`/`negate`, not both"));
            }
            Field::Cap(capture(value)?, words(map))
        }
        FieldDef::Offset {
            offset: IntOrCapture::Int(n),
            negate,
            ..
        } => Field::Off(if *negate { -n } else { *n }),
        FieldDef::Offset {
            offset: IntOrCapture::Capture(c),
            negate,
            map,
        } => Field::OffCap(capture(c)?, *negate, words(map)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_names_come_from_the_types() {
        assert_eq!(by_name::<TimeKind>("datetime"), Some(TimeKind::Datetime));
        assert_eq!(by_name::<Grain>("week"), Some(Grain::Week));
        assert_eq!(by_name::<TimeMod>("END"), Some(TimeMod::End));
        assert_eq!(by_name::<Anaphora>("next_day"), Some(Anaphora::NextDay));
        assert_eq!(by_name::<Calendar>("lunar"), Some(Calendar::Chinese));
        assert_eq!(
            by_name::<Calendar>("orthodox_easter"),
            Some(Calendar::OrthodoxEaster)
        );
        assert_eq!(by_name::<TimeKind>("Date"), None);
        assert_eq!(by_name::<Grain>("fortnight"), None);
    }
}
