//! A stage of your own in the pipeline: names from a private list (code
//! names of projects, say) tagged as PRODUCT wherever the text has them, in
//! either script, before the rules run, so the relation rules see them as
//! parties (`A 推出 <code name>`).
//!
//! ```text
//! cargo run --example custom_stage -- 青鸟计划 蓝鲸一号 < article.txt
//! ```
//!
//! With no input on stdin it runs on a sentence of its own and checks the
//! result (CI runs it so).

use std::io::{IsTerminal, Read};

use zhextract::{EntityType, Extractor, Stage, Work};

/// Adds the words of a private list as PRODUCT entities.
#[derive(Debug)]
struct PrivateNames {
    words: Vec<String>,
}

impl Stage for PrivateNames {
    fn name(&self) -> &str {
        "private_names"
    }

    fn run(&self, work: &mut Work<'_>) -> zhextract::Result<()> {
        // `text` is the prepared text (Simplified, width-folded): list the
        // words in Simplified and they are found in Traditional input too
        let text = work.text();
        let spans: Vec<_> = self
            .words
            .iter()
            .flat_map(|w| text.match_indices(w.as_str()).map(|(i, m)| i..i + m.len()))
            .collect();
        for span in spans {
            work.add_entity(span, EntityType::Product, None);
        }
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut words: Vec<String> = std::env::args().skip(1).collect();
    let own_sentence = std::io::stdin().is_terminal() || words.is_empty();
    if words.is_empty() {
        words = vec!["青鸟计划".into()];
    }
    let ex = Extractor::builder()
        .stage_after("segment", PrivateNames { words })
        .build()?;
    let text = if own_sentence {
        "星河雲科技宣布推出青鳥計劃。".to_string()
    } else {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    };
    let doc = ex.extract(&text)?;
    println!("{}", serde_json::to_string_pretty(&doc)?);
    if own_sentence {
        // the name is found in the Traditional input, and spans the input
        let e = doc
            .entities
            .iter()
            .find(|e| e.kind == EntityType::Product)
            .ok_or("the private name was not found")?;
        assert_eq!(e.text, "青鳥計劃");
        assert_eq!(&text[e.span.start..e.span.end], e.text);
        // and the relation rules took it as a party
        assert!(doc.triples.iter().any(|t| t.object.text == "青鳥計劃"));
    }
    Ok(())
}
