//! Any text as a user's data file, chosen by the first byte: a rule file
//! (compiled alone), a lexicon (TSV) or word lists (TOML). Each parses or
//! is rejected with a typed error, never a panic. Cheap per input (no
//! extractor is built), so it runs millions; `rule_file` also runs what
//! compiles.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhextract::{Lexicon, RuleSet, WordLists};

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(src) = std::str::from_utf8(rest) else {
        return;
    };
    match kind % 3 {
        0 => {
            let _ = RuleSet::compile(&[("fuzz.toml", src)]);
        }
        1 => {
            let mut lexicon = Lexicon::empty();
            let _ = lexicon.add_tsv("fuzz.tsv", src);
        }
        _ => {
            if let Ok(mine) = WordLists::parse("fuzz.toml", src) {
                let _ = WordLists::builtin().with_overrides(&mine);
            }
        }
    }
});
