//! Property tests: on random mixes of Traditional and Simplified Han, inserted
//! pinyin annotations, ASCII, full-width forms, emoji and combining marks,
//! every reported span is valid and the converted->original map is monotone.

mod common;

use common::{check_document, extractor};
use proptest::prelude::*;
use zhextract::text::{fold_for_matching, Convert, Normalizer, OpenccConverter, Variant};

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        // Traditional and Simplified Han, some with phrase conversions
        prop::sample::select(vec![
            "騰訊",
            "腾讯",
            "一目瞭然",
            "業務",
            "頭髮",
            "著作",
            "裡面",
            "乾燥",
            "说",
            "爲了"
        ])
        .prop_map(String::from),
        // an inserted pinyin annotation, ASCII or full-width parentheses
        prop::sample::select(vec![
            "(lián)",
            "(yè)",
            "（wù）",
            "(zhuǎn)",
            "(ma)",
            "(Apollo)",
            "(2)"
        ])
        .prop_map(String::from),
        "[a-zA-Z0-9 ,.?!/;]{1,6}",
        "[\u{FF01}-\u{FF5E}\u{3000}]{1,4}",
        prop::sample::select(vec![
            "😀",
            "👍🏽",
            "e\u{301}",
            "a\u{308}\u{323}",
            "\u{FEFF}",
            "\u{FFFD}",
            "Ψ",
            "ヂ",
            "ㄩ",
            "\n",
            "\r\n"
        ])
        .prop_map(String::from),
        "[\u{4E00}-\u{9FFF}]{1,3}",
        "[\u{20000}-\u{2000F}]{1,2}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..24).prop_map(|v| v.concat())
}

fn positions(s: &str) -> Vec<usize> {
    s.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn document_spans_are_valid(input in text()) {
        let doc = extractor().extract(&input).unwrap();
        check_document(&input, &doc);
    }

    #[test]
    fn composed_map_is_monotone_and_on_boundaries(input in text()) {
        let n = Normalizer::new();
        let c = OpenccConverter::builtin(Variant::Tw2s).unwrap();
        let norm = n.normalize(&input);
        let conv = c.convert(&norm.text);
        let mut map = conv.map.compose(&norm.map);
        let mut derived = conv.text.clone();
        if let Some((folded, fmap)) = fold_for_matching(&conv.text) {
            map = fmap.compose(&map);
            derived = folded;
        }
        let mut last = (0, 0);
        for d in positions(&derived) {
            let (s, e) = (map.start(d), map.end(d));
            prop_assert!(input.is_char_boundary(s) && input.is_char_boundary(e), "{d} -> {s},{e}");
            prop_assert!(s >= last.0 && e >= last.1, "not monotone at {d}");
            prop_assert!(s <= input.len() && e <= input.len());
            last = (s, e);
        }
        // each derived char maps to a non-empty original span that converts back to it
        for (i, ch) in derived.char_indices() {
            let (s, e) = map.span(i, i + ch.len_utf8());
            prop_assert!(s < e, "char {ch:?} at {i} maps to an empty span");
        }
    }

    #[test]
    fn annotations_never_survive(host in "[\u{4E00}-\u{9FFF}]", syl in prop::sample::select(vec!["lián", "yè", "wù", "zhuǎn", "nǚ", "ǹg"])) {
        let input = format!("{host}({syl}){host}");
        let out = Normalizer::new().normalize(&input);
        prop_assert_eq!(out.text, format!("{host}{host}"));
    }
}
