//! Person-name boundaries (src/extract/person_names.rs): names jieba cuts
//! short or glues to the next word are completed from the surname list and
//! the chars around them. Every name here is invented.

mod common;

use common::{check_document, extractor};
use zhextract::EntityType;

/// The texts of the PERSON entities of `text`.
fn persons(text: &str) -> Vec<String> {
    let doc = extractor().extract(text).unwrap();
    check_document(text, &doc);
    doc.entities
        .iter()
        .filter(|e| e.kind == EntityType::Person)
        .map(|e| e.text.clone())
        .collect()
}

#[test]
fn a_name_after_a_title_takes_its_whole_given_name() {
    // the third char begins no word: it is the name's
    assert_eq!(persons("由副市长邝醒舟陪同参观。"), ["邝醒舟"]);
    // the third char is a function word: a two-char name
    assert_eq!(persons("正如主教练郎平所说，要拿就拿冠军。"), ["郎平"]);
    // the third char begins a word (表示): a two-char name
    assert_eq!(persons("董事长祁远表示支持。"), ["祁远"]);
}

#[test]
fn a_byline_name_ends_where_a_place_or_a_mark_begins() {
    assert_eq!(persons("（本报记者欧阳明轩成都3日电）"), ["欧阳明轩"]);
    assert_eq!(persons("晚报／记者翟孟珊／成都报道"), ["翟孟珊"]);
    assert_eq!(persons("18岁的小将祁心玥在场上很冷静。"), ["祁心玥"]);
}

#[test]
fn a_name_cut_short_by_the_segmenter_is_completed() {
    let found = persons("独立董事邝振豊与阚文仪将角逐连任。");
    assert_eq!(found, ["邝振豊", "阚文仪"]);
}

#[test]
fn words_after_a_title_are_no_name() {
    assert!(persons("独立董事方面，董事长高度评价，总经理和董事也出席了。").is_empty());
    assert!(persons("市长表示支持。").is_empty());
}

#[test]
fn a_surname_before_a_title_is_the_person_named_in_full() {
    let found = persons("部长邝醒舟到访。随后邝部长听取了汇报。");
    assert_eq!(found, ["邝醒舟", "邝"]);
    // nobody of that surname is named in full: no person
    assert!(!persons("随后邝部长听取了汇报。").contains(&"邝".to_string()));
}

#[test]
fn a_function_word_before_a_title_is_no_surname_alone() {
    // 和 is a surname (和晓东) and a conjunction (和主管单位): alone before a
    // title it is the conjunction
    assert_eq!(
        persons("和晓东总经理到会。代表们和主管单位多次协调。"),
        ["和晓东"]
    );
}

#[test]
fn a_verb_glued_to_a_three_char_name_is_cut_off() {
    // jieba's HMM takes 柯爵民列/nr for one name
    assert_eq!(persons("董事会改选，柯爵民列独董候选人。"), ["柯爵民"]);
}
