//! Document-level names (src/extract/entities.rs): a company named once in
//! full is found at its other mentions by its distinctive part or its
//! short form. Every name here is invented.

mod common;

use common::{check_document, extractor};
use zhextract::EntityType;

/// (text, canonical) of the ORG entities of `text`.
fn orgs(text: &str) -> Vec<(String, String)> {
    let doc = extractor().extract(text).unwrap();
    check_document(text, &doc);
    doc.entities
        .iter()
        .filter(|e| e.kind == EntityType::Org)
        .map(|e| (e.text.clone(), e.canonical.clone()))
        .collect()
}

#[test]
fn a_brand_jieba_does_not_know_is_found_wherever_it_recurs() {
    // 茂岚 is no word of jieba's dictionary, whatever tag its HMM gives it
    let text = "茂岚（6199）昨日表示，公司出具「茂岚電子股份有限公司股權價值報告」。收購茂岚的價格偏低，茂岚強調不排斥合併。";
    let found = orgs(text);
    let short: Vec<_> = found.iter().filter(|(t, _)| t == "茂岚").collect();
    assert_eq!(short.len(), 3, "{found:?}");
    assert!(
        short.iter().all(|(_, c)| c == "茂岚电子股份有限公司"),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(t, _)| t == "茂岚電子股份有限公司"),
        "{found:?}"
    );
}

#[test]
fn a_distinctive_part_that_is_an_ordinary_word_is_no_name_elsewhere() {
    // 茂盛 is a word (lush): the company's part, but not the plant's
    let found = orgs("茂盛电子股份有限公司今天成立。院子里的草长得很茂盛。");
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn a_company_named_by_place_and_industry_is_found_by_its_short_form() {
    // place + the first chars of its first two words; the place and a
    // lexicon name inside the short form give way to it
    let text =
        "该公司与台州港航投资控股有限公司今日订约，股份转给台州港投。台州港投随后成为大股东。";
    let found = orgs(text);
    let short: Vec<_> = found.iter().filter(|(t, _)| t == "台州港投").collect();
    assert_eq!(short.len(), 2, "{found:?}");
    assert!(
        short.iter().all(|(_, c)| c == "台州港航投资控股有限公司"),
        "{found:?}"
    );
    let doc = extractor().extract(text).unwrap();
    assert!(
        !doc.entities
            .iter()
            .any(|e| e.text == "台州" || e.text == "港投"),
        "{:?}",
        doc.entities
    );
    // in Traditional script too
    let found = orgs("杭州城市建設發展集團有限公司今天公告，杭州城建將增資。");
    assert!(
        found
            .iter()
            .any(|(t, c)| t == "杭州城建" && c == "杭州城市建设发展集团有限公司"),
        "{found:?}"
    );
}
