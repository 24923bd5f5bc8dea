//! Time values from a time rule's fields: the small closed vocabulary of the
//! rule format (absolute fields, offsets from the reference, durations, sets,
//! fuzzy, intervals) resolved with jiff's calendar arithmetic.

use jiff::civil::{DateTime, Time};
use jiff::ToSpan;

use super::clock::*;
use super::dates::{calendar_date, holiday_date, nth_weekday_date, week_date, Dated, Frame};
use super::durations::*;
use super::numerals::{parse_int, parse_number};
use crate::config::TimeBias;
use crate::document::{Grain, TimeKind, TimeMod, TimeRange};
pub(crate) use crate::rules::time_output::{
    Anaphora, Field, PartOfDay, PodSource, TimeSpec, WordMap,
};
use crate::words::WordLists;

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
fn future_cue_before(text: &str, at: usize, words: &WordLists) -> bool {
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
    words
        .get("time.future_cues")
        .iter()
        .any(|c| window.contains(c.as_str()))
}

/// What a time is resolved against: the reference, the bias, the word lists
/// (future cues, parts of the day).
pub(crate) struct Against<'w> {
    pub(crate) reference: Option<DateTime>,
    pub(crate) bias: TimeBias,
    pub(crate) words: &'w WordLists,
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
    against: &Against<'_>,
) -> TimeValue {
    let cap_text = |name: &str| -> Option<String> {
        let i = names.iter().position(|n| n == name)?;
        let (x, y) = spans.get(i).copied().flatten()?;
        Some(text[x..y].to_string())
    };
    let words = against.words;
    let bias = if against.bias == TimeBias::Past && future_cue_before(text, start, words) {
        TimeBias::Future
    } else {
        against.bias
    };
    resolve(spec, &cap_text, against.reference, bias, words)
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
    words: &WordLists,
) -> TimeValue {
    let pruned = prune(spec, cap);
    let r = Resolution {
        spec: &pruned,
        cap,
        reference,
        bias,
        kind: pruned.kind.unwrap_or(TimeKind::Date),
        words,
    };
    if let Some(a) = r.spec.anaphora {
        let pod = match &r.spec.part_of_day {
            Some(PodSource::Fixed(p)) => Some(*p),
            Some(PodSource::Cap(c)) => cap(c).and_then(|t| PartOfDay::parse_in(&t, words)),
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
    words: &'a WordLists,
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
        point(spec, self.cap, self.reference, self.bias, after, self.words)
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
    words: &WordLists,
) -> Option<Point> {
    let ref_date = reference.map(|r| r.date());
    let pod = match &spec.part_of_day {
        Some(PodSource::Fixed(p)) => Some(*p),
        Some(PodSource::Cap(c)) => cap(c).and_then(|t| PartOfDay::parse_in(&t, words)),
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
        resolve(&spec, &f, r(reference), bias, WordLists::builtin()).value
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
        let v = resolve(
            &spec,
            &|_| None,
            r("2025-12-01T00:00:00"),
            TimeBias::Past,
            WordLists::builtin(),
        );
        assert_eq!(v.value.as_deref(), Some("2025-04-08/2025-11-04"));
        assert_eq!(v.range.unwrap().to.to_string(), "2025-11-05T00:00:00");
    }
}
