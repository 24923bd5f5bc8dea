//! The rule engine: the built-in rule files' own `[[test]]` cases, and the
//! errors a bad rule file gives.

mod common;

use common::{check_document, extractor, SEED};
use zhextract::{Error, Extractor, RuleSet};

#[test]
fn builtin_rule_files_pass_their_own_tests() {
    let ex = extractor();
    assert!(ex.rule_tests().len() >= 10);
    let failures = ex.check_rule_tests(None);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn seed_extraction_spans_are_valid_and_skip_garbled_runs() {
    let doc = extractor()
        .extract_at(SEED, Some("2022-10-21".parse().unwrap()))
        .unwrap();
    assert!(doc.entities.len() > 50);
    assert!(!doc.times.is_empty());
    check_document(SEED, &doc);
    let garbled: Vec<_> = doc
        .diagnostics
        .iter()
        .filter(|d| d.kind == zhextract::DiagnosticKind::GarbledText)
        .collect();
    for e in &doc.entities {
        for g in &garbled {
            assert!(
                e.span.end <= g.span.start || g.span.end <= e.span.start,
                "{e:?} inside {g:?}"
            );
        }
    }
}

fn err(toml: &str) -> (usize, usize, String, String) {
    match RuleSet::compile(&[("bad.toml", toml)]) {
        Err(Error::Rules {
            file,
            line,
            column,
            rule,
            message,
        }) => {
            assert_eq!(file, "bad.toml");
            (line, column, rule, message)
        }
        other => panic!("expected a rules error, got {other:?}"),
    }
}

#[test]
fn rule_file_errors_name_file_line_column_and_rule() {
    // TOML syntax
    let (line, col, _, msg) = err("[[rule]]\nid = \"x\"\nkind = entity\n");
    assert_eq!((line, col), (3, 8), "{msg}");
    // unknown field
    let (line, _, _, msg) = err("[[rule]]\nid = \"x\"\nkind = \"entity\"\npatern = []\n");
    assert!(msg.contains("patern"), "{msg}");
    assert!(line >= 1);
    // bad regex
    let (line, col, rule, msg) = err("\n[[rule]]\nid = \"money\"\nkind = \"entity\"\nregex = '(\\d+'\nentity = { type = \"MONEY\" }\n");
    assert_eq!((line, col, rule.as_str()), (2, 1, "money"));
    assert!(msg.contains("bad regex"), "{msg}");
    // unknown type
    let (_, _, rule, msg) = err("[[rule]]\nid = \"t\"\nkind = \"entity\"\npattern = [{ text = \"x\" }]\nentity = { type = \"COMPANY\" }\n");
    assert_eq!(rule, "t");
    assert!(msg.contains("unknown entity type \"COMPANY\""), "{msg}");
    // a capture the output names but the pattern lacks
    let (_, _, _, msg) = err("[[rule]]\nid = \"r\"\nkind = \"relation\"\npattern = [{ text = \"x\", name = \"a\" }]\nrelation = { predicate = \"acquire\", subject = \"a\", object = \"b\" }\n");
    assert!(msg.contains("capture \"b\" is not in the pattern"), "{msg}");
    // a dependency on its own stage (a cycle)
    let (_, _, rule, msg) = err("[[rule]]\nid = \"grow\"\nkind = \"entity\"\npattern = [{ entity = \"ORG\" }, { text = \"集团\" }]\nentity = { type = \"ORG\" }\n");
    assert_eq!(rule, "grow");
    assert!(msg.contains("no earlier stage produces it"), "{msg}");
    // pathological regex: over the size limit
    let (_, _, _, msg) = err("[[rule]]\nid = \"huge\"\nkind = \"entity\"\nregex = '(?:\\w{100}){100}'\nentity = { type = \"ORG\" }\n");
    assert!(msg.contains("bad regex"), "{msg}");
    // a regex fragment the file does not define, and one left open
    let (_, _, rule, msg) = err("[fragments]\nd = '\\d'\n[[rule]]\nid = \"f\"\nkind = \"entity\"\nregex = '{{d}}{{e}}'\nentity = { type = \"ORG\" }\n");
    assert_eq!(rule, "f");
    assert!(
        msg.contains("no regex fragment \"e\"") && msg.contains("defines: d"),
        "{msg}"
    );
    let (_, _, _, msg) = err("[[rule]]\nid = \"g\"\nkind = \"entity\"\npattern = [{ regex = '{{d' }]\nentity = { type = \"ORG\" }\n");
    assert!(msg.contains("without a closing"), "{msg}");
    // `not` alternatives are one item each
    let (_, _, _, msg) = err("[[rule]]\nid = \"n\"\nkind = \"entity\"\npattern = [{ not = { any = [[{ text = \"a\" }, { text = \"b\" }]] } }]\nentity = { type = \"ORG\" }\n");
    assert!(msg.contains("one item each"), "{msg}");
    let (_, _, _, msg) = err("[[rule]]\nid = \"e\"\nkind = \"entity\"\npattern = [{ end = true, text = \"a\" }]\nentity = { type = \"ORG\" }\n");
    assert!(msg.contains("`end` stands alone"), "{msg}");
}

/// The texts of the entities a rule file alone (no built-in rules) finds.
fn entity_texts(name: &str, toml: &str) -> impl Fn(&str) -> Vec<String> {
    let ex = Extractor::builder()
        .default_rules(false)
        .rules_source(name, toml)
        .build()
        .unwrap();
    move |text: &str| {
        ex.extract(text)
            .unwrap()
            .entities
            .into_iter()
            .map(|e| e.text)
            .collect()
    }
}

#[test]
fn end_matches_only_where_the_sentence_ends() {
    let toml = r#"
[[rule]]
id = "org.last_word"
kind = "entity"
pattern = [{ regex = '\p{Han}+', name = "o" }, { text = "集团" }, { end = true }]
entity = { type = "ORG", capture = "o" }
"#;
    let found = entity_texts("end.toml", toml);
    assert_eq!(found("他们收购了星海集团"), ["星海"]);
    assert!(found("他们收购了星海集团。").is_empty());
    assert!(found("星海集团宣布").is_empty());
}

#[test]
fn not_with_alternatives_excludes_each_of_them() {
    let toml = r#"
[[rule]]
id = "org.before_group"
kind = "entity"
pattern = [{ not = { any = [[{ words = ["该", "这"] }], [{ pos = "m" }]] }, name = "o" }, { text = "集团" }]
entity = { type = "ORG", capture = "o" }
"#;
    let found = entity_texts("not_any.toml", toml);
    assert_eq!(found("星海集团发布公告"), ["星海"]);
    assert!(found("该集团发布公告").is_empty());
    assert!(found("两个集团发布公告").is_empty());
}

#[test]
fn regex_fragments_expand_in_rule_and_element_regexes() {
    let toml = r#"
[fragments]
toy = '(?:小黄鸭|大白鹅)'

[[rule]]
id = "toy.regex"
kind = "entity"
regex = '{{toy}}玩具'
entity = { type = "PRODUCT" }

[[rule]]
id = "toy.token"
kind = "entity"
pattern = [{ regex = '{{toy}}' }, { text = "公司" }]
entity = { type = "ORG" }
"#;
    let ex = Extractor::builder()
        .default_rules(false)
        .rules_source("toys.toml", toml)
        .build()
        .unwrap();
    let doc = ex.extract("大白鹅玩具").unwrap();
    assert_eq!(doc.entities.len(), 1, "{:?}", doc.entities);
    assert_eq!(doc.entities[0].source, "rule:toy.regex");
}

#[test]
fn user_rules_add_to_the_defaults_and_can_replace_them() {
    let toml = r#"
[[rule]]
id = "toy.duck"
kind = "entity"
regex = "小黄鸭"
entity = { type = "PRODUCT", canonical = "小黄鸭玩具" }
"#;
    let ex = Extractor::builder()
        .rules_source("mine.toml", toml)
        .build()
        .unwrap();
    let doc = ex.extract("腾讯推出小黄鸭").unwrap();
    assert!(doc
        .entities
        .iter()
        .any(|e| e.text == "小黄鸭" && e.canonical == "小黄鸭玩具" && e.source == "rule:toy.duck"));
    assert!(doc.entities.iter().any(|e| e.text == "腾讯"));
    let only = Extractor::builder()
        .default_rules(false)
        .rules_source("mine.toml", toml)
        .build()
        .unwrap();
    let doc = only.extract("腾讯推出小黄鸭").unwrap();
    assert_eq!(doc.entities.len(), 1);
}

#[test]
fn duplicate_rules_are_compiled_once() {
    let base = RuleSet::builtin_sources();
    let mut sources = base.clone();
    for i in 0..3 {
        for (name, text) in &base {
            sources.push((
                format!("{name}.{i}"),
                text.replace("id = \"", &format!("id = \"copy{i}.")),
            ));
        }
    }
    let set = RuleSet::compile(&sources).unwrap();
    assert_eq!(set.len(), 4 * RuleSet::builtin().unwrap().len());
    let ex = Extractor::builder().default_rules(false);
    let ex = sources
        .iter()
        .fold(ex, |b, (n, t)| b.rules_source(n.clone(), t.clone()))
        .build()
        .unwrap();
    let a = extractor().extract(SEED).unwrap();
    let b = ex.extract(SEED).unwrap();
    assert_eq!(a.entities.len(), b.entities.len());
    assert_eq!(a.times.len(), b.times.len());
}

/// A rule reads a named word list of the registry (`list = "section.name"`):
/// the built-in stoplists, or a user's list given to the extractor; a name
/// no list has is an error naming the rule's file and line.
#[test]
fn rules_read_named_word_lists() {
    let rule = r#"
[[rule]]
id = "mine.brand"
kind = "entity"
stage = 2
pattern = [{ list = "mine.brands", name = "b" }, { words = ["宣布", "表示"] }]
entity = { type = "ORG", capture = "b", canonical = "text" }
"#;
    let (line, _, id, msg) = err(rule);
    assert_eq!((line, id.as_str()), (2, "mine.brand"), "{msg}");
    assert!(msg.contains("mine.brands"), "{msg}");

    let lists = zhextract::WordLists::parse("mine.toml", "[mine]\nbrands = [\"星澜\"]\n").unwrap();
    let ex = zhextract::Extractor::builder()
        .rules_source("mine.toml", rule)
        .word_lists(lists)
        .build()
        .unwrap();
    let text = "星澜宣布新品上市。";
    let doc = ex.extract(text).unwrap();
    common::check_document(text, &doc);
    assert!(
        doc.entities
            .iter()
            .any(|e| e.text == "星澜" && e.kind == zhextract::EntityType::Org),
        "{:?}",
        doc.entities
    );
    // the built-in stoplist is there by its name
    assert!(!zhextract::WordLists::builtin()
        .get("stoplists.not_person")
        .is_empty());
    assert!(RuleSet::builtin()
        .unwrap()
        .rule_ids()
        .any(|id| id == "entity.person.not_a_name"));
}

/// A regex fragment may be the words of named word lists, as one
/// alternation; a list it names must exist.
#[test]
fn fragments_made_of_word_lists() {
    let file = |list: &str| {
        format!(
            r#"
[fragments]
brand = {{ lists = ["{list}"] }}

[[rule]]
id = "mine.brand_regex"
kind = "entity"
stage = 2
regex = '(?P<b>{{{{brand}}}})(?:宣布|表示)'
entity = {{ type = "ORG", capture = "b", canonical = "text" }}
"#
        )
    };
    let (line, _, _, msg) = err(&file("mine.missing"));
    assert_eq!(line, 3, "{msg}");
    assert!(msg.contains("mine.missing"), "{msg}");

    let lists =
        zhextract::WordLists::parse("mine.toml", "[mine]\nbrands = [\"星澜\", \"a.b\"]\n").unwrap();
    let ex = zhextract::Extractor::builder()
        .rules_source("mine.toml", file("mine.brands"))
        .word_lists(lists)
        .build()
        .unwrap();
    // the words are escaped: "a.b" is no pattern that matches "axb"
    for (text, want) in [("星澜宣布新品上市。", "星澜"), ("a.b表示同意。", "a.b")] {
        let doc = ex.extract(text).unwrap();
        common::check_document(text, &doc);
        assert!(
            doc.entities
                .iter()
                .any(|e| e.text == want && e.kind == zhextract::EntityType::Org),
            "{text}: {:?}",
            doc.entities
        );
    }
    let doc = ex.extract("axb表示同意。").unwrap();
    assert!(
        doc.entities.iter().all(|e| e.text != "axb"),
        "{:?}",
        doc.entities
    );
}
