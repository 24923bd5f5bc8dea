//! End-to-end throughput (criterion, bytes/s): raw jieba-rs `cut` and `tag`
//! against the whole `Extractor::extract`, on the Simplified and the
//! Traditional corpus in the same run, so the ratio is what to read; the
//! split of that time by stage (normalize, convert, segment, then the time,
//! entity and relation rules, the relation classifier); 10,000 short
//! records (a paragraph each, as JSON Lines users send them: documents/s,
//! where per-call setup counts); Extractor construction.
//!
//! The rule files build on each other (entity rules use times, relation
//! rules use entities), so the rule stages are timed cumulatively — times
//! alone, times + entities, all — and each one's share is the difference.
//! After the criterion groups a summary table goes to stderr: each stage's
//! best of five runs in this process, its share of `extract` and its time
//! as a multiple of `cut`'s.
//!
//! Text: `../shared/bench/news-{simp,trad}.txt` when present (1 M chars each),
//! otherwise the seed fixture repeated.

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jieba_rs::Jieba;
use zhextract::segment::{split_sentences, Token, Tokenizer};
use zhextract::text::{fold_for_matching, AutoConverter, Convert, Normalizer};
use zhextract::{Extractor, Lexicon, RuleSet};

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

/// An extractor with the built-in rule files whose names contain one of
/// `files` (all of them for an empty list).
fn extractor_with(files: &[&str]) -> Extractor {
    let mut b = Extractor::builder()
        .reference("2022-10-21".parse().expect("a date"))
        .default_rules(files.is_empty());
    if !files.is_empty() {
        for (name, src) in RuleSet::builtin_sources() {
            if files.iter().any(|f| name.contains(f)) {
                b = b.rules_source(name, src);
            }
        }
    }
    b.build().expect("the built-in rules compile")
}

/// The pipeline's pieces, timed one by one.
struct Stages {
    jieba: Jieba,
    normalizer: Normalizer,
    converter: AutoConverter,
    tokenizer: Tokenizer,
    times: Extractor,
    times_entities: Extractor,
    all: Extractor,
    /// All rules, no relation classifier: the classifier's cost is the
    /// difference to `all`.
    no_model: Extractor,
}

/// What the rule stages run on: the analysis text, its sentences, tokens.
fn analysis(s: &Stages, raw: &str) -> String {
    let n = s.normalizer.normalize(raw);
    let c = s.converter.convert(&n.text);
    fold_for_matching(&c.text).map_or(c.text, |(t, _)| t)
}

fn segment<'a>(s: &'a Stages, text: &'a str) -> (Vec<std::ops::Range<usize>>, Vec<Token<'a>>) {
    let sentences = split_sentences(text);
    (sentences, s.tokenizer.tokenize(text))
}

/// The figures of one corpus for the summary: name, bytes, cut, tag and
/// extract times (ms), and each stage's time.
type Summary = (&'static str, usize, f64, f64, f64, Vec<(&'static str, f64)>);

/// One corpus and the inputs each stage takes.
struct Corpus<'s> {
    raw: String,
    normalized: String,
    /// The analysis text the tokens point into.
    text: &'s str,
    sentences: Vec<std::ops::Range<usize>>,
    tokens: Vec<Token<'s>>,
}

