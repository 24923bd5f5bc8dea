//! `zhextract`: the command-line tool (the contract of `OUTPUT.md`). It
//! extracts from files, folders (walked for `*.txt`), standard input, or JSON
//! Lines, and prints one `Document` per line, in input order. Inputs are
//! processed in parallel (`--jobs`, rayon) with a bounded number in flight
//! between reading and writing, so a JSON Lines stream of any size runs in
//! constant memory; a progress bar shows on a terminal.
//!
//! Built with the default `cli` feature (`cargo install zhextract`);
//! `examples/extract.rs` compiles this same file, for the scorers' command
//! `target/release/examples/extract`.

use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;
use zhextract::text::Variant;
use zhextract::{Document, Extractor, Reference, TimeBias};

/// Shown after the options in `--help`.
const EXAMPLES: &str = "\
Examples:
  One article, its date given (relative times resolve against it):
    zhextract --doc-date 2022-10-21 article.txt
  Every *.txt under a folder, a table for reading:
    zhextract --format table articles/
  Standard input, with the Simplified text in the output:
    echo '騰訊去年7月14日宣布收購搜狗。' | zhextract --text
  JSON Lines in ({\"id\", \"text\", \"doc_date\"?} per line), JSON Lines out, in order:
    zhextract --jsonl corpus.jsonl > documents.jsonl
  Your own rules and lexicon on top of the built-in ones; check a rule file's tests:
    zhextract --rules my_rules.toml --lexicon my_names.tsv article.txt
    zhextract --check-rules my_rules.toml

Exit status:
  0  every input was extracted
  1  some input could not be read or parsed (reported on standard error,
     naming the file or file:line; the other inputs are still written),
     or a --check-rules case failed
  2  bad arguments, or a rule, lexicon or model file with a mistake";

#[derive(Parser, Debug)]
#[command(
    name = "zhextract",
    version,
    about = "Extract entities, times and relation triples from Chinese news text",
    long_about = "Extract entities (companies, people, places, products, events, titles, \
money, percentages), time expressions resolved against the document date, and \
relation triples from Chinese news, Traditional or Simplified. Each input gives \
one JSON document per output line (the contract of OUTPUT.md); every span points \
into the original input.",
    after_help = EXAMPLES
)]
struct Args {
    /// Files or folders (walked for *.txt); none: standard input.
    inputs: Vec<PathBuf>,
    /// Reference for relative times (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS).
    #[arg(long, value_name = "DATE|DATETIME")]
    doc_date: Option<String>,
    /// Input is JSON Lines {"id", "text", "doc_date"?}; one output line per input line.
    #[arg(long)]
    jsonl: bool,
    /// Longest JSON Lines record read, in bytes: a longer line is reported
    /// by its number and skipped without being held in memory.
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20)]
    max_record_bytes: usize,
    /// How bare months and weekdays resolve.
    #[arg(long, value_name = "past|future|nearest", default_value = "past")]
    time_bias: String,
    /// Include tokens.
    #[arg(long)]
    tokens: bool,
    /// Include the Simplified, annotation-free text ("simplified").
    #[arg(long)]
    text: bool,
    /// json: one Document per line (JSON Lines); table: for people.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Extra rule file (repeatable).
    #[arg(long, value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Run the inline [[test]] cases of this rule file (with the defaults) and report.
    #[arg(long, value_name = "FILE")]
    check_rules: Option<PathBuf>,
    /// Leave out the built-in rules (only --rules files run).
    #[arg(long)]
    no_default_rules: bool,
    /// Extra lexicon file (repeatable).
    #[arg(long, value_name = "FILE")]
    lexicon: Vec<PathBuf>,
    /// Relation classifier weights replacing the built-in ones (the file
    /// `cargo run --release --example train_relations` writes).
    #[arg(long, value_name = "FILE")]
    relation_model: Option<PathBuf>,
    /// Relation rules only: no classifier under them.
    #[arg(long)]
    no_relation_model: bool,
    /// Word lists replacing the built-in lists they name (the format of
    /// data/words/words.toml; repeatable).
    #[arg(long, value_name = "FILE")]
    word_lists: Vec<PathBuf>,
    /// OpenCC configuration for Traditional->Simplified.
    #[arg(
        long,
        value_name = "auto|t2s|tw2s|hk2s|tw2sp|hk2sp",
        default_value = "auto"
    )]
    conversion: String,
    /// Turn off jieba's HMM for unknown words.
    #[arg(long)]
    no_hmm: bool,
    /// Use the C++ libopencc backend (needs the `opencc` cargo feature).
    #[arg(long)]
    libopencc: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

