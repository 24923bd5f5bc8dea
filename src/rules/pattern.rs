//! Compiled token patterns and the backtracking matcher that runs them over
//! the items of one sentence (tokens, with earlier stages' entities and times
//! standing in for the tokens they cover).

use regex::Regex;
use rustc_hash::FxHashSet;

use crate::document::{EntityType, TimeKind};
use crate::lexicon::LexEntry;

/// One unit a pattern element looks at.
#[derive(Clone, Debug)]
pub(crate) struct Item<'t> {
    pub(crate) text: &'t str,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) pos: &'t str,
    /// Index into the stage's entity list, and its type.
    pub(crate) entity: Option<(usize, EntityType)>,
    /// Index into the stage's time list, and its kind.
    pub(crate) time: Option<(usize, TimeKind)>,
    pub(crate) lex: Option<&'t LexEntry>,
}

impl<'t> Item<'t> {
    /// A plain token as an item.
    pub(crate) fn token(t: &crate::segment::Token<'t>, lex: Option<&'t LexEntry>) -> Self {
        Item {
            text: t.text,
            start: t.start,
            end: t.end,
            pos: t.pos,
            entity: None,
            time: None,
            lex,
        }
    }
}

/// A condition on one item.
#[derive(Debug)]
pub(crate) enum Cond {
    Text(String),
    Words(FxHashSet<String>),
    Regex(Regex),
    /// Exact tags, or prefixes written `n*`.
    Pos(Vec<String>),
    Lexicon(Option<EntityType>),
    Entity(Option<EntityType>),
    Time(Option<TimeKind>),
    Not(Vec<Cond>),
}

impl Cond {
    fn holds(&self, it: &Item<'_>) -> bool {
        match self {
            Cond::Text(t) => it.text == t,
            Cond::Words(w) => w.contains(it.text),
            Cond::Regex(r) => r.is_match(it.text),
            Cond::Pos(tags) => tags.iter().any(|t| match t.strip_suffix('*') {
                Some(prefix) => it.pos.starts_with(prefix),
                None => it.pos == t,
            }),
            Cond::Lexicon(ty) => it
                .lex
                .is_some_and(|e| ty.as_ref().is_none_or(|t| &e.kind == t)),
            Cond::Entity(ty) => it
                .entity
                .as_ref()
                .is_some_and(|(_, k)| ty.as_ref().is_none_or(|t| k == t)),
            Cond::Time(kind) => it.time.is_some_and(|(_, k)| kind.is_none_or(|t| k == t)),
            Cond::Not(cs) => !cs.iter().all(|c| c.holds(it)),
        }
    }
}

/// A pattern element.
#[derive(Debug)]
pub(crate) enum Elem {
    /// `min..=max` consecutive items that each meet every condition.
    Item {
        conds: Vec<Cond>,
        min: u32,
        max: u32,
        cap: Option<usize>,
    },
    /// Up to `max` items of anything (within the sentence).
    Skip { max: u32, cap: Option<usize> },
    /// `min..=max` times one of several sequences.
    Alt {
        alts: Vec<Vec<Elem>>,
        min: u32,
        max: u32,
        cap: Option<usize>,
    },
}

/// A compiled token pattern.
#[derive(Debug)]
pub(crate) struct Pattern {
    pub(crate) elems: Vec<Elem>,
    pub(crate) cap_names: Vec<String>,
    /// Prefer the shortest match at a start (relation patterns): with a
    /// `skip`, the longest would reach the trigger of the next clause and
    /// swallow its pair (抖音和饿了么合作，快手和美团合作).
    pub(crate) shortest: bool,
}

/// Item ranges of the captures of one match.
pub(crate) type Caps = Vec<Option<(usize, usize)>>;

/// Steps a match may take from one start position before giving up: keeps a
/// pathological user pattern from running away.
const BUDGET: u32 = 20_000;

enum Step<'p> {
    Elems(&'p [Elem]),
    Close(usize, usize),
    /// Still `min..=max` repetitions of `alts` to go; the last one ended at
    /// `last` (a repetition must consume something).
    Rep {
        alts: &'p [Vec<Elem>],
        min: u32,
        max: u32,
        last: Option<usize>,
    },
}

