//! The tokenizer's hot loop against raw jieba-rs, in one run (criterion,
//! bytes/s):
//! (a) raw `Jieba::cut(text, true)`, (b) raw `Jieba::tag(text, true)`,
//! (c) our tokenizer on Simplified text (sentences, spans, POS),
//! (d) normalize + convert + fold + sentences + tokenize on the Traditional
//!     text, (e) the whole `Extractor::extract` (with the rules), and
//!     Extractor construction.
//!
//! Text: `../shared/bench/news-{simp,trad}.txt` when present (1 M chars each),
//! otherwise the seed fixture repeated.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jieba_rs::Jieba;
use zhextract::segment::{split_sentences, Tokenizer};
use zhextract::text::{fold_for_matching, AutoConverter, Convert, Normalizer};
use zhextract::{Extractor, Lexicon};

fn read(name: &str) -> Option<String> {
    std::fs::read_to_string(format!(
        "{}/../shared/bench/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .ok()
}

fn corpora() -> (String, String) {
    let seed = include_str!("../fixtures/seed_tmall_wechat_trad.txt");
    let fallback = seed.repeat(1_000_000 / seed.len() + 1);
    let trad = read("news-trad.txt").unwrap_or_else(|| fallback.clone());
    let simp = read("news-simp.txt").unwrap_or_else(|| {
        let ex = Extractor::builder()
            .include_simplified(true)
            .build()
            .unwrap();
        ex.extract(&fallback).unwrap().simplified.unwrap()
    });
    (simp, trad)
}

fn segment(c: &mut Criterion) {
    let (simp, trad) = corpora();
    let jieba = Jieba::new();
    let tokenizer = Tokenizer::new(&Lexicon::builtin(), true);
    let extractor = Extractor::new().unwrap();

    let mut g = c.benchmark_group("segment");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(simp.len() as u64));
    g.bench_function("a_jieba_cut", |b| b.iter(|| jieba.cut(&simp, true).len()));
    g.bench_function("b_jieba_tag", |b| b.iter(|| jieba.tag(&simp, true).len()));
    g.bench_function("c_tokenizer_simplified", |b| {
        b.iter(|| {
            (
                split_sentences(&simp).len(),
                tokenizer.tokenize(&simp).len(),
            )
        })
    });
    g.throughput(Throughput::Bytes(trad.len() as u64));
    let normalizer = Normalizer::new();
    let converter = AutoConverter::builtin(&[]).unwrap();
    g.bench_function("d_traditional_to_tokens", |b| {
        b.iter(|| {
            let n = normalizer.normalize(&trad);
            let c = converter.convert(&n.text);
            let text = fold_for_matching(&c.text).map_or(c.text, |(t, _)| t);
            (
                split_sentences(&text).len(),
                tokenizer.tokenize(&text).len(),
            )
        })
    });
    g.bench_function("e_extract_traditional", |b| {
        b.iter(|| extractor.extract(&trad).unwrap().entities.len())
    });
    g.finish();

    let mut g = c.benchmark_group("construct");
    g.sample_size(10);
    g.bench_function("jieba_new", |b| b.iter(Jieba::new));
    g.bench_function("extractor_build", |b| b.iter(|| Extractor::new().unwrap()));
    g.finish();
}

criterion_group!(benches, segment);
criterion_main!(benches);
