//! The [`Extractor`]: built once from an [`ExtractorBuilder`], then run on any
//! number of texts from any number of threads. It runs the stages in order
//! (normalize -> convert -> fold -> later stages) and maps every span back to
//! the original input through one composed [`OffsetMap`](crate::text::OffsetMap).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

pub use crate::config::{Reference, TimeBias};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::lexicon::Lexicon;
mod assemble;
mod rule_tests;

use crate::pipeline::{self, Stage, Work};
use crate::relation_model::RelationModel;
use crate::rules::{Input, RuleSet, RuleTest};
use crate::segment::Tokenizer;
use crate::text::{
    fold_for_matching, AutoConverter, Convert, Normalizer, OffsetMap, OpenccConverter, Variant,
};
use crate::words::WordLists;

/// Default limit on input size: 256 MiB.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 256 << 20;

/// Which Traditional->Simplified implementation to use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConvertBackend {
    /// The built-in pure-Rust OpenCC interpreter.
    #[default]
    Builtin,
    /// The C++ libopencc through `opencc-rust` (cargo feature `opencc`).
    #[cfg(feature = "opencc")]
    LibOpencc,
}

/// Options for an [`Extractor`]; see each method.
///
/// ```
/// use zhextract::{Extractor, TimeBias};
/// let ex = Extractor::builder()
///     .reference("2022-10-21".parse().unwrap())
///     .time_bias(TimeBias::Past)
///     .include_simplified(true)
///     .build()
///     .unwrap();
/// let doc = ex.extract("騰訊").unwrap();
/// assert_eq!(doc.simplified.as_deref(), Some("腾讯"));
/// ```
#[derive(Clone, Debug)]
pub struct ExtractorBuilder {
    reference: Option<Reference>,
    time_bias: TimeBias,
    include_tokens: bool,
    include_simplified: bool,
    variant: Variant,
    backend: ConvertBackend,
    opencc_dir: Option<PathBuf>,
    protected_words: Vec<String>,
    max_input_bytes: usize,
    hmm: bool,
    lexicon: Option<Lexicon>,
    lexicon_files: Vec<PathBuf>,
    default_rules: bool,
    rule_sources: Vec<(String, String)>,
    rule_files: Vec<PathBuf>,
    relation_model: bool,
    relation_model_file: Option<PathBuf>,
    stage_edits: Vec<StageEdit>,
    word_lists: Vec<WordLists>,
    word_lists_files: Vec<PathBuf>,
}

/// A change to the default stage list, applied in order at `build`.
#[derive(Clone, Debug)]
enum StageEdit {
    After(String, Arc<dyn Stage>),
    Before(String, Arc<dyn Stage>),
    Replace(String, Arc<dyn Stage>),
    Remove(String),
}

impl Default for ExtractorBuilder {
    fn default() -> Self {
        Self {
            reference: None,
            time_bias: TimeBias::Past,
            include_tokens: false,
            include_simplified: false,
            variant: Variant::Auto,
            backend: ConvertBackend::Builtin,
            opencc_dir: None,
            protected_words: Vec::new(),
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            hmm: true,
            lexicon: None,
            lexicon_files: Vec::new(),
            default_rules: true,
            rule_sources: Vec::new(),
            rule_files: Vec::new(),
            relation_model: true,
            relation_model_file: None,
            stage_edits: Vec::new(),
            word_lists: Vec::new(),
            word_lists_files: Vec::new(),
        }
    }
}

impl ExtractorBuilder {
    /// Resolve relative times against this instant unless a call gives its own.
    pub fn reference(mut self, reference: Reference) -> Self {
        self.reference = Some(reference);
        self
    }

    /// Bare months and weekdays: past (default), future or nearest.
    pub fn time_bias(mut self, bias: TimeBias) -> Self {
        self.time_bias = bias;
        self
    }

    /// Put the tokens into each [`Document`].
    pub fn include_tokens(mut self, yes: bool) -> Self {
        self.include_tokens = yes;
        self
    }

