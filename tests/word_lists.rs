//! A user's word lists replace the built-in lists they name, for every
//! reader of the lists (here: the future cues of the time stage, a stage of
//! one's own), and a malformed file is an error naming file and line.

use std::sync::{Arc, Mutex};

use zhextract::{Error, Extractor, Stage, WordLists, Work};

fn value_of(ex: &Extractor, text: &str, span: &str) -> Option<String> {
    let doc = ex
        .extract_at(text, Some("2024-03-15".parse().unwrap()))
        .unwrap();
    doc.times
        .into_iter()
        .find(|t| t.text == span)
        .and_then(|t| t.value)
}

#[test]
fn a_future_cue_of_ones_own_turns_a_bare_date_forward() {
    let text = "公司待到5月1日发布新品。";
    let default = Extractor::new().unwrap();
    assert_eq!(
        value_of(&default, text, "5月1日").as_deref(),
        Some("2023-05-01")
    );
    let mine = WordLists::parse("mine", "[time]\nfuture_cues = [\"将\", \"待到\"]\n").unwrap();
    let ex = Extractor::builder().word_lists(mine).build().unwrap();
    assert_eq!(value_of(&ex, text, "5月1日").as_deref(), Some("2024-05-01"));
    assert_eq!(ex.word_lists().get("time.future_cues"), ["将", "待到"]);
    // lists the file does not name stay built in
    assert_eq!(
        ex.word_lists().get("relations.party_latter"),
        default.word_lists().get("relations.party_latter")
    );
}

#[test]
fn a_malformed_file_names_itself_and_its_line() {
    let dir = std::env::temp_dir().join(format!("zhextract-words-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(&path, "[time]\nfuture_cues = [\"将\",\nbroken = 3\n").unwrap();
    let err = Extractor::builder()
        .word_lists_file(&path)
        .build()
        .unwrap_err();
    match &err {
        Error::Lexicon { file, line, .. } => {
            assert!(file.ends_with("bad.toml"), "{err}");
            assert!(*line >= 2, "{err}");
        }
        other => panic!("expected a lexicon error, got {other:?}"),
    }
    let missing = Extractor::builder()
        .word_lists_file(dir.join("none.toml"))
        .build()
        .unwrap_err();
    assert!(matches!(missing, Error::Io { .. }), "{missing}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A stage that records what a list holds when it runs.
#[derive(Debug)]
struct ReadsAList(Arc<Mutex<Vec<String>>>);

impl Stage for ReadsAList {
    fn name(&self) -> &str {
        "reads_a_list"
    }
    fn run(&self, work: &mut Work<'_>) -> zhextract::Result<()> {
        *self.0.lock().unwrap() = work.word_list("mine.brands").to_vec();
        Ok(())
    }
}

#[test]
fn a_stage_of_ones_own_reads_the_lists() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mine = WordLists::parse("mine", "[mine]\nbrands = [\"甲牌\", \"乙牌\"]\n").unwrap();
    let ex = Extractor::builder()
        .word_lists(mine)
        .stage_after("rules", ReadsAList(seen.clone()))
        .build()
        .unwrap();
    ex.extract("甲牌上市。").unwrap();
    assert_eq!(*seen.lock().unwrap(), ["甲牌", "乙牌"]);
}
