//! Entity behaviour beyond single rules: short names a text introduces.

mod common;

use common::{check_document, extractor};

#[test]
fn short_names_introduced_by_the_text_link_to_the_full_name() {
    let text =
        "宁波星海电子商务有限公司（以下简称“星海”）今天成立。星海的业务包括零售，星海表示将扩张。";
    let doc = extractor().extract(text).unwrap();
    check_document(text, &doc);
    let short: Vec<_> = doc.entities.iter().filter(|e| e.text == "星海").collect();
    assert_eq!(short.len(), 3, "{:?}", doc.entities);
    for e in short {
        assert_eq!(e.canonical, "宁波星海电子商务有限公司");
        assert_eq!(e.source, "alias");
        assert_eq!(e.kind, zhextract::EntityType::Org);
    }
}

#[test]
fn traditional_short_names_link_too() {
    let text = "寧波星海電子商務有限公司(以下簡稱星海)成立，星海隨後宣布融資。";
    let doc = extractor().extract(text).unwrap();
    check_document(text, &doc);
    assert!(
        doc.entities
            .iter()
            .any(|e| e.text == "星海" && e.canonical == "宁波星海电子商务有限公司"),
        "{:?}",
        doc.entities
    );
}
