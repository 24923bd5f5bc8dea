//! The analysis pipeline: an ordered list of [`Stage`]s over one [`Work`],
//! the working document (the text prepared for matching, its sentences and
//! tokens, the entities, times and relations found so far).
//!
//! The text itself is prepared before the list runs (normalize, convert,
//! fold for matching: `src/text/`), since every later offset refers to the
//! text those steps write; the stages then read it and add annotations, each
//! seeing what the stages before it found and none calling a later one. The
//! [`Extractor`](crate::Extractor) assembles the [`Document`](crate::Document)
//! from the `Work` the last stage leaves.
//!
//! The default list, in order: `document_date`, `segment`, `rules` (entity
//! rules, document-level name linking, time rules, relation rules: the rule
//! engine, which knows no calendar), `time_values` (the
//! times' values), `relation_classifier`, `time_anaphora`, `named_subsidiaries`,
//! `deal_amounts`. A builder can insert, replace or remove stages by name
//! ([`ExtractorBuilder::stage_after`](crate::ExtractorBuilder::stage_after)).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use crate::config::{Reference, TimeBias};
use crate::document::EntityType;
use crate::error::Result;
use crate::extract::entities::EntityWords;
use crate::lexicon::Lexicon;
use crate::relation_model::RelationModel;
use crate::rules::{EntityHit, Hits, Input, RuleSet};
use crate::segment::{split_sentences, Token, Tokenizer};
use crate::text::OffsetMap;
use crate::time::resolve::TimeValue;
use crate::words::WordLists;

/// One step of the analysis: reads the [`Work`] and adds to it.
///
/// A stage of your own, adding names from a private list:
///
/// ```
/// use zhextract::{EntityType, Extractor, Stage, Work};
///
/// #[derive(Debug)]
/// struct CodeNames(Vec<&'static str>);
///
/// impl Stage for CodeNames {
///     fn name(&self) -> &str {
///         "code_names"
///     }
///     fn run(&self, work: &mut Work<'_>) -> zhextract::Result<()> {
///         let found: Vec<_> = self
///             .0
///             .iter()
///             .flat_map(|w| work.text().match_indices(w).map(|(i, w)| i..i + w.len()).collect::<Vec<_>>())
///             .collect();
///         for span in found {
///             work.add_entity(span, EntityType::Product, None);
///         }
///         Ok(())
///     }
/// }
///
/// let ex = Extractor::builder()
///     .stage_after("segment", CodeNames(vec!["青鸟计划"]))
///     .build()?;
/// let doc = ex.extract("公司启动青鸟计划。")?;
/// assert!(doc.entities.iter().any(|e| e.text == "青鸟计划" && e.kind == EntityType::Product));
/// # Ok::<(), zhextract::Error>(())
/// ```
pub trait Stage: Send + Sync + fmt::Debug {
    /// The stage's name, unique in a pipeline (`segment`, `rules` …).
    fn name(&self) -> &str;
    /// Read `work` and add to it.
    fn run(&self, work: &mut Work<'_>) -> Result<()>;
}

/// The working document the stages share. Offsets are bytes of
/// [`text`](Work::text), the text prepared for matching (Simplified,
/// annotation-free, width-folded); the extractor maps them back to the input.
pub struct Work<'t> {
    pub(crate) input: &'t str,
    pub(crate) text: &'t str,
    pub(crate) map: &'t OffsetMap,
    /// Input ranges of garbled runs: nothing is extracted from them.
    pub(crate) garbled: &'t [Range<usize>],
    /// The reference the caller gave, if any.
    pub(crate) given: Option<Reference>,
    /// The reference found in the text (`document_date`), if none was given.
    pub(crate) detected: Option<Reference>,
    pub(crate) bias: TimeBias,
    pub(crate) sentences: Vec<Range<usize>>,
    pub(crate) tokens: Vec<Token<'t>>,
    pub(crate) hits: Hits,
    /// Times with their values (`time_values` moves them here from
    /// `hits.times`).
    pub(crate) times: Vec<TimeFound>,
    /// The extractor's word lists (built-in, with a user's overrides).
    pub(crate) words: &'t WordLists,
}

/// A time found by a rule, with its value.
#[derive(Clone, Debug)]
pub(crate) struct TimeFound {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) value: TimeValue,
}

impl fmt::Debug for Work<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Work")
            .field("text_len", &self.text.len())
            .field("sentences", &self.sentences.len())
            .field("tokens", &self.tokens.len())
            .field("entities", &self.hits.entities.len())
            .field("times", &self.hits.times.len())
            .field("relations", &self.hits.relations.len())
            .finish()
    }
}

