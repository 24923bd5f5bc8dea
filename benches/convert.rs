//! Traditional -> Simplified throughput (criterion, bytes/s): the built-in
//! converter (t2s, and auto = detection + tw2s here) against the libopencc
//! backend when the `opencc` feature is on, on the same text in one run.
//!
//! Text: `../shared/bench/news-trad.txt` when present (3 MB of news),
//! otherwise the seed fixture repeated to about 3 MB.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zhextract::text::{AutoConverter, Convert, Normalizer, OpenccConverter, Variant};

fn corpus() -> String {
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/bench/news-trad.txt");
    std::fs::read_to_string(shared).unwrap_or_else(|_| {
        let seed = include_str!("../fixtures/seed_tmall_wechat_trad.txt");
        seed.repeat(3_000_000 / seed.len() + 1)
    })
}

fn convert(c: &mut Criterion) {
    let text = corpus();
    let mut g = c.benchmark_group("convert");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    let t2s = OpenccConverter::builtin(Variant::T2s).unwrap();
    g.bench_function("builtin_t2s", |b| b.iter(|| t2s.convert(&text)));
    let tw2s = OpenccConverter::builtin(Variant::Tw2s).unwrap();
    g.bench_function("builtin_tw2s", |b| b.iter(|| tw2s.convert(&text)));
    let auto = AutoConverter::builtin(&[]).unwrap();
    g.bench_function("builtin_auto", |b| b.iter(|| auto.convert(&text)));
    #[cfg(feature = "opencc")]
    {
        let lib = zhextract::text::LibOpenccConverter::new(Variant::T2s).unwrap();
        g.bench_function("libopencc_t2s", |b| b.iter(|| lib.convert(&text)));
    }
    let n = Normalizer::new();
    g.bench_function("normalize", |b| b.iter(|| n.normalize(&text)));
    g.finish();
}

criterion_group!(benches, convert);
criterion_main!(benches);
