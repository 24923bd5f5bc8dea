//! Relations the wording of names states: a company named after its group
//! with a qualifier added (`徐工` → `徐工印尼公司`, `索尼` → `索尼人寿`,
//! `阿里巴巴` → `阿里巴巴商业银行`) is a unit of that group, when both are
//! named in one sentence. A name that only adds a legal form (`加多宝` and
//! `加多宝集团`, `北汽` and `北汽股份`) is the same company, not a unit.

use std::ops::Range;

use crate::document::{EntityType, Predicate};
use crate::lexicon::Lexicon;
use crate::relation_model::Label;
use crate::rules::{EntityHit, RelationHit};
use crate::segment::CLAUSE_MARKS;
use crate::words::WordLists;

/// Names by their endings (`relations_named.*` in the word lists).
struct NameEndings<'w>(&'w WordLists);

impl NameEndings<'_> {
    /// A government body names no company group (国务院, 发改委, 商务部).
    fn is_government(&self, name: &str) -> bool {
        self.ends_with_one_of(name, "relations_named.government_endings")
    }

    /// An exchange or an association named like a company (上海证券交易所
    /// and 上海证券) is none of its units.
    fn is_exchange_or_association(&self, name: &str) -> bool {
        self.ends_with_one_of(name, "relations_named.exchange_endings")
    }

    /// A school's department or institute (资讯工程学系, 医学院) is a unit of
    /// learning, not a company of a group.
    fn is_academic_unit(&self, name: &str) -> bool {
        self.ends_with_one_of(name, "relations_named.academic_unit_endings")
    }

    /// Whether `name` ends with a word of the list `list`.
    fn ends_with_one_of(&self, name: &str, list: &str) -> bool {
        self.0.get(list).iter().any(|s| name.ends_with(s.as_str()))
    }

    fn is_group_name(&self, name: &str) -> bool {
        self.group_core(name).1
    }

    /// A group's name without the word that makes it a group.
    fn group_core<'n>(&self, name: &'n str) -> (&'n str, bool) {
        for suffix in self.0.get("relations_named.group_suffixes") {
            if let Some(core) = name.strip_suffix(suffix.as_str()) {
                if core.chars().count() >= 2 {
                    return (core, true);
                }
            }
        }
        (name, false)
    }

    /// What a unit's name adds to its group's without a legal form.
    fn without_legal_form<'n>(&self, rest: &'n str) -> &'n str {
        self.0
            .get("relations_named.legal_forms")
            .iter()
            .find_map(|f| rest.strip_suffix(f.as_str()))
            .unwrap_or(rest)
    }
}

/// The entities (sorted by start) that lie wholly inside sentence `s`.
fn sentence_entities<'e>(
    entities: &'e [EntityHit],
    s: &Range<usize>,
) -> impl Iterator<Item = &'e EntityHit> {
    let (start, end) = (s.start, s.end);
    let first = entities.partition_point(|e| e.start < start);
    entities[first..]
        .iter()
        .take_while(move |e| e.start < end)
        .filter(move |e| e.end <= end)
}

/// `subsidiary_of` triples between organisations of one sentence whose
/// names say so.
pub(crate) fn subsidiaries_by_name(
    text: &str,
    entities: &[EntityHit],
    sentences: &[Range<usize>],
    lexicon: &Lexicon,
    words: &WordLists,
) -> Vec<RelationHit> {
    let names = NameEndings(words);
    let mut out = Vec::new();
    for s in sentences {
        let orgs: Vec<&EntityHit> = sentence_entities(entities, s)
            .filter(|e| e.kind == EntityType::Org)
            .collect();
        if orgs.len() < 2 {
            continue;
        }
        for parent in &orgs {
            let pname = &text[parent.start..parent.end];
            let (core, _) = names.group_core(pname);
            if core.chars().count() < 2 {
                continue;
            }
            for child in &orgs {
                let cname = &text[child.start..child.end];
                if child.canonical == parent.canonical || cname == pname {
                    continue;
                }
                let Some(rest) = cname.strip_prefix(core) else {
                    continue;
                };
                if names.is_government(pname)
                    || names.is_government(&parent.canonical)
                    || names.is_exchange_or_association(cname)
                    || names.is_academic_unit(cname)
                {
                    continue;
                }
                // what the child adds must be a qualifier of two chars or
                // more besides a legal form (波音公司, 北汽股份, 加多宝集团 are
                // the same company); not another group, not another name
                // (two names run together are a pair, not a unit)
                let qualifier = names.without_legal_form(rest);
                let qualifies = !names.is_group_name(cname)
                    && qualifier.chars().count() >= 2
                    && lexicon
                        .get(qualifier)
                        .is_none_or(|e| !matches!(e.kind, EntityType::Org | EntityType::Product));
                if qualifies {
                    out.push(RelationHit::derived(
                        (*child).clone(),
                        (*parent).clone(),
                        Predicate::SubsidiaryOf,
                        String::new(),
                        s.clone(),
                        "subsidiary_of.naming",
                    ));
                }
            }
        }
    }
    out
}