/// How many inputs may be read and not yet written, per worker: enough to
/// keep every worker busy while a long one holds up the output, few enough
/// that memory does not grow with the input.
const WINDOW_PER_JOB: usize = 16;

/// One unit of work, in input order.
enum Work {
    /// A file to read and extract.
    File(PathBuf),
    /// One JSON Lines record (or the reason it could not be read), named
    /// `file:line` in messages.
    Line(String, Result<JsonlRecord, String>),
    /// Standard input, read whole.
    Bytes(Vec<u8>),
}

/// What one unit of work produced: an output line or an error message.
type Done = Result<String, String>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Table,
}

#[derive(Deserialize)]
struct JsonlRecord {
    #[serde(default)]
    id: Option<serde_json::Value>,
    text: String,
    #[serde(default)]
    doc_date: Option<String>,
}

/// Parse the command line, run, and say how it went in the exit status.
pub fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(msg) => {
            eprintln!("zhextract: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Ok(all inputs succeeded); Err(message) for a setup error.
fn run(args: &Args) -> Result<bool, String> {
    let extractor = build_extractor(args)?;
    if let Some(file) = &args.check_rules {
        return Ok(check_rules(&extractor, file));
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| format!("--jobs: {e}"))?;
    let mut ok = true;
    // the work, lazily: files and folders are listed first (names only), a
    // JSON Lines stream is read as it is consumed
    let mut paths = Vec::new();
    for input in &args.inputs {
        paths.extend(expand(input, &mut ok));
    }
    let progress = progress_bar(args, paths.len());
    let Some(work) = work_items(args, paths) else {
        return Ok(false);
    };
    let stdout = io::stdout();
    let mut output = Output {
        out: BufWriter::new(stdout.lock()),
        progress: progress.as_ref(),
        ready: std::collections::BTreeMap::new(),
        written: 0,
        ok,
    };
    pool.in_place_scope(|scope| process_all(scope, &extractor, args, jobs, work, &mut output))?;
    let ok = output.ok;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    Ok(ok)
}

/// The extractor the flags ask for.
fn build_extractor(args: &Args) -> Result<Extractor, String> {
    let bias: TimeBias = args.time_bias.parse()?;
    let variant: Variant = args.conversion.parse()?;
    let mut builder = Extractor::builder()
        .time_bias(bias)
        .include_tokens(args.tokens)
        .include_simplified(args.text)
        .conversion(variant)
        .hmm(!args.no_hmm);
    for f in &args.lexicon {
        builder = builder.lexicon_file(f);
    }
    for f in &args.word_lists {
        builder = builder.word_lists_file(f);
    }
    for f in args.rules.iter().chain(&args.check_rules) {
        builder = builder.rules_file(f);
    }
    builder = builder.default_rules(!args.no_default_rules);
    builder = builder.relation_model(!args.no_relation_model);
    if let Some(f) = &args.relation_model {
        builder = builder.relation_model_file(f);
    }
    if let Some(d) = &args.doc_date {
        let r: Reference = d.parse().map_err(|e| format!("--doc-date: {e}"))?;
        builder = builder.reference(r);
    }
    if args.libopencc {
        #[cfg(feature = "opencc")]
        {
            builder = builder.convert_backend(zhextract::ConvertBackend::LibOpencc);
        }
        #[cfg(not(feature = "opencc"))]
        return Err("--libopencc needs a build with `--features opencc`".into());
    }
    builder.build().map_err(|e| e.to_string())
}

/// `--check-rules FILE`: run the file's test cases; true if all pass.
fn check_rules(extractor: &Extractor, file: &std::path::Path) -> bool {
    let name = file.display().to_string();
    let cases = extractor
        .rule_tests()
        .iter()
        .filter(|t| t.file == name)
        .count();
    let failures = extractor.check_rule_tests(Some(&name));
    for f in &failures {
        println!("FAIL {f}");
    }
    println!(
        "{name}: {} of {cases} test cases passed",
        cases - failures.len().min(cases)
    );
    failures.is_empty()
}

/// A progress bar on a terminal, when there are several documents.
fn progress_bar(args: &Args, paths: usize) -> Option<ProgressBar> {
    let several = paths > 1 || args.jsonl;
    if args.quiet || !several || !io::stderr().is_terminal() {
        return None;
    }
    let bar = if args.jsonl {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::new(paths as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} documents {per_sec} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}

/// The documents to process, read lazily; None when stdin cannot be read.
fn work_items<'a>(
    args: &'a Args,
    paths: Vec<PathBuf>,
) -> Option<Box<dyn Iterator<Item = Work> + 'a>> {
    if args.inputs.is_empty() {
        if args.jsonl {
            return Some(Box::new(jsonl_records(
                io::stdin().lock(),
                "<stdin>".to_string(),
                args.max_record_bytes,
            )));
        }
        let mut bytes = Vec::new();
        if let Err(e) = io::stdin().lock().read_to_end(&mut bytes) {
            eprintln!("error: <stdin>: {e}");
            return None;
        }
        return Some(Box::new(std::iter::once(Work::Bytes(bytes))));
    }
    if !args.jsonl {
        return Some(Box::new(paths.into_iter().map(Work::File)));
    }
    Some(Box::new(paths.into_iter().flat_map(
        |path| -> Box<dyn Iterator<Item = Work>> {
            let name = path.display().to_string();
            match std::fs::File::open(&path) {
                Ok(f) => Box::new(jsonl_records(
                    io::BufReader::new(f),
                    name,
                    args.max_record_bytes,
                )),
                Err(e) => Box::new(std::iter::once(Work::Line(name, Err(e.to_string())))),
            }
        },
    )))
}

/// Workers take documents as they come; finished ones wait in `output`
/// until every earlier one is written (no batch waits for its slowest).
fn process_all<'s, W: Write>(
    scope: &rayon::Scope<'s>,
    extractor: &'s Extractor,
    args: &'s Args,
    jobs: usize,
    work: Box<dyn Iterator<Item = Work> + '_>,
    output: &mut Output<'_, W>,
) -> Result<(), String> {
    let window = jobs * WINDOW_PER_JOB;
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Done)>();
    let mut read = 0;
    for w in work {
        while read - output.written >= window {
            // a worker holds a sender until it has sent
            if let Ok((i, d)) = rx.recv() {
                output.put(i, d)?;
            }
        }
        let tx = tx.clone();
        let seq = read;
        scope.spawn(move |_| {
            // the receiver outlives the scope: sending cannot fail
            let _ = tx.send((seq, process(extractor, args.format, w)));
        });
        read += 1;
        while let Ok((i, d)) = rx.try_recv() {
            output.put(i, d)?;
        }
    }
    while output.written < read {
        if let Ok((i, d)) = rx.recv() {
            output.put(i, d)?;
        }
    }
    Ok(())
}

