//! Compiling rule files into an immutable [`RuleSet`]: each rule's pattern
//! (`elements.rs`) or regex and output (`time_fields.rs` for times) checked,
//! patterns and regexes deduplicated, then the per-stage indexes and the
//! gates (`gate.rs`) built, so that matching cost follows what is in the
//! text.

use std::collections::BTreeSet;
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use regex::Regex;
use rustc_hash::FxHashMap;
use toml::Spanned;

use super::elements::{build_regex, compile_seq, expand, with_fragments};
use super::format::{ElemDef, FragmentDef, RuleDef, RuleFile, RuleKind, TestDef};
use super::gate::Gates;
use super::output::{output_of, Found};
pub(crate) use super::output::{Canonical, Output, Verb};
use super::pattern::{Pattern, StartIndex, Vocab};
use crate::error::{Error, Result};

/// Size limit of one compiled regex from a rule file (bytes of automaton).
pub(super) const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Longest regex source accepted (fragments expanded).
pub(super) const MAX_SOURCE: usize = 16 * 1024;
/// Largest pattern accepted once its macros are expanded: word lists are
/// matched through a hash set, so the bound only guards against macros that
/// multiply (a macro used four times in a macro used four times ...).
const MAX_PATTERN: usize = 1 << 20;
/// Macro nesting depth.
pub(super) const MAX_MACRO_DEPTH: usize = 16;

/// How a rule finds its matches.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Finder {
    Pattern(usize),
    Regex(usize),
}

#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) id: String,
    pub(crate) stage: u32,
    pub(crate) priority: i32,
    pub(crate) finder: Finder,
    pub(crate) output: Output,
    pub(crate) negation: Vec<String>,
    pub(crate) hedging: Vec<String>,
}

/// What must be in a sentence for a pattern to have a chance.
#[derive(Debug, Clone)]
pub(crate) enum Anchor {
    Words(Vec<usize>),
    Entity,
    Time,
    Lexicon,
    Always,
}

impl Inner {
    /// Capture names of a rule's pattern or regex, by capture index.
    pub(crate) fn cap_names(&self, finder: Finder) -> &[String] {
        match finder {
            Finder::Pattern(p) => &self.patterns[p].cap_names,
            Finder::Regex(x) => &self.regex_cap_names[x],
        }
    }
}

/// An inline test case of a rule file.
#[derive(Debug)]
pub struct RuleTest {
    /// The rule file.
    pub file: String,
    /// Line of the `[[test]]` table.
    pub line: usize,
    pub(crate) def: TestDef,
}

impl RuleTest {
    /// The case as the file states it.
    pub(crate) fn def(&self) -> &TestDef {
        &self.def
    }
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) rules: Vec<Rule>,
    pub(crate) patterns: Vec<Pattern>,
    pub(crate) anchors: Vec<Anchor>,
    pub(crate) regexes: Vec<Regex>,
    /// Capture names of each regex, by group index ("" for unnamed).
    pub(crate) regex_cap_names: Vec<Vec<String>>,
    /// Distinct stages, ascending.
    pub(crate) stages: Vec<u32>,
    /// The automaton that finds the anchor words (deduplicated).
    pub(crate) anchor_ac: Option<AhoCorasick>,
    /// Per stage: the regex ids to run, ascending. (One `RegexSet` over
    /// all of them was tried: with a hundred large time regexes its automaton
    /// outgrew the DFA cache and scanning fell back to the slow NFA, 10×
    /// slower than running each regex with its own literal prefilter.)
    pub(crate) regex_order: Vec<Vec<usize>>,
    /// Per stage: whether it has relation rules (mentions are linked before).
    pub(crate) relation_stages: Vec<bool>,
    /// Per stage: rule ids by pattern id.
    pub(crate) stage_patterns: Vec<FxHashMap<usize, Vec<usize>>>,
    /// Per stage: which of its patterns may start at an item.
    pub(crate) stage_starts: Vec<StartIndex>,
    pub(crate) stage_regexes: Vec<FxHashMap<usize, Vec<usize>>>,
    pub(crate) uses_lexicon: bool,
    /// The words conditions name (see [`Vocab`]).
    pub(crate) vocab: Vocab,
    pub(crate) tests: Vec<RuleTest>,
    /// Per stage: the patterns anchored on each anchor word.
    pub(crate) word_patterns: Vec<Vec<Vec<usize>>>,
    /// Per stage: patterns anchored on something other than a word.
    pub(crate) other_patterns: Vec<Vec<usize>>,
    /// Regexes gated on each anchor word.
    pub(crate) word_regexes: Vec<Vec<usize>>,
    /// Whether a regex runs only where its gate words are (else over the text).
    pub(crate) regex_gated: Vec<bool>,
    /// The other sets of gate words a gated regex needs: a sentence must
    /// hold one word of each (ids ascending).
    pub(crate) regex_also: Vec<Vec<Vec<u32>>>,
    /// The same for word-anchored patterns.
    pub(crate) pattern_also: Vec<Vec<Vec<u32>>>,
}

