//! The stage list: the default order, a stage of the caller's own that adds
//! names from a private list (before and after the rules), stages removed
//! and replaced, and an edit naming no stage.

mod common;

use common::check_span;
use zhextract::{EntityType, Error, Extractor, Stage, Work};

/// Names from a private list, as PRODUCT.
#[derive(Debug)]
struct PrivateNames(Vec<&'static str>);

impl Stage for PrivateNames {
    fn name(&self) -> &str {
        "private_names"
    }
    fn run(&self, work: &mut Work<'_>) -> zhextract::Result<()> {
        let text = work.text();
        let spans: Vec<_> = self
            .0
            .iter()
            .flat_map(|w| text.match_indices(w).map(|(i, m)| i..i + m.len()))
            .collect();
        for span in spans {
            assert!(work.add_entity(span, EntityType::Product, Some("内部代号")));
        }
        Ok(())
    }
}

/// Does nothing: stands in for a stage a caller turns off.
#[derive(Debug)]
struct Nothing;

impl Stage for Nothing {
    fn name(&self) -> &str {
        "nothing"
    }
    fn run(&self, _: &mut Work<'_>) -> zhextract::Result<()> {
        Ok(())
    }
}

const TEXT: &str = "2024年3月15日電 星河雲科技啟動「藍鯨一號」計畫，並與北辰數據簽署合作協議。";

#[test]
fn the_default_stages_run_in_pipeline_order() {
    let ex = Extractor::new().unwrap();
    assert_eq!(
        ex.stage_names(),
        [
            "document_date",
            "segment",
            "rules",
            "time_values",
            "relation_classifier",
            "time_anaphora",
            "named_subsidiaries",
            "deal_amounts"
        ]
    );
    let no_model = Extractor::builder().relation_model(false).build().unwrap();
    assert!(!no_model.stage_names().contains(&"relation_classifier"));
}

#[test]
fn a_stage_of_ones_own_adds_names_from_a_private_list() {
    for after in ["segment", "rules", "deal_amounts"] {
        let ex = Extractor::builder()
            .stage_after(after, PrivateNames(vec!["蓝鲸一号"]))
            .build()
            .unwrap();
        let doc = ex.extract(TEXT).unwrap();
        let found: Vec<_> = doc
            .entities
            .iter()
            .filter(|e| e.source == "stage")
            .collect();
        assert_eq!(found.len(), 1, "after {after}: {:?}", doc.entities);
        let e = found[0];
        // found in the Simplified text, reported in the original
        assert_eq!(e.text, "藍鯨一號");
        assert_eq!(e.kind, EntityType::Product);
        assert_eq!(e.canonical, "内部代号");
        check_span(TEXT, &e.span, Some("藍鯨一號"));
    }
}

#[test]
fn stages_can_be_removed_and_replaced() {
    let full = Extractor::new().unwrap().extract(TEXT).unwrap();
    assert!(full.doc_date.is_some(), "the dateline gives the date");

    let ex = Extractor::builder()
        .replace_stage("document_date", Nothing)
        .remove_stage("relation_classifier")
        .build()
        .unwrap();
    assert_eq!(ex.stage_names()[0], "nothing");
    let doc = ex.extract(TEXT).unwrap();
    assert!(doc.doc_date.is_none());
    assert!(doc.triples.iter().all(|t| t.rule != "model:relations"));

    // without the rules there is nothing to find
    let bare = Extractor::builder().remove_stage("rules").build().unwrap();
    assert!(bare.extract(TEXT).unwrap().entities.is_empty());
}

#[test]
fn an_edit_naming_no_stage_is_an_error() {
    let err = Extractor::builder()
        .stage_after("tagger", Nothing)
        .build()
        .unwrap_err();
    match err {
        Error::Stage { name, message } => {
            assert_eq!(name, "tagger");
            assert!(message.contains("segment"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}
