//! The examples binary's command-line contract (OUTPUT.md).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn bin() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            // `cargo test` builds examples beside the test binaries' folder;
            // `cargo test --test cli` does not (and may find a stale one), so
            // build it: a no-op when it is up to date.
            let mut p = std::env::current_exe().unwrap();
            p.pop();
            if p.ends_with("deps") {
                p.pop();
            }
            let exe = p
                .join("examples")
                .join(format!("extract{}", std::env::consts::EXE_SUFFIX));
            {
                let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
                let mut cmd = Command::new(cargo);
                cmd.args(["build", "--example", "extract"]);
                if !cfg!(debug_assertions) {
                    cmd.arg("--release");
                }
                let status = cmd
                    .current_dir(env!("CARGO_MANIFEST_DIR"))
                    .status()
                    .unwrap();
                assert!(status.success(), "building examples/extract failed");
            }
            exe
        })
        .clone()
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("examples/extract is built by `cargo test`");
    // written from another thread: a process that streams its output fills
    // the stdout pipe while input is still coming; a process that rejects
    // its arguments exits without reading (ignore the broken pipe)
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    out
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn seed_file_with_doc_date() {
    let out = run(
        &[
            "--doc-date",
            "2022-10-21",
            "--text",
            "fixtures/seed_tmall_wechat_trad.txt",
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let docs = lines(&out);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["id"], "fixtures/seed_tmall_wechat_trad.txt");
    assert_eq!(docs[0]["doc_date"], "2022-10-21");
    assert!(docs[0]["simplified"]
        .as_str()
        .unwrap()
        .starts_with("天猫在微信卖货"));
}

#[test]
fn stdin_text() {
    let out = run(&["--text"], "騰訊和阿里".as_bytes());
    assert!(out.status.success());
    assert_eq!(lines(&out)[0]["simplified"], "腾讯和阿里");
}

#[test]
fn word_lists_of_ones_own() {
    let text = "公司待到5月1日发布新品。".as_bytes();
    let value = |args: &[&str]| {
        let out = run(args, text);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        lines(&out)[0]["times"][0]["value"].clone()
    };
    assert_eq!(value(&["--doc-date", "2024-03-15"]), "2023-05-01");
    let mine = [
        "--doc-date",
        "2024-03-15",
        "--word-lists",
        "examples/rules/words.toml",
    ];
    assert_eq!(value(&mine), "2024-05-01");
    let out = run(&["--word-lists", "Cargo.toml"], text);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Cargo.toml"));
}

#[test]
fn jsonl_echoes_ids_in_order_with_per_line_dates() {
    let input = concat!(
        r#"{"id": "a", "text": "業(yè)務"}"#,
        "\n",
        r#"{"id": 7, "text": "頭髮", "doc_date": "2013-02-12T04:30:00"}"#,
        "\n",
        "\n",
        r#"{"id": "c", "text": "訊息"}"#,
        "\n",
    );
    let out = run(&["--jsonl", "--text", "--tokens"], input.as_bytes());
    assert!(out.status.success());
    let docs = lines(&out);
    let ids: Vec<String> = docs.iter().map(|d| d["id"].to_string()).collect();
    assert_eq!(ids, [r#""a""#, "\"7\"", r#""c""#]);
    assert_eq!(docs[0]["simplified"], "业务");
    assert_eq!(docs[0]["diagnostics"][0]["kind"], "pinyin_annotation");
    assert_eq!(docs[1]["reference"], "2013-02-12T04:30:00");
    assert!(docs[2]["tokens"].is_array());
}

#[test]
fn parallel_jobs_keep_input_order() {
    // more records than are let in flight at once, each naming its own
    // index; every seventh is long, so later short ones finish before it
    let input: String = (0..200)
        .map(|i| {
            let text = "第{i}条：华为与小米合作。".replace("{i}", &i.to_string());
            let text = if i % 7 == 0 { text.repeat(300) } else { text };
            format!("{{\"id\": {i}, \"text\": \"{text}\"}}\n")
        })
        .collect();
    for jobs in ["1", "2", "4"] {
        let out = run(&["--jsonl", "--jobs", jobs, "--quiet"], input.as_bytes());
        assert!(out.status.success());
        let ids: Vec<String> = lines(&out).iter().map(|d| d["id"].to_string()).collect();
        let want: Vec<String> = (0..200).map(|i| format!("\"{i}\"")).collect();
        assert_eq!(ids, want, "--jobs {jobs}");
    }
    // no progress bar when stderr is not a terminal
    let out = run(&["--jsonl", "--jobs", "2"], input.as_bytes());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bad_jsonl_line_is_reported_and_the_rest_processed() {
    let input = "{\"id\": \"a\", \"text\": \"好\"}\nnot json\n{\"id\": \"b\", \"text\": \"好\"}\n";
    let out = run(&["--jsonl"], input.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out).len(), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin>:2"));
}

#[test]
fn bad_jsonl_records_are_reported_by_line_and_skipped_nothing_else_lost() {
    let long = format!("{{\"id\": \"long\", \"text\": \"{}\"}}", "长".repeat(4000));
    let mut input = Vec::new();
    input.extend_from_slice("{\"id\": \"a\", \"text\": \"甲公司收购乙公司。\"}\n".as_bytes());
    input.extend_from_slice(b"{\"id\": \"bad\", \"text\": \"\xff\xfe\"}\n");
    input.extend_from_slice(long.as_bytes());
    input.push(b'\n');
    // NUL is text (JSON writes it \u0000): the record is kept
    input.extend_from_slice("{\"id\": \"nul\", \"text\": \"空\\u0000字符\"}\n".as_bytes());
    // the last line has no newline
    input.extend_from_slice("{\"id\": \"z\", \"text\": \"去年7月14日\"}".as_bytes());
    let out = run(&["--jsonl", "--max-record-bytes", "4096"], &input);
    assert_eq!(out.status.code(), Some(1));
    let ids: Vec<_> = lines(&out)
        .iter()
        .map(|d| d["id"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(ids, ["a", "nul", "z"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("<stdin>:2: not UTF-8"), "{err}");
    assert!(
        err.contains("<stdin>:3: record longer than 4096 bytes"),
        "{err}"
    );
}

#[test]
fn unreadable_and_non_utf8_files_fail_at_the_end_but_others_are_processed() {
    let dir = std::env::temp_dir().join(format!("zhextract-cli-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.txt"), "騰訊").unwrap();
    std::fs::write(dir.join("sub/b.txt"), b"ab\xffcd").unwrap();
    std::fs::write(dir.join("c.md"), "ignored").unwrap();
    let d = dir.to_str().unwrap();
    let missing = dir.join("missing.txt");
    let out = run(&[d, missing.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let docs = lines(&out);
    assert_eq!(docs.len(), 1);
    assert!(docs[0]["id"].as_str().unwrap().ends_with("a.txt"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("b.txt") && err.contains("byte 2"), "{err}");
    assert!(err.contains("missing.txt"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn table_format_and_bad_options() {
    let out = run(
        &["--format", "table", "--doc-date", "2022-10-21"],
        "業(yè)務".as_bytes(),
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("PinyinAnnotation") && text.contains("2022-10-21"),
        "{text}"
    );
    let out = run(&["--doc-date", "2022-13-01"], b"x");
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--time-bias", "sideways"], b"x");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn user_rules_find_what_the_defaults_miss_and_check_rules_reports() {
    let txt = "examples/rules/example.txt";
    let plain = lines(&run(&[txt], b""));
    // the defaults see the two companies cooperate (双方…合作), not the
    // supply agreement the user's rule names
    assert!(!plain[0]["triples"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["predicate"] == "other:sign_supply"));
    let out = run(&["--rules", "examples/rules/example.toml", txt], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = &lines(&out)[0];
    assert!(doc["entities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["text"] == "星澜新能源" && e["type"] == "ORG"));
    assert!(doc["triples"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["predicate"] == "other:sign_supply"));

    let out = run(&["--check-rules", "examples/rules/example.toml"], b"");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 of 1 test cases passed"));

    let dir = std::env::temp_dir().join(format!("zhextract-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "# a broken rule\n\n[[rule]]\nid = \"broken\"\nkind = \"entity\"\nregex = '(unclosed'\nentity = { type = \"ORG\" }\n").unwrap();
    let out = run(&["--rules", bad.to_str().unwrap()], "x".as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:3:1: rule \"broken\": bad regex"),
        "{err}"
    );

    let failing = dir.join("failing.toml");
    std::fs::write(
        &failing,
        "[[test]]\ntext = \"腾讯很好\"\nentities = [{ text = \"腾讯很好\", type = \"ORG\" }]\n",
    )
    .unwrap();
    let out = run(&["--check-rules", failing.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("failing.toml:1: entity ORG \"腾讯很好\" not found"));
    std::fs::remove_dir_all(&dir).unwrap();
}
