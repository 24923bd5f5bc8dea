//! Finding the date an article was published, for resolving its relative
//! times when the caller gives none: a date (and time) heading the article,
//! a trailing news-agency date code (`1150207` = 民国115年2月7日), or a
//! dateline (`2月26日，新京报记者…`, `新华社北京2月26日电`) whose year comes from
//! the latest year the text names.
//!
//! Works on the converted, width-folded text (Simplified, ASCII digits).

use std::sync::OnceLock;

use jiff::civil::{Date, DateTime, Time};
use regex::Regex;

use super::numerals::parse_int;

/// Where in the text the date was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// A date (or date and time) on a line of its own near the top.
    Heading,
    /// The news-agency code that closes a Taiwan article.
    AgencyCode,
    /// A dateline opening the story, with the year from elsewhere.
    Dateline,
}

/// How far into the text a heading or dateline may stand (chars).
const HEAD_CHARS: usize = 400;

fn heading() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?m)^[^\n]{0,40}?(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>1[0-2]|0?[1-9])\s*[-/.月]\s*",
            r"(?P<d>3[01]|[12]\d|0?[1-9])\s*日?(?:\s*(?:[（(]?(?:星期|周)[一二三四五六日天][)）]?)?\s*",
            r"(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?)?[^\n]{0,40}$"
        ))
        .expect("static regex")
    })
}

fn agency_code() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?:^|[^\d])(?P<y>1[01]\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])[\s)）]*$",
        )
        .expect("static regex")
    })
}

/// The dateline's grammar (a month and day at the head of the text) with the
/// words that may follow the date (`time.dateline_cues`,
/// `time.dateline_bylines` of the word lists), compiled once per extractor.
pub(crate) fn dateline(words: &crate::words::WordLists) -> crate::Result<Regex> {
    let alt = |name: &str| words.alternation(name);
    let src = format!(
        concat!(
            r"(?m)^[^\n。]{{0,30}}?(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月",
            r"(?P<d>3[01]|[12]\d|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])日",
            r"(?:{cues}|[,，\s]|\s*[(（](?:{bylines}))"
        ),
        cues = alt("time.dateline_cues"),
        bylines = alt("time.dateline_bylines"),
    );
    crate::words::WordLists::regex("time.dateline_*", &src)
}

fn year_mention() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?P<y>(?:19|20)\d{2})年").expect("static regex"))
}

fn date(y: i64, m: i64, d: i64) -> Option<Date> {
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// The article's date (with its time when the heading gives one), and how it
/// was found; `dateline` is [`dateline`]'s regex.
pub(crate) fn detect(text: &str, dateline: &Regex) -> Option<(DateTime, bool, Found)> {
    let head_end = text
        .char_indices()
        .nth(HEAD_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..head_end];
    // the regexes below are searched only where what they need is there (a
    // year's four digits; 月 and 日): most short records hold neither, and
    // a search of a line-anchored Unicode regex costs tens of thousands of
    // instructions per call
    if has_year_digits(head) {
        if let Some(found) = from_heading(head) {
            return Some(found);
        }
    }
    let tail = text.trim_end();
    let last_line = tail.rsplit('\n').next().unwrap_or(tail);
    if let Some(c) = agency_code().captures(last_line) {
        let num = |n: &str| c.name(n).and_then(|m| m.as_str().parse::<i64>().ok());
        if let Some(d) = date(num("y")? + 1911, num("m")?, num("d")?) {
            return Some((d.to_datetime(Time::midnight()), true, Found::AgencyCode));
        }
    }
    if !(head.contains('月') && head.contains('日')) {
        return None;
    }
    if let Some(c) = dateline.captures(head) {
        let m = parse_int(c.name("m")?.as_str())?;
        let d = parse_int(c.name("d")?.as_str())?;
        // the latest year the text names is the story's year
        let year = year_mention()
            .captures_iter(text)
            .filter_map(|y| y["y"].parse::<i64>().ok())
            .max()?;
        let day = date(year, m, d)?;
        return Some((day.to_datetime(Time::midnight()), true, Found::Dateline));
    }
    None
}

/// Whether `s` holds four ASCII digits starting 19 or 20 (a year the heading
/// regex could take).
fn has_year_digits(s: &str) -> bool {
    s.as_bytes()
        .windows(4)
        .any(|w| matches!(&w[..2], b"19" | b"20") && w[2].is_ascii_digit() && w[3].is_ascii_digit())
}

/// A date (and time) on a line of its own in `head`.
fn from_heading(head: &str) -> Option<(DateTime, bool, Found)> {
    if let Some(c) = heading().captures(head) {
        let num = |n: &str| c.name(n).and_then(|m| m.as_str().parse::<i64>().ok());
        if let Some(d) = date(num("y")?, num("m")?, num("d")?) {
            let time = match (num("H"), num("M")) {
                (Some(h), Some(mi)) => {
                    Time::new(h as i8, mi as i8, num("S").unwrap_or(0) as i8, 0).ok()
                }
                _ => None,
            };
            return Some((
                d.to_datetime(time.unwrap_or(Time::midnight())),
                time.is_none(),
                Found::Heading,
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_builtin(text: &str) -> Option<(DateTime, bool, Found)> {
        let re = dateline(crate::words::WordLists::builtin()).unwrap();
        detect(text, &re)
    }

    #[test]
    fn heading_dateline_and_agency_code() {
        let (dt, date_only, how) =
            detect_builtin("标题\n2022/10/21 15:09:20\n正文去年如何").unwrap();
        assert_eq!(
            (dt.to_string().as_str(), date_only, how),
            ("2022-10-21T15:09:20", false, Found::Heading)
        );
        let (dt, _, how) =
            detect_builtin("某某公司宣布新计划\n\n2018年2月26日 星期一\n正文").unwrap();
        assert_eq!(
            (dt.date().to_string().as_str(), how),
            ("2018-02-26", Found::Heading)
        );
        let (dt, _, how) =
            detect_builtin("2月26日，新京报记者获悉，该公司2018年营收增长。").unwrap();
        assert_eq!(
            (dt.date().to_string().as_str(), how),
            ("2018-02-26", Found::Dateline)
        );
        let (dt, _, how) =
            detect_builtin("（中央社记者台北7日电）台积电今天公布营收。\n1150207").unwrap();
        assert_eq!(
            (dt.date().to_string().as_str(), how),
            ("2026-02-07", Found::AgencyCode)
        );
        // no year anywhere: a dateline alone gives no date
        assert!(detect_builtin("2月26日，新京报记者获悉，该公司营收增长。").is_none());
        assert!(detect_builtin("该公司营收增长三成。").is_none());
    }
}
