//! Time expressions end to end: what is a time and what is not, values
//! resolved against a reference under each bias, the document date.

mod common;

use common::extractor;
use zhextract::{Extractor, TimeBias};

/// (text, value) of every time found in `text` at `reference`.
fn times(ex: &Extractor, text: &str, reference: &str) -> Vec<(String, Option<String>)> {
    ex.extract_at(text, Some(reference.parse().unwrap()))
        .unwrap()
        .times
        .into_iter()
        .map(|t| (t.text, t.value))
        .collect()
}

fn value_of(ex: &Extractor, text: &str, reference: &str) -> Option<String> {
    let found = times(ex, text, reference);
    assert_eq!(found.len(), 1, "{text}: {found:?}");
    found.into_iter().next().and_then(|(_, v)| v)
}

#[test]
fn sentences_without_times_give_none() {
    let ex = extractor();
    for text in [
        "这款手机十分好用，价格也便宜一点。",
        "股价上涨3.5%，报收12.8元，成交额2.3亿元。",
        "贵州茅台（600519.SH）和宁德时代（300750）股价走高。",
        "新款iPhone 14 Pro与小米12S Ultra同台竞争，华为P50搭载麒麟9000芯片。",
        "公司提出三点建议，一时难以落实，同时推进改革。",
        "该车型百公里加速3.9秒，续航600公里，售价24.99万元。",
        "此前双方曾经合作，随后又签署了协议，长期保持联系。",
        "A股有5000多家上市公司，其中300家亏损，占比两成。",
        "会议讨论了第5号文件和3号线的建设。",
        "团队共有12人，平均年龄28岁，排名第3，得分9.5分。",
        "该基金规模达12亿元，年化收益率4.5%，一周一次调仓。",
        "宜家和今日头条都在拓展业务，明日之星计划启动。",
        "展望未来，未来出行服务体系正在建设。",
    ] {
        let found = times(ex, text, "2022-10-21");
        assert!(found.is_empty(), "{text}: {found:?}");
    }
}

#[test]
fn relative_expressions_resolve_against_the_reference() {
    let ex = extractor();
    let r = "2022-10-21"; // a Friday
    for (text, value) in [
        ("双方去年7月14日签署协议。", "2021-07-14"),
        ("公司上周三发布公告。", "2022-10-12"),
        ("公司下个月20号发布新品。", "2022-11-20"),
        ("前天晚上八点，公司发布公告。", "2022-10-19T20"),
        ("今年第三季度营收增长。", "2022-Q3"),
        ("该项目三年前启动。", "2019"),
        ("民國111年3月5日公布。", "2022-03-05"),
        ("今年春节期间销量大增。", "2022-02-01"),
        ("2020年端午节前后开业。", "2020-06-25"),
        ("2019年年底完成交割。", "2019"),
    ] {
        assert_eq!(value_of(ex, text, r).as_deref(), Some(value), "{text}");
    }
}

#[test]
fn bare_dates_follow_the_bias() {
    let past = extractor();
    let future = Extractor::builder()
        .time_bias(TimeBias::Future)
        .build()
        .unwrap();
    let r = "2022-10-21";
    let cases = [
        (past, "9月，抖音举办大会。", "2022-09"),
        (&future, "9月，抖音举办大会。", "2023-09"),
        (past, "周三，公司发布公告。", "2022-10-19"),
        (&future, "周三，公司发布公告。", "2022-10-26"),
        // a future cue turns a bare date forward even under the past bias
        (past, "预计在双11前上线。", "2022-11-11"),
    ];
    for (ex, text, want) in cases {
        assert_eq!(value_of(ex, text, r).as_deref(), Some(want), "{text}");
    }
}

#[test]
fn intervals_durations_sets_and_fuzzy() {
    let ex = extractor();
    let doc = ex
        .extract_at(
            "4月8日至11月4日停牌，近两年营收增长，每周三开会，近日完成，过去三个月表现平稳。",
            Some("2025-12-01".parse().unwrap()),
        )
        .unwrap();
    let got: Vec<(&str, &str, Option<&str>)> = doc
        .times
        .iter()
        .map(|t| (t.text.as_str(), t.kind.as_str(), t.value.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("4月8日至11月4日", "interval", Some("2025-04-08/2025-11-04")),
            ("近两年", "duration", Some("P2Y")),
            ("每周三", "set", Some("XXXX-WXX-3")),
            ("近日", "fuzzy", None),
            ("过去三个月", "interval", Some("2025-09/2025-11")),
        ]
    );
}

#[test]
fn document_date_is_detected_from_a_dateline_or_an_agency_code() {
    let ex = extractor();
    // text, the detected document date, a relative word and its value
    for (text, date, word, value) in [
        (
            "2月26日，新京报记者获悉，该公司2018年营收增长，昨天发布公告。",
            "2018-02-26",
            "昨天",
            "2018-02-25",
        ),
        (
            "（中央社記者台北7日電）台積電今天公布營收。\n1150207",
            "2026-02-07",
            "今天",
            "2026-02-07",
        ),
    ] {
        let doc = ex.extract(text).unwrap();
        assert_eq!(
            doc.doc_date.map(|d| d.to_string()).as_deref(),
            Some(date),
            "{text}"
        );
        let t = doc.times.iter().find(|t| t.text == word).unwrap();
        assert_eq!(t.value.as_deref(), Some(value), "{text}");
    }
}