/// Compiled extraction rules: built once, shared (`Arc`), immutable.
///
/// ```
/// let rules = zhextract::RuleSet::builtin().unwrap();
/// assert!(rules.len() > 10);
/// let extra = zhextract::RuleSet::compile(&[("mine.toml", r#"
/// [[rule]]
/// id = "gadget"
/// kind = "entity"
/// pattern = [{ words = ["小黄鸭"] }]
/// entity = { type = "PRODUCT" }
/// "#)]).unwrap();
/// assert_eq!(extra.len(), 1);
/// ```
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub(crate) inner: Arc<Inner>,
}

const BUILTIN: &[(&str, &str)] = &[
    (
        "<builtin>/entities.toml",
        include_str!("../../rules/entities.toml"),
    ),
    (
        "<builtin>/times.toml",
        include_str!("../../rules/times.toml"),
    ),
    (
        "<builtin>/relations.toml",
        include_str!("../../rules/relations.toml"),
    ),
    (
        "<builtin>/not_person.toml",
        include_str!("../../rules/not_person.toml"),
    ),
];

impl RuleSet {
    /// The default rules (`rules/*.toml`, compiled in).
    pub fn builtin() -> Result<Self> {
        Self::compile(BUILTIN)
    }

    /// The built-in rule files as (name, text), to combine with a user's.
    pub fn builtin_sources() -> Vec<(String, String)> {
        BUILTIN
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect()
    }

    /// Compile rule files given as (file name, TOML text), in order; a
    /// `list` condition reads the built-in word lists.
    pub fn compile<N: AsRef<str>, T: AsRef<str>>(sources: &[(N, T)]) -> Result<Self> {
        Self::compile_with_lists(sources, crate::words::WordLists::builtin())
    }

    /// Compile rule files, `list` conditions reading `lists` (the built-in
    /// lists with a user's, as [`WordLists::with_overrides`] makes them).
    ///
    /// [`WordLists::with_overrides`]: crate::WordLists::with_overrides
    pub fn compile_with_lists<N: AsRef<str>, T: AsRef<str>>(
        sources: &[(N, T)],
        lists: &crate::words::WordLists,
    ) -> Result<Self> {
        let mut c = Compiler::default();
        c.shared.word_lists = lists.clone();
        for (name, text) in sources {
            c.add_file(name.as_ref(), text.as_ref())?;
        }
        c.finish()
    }

    /// Parse a rule file without compiling it: TOML syntax and the fields of
    /// the format, the cheap half of the checks [`RuleSet::compile`] makes.
    pub(crate) fn check_syntax(name: &str, text: &str) -> Result<()> {
        parse_file(name, text).map(|_| ())
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.inner.rules.len()
    }

    /// No rules.
    pub fn is_empty(&self) -> bool {
        self.inner.rules.is_empty()
    }

    /// The inline `[[test]]` cases of all files.
    pub fn tests(&self) -> &[RuleTest] {
        &self.inner.tests
    }

    /// Rule ids, in file order.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.inner.rules.iter().map(|r| r.id.as_str())
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_col(text, offset)
}

/// Where the lines of a file begin, found once: the place of each of a
/// file's hundreds of rules is then a binary search, not a count of the
/// lines before it.
struct LineIndex {
    /// The byte offsets of the file's newlines.
    newlines: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        LineIndex {
            newlines: text.match_indices('\n').map(|(i, _)| i).collect(),
        }
    }

    /// The line and column (from 1, in chars) of byte `offset` of `text`.
    fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let n = self.newlines.partition_point(|&i| i < offset);
        let line_start = if n == 0 { 0 } else { self.newlines[n - 1] + 1 };
        let col = text
            .get(line_start..offset)
            .map_or(0, |l| l.chars().count());
        (n + 1, col + 1)
    }
}

