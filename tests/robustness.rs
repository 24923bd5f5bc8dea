//! Bad and odd input never panics: it gives a document (with valid spans) or
//! a typed error. Rule and lexicon files with mistakes are rejected with the
//! file and line.

mod common;

use common::{check_document, extractor};
use zhextract::{Error, Extractor, Lexicon};

fn survives(text: &str) {
    let doc = extractor().extract(text).unwrap_or_else(|e| panic!("{e}"));
    check_document(text, &doc);
}

#[test]
fn empty_blank_and_control_input() {
    survives("");
    survives("   \t\n\r\n  ");
    survives("\0\0腾讯\0收购\0搜狗\0");
    survives("\u{feff}腾讯今天宣布收购搜狗。");
    survives("腾讯今天宣布\r\n收购搜狗。\r\n\r\n");
    survives(&"\n".repeat(1_000_000));
    survives(&"啊".repeat(10_000));
    survives(&"。".repeat(10_000));
}

#[test]
fn mixed_scripts_marks_and_unbalanced_brackets() {
    survives("トヨタ自動車と현대자동차가 提携🚗👍🏽 e\u{301}\u{302} 腾讯和阿里巴巴");
    survives("“腾讯《微信「小程序（未闭合【括号“与‘引号");
    survives("）】」》”’腾讯收购搜狗");
    survives("((((((((((((((((((((((((((((((((((((((((");
    survives(&"“”".repeat(5_000));
}

#[test]
fn a_fifty_megabyte_line() {
    let line = "x".repeat(50 << 20);
    let doc = extractor().extract(&line).unwrap();
    assert!(doc.entities.is_empty());
}

#[test]
fn invalid_utf8_is_a_typed_error_with_the_byte_position() {
    let bytes = b"\xe8\x85\xbe\xe8\xae\xaf\xff\xfe";
    match extractor().extract_bytes(bytes) {
        Err(Error::InvalidUtf8 { position, .. }) => assert_eq!(position, 6),
        other => panic!("expected InvalidUtf8, got {other:?}"),
    }
}

#[test]
fn input_over_the_limit_is_refused() {
    let ex = Extractor::builder().max_input_bytes(1024).build().unwrap();
    match ex.extract(&"腾".repeat(1000)) {
        Err(Error::InputTooLarge { len, limit }) => assert_eq!((len, limit), (3000, 1024)),
        other => panic!("expected InputTooLarge, got {other:?}"),
    }
}

fn rules_error(toml: &str) -> String {
    match Extractor::builder().rules_source("bad.toml", toml).build() {
        Err(e @ Error::Rules { .. }) => e.to_string(),
        Err(other) => panic!("expected a rules error, got {other}"),
        Ok(_) => panic!("expected a rules error, the rules compiled"),
    }
}

#[test]
fn malformed_huge_and_pathological_rule_files_are_rejected() {
    let msg = rules_error("[[rule]\nid = \"x\"");
    assert!(msg.contains("bad.toml"), "{msg}");
    // a huge file of valid rules is accepted; a huge regex is not
    let many: String = (0..2000)
        .map(|i| format!("[[rule]]\nid = \"r{i}\"\nkind = \"entity\"\nregex = 'ZZ{i}QQ'\nentity = {{ type = \"ORG\" }}\n"))
        .collect();
    assert!(Extractor::builder()
        .rules_source("many.toml", many)
        .build()
        .is_ok());
    let huge = format!(
        "[[rule]]\nid = \"h\"\nkind = \"entity\"\nregex = '{}'\nentity = {{ type = \"ORG\" }}\n",
        "(?:a|b)".repeat(5000)
    );
    assert!(rules_error(&huge).contains("longer than"));
    let blowup = "[[rule]]\nid = \"p\"\nkind = \"entity\"\nregex = '(?:\\w{50}){50}'\nentity = { type = \"ORG\" }\n";
    assert!(rules_error(blowup).contains("bad regex"));
    // a pattern that could backtrack forever stops at its step budget
    let backtrack = "[[rule]]\nid = \"bt\"\nkind = \"entity\"\npattern = [{ any = [[{ skip = 5 }], [{ skip = 5 }]], repeat = [0, 20] }, { text = \"不存在\" }]\nentity = { type = \"ORG\" }\n";
    let ex = Extractor::builder()
        .rules_source("bt.toml", backtrack)
        .build()
        .unwrap();
    ex.extract(&"腾讯和阿里巴巴合作，".repeat(200)).unwrap();
}

#[test]
fn malformed_lexicon_lines_name_file_and_line() {
    let mut lex = Lexicon::empty();
    let err = lex
        .add_tsv("names.tsv", "腾讯\tORG\n阿里\tCOMPANY\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("names.tsv") && err.contains('2'), "{err}");
    let err = lex
        .add_tsv("names.tsv", "只有一列\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("names.tsv"), "{err}");
}
