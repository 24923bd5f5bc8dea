//! Any text as a rule file: compiled or rejected with a typed error, and a
//! compiled file runs on a sentence without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhextract::Extractor;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let built = Extractor::builder()
        .default_rules(false)
        .rules_source("fuzz.toml", src)
        .build();
    if let Ok(ex) = built {
        let _ = ex.extract("腾讯今天宣布以5亿元收购搜狗，双方将于明年3月完成交割。");
    }
});
