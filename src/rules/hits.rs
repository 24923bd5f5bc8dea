//! What the rules find (entities, times, relations, in analysis-text
//! offsets), and how a stage's candidates settle against what earlier
//! stages accepted: the longer span wins an overlap, then the higher
//! priority, then the earlier rule; vetoes cover spans.

use std::ops::Range;

use crate::document::{EntityType, Predicate, TimeKind};
use crate::lexicon::Lexicon;
use crate::segment::Token;

/// An entity found by a rule, in analysis-text offsets.
#[derive(Clone, Debug)]
pub(crate) struct EntityHit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: EntityType,
    pub(crate) canonical: String,
    pub(crate) rule: usize,
    /// Found as a short name the text introduced (以下简称), not by a rule.
    pub(crate) alias: bool,
    pub(super) priority: i32,
}

impl EntityHit {
    /// The priority of the rule that found it (what wins an overlap).
    pub(crate) fn priority(&self) -> i32 {
        self.priority
    }

    /// The `rule` of an entity found by a pass of code after the rules
    /// (person-name boundaries), not by a rule of the files.
    pub(crate) const NO_RULE: usize = usize::MAX;

    /// The `rule` of an entity a pipeline stage of the caller's added.
    pub(crate) const FROM_STAGE: usize = usize::MAX - 1;

    /// An entity a pipeline stage added (`Work::add_entity`).
    pub(crate) fn from_stage(
        start: usize,
        end: usize,
        kind: EntityType,
        canonical: String,
    ) -> Self {
        EntityHit {
            rule: Self::FROM_STAGE,
            ..Self::by_pass(kind, start, end, canonical)
        }
    }

    /// An entity found by a pass of code, not by a rule.
    pub(crate) fn by_pass(kind: EntityType, start: usize, end: usize, canonical: String) -> Self {
        EntityHit {
            start,
            end,
            kind,
            canonical,
            rule: Self::NO_RULE,
            alias: false,
            priority: 0,
        }
    }

    /// An entity for a later mention of a short name.
    pub(crate) fn alias_of(of: &EntityHit, start: usize, end: usize) -> Self {
        EntityHit {
            start,
            end,
            kind: of.kind.clone(),
            canonical: of.canonical.clone(),
            rule: of.rule,
            alias: true,
            priority: of.priority,
        }
    }
}

/// A time found by a rule.
#[derive(Clone, Debug)]
pub(crate) struct TimeHit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) rule: usize,
    /// The spans of the rule's captures in this match (in the order of
    /// [`RuleSet::time_output`]'s names), for the time stage to resolve.
    pub(crate) spans: Box<[Option<(usize, usize)>]>,
    /// The kind the rule declares (what a pattern's `time = "date"` tests;
    /// the value may refine it when it is resolved).
    pub(super) kind: TimeKind,
    pub(super) priority: i32,
}

/// A relation found by a rule.
#[derive(Clone, Debug)]
pub(crate) struct RelationHit {
    pub(crate) subject: EntityHit,
    pub(crate) object: EntityHit,
    pub(crate) predicate: Predicate,
    pub(crate) verb: String,
    pub(crate) value: Option<String>,
    pub(crate) negated: bool,
    pub(crate) hedged: bool,
    pub(crate) sentence: Range<usize>,
    pub(crate) rule: usize,
    /// Set for a triple no rule file produced (named by the code that did).
    pub(crate) origin: Option<&'static str>,
    pub(super) priority: i32,
}

impl RelationHit {
    /// A triple found by the library's own code rather than a rule.
    pub(crate) fn derived(
        subject: EntityHit,
        object: EntityHit,
        predicate: Predicate,
        verb: String,
        sentence: Range<usize>,
        origin: &'static str,
    ) -> Self {
        RelationHit {
            subject,
            object,
            predicate,
            verb,
            value: None,
            negated: false,
            hedged: false,
            sentence,
            rule: 0,
            origin: Some(origin),
            priority: 0,
        }
    }
}

/// What one stage's matches propose, before vetoes and overlap resolution.
#[derive(Default)]
pub(super) struct Candidates {
    pub(super) entities: Vec<EntityHit>,
    pub(super) times: Vec<TimeHit>,
    pub(super) relations: Vec<RelationHit>,
    /// Vetoed span, and whether entities / times there go.
    pub(super) vetoes: Vec<((usize, usize), bool, bool)>,
}

/// Everything the rules found in one text.
#[derive(Debug, Default)]
pub(crate) struct Hits {
    pub(crate) entities: Vec<EntityHit>,
    pub(crate) times: Vec<TimeHit>,
    pub(crate) relations: Vec<RelationHit>,
}