#[derive(Default)]
struct Compiler {
    files: Vec<String>,
    rules: Vec<Rule>,
    patterns: Vec<Pattern>,
    pattern_keys: FxHashMap<String, usize>,
    regexes: Vec<Regex>,
    regex_keys: FxHashMap<String, usize>,
    ids: FxHashMap<String, (usize, usize)>,
    shared: Shared,
    tests: Vec<RuleTest>,
    /// (rule index, stage, needs entity?, needs time?) for the stage check.
    needs: Vec<(usize, u32, BTreeSet<String>, bool)>,
    /// (file, line, col) of each rule, for late errors.
    places: Vec<(usize, usize, usize)>,
}

/// What compiled patterns share across rules.
#[derive(Default)]
pub(super) struct Shared {
    /// The words `text` and `words` conditions name.
    pub(super) vocab: Vocab,
    /// Whether a condition consults the lexicon.
    pub(super) uses_lexicon: bool,
    /// The named word lists a `list` condition reads.
    pub(super) word_lists: crate::words::WordLists,
    /// The memo slot of each distinct item regex (see `pattern::RegexMemo`).
    pub(super) item_regex_slots: FxHashMap<String, Option<u8>>,
}

pub(super) struct Ctx<'a> {
    pub(super) file: &'a str,
    pub(super) line: usize,
    pub(super) col: usize,
    pub(super) rule: &'a str,
    /// The file's named regex fragments, written `{{name}}` in a regex.
    pub(super) fragments: &'a std::collections::BTreeMap<String, String>,
}

/// An empty fragment table, for contexts outside a file.
static NO_FRAGMENTS: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();

impl Ctx<'_> {
    pub(super) fn err(&self, message: impl Into<String>) -> Error {
        Error::Rules {
            file: self.file.to_string(),
            line: self.line,
            column: self.col,
            rule: self.rule.to_string(),
            message: message.into(),
        }
    }
}

impl Compiler {
    fn add_file(&mut self, name: &str, text: &str) -> Result<()> {
        let parsed = parse_file(name, text)?;
        let fragments = self.fragment_sources(name, text, &parsed)?;
        let file_idx = self.files.len();
        self.files.push(name.to_string());
        let macros = &parsed.macros;
        let lines = LineIndex::new(text);
        for spanned in &parsed.rules {
            let (line, col) = lines.line_col(text, spanned.span().start);
            let def = spanned.get_ref();
            let ctx = Ctx {
                file: name,
                line,
                col,
                rule: &def.id,
                fragments: &fragments,
            };
            self.add_rule(file_idx, def, &parsed, macros, &ctx)?;
            self.places.push((file_idx, line, col));
        }
        for t in parsed.tests {
            let (line, _) = lines.line_col(text, t.span().start);
            self.tests.push(RuleTest {
                file: name.to_string(),
                line,
                def: t.into_inner(),
            });
        }
        Ok(())
    }

    fn add_rule(
        &mut self,
        file: usize,
        def: &RuleDef,
        parsed: &RuleFile,
        macros: &std::collections::BTreeMap<String, Spanned<ElemDef>>,
        ctx: &Ctx<'_>,
    ) -> Result<()> {
        if def.id.trim().is_empty() {
            return Err(ctx.err("a rule needs a non-empty `id`"));
        }
        if let Some((f, _)) = self.ids.get(&def.id) {
            return Err(ctx.err(format!(
                "duplicate rule id (first defined in {})",
                self.files[*f]
            )));
        }
        let stage = def.stage.or(parsed.defaults.stage).unwrap_or(1);
        let found = self.finder_of(def, macros, ctx)?;
        let output = output_of(def, &found, ctx)?;
        let Found {
            finder,
            needs_entities,
            needs_time,
            ..
        } = found;
        let idx = self.rules.len();
        self.ids.insert(def.id.clone(), (file, idx));
        self.needs.push((idx, stage, needs_entities, needs_time));
        self.rules.push(Rule {
            id: def.id.clone(),
            stage,
            priority: def.priority,
            finder,
            output,
            negation: def
                .negation
                .clone()
                .unwrap_or_else(|| parsed.defaults.negation.clone()),
            hedging: def
                .hedging
                .clone()
                .unwrap_or_else(|| parsed.defaults.hedging.clone()),
        });
        Ok(())
    }