/// Finished documents, written in input order.
struct Output<'a, W: Write> {
    out: W,
    progress: Option<&'a ProgressBar>,
    /// Finished, waiting for an earlier one: by input position.
    ready: std::collections::BTreeMap<usize, Done>,
    /// How many are written.
    written: usize,
    /// No input failed.
    ok: bool,
}

impl<W: Write> Output<'_, W> {
    /// Take the document at input position `i`, and write every one whose
    /// turn has come.
    fn put(&mut self, i: usize, done: Done) -> Result<(), String> {
        self.ready.insert(i, done);
        while let Some(d) = self.ready.remove(&self.written) {
            self.written += 1;
            match d {
                Ok(line) => {
                    self.out
                        .write_all(line.as_bytes())
                        .map_err(|e| format!("writing output: {e}"))?;
                }
                Err(msg) => {
                    // what was written so far stays written
                    self.flush()?;
                    match self.progress {
                        Some(bar) => bar.suspend(|| eprintln!("error: {msg}")),
                        None => eprintln!("error: {msg}"),
                    }
                    self.ok = false;
                }
            }
            if let Some(bar) = self.progress {
                bar.inc(1);
            }
        }
        // a reader of the stream sees each document as soon as it is done
        if self.ready.is_empty() {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        self.out.flush().map_err(|e| format!("writing output: {e}"))
    }
}

/// Extract one unit of work and render its output line.
fn process(ex: &Extractor, format: Format, work: Work) -> Done {
    let (result, id, what) = match work {
        Work::File(path) => {
            let id = path.display().to_string();
            let bytes = std::fs::read(&path).map_err(|e| format!("{id}: {e}"))?;
            (ex.extract_bytes(&bytes), Some(id.clone()), id)
        }
        Work::Bytes(bytes) => (ex.extract_bytes(&bytes), None, "<stdin>".to_string()),
        Work::Line(what, rec) => {
            let rec = rec.map_err(|e| format!("{what}: {e}"))?;
            let id = rec.id.map(|v| match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            });
            let reference = rec
                .doc_date
                .as_deref()
                .map(str::parse::<Reference>)
                .transpose()
                .map_err(|e| format!("{what}: doc_date: {e}"))?;
            (ex.extract_at(&rec.text, reference), id, what)
        }
    };
    let mut doc = result.map_err(|e| format!("{what}: {e}"))?;
    doc.id = id;
    let mut buf = Vec::new();
    match format {
        Format::Json => {
            serde_json::to_writer(&mut buf, &doc).map_err(|e| format!("{what}: {e}"))?;
            buf.push(b'\n');
        }
        Format::Table => write_table(&mut buf, &doc).map_err(|e| format!("{what}: {e}"))?,
    }
    String::from_utf8(buf).map_err(|e| format!("{what}: {e}"))
}