/// Triples the relation classifier finds between entities of one sentence
/// that no rule related: every candidate pair (`candidate_pairs`) is scored,
/// and a predicate whose margin passes the model's threshold is added,
/// flagged `negated`/`hedged` when a cue word of the trigger file stands
/// between the parties or up to three tokens before the first.
pub(crate) fn classify_pairs(
    model: &crate::relation_model::RelationModel,
    domain: &ModelDomain<'_>,
    tokens: &[crate::segment::Token<'_>],
    sentences: &[Range<usize>],
    text: &str,
    entities: &[EntityHit],
    relations: &mut Vec<RelationHit>,
) {
    use crate::relation_model::{candidate_pairs, PairToken, Party, SentenceFeatures};
    let ruled = RuledPairs::of(relations);
    let mut found = Vec::new();
    let mut feats = crate::relation_model::HashedFeatures::default();
    for s in sentences {
        let ents: Vec<&EntityHit> = sentence_entities(entities, s).collect();
        if ents.len() < 2 {
            continue;
        }
        let t0 = tokens.partition_point(|t| t.start() < s.start);
        let t1 = tokens.partition_point(|t| t.start() < s.end);
        let toks: Vec<PairToken> = tokens[t0..t1]
            .iter()
            .map(|t| PairToken {
                text: t.text,
                pos: t.pos.as_str(),
                start: t.start(),
                end: t.end(),
            })
            .collect();
        let parties: Vec<Party> = ents
            .iter()
            .map(|e| Party {
                start: e.start,
                end: e.end,
                kind: e.kind.as_str(),
                text: &text[e.start..e.end],
            })
            .collect();
        let mut sentence = None;
        for (i, j, others) in candidate_pairs(&parties, text) {
            let (a, b) = (ents[i], ents[j]);
            if !ruled.open_to_the_model(a, b) || !domain.holds(a, text) || !domain.holds(b, text) {
                continue;
            }
            let sentence =
                sentence.get_or_insert_with(|| SentenceFeatures::new(&toks, model.triggers()));
            crate::relation_model::pair_features_in(
                &toks,
                sentence,
                &parties[i],
                &parties[j],
                others,
                model.triggers(),
                &mut feats,
            );
            let Some(label) = model.decide(&model.scores_hashed(&feats)).label else {
                continue;
            };
            let symmetric = matches!(label.predicate, Predicate::Cooperate | Predicate::Compete);
            if symmetric && enumerated(text, &ents, a, b) {
                continue;
            }
            let pair = ModelPair {
                toks: &toks,
                ents: &ents,
                a,
                b,
                sentence: s,
                text,
            };
            found.push(pair.triple(model.triggers(), label));
        }
    }
    relations.extend(found);
}

/// What the classifier knows of: companies and the people and companies that
/// hold, buy, run or rival them (FinRE's relations). A government body, a
/// school, a team (by the endings of `relations.model_not_company_endings`,
/// on the name or its canonical form) or a place named as a team (日本 of
/// 完胜日本) is none of its parties.
pub(crate) struct ModelDomain<'a> {
    lexicon: &'a Lexicon,
    /// `relations.model_not_company_endings`.
    not_company_endings: &'a [String],
}

impl<'a> ModelDomain<'a> {
    pub(crate) fn new(lexicon: &'a Lexicon, words: &'a WordLists) -> Self {
        ModelDomain {
            lexicon,
            not_company_endings: words.get("relations.model_not_company_endings"),
        }
    }

    fn holds(&self, e: &EntityHit, text: &str) -> bool {
        if e.kind != EntityType::Org {
            return true;
        }
        let name = text.get(e.start..e.end).unwrap_or("");
        if self
            .lexicon
            .get(name)
            .is_some_and(|l| l.kind == EntityType::Location)
        {
            return false;
        }
        // a canonical form may carry a qualifier in brackets: 清华大学(台湾)
        let canonical = e.canonical.split('(').next().unwrap_or("");
        ![name, canonical].iter().any(|n| {
            self.not_company_endings
                .iter()
                .any(|end| n.ends_with(end.as_str()))
        })
    }
}

