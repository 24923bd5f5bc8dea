//! Dates of holidays kept in other calendars: the Chinese lunisolar calendar
//! (春节, 端午, 中秋), Easter (Western and Orthodox, for the feasts counted
//! from it), the Hebrew and the Islamic (Umm al-Qura) calendars. The
//! astronomy and calendar arithmetic are ICU4X's `calendrical_calculations`.

pub(crate) use crate::rules::time_output::Calendar;
use calendrical_calculations::chinese_based::{self, Chinese, YearBounds};
use calendrical_calculations::gregorian;
use calendrical_calculations::hebrew::BookHebrew;
use calendrical_calculations::islamic;
use calendrical_calculations::julian;
use calendrical_calculations::rata_die::RataDie;
use jiff::civil::Date;

fn to_date(rd: RataDie) -> Option<Date> {
    let (y, m, d) = gregorian::gregorian_from_fixed(rd).ok()?;
    Date::new(i16::try_from(y).ok()?, m as i8, d as i8).ok()
}

/// Answers of [`dates_near`] already computed, on this thread.
type NearCache = rustc_hash::FxHashMap<(Calendar, i32, u8, u8), Vec<Date>>;

thread_local! {
    // a lunar date costs microseconds of astronomy (new moons, solar
    // terms), and a text names the same few holidays again and again
    static NEAR: std::cell::RefCell<NearCache> = std::cell::RefCell::default();
}

/// Entries [`NEAR`] keeps before it starts over (a hostile text could name
/// many distinct dates).
const NEAR_CACHE_MAX: usize = 4096;

/// Civil dates in or near civil `year` on which `month`/`day` of `cal` falls
/// (more than one where the calendar's year straddles the civil one), sorted.
pub(crate) fn dates_near(cal: Calendar, year: i32, month: u8, day: u8) -> Vec<Date> {
    let key = (cal, year, month, day);
    if let Some(v) = NEAR.with(|c| c.borrow().get(&key).cloned()) {
        return v;
    }
    let v = compute_dates_near(cal, year, month, day);
    NEAR.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= NEAR_CACHE_MAX {
            c.clear();
        }
        c.insert(key, v.clone());
    });
    v
}

fn compute_dates_near(cal: Calendar, year: i32, month: u8, day: u8) -> Vec<Date> {
    if !(1..=9998).contains(&year) {
        return Vec::new();
    }
    let mut out: Vec<Date> = match cal {
        Calendar::Gregorian => (year - 1..=year + 1)
            .filter_map(|y| Date::new(i16::try_from(y).ok()?, month as i8, day as i8).ok())
            .collect(),
        Calendar::Easter => (year - 1..=year + 1)
            .filter_map(|y| to_date(gregorian::easter(y)))
            .collect(),
        Calendar::OrthodoxEaster => (year - 1..=year + 1)
            .filter_map(|y| to_date(julian::easter(y)))
            .collect(),
        Calendar::Chinese => (year - 1..=year + 1)
            .filter_map(|y| chinese_date(y, month, day))
            .collect(),
        Calendar::Hebrew => {
            if !(1..=13).contains(&month) {
                return Vec::new();
            }
            (year + 3759..=year + 3762)
                .filter_map(|hy| {
                    let leap = BookHebrew::is_hebrew_leap_year(hy);
                    // Adar's feasts fall in Adar II in a leap year
                    let m = if month == 12 && leap { 13 } else { month };
                    if m == 13 && !leap {
                        return None;
                    }
                    to_date(BookHebrew::fixed_from_book_hebrew(BookHebrew {
                        year: hy,
                        month: m,
                        day,
                    }))
                })
                .collect()
        }
        Calendar::Islamic => {
            if !(1..=12).contains(&month) {
                return Vec::new();
            }
            let approx = ((year - 622) as f64 * 33.0 / 32.0) as i32;
            (approx - 1..=approx + 3)
                .filter(|&ah| ah >= 1)
                .filter_map(|ah| to_date(islamic::fixed_from_saudi_islamic(ah, month, day)))
                .collect()
        }
    };
    out.sort();
    out.dedup();
    out
}

/// The civil date of Chinese month `month`, day `day` in the lunar year that
/// begins in civil `year`.
fn chinese_date(year: i32, month: u8, day: u8) -> Option<Date> {
    if !(1..=12).contains(&month) || !(1..=30).contains(&day) {
        return None;
    }
    // June 1 always lies after the lunar new year (late Jan to mid Feb)
    let bounds = YearBounds::compute::<Chinese>(gregorian::fixed_from_gregorian(year, 6, 1));
    let new_year = bounds.new_year;
    let leap = bounds
        .is_leap()
        .then(|| chinese_based::get_leap_month_from_new_year::<Chinese>(new_year));
    // ordinal month: a leap month before it shifts it by one
    let ordinal = match leap {
        Some(l) if l <= month => month + 1,
        _ => month,
    };
    let start = new_year
        + i64::from(chinese_based::days_until_month::<Chinese>(
            new_year, ordinal,
        ));
    let days = chinese_based::days_in_month::<Chinese>(ordinal, new_year, None).0;
    if u16::from(day) > u16::from(days) {
        return None;
    }
    to_date(start + i64::from(day) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn in_year(cal: Calendar, year: i32, m: u8, dd: u8) -> Option<Date> {
        dates_near(cal, year, m, dd)
            .into_iter()
            .find(|x| i32::from(x.year()) == year)
    }

    #[test]
    fn chinese_festivals() {
        assert_eq!(
            in_year(Calendar::Chinese, 2014, 1, 1),
            Some(d("2014-01-31"))
        );
        assert_eq!(
            in_year(Calendar::Chinese, 2022, 1, 1),
            Some(d("2022-02-01"))
        );
        assert_eq!(
            in_year(Calendar::Chinese, 2013, 8, 15),
            Some(d("2013-09-19"))
        );
        // 2020 has a leap fourth month: 端午 (5/5) comes after it
        assert_eq!(
            in_year(Calendar::Chinese, 2020, 5, 5),
            Some(d("2020-06-25"))
        );
        assert_eq!(
            in_year(Calendar::Chinese, 2023, 1, 15),
            Some(d("2023-02-05"))
        );
    }

    #[test]
    fn easter_and_others() {
        assert_eq!(in_year(Calendar::Easter, 2013, 0, 0), Some(d("2013-03-31")));
        assert_eq!(
            in_year(Calendar::OrthodoxEaster, 2013, 0, 0),
            Some(d("2013-05-05"))
        );
        // Yom Kippur 5774 (10 Tishri)
        assert_eq!(
            in_year(Calendar::Hebrew, 2013, 7, 10),
            Some(d("2013-09-14"))
        );
        // Eid al-Fitr 1434 (1 Shawwal)
        assert_eq!(
            in_year(Calendar::Islamic, 2013, 10, 1),
            Some(d("2013-08-08"))
        );
    }
}