    /// The pattern or regex of a rule, compiled (an equal one is shared),
    /// with its capture names and the entity types and times it needs.
    fn finder_of(
        &mut self,
        def: &RuleDef,
        macros: &std::collections::BTreeMap<String, Spanned<ElemDef>>,
        ctx: &Ctx<'_>,
    ) -> Result<Found> {
        let (finder, cap_names, needs_entities, needs_time) = match (&def.pattern, &def.regex) {
            (Some(p), None) => {
                let expanded = p
                    .iter()
                    .map(|e| expand(e, macros, 0, ctx))
                    .collect::<Result<Vec<_>>>()?;
                let key = serde_json::to_string(&expanded).unwrap_or_default();
                if key.len() > MAX_PATTERN {
                    return Err(ctx.err("pattern is too large"));
                }
                let mut names = Vec::new();
                let mut needs = (BTreeSet::new(), false);
                let elems = compile_seq(&expanded, &mut names, &mut needs, &mut self.shared, ctx)?;
                if elems.is_empty() {
                    return Err(ctx.err("empty pattern"));
                }
                let shortest = def.kind == RuleKind::Relation;
                let id = match self.pattern_keys.get(&key) {
                    Some(&id) => {
                        self.patterns[id].shortest |= shortest;
                        id
                    }
                    None => {
                        self.patterns
                            .push(Pattern::new(elems, names.clone(), shortest));
                        self.pattern_keys.insert(key, self.patterns.len() - 1);
                        self.patterns.len() - 1
                    }
                };
                (Finder::Pattern(id), names, needs.0, needs.1)
            }
            (None, Some(r)) => {
                let r = &with_fragments(r, ctx)?;
                let re = build_regex(r, ctx)?;
                let names: Vec<String> = re
                    .capture_names()
                    .map(|n| n.unwrap_or("").to_string())
                    .collect();
                let id = match self.regex_keys.get(r) {
                    Some(&id) => id,
                    None => {
                        self.regexes.push(re);
                        self.regex_keys.insert(r.clone(), self.regexes.len() - 1);
                        self.regexes.len() - 1
                    }
                };
                (Finder::Regex(id), names, BTreeSet::new(), false)
            }
            (Some(_), Some(_)) => return Err(ctx.err("give either `pattern` or `regex`, not both")),
            (None, None) => return Err(ctx.err("a rule needs a `pattern` or a `regex`")),
        };
        Ok(Found {
            finder,
            cap_names,
            needs_entities,
            needs_time,
        })
    }

    /// The regex source of each of a file's fragments: a list fragment is
    /// the alternation of its lists' words; a list it names must exist.
    fn fragment_sources(
        &self,
        name: &str,
        text: &str,
        parsed: &RuleFile,
    ) -> Result<std::collections::BTreeMap<String, String>> {
        let mut out = std::collections::BTreeMap::new();
        for (frag, def) in &parsed.fragments {
            let source = match def {
                FragmentDef::Regex(r) => r.clone(),
                FragmentDef::Lists { lists } => {
                    let mut words: Vec<String> = Vec::new();
                    for list in lists {
                        let got = self.shared.word_lists.get(list);
                        if got.is_empty() {
                            let at = text.find(&format!("{frag} =")).unwrap_or(0);
                            let (line, column) = line_col(text, at);
                            return Err(Error::Rules {
                                file: name.to_string(),
                                line,
                                column,
                                rule: String::new(),
                                message: format!(
                                    "fragment {frag:?}: no word list {list:?}, or it is empty"
                                ),
                            });
                        }
                        words.extend(got.iter().map(|w| regex::escape(w)));
                    }
                    format!("(?:{})", words.join("|"))
                }
            };
            out.insert(frag.clone(), source);
        }
        Ok(out)
    }