/// Whether `a` and `b` (`a` first) are members of one enumeration: only
/// enumeration commas and other names between them (A、B、C). A list by
/// itself says nothing of whether its members work together or rival (星海
/// 集团、蓝鲸集团等上市公司); the rules read the lists that do (A、B等同行).
fn enumerated(text: &str, ents: &[&EntityHit], a: &EntityHit, b: &EntityHit) -> bool {
    use crate::segment::ENUMERATION_MARK;
    let comma = |from: usize, to: usize| {
        text.get(from..to)
            .is_some_and(|gap| gap.trim() == ENUMERATION_MARK)
    };
    let mut at = a.end;
    for e in ents.iter().filter(|e| e.start >= a.end && e.end <= b.start) {
        if !comma(at, e.start) {
            return false;
        }
        at = e.end;
    }
    comma(at, b.start)
}

/// What the rules related, which the classifier leaves alone.
struct RuledPairs<'r> {
    /// The spans of each pair a rule related, either way round (one set, not
    /// a scan of every relation per pair: a long document has thousands).
    spans: std::collections::HashSet<[usize; 4]>,
    /// The names a rule related anywhere in the document: a rule's word for
    /// two companies stands, the classifier adds no second guess about them
    /// in another sentence (阿里 compete 腾讯 by a rule; not 腾讯 compete 阿里
    /// as well).
    names: std::collections::HashSet<(&'r str, &'r str)>,
    /// The mentions a rule made a party of a relation: when both names of a
    /// pair are, the rules have read what the sentence says of them, and a
    /// guess about the two of them (A持股B，B归属于C: not A–C) is a second
    /// guess.
    parties: std::collections::HashSet<[usize; 2]>,
}

impl<'r> RuledPairs<'r> {
    fn of(relations: &'r [RelationHit]) -> Self {
        let mut spans = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        let mut parties = std::collections::HashSet::new();
        for r in relations {
            let (s, o) = (&r.subject, &r.object);
            parties.insert([s.start, s.end]);
            parties.insert([o.start, o.end]);
            spans.insert([s.start, s.end, o.start, o.end]);
            spans.insert([o.start, o.end, s.start, s.end]);
            names.insert((s.canonical.as_str(), o.canonical.as_str()));
            names.insert((o.canonical.as_str(), s.canonical.as_str()));
        }
        RuledPairs {
            spans,
            names,
            parties,
        }
    }

    /// Whether the classifier may relate `a` and `b`: two names of one
    /// thing, two people (FinRE's relations are between companies and their
    /// holders) and what a rule related are not its to guess.
    fn open_to_the_model(&self, a: &EntityHit, b: &EntityHit) -> bool {
        let people = a.kind == EntityType::Person && b.kind == EntityType::Person;
        !(people
            || a.canonical == b.canonical
            || self.spans.contains(&[a.start, a.end, b.start, b.end])
            || (self.parties.contains(&[a.start, a.end])
                && self.parties.contains(&[b.start, b.end]))
            || self
                .names
                .contains(&(a.canonical.as_str(), b.canonical.as_str())))
    }
}

/// A pair of one sentence the classifier related, `a` written first.
struct ModelPair<'s, 't> {
    toks: &'s [crate::relation_model::PairToken<'t>],
    ents: &'s [&'s EntityHit],
    a: &'s EntityHit,
    b: &'s EntityHit,
    sentence: &'s Range<usize>,
    text: &'s str,
}

impl ModelPair<'_, '_> {
    /// The triple of the classifier's label, its verb the first trigger of
    /// the predicate after the first party, flagged `negated`/`hedged` when
    /// a cue word stands between the parties or up to three tokens before
    /// the first.
    fn triple(&self, trig: &crate::relation_model::Triggers, label: Label) -> RelationHit {
        let (toks, a, b) = (self.toks, self.a, self.b);
        let pred_list = label.predicate.to_string();
        let between = toks.iter().filter(|t| t.start >= a.end && t.end <= b.start);
        let before = toks.iter().filter(|t| t.end <= a.start).rev().take(3);
        let cue = |list: &str| {
            between
                .clone()
                .chain(before.clone())
                .any(|t| trig.is(t.text, list))
        };
        let verb = toks
            .iter()
            .filter(|t| t.start >= a.end)
            .find(|t| trig.is(t.text, &pred_list))
            .map_or_else(String::new, |t| t.text.to_string());
        let (subj, obj) = if label.forward { (a, b) } else { (b, a) };
        let mut hit = RelationHit::derived(
            subj.clone(),
            obj.clone(),
            label.predicate.clone(),
            verb,
            self.sentence.clone(),
            "model:relations",
        );
        hit.negated = cue("negation");
        hit.hedged = cue("hedging");
        if label.predicate == Predicate::OwnStake {
            hit.value = stake_share(self.text, self.ents, obj);
        }
        hit
    }
}