fn extract(c: &mut Criterion) {
    let stages = Stages {
        jieba: Jieba::new(),
        normalizer: Normalizer::new(),
        converter: AutoConverter::builtin(&[]).expect("built-in dictionaries"),
        tokenizer: Tokenizer::new(&Lexicon::builtin(), true),
        times: extractor_with(&["times"]),
        times_entities: extractor_with(&["times", "entities", "not_person"]),
        all: extractor_with(&[]),
        no_model: Extractor::builder()
            .reference("2022-10-21".parse().expect("a date"))
            .relation_model(false)
            .build()
            .expect("the built-in rules compile"),
    };
    let s = &stages;
    let mut summary = Vec::new();
    for name in ["news-simp.txt", "news-trad.txt"] {
        let raw = read(name);
        let normalized = s.normalizer.normalize(&raw).text;
        let text = analysis(s, &raw);
        let (sentences, tokens) = segment(s, &text);
        let corpus = Corpus {
            raw,
            normalized,
            text: &text,
            sentences,
            tokens,
        };
        bench_corpus(c, s, name, &corpus);
        summary.push(summarize(s, name, &corpus));
    }
    let records = short_records(&read("news-simp.txt"));
    bench_records(c, s, &records);
    let record_summary = summarize_records(s, &records);
    let mut g = c.benchmark_group("construction");
    g.sample_size(10);
    g.bench_function("extractor_build", |b| {
        b.iter(|| Extractor::builder().build().expect("builds"))
    });
    g.finish();
    print_summary(summary);
    print_records(&records, record_summary);
}

/// The first 10,000 paragraphs of a corpus, each cut to at most 300 bytes
/// (at a char boundary): the size of a short news item or a social post.
fn short_records(corpus: &str) -> Vec<String> {
    corpus
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut end = l.len().min(300);
            while !l.is_char_boundary(end) {
                end -= 1;
            }
            l[..end].to_string()
        })
        .cycle()
        .take(10_000)
        .collect()
}

/// Criterion's measurement of the short records: `cut` and `extract` per record.
fn bench_records(c: &mut Criterion, s: &Stages, records: &[String]) {
    let mut g = c.benchmark_group("short_records");
    g.sample_size(10);
    g.throughput(Throughput::Elements(records.len() as u64));
    g.bench_function("jieba_cut", |b| b.iter(|| cut_each(s, records)));
    g.bench_function("extract", |b| b.iter(|| extract_each(s, records)));
    g.finish();
}

/// `cut` of each record: the number of words.
fn cut_each(s: &Stages, records: &[String]) -> usize {
    records.iter().map(|r| s.jieba.cut(r, true).len()).sum()
}

/// `extract` of each record: the number of entities.
fn extract_each(s: &Stages, records: &[String]) -> usize {
    records
        .iter()
        .map(|r| s.all.extract(r).expect("extracts").entities.len())
        .sum()
}

/// The best of five runs of `f`, in ms.
fn best_of_five(f: &mut dyn FnMut() -> usize) -> f64 {
    (0..5)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::MAX, f64::min)
}

/// Best of five of `cut` and `extract` over all the records (ms).
fn summarize_records(s: &Stages, records: &[String]) -> (f64, f64) {
    let cut = best_of_five(&mut || cut_each(s, records));
    let whole = best_of_five(&mut || extract_each(s, records));
    (cut, whole)
}

fn print_records(records: &[String], (cut, whole): (f64, f64)) {
    let n = records.len() as f64;
    let bytes: usize = records.iter().map(String::len).sum();
    eprintln!(
        "\nshort records: {} of {:.0} bytes on average, one thread, best of 5",
        records.len(),
        bytes as f64 / n
    );
    eprintln!(
        "  jieba cut {cut:7.1} ms {:9.0} docs/s   1.00x cut",
        n / cut * 1e3
    );
    eprintln!(
        "  extract   {whole:7.1} ms {:9.0} docs/s {:6.2}x cut ({:.1} µs per record)",
        n / whole * 1e3,
        whole / cut,
        whole / n * 1e3
    );
}

