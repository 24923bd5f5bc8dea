//! Time values from a time rule's fields: the small closed vocabulary of the
//! rule format (absolute fields, offsets from the reference, durations, sets,
//! fuzzy, intervals) resolved with jiff's calendar arithmetic.

use jiff::civil::{Date, DateTime, Time};
use jiff::{Span, ToSpan};

use super::calendars::dates_near;
use super::numerals::{parse_int, parse_number};
use crate::config::TimeBias;
use crate::document::{Grain, TimeKind, TimeMod, TimeRange};
pub(crate) use crate::rules::time_output::{
    Anaphora, Field, PartOfDay, PodSource, TimeSpec, WordMap,
};

/// A capture's number: its word in `map`, else its numeral.
fn read(text: &str, map: &Option<WordMap>) -> Option<i64> {
    if let Some(m) = map {
        if let Some((_, v)) = m.iter().find(|(w, _)| w == text) {
            return Some(*v);
        }
    }
    parse_int(text)
}

/// A resolved time.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TimeValue {
    pub(crate) kind: TimeKind,
    pub(crate) value: Option<String>,
    pub(crate) grain: Option<Grain>,
    pub(crate) range: Option<TimeRange>,
    pub(crate) relative: bool,
    pub(crate) modifier: Option<TimeMod>,
    /// 当时/当年: the value comes from the time the text spoke of before
    /// (with the part of day said with it: 当天晚上).
    pub(crate) anaphora: Option<(Anaphora, Option<PartOfDay>)>,
}

/// Whether a future cue stands shortly before byte `at`, in the same clause.
fn future_cue_before(text: &str, at: usize) -> bool {
    let before = &text[..at];
    // up to 12 chars back, not past the end of the previous clause
    let start = before
        .char_indices()
        .rev()
        .take(12)
        .take_while(|(_, c)| !matches!(c, '。' | '！' | '？' | '；' | '\n' | '!' | '?' | ';'))
        .last()
        .map_or(at, |(i, _)| i);
    let window = &before[start..];
    // words that put what follows in the future (预计在双11前上线, 将于9月)
    crate::words::WordLists::builtin()
        .get("time.future_cues")
        .iter()
        .any(|c| window.contains(c.as_str()))
}

/// The value of a time rule's match at `start` of `text`: `spans` are its
/// captures, named by `names`. Under the past bias, a date after a future
/// cue in its clause looks forward.
pub(crate) fn resolve_match(
    spec: &TimeSpec,
    names: &[String],
    spans: &[Option<(usize, usize)>],
    text: &str,
    start: usize,
    reference: Option<DateTime>,
    bias: TimeBias,
) -> TimeValue {
    let cap_text = |name: &str| -> Option<String> {
        let i = names.iter().position(|n| n == name)?;
        let (x, y) = spans.get(i).copied().flatten()?;
        Some(text[x..y].to_string())
    };
    let bias = if bias == TimeBias::Past && future_cue_before(text, start) {
        TimeBias::Future
    } else {
        bias
    };
    resolve(spec, &cap_text, reference, bias)
}

/// A point at a grain, before formatting.
#[derive(Clone, Copy, Debug)]
struct Point {
    start: DateTime,
    grain: Grain,
    pod: Option<PartOfDay>,
    relative: bool,
}

