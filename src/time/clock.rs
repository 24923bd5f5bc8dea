//! Clock times: the hour read with its part of the day (下午三点 is 15:00),
//! a clock without a date placed on the day the bias picks, and the day
//! chosen among candidates by the bias (past, future, nearest).

use jiff::civil::{Date, DateTime, Time};
use jiff::{Span, ToSpan};

use super::resolve::*;
use crate::config::TimeBias;
use crate::document::Grain;

/// 下午三点 is 15:00; 凌晨十二点 is 00:00.
pub(super) fn with_part_of_day(h: i64, pod: Option<PartOfDay>) -> i64 {
    match pod {
        Some(PartOfDay::Afternoon | PartOfDay::Evening) if h < 12 => h + 12,
        Some(PartOfDay::Night) if h == 12 => 0,
        _ => h,
    }
}

/// Hour `h` with the spec's minute and second (0 when not given).
pub(super) fn clock_time(
    h: i64,
    spec: &TimeSpec,
    cap: &dyn Fn(&str) -> Option<String>,
) -> Option<Time> {
    let read = |f: &Option<Field>| match f {
        Some(f) => field(f, cap, None).map(|(n, _)| n),
        None => Some(0),
    };
    Time::new(
        i8::try_from(h).ok()?,
        i8::try_from(read(&spec.minute)?).ok()?,
        i8::try_from(read(&spec.second)?).ok()?,
        0,
    )
    .ok()
}

/// The finest clock field a spec gives.
pub(super) fn clock_grain(spec: &TimeSpec) -> Grain {
    if spec.second.is_some() {
        Grain::Second
    } else if spec.minute.is_some() {
        Grain::Minute
    } else {
        Grain::Hour
    }
}

/// 两小时前, 上三分钟: hours, minutes or seconds counted from the reference
/// instant, at the finest grain given.
pub(super) fn clock_offset(
    spec: &TimeSpec,
    cap: &dyn Fn(&str) -> Option<String>,
    reference: Option<DateTime>,
) -> Option<Point> {
    if !(is_offset(&spec.hour) || is_offset(&spec.minute) || is_offset(&spec.second))
        || spec.day.is_some()
        || spec.month.is_some()
        || spec.year.is_some()
    {
        return None;
    }
    let mut t = reference?;
    let mut grain = Grain::Hour;
    for (f, unit, g) in [
        (&spec.hour, 1.hour(), Grain::Hour),
        (&spec.minute, 1.minute(), Grain::Minute),
        (&spec.second, 1.second(), Grain::Second),
    ] {
        if let Some(f) = f {
            let n = offset_of(f, cap)?;
            t = t.checked_add(unit.checked_mul(n).ok()?).ok()?;
            grain = g;
        }
    }
    let t = match grain {
        Grain::Hour => t.date().to_datetime(Time::new(t.hour(), 0, 0, 0).ok()?),
        Grain::Minute => t
            .date()
            .to_datetime(Time::new(t.hour(), t.minute(), 0, 0).ok()?),
        _ => t
            .date()
            .to_datetime(Time::new(t.hour(), t.minute(), t.second(), 0).ok()?),
    };
    Some(Point {
        start: t,
        grain,
        pod: None,
        relative: true,
    })
}

/// A bare clock time (三点, 3:15) on no given day: on a 12-hour dial, the
/// occurrence the bias asks for around the reference instant. A date-only
/// reference (midnight) keeps the hour as written on that day.
pub(super) fn clock_by_bias(
    spec: &TimeSpec,
    cap: &dyn Fn(&str) -> Option<String>,
    pod: Option<PartOfDay>,
    reference: DateTime,
    bias: TimeBias,
) -> Option<Point> {
    let f = spec.hour.as_ref()?;
    if is_offset(&spec.hour) || pod.is_some() || reference.time() == Time::midnight() {
        return None;
    }
    let (h, _) = field(f, cap, None)?;
    let hours: &[i64] = if (1..12).contains(&h) {
        &[h, h + 12]
    } else {
        &[h]
    };
    let day = reference.date();
    let mut candidates = Vec::new();
    for off in -1..=1 {
        let d = day.checked_add(off.days()).ok()?;
        for &hh in hours {
            candidates.push(d.to_datetime(clock_time(hh, spec, cap)?));
        }
    }
    candidates.sort();
    let chosen = match bias {
        TimeBias::Future => candidates.into_iter().find(|c| *c >= reference)?,
        TimeBias::Past => candidates.into_iter().rev().find(|c| *c <= reference)?,
        TimeBias::Nearest => candidates
            .into_iter()
            .min_by_key(|c| reference.duration_until(*c).as_secs().abs())?,
    };
    Some(Point {
        start: chosen,
        grain: clock_grain(spec),
        pod: None,
        relative: true,
    })
}

/// The date among `dates` the bias asks for, seen from `reference`.
pub(super) fn pick(dates: &[Date], reference: Date, bias: TimeBias) -> Option<Date> {
    match bias {
        TimeBias::Future => dates.iter().copied().find(|d| *d >= reference),
        TimeBias::Past => dates.iter().rev().copied().find(|d| *d <= reference),
        TimeBias::Nearest => dates
            .iter()
            .copied()
            .min_by_key(|d| (*d - reference).get_days().abs()),
    }
}

/// Move `d` by `step` so it lies on the side of the reference the bias asks for.
pub(super) fn bias_day(d: Date, reference: Date, bias: TimeBias, step: Span) -> Option<Date> {
    let prev = d.checked_sub(step).ok()?;
    let next = d.checked_add(step).ok()?;
    Some(match bias {
        TimeBias::Past if d > reference => prev,
        TimeBias::Future if d < reference => next,
        TimeBias::Nearest => {
            let dist = |x: Date| (x - reference).get_days().abs();
            [prev, d, next]
                .into_iter()
                .min_by_key(|&x| dist(x))
                .unwrap_or(d)
        }
        _ => d,
    })
}
