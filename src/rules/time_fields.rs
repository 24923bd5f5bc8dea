//! A time rule's output, compiled: the kind, grain and fields a rule file
//! declares (`[rule.time]`), checked against the rule's captures, into the
//! `TimeSpec` the time stage resolves.

use super::compile::Ctx;
use super::format::{FieldDef, IntOrCapture, TimeOut};
use super::time_output::{Anaphora, Calendar, Field, PartOfDay, PodSource, TimeSpec, WordMap};
use crate::document::{Grain, TimeKind, TimeMod};
use crate::error::Result;

pub(super) fn time_kind(k: &str, ctx: &Ctx<'_>) -> Result<TimeKind> {
    Ok(match k {
        "date" => TimeKind::Date,
        "datetime" => TimeKind::Datetime,
        "time" => TimeKind::Time,
        "interval" => TimeKind::Interval,
        "duration" => TimeKind::Duration,
        "set" => TimeKind::Set,
        "fuzzy" => TimeKind::Fuzzy,
        other => {
            return Err(ctx.err(format!(
            "unknown time kind {other:?} (date, datetime, time, interval, duration, set, fuzzy)"
        )))
        }
    })
}

pub(super) fn grain(g: &str, ctx: &Ctx<'_>) -> Result<Grain> {
    Ok(match g {
        "year" => Grain::Year,
        "quarter" => Grain::Quarter,
        "month" => Grain::Month,
        "week" => Grain::Week,
        "day" => Grain::Day,
        "hour" => Grain::Hour,
        "minute" => Grain::Minute,
        "second" => Grain::Second,
        other => {
            return Err(ctx.err(format!(
                "unknown unit {other:?} (year, quarter, month, week, day, hour, minute, second)"
            )))
        }
    })
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
    let modifier = match t.modifier.as_deref() {
        None => None,
        Some("START") => Some(TimeMod::Start),
        Some("MID") => Some(TimeMod::Mid),
        Some("END") => Some(TimeMod::End),
        Some(m) => return Err(ctx.err(format!("unknown mod {m:?} (START, MID, END)"))),
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
        modifier,
        nth: field(&t.nth)?,
        calendar: match t.calendar.as_deref() {
            None => None,
            Some(c) => Some(Calendar::parse(c).ok_or_else(|| {
                ctx.err(format!(
                    "unknown calendar {c:?} (gregorian, chinese, easter, orthodox_easter, hebrew, islamic)"
                ))
            })?),
        },
        shift: t.shift,
        anaphora: match t.anaphora.as_deref() {
            None => None,
            Some("same") => Some(Anaphora::Same),
            Some("year") => Some(Anaphora::Year),
            Some("quarter") => Some(Anaphora::Quarter),
            Some("day") => Some(Anaphora::Day),
            Some("next_day") => Some(Anaphora::NextDay),
            Some(a) => {
                return Err(ctx.err(format!(
                    "unknown anaphora {a:?} (same, year, quarter, day, next_day)"
                )))
            }
        },
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
    match kind {
        TimeKind::Duration if spec.unit.is_none() => Err(ctx.err("a duration needs a `unit`")),
        TimeKind::Set if spec.period.is_none() => Err(ctx.err("a set needs a `period`")),
        TimeKind::Interval if spec.from.is_none() || spec.to.is_none() => {
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
