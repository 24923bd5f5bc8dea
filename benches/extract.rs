//! End-to-end throughput (criterion, bytes/s): raw jieba-rs `cut` against
//! the whole `Extractor::extract`, on the Simplified and the Traditional
//! corpus in the same run, so the ratio is what to read. Also Extractor
//! construction. The split of time by stage is in the `segment` (normalize,
//! convert, tokenize) and `rules` (rule stage, relation stage) benches.
//!
//! Text: `../shared/bench/news-{simp,trad}.txt` when present (1 M chars each),
//! otherwise the seed fixture repeated.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jieba_rs::Jieba;
use zhextract::Extractor;

fn read(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../shared/bench/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|_| {
        let seed = include_str!("../fixtures/seed_tmall_wechat_trad.txt");
        seed.repeat(1_000_000 / seed.len() + 1)
    })
}

fn extract(c: &mut Criterion) {
    let jieba = Jieba::new();
    let extractor = Extractor::builder()
        .reference("2022-10-21".parse().unwrap())
        .build()
        .unwrap();
    for name in ["news-simp.txt", "news-trad.txt"] {
        let text = read(name);
        let mut g = c.benchmark_group(format!("extract/{name}"));
        g.sample_size(10);
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function("jieba_cut", |b| b.iter(|| jieba.cut(&text, true).len()));
        g.bench_function("extract", |b| {
            b.iter(|| extractor.extract(&text).unwrap().entities.len())
        });
        g.finish();
    }
    let mut g = c.benchmark_group("construction");
    g.sample_size(10);
    g.bench_function("extractor_build", |b| {
        b.iter(|| Extractor::builder().build().unwrap())
    });
    g.finish();
}

criterion_group!(benches, extract);
criterion_main!(benches);