impl<'t> Work<'t> {
    pub(crate) fn new(
        input: &'t str,
        text: &'t str,
        map: &'t OffsetMap,
        garbled: &'t [Range<usize>],
        given: Option<Reference>,
        bias: TimeBias,
        words: &'t WordLists,
    ) -> Self {
        Work {
            input,
            text,
            map,
            garbled,
            given,
            detected: None,
            bias,
            sentences: Vec::new(),
            tokens: Vec::new(),
            hits: Hits::default(),
            times: Vec::new(),
            words,
        }
    }

    /// The extractor's word list `name` (`section.list`, see
    /// [`WordLists`]): a stage of one's own may read its words there.
    pub fn word_list(&self, name: &str) -> &'t [String] {
        self.words.get(name)
    }

    /// The original input.
    pub fn input(&self) -> &'t str {
        self.input
    }

    /// The text the stages work on (Simplified, annotation-free, folded).
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// Sentence spans of [`text`](Work::text) (empty before `segment`).
    pub fn sentences(&self) -> &[Range<usize>] {
        &self.sentences
    }

    /// Tokens with POS tags (empty before `segment`).
    pub fn tokens(&self) -> &[Token<'t>] {
        &self.tokens
    }

    /// The instant relative times resolve against: the caller's, else the
    /// one `document_date` found.
    pub fn reference(&self) -> Option<Reference> {
        self.given.or(self.detected)
    }

    /// Entities found so far: span of [`text`](Work::text) and type.
    pub fn entities(&self) -> impl Iterator<Item = (Range<usize>, &EntityType)> + '_ {
        self.hits.entities.iter().map(|e| (e.start..e.end, &e.kind))
    }

    /// Add an entity at `span` of [`text`](Work::text), replacing the
    /// entities it overlaps (a stage's own list wins); `canonical` defaults
    /// to the text. A span off the text's char boundaries is ignored (and
    /// false returned).
    pub fn add_entity(
        &mut self,
        span: Range<usize>,
        kind: EntityType,
        canonical: Option<&str>,
    ) -> bool {
        let t = self.text;
        if span.start >= span.end
            || !t.is_char_boundary(span.start)
            || !t.is_char_boundary(span.end)
            || span.end > t.len()
        {
            return false;
        }
        let canonical = canonical.unwrap_or(&t[span.clone()]).to_string();
        self.hits
            .entities
            .retain(|e| e.end <= span.start || span.end <= e.start);
        let at = self
            .hits
            .entities
            .partition_point(|e| (e.start, e.end) < (span.start, span.end));
        self.hits.entities.insert(
            at,
            EntityHit::from_stage(span.start, span.end, kind, canonical),
        );
        true
    }

    /// Whether the input behind `start..end` of the text is garbled.
    pub(crate) fn blocked(&self, start: usize, end: usize) -> bool {
        let (s, e) = self.map.span(start, end);
        self.garbled.iter().any(|g| s < g.end && g.start < e)
    }
}

/// The document's own date, when the caller gave none: a heading, an agency
/// code, a dateline (its regex made with the extractor's word lists).
#[derive(Debug)]
pub(crate) struct DocumentDate {
    pub(crate) dateline: regex::Regex,
}

impl Stage for DocumentDate {
    fn name(&self) -> &str {
        "document_date"
    }
    fn run(&self, work: &mut Work<'_>) -> Result<()> {
        if work.given.is_none() {
            let found = crate::time::doc_date::detect(work.text, &self.dateline);
            work.detected = found.map(|(dt, date_only, _)| {
                if date_only {
                    Reference::date(dt.date())
                } else {
                    Reference::datetime(dt)
                }
            });
        }
        Ok(())
    }
}

/// Sentences, and jieba's tokens with POS tags (one pass over the whole
/// text: cheaper than one per sentence, and jieba never joins across the
/// punctuation that ends a sentence).
#[derive(Debug)]
pub(crate) struct Segment {
    pub(crate) tokenizer: Arc<Tokenizer>,
}

impl Stage for Segment {
    fn name(&self) -> &str {
        "segment"
    }
    fn run(&self, work: &mut Work<'_>) -> Result<()> {
        work.sentences = split_sentences(work.text);
        work.tokens = self.tokenizer.tokenize(work.text);
        Ok(())
    }
}

/// The rule engine: entity rules, then the document-level linking of names
/// (person names completed, aliases, a company's distinctive part), time
/// rules with their values, and relation rules, stage by stage of the rule
/// files; linking runs before the first stage with relation rules, which
/// see the linked mentions.
pub(crate) struct Rules {
    pub(crate) rules: RuleSet,
    pub(crate) lexicon: Arc<Lexicon>,
    pub(crate) tokenizer: Arc<Tokenizer>,
    pub(crate) entity_words: EntityWords,
    pub(crate) names: crate::extract::person_names::NameData,
}

impl fmt::Debug for Rules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rules").finish_non_exhaustive()
    }
}

