//! Tokens and sentences: lexicon names segment whole, spans are exact,
//! Traditional input segments like its Simplified conversion.

mod common;

use aho_corasick::{AhoCorasick, MatchKind};
use common::{check_document, extractor, SEED};
use std::collections::HashSet;

use zhextract::segment::{split_sentences, Tokenizer};
use zhextract::Lexicon;

/// Leftmost-longest lexicon names in `text` (byte ranges).
fn lexicon_names(text: &str) -> Vec<(usize, usize)> {
    let lex = Lexicon::builtin();
    let names: Vec<&str> = lex
        .iter()
        .map(|e| e.surface.as_str())
        .filter(|s| s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) && !s.contains(' '))
        .collect();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&names)
        .unwrap();
    ac.find_iter(text).map(|m| (m.start(), m.end())).collect()
}

#[test]
fn lexicon_names_in_the_seed_are_single_tokens() {
    // the extractor segments the Simplified, width-folded text of the seed
    let doc = extractor().extract(SEED).unwrap();
    let simplified = doc.simplified.unwrap();
    let text = zhextract::text::fold_for_matching(&simplified).map_or(simplified, |(t, _)| t);
    let tokenizer = Tokenizer::new(&Lexicon::builtin(), true);
    let tokens: HashSet<(usize, usize)> = tokenizer
        .tokenize(&text)
        .iter()
        .map(|t| (t.start(), t.end()))
        .collect();
    let names = lexicon_names(&text);
    assert!(
        names.len() > 50,
        "only {} lexicon names in the seed",
        names.len()
    );
    let cut: Vec<&str> = names
        .iter()
        .filter(|r| !tokens.contains(r))
        .map(|&(s, e)| &text[s..e])
        .collect();
    assert!(cut.is_empty(), "names cut apart: {cut:?}");
}

#[test]
fn seed_token_spans_are_valid() {
    let doc = extractor().extract(SEED).unwrap();
    let tokens = doc.tokens.as_ref().unwrap();
    assert!(tokens.len() > 1000);
    check_document(SEED, &doc);
    for w in tokens.windows(2) {
        assert!(
            w[0].span.end <= w[1].span.start,
            "tokens overlap: {:?} {:?}",
            w[0],
            w[1]
        );
    }
}

#[test]
fn traditional_segments_like_its_simplified_conversion() {
    let trad = "騰訊總裁劉熾平表示，雙方將在雲端運算領域展開合作。";
    let simp = "腾讯总裁刘炽平表示，双方将在云端运算领域展开合作。";
    let ex = extractor();
    let t: Vec<(usize, usize, String)> = ex
        .extract(trad)
        .unwrap()
        .tokens
        .unwrap()
        .into_iter()
        .map(|t| (t.span.char_start, t.span.char_end, t.pos))
        .collect();
    let s: Vec<(usize, usize, String)> = ex
        .extract(simp)
        .unwrap()
        .tokens
        .unwrap()
        .into_iter()
        .map(|t| (t.span.char_start, t.span.char_end, t.pos))
        .collect();
    assert_eq!(t, s);
}

#[test]
fn user_lexicon_keeps_a_new_name_whole() {
    let dir = std::env::temp_dir().join(format!("zhextract-lex-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("mine.tsv");
    // a made-up company, written in Traditional
    std::fs::write(&file, "# my names\n星河雲鏈科技\tORG\n").unwrap();
    let text = "星河云链科技今天发布新品";
    let plain = zhextract::Extractor::builder()
        .include_tokens(true)
        .build()
        .unwrap();
    let before: Vec<String> = plain
        .extract(text)
        .unwrap()
        .tokens
        .unwrap()
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert!(!before.contains(&"星河云链科技".to_string()));
    let ex = zhextract::Extractor::builder()
        .include_tokens(true)
        .lexicon_file(&file)
        .build()
        .unwrap();
    let after: Vec<String> = ex
        .extract(text)
        .unwrap()
        .tokens
        .unwrap()
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert!(after.contains(&"星河云链科技".to_string()), "{after:?}");
    std::fs::write(&file, "星河雲鏈科技\tCOMPANY\n").unwrap();
    let err = zhextract::Extractor::builder()
        .lexicon_file(&file)
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("mine.tsv:1:") && err.contains("unknown type"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sentences_of_the_seed() {
    let doc = extractor().extract(SEED).unwrap();
    let simplified = doc.simplified.unwrap();
    let sentences = split_sentences(&simplified);
    assert!(sentences.len() > 60);
    assert!(sentences.iter().any(|r| &simplified[r.clone()]
        == "对此，88VIP客户回应，“即将上线，具体上线时间以页面显示为准”；"
        || simplified[r.clone()].starts_with("对此,88VIP客户回应,")));
}
