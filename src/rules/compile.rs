//! Compiling rule files into an immutable [`RuleSet`]: macros expanded,
//! patterns and regexes deduplicated and size-limited, outputs checked, and
//! the trigger index built (literal anchors for Aho-Corasick; each regex
//! keeps its own literal prefilter) so that matching cost follows what is in
//! the text.

use std::collections::BTreeSet;
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use regex::{Regex, RegexBuilder};
use rustc_hash::FxHashMap;
use toml::Spanned;

use super::format::{
    ElemDef, FieldDef, IntOrCapture, RuleDef, RuleFile, RuleKind, TestDef, TimeOut,
};
use super::gate::Gates;
use super::pattern::{Cond, Elem, ItemRegex, Pattern, StartIndex, Vocab, WordSet};
use super::time_output::{Anaphora, Calendar, Field, PartOfDay, PodSource, TimeSpec, WordMap};
use crate::document::{EntityType, Grain, Predicate, TimeKind, TimeMod};
use crate::error::{Error, Result};

/// Size limit of one compiled regex from a rule file (bytes of automaton).
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Longest regex source accepted (fragments expanded).
const MAX_SOURCE: usize = 16 * 1024;
/// Largest pattern accepted once its macros are expanded: word lists are
/// matched through a hash set, so the bound only guards against macros that
/// multiply (a macro used four times in a macro used four times ...).
const MAX_PATTERN: usize = 1 << 20;
/// Macro nesting depth.
const MAX_MACRO_DEPTH: usize = 16;

const ENTITY_TYPES: &[&str] = &[
    "PERSON", "ORG", "LOCATION", "PRODUCT", "EVENT", "TITLE", "MONEY", "PERCENT", "URL", "EMAIL",
];

/// How a rule finds its matches.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Finder {
    Pattern(usize),
    Regex(usize),
}

/// How an entity's canonical name is chosen.
#[derive(Debug, Clone)]
pub(crate) enum Canonical {
    Lexicon,
    Text,
    Fixed(String),
}

#[derive(Debug)]
pub(crate) enum Output {
    Entity {
        kind: EntityType,
        cap: Option<usize>,
        canonical: Canonical,
        each: bool,
    },
    Time {
        spec: Box<TimeSpec>,
        cap: Option<usize>,
    },
    Relation {
        predicate: Predicate,
        subject: usize,
        object: usize,
        verb: Verb,
        value: Option<usize>,
    },
    Veto {
        cap: Option<usize>,
        entities: bool,
        times: bool,
    },
}

#[derive(Debug)]
pub(crate) enum Verb {
    Cap(usize),
    Fixed(String),
    None,
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