    /// Put the Simplified, annotation-free text into each [`Document`].
    pub fn include_simplified(mut self, yes: bool) -> Self {
        self.include_simplified = yes;
        self
    }

    /// OpenCC configuration: auto (default: t2s, tw2s or hk2s per text, see
    /// [`detect_variant`](crate::text::detect_variant)), t2s, tw2s, hk2s, tw2sp, hk2sp.
    pub fn conversion(mut self, variant: Variant) -> Self {
        self.variant = variant;
        self
    }

    /// Conversion backend (the built-in one unless the `opencc` feature is on
    /// and asked for).
    pub fn convert_backend(mut self, backend: ConvertBackend) -> Self {
        self.backend = backend;
        self
    }

    /// Read OpenCC dictionaries and configs from this folder instead of the
    /// compiled-in OpenCC 1.4.2 data.
    pub fn opencc_data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.opencc_dir = Some(dir.into());
        self
    }

    /// Words the converter must leave exactly as written (added to any given before).
    pub fn protect_words<I, S>(mut self, words: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.protected_words
            .extend(words.into_iter().map(Into::into));
        self
    }

    /// Reject inputs larger than this many bytes (default 256 MiB; 4 GiB is
    /// the most any limit allows, since offsets are kept as 32 bits).
    pub fn max_input_bytes(mut self, limit: usize) -> Self {
        self.max_input_bytes = limit;
        self
    }

    /// jieba's HMM for words its dictionary lacks (default on: it keeps
    /// unknown names whole more often).
    pub fn hmm(mut self, yes: bool) -> Self {
        self.hmm = yes;
        self
    }

    /// Use this lexicon instead of the built-in one.
    pub fn lexicon(mut self, lexicon: Lexicon) -> Self {
        self.lexicon = Some(lexicon);
        self
    }

    /// Add a lexicon file (`surface<TAB>TYPE[<TAB>canonical]`); its entries
    /// override the built-in ones. Surfaces may be written in Traditional.
    pub fn lexicon_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.lexicon_files.push(path.into());
        self
    }

    /// Add a rule file (TOML, see `docs/RULES.md`), after the defaults.
    pub fn rules_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.rule_files.push(path.into());
        self
    }

    /// Add rules given as text; `name` stands for the file in errors.
    pub fn rules_source(mut self, name: impl Into<String>, toml: impl Into<String>) -> Self {
        self.rule_sources.push((name.into(), toml.into()));
        self
    }

    /// Keep (default) or drop the built-in rules; without them only the
    /// rules added here run.
    pub fn default_rules(mut self, yes: bool) -> Self {
        self.default_rules = yes;
        self
    }

    /// Run (default) or skip the relation classifier, which adds triples
    /// between entities no relation rule related
    /// ([`crate::relation_model`]).
    pub fn relation_model(mut self, yes: bool) -> Self {
        self.relation_model = yes;
        self
    }

    /// Use this relation model file instead of the built-in one (the format
    /// of `data/models/relations.tsv`, as `examples/train_relations` writes
    /// it); a malformed line is an [`Error::Model`] naming file and line.
    pub fn relation_model_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.relation_model_file = Some(path.into());
        self
    }

    /// Replace the built-in word lists that `lists` names (see
    /// [`WordLists`] and `data/words/words.toml`): the tokenizer's repairs,
    /// the words that stand for a party (该公司, 双方), the alias cues and
    /// company-name endings the linking reads, the future and dateline cues,
    /// the words for parts of the day. Later calls win. A rule file's own
    /// `part_of_day` literals are read with the built-in lists.
    ///
    /// ```
    /// use zhextract::{Extractor, WordLists};
    /// let mine = WordLists::parse("mine", r#"
    /// [relations]
    /// party_this = ["该公司", "这家公司"]
    /// "#).unwrap();
    /// let ex = Extractor::builder().word_lists(mine).build().unwrap();
    /// assert_eq!(ex.word_lists().get("relations.party_this").len(), 2);
    /// ```
    pub fn word_lists(mut self, lists: WordLists) -> Self {
        self.word_lists.push(lists);
        self
    }

    /// [`word_lists`](Self::word_lists) from a file (the format of
    /// `data/words/words.toml`); a malformed file fails `build` with an
    /// [`Error::Lexicon`] naming file and line. Files apply after lists given
    /// by value, in the order given.
    pub fn word_lists_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.word_lists_files.push(path.into());
        self
    }

    /// The built-in word lists with the user's applied.
    fn merged_word_lists(&self) -> Result<WordLists> {
        let mut words = WordLists::builtin().clone();
        for mine in &self.word_lists {
            words = words.with_overrides(mine);
        }
        for path in &self.word_lists_files {
            let text = read_file(path)?;
            words = words.with_overrides(&WordLists::parse(&path.display().to_string(), &text)?);
        }
        Ok(words)
    }

    /// Run `stage` right after the stage named `name` (see
    /// [`Extractor::stage_names`]; `segment` to add names before the rules
    /// run, `rules` to add them after). An unknown name fails `build`.
    pub fn stage_after(mut self, name: &str, stage: impl Stage + 'static) -> Self {
        self.stage_edits
            .push(StageEdit::After(name.to_string(), Arc::new(stage)));
        self
    }

    /// Run `stage` right before the stage named `name`.
    pub fn stage_before(mut self, name: &str, stage: impl Stage + 'static) -> Self {
        self.stage_edits
            .push(StageEdit::Before(name.to_string(), Arc::new(stage)));
        self
    }

    /// Run `stage` instead of the stage named `name`.
    pub fn replace_stage(mut self, name: &str, stage: impl Stage + 'static) -> Self {
        self.stage_edits
            .push(StageEdit::Replace(name.to_string(), Arc::new(stage)));
        self
    }

    /// Leave out the stage named `name`.
    pub fn remove_stage(mut self, name: &str) -> Self {
        self.stage_edits.push(StageEdit::Remove(name.to_string()));
        self
    }

    /// The default list with the builder's edits applied.
    fn stages(
        &self,
        tokenizer: &Arc<Tokenizer>,
        lexicon: &Arc<Lexicon>,
        words: &WordLists,
        rules: &RuleSet,
        model: Option<&Arc<RelationModel>>,
    ) -> Result<Vec<Arc<dyn Stage>>> {
        let mut list: Vec<Arc<dyn Stage>> = vec![
            Arc::new(pipeline::DocumentDate {
                dateline: crate::time::doc_date::dateline(words)?,
            }),
            Arc::new(pipeline::Segment {
                tokenizer: tokenizer.clone(),
            }),
            Arc::new(pipeline::Rules {
                rules: rules.clone(),
                lexicon: lexicon.clone(),
                tokenizer: tokenizer.clone(),
                entity_words: crate::extract::entities::EntityWords::new(words)?,
                names: crate::extract::person_names::NameData::new(words),
            }),
            Arc::new(pipeline::TimeValues {
                rules: rules.clone(),
            }),
        ];
        if let Some(m) = model {
            list.push(Arc::new(pipeline::RelationClassifier {
                model: m.clone(),
                lexicon: lexicon.clone(),
            }));
        }
        list.push(Arc::new(pipeline::TimeAnaphora));
        list.push(Arc::new(pipeline::NamedSubsidiaries {
            lexicon: lexicon.clone(),
        }));
        list.push(Arc::new(pipeline::DealAmounts));
        for edit in &self.stage_edits {
            let name = match edit {
                StageEdit::After(n, _)
                | StageEdit::Before(n, _)
                | StageEdit::Replace(n, _)
                | StageEdit::Remove(n) => n,
            };
            let Some(at) = list.iter().position(|s| s.name() == name) else {
                let known: Vec<&str> = list.iter().map(|s| s.name()).collect();
                return Err(Error::Stage {
                    name: name.clone(),
                    message: format!("no such stage (the stages: {})", known.join(", ")),
                });
            };
            match edit {
                StageEdit::After(_, s) => list.insert(at + 1, s.clone()),
                StageEdit::Before(_, s) => list.insert(at, s.clone()),
                StageEdit::Replace(_, s) => list[at] = s.clone(),
                StageEdit::Remove(_) => {
                    list.remove(at);
                }
            }
        }
        Ok(list)
    }

    /// Build the extractor: loads dictionaries and compiles tables, once.
    pub fn build(self) -> Result<Extractor> {
        let mut sources = if self.default_rules {
            RuleSet::builtin_sources()
        } else {
            Vec::new()
        };
        let builtin = sources.len();
        for path in &self.rule_files {
            let text = read_file(path)?;
            sources.push((path.display().to_string(), text));
        }
        sources.extend(self.rule_sources.iter().cloned());
        // a user's file with a syntax error fails here, before the slow part
        for (name, text) in &sources[builtin..] {
            RuleSet::check_syntax(name, text)?;
        }
        // the rules need nothing of the rest: compile them on a second thread
        // while jieba's dictionary loads (the two are most of the time)
        // (and the relation model, a table of some 27,000 weights, on a third)
        let model_source = match (&self.relation_model_file, self.relation_model) {
            (_, false) => None,
            (None, true) => Some(None),
            (Some(path), true) => Some(Some((path.display().to_string(), read_file(path)?))),
        };
        // the rules' `list` conditions read the same lists as the stages
        let words = Arc::new(self.merged_word_lists()?);
        std::thread::scope(|scope| {
            let rules = scope.spawn(|| RuleSet::compile_with_lists(&sources, &words));
            let model = scope.spawn(move || {
                model_source
                    .map(|file| match file {
                        None => RelationModel::builtin(),
                        Some((name, text)) => RelationModel::parse(
                            &name,
                            &text,
                            crate::relation_model::Triggers::builtin(),
                        ),
                    })
                    .transpose()
            });
            self.build_rest(rules, model, Arc::clone(&words))
        })
    }

    /// Everything but the rules, which `rules` is compiling meanwhile.
    fn build_rest(
        mut self,
        rules: std::thread::ScopedJoinHandle<'_, Result<RuleSet>>,
        model: std::thread::ScopedJoinHandle<'_, Result<Option<RelationModel>>>,
        words: Arc<WordLists>,
    ) -> Result<Extractor> {
        let normalizer = Normalizer::new();
        let probe = OpenccConverter::builtin(Variant::T2s)?;
        let mut lexicon = self.lexicon.take().unwrap_or_else(Lexicon::builtin);
        for path in &self.lexicon_files {
            let mut user = Lexicon::empty();
            user.add_file(path)?;
            for mut e in user.iter().cloned() {
                // matching happens on Simplified text
                e.surface = probe.convert(&e.surface).text;
                lexicon.insert(e);
            }
        }
        // names the converter would corrupt (Simplified 乾安县 -> 干安县)
        for e in lexicon.iter() {
            let traditional = e.surface.chars().any(|c| normalizer.is_traditional_only(c));
            if !traditional && probe.convert(&e.surface).text != e.surface {
                self.protected_words.push(e.surface.clone());
            }
        }
        let tokenizer = Arc::new(Tokenizer::with_words(&lexicon, self.hmm, &words));
        let lexicon = Arc::new(lexicon);
        let converter: Box<dyn Convert> = match self.backend {
            ConvertBackend::Builtin => match (&self.opencc_dir, self.variant) {
                (None, Variant::Auto) => Box::new(AutoConverter::builtin(&self.protected_words)?),
                (None, v) => {
                    Box::new(OpenccConverter::builtin(v)?.with_protected(&self.protected_words)?)
                }
                (Some(dir), v) => {
                    // a data folder holds configs, not the auto choice: use its t2s
                    let name = if v == Variant::Auto {
                        "t2s"
                    } else {
                        v.config_name()
                    };
                    Box::new(
                        OpenccConverter::from_dir(dir.clone(), name)?
                            .with_protected(&self.protected_words)?,
                    )
                }
            },
            #[cfg(feature = "opencc")]
            ConvertBackend::LibOpencc => {
                Box::new(crate::text::LibOpenccConverter::new(self.variant)?)
            }
        };
        let rules = rules
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        let relation_model = model
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?
            .map(Arc::new);
        let stages = self.stages(
            &tokenizer,
            &lexicon,
            &words,
            &rules,
            relation_model.as_ref(),
        )?;
        Ok(Extractor {
            inner: Arc::new(Inner {
                normalizer,
                converter,
                lexicon,
                words,
                rules,
                stages,
                options: self,
            }),
        })
    }
}