impl Stage for Rules {
    fn name(&self) -> &str {
        "rules"
    }
    fn run(&self, work: &mut Work<'_>) -> Result<()> {
        let seed = std::mem::take(&mut work.hits);
        let w: &Work<'_> = work;
        let names = crate::extract::person_names::NameContext::new(
            w.text,
            &w.tokens,
            &self.tokenizer,
            &self.names,
        );
        let blocked = |s: usize, e: usize| w.blocked(s, e);
        let mut link = |entities: &mut Vec<EntityHit>| {
            // names completed first, so that their repeats are linked whole
            crate::extract::person_names::complete_person_names(&names, entities, &blocked);
            crate::extract::entities::link_aliases(w.text, entities, &self.entity_words, &blocked);
            crate::extract::entities::link_distinctive_parts(
                w.text,
                &w.tokens,
                entities,
                &self.lexicon,
                &self.entity_words,
                &|x| self.tokenizer.has_word(x),
                &blocked,
            );
        };
        let found = self.rules.run(
            &Input {
                text: w.text,
                sentences: &w.sentences,
                tokens: &w.tokens,
                lexicon: &self.lexicon,
                words: w.words,
            },
            seed,
            &mut link,
        );
        work.hits = found;
        Ok(())
    }
}

/// The values of the times the rules found: their fields resolved against
/// the reference with calendar arithmetic (`src/time/`).
#[derive(Debug)]
pub(crate) struct TimeValues {
    pub(crate) rules: RuleSet,
}

impl Stage for TimeValues {
    fn name(&self) -> &str {
        "time_values"
    }
    fn run(&self, work: &mut Work<'_>) -> Result<()> {
        let against = crate::time::resolve::Against {
            reference: work.reference().map(|r| r.datetime),
            bias: work.bias,
            words: work.words,
        };
        for t in std::mem::take(&mut work.hits.times) {
            let Some((spec, names)) = self.rules.time_output(t.rule) else {
                continue;
            };
            let value = crate::time::resolve::resolve_match(
                spec, names, &t.spans, work.text, t.start, &against,
            );
            work.times.push(TimeFound {
                start: t.start,
                end: t.end,
                value,
            });
        }
        Ok(())
    }
}

/// The relation classifier: pairs of entities no relation rule related.
#[derive(Debug)]
pub(crate) struct RelationClassifier {
    pub(crate) model: Arc<RelationModel>,
    pub(crate) lexicon: Arc<Lexicon>,
}

impl Stage for RelationClassifier {
    fn name(&self) -> &str {
        "relation_classifier"
    }
    fn run(&self, work: &mut Work<'_>) -> Result<()> {
        let domain = crate::extract::relations::ModelDomain::new(&self.lexicon, work.words);
        crate::extract::relations::classify_pairs(
            &self.model,
            &domain,
            &work.tokens,
            &work.sentences,
            work.text,
            &work.hits.entities,
            &mut work.hits.relations,
        );
        Ok(())
    }
}

/// 当时, 当年, 该季度, 当天, 次日: values from the time the text spoke of before.
#[derive(Debug, Default)]
pub(crate) struct TimeAnaphora;

impl Stage for TimeAnaphora {
    fn name(&self) -> &str {
        "time_anaphora"
    }
    fn run(&self, work: &mut Work<'_>) -> Result<()> {
        let reference = work.reference().map(|r| r.datetime);
        let mut times: Vec<(usize, &mut TimeValue)> = work
            .times
            .iter_mut()
            .map(|t| (t.start, &mut t.value))
            .collect();
        times.sort_by_key(|(s, _)| *s);
        crate::time::anaphora::resolve_anaphora(&mut times, reference);
        Ok(())
    }
}

/// Units named after their group (徐工印尼公司 of 徐工) as subsidiaries.
#[derive(Debug)]
pub(crate) struct NamedSubsidiaries {
    pub(crate) lexicon: Arc<Lexicon>,
}

impl Stage for NamedSubsidiaries {
    fn name(&self) -> &str {
        "named_subsidiaries"
    }
    fn run(&self, work: &mut Work<'_>) -> Result<()> {
        let named = crate::extract::relations::subsidiaries_by_name(
            work.text,
            &work.hits.entities,
            &work.sentences,
            &self.lexicon,
            work.words,
        );
        let relations = &mut work.hits.relations;
        for r in named {
            let dup = relations.iter().any(|h| {
                h.subject.start == r.subject.start
                    && h.object.start == r.object.start
                    && h.predicate == r.predicate
            });
            if !dup {
                relations.push(r);
            }
        }
        Ok(())
    }
}

/// Acquisitions and investments without a value take the first amount of
/// their parties' clause.
#[derive(Debug, Default)]
pub(crate) struct DealAmounts;

impl Stage for DealAmounts {
    fn name(&self) -> &str {
        "deal_amounts"
    }
    fn run(&self, work: &mut Work<'_>) -> Result<()> {
        crate::extract::relations::deal_amounts(
            work.text,
            &work.hits.entities,
            &mut work.hits.relations,
        );
        Ok(())
    }
}
