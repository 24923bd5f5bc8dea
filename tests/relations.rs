//! Relation triples end to end: negation and hedging flags, parties given by
//! lists and reference words, evidence sentences and rule ids.

mod common;

use common::{check_document, extractor};

/// (subject, predicate, object, negated, hedged) of every triple.
fn triples(text: &str) -> Vec<(String, String, String, bool, bool)> {
    let doc = extractor().extract(text).unwrap();
    check_document(text, &doc);
    doc.triples
        .iter()
        .map(|t| {
            (
                t.subject.text.clone(),
                t.predicate.to_string(),
                t.object.text.clone(),
                t.negated,
                t.hedged,
            )
        })
        .collect()
}

fn has(found: &[(String, String, String, bool, bool)], s: &str, p: &str, o: &str) -> (bool, bool) {
    let t = found
        .iter()
        .find(|t| t.0 == s && t.1 == p && t.2 == o)
        .unwrap_or_else(|| panic!("no {s} --{p}--> {o} in {found:?}"));
    (t.3, t.4)
}

#[test]
fn denials_are_negated_and_rumours_hedged() {
    let found = triples("腾讯否认将收购搜狗。");
    assert_eq!(has(&found, "腾讯", "acquire", "搜狗"), (true, false));
    let found = triples("据传阿里巴巴可能投资哔哩哔哩。");
    assert_eq!(has(&found, "阿里巴巴", "invest", "哔哩哔哩"), (false, true));
    let found = triples("腾讯宣布收购搜狗。");
    assert_eq!(has(&found, "腾讯", "acquire", "搜狗"), (false, false));
    // planned (拟) and reported (据悉) are assertions
    let found = triples("据悉，腾讯拟收购搜狗。");
    assert_eq!(has(&found, "腾讯", "acquire", "搜狗"), (false, false));
    let found = triples("美团暂无与抖音合作的计划。");
    assert!(found.iter().all(|t| t.1 != "cooperate" || t.3), "{found:?}");
}

#[test]
fn lists_and_references_give_one_triple_per_party() {
    let found = triples("腾讯、阿里巴巴和京东共同投资了美团。");
    for s in ["腾讯", "阿里巴巴", "京东"] {
        has(&found, s, "invest", "美团");
    }
    let found = triples("深圳星海数据科技有限公司成立于2019年，该公司由腾讯全资持股。");
    has(&found, "腾讯", "own_stake", "深圳星海数据科技有限公司");
    has(&found, "深圳星海数据科技有限公司", "subsidiary_of", "腾讯");
    let found = triples("小米与华为今天宣布，双方将在芯片领域合作。");
    has(&found, "小米", "cooperate", "华为");
}

#[test]
fn every_predicate_family_has_a_rule() {
    let text = "阿里巴巴旗下的菜鸟网络在杭州举办了菜鸟全球智慧物流峰会。\
                腾讯总裁刘炽平表示，腾讯总部位于深圳。\
                小米推出了小米12，华为的竞争对手包括苹果。";
    let found = triples(text);
    has(&found, "菜鸟网络", "subsidiary_of", "阿里巴巴");
    has(&found, "刘炽平", "role", "腾讯");
    has(&found, "腾讯", "located_in", "深圳");
    has(&found, "华为", "compete", "苹果");
    let doc = extractor().extract(text).unwrap();
    for t in &doc.triples {
        assert!(!t.rule.is_empty());
        let s = &t.sentence;
        assert!(
            s.start <= t.subject.span.start && t.object.span.end <= s.end,
            "{t:?}"
        );
    }
}

#[test]
fn units_named_after_a_company_but_an_exchange_or_association_is_none() {
    let found = triples("星海集团旗下的星海印尼公司今天开业。");
    has(&found, "星海印尼公司", "subsidiary_of", "星海集团");
    let found = triples("上海证券交易所和上海证券都发布了公告。");
    assert!(!found.iter().any(|t| t.1 == "subsidiary_of"), "{found:?}");
    // a school's department is no unit of a company group
    let text = "澜海大學電機工程學系與澜海大學合辦講座。";
    let doc = extractor().extract(text).unwrap();
    assert!(
        doc.entities
            .iter()
            .any(|e| e.text == "澜海大學電機工程學系"),
        "{:?}",
        doc.entities
    );
    let found = triples(text);
    assert!(!found.iter().any(|t| t.1 == "subsidiary_of"), "{found:?}");
    // a headline that ends with the company bought
    let found = triples("腾讯宣布收购搜狗");
    has(&found, "腾讯", "acquire", "搜狗");
}

#[test]
fn later_mentions_of_a_name_take_part_in_relations() {
    // a short name the text introduces
    let found = triples(
        "江苏星澜电子商务有限公司（以下简称“星澜电商”）今日公告。星澜电商宣布收购南京澜舟软件有限公司。",
    );
    has(&found, "星澜电商", "acquire", "南京澜舟软件有限公司");
    // a name found by its role (下属子公司), repeated without it
    let text = "公司拟将所持下属子公司澜舟物业的股份全部出让。此后江苏星澜投资有限公司持有澜舟物业30%股份。";
    let found = triples(text);
    has(&found, "江苏星澜投资有限公司", "own_stake", "澜舟物业");
    let doc = extractor().extract(text).unwrap();
    let mentions = doc.entities.iter().filter(|e| e.text == "澜舟物业").count();
    assert_eq!(mentions, 2, "{:?}", doc.entities);
}

