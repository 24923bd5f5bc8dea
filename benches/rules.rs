//! The rule engine alone, on already segmented text: the default rules
//! against the same rules duplicated 10× under new ids (criterion, bytes/s).
//! With the trigger index and pattern deduplication the cost must not grow 10×.
//! Also: the rule stage's share of a whole `extract` on the same text, and
//! the relation stage's (the default rules with and without relations.toml).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zhextract::segment::{split_sentences, Tokenizer};
use zhextract::{Extractor, Lexicon, RuleSet};

fn corpus() -> String {
    let shared = format!(
        "{}/../shared/bench/news-simp.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(shared).unwrap_or_else(|_| {
        let seed = include_str!("../fixtures/seed_tmall_wechat_trad.txt");
        seed.repeat(1_000_000 / seed.len() + 1)
    })
}

fn rules(c: &mut Criterion) {
    let text = corpus();
    let tokenizer = Tokenizer::new(&Lexicon::builtin(), true);
    let sentences = split_sentences(&text);
    let mut tokens = Vec::new();
    for s in &sentences {
        tokenizer.tokenize_into(&text[s.clone()], s.start, &mut tokens);
    }
    let defaults = Extractor::builder()
        .reference("2022-10-21".parse().unwrap())
        .build()
        .unwrap();
    let mut ten = Extractor::builder()
        .reference("2022-10-21".parse().unwrap())
        .default_rules(false);
    for copy in 0..10 {
        for (name, src) in RuleSet::builtin_sources() {
            ten = ten.rules_source(
                format!("{name}#{copy}"),
                src.replace("id = \"", &format!("id = \"c{copy}.")),
            );
        }
    }
    let ten = ten.build().unwrap();
    let mut no_rel = Extractor::builder()
        .reference("2022-10-21".parse().unwrap())
        .default_rules(false);
    for (name, src) in RuleSet::builtin_sources() {
        if !name.contains("relations") {
            no_rel = no_rel.rules_source(name, src);
        }
    }
    let no_rel = no_rel.build().unwrap();

    let mut g = c.benchmark_group("rules");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("default_rules", |b| {
        b.iter(|| defaults.run_rule_stage(&text, &sentences, &tokens))
    });
    g.bench_function("default_rules_x10", |b| {
        b.iter(|| ten.run_rule_stage(&text, &sentences, &tokens))
    });
    g.bench_function("rules_without_relations", |b| {
        b.iter(|| no_rel.run_rule_stage(&text, &sentences, &tokens))
    });
    g.bench_function("whole_extract", |b| {
        b.iter(|| defaults.extract(&text).unwrap().entities.len())
    });
    g.finish();
    eprintln!("tokens: {}", tokens.len());
}

criterion_group!(benches, rules);
criterion_main!(benches);