    /// A rule may only use what an earlier stage produces: no cycles.
    fn check_dependencies(&self) -> Result<()> {
        // a rule may only use what an earlier stage produces: no cycles
        for (idx, stage, entities, time) in &self.needs {
            let rule = &self.rules[*idx];
            let (file, line, col) = self.places[*idx];
            let ctx = Ctx {
                file: &self.files[file],
                line,
                col,
                rule: &rule.id,
                fragments: &NO_FRAGMENTS,
            };
            for ty in entities {
                let produced = self.rules.iter().any(|r| {
                    r.stage < *stage
                        && matches!(&r.output, Output::Entity { kind, .. } if ty == "*" || kind.as_str() == ty)
                });
                if !produced {
                    return Err(ctx.err(format!(
                        "uses entity {ty} but no earlier stage produces it (a rule sees only the outputs of earlier stages; a dependency on its own or a later stage would be a cycle)"
                    )));
                }
            }
            if *time
                && !self
                    .rules
                    .iter()
                    .any(|r| r.stage < *stage && matches!(r.output, Output::Time { .. }))
            {
                return Err(ctx.err("uses a time but no earlier stage produces one"));
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<RuleSet> {
        self.check_dependencies()?;
        let stages: Vec<u32> = self
            .rules
            .iter()
            .map(|r| r.stage)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let Gates {
            words: anchor_words,
            anchors,
            pattern_also,
            word_regexes,
            regex_gated,
            regex_also,
            automaton: anchor_ac,
        } = Gates::build(&self.patterns, &self.regexes, &self.shared.vocab);
        let (stage_patterns, stage_regexes) = rules_by_stage(&self.rules, &stages);
        let (word_patterns, other_patterns) =
            patterns_by_word(&stage_patterns, &anchors, anchor_words.len());
        let regex_order: Vec<Vec<usize>> = stage_regexes
            .iter()
            .map(|m| {
                let mut ids: Vec<usize> = m.keys().copied().collect();
                ids.sort_unstable();
                ids
            })
            .collect();
        let relation_stages = stages
            .iter()
            .map(|st| {
                self.rules
                    .iter()
                    .any(|r| r.stage == *st && matches!(r.output, Output::Relation { .. }))
            })
            .collect();
        let stage_starts = stage_patterns
            .iter()
            .map(|pats| {
                let mut ids: Vec<usize> = pats.keys().copied().collect();
                ids.sort_unstable();
                StartIndex::new(&self.patterns, ids, &self.shared.vocab)
            })
            .collect();
        Ok(RuleSet {
            inner: Arc::new(Inner {
                rules: self.rules,
                patterns: self.patterns,
                anchors,
                regex_cap_names: self
                    .regexes
                    .iter()
                    .map(|re| {
                        re.capture_names()
                            .map(|n| n.unwrap_or("").to_string())
                            .collect()
                    })
                    .collect(),
                regexes: self.regexes,
                stages,
                anchor_ac,
                regex_order,
                stage_starts,
                relation_stages,
                stage_patterns,
                stage_regexes,
                uses_lexicon: self.shared.uses_lexicon,
                vocab: self.shared.vocab,
                tests: self.tests,
                word_patterns,
                other_patterns,
                word_regexes,
                regex_gated,
                regex_also,
                pattern_also,
            }),
        })
    }
}

/// Per stage (an index into `stages`): the rules of each pattern and of each
/// regex.
#[allow(clippy::type_complexity)]
fn rules_by_stage(
    rules: &[Rule],
    stages: &[u32],
) -> (
    Vec<FxHashMap<usize, Vec<usize>>>,
    Vec<FxHashMap<usize, Vec<usize>>>,
) {
    let mut stage_patterns = vec![FxHashMap::<usize, Vec<usize>>::default(); stages.len()];
    let mut stage_regexes = vec![FxHashMap::<usize, Vec<usize>>::default(); stages.len()];
    for (i, r) in rules.iter().enumerate() {
        let s = stages.binary_search(&r.stage).unwrap_or(0);
        match r.finder {
            Finder::Pattern(p) => stage_patterns[s].entry(p).or_default().push(i),
            Finder::Regex(x) => stage_regexes[s].entry(x).or_default().push(i),
        }
    }
    (stage_patterns, stage_regexes)
}

/// Pattern ids by gate word and stage, so a stage's candidates need no
/// lookup of the stage's patterns; and per stage the patterns no word gates.
fn patterns_by_word(
    stage_patterns: &[FxHashMap<usize, Vec<usize>>],
    anchors: &[Anchor],
    words: usize,
) -> (Vec<Vec<Vec<usize>>>, Vec<Vec<usize>>) {
    let mut word_patterns = vec![vec![Vec::new(); words]; stage_patterns.len()];
    let mut other_patterns = vec![Vec::new(); stage_patterns.len()];
    for (si, pats) in stage_patterns.iter().enumerate() {
        let mut ids: Vec<usize> = pats.keys().copied().collect();
        ids.sort_unstable();
        for pid in ids {
            match &anchors[pid] {
                Anchor::Words(ws) => ws.iter().for_each(|&w| word_patterns[si][w].push(pid)),
                _ => other_patterns[si].push(pid),
            }
        }
    }
    (word_patterns, other_patterns)
}

pub(super) fn list(names: &[String]) -> String {
    let named: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !n.is_empty())
        .collect();
    if named.is_empty() {
        "none".into()
    } else {
        named.join(", ")
    }
}

/// A rule file's TOML, read into the format's types.
fn parse_file(name: &str, text: &str) -> Result<RuleFile> {
    toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((0, 0), |s| line_col(text, s.start));
        Error::Rules {
            file: name.to_string(),
            line,
            column,
            rule: String::new(),
            message: e.message().trim().to_string(),
        }
    })
}