/// Resolve `spec`; `cap` reads a capture's text. Values that need the
/// reference are left empty without one.
pub(crate) fn resolve(
    spec: &TimeSpec,
    cap: &dyn Fn(&str) -> Option<String>,
    reference: Option<DateTime>,
    bias: TimeBias,
) -> TimeValue {
    let pruned = prune(spec, cap);
    let spec = &pruned;
    let kind = spec.kind.unwrap_or(TimeKind::Date);
    let empty = |relative| TimeValue {
        kind,
        value: None,
        grain: None,
        range: None,
        relative,
        modifier: spec.modifier,
        anaphora: None,
    };
    if let Some(a) = spec.anaphora {
        let pod = match &spec.part_of_day {
            Some(PodSource::Fixed(p)) => Some(*p),
            Some(PodSource::Cap(c)) => cap(c).as_deref().and_then(PartOfDay::parse),
            None => None,
        };
        return TimeValue {
            anaphora: Some((a, pod)),
            ..empty(true)
        };
    }
    match kind {
        // 现在: no value, but a window when the rule gives fields
        TimeKind::Fuzzy => match point(spec, cap, reference, bias, None) {
            Some(p) if spec.hour.is_some() || spec.second.is_some() || spec.day.is_some() => {
                TimeValue {
                    range: Some(TimeRange {
                        from: p.start,
                        to: end_of(&p),
                    }),
                    ..empty(false)
                }
            }
            _ => empty(false),
        },
        TimeKind::Set => TimeValue {
            value: spec.period.as_deref().and_then(|p| fill_period(p, cap)),
            ..empty(false)
        },
        TimeKind::Duration => {
            let Some(unit) = spec.unit else {
                return empty(false);
            };
            let amount = match &spec.amount {
                Some(Field::Abs(n)) => Some(*n as f64),
                Some(Field::Cap(c, _)) => cap(c).and_then(|t| parse_number(&t)),
                _ => None,
            }
            .map(|n| if spec.half { n + 0.5 } else { n });
            TimeValue {
                value: Some(match amount {
                    Some(n) => duration_value(n, unit),
                    None => duration_value_unknown(unit),
                }),
                grain: Some(unit),
                ..empty(false)
            }
        }
        TimeKind::Interval => {
            let (Some(f), Some(t)) = (&spec.from, &spec.to) else {
                return empty(false);
            };
            let Some(a) = point(f, cap, reference, bias, None) else {
                return empty(true);
            };
            let Some(b) = point(t, cap, reference, bias, Some(&a)) else {
                return empty(true);
            };
            let (va, vb) = (format_point(&a), format_point(&b));
            TimeValue {
                // 过去一周: an interval of one unit is that unit
                kind: if va == vb { TimeKind::Date } else { kind },
                value: Some(if va == vb { va } else { format!("{va}/{vb}") }),
                grain: Some(a.grain.min(b.grain)),
                range: Some(TimeRange {
                    from: a.start,
                    to: end_of(&b),
                }),
                relative: a.relative || b.relative,
                ..empty(false)
            }
        }
        _ if spec.span_days.is_some() => {
            let Some(p) = point(spec, cap, reference, bias, None) else {
                return empty(true);
            };
            let n = spec.span_days.unwrap_or(1);
            let last = p
                .start
                .date()
                .checked_add((n - 1).days())
                .unwrap_or(p.start.date());
            let end = last
                .tomorrow()
                .unwrap_or(last)
                .to_datetime(Time::midnight());
            TimeValue {
                kind: TimeKind::Interval,
                value: Some(format!("{}/{}", p.start.date(), last)),
                grain: Some(Grain::Day),
                range: Some(TimeRange {
                    from: p.start,
                    to: end,
                }),
                relative: p.relative,
                ..empty(false)
            }
        }
        _ => match point(spec, cap, reference, bias, None) {
            Some(p) => TimeValue {
                // a date with a clock time or a part of day is a datetime
                kind: if kind == TimeKind::Date
                    && (spec.hour.is_some() || p.pod.is_some() || p.grain > Grain::Day)
                {
                    TimeKind::Datetime
                } else {
                    kind
                },
                value: Some(format_point(&p)),
                grain: Some(p.grain),
                range: Some(TimeRange {
                    from: p.start,
                    to: end_of(&p),
                }),
                relative: p.relative,
                ..empty(false)
            },
            None => empty(true),
        },
    }
}

/// The spec without the fields whose (optional) capture did not take part
/// in the match: `去年(7月)?` without a month is a year.
fn prune(spec: &TimeSpec, cap: &dyn Fn(&str) -> Option<String>) -> TimeSpec {
    fn present(f: &Field, cap: &dyn Fn(&str) -> Option<String>) -> Option<Field> {
        match f {
            Field::Cap(c, _) | Field::CapAdd(c, ..) | Field::OffCap(c, ..) if cap(c).is_none() => {
                None
            }
            Field::First(fs) => fs.iter().find_map(|x| present(x, cap)),
            other => Some(other.clone()),
        }
    }
    let keep = |f: &Option<Field>| f.as_ref().and_then(|f| present(f, cap));
    TimeSpec {
        kind: spec.kind,
        year: keep(&spec.year),
        quarter: keep(&spec.quarter),
        month: keep(&spec.month),
        week: keep(&spec.week),
        weekday: keep(&spec.weekday),
        day: keep(&spec.day),
        hour: keep(&spec.hour),
        minute: keep(&spec.minute),
        second: keep(&spec.second),
        part_of_day: spec.part_of_day.clone(),
        amount: keep(&spec.amount),
        unit: spec.unit,
        half: spec.half,
        period: spec.period.clone(),
        modifier: spec.modifier,
        from: spec.from.as_ref().map(|f| Box::new(prune(f, cap))),
        to: spec.to.as_ref().map(|f| Box::new(prune(f, cap))),
        nth: keep(&spec.nth),
        calendar: spec.calendar,
        shift: spec.shift,
        span_days: spec.span_days,
        anaphora: spec.anaphora,
    }
}