/// A file the builder was given, read whole; a failure names the path.
fn read_file(path: &std::path::Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Extracts a [`Document`] from Chinese news text. Cheap to clone, `Send + Sync`.
///
/// ```
/// let ex = zhextract::Extractor::new().unwrap();
/// let input = "業(yè)務";
/// let doc = ex.extract(input).unwrap();
/// let d = &doc.diagnostics[0];
/// assert_eq!(&input[d.span.start..d.span.end], "(yè)");
/// ```
#[derive(Clone)]
pub struct Extractor {
    inner: Arc<Inner>,
}

struct Inner {
    normalizer: Normalizer,
    converter: Box<dyn Convert>,
    lexicon: Arc<Lexicon>,
    /// The built-in word lists with the user's replacing theirs.
    words: Arc<WordLists>,
    rules: RuleSet,
    /// The analysis stages, in order (`pipeline`).
    stages: Vec<Arc<dyn Stage>>,
    options: ExtractorBuilder,
}

impl fmt::Debug for Extractor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extractor")
            .field("options", &self.inner.options)
            .field("converter", &self.inner.converter)
            .finish()
    }
}

/// The text the stages work on, with what preparing it found.
pub(crate) struct Prepared {
    /// Simplified, annotation-free (the document's `simplified`).
    pub(crate) converted: String,
    /// `converted` folded for matching, when folding changed it.
    pub(crate) folded: Option<String>,
    /// Position in the stages' text -> input byte offset.
    pub(crate) map: OffsetMap,
    /// Annotations, garbled runs and the like (diagnostics).
    pub(crate) findings: Vec<crate::text::Finding>,
    /// Input ranges of garbled runs.
    pub(crate) garbled: Vec<std::ops::Range<usize>>,
}