#[test]
fn a_word_once_taken_for_a_name_is_not_linked_where_it_is_a_word() {
    // jieba tags 和平 nz: not a name before 表示, nor where it is repeated
    let doc = extractor()
        .extract("外长对和平表示乐观。各国都珍视和平。和平是共同的愿望。")
        .unwrap();
    let persons: Vec<&str> = doc
        .entities
        .iter()
        .filter(|e| e.kind == zhextract::EntityType::Person)
        .map(|e| e.text.as_str())
        .collect();
    assert!(!persons.contains(&"和平"), "{persons:?}");
}

/// The table `tests/data/relation_flags.tsv`: each case's triple is found
/// with the flags it lists (a cue must govern the trigger from inside its
/// clause), names no lexicon holds included.
#[test]
fn negation_and_hedging_table() {
    let table = include_str!("data/relation_flags.tsv");
    let mut failures = Vec::new();
    let mut cases = 0;
    for line in table
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 6, "bad line: {line}");
        cases += 1;
        let found = triples(f[0]);
        let want = (f[4] == "true", f[5] == "true");
        match found
            .iter()
            .find(|t| t.0 == f[1] && t.1 == f[2] && t.2 == f[3])
        {
            Some(t) if (t.3, t.4) == want => {}
            Some(t) => failures.push(format!("{}: flags {:?}, want {want:?}", f[0], (t.3, t.4))),
            None => failures.push(format!(
                "{}: no {} --{}--> {} in {found:?}",
                f[0], f[1], f[2], f[3]
            )),
        }
    }
    assert!(cases >= 20, "the table has {cases} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A user's model file replaces the built-in one; a malformed one is a typed
/// error naming its file and line; without the classifier only rules relate.
#[test]
fn relation_model_files_are_checked_and_can_be_turned_off() {
    let dir = std::env::temp_dir().join(format!("zhextract-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.tsv");
    std::fs::write(&bad, "threshold\t0\nB:收购\t1 2 3\n").unwrap();
    let err = zhextract::Extractor::builder()
        .relation_model_file(&bad)
        .build()
        .unwrap_err();
    assert!(
        matches!(err, zhextract::Error::Model { line: 2, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("bad.tsv:2"), "{err}");

    // a model that says "acquire" for two organisations joined by 和
    let good = dir.join("good.tsv");
    std::fs::write(&good, "threshold\t0\nONLY:和\t0 0 0 0 0 5 0 0 0\n").unwrap();
    let ex = zhextract::Extractor::builder()
        .relation_model_file(&good)
        .build()
        .unwrap();
    let text = "腾讯和百度今天都发布了财报。";
    let doc = ex.extract(text).unwrap();
    common::check_document(text, &doc);
    assert!(
        doc.triples.iter().any(|t| t.rule == "model:relations"
            && t.predicate.to_string() == "acquire"
            && t.subject.text == "腾讯"
            && t.object.text == "百度"),
        "{:?}",
        doc.triples
    );
    let off = zhextract::Extractor::builder()
        .relation_model(false)
        .build()
        .unwrap();
    let doc = off.extract(text).unwrap();
    assert!(doc.triples.iter().all(|t| t.rule != "model:relations"));
    std::fs::remove_dir_all(&dir).ok();
}

/// The classifier fills only the pairs no rule covers: two people are no
/// pair of its relations, and two companies a rule related somewhere in the
/// document get no second guess (either way round) from it.
#[test]
fn the_classifier_adds_no_guess_about_people_or_ruled_pairs() {
    let dir = std::env::temp_dir().join(format!("zhextract-model2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // a model that says "compete" for any two parties joined by 和
    let eager = dir.join("eager.tsv");
    std::fs::write(&eager, "threshold\t0\nONLY:和\t0 0 5 0 0 0 0 0 0\n").unwrap();
    let ex = zhextract::Extractor::builder()
        .relation_model_file(&eager)
        .build()
        .unwrap();
    let model_triples = |text: &str| {
        let doc = ex.extract(text).unwrap();
        common::check_document(text, &doc);
        doc.triples
            .iter()
            .filter(|t| t.rule == "model:relations")
            .map(|t| (t.subject.text.clone(), t.object.text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        model_triples("星海科技和蓝鲸电子今天都发布了财报。"),
        [("星海科技".to_string(), "蓝鲸电子".to_string())]
    );
    assert!(model_triples("王建国和李晓明今天都发言了。").is_empty());
    assert!(
        model_triples("星海科技收购了蓝鲸电子。蓝鲸电子和星海科技今天都发布了财报。").is_empty()
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Money deals carry their amount, stakes their share; an amount in another
/// clause is not the deal's.
#[test]
fn deals_carry_their_amount() {
    let value = |text: &str, p: &str| {
        let doc = extractor().extract(text).unwrap();
        check_document(text, &doc);
        doc.triples
            .iter()
            .find(|t| t.predicate.to_string() == p)
            .unwrap_or_else(|| panic!("no {p} in {:?}", doc.triples))
            .value
            .clone()
    };
    assert_eq!(
        value("腾讯以12亿元收购搜狗。", "acquire").as_deref(),
        Some("12亿元")
    );
    assert_eq!(
        value("搜狗被腾讯以3亿美元收购。", "acquire").as_deref(),
        Some("3亿美元")
    );
    assert_eq!(
        value("京东向美团投资5亿美元。", "invest").as_deref(),
        Some("5亿美元")
    );
    assert_eq!(value("腾讯收购搜狗，交易额12亿元。", "acquire"), None);
}