fn plain_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// `$name` in a set's period replaced by the capture's number
/// (`XXXX-XX-$d` with d = 15 is `XXXX-XX-15`); `None` when a capture is
/// missing or not a number.
fn fill_period(period: &str, cap: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let Some(at) = period.find('$') else {
        return Some(period.to_string());
    };
    let name_len = period[at + 1..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(period.len() - at - 1);
    let name = &period[at + 1..at + 1 + name_len];
    let n = parse_int(&cap(name)?)?;
    // a weekday is one digit (XXXX-WXX-5), a day of the month two
    let width = if period[..at].ends_with("WXX-") { 1 } else { 2 };
    let rest = fill_period(&period[at + 1 + name_len..], cap)?;
    Some(format!("{}{n:0width$}{rest}", &period[..at]))
}

/// An ISO duration of `n` units; a fraction goes into the next smaller unit
/// (1.5 years is `P1Y6M`, half an hour `PT30M`, half a day `PT12H`).
fn duration_value(n: f64, unit: Grain) -> String {
    let (smaller, per) = match unit {
        Grain::Year => (Grain::Month, 12.0),
        Grain::Quarter => return duration_value(n * 3.0, Grain::Month),
        Grain::Month => (Grain::Day, 30.0),
        Grain::Week => (Grain::Day, 7.0),
        Grain::Day => (Grain::Hour, 24.0),
        Grain::Hour => (Grain::Minute, 60.0),
        Grain::Minute | Grain::Second => (Grain::Second, 60.0),
    };
    let whole = n.trunc();
    let rest = ((n - whole) * per * 1000.0).round() / 1000.0;
    if rest == 0.0 || unit == Grain::Second || rest.fract() != 0.0 {
        return duration_part(&plain_number(n), unit, true);
    }
    let tail = duration_part(&plain_number(rest), smaller, false);
    if whole == 0.0 {
        return duration_part(&plain_number(rest), smaller, true);
    }
    let head = duration_part(&plain_number(whole), unit, true);
    // P1Y + 6M, PT1H + 30M, P1D + T12H
    match (is_clock(unit), is_clock(smaller)) {
        (false, true) => format!("{head}T{tail}"),
        _ => format!("{head}{tail}"),
    }
}

fn duration_value_unknown(unit: Grain) -> String {
    duration_part("X", unit, true)
}

/// `n` and the unit letter, with the `P`/`PT` prefix when `lead`.
fn duration_part(n: &str, unit: Grain, lead: bool) -> String {
    let letter = match unit {
        Grain::Year => "Y",
        Grain::Quarter => "Q",
        Grain::Month | Grain::Minute => "M",
        Grain::Week => "W",
        Grain::Day => "D",
        Grain::Hour => "H",
        Grain::Second => "S",
    };
    match (lead, is_clock(unit)) {
        (true, true) => format!("PT{n}{letter}"),
        (true, false) => format!("P{n}{letter}"),
        (false, _) => format!("{n}{letter}"),
    }
}

/// Hours, minutes and seconds: written after the `T` of a duration.
fn is_clock(unit: Grain) -> bool {
    unit >= Grain::Hour
}

/// A field's number and whether it was relative; `None` if unreadable or it
/// needs a reference that is missing.
fn field(
    f: &Field,
    cap: &dyn Fn(&str) -> Option<String>,
    base: Option<i64>,
) -> Option<(i64, bool)> {
    match f {
        Field::Abs(n) => Some((*n, false)),
        Field::Cap(c, map) => read(&cap(c)?, map).map(|n| (n, false)),
        Field::CapAdd(c, add, negate) => {
            parse_int(&cap(c)?).map(|n| (if *negate { -n } else { n } + add, false))
        }
        Field::Off(o) => Some((base? + o, true)),
        Field::OffCap(c, negate, map) => {
            let n = read(&cap(c)?, map)?;
            Some((base? + if *negate { -n } else { n }, true))
        }
        Field::First(fs) => fs.iter().find_map(|x| field(x, cap, base)),
    }
}

fn is_offset(f: &Option<Field>) -> bool {
    matches!(f, Some(Field::Off(_) | Field::OffCap(..)))
}

fn offset_of(f: &Field, cap: &dyn Fn(&str) -> Option<String>) -> Option<i64> {
    field(f, cap, Some(0)).map(|(n, _)| n)
}

fn point(
    spec: &TimeSpec,
    cap: &dyn Fn(&str) -> Option<String>,
    reference: Option<DateTime>,
    bias: TimeBias,
    inherit: Option<&Point>,
) -> Option<Point> {
    let ref_date = reference.map(|r| r.date());
    let mut relative = false;
    let pod = match &spec.part_of_day {
        Some(PodSource::Fixed(p)) => Some(*p),
        Some(PodSource::Cap(c)) => cap(c).as_deref().and_then(PartOfDay::parse),
        None => None,
    };
    if let Some(p) = clock_offset(spec, cap, reference) {
        return Some(p);
    }

    // the date part
    let (mut date, mut grain): (Date, Grain) = if let Some(cal) = spec.calendar {
        // a holiday: month and day in its calendar, the year by the bias
        let month = match &spec.month {
            Some(f) => field(f, cap, None)?.0,
            None => 0,
        };
        let day = match &spec.day {
            Some(f) => field(f, cap, None)?.0,
            None => 0,
        };
        let (m, d) = (u8::try_from(month).ok()?, u8::try_from(day).ok()?);
        let shift = spec.shift.unwrap_or(0).days();
        let year = match &spec.year {
            Some(f) => {
                let (y, rel) = field(f, cap, ref_date.map(|d| d.year() as i64))?;
                relative |= rel;
                Some(i32::try_from(y).ok()?)
            }
            None => None,
        };
        let around = year.or(ref_date.map(|d| i32::from(d.year())))?;
        let dates: Vec<Date> = dates_near(cal, around, m, d)
            .into_iter()
            .filter_map(|x| x.checked_add(shift).ok())
            .collect();
        let chosen = match year {
            Some(y) => dates.into_iter().find(|x| i32::from(x.year()) == y)?,
            None => {
                relative = true;
                pick(&dates, ref_date?, bias)?
            }
        };
        (chosen, Grain::Day)
    } else if is_offset(&spec.day) && spec.month.is_none() && spec.year.is_none() {
        // 昨天, 3天前: a day counted from the reference
        let off = offset_of(spec.day.as_ref()?, cap)?;
        relative = true;
        (ref_date?.checked_add(off.days()).ok()?, Grain::Day)
    } else if let (Some(nth), Some(wd)) = (&spec.nth, &spec.weekday) {
        // 十月第一个星期一
        let (n, _) = field(nth, cap, None)?;
        let (wd, _) = field(wd, cap, None)?;
        let (m, _) = match &spec.month {
            Some(f) => field(f, cap, ref_date.map(|d| d.month() as i64))?,
            None => (ref_date?.month() as i64, true),
        };
        let nth_in = |y: i64| -> Option<Date> {
            let first = Date::new(i16::try_from(y).ok()?, i8::try_from(m).ok()?, 1).ok()?;
            let first_wd = first.weekday().to_monday_one_offset() as i64;
            let d = first
                .checked_add(((wd - first_wd).rem_euclid(7) + 7 * (n - 1)).days())
                .ok()?;
            (d.month() == first.month()).then_some(d)
        };
        match &spec.year {
            Some(f) => {
                let (y, rel) = field(f, cap, ref_date.map(|d| d.year() as i64))?;
                relative |= rel;
                (nth_in(y)?, Grain::Day)
            }
            None => {
                let r = ref_date?;
                relative = true;
                let y = r.year() as i64;
                let dates: Vec<Date> = (y - 1..=y + 1).filter_map(nth_in).collect();
                (pick(&dates, r, bias)?, Grain::Day)
            }
        }
    } else if spec.week.is_some() || (spec.weekday.is_some() && spec.day.is_none()) {
        // 上周五, 下周, 本周三
        let base = ref_date?;
        relative = true;
        let week_off = match &spec.week {
            Some(f) => offset_of(f, cap)?,
            None => 0,
        };
        let monday = base
            .checked_sub((base.weekday().to_monday_one_offset() as i64 - 1).days())
            .ok()?;
        let start = monday.checked_add((7 * week_off).days()).ok()?;
        match &spec.weekday {
            Some(f) => {
                let (wd, _) = field(f, cap, None)?;
                if !(1..=7).contains(&wd) {
                    return None;
                }
                let mut d = start.checked_add((wd - 1).days()).ok()?;
                if spec.week.is_none() {
                    d = bias_day(d, base, bias, 7.days())?;
                    // a weekday named on that very day means the next one
                    // when looking forward (Duckling's convention)
                    if bias == TimeBias::Future && d == base {
                        d = d.checked_add(7.days()).ok()?;
                    }
                }
                (d, Grain::Day)
            }
            None => (start, Grain::Week),
        }
    } else {
        let ref_year = ref_date.map(|d| d.year() as i64);
        let (mut year, mut year_known) = (None, false);
        if let Some(f) = &spec.year {
            let (mut y, rel) = field(f, cap, ref_year)?;
            if matches!(f, Field::Cap(..)) && (0..100).contains(&y) {
                // 19年3月, 3/3/15: a two-digit year in the century that puts
                // it nearest the reference (pivoting at 50 without one)
                y = match ref_year {
                    Some(r) => (r / 100 - 1..=r / 100 + 1)
                        .map(|c| c * 100 + y)
                        .min_by_key(|c| (c - r).abs())
                        .unwrap_or(y),
                    None => y + if y >= 50 { 1900 } else { 2000 },
                };
            }
            year = Some(y);
            year_known = true;
            relative |= rel;
        }
        let mut month = None;
        let mut grain = Grain::Year;
        if let Some(f) = &spec.quarter {
            let q = if is_offset(&spec.quarter) {
                // 上季度: whole quarters from the reference's, across years
                let r = ref_date?;
                let index = r.year() as i64 * 4 + (r.month() as i64 - 1) / 3 + offset_of(f, cap)?;
                year = Some(index.div_euclid(4));
                year_known = true;
                relative = true;
                index.rem_euclid(4) + 1
            } else {
                let (q, rel) = field(f, cap, ref_date.map(|d| (d.month() as i64 - 1) / 3 + 1))?;
                relative |= rel;
                q
            };
            if !(1..=4).contains(&q) {
                return None;
            }
            month = Some(3 * q - 2);
            grain = Grain::Quarter;
        }
        if let Some(f) = &spec.month {
            if let Some(Field::Off(_) | Field::OffCap(..)) = &spec.month {
                // 上个月: whole months from the reference
                let off = offset_of(f, cap)?;
                let d = ref_date?.first_of_month().checked_add(off.months()).ok()?;
                year = Some(d.year() as i64);
                year_known = true;
                month = Some(d.month() as i64);
                relative = true;
            } else {
                let (m, _) = field(f, cap, None)?;
                month = Some(m);
            }
            grain = Grain::Month;
        }
        let mut day = None;
        if let Some(f) = &spec.day {
            let (d, _) = field(f, cap, None)?;
            day = Some(d);
            grain = Grain::Day;
        }
        if year.is_none()
            && spec.year.is_none()
            && spec.quarter.is_none()
            && spec.month.is_none()
            && day.is_none()
        {
            // only a time of day: the day it is said on
            let d = inherit.map(|p| p.start.date()).or(ref_date)?;
            relative = true;
            if inherit.is_none() {
                if let Some(p) = clock_by_bias(spec, cap, pod, reference?, bias) {
                    return Some(p);
                }
            }
            (d, Grain::Day)
        } else {
            if month.is_none() && day.is_some() {
                // 25日: the month from the interval's start or the reference
                let src = inherit.map(|p| p.start.date()).or(ref_date)?;
                month = Some(src.month() as i64);
                if year.is_none() {
                    year = Some(src.year() as i64);
                }
                relative = true;
            }
            if year.is_none() {
                let src = inherit.map(|p| p.start.date()).or(ref_date)?;
                year = Some(src.year() as i64);
                relative = true;
            }
            let (y, m, mut d) = (year?, month.unwrap_or(1), day.unwrap_or(1));
            if d < 0 {
                // day -1: the month's last day (下旬 ends there)
                let first = Date::new(i16::try_from(y).ok()?, i8::try_from(m).ok()?, 1).ok()?;
                d += i64::from(first.days_in_month()) + 1;
            }
            let mut date = Date::new(
                i16::try_from(y).ok()?,
                i8::try_from(m).ok()?,
                i8::try_from(d).ok()?,
            )
            .ok()?;
            if !year_known && inherit.is_none() {
                if let Some(r) = ref_date {
                    let step = if grain == Grain::Day && spec.month.is_none() {
                        1.month()
                    } else {
                        1.year()
                    };
                    date = bias_day(date, r, bias, step)?;
                    // 周日，二月十号: the year whose date falls on that weekday
                    if let Some(f) = &spec.weekday {
                        let (wd, _) = field(f, cap, None)?;
                        let fits = |d: &Date| d.weekday().to_monday_one_offset() as i64 == wd;
                        if !fits(&date) {
                            let others: Vec<Date> = [-1i64, 1]
                                .iter()
                                .filter_map(|k| date.checked_add(k.years()).ok())
                                .filter(fits)
                                .collect();
                            if let Some(d) =
                                others.into_iter().min_by_key(|d| (*d - r).get_days().abs())
                            {
                                date = d;
                            }
                        }
                    }
                }
            }
            (date, grain)
        }
    };
    if spec.calendar.is_none() {
        if let Some(n) = spec.shift {
            date = date.checked_add(n.days()).ok()?;
        }
    }

    // the time of day
    let mut time = Time::midnight();
    if let Some(f) = &spec.hour {
        let (h, _) = field(f, cap, reference.map(|r| r.hour() as i64))?;
        time = clock_time(with_part_of_day(h, pod), spec, cap)?;
        grain = clock_grain(spec);
    } else if let Some(p) = pod {
        time = Time::new(p.hours().0, 0, 0, 0).ok()?;
    }
    Some(Point {
        start: date.to_datetime(time),
        grain,
        pod: if spec.hour.is_none() { pod } else { None },
        relative,
    })
}

/// 下午三点 is 15:00; 凌晨十二点 is 00:00.
fn with_part_of_day(h: i64, pod: Option<PartOfDay>) -> i64 {
    match pod {
        Some(PartOfDay::Afternoon | PartOfDay::Evening) if h < 12 => h + 12,
        Some(PartOfDay::Night) if h == 12 => 0,
        _ => h,
    }
}

/// Hour `h` with the spec's minute and second (0 when not given).
fn clock_time(h: i64, spec: &TimeSpec, cap: &dyn Fn(&str) -> Option<String>) -> Option<Time> {
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
fn clock_grain(spec: &TimeSpec) -> Grain {
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
fn clock_offset(
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
fn clock_by_bias(
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
fn pick(dates: &[Date], reference: Date, bias: TimeBias) -> Option<Date> {
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
fn bias_day(d: Date, reference: Date, bias: TimeBias, step: Span) -> Option<Date> {
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

fn end_of(p: &Point) -> DateTime {
    if let Some(pod) = p.pod {
        let (_, end) = pod.hours();
        let day = p.start.date();
        return if end == 24 {
            day.tomorrow()
                .map_or(p.start, |d| d.to_datetime(Time::midnight()))
        } else {
            day.to_datetime(Time::new(end, 0, 0, 0).unwrap_or(Time::midnight()))
        };
    }
    let span = match p.grain {
        Grain::Year => 1.year(),
        Grain::Quarter => 3.months(),
        Grain::Month => 1.month(),
        Grain::Week => 1.week(),
        Grain::Day => 1.day(),
        Grain::Hour => 1.hour(),
        Grain::Minute => 1.minute(),
        Grain::Second => 1.second(),
    };
    p.start.checked_add(span).unwrap_or(p.start)
}

/// ISO 8601 year: four digits, astronomical numbering before year 1
/// (1 BCE is `0000`, 221 BCE is `-0220`).
fn iso_year(y: i16) -> String {
    if y < 0 {
        format!("-{:04}", -i32::from(y))
    } else {
        format!("{y:04}")
    }
}

fn format_point(p: &Point) -> String {
    let s = p.start;
    if let Some(pod) = p.pod {
        return format!("{}T{}", s.date(), pod.code());
    }
    match p.grain {
        Grain::Year => iso_year(s.year()),
        Grain::Quarter => format!("{}-Q{}", iso_year(s.year()), (s.month() - 1) / 3 + 1),
        Grain::Month => format!("{}-{:02}", iso_year(s.year()), s.month()),
        Grain::Week => {
            let w = s.date().iso_week_date();
            format!("{:04}-W{:02}", w.year(), w.week())
        }
        Grain::Day => s.date().to_string(),
        Grain::Hour => format!("{}T{:02}", s.date(), s.hour()),
        Grain::Minute => format!("{}T{:02}:{:02}", s.date(), s.hour(), s.minute()),
        Grain::Second => format!(
            "{}T{:02}:{:02}:{:02}",
            s.date(),
            s.hour(),
            s.minute(),
            s.second()
        ),
    }
}

/// How far back (bytes of text) an antecedent may stand: about two sentences.
const ANTECEDENT_WINDOW: usize = 300;

/// Fill anaphoric times (当时, 当年, 该季度, 当天, 次日) from the nearest time
/// before them that has a calendar value (a date, a datetime or an
/// interval), if one stands close enough; `times` are (start, value) in text
/// order. A day (当天, 次日) with no antecedent counts from `reference`.
pub(crate) fn resolve_anaphora(times: &mut [(usize, &mut TimeValue)], reference: Option<DateTime>) {
    let mut last: Option<(usize, TimeValue)> = None;
    // 本季度 looks back to a quarter, not to the day the report came out
    let mut last_quarter: Option<(usize, TimeValue)> = None;
    for (start, v) in times.iter_mut() {
        match v.anaphora {
            Some((kind, pod)) => {
                let near = |x: &Option<(usize, TimeValue)>| {
                    x.as_ref()
                        .filter(|(at, _)| *start - at <= ANTECEDENT_WINDOW)
                        .map(|(_, a)| a.clone())
                };
                let ante = if kind == Anaphora::Quarter {
                    near(&last_quarter)
                } else {
                    near(&last)
                };
                let ante = ante.as_ref();
                if fill_from(v, kind, pod, ante, reference) {
                    v.relative = true;
                    // 次日 … 当天: a filled day is the next one's antecedent
                    if v.range.is_some() {
                        last = Some((*start, (*v).clone()));
                    }
                }
            }
            None => {
                if v.range.is_some()
                    && matches!(
                        v.kind,
                        TimeKind::Date | TimeKind::Datetime | TimeKind::Interval
                    )
                {
                    last = Some((*start, (*v).clone()));
                    if v.grain == Some(Grain::Quarter) {
                        last_quarter = last.clone();
                    }
                }
            }
        }
    }
}

/// `v` filled from its antecedent (or the reference, for days); false when
/// neither gives a value.
fn fill_from(
    v: &mut TimeValue,
    kind: Anaphora,
    pod: Option<PartOfDay>,
    ante: Option<&TimeValue>,
    reference: Option<DateTime>,
) -> bool {
    let from = ante.and_then(|a| a.range).map(|r| r.from);
    let period = |v: &mut TimeValue, grain: Grain, from: DateTime, to: DateTime, value: String| {
        v.kind = TimeKind::Date;
        v.value = Some(value);
        v.grain = Some(grain);
        v.range = Some(TimeRange { from, to });
    };
    let midnight = |d: Date| d.to_datetime(Time::midnight());
    match kind {
        Anaphora::Same => {
            let Some(a) = ante else { return false };
            v.kind = a.kind;
            v.value.clone_from(&a.value);
            v.grain = a.grain;
            v.range = a.range;
        }
        Anaphora::Year => {
            let Some(f) = from else { return false };
            let y = f.year();
            let (Ok(a), Ok(b)) = (Date::new(y, 1, 1), Date::new(y + 1, 1, 1)) else {
                return false;
            };
            period(v, Grain::Year, midnight(a), midnight(b), iso_year(y));
        }
        Anaphora::Quarter => {
            let Some(f) = from.or(reference) else {
                return false;
            };
            let q = (f.month() - 1) / 3;
            let Ok(a) = Date::new(f.year(), 3 * q + 1, 1) else {
                return false;
            };
            let Ok(b) = a.checked_add(3.months()) else {
                return false;
            };
            let value = format!("{}-Q{}", iso_year(f.year()), q + 1);
            period(v, Grain::Quarter, midnight(a), midnight(b), value);
        }
        Anaphora::Day | Anaphora::NextDay => {
            // an antecedent finer than a day; else the reference's day
            let day = match ante {
                Some(a)
                    if a.grain.is_some_and(|g| g >= Grain::Day) && a.kind != TimeKind::Interval =>
                {
                    from.map(|f| f.date())
                }
                _ => reference.map(|r| r.date()),
            };
            let Some(mut d) = day else { return false };
            if kind == Anaphora::NextDay {
                let Ok(next) = d.tomorrow() else { return false };
                d = next;
            }
            let Ok(end) = d.tomorrow() else { return false };
            period(v, Grain::Day, midnight(d), midnight(end), d.to_string());
            if let Some(p) = pod {
                // 当天晚上: that day's evening
                let (from, to) = p.hours();
                let at = |h: i8| match h {
                    24 => Some(midnight(end)),
                    h => Time::new(h, 0, 0, 0).ok().map(|t| d.to_datetime(t)),
                };
                if let (Some(a), Some(b)) = (at(from), at(to)) {
                    v.kind = TimeKind::Datetime;
                    v.value = Some(format!("{d}T{}", p.code()));
                    v.range = Some(TimeRange { from: a, to: b });
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Option<DateTime> {
        Some(s.parse().unwrap())
    }

    fn value(
        spec: TimeSpec,
        caps: &[(&str, &str)],
        reference: &str,
        bias: TimeBias,
    ) -> Option<String> {
        let caps: Vec<(String, String)> = caps
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let f = move |n: &str| caps.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
        resolve(&spec, &f, r(reference), bias).value
    }

    #[test]
    fn last_year_july_14() {
        let spec = TimeSpec {
            year: Some(Field::Off(-1)),
            month: Some(Field::Cap("m".into(), None)),
            day: Some(Field::Cap("d".into(), None)),
            ..Default::default()
        };
        assert_eq!(
            value(
                spec,
                &[("m", "7"), ("d", "十四")],
                "2022-10-21T15:09:20",
                TimeBias::Past
            )
            .as_deref(),
            Some("2021-07-14")
        );
    }

    #[test]
    fn bare_month_follows_the_bias() {
        let spec = TimeSpec {
            month: Some(Field::Abs(11)),
            ..Default::default()
        };
        assert_eq!(
            value(spec.clone(), &[], "2022-10-21T00:00:00", TimeBias::Past).as_deref(),
            Some("2021-11")
        );
        assert_eq!(
            value(spec.clone(), &[], "2022-10-21T00:00:00", TimeBias::Future).as_deref(),
            Some("2022-11")
        );
        assert_eq!(
            value(spec, &[], "2022-12-21T00:00:00", TimeBias::Past).as_deref(),
            Some("2022-11")
        );
    }

    #[test]
    fn weeks_days_quarters_durations() {
        let friday_last_week = TimeSpec {
            week: Some(Field::Off(-1)),
            weekday: Some(Field::Abs(5)),
            ..Default::default()
        };
        // 2013-02-12 is a Tuesday
        assert_eq!(
            value(friday_last_week, &[], "2013-02-12T04:30:00", TimeBias::Past).as_deref(),
            Some("2013-02-08")
        );
        let yesterday = TimeSpec {
            day: Some(Field::Off(-1)),
            ..Default::default()
        };
        assert_eq!(
            value(yesterday, &[], "2013-03-01T04:30:00", TimeBias::Past).as_deref(),
            Some("2013-02-28")
        );
        let q3 = TimeSpec {
            year: Some(Field::Abs(2022)),
            quarter: Some(Field::Abs(3)),
            ..Default::default()
        };
        assert_eq!(
            value(q3, &[], "2022-10-21T00:00:00", TimeBias::Past).as_deref(),
            Some("2022-Q3")
        );
        let dur = TimeSpec {
            kind: Some(TimeKind::Duration),
            amount: Some(Field::Cap("n".into(), None)),
            unit: Some(Grain::Year),
            ..Default::default()
        };
        assert_eq!(
            value(dur, &[("n", "八")], "2022-10-21T00:00:00", TimeBias::Past).as_deref(),
            Some("P8Y")
        );
        let afternoon = TimeSpec {
            day: Some(Field::Off(0)),
            hour: Some(Field::Cap("h".into(), None)),
            part_of_day: Some(PodSource::Fixed(PartOfDay::Afternoon)),
            ..Default::default()
        };
        assert_eq!(
            value(
                afternoon,
                &[("h", "3")],
                "2022-10-21T09:00:00",
                TimeBias::Past
            )
            .as_deref(),
            Some("2022-10-21T15")
        );
    }

    #[test]
    fn interval_inherits_the_year() {
        let spec = TimeSpec {
            kind: Some(TimeKind::Interval),
            from: Some(Box::new(TimeSpec {
                month: Some(Field::Abs(4)),
                day: Some(Field::Abs(8)),
                ..Default::default()
            })),
            to: Some(Box::new(TimeSpec {
                month: Some(Field::Abs(11)),
                day: Some(Field::Abs(4)),
                ..Default::default()
            })),
            ..Default::default()
        };
        let v = resolve(&spec, &|_| None, r("2025-12-01T00:00:00"), TimeBias::Past);
        assert_eq!(v.value.as_deref(), Some("2025-04-08/2025-11-04"));
        assert_eq!(v.range.unwrap().to.to_string(), "2025-11-05T00:00:00");
    }
}
