//! The command-line contract of `OUTPUT.md`: extract from files, folders
//! (walked for `*.txt`), standard input, or JSON Lines, and print one
//! `Document` per line.
//!
//! ```text
//! cargo run --release --example extract -- fixtures/seed_tmall_wechat_trad.txt
//! echo '騰訊和阿里' | cargo run --release --example extract -- --text
//! ```

use std::io::{self, BufRead, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use serde::Deserialize;
use zhextract::text::Variant;
use zhextract::{Document, Extractor, Reference, TimeBias};

#[derive(Parser, Debug)]
#[command(about = "Extract entities, times and relation triples from Chinese news text")]
struct Args {
    /// Files or folders (walked for *.txt); none: standard input.
    inputs: Vec<PathBuf>,
    /// Reference for relative times (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS).
    #[arg(long, value_name = "DATE|DATETIME")]
    doc_date: Option<String>,
    /// Input is JSON Lines {"id", "text", "doc_date"?}; one output line per input line.
    #[arg(long)]
    jsonl: bool,
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
}

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

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(msg) => {
            eprintln!("extract: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Ok(all inputs succeeded); Err(message) for a setup error.
fn run(args: &Args) -> Result<bool, String> {
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
    for f in args.rules.iter().chain(&args.check_rules) {
        builder = builder.rules_file(f);
    }
    builder = builder.default_rules(!args.no_default_rules);
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
    let extractor = builder.build().map_err(|e| e.to_string())?;
    if let Some(file) = &args.check_rules {
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
        return Ok(failures.is_empty());
    }

    let stdout = io::stdout();
    let mut out = Output {
        w: BufWriter::new(stdout.lock()),
        format: args.format,
    };
    let mut ok = true;
    if args.inputs.is_empty() {
        if args.jsonl {
            ok &= run_jsonl(&extractor, io::stdin().lock(), "<stdin>", &mut out);
        } else {
            let mut bytes = Vec::new();
            if let Err(e) = io::stdin().lock().read_to_end(&mut bytes) {
                eprintln!("error: <stdin>: {e}");
                return Ok(false);
            }
            ok &= emit(&mut out, extractor.extract_bytes(&bytes), None, "<stdin>");
        }
    } else {
        for input in &args.inputs {
            for path in expand(input, &mut ok) {
                if args.jsonl {
                    match std::fs::File::open(&path) {
                        Ok(f) => {
                            ok &= run_jsonl(
                                &extractor,
                                io::BufReader::new(f),
                                &path.display().to_string(),
                                &mut out,
                            )
                        }
                        Err(e) => {
                            eprintln!("error: {}: {e}", path.display());
                            ok = false;
                        }
                    }
                    continue;
                }
                let id = path.display().to_string();
                match std::fs::read(&path) {
                    Ok(bytes) => {
                        ok &= emit(
                            &mut out,
                            extractor.extract_bytes(&bytes),
                            Some(id.clone()),
                            &id,
                        )
                    }
                    Err(e) => {
                        eprintln!("error: {id}: {e}");
                        ok = false;
                    }
                }
            }
        }
    }
    out.w.flush().map_err(|e| format!("writing output: {e}"))?;
    Ok(ok)
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

fn run_jsonl(
    ex: &Extractor,
    reader: impl BufRead,
    name: &str,
    out: &mut Output<impl Write>,
) -> bool {
    let mut ok = true;
    for (n, line) in reader.split(b'\n').enumerate() {
        let what = format!("{name}:{}", n + 1);
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: {what}: {e}");
                return false;
            }
        };
        let line = match std::str::from_utf8(&line) {
            Ok(s) => s.trim_end_matches('\r'),
            Err(e) => {
                eprintln!("error: {what}: not UTF-8 at byte {}", e.valid_up_to());
                ok = false;
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let rec: JsonlRecord = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {what}: {e}");
                ok = false;
                continue;
            }
        };
        let id = rec.id.map(|v| match v {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        });
        let reference = match rec
            .doc_date
            .as_deref()
            .map(str::parse::<Reference>)
            .transpose()
        {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {what}: doc_date: {e}");
                ok = false;
                continue;
            }
        };
        ok &= emit(out, ex.extract_at(&rec.text, reference), id, &what);
    }
    ok
}

struct Output<W: Write> {
    w: W,
    format: Format,
}

fn emit(
    out: &mut Output<impl Write>,
    result: zhextract::Result<Document>,
    id: Option<String>,
    what: &str,
) -> bool {
    let mut doc = match result {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {what}: {e}");
            return false;
        }
    };
    doc.id = id;
    let written = match out.format {
        Format::Json => serde_json::to_writer(&mut out.w, &doc)
            .map_err(io::Error::from)
            .and_then(|()| out.w.write_all(b"\n")),
        Format::Table => write_table(&mut out.w, &doc),
    };
    if let Err(e) = written {
        eprintln!("error: writing output for {what}: {e}");
        return false;
    }
    true
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
