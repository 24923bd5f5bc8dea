//! Traditional -> Simplified on sentences written for these tests, and the
//! offsets of the converted text.

use zhextract::text::{detect_variant, Convert, OpenccConverter, Variant};
use zhextract::Extractor;

fn simplified(variant: Variant, s: &str) -> String {
    let ex = Extractor::builder()
        .conversion(variant)
        .include_simplified(true)
        .build()
        .unwrap();
    ex.extract(s).unwrap().simplified.unwrap()
}

#[test]
fn standard_traditional() {
    let s = "台積電今年第三季營收創新高，董事長表示將擴大在美國的投資。";
    assert_eq!(
        simplified(Variant::T2s, s),
        "台积电今年第三季营收创新高，董事长表示将扩大在美国的投资。"
    );
}

#[test]
fn phrases_decide_ambiguous_characters() {
    // 乾 is 干 in 乾燥 but stays in 乾坤; 髮 and 發 both become 发
    assert_eq!(
        simplified(Variant::T2s, "乾坤未定，天氣乾燥，頭髮發黃"),
        "乾坤未定，天气干燥，头发发黄"
    );
}

#[test]
fn taiwan_forms_are_detected() {
    let s = "他看著報表，心裡想著這筆投資。";
    assert_eq!(detect_variant(s), Variant::Tw2s);
    assert_eq!(
        simplified(Variant::Auto, s),
        "他看着报表，心里想着这笔投资。"
    );
    // forced t2s keeps the Taiwan particle form
    assert_eq!(
        simplified(Variant::T2s, s),
        "他看著报表，心里想著这笔投资。"
    );
}

#[test]
fn simplified_text_passes_through() {
    let s = "腾讯和阿里巴巴在电商领域互联互通。";
    assert_eq!(simplified(Variant::Auto, s), s);
}

#[test]
fn full_width_forms_are_kept_in_simplified() {
    assert_eq!(
        simplified(Variant::Auto, "ＡＩ產業成長２０％"),
        "ＡＩ产业成长２０％"
    );
}

#[test]
fn protected_words_are_left_alone() {
    let bare = || {
        Extractor::builder()
            .include_simplified(true)
            .lexicon(zhextract::Lexicon::empty())
    };
    // OpenCC corrupts the Simplified place name 乾安县 ...
    let ex = bare().build().unwrap();
    assert_eq!(
        ex.extract("吉林乾安县").unwrap().simplified.unwrap(),
        "吉林干安县"
    );
    // ... unless it is protected by hand
    let ex = bare().protect_words(["乾安县"]).build().unwrap();
    assert_eq!(
        ex.extract("吉林乾安县").unwrap().simplified.unwrap(),
        "吉林乾安县"
    );
    // ... or by the lexicons, which hold every county
    let ex = Extractor::builder()
        .include_simplified(true)
        .build()
        .unwrap();
    assert_eq!(
        ex.extract("吉林乾安县").unwrap().simplified.unwrap(),
        "吉林乾安县"
    );
}

#[test]
fn dictionary_folder_at_run_time() {
    let dir = std::env::temp_dir().join(format!("zhextract-dicts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("mine.json"),
        r#"{"conversion_chain": [{"dict": {"type": "text", "file": "mine.txt"}}]}"#,
    )
    .unwrap();
    std::fs::write(dir.join("mine.txt"), "# my dictionary\n騰訊\t腾讯\n").unwrap();
    let c = OpenccConverter::from_dir(&dir, "mine").unwrap();
    assert_eq!(c.convert("騰訊科技").text, "腾讯科技");
    std::fs::write(dir.join("mine.txt"), "騰訊 腾讯\n").unwrap();
    let err = OpenccConverter::from_dir(&dir, "mine")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("mine.txt:1:") && err.contains("no tab"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(feature = "opencc")]
#[test]
fn libopencc_backend_agrees_with_the_builtin_one() {
    use zhextract::text::LibOpenccConverter;
    let seed = include_str!("../fixtures/seed_tmall_wechat_trad.txt");
    for v in [Variant::Auto, Variant::T2s, Variant::Tw2s, Variant::Hk2s] {
        let ours = if v == Variant::Auto {
            Box::new(zhextract::text::AutoConverter::builtin(&[]).unwrap()) as Box<dyn Convert>
        } else {
            Box::new(OpenccConverter::builtin(v).unwrap())
        };
        let theirs = LibOpenccConverter::new(v).unwrap();
        for s in [
            seed,
            "乾坤未定，天氣乾燥，頭髮發黃",
            "他看著報表，心裡想著這筆投資。",
        ] {
            assert_eq!(ours.convert(s).text, theirs.convert(s).text, "{v}");
        }
    }
}