    /// Compile rule files given as (file name, TOML text), in order.
    pub fn compile<N: AsRef<str>, T: AsRef<str>>(sources: &[(N, T)]) -> Result<Self> {
        let mut c = Compiler::default();
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
struct Shared {
    /// The words `text` and `words` conditions name.
    vocab: Vocab,
    /// Whether a condition consults the lexicon.
    uses_lexicon: bool,
    /// The memo slot of each distinct item regex (see `pattern::RegexMemo`).
    item_regex_slots: FxHashMap<String, Option<u8>>,
}

struct Ctx<'a> {
    file: &'a str,
    line: usize,
    col: usize,
    rule: &'a str,
    /// The file's named regex fragments, written `{{name}}` in a regex.
    fragments: &'a std::collections::BTreeMap<String, String>,
}

/// An empty fragment table, for contexts outside a file.
static NO_FRAGMENTS: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();

impl Ctx<'_> {
    fn err(&self, message: impl Into<String>) -> Error {
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
                fragments: &parsed.fragments,
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
        let cap = |name: &str| -> Result<usize> {
            let name = name.trim_start_matches('$');
            cap_names.iter().position(|n| n == name).ok_or_else(|| {
                ctx.err(format!(
                    "capture {name:?} is not in the pattern (captures: {})",
                    list(&cap_names)
                ))
            })
        };
        let opt_cap = |name: &Option<String>| name.as_deref().map(cap).transpose();
        let given = [
            def.entity.is_some(),
            def.time.is_some(),
            def.relation.is_some(),
            def.veto.is_some(),
        ];
        let wanted = match def.kind {
            RuleKind::Entity => 0,
            RuleKind::Time => 1,
            RuleKind::Relation => 2,
            RuleKind::Veto => 3,
        };
        if !given[wanted] || given.iter().filter(|&&g| g).count() != 1 {
            let field = ["entity", "time", "relation", "veto"][wanted];
            return Err(ctx.err(format!(
                "a {field} rule needs exactly one output table, `{field} = {{ ... }}`"
            )));
        }
        let output = match def.kind {
            RuleKind::Entity => {
                let e = def
                    .entity
                    .as_ref()
                    .ok_or_else(|| ctx.err("missing `entity`"))?;
                if !ENTITY_TYPES.contains(&e.kind.as_str()) {
                    return Err(ctx.err(format!(
                        "unknown entity type {:?} (one of {})",
                        e.kind,
                        ENTITY_TYPES.join(", ")
                    )));
                }
                let canonical = match e.canonical.as_deref() {
                    None | Some("lexicon") => Canonical::Lexicon,
                    Some("text") => Canonical::Text,
                    Some(other) => Canonical::Fixed(other.to_string()),
                };
                if e.each && !entities_seen_before(&needs_entities) {
                    return Err(ctx.err(
                        "`each` retypes entities of earlier stages: the pattern must use `entity`",
                    ));
                }
                Output::Entity {
                    kind: e.kind.parse().unwrap_or(EntityType::Org),
                    cap: opt_cap(&e.capture)?,
                    canonical,
                    each: e.each,
                }
            }
            RuleKind::Time => {
                let t = def.time.as_ref().ok_or_else(|| ctx.err("missing `time`"))?;
                Output::Time {
                    spec: Box::new(time_spec(t, &cap, ctx)?),
                    cap: opt_cap(&t.capture)?,
                }
            }
            RuleKind::Relation => {
                let r = def
                    .relation
                    .as_ref()
                    .ok_or_else(|| ctx.err("missing `relation`"))?;
                let predicate: Predicate = r.predicate.parse().map_err(|e: String| ctx.err(e))?;
                let verb = match &r.verb {
                    None => Verb::None,
                    Some(v) if cap_names.iter().any(|n| n == v.trim_start_matches('$')) => {
                        Verb::Cap(cap(v)?)
                    }
                    Some(v) if v.starts_with('$') => {
                        return Err(ctx.err(format!("capture {v:?} is not in the pattern")))
                    }
                    Some(v) => Verb::Fixed(v.clone()),
                };
                Output::Relation {
                    predicate,
                    subject: cap(&r.subject)?,
                    object: cap(&r.object)?,
                    verb,
                    value: opt_cap(&r.value)?,
                }
            }
            RuleKind::Veto => {
                let v = def.veto.as_ref().ok_or_else(|| ctx.err("missing `veto`"))?;
                let mut kinds = (v.kinds.is_empty(), v.kinds.is_empty());
                for k in &v.kinds {
                    match k.as_str() {
                        "entity" => kinds.0 = true,
                        "time" => kinds.1 = true,
                        other => {
                            return Err(
                                ctx.err(format!("veto kind {other:?} is not `entity` or `time`"))
                            )
                        }
                    }
                }
                Output::Veto {
                    cap: opt_cap(&v.capture)?,
                    entities: kinds.0,
                    times: kinds.1,
                }
            }
        };
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

    fn finish(self) -> Result<RuleSet> {
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
        let mut stage_patterns = vec![FxHashMap::<usize, Vec<usize>>::default(); stages.len()];
        let mut stage_regexes = vec![FxHashMap::<usize, Vec<usize>>::default(); stages.len()];
        for (i, r) in self.rules.iter().enumerate() {
            let s = stages.binary_search(&r.stage).unwrap_or(0);
            match r.finder {
                Finder::Pattern(p) => stage_patterns[s].entry(p).or_default().push(i),
                Finder::Regex(x) => stage_regexes[s].entry(x).or_default().push(i),
            }
        }
        // pattern ids by gate word and stage, so a stage's candidates need
        // no lookup of the stage's patterns
        let mut word_patterns = vec![vec![Vec::new(); anchor_words.len()]; stages.len()];
        let mut other_patterns = vec![Vec::new(); stages.len()];
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

fn entities_seen_before(needs: &BTreeSet<String>) -> bool {
    !needs.is_empty()
}

fn list(names: &[String]) -> String {
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

/// `src` with every `{{name}}` replaced by the file's fragment `name`
/// (a fragment may use others, four levels deep), checked against the size
/// limit.
fn with_fragments(src: &str, ctx: &Ctx<'_>) -> Result<String> {
    let mut text = src.to_string();
    for _ in 0..4 {
        if !text.contains("{{") {
            break;
        }
        text = expand_once(&text, ctx)?;
    }
    if text.contains("{{") {
        return Err(ctx.err("regex fragments nest more than four levels (one uses itself?)"));
    }
    if text.len() > MAX_SOURCE {
        return Err(ctx.err(format!(
            "regex is longer than {MAX_SOURCE} bytes (fragments expanded)"
        )));
    }
    Ok(text)
}

fn expand_once(src: &str, ctx: &Ctx<'_>) -> Result<String> {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .ok_or_else(|| ctx.err("`{{` without a closing `}}` in a regex"))?;
        let name = after[..close].trim();
        let frag = ctx.fragments.get(name).ok_or_else(|| {
            ctx.err(format!(
                "no regex fragment {name:?} (the file's [fragments] table defines: {})",
                list(&ctx.fragments.keys().cloned().collect::<Vec<_>>())
            ))
        })?;
        out.push_str(frag);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn build_regex(src: &str, ctx: &Ctx<'_>) -> Result<Regex> {
    RegexBuilder::new(src)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(8 * REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| ctx.err(format!("bad regex: {e}")))
}

/// Replace `macro` references by the macro's element (the referring
/// element's name, optional and repeat apply on top).
fn expand(
    e: &ElemDef,
    macros: &std::collections::BTreeMap<String, Spanned<ElemDef>>,
    depth: usize,
    ctx: &Ctx<'_>,
) -> Result<ElemDef> {
    if depth > MAX_MACRO_DEPTH {
        return Err(ctx.err("macros nest too deep (a macro refers to itself?)"));
    }
    let mut out = if let Some(name) = &e.macro_ {
        let m = macros
            .get(name)
            .ok_or_else(|| ctx.err(format!("unknown macro {name:?}")))?;
        let mut base = expand(m.get_ref(), macros, depth + 1, ctx)?;
        if e.name.is_some() {
            base.name.clone_from(&e.name);
        }
        base.optional |= e.optional;
        if e.repeat.is_some() {
            base.repeat = e.repeat;
        }
        base
    } else {
        e.clone()
    };
    if let Some(alts) = &out.any {
        out.any = Some(
            alts.iter()
                .map(|seq| {
                    seq.iter()
                        .map(|x| expand(x, macros, depth + 1, ctx))
                        .collect::<Result<Vec<_>>>()
                })
                .collect::<Result<Vec<_>>>()?,
        );
    }
    if let Some(n) = &out.not {
        out.not = Some(Box::new(expand(n, macros, depth + 1, ctx)?));
    }
    Ok(out)
}

fn compile_seq(
    seq: &[ElemDef],
    names: &mut Vec<String>,
    needs: &mut (BTreeSet<String>, bool),
    shared: &mut Shared,
    ctx: &Ctx<'_>,
) -> Result<Vec<Elem>> {
    seq.iter()
        .map(|e| compile_elem(e, names, needs, shared, ctx))
        .collect()
}

fn compile_elem(
    e: &ElemDef,
    names: &mut Vec<String>,
    needs: &mut (BTreeSet<String>, bool),
    shared: &mut Shared,
    ctx: &Ctx<'_>,
) -> Result<Elem> {
    let cap = match &e.name {
        Some(n) => {
            if n.is_empty() || names.contains(n) {
                return Err(ctx.err(format!("capture name {n:?} is empty or used twice")));
            }
            names.push(n.clone());
            Some(names.len() - 1)
        }
        None => None,
    };
    let (min, max) = match (e.optional, e.repeat) {
        (_, Some([a, b])) if a > b || b == 0 || b > 64 => {
            return Err(ctx.err(format!(
                "repeat = [{a}, {b}] needs 0 <= min <= max, 1 <= max <= 64"
            )))
        }
        (true, Some([_, b])) => (0, b),
        (false, Some([a, b])) => (a, b),
        (true, None) => (0, 1),
        (false, None) => (1, 1),
    };
    if e.end {
        if has_item_conditions(e) || shapes_items(e) || e.any.is_some() {
            return Err(ctx.err("`end` stands alone in its element"));
        }
        return Ok(Elem::End);
    }
    if let Some(n) = e.skip {
        if e.text.is_some()
            || e.words.is_some()
            || e.regex.is_some()
            || e.pos.is_some()
            || e.any.is_some()
        {
            return Err(ctx.err("`skip` stands alone in its element"));
        }
        if n > 32 {
            return Err(ctx.err("skip is limited to 32 items"));
        }
        return Ok(Elem::Skip { max: n, cap });
    }
    if let Some(alts) = &e.any {
        let alts = alts
            .iter()
            .map(|seq| compile_seq(seq, names, needs, shared, ctx))
            .collect::<Result<Vec<_>>>()?;
        return Ok(Elem::Alt {
            alts,
            min,
            max,
            cap,
        });
    }
    let conds = conds_of(e, needs, shared, ctx)?;
    if conds.is_empty() {
        return Err(ctx.err("an element needs a condition (text, words, regex, pos, lexicon, entity, time, not, skip, any, end or macro)"));
    }
    Ok(Elem::Item {
        conds,
        min,
        max,
        cap,
    })
}

/// Whether an element says something of the item it takes.
fn has_item_conditions(e: &ElemDef) -> bool {
    e.text.is_some()
        || e.words.is_some()
        || e.regex.is_some()
        || e.pos.is_some()
        || e.lexicon.is_some()
        || e.entity.is_some()
        || e.time.is_some()
        || e.not.is_some()
}

/// Whether an element says how many items it takes or what it captures:
/// nothing a condition on one item (`not`) or an `end` may say.
fn shapes_items(e: &ElemDef) -> bool {
    e.skip.is_some() || e.repeat.is_some() || e.optional || e.name.is_some()
}

fn conds_of(
    e: &ElemDef,
    needs: &mut (BTreeSet<String>, bool),
    shared: &mut Shared,
    ctx: &Ctx<'_>,
) -> Result<Vec<Cond>> {
    let mut conds = Vec::new();
    if let Some(t) = &e.text {
        conds.push(Cond::Text(shared.vocab.intern(t)));
    }
    if let Some(w) = &e.words {
        if w.is_empty() {
            return Err(ctx.err("`words` is empty"));
        }
        let ids = w.iter().map(|w| shared.vocab.intern(w)).collect();
        conds.push(Cond::Words(WordSet::new(ids)));
    }
    if let Some(p) = &e.pos {
        conds.push(Cond::Pos(
            crate::rules::pattern::TagSet::new(&p.to_vec()).map_err(|m| ctx.err(m))?,
        ));
    }
    let entity_type = |s: &str| -> Result<Option<EntityType>> {
        match s {
            "*" | "" => Ok(None),
            t if ENTITY_TYPES.contains(&t) => Ok(t.parse().ok()),
            t => Err(ctx.err(format!(
                "unknown entity type {t:?} (one of {}, or *)",
                ENTITY_TYPES.join(", ")
            ))),
        }
    };
    if let Some(l) = &e.lexicon {
        shared.uses_lexicon = true;
        conds.push(Cond::Lexicon(entity_type(l)?));
    }
    if let Some(t) = &e.entity {
        needs
            .0
            .insert(if t.is_empty() { "*".into() } else { t.clone() });
        conds.push(Cond::Entity(entity_type(t)?));
    }
    if let Some(t) = &e.time {
        needs.1 = true;
        let kind = match t.as_str() {
            "*" | "" => None,
            k => Some(time_kind(k, ctx)?),
        };
        conds.push(Cond::Time(kind));
    }
    // cheap tests first: a regex runs only on items that pass the rest
    if let Some(r) = &e.regex {
        let r = with_fragments(r, ctx)?;
        let src = format!("^(?:{r})$");
        let slots = shared.item_regex_slots.len();
        let slot = match shared.item_regex_slots.get(&src) {
            Some(&slot) => slot,
            None => {
                let slot = u8::try_from(slots).ok().filter(|&s| s < 128);
                shared.item_regex_slots.insert(src.clone(), slot);
                slot
            }
        };
        conds.push(Cond::Regex(ItemRegex {
            regex: build_regex(&src, ctx)?,
            slot,
        }));
    }
    if let Some(n) = &e.not {
        if shapes_items(n) || n.end {
            return Err(ctx.err("`not` takes conditions on one item only"));
        }
        let mut inner = conds_of(n, needs, shared, ctx)?;
        // not = { any = [[{ words = […] }], [{ entity = "*" }]] }: none of them
        if let Some(alts) = &n.any {
            let mut sets = Vec::with_capacity(alts.len());
            for alt in alts {
                let [one] = alt.as_slice() else {
                    return Err(ctx.err("`not` takes alternatives of one item each"));
                };
                if shapes_items(one) || one.end || one.any.is_some() || one.macro_.is_some() {
                    return Err(ctx.err("`not` takes conditions on one item only"));
                }
                sets.push(conds_of(one, needs, shared, ctx)?);
            }
            inner.push(Cond::AnyOf(sets));
        }
        conds.push(Cond::Not(inner));
    }
    Ok(conds)
}

fn time_kind(k: &str, ctx: &Ctx<'_>) -> Result<TimeKind> {
    Ok(match k {
        "date" => TimeKind::Date,
        "datetime" => TimeKind::Datetime,
        "time" => TimeKind::Time,
        "interval" => TimeKind::Interval,
        "duration" => TimeKind::Duration,
        "set" => TimeKind::Set,
        "fuzzy" => TimeKind::Fuzzy,
        other => {
            return Err(ctx.err(format!(
            "unknown time kind {other:?} (date, datetime, time, interval, duration, set, fuzzy)"
        )))
        }
    })
}

fn grain(g: &str, ctx: &Ctx<'_>) -> Result<Grain> {
    Ok(match g {
        "year" => Grain::Year,
        "quarter" => Grain::Quarter,
        "month" => Grain::Month,
        "week" => Grain::Week,
        "day" => Grain::Day,
        "hour" => Grain::Hour,
        "minute" => Grain::Minute,
        "second" => Grain::Second,
        other => {
            return Err(ctx.err(format!(
                "unknown unit {other:?} (year, quarter, month, week, day, hour, minute, second)"
            )))
        }
    })
}

fn time_spec(t: &TimeOut, cap: &dyn Fn(&str) -> Result<usize>, ctx: &Ctx<'_>) -> Result<TimeSpec> {
    let field = |f: &Option<FieldDef>| -> Result<Option<Field>> {
        let Some(f) = f else { return Ok(None) };
        time_field(f, cap, ctx).map(Some)
    };

    let part_of_day = match &t.part_of_day {
        None => None,
        Some(p) => match PartOfDay::parse(p) {
            Some(pod) => Some(PodSource::Fixed(pod)),
            None => {
                cap(p)?;
                Some(PodSource::Cap(p.trim_start_matches('$').to_string()))
            }
        },
    };
    let modifier = match t.modifier.as_deref() {
        None => None,
        Some("START") => Some(TimeMod::Start),
        Some("MID") => Some(TimeMod::Mid),
        Some("END") => Some(TimeMod::End),
        Some(m) => return Err(ctx.err(format!("unknown mod {m:?} (START, MID, END)"))),
    };
    let kind = time_kind(&t.kind, ctx)?;
    let spec = TimeSpec {
        kind: Some(kind),
        year: field(&t.year)?,
        quarter: field(&t.quarter)?,
        month: field(&t.month)?,
        week: field(&t.week)?,
        weekday: field(&t.weekday)?,
        day: field(&t.day)?,
        hour: field(&t.hour)?,
        minute: field(&t.minute)?,
        second: field(&t.second)?,
        part_of_day,
        amount: match &t.amount {
            Some(FieldDef::Capture(x)) if x == "X" => None,
            other => field(other)?,
        },
        unit: t.unit.as_deref().map(|u| grain(u, ctx)).transpose()?,
        half: t.half,
        period: t.period.clone(),
        modifier,
        nth: field(&t.nth)?,
        calendar: match t.calendar.as_deref() {
            None => None,
            Some(c) => Some(Calendar::parse(c).ok_or_else(|| {
                ctx.err(format!(
                    "unknown calendar {c:?} (gregorian, chinese, easter, orthodox_easter, hebrew, islamic)"
                ))
            })?),
        },
        shift: t.shift,
        anaphora: match t.anaphora.as_deref() {
            None => None,
            Some("same") => Some(Anaphora::Same),
            Some("year") => Some(Anaphora::Year),
            Some("quarter") => Some(Anaphora::Quarter),
            Some("day") => Some(Anaphora::Day),
            Some("next_day") => Some(Anaphora::NextDay),
            Some(a) => {
                return Err(ctx.err(format!(
                    "unknown anaphora {a:?} (same, year, quarter, day, next_day)"
                )))
            }
        },
        span_days: match t.days {
            Some(n) if !(1..=366).contains(&n) => {
                return Err(ctx.err("`days` must be between 1 and 366"))
            }
            other => other,
        },
        from: t
            .from
            .as_deref()
            .map(|f| time_spec(f, cap, ctx).map(Box::new))
            .transpose()?,
        to: t
            .to
            .as_deref()
            .map(|f| time_spec(f, cap, ctx).map(Box::new))
            .transpose()?,
    };
    match kind {
        TimeKind::Duration if spec.unit.is_none() => Err(ctx.err("a duration needs a `unit`")),
        TimeKind::Set if spec.period.is_none() => Err(ctx.err("a set needs a `period`")),
        TimeKind::Interval if spec.from.is_none() || spec.to.is_none() => {
            Err(ctx.err("an interval needs `from` and `to`"))
        }
        _ => Ok(spec),
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

/// One time field's source, compiled.
fn time_field(f: &FieldDef, cap: &dyn Fn(&str) -> Result<usize>, ctx: &Ctx<'_>) -> Result<Field> {
    let capture = |c: &str| -> Result<String> {
        cap(c)?;
        Ok(c.trim_start_matches('$').to_string())
    };
    let words = |m: &std::collections::BTreeMap<String, i64>| -> Option<WordMap> {
        (!m.is_empty()).then(|| {
            std::sync::Arc::new(m.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>())
        })
    };
    Ok(match f {
        FieldDef::Int(n) => Field::Abs(*n),
        FieldDef::Any { any } => {
            if any.is_empty() {
                return Err(ctx.err("`any` needs at least one source"));
            }
            Field::First(
                any.iter()
                    .map(|x| time_field(x, cap, ctx))
                    .collect::<Result<Vec<_>>>()?,
            )
        }
        FieldDef::Capture(c) => Field::Cap(capture(c)?, None),
        FieldDef::Value {
            value,
            map,
            add,
            negate,
        } if map.is_empty() && (*add != 0 || *negate) => {
            Field::CapAdd(capture(value)?, *add, *negate)
        }
        FieldDef::Value {
            value,
            map,
            add,
            negate,
        } => {
            if *add != 0 || *negate {
                return Err(ctx.err("a field takes `map` or `add`/`negate`, not both"));
            }
            Field::Cap(capture(value)?, words(map))
        }
        FieldDef::Offset {
            offset: IntOrCapture::Int(n),
            negate,
            ..
        } => Field::Off(if *negate { -n } else { *n }),
        FieldDef::Offset {
            offset: IntOrCapture::Capture(c),
            negate,
            map,
        } => Field::OffCap(capture(c)?, *negate, words(map)),
    })
}
