//! The written forms of values that are no points in time: ISO 8601
//! durations (`P3M`, `PT2H30M`, `P1.5Y`) and the periods of sets
//! (`XXXX-XX-15`).

use super::numerals::parse_int;
use crate::document::Grain;

pub(super) fn plain_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// `$name` in a set's period replaced by the capture's number
/// (`XXXX-XX-$d` with d = 15 is `XXXX-XX-15`); `None` when a capture is
/// missing or not a number.
pub(super) fn fill_period(period: &str, cap: &dyn Fn(&str) -> Option<String>) -> Option<String> {
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
pub(super) fn duration_value(n: f64, unit: Grain) -> String {
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

pub(super) fn duration_value_unknown(unit: Grain) -> String {
    duration_part("X", unit, true)
}

/// `n` and the unit letter, with the `P`/`PT` prefix when `lead`.
pub(super) fn duration_part(n: &str, unit: Grain, lead: bool) -> String {
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
pub(super) fn is_clock(unit: Grain) -> bool {
    unit >= Grain::Hour
}
