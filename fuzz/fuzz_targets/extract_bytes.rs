//! Any bytes through the whole pipeline: a document with valid spans or a
//! typed error, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zhextract::Extractor;

fn extractor() -> &'static Extractor {
    static EX: OnceLock<Extractor> = OnceLock::new();
    EX.get_or_init(|| {
        Extractor::builder()
            .reference("2022-10-21".parse().unwrap())
            .include_tokens(true)
            .build()
            .unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = extractor().extract_bytes(data) else {
        return;
    };
    let text = std::str::from_utf8(data).unwrap();
    for e in &doc.entities {
        assert_eq!(&text[e.span.start..e.span.end], e.text);
    }
    for t in &doc.times {
        assert_eq!(&text[t.span.start..t.span.end], t.text);
    }
});