impl Pattern {
    /// All non-overlapping leftmost matches, longest (or shortest, if the
    /// pattern says so) at each start: (start item, end item, captures).
    pub(crate) fn find_all(&self, items: &[Item<'_>]) -> Vec<(usize, usize, Caps)> {
        let mut out = Vec::new();
        // a required first element is checked before any backtracking starts
        let first = match self.elems.first() {
            Some(Elem::Item { conds, min, .. }) if *min > 0 => Some(conds),
            _ => None,
        };
        let mut caps = vec![None; self.cap_names.len()];
        let mut steps = Vec::with_capacity(8);
        let mut at = 0;
        while at < items.len() {
            if first.is_some_and(|conds| !conds.iter().all(|c| c.holds(&items[at]))) {
                at += 1;
                continue;
            }
            let mut best: Option<(usize, Caps)> = None;
            caps.iter_mut().for_each(|c| *c = None);
            let mut budget = BUDGET;
            steps.clear();
            steps.push(Step::Elems(&self.elems));
            run(
                &mut steps,
                items,
                at,
                &mut caps,
                &mut budget,
                &mut best,
                self.shortest,
            );
            match best {
                Some((end, caps)) if end > at => {
                    out.push((at, end, caps));
                    at = end;
                }
                _ => at += 1,
            }
        }
        out
    }
}

fn run<'p>(
    steps: &mut Vec<Step<'p>>,
    items: &[Item<'_>],
    pos: usize,
    caps: &mut Caps,
    budget: &mut u32,
    best: &mut Option<(usize, Caps)>,
    shortest: bool,
) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    let Some(step) = steps.pop() else {
        // longest: the first of the longest; shortest: the last of the
        // shortest (repeats are tried fewest first, so lists come out whole)
        let better = match best.as_ref() {
            None => true,
            Some((e, _)) if shortest => pos <= *e,
            Some((e, _)) => pos > *e,
        };
        if better {
            *best = Some((pos, caps.clone()));
        }
        return;
    };
    match step {
        Step::Close(cap, start) => {
            let old = caps[cap];
            caps[cap] = Some((start, pos));
            run(steps, items, pos, caps, budget, best, shortest);
            caps[cap] = old;
            steps.push(Step::Close(cap, start));
        }
        Step::Rep {
            alts,
            min,
            max,
            last,
        } => {
            if min == 0 {
                run(steps, items, pos, caps, budget, best, shortest);
            }
            if max > 0 && last.is_none_or(|l| pos > l) {
                for alt in alts {
                    steps.push(Step::Rep {
                        alts,
                        min: min.saturating_sub(1),
                        max: max - 1,
                        last: Some(pos),
                    });
                    steps.push(Step::Elems(alt));
                    run(steps, items, pos, caps, budget, best, shortest);
                    steps.pop();
                    steps.pop();
                }
            }
            steps.push(Step::Rep {
                alts,
                min,
                max,
                last,
            });
        }
        Step::Elems(elems) => {
            let Some((first, rest)) = elems.split_first() else {
                run(steps, items, pos, caps, budget, best, shortest);
                steps.push(Step::Elems(elems));
                return;
            };
            if !rest.is_empty() {
                steps.push(Step::Elems(rest));
            }
            match first {
                Elem::Item {
                    conds,
                    min,
                    max,
                    cap,
                } => {
                    let mut n = 0usize;
                    while n < *max as usize
                        && pos + n < items.len()
                        && conds.iter().all(|c| c.holds(&items[pos + n]))
                    {
                        n += 1;
                    }
                    for k in (*min as usize..=n).rev() {
                        with_cap(
                            steps,
                            items,
                            pos,
                            pos + k,
                            *cap,
                            caps,
                            budget,
                            best,
                            shortest,
                        );
                    }
                }
                Elem::Skip { max, cap } => {
                    let n = (*max as usize).min(items.len() - pos);
                    for k in 0..=n {
                        with_cap(
                            steps,
                            items,
                            pos,
                            pos + k,
                            *cap,
                            caps,
                            budget,
                            best,
                            shortest,
                        );
                    }
                }
                Elem::Alt {
                    alts,
                    min,
                    max,
                    cap,
                } => {
                    if let Some(c) = cap {
                        steps.push(Step::Close(*c, pos));
                    }
                    steps.push(Step::Rep {
                        alts,
                        min: *min,
                        max: *max,
                        last: None,
                    });
                    run(steps, items, pos, caps, budget, best, shortest);
                    steps.pop();
                    if cap.is_some() {
                        steps.pop();
                    }
                }
            }
            if !rest.is_empty() {
                steps.pop();
            }
            steps.push(Step::Elems(elems));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn with_cap<'p>(
    steps: &mut Vec<Step<'p>>,
    items: &[Item<'_>],
    from: usize,
    to: usize,
    cap: Option<usize>,
    caps: &mut Caps,
    budget: &mut u32,
    best: &mut Option<(usize, Caps)>,
    shortest: bool,
) {
    match cap {
        Some(c) => {
            let old = caps[c];
            caps[c] = Some((from, to));
            run(steps, items, to, caps, budget, best, shortest);
            caps[c] = old;
        }
        None => run(steps, items, to, caps, budget, best, shortest),
    }
}