/// The text the rules run on.
pub(crate) struct Input<'a> {
    pub(crate) text: &'a str,
    pub(crate) sentences: &'a [Range<usize>],
    /// Tokens of all sentences, in order.
    pub(crate) tokens: &'a [Token<'a>],
    pub(crate) lexicon: &'a Lexicon,
    /// The word lists, for the words that stand for a party (该公司, 双方).
    pub(crate) words: &'a crate::words::WordLists,
}

pub(super) trait Spanned {
    fn span(&self) -> (usize, usize);
    fn priority(&self) -> i32;
    fn rule(&self) -> usize;
}

macro_rules! spanned {
    ($t:ty) => {
        impl Spanned for $t {
            fn span(&self) -> (usize, usize) {
                (self.start, self.end)
            }
            fn priority(&self) -> i32 {
                self.priority
            }
            fn rule(&self) -> usize {
                self.rule
            }
        }
    };
}
spanned!(EntityHit);
spanned!(TimeHit);

pub(super) fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Stage candidates resolved among themselves (priority, then longer, then
/// earlier, then file order), then merged over earlier stages' results
/// (the later stage wins where they overlap).
pub(super) fn settle<T: Spanned>(accepted: &mut Vec<T>, mut cands: Vec<T>) {
    if cands.is_empty() {
        return;
    }
    cands.sort_by(|a, b| {
        let (sa, sb) = (a.span(), b.span());
        b.priority()
            .cmp(&a.priority())
            .then((sb.1 - sb.0).cmp(&(sa.1 - sa.0)))
            .then(sa.0.cmp(&sb.0))
            .then(a.rule().cmp(&b.rule()))
    });
    let mut won: Vec<T> = Vec::new();
    // accepted spans of this stage, disjoint: start -> end
    let mut taken: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    let hit = |taken: &std::collections::BTreeMap<usize, usize>, s: (usize, usize)| {
        // the last span starting before s ends, if it reaches into s
        taken
            .range(..s.1)
            .next_back()
            .is_some_and(|(&a, &b)| overlaps((a, b), s))
    };
    for c in cands {
        let s = c.span();
        if hit(&taken, s) {
            continue;
        }
        taken.insert(s.0, s.1);
        won.push(c);
    }
    if !accepted.is_empty() {
        accepted.retain(|a| !hit(&taken, a.span()));
    }
    accepted.extend(won);
    accepted.sort_by_key(|a| a.span());
}

/// A later mention stands for a name found elsewhere: once a later stage
/// has vetoed or replaced every mention that gave it (上市公司, vetoed as a
/// kind of company, whose part 上市 was linked), it goes too.
pub(super) fn drop_orphan_aliases(entities: &mut Vec<EntityHit>) {
    if !entities.iter().any(|e| e.alias) {
        return;
    }
    let named: rustc_hash::FxHashSet<&str> = entities
        .iter()
        .filter(|e| !e.alias)
        .map(|e| e.canonical.as_str())
        .collect();
    let orphans: Vec<bool> = entities
        .iter()
        .map(|e| e.alias && !named.contains(e.canonical.as_str()))
        .collect();
    let mut i = 0;
    entities.retain(|_| {
        i += 1;
        !orphans[i - 1]
    });
}

/// A set of spans that answers "does one of them contain this span?" in
/// logarithmic time (vetoes can be many on a long text).
pub(super) struct SpanCover {
    /// Spans sorted by start, each with the furthest end up to it.
    pub(super) starts: Vec<usize>,
    pub(super) reach: Vec<usize>,
}

impl SpanCover {
    pub(super) fn new(spans: impl Iterator<Item = (usize, usize)>) -> Self {
        let mut v: Vec<(usize, usize)> = spans.collect();
        v.sort_unstable();
        let mut far = 0;
        let reach = v
            .iter()
            .map(|&(_, e)| {
                far = far.max(e);
                far
            })
            .collect();
        SpanCover {
            starts: v.iter().map(|&(s, _)| s).collect(),
            reach,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Whether a span of the set starts at or before `s.0` and ends at or after `s.1`.
    pub(super) fn covers(&self, s: (usize, usize)) -> bool {
        let n = self.starts.partition_point(|&x| x <= s.0);
        n > 0 && self.reach[n - 1] >= s.1
    }
}

impl Spanned for RelationHit {
    fn span(&self) -> (usize, usize) {
        (self.sentence.start, self.sentence.end)
    }
    fn priority(&self) -> i32 {
        self.priority
    }
    fn rule(&self) -> usize {
        self.rule
    }
}