/// The share a stake is of: the first percentage after the held company in
/// its clause (持有B 15%股权, 持有B公司的15%).
fn stake_share(text: &str, ents: &[&EntityHit], held: &EntityHit) -> Option<String> {
    let pct = ents
        .iter()
        .find(|e| e.kind == EntityType::Percent && e.start >= held.end)?;
    let gap = text.get(held.end..pct.start)?;
    let clause_ends = gap.contains(CLAUSE_MARKS) || gap.contains('。');
    (gap.chars().count() <= 12 && !clause_ends).then(|| text[pct.start..pct.end].to_string())
}

/// Money deals carry their amount: an `acquire` or `invest` triple with no
/// value takes the first amount in the clause of its parties (腾讯以12亿元收购
/// 搜狗, 京东投资美团5亿美元), where no clause mark lies between the first
/// party and the amount.
pub(crate) fn deal_amounts(text: &str, entities: &[EntityHit], relations: &mut [RelationHit]) {
    for r in relations.iter_mut() {
        if r.value.is_some() || !matches!(r.predicate, Predicate::Acquire | Predicate::Invest) {
            continue;
        }
        let from = r.subject.start.min(r.object.start);
        let to = r.sentence.end;
        let first = entities.partition_point(|e| e.start < from);
        let amount = entities[first..]
            .iter()
            .take_while(|e| e.start < to)
            .filter(|e| e.kind == EntityType::Money && e.end <= to)
            .find(|e| {
                !text
                    .get(from..e.start)
                    .is_some_and(|gap| gap.contains(CLAUSE_MARKS) || gap.contains('。'))
            });
        if let Some(m) = amount {
            r.value = Some(text[m.start..m.end].to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ent(text: &str, part: &str, kind: EntityType) -> EntityHit {
        let start = text.find(part).unwrap();
        EntityHit::by_pass(kind, start, start + part.len(), part.to_string())
    }

    #[test]
    fn members_of_one_enumeration_are_told_from_a_pair_joined_by_a_word() {
        let text = "星海集团、蓝鲸集团、远景科技等公司与白鹭集团合作。";
        let [a, b, c, d] =
            ["星海集团", "蓝鲸集团", "远景科技", "白鹭集团"].map(|n| ent(text, n, EntityType::Org));
        let ents = vec![&a, &b, &c, &d];
        assert!(enumerated(text, &ents, &a, &b));
        assert!(enumerated(text, &ents, &a, &c));
        assert!(!enumerated(text, &ents, &c, &d));
        assert!(!enumerated(text, &ents, &a, &d));
    }

    #[test]
    fn the_model_relates_companies_not_bodies_schools_or_teams() {
        let words = WordLists::builtin();
        let lexicon = Lexicon::builtin();
        let domain = ModelDomain::new(&lexicon, words);
        let text = "星海集团、投审会、北辰大学、澜舟女排、日本、张明远";
        for (name, kind, holds) in [
            ("星海集团", EntityType::Org, true),
            ("投审会", EntityType::Org, false),
            ("北辰大学", EntityType::Org, false),
            ("澜舟女排", EntityType::Org, false),
            // a place taken for a team
            ("日本", EntityType::Org, false),
            ("张明远", EntityType::Person, true),
        ] {
            assert_eq!(domain.holds(&ent(text, name, kind), text), holds, "{name}");
        }
    }

    #[test]
    fn a_stake_carries_the_share_of_its_clause() {
        let text = "甲持有星澜半导体15%股权，乙持有30%。";
        let held = ent(text, "星澜半导体", EntityType::Org);
        let p15 = ent(text, "15%", EntityType::Percent);
        let p30 = ent(text, "30%", EntityType::Percent);
        let ents = vec![&held, &p15, &p30];
        assert_eq!(stake_share(text, &ents, &held).as_deref(), Some("15%"));
        let text = "甲持有星澜半导体股权，乙持有30%。";
        let held = ent(text, "星澜半导体", EntityType::Org);
        let p30 = ent(text, "30%", EntityType::Percent);
        assert_eq!(stake_share(text, &[&held, &p30], &held), None);
    }
}
