//! Chinese and Arabic numerals: 3, 3.5, 十二, 二十一, 两, 一百零五, 二〇二二.

const DIGITS: &[(char, u32)] = &[
    ('零', 0),
    ('〇', 0),
    ('○', 0),
    ('一', 1),
    ('二', 2),
    ('两', 2),
    ('兩', 2),
    ('三', 3),
    ('四', 4),
    ('五', 5),
    ('六', 6),
    ('七', 7),
    ('八', 8),
    ('九', 9),
];

fn digit(c: char) -> Option<u32> {
    if let Some(d) = c.to_digit(10) {
        return Some(d);
    }
    DIGITS.iter().find(|(x, _)| *x == c).map(|&(_, d)| d)
}

fn unit(c: char) -> Option<u64> {
    match c {
        '十' | '拾' => Some(10),
        '百' | '佰' => Some(100),
        '千' | '仟' => Some(1000),
        _ => None,
    }
}

/// The value of a numeral, or `None` when `s` is not one.
///
/// Arabic digits (with a decimal point), Chinese digits read one by one
/// (二〇二二 = 2022), and Chinese numbers with units up to 亿.
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    // 廿 and 卅 are written for 二十 and 三十 (廿号, 卅日)
    if s.contains(['廿', '卅']) {
        return parse_number(&s.replace('廿', "二十").replace('卅', "三十"));
    }
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return s.parse().ok();
    }
    let chars: Vec<char> = s.chars().collect();
    // all digits, no units: read them in order (二〇二二, 一九九八)
    if chars.len() > 1 && chars.iter().all(|&c| digit(c).is_some()) {
        return chars
            .iter()
            .try_fold(0u64, |acc, &c| {
                acc.checked_mul(10)?.checked_add(digit(c)? as u64)
            })
            .map(|v| v as f64);
    }
    let mut yi: u64 = 0; // the part counted in 亿
    let mut wan: u64 = 0; // the part counted in 万 (below 亿)
    let mut section: u64 = 0; // below 万
    let mut pending: Option<u64> = None; // a digit waiting for its unit
    for &c in &chars {
        if let Some(d) = digit(c) {
            if pending.is_some_and(|p| p != 0) {
                return None; // 二三 without a unit (a 零 may stand before a digit)
            }
            pending = Some(d as u64);
        } else if let Some(u) = unit(c) {
            section += pending.take().unwrap_or(1) * u;
        } else if c == '万' || c == '萬' {
            section += pending.take().unwrap_or(0);
            if section == 0 && wan == 0 {
                return None;
            }
            wan = (wan + section).checked_mul(10_000)?;
            section = 0;
        } else if c == '亿' || c == '億' {
            section += pending.take().unwrap_or(0);
            if section == 0 && wan == 0 && yi == 0 {
                return None;
            }
            yi = (yi + wan + section).checked_mul(100_000_000)?;
            wan = 0;
            section = 0;
        } else {
            return None;
        }
    }
    section += pending.unwrap_or(0);
    Some((yi + wan + section) as f64)
}

/// An integer numeral.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    let v = parse_number(s)?;
    (v.fract() == 0.0 && v.abs() < 1e15).then_some(v as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        for (s, v) in [
            ("3", 3.0),
            ("3.5", 3.5),
            ("十", 10.0),
            ("十二", 12.0),
            ("二十一", 21.0),
            ("两", 2.0),
            ("一百零五", 105.0),
            ("三千五百", 3500.0),
            ("二〇二二", 2022.0),
            ("一九九八", 1998.0),
            ("十万", 100_000.0),
            ("三亿五千万", 350_000_000.0),
            ("廿", 20.0),
            ("廿一", 21.0),
        ] {
            assert_eq!(parse_number(s), Some(v), "{s}");
        }
        for s in ["", "abc", "二三十", "万"] {
            assert_eq!(parse_number(s), None, "{s}");
        }
        assert_eq!(parse_int("3.5"), None);
    }
}