/// The records of a JSON Lines stream, read as they are needed; blank lines
/// are skipped, a line that is not UTF-8, not a record or longer than
/// `limit` bytes is an error item.
fn jsonl_records(
    reader: impl BufRead + 'static,
    name: String,
    limit: usize,
) -> impl Iterator<Item = Work> {
    BoundedLines {
        reader,
        limit,
        failed: false,
    }
    .enumerate()
    .filter_map(move |(n, line)| {
        let what = format!("{name}:{}", n + 1);
        let line = match line {
            Ok(Some(l)) => l,
            Ok(None) => {
                return Some(Work::Line(
                    what,
                    Err(format!(
                        "record longer than {limit} bytes (--max-record-bytes)"
                    )),
                ))
            }
            Err(e) => return Some(Work::Line(what, Err(e.to_string()))),
        };
        let text = match std::str::from_utf8(&line) {
            Ok(s) => s.trim_end_matches('\r'),
            Err(e) => {
                return Some(Work::Line(
                    what,
                    Err(format!("not UTF-8 at byte {}", e.valid_up_to())),
                ))
            }
        };
        if text.trim().is_empty() {
            return None;
        }
        Some(Work::Line(
            what,
            serde_json::from_str::<JsonlRecord>(text).map_err(|e| e.to_string()),
        ))
    })
}

/// The lines of a stream, each at most `limit` bytes held: a longer line is
/// read through and dropped (`Ok(None)`), so memory stays bounded whatever
/// the input. A read error ends the stream after it is given.
struct BoundedLines<R> {
    reader: R,
    limit: usize,
    failed: bool,
}

impl<R: BufRead> Iterator for BoundedLines<R> {
    type Item = io::Result<Option<Vec<u8>>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let mut line = Vec::new();
        let mut too_long = false;
        let mut read_any = false;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            };
            if buf.is_empty() {
                // the end: a last line without its newline still counts
                if !read_any {
                    return None;
                }
                break;
            }
            read_any = true;
            let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (&buf[..i], Some(i + 1)),
                None => (buf, None),
            };
            if !too_long {
                if line.len() + chunk.len() > self.limit {
                    too_long = true;
                    line = Vec::new();
                } else {
                    line.extend_from_slice(chunk);
                }
            }
            let used = done.unwrap_or(buf.len());
            self.reader.consume(used);
            if done.is_some() {
                break;
            }
        }
        Some(Ok((!too_long).then_some(line)))
    }
}

/// A file, or the `*.txt` files under a folder in path order.
fn expand(input: &Path, ok: &mut bool) -> Vec<PathBuf> {
    if !input.is_dir() {
        return vec![input.to_path_buf()];
    }
    let mut found = Vec::new();
    let mut stack = vec![input.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("error: {}: {e}", dir.display());
                *ok = false;
                continue;
            }
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "txt") {
                found.push(p);
            }
        }
    }
    found.sort();
    found
}

fn write_table(w: &mut impl Write, doc: &Document) -> io::Result<()> {
    writeln!(w, "== {}", doc.id.as_deref().unwrap_or("<stdin>"))?;
    match (&doc.doc_date, doc.doc_date_source) {
        (Some(d), src) => writeln!(w, "doc_date  {d} ({src:?})")?,
        (None, _) => writeln!(w, "doc_date  none")?,
    }
    let mut rows: Vec<[String; 4]> = Vec::new();
    for e in &doc.entities {
        rows.push([
            "entity".into(),
            e.kind.as_str().into(),
            e.text.clone(),
            format!("{}..{}", e.span.char_start, e.span.char_end),
        ]);
    }
    for t in &doc.times {
        rows.push([
            "time".into(),
            format!("{:?}", t.kind).to_lowercase(),
            t.text.clone(),
            t.value.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    for t in &doc.triples {
        rows.push([
            "triple".into(),
            t.predicate.to_string(),
            format!("{} -> {}", t.subject.text, t.object.text),
            t.rule.clone(),
        ]);
    }
    for d in &doc.diagnostics {
        rows.push([
            "diagnostic".into(),
            format!("{:?}", d.kind),
            d.message.clone(),
            format!("{}..{}", d.span.char_start, d.span.char_end),
        ]);
    }
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let (w0, w1) = (width(0), width(1));
    for r in &rows {
        writeln!(w, "{:<w0$}  {:<w1$}  {}  {}", r[0], r[1], r[2], r[3])?;
    }
    writeln!(w)
}