impl Prepared {
    /// The text the stages read.
    pub(crate) fn text(&self) -> &str {
        self.folded.as_deref().unwrap_or(&self.converted)
    }
}

impl Extractor {
    /// The inline `[[test]]` cases of the rule files this extractor runs.
    pub fn rule_tests(&self) -> &[RuleTest] {
        self.inner.rules.tests()
    }

    /// Run rule test cases (all, or those of files whose name ends with
    /// `file`); returns one message per failure, `file:line: what`.
    pub fn check_rule_tests(&self, file: Option<&str>) -> Vec<String> {
        let mut failures = Vec::new();
        for t in self.rule_tests() {
            if file.is_some_and(|f| !t.file.ends_with(f)) {
                continue;
            }
            failures.extend(
                rule_tests::check(t, self)
                    .into_iter()
                    .map(|m| format!("{}:{}: {m}", t.file, t.line)),
            );
        }
        failures
    }

    /// Run only the rule stage over an already segmented text (byte ranges
    /// of its sentences, its tokens); the number of entities, times and
    /// triples found. For benchmarks of the rule engine alone.
    #[doc(hidden)]
    pub fn run_rule_stage(
        &self,
        text: &str,
        sentences: &[std::ops::Range<usize>],
        tokens: &[crate::segment::Token<'_>],
    ) -> usize {
        let hits = self.inner.rules.run(
            &Input {
                text,
                sentences,
                tokens,
                lexicon: &self.inner.lexicon,
                words: &self.inner.words,
            },
            crate::rules::Hits::default(),
            &mut |_| {},
        );
        hits.entities.len() + hits.times.len() + hits.relations.len()
    }

    /// The word lists the extractor reads: the built-in ones, with those
    /// the builder was given in their place.
    pub fn word_lists(&self) -> &WordLists {
        &self.inner.words
    }

    /// The names of the analysis stages, in the order they run.
    ///
    /// ```
    /// let ex = zhextract::Extractor::new().unwrap();
    /// assert_eq!(ex.stage_names()[..3], ["document_date", "segment", "rules"]);
    /// ```
    pub fn stage_names(&self) -> Vec<&str> {
        self.inner.stages.iter().map(|s| s.name()).collect()
    }

    /// An extractor with default options.
    pub fn new() -> Result<Self> {
        Self::builder().build()
    }

    /// Start configuring an extractor.
    pub fn builder() -> ExtractorBuilder {
        ExtractorBuilder::default()
    }

    /// Extract from `text`, resolving against the builder's reference (if any).
    pub fn extract(&self, text: &str) -> Result<Document> {
        self.extract_at(text, None)
    }

    /// Extract from raw bytes; invalid UTF-8 is an [`Error::InvalidUtf8`]
    /// naming the byte position.
    ///
    /// ```
    /// let ex = zhextract::Extractor::new().unwrap();
    /// let err = ex.extract_bytes(b"ab\xffcd").unwrap_err();
    /// assert!(matches!(err, zhextract::Error::InvalidUtf8 { position: 2, .. }));
    /// ```
    pub fn extract_bytes(&self, bytes: &[u8]) -> Result<Document> {
        let text = std::str::from_utf8(bytes).map_err(Error::from_utf8)?;
        self.extract(text)
    }

    /// Extract from `text` with this document's own reference (a JSON Lines
    /// `doc_date`, say); `None` falls back to the builder's.
    pub fn extract_at(&self, text: &str, reference: Option<Reference>) -> Result<Document> {
        let opts = &self.inner.options;
        // offsets are kept as u32 (tokens, offset maps): 4 GiB at most
        let limit = opts.max_input_bytes.min(u32::MAX as usize);
        if text.len() > limit {
            return Err(Error::InputTooLarge {
                len: text.len(),
                limit,
            });
        }
        let prepared = self.prepare(text);
        let given = reference.or(opts.reference);
        let mut work = Work::new(
            text,
            prepared.text(),
            &prepared.map,
            &prepared.garbled,
            given,
            opts.time_bias,
            &self.inner.words,
        );
        for stage in &self.inner.stages {
            stage.run(&mut work)?;
        }
        Ok(assemble::document(self, text, &prepared, given, work))
    }

    /// The text the stages read: normalized (annotations out), converted to
    /// Simplified, folded for matching, with one map back to the input.
    fn prepare(&self, text: &str) -> Prepared {
        let mut normalized = self.inner.normalizer.normalize(text);
        let mut converted = self.inner.converter.convert(&normalized.text);
        let map = converted.map.compose(&normalized.map);
        // what later stages need of these is the composed map, the findings
        // and the converted text: the rest goes now, before the big
        // allocations of segmentation and the rules
        drop(std::mem::take(&mut normalized.text));
        drop(std::mem::take(&mut normalized.map));
        drop(std::mem::take(&mut converted.map));
        let (folded, map) = match fold_for_matching(&converted.text) {
            Some((folded, fold_map)) => (Some(folded), fold_map.compose(&map)),
            None => (None, map),
        };
        Prepared {
            converted: converted.text,
            folded,
            map,
            findings: normalized.findings,
            garbled: normalized.garbled,
        }
    }
}
