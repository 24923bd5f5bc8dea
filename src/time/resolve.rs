//! Time values from a time rule's fields: the small closed vocabulary of the
//! rule format (absolute fields, offsets from the reference, durations, sets,
//! fuzzy, intervals) resolved with jiff's calendar arithmetic.

use jiff::civil::{Date, DateTime, Time};
use jiff::ToSpan;

use super::calendars::dates_near;
use super::clock::*;
use super::durations::*;
use super::numerals::{parse_int, parse_number};
use crate::config::TimeBias;
use crate::document::{Grain, TimeKind, TimeMod, TimeRange};
pub(crate) use crate::rules::time_output::{
    Anaphora, Field, PartOfDay, PodSource, TimeSpec, WordMap,
};

/// A capture's number: its word in `map`, else its numeral.
pub(super) fn read(text: &str, map: &Option<WordMap>) -> Option<i64> {
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
pub(super) struct Point {
    pub(super) start: DateTime,
    pub(super) grain: Grain,
    pub(super) pod: Option<PartOfDay>,
    pub(super) relative: bool,
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
    let r = Resolution {
        spec: &pruned,
        cap,
        reference,
        bias,
        kind: pruned.kind.unwrap_or(TimeKind::Date),
    };
    if let Some(a) = r.spec.anaphora {
        let pod = match &r.spec.part_of_day {
            Some(PodSource::Fixed(p)) => Some(*p),
            Some(PodSource::Cap(c)) => cap(c).as_deref().and_then(PartOfDay::parse),
            None => None,
        };
        return TimeValue {
            anaphora: Some((a, pod)),
            ..r.empty(true)
        };
    }
    match r.kind {
        TimeKind::Fuzzy => r.fuzzy(),
        TimeKind::Set => TimeValue {
            value: r.spec.period.as_deref().and_then(|p| fill_period(p, cap)),
            ..r.empty(false)
        },
        TimeKind::Duration => r.duration(),
        TimeKind::Interval => r.interval(),
        _ if r.spec.span_days.is_some() => r.day_span(),
        _ => r.point_value(),
    }
}

/// One spec being resolved, with what it is resolved against.
struct Resolution<'a> {
    spec: &'a TimeSpec,
    cap: &'a dyn Fn(&str) -> Option<String>,
    reference: Option<DateTime>,
    bias: TimeBias,
    kind: TimeKind,
}

