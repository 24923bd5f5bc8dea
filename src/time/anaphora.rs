//! Anaphoric times (当时, 当年, 该季度, 当天, 次日): their value taken from
//! the nearest time before them that has a calendar value, within about two
//! sentences; a day with no antecedent counts from the reference.

use jiff::civil::{Date, DateTime, Time};
use jiff::ToSpan;

use super::resolve::*;
use crate::document::{Grain, TimeKind, TimeRange};

/// How far back (bytes of text) an antecedent may stand: about two sentences.
pub(super) const ANTECEDENT_WINDOW: usize = 300;

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
pub(super) fn fill_from(
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