/// Criterion's measurements of one corpus: jieba, the whole extraction, each stage.
fn bench_corpus(c: &mut Criterion, s: &Stages, name: &str, k: &Corpus<'_>) {
    let (raw, normalized, text) = (&k.raw, &k.normalized, k.text);
    let (sentences, tokens) = (&k.sentences, &k.tokens);
    let mut g = c.benchmark_group(format!("extract/{name}"));
    g.sample_size(10);
    g.throughput(Throughput::Bytes(raw.len() as u64));
    g.bench_function("jieba_cut", |b| b.iter(|| s.jieba.cut(raw, true).len()));
    g.bench_function("jieba_tag", |b| b.iter(|| s.jieba.tag(raw, true).len()));
    g.bench_function("extract", |b| {
        b.iter(|| s.all.extract(raw).expect("extracts").entities.len())
    });
    g.bench_function("extract_without_relation_model", |b| {
        b.iter(|| s.no_model.extract(raw).expect("extracts").entities.len())
    });
    g.bench_function("stage_normalize", |b| {
        b.iter(|| s.normalizer.normalize(raw).text.len())
    });
    g.bench_function("stage_convert", |b| {
        b.iter(|| s.converter.convert(normalized).text.len())
    });
    g.bench_function("stage_segment", |b| {
        b.iter(|| {
            let (sents, toks) = segment(s, text);
            sents.len() + toks.len()
        })
    });
    g.bench_function("stage_rules_times", |b| {
        b.iter(|| s.times.run_rule_stage(text, sentences, tokens))
    });
    g.bench_function("stage_rules_times_entities", |b| {
        b.iter(|| s.times_entities.run_rule_stage(text, sentences, tokens))
    });
    g.bench_function("stage_rules_all", |b| {
        b.iter(|| s.all.run_rule_stage(text, sentences, tokens))
    });
    g.finish();
}

/// The summary of one corpus: best of five of each, in this process.
fn summarize(s: &Stages, name: &'static str, k: &Corpus<'_>) -> Summary {
    let (raw, normalized, text) = (&k.raw, &k.normalized, k.text);
    let (sentences, tokens) = (&k.sentences, &k.tokens);
    let best = best_of_five;
    let cut = best(&mut || s.jieba.cut(raw, true).len());
    let tag = best(&mut || s.jieba.tag(raw, true).len());
    let whole = best(&mut || s.all.extract(raw).expect("extracts").entities.len());
    let no_model = best(&mut || s.no_model.extract(raw).expect("extracts").entities.len());
    let norm = best(&mut || s.normalizer.normalize(raw).text.len());
    let conv = best(&mut || s.converter.convert(normalized).text.len());
    let seg = best(&mut || {
        let (a, b) = segment(s, text);
        a.len() + b.len()
    });
    let r_t = best(&mut || s.times.run_rule_stage(text, sentences, tokens));
    let r_te = best(&mut || s.times_entities.run_rule_stage(text, sentences, tokens));
    let r_all = best(&mut || s.all.run_rule_stage(text, sentences, tokens));
    let rest = no_model - norm - conv - seg - r_all;
    let parts = vec![
        ("normalize", norm),
        ("convert", conv),
        ("segment (jieba tag + splits)", seg),
        ("time rules", r_t),
        ("entity rules", r_te - r_t),
        ("relation rules", r_all - r_te),
        ("relation classifier", whole - no_model),
        ("the rest (aliases, document)", rest),
    ];
    (name, raw.len(), cut, tag, whole, parts)
}

fn print_summary(summary: Vec<Summary>) {
    for (name, bytes, cut, tag, whole, parts) in summary {
        let mb = bytes as f64 / 1e6;
        eprintln!("\n{name}: {mb:.1} MB, best of 5 in this process");
        eprintln!(
            "  jieba cut {cut:7.1} ms {:6.1} MB/s   1.00x cut",
            mb / cut * 1e3
        );
        eprintln!(
            "  jieba tag {tag:7.1} ms {:6.1} MB/s {:6.2}x cut",
            mb / tag * 1e3,
            tag / cut
        );
        eprintln!(
            "  extract   {whole:7.1} ms {:6.1} MB/s {:6.2}x cut",
            mb / whole * 1e3,
            whole / cut
        );
        for (stage, ms) in parts {
            eprintln!(
                "    {stage:<30} {ms:7.1} ms {:5.1} % {:6.2}x cut",
                ms / whole * 100.0,
                ms / cut
            );
        }
    }
}

criterion_group!(benches, extract);
criterion_main!(benches);