impl Resolution<'_> {
    /// The value without a value: the kind and modifier only.
    fn empty(&self, relative: bool) -> TimeValue {
        TimeValue {
            kind: self.kind,
            value: None,
            grain: None,
            range: None,
            relative,
            modifier: self.spec.modifier,
            anaphora: None,
        }
    }

    fn point(&self, spec: &TimeSpec, after: Option<&Point>) -> Option<Point> {
        point(spec, self.cap, self.reference, self.bias, after)
    }

    /// 现在: no value, but a window when the rule gives fields.
    fn fuzzy(&self) -> TimeValue {
        let spec = self.spec;
        match self.point(spec, None) {
            Some(p) if spec.hour.is_some() || spec.second.is_some() || spec.day.is_some() => {
                TimeValue {
                    range: Some(TimeRange {
                        from: p.start,
                        to: end_of(&p),
                    }),
                    ..self.empty(false)
                }
            }
            _ => self.empty(false),
        }
    }

    fn duration(&self) -> TimeValue {
        let spec = self.spec;
        let Some(unit) = spec.unit else {
            return self.empty(false);
        };
        let amount = match &spec.amount {
            Some(Field::Abs(n)) => Some(*n as f64),
            Some(Field::Cap(c, _)) => (self.cap)(c).and_then(|t| parse_number(&t)),
            _ => None,
        }
        .map(|n| if spec.half { n + 0.5 } else { n });
        TimeValue {
            value: Some(match amount {
                Some(n) => duration_value(n, unit),
                None => duration_value_unknown(unit),
            }),
            grain: Some(unit),
            ..self.empty(false)
        }
    }

    fn interval(&self) -> TimeValue {
        let (Some(f), Some(t)) = (&self.spec.from, &self.spec.to) else {
            return self.empty(false);
        };
        let Some(a) = self.point(f, None) else {
            return self.empty(true);
        };
        let Some(b) = self.point(t, Some(&a)) else {
            return self.empty(true);
        };
        let (va, vb) = (format_point(&a), format_point(&b));
        TimeValue {
            // 过去一周: an interval of one unit is that unit
            kind: if va == vb { TimeKind::Date } else { self.kind },
            value: Some(if va == vb { va } else { format!("{va}/{vb}") }),
            grain: Some(a.grain.min(b.grain)),
            range: Some(TimeRange {
                from: a.start,
                to: end_of(&b),
            }),
            relative: a.relative || b.relative,
            ..self.empty(false)
        }
    }

    /// A holiday lasting `span_days` days from its first.
    fn day_span(&self) -> TimeValue {
        let Some(p) = self.point(self.spec, None) else {
            return self.empty(true);
        };
        let n = self.spec.span_days.unwrap_or(1);
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
            ..self.empty(false)
        }
    }

    fn point_value(&self) -> TimeValue {
        let spec = self.spec;
        let Some(p) = self.point(spec, None) else {
            return self.empty(true);
        };
        TimeValue {
            // a date with a clock time or a part of day is a datetime
            kind: if self.kind == TimeKind::Date
                && (spec.hour.is_some() || p.pod.is_some() || p.grain > Grain::Day)
            {
                TimeKind::Datetime
            } else {
                self.kind
            },
            value: Some(format_point(&p)),
            grain: Some(p.grain),
            range: Some(TimeRange {
                from: p.start,
                to: end_of(&p),
            }),
            relative: p.relative,
            ..self.empty(false)
        }
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

/// A field's number and whether it was relative; `None` if unreadable or it
/// needs a reference that is missing.
pub(super) fn field(
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

pub(super) fn is_offset(f: &Option<Field>) -> bool {
    matches!(f, Some(Field::Off(_) | Field::OffCap(..)))
}

pub(super) fn offset_of(f: &Field, cap: &dyn Fn(&str) -> Option<String>) -> Option<i64> {
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
    let pod = match &spec.part_of_day {
        Some(PodSource::Fixed(p)) => Some(*p),
        Some(PodSource::Cap(c)) => cap(c).as_deref().and_then(PartOfDay::parse),
        None => None,
    };
    if let Some(p) = clock_offset(spec, cap, reference) {
        return Some(p);
    }

    // the date part
    let f = Frame {
        spec,
        cap,
        reference,
        bias,
        inherit,
        pod,
    };
    let (mut date, mut grain, rel) = if let Some(cal) = spec.calendar {
        holiday_date(&f, cal)?
    } else if is_offset(&spec.day) && spec.month.is_none() && spec.year.is_none() {
        // 昨天, 3天前: a day counted from the reference
        let off = offset_of(spec.day.as_ref()?, cap)?;
        (ref_date?.checked_add(off.days()).ok()?, Grain::Day, true)
    } else if let (Some(nth), Some(wd)) = (&spec.nth, &spec.weekday) {
        nth_weekday_date(&f, nth, wd)?
    } else if spec.week.is_some() || (spec.weekday.is_some() && spec.day.is_none()) {
        week_date(&f)?
    } else {
        match calendar_date(&f)? {
            Dated::On(d, g, r) => (d, g, r),
            Dated::Clock(p) => return Some(p),
        }
    };
    let relative = rel;
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

/// What the parts of [`point`] read: the rule's fields, the captures, the
/// reference and bias, the point an interval's end inherits from, the part
/// of day.
struct Frame<'a> {
    spec: &'a TimeSpec,
    cap: &'a dyn Fn(&str) -> Option<String>,
    reference: Option<DateTime>,
    bias: TimeBias,
    inherit: Option<&'a Point>,
    pod: Option<PartOfDay>,
}

/// A date part (date, grain, whether it counts from the reference), or a
/// whole point when only a clock time was said and the bias placed it.
enum Dated {
    On(Date, Grain, bool),
    Clock(Point),
}

/// A holiday's date: month and day in its calendar, the year by the bias.
fn holiday_date(f: &Frame<'_>, cal: super::calendars::Calendar) -> Option<(Date, Grain, bool)> {
    let (spec, cap, reference, bias) = (f.spec, f.cap, f.reference, f.bias);
    let ref_date = reference.map(|r| r.date());
    let mut relative = false;
    let (date, grain) = {
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
    };
    Some((date, grain, relative))
}

/// The nth weekday of a month (十月第一个星期一).
fn nth_weekday_date(f: &Frame<'_>, nth: &Field, wd: &Field) -> Option<(Date, Grain, bool)> {
    let (spec, cap, reference, bias) = (f.spec, f.cap, f.reference, f.bias);
    let ref_date = reference.map(|r| r.date());
    let mut relative = false;
    let (date, grain) = {
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
    };
    Some((date, grain, relative))
}

/// A day or a week counted in weeks from the reference's (上周五, 下周, 本周三).
fn week_date(f: &Frame<'_>) -> Option<(Date, Grain, bool)> {
    let (spec, cap, reference, bias) = (f.spec, f.cap, f.reference, f.bias);
    let ref_date = reference.map(|r| r.date());
    let relative;
    let (date, grain) = {
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
    };
    Some((date, grain, relative))
}

/// A date from its year, quarter, month and day fields, the missing ones
/// from the inherited point or the reference; only a time of day is placed
/// on a day by the bias (`Dated::Clock`).
fn calendar_date(f: &Frame<'_>) -> Option<Dated> {
    let ref_date = f.reference.map(|r| r.date());
    let mut c = CalendarFields {
        year: None,
        year_known: false,
        month: None,
        day: None,
        grain: Grain::Year,
        relative: false,
    };
    c.read_year(f, ref_date)?;
    c.read_quarter(f, ref_date)?;
    c.read_month(f, ref_date)?;
    if let Some(field_def) = &f.spec.day {
        let (d, _) = field(field_def, f.cap, None)?;
        c.day = Some(d);
        c.grain = Grain::Day;
    }
    let spec = f.spec;
    if c.year.is_none()
        && spec.year.is_none()
        && spec.quarter.is_none()
        && spec.month.is_none()
        && c.day.is_none()
    {
        // only a time of day: the day it is said on
        let d = f.inherit.map(|p| p.start.date()).or(ref_date)?;
        if f.inherit.is_none() {
            if let Some(p) = clock_by_bias(spec, f.cap, f.pod, f.reference?, f.bias) {
                return Some(Dated::Clock(p));
            }
        }
        return Some(Dated::On(d, Grain::Day, true));
    }
    let date = c.date(f, ref_date)?;
    Some(Dated::On(date, c.grain, c.relative))
}

/// The calendar fields of a date as a spec gives them, read one by one.
struct CalendarFields {
    year: Option<i64>,
    /// The year is said (or follows from an offset), not guessed.
    year_known: bool,
    month: Option<i64>,
    day: Option<i64>,
    grain: Grain,
    relative: bool,
}

impl CalendarFields {
    fn read_year(&mut self, f: &Frame<'_>, ref_date: Option<Date>) -> Option<()> {
        let Some(fd) = &f.spec.year else {
            return Some(());
        };
        let ref_year = ref_date.map(|d| d.year() as i64);
        let (mut y, rel) = field(fd, f.cap, ref_year)?;
        if matches!(fd, Field::Cap(..)) && (0..100).contains(&y) {
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
        self.year = Some(y);
        self.year_known = true;
        self.relative |= rel;
        Some(())
    }

    fn read_quarter(&mut self, f: &Frame<'_>, ref_date: Option<Date>) -> Option<()> {
        let Some(fd) = &f.spec.quarter else {
            return Some(());
        };
        let q = if is_offset(&f.spec.quarter) {
            // 上季度: whole quarters from the reference's, across years
            let r = ref_date?;
            let index = r.year() as i64 * 4 + (r.month() as i64 - 1) / 3 + offset_of(fd, f.cap)?;
            self.year = Some(index.div_euclid(4));
            self.year_known = true;
            self.relative = true;
            index.rem_euclid(4) + 1
        } else {
            let (q, rel) = field(fd, f.cap, ref_date.map(|d| (d.month() as i64 - 1) / 3 + 1))?;
            self.relative |= rel;
            q
        };
        if !(1..=4).contains(&q) {
            return None;
        }
        self.month = Some(3 * q - 2);
        self.grain = Grain::Quarter;
        Some(())
    }

    fn read_month(&mut self, f: &Frame<'_>, ref_date: Option<Date>) -> Option<()> {
        let Some(fd) = &f.spec.month else {
            return Some(());
        };
        if let Field::Off(_) | Field::OffCap(..) = fd {
            // 上个月: whole months from the reference
            let off = offset_of(fd, f.cap)?;
            let d = ref_date?.first_of_month().checked_add(off.months()).ok()?;
            self.year = Some(d.year() as i64);
            self.year_known = true;
            self.month = Some(d.month() as i64);
            self.relative = true;
        } else {
            let (m, _) = field(fd, f.cap, None)?;
            self.month = Some(m);
        }
        self.grain = Grain::Month;
        Some(())
    }

    /// The date: what the fields leave out taken from the interval's start
    /// or the reference; a date without its year moved by the bias.
    fn date(&mut self, f: &Frame<'_>, ref_date: Option<Date>) -> Option<Date> {
        if self.month.is_none() && self.day.is_some() {
            // 25日: the month from the interval's start or the reference
            let src = f.inherit.map(|p| p.start.date()).or(ref_date)?;
            self.month = Some(src.month() as i64);
            if self.year.is_none() {
                self.year = Some(src.year() as i64);
            }
            self.relative = true;
        }
        if self.year.is_none() {
            let src = f.inherit.map(|p| p.start.date()).or(ref_date)?;
            self.year = Some(src.year() as i64);
            self.relative = true;
        }
        let (y, m, mut d) = (self.year?, self.month.unwrap_or(1), self.day.unwrap_or(1));
        if d < 0 {
            // day -1: the month's last day (下旬 ends there)
            let first = Date::new(i16::try_from(y).ok()?, i8::try_from(m).ok()?, 1).ok()?;
            d += i64::from(first.days_in_month()) + 1;
        }
        let date = Date::new(
            i16::try_from(y).ok()?,
            i8::try_from(m).ok()?,
            i8::try_from(d).ok()?,
        )
        .ok()?;
        match ref_date {
            Some(r) if !self.year_known && f.inherit.is_none() => self.biased(f, date, r),
            _ => Some(date),
        }
    }

    /// A date said without its year, moved to the year the bias picks (or
    /// the month, for a day alone); with a weekday, the year whose date
    /// falls on it (周日，二月十号).
    fn biased(&self, f: &Frame<'_>, date: Date, r: Date) -> Option<Date> {
        let step = if self.grain == Grain::Day && f.spec.month.is_none() {
            1.month()
        } else {
            1.year()
        };
        let mut date = bias_day(date, r, f.bias, step)?;
        if let Some(fd) = &f.spec.weekday {
            let (wd, _) = field(fd, f.cap, None)?;
            let fits = |d: &Date| d.weekday().to_monday_one_offset() as i64 == wd;
            if !fits(&date) {
                let others: Vec<Date> = [-1i64, 1]
                    .iter()
                    .filter_map(|k| date.checked_add(k.years()).ok())
                    .filter(fits)
                    .collect();
                if let Some(d) = others.into_iter().min_by_key(|d| (*d - r).get_days().abs()) {
                    date = d;
                }
            }
        }
        Some(date)
    }
}

pub(super) fn end_of(p: &Point) -> DateTime {
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
pub(super) fn iso_year(y: i16) -> String {
    if y < 0 {
        format!("-{:04}", -i32::from(y))
    } else {
        format!("{y:04}")
    }
}

pub(super) fn format_point(p: &Point) -> String {
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
