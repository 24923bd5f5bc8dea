//! The date a time rule's fields name, one way per kind of date: a holiday
//! (its own calendar), the nth weekday of a month, a week or a weekday, or
//! the calendar fields (year, quarter, month, day) with what they leave out
//! taken from the reference or the start of an interval. [`super::resolve`]
//! adds the time of day.

use jiff::civil::{Date, DateTime};
use jiff::ToSpan;

use super::calendars::dates_near;
use super::clock::*;
use super::resolve::{field, is_offset, offset_of, Point};
use crate::config::TimeBias;
use crate::document::Grain;
use crate::rules::time_output::{Field, PartOfDay, TimeSpec};

/// What the parts of `resolve::point` read: the rule's fields, the captures, the
/// reference and bias, the point an interval's end inherits from, the part
/// of day.
pub(super) struct Frame<'a> {
    pub(super) spec: &'a TimeSpec,
    pub(super) cap: &'a dyn Fn(&str) -> Option<String>,
    pub(super) reference: Option<DateTime>,
    pub(super) bias: TimeBias,
    pub(super) inherit: Option<&'a Point>,
    pub(super) pod: Option<PartOfDay>,
}

/// A date part (date, grain, whether it counts from the reference), or a
/// whole point when only a clock time was said and the bias placed it.
pub(super) enum Dated {
    On(Date, Grain, bool),
    Clock(Point),
}

/// A holiday's date: month and day in its calendar, the year by the bias.
pub(super) fn holiday_date(
    f: &Frame<'_>,
    cal: super::calendars::Calendar,
) -> Option<(Date, Grain, bool)> {
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
pub(super) fn nth_weekday_date(
    f: &Frame<'_>,
    nth: &Field,
    wd: &Field,
) -> Option<(Date, Grain, bool)> {
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
pub(super) fn week_date(f: &Frame<'_>) -> Option<(Date, Grain, bool)> {
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
pub(super) fn calendar_date(f: &Frame<'_>) -> Option<Dated> {
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
