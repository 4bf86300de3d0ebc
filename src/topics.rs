//! Topics and introductions (§4), pure over the notes: which interest, field,
//! training and tag values exist and who carries them; which pairs share an
//! interest or field and are not yet linked.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::vault::names::fold;
use crate::vault::note::Note;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Interest,
    Field,
    Training,
    Tag,
}

#[derive(Debug, Clone, Serialize)]
pub struct Topic {
    pub topic: String,
    pub kind: Kind,
    pub contacts: Vec<String>,
}

fn values(n: &Note) -> impl Iterator<Item = (Kind, &str)> {
    let f = &n.facts;
    f.interests
        .iter()
        .map(|v| (Kind::Interest, v.as_str()))
        .chain(f.field.iter().map(|v| (Kind::Field, v.as_str())))
        .chain(f.training.iter().map(|v| (Kind::Training, v.as_str())))
        .chain(f.tags.iter().map(|v| (Kind::Tag, v.as_str())))
}

/// Spellings seen (with counts) and the contacts carrying one topic value.
type TopicGroup = (BTreeMap<String, usize>, Vec<String>);

/// Every topic value with its contacts, most common first.
pub fn topics(notes: &[Note]) -> Vec<Topic> {
    // (kind, folded) -> (spellings with counts, contact names)
    let mut groups: BTreeMap<(Kind, String), TopicGroup> = BTreeMap::new();
    for n in notes.iter().filter(|n| n.is_contact) {
        let mut seen = HashSet::new();
        for (kind, v) in values(n) {
            let key = (kind, fold(v));
            if key.1.is_empty() || !seen.insert(key.clone()) {
                continue;
            }
            let g = groups.entry(key).or_default();
            *g.0.entry(v.trim().to_string()).or_default() += 1;
            g.1.push(n.name.clone());
        }
    }
    let mut out: Vec<Topic> = groups
        .into_iter()
        .map(|((kind, _), (spellings, mut contacts))| {
            contacts.sort();
            let topic = spellings
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                .map(|(s, _)| s)
                .unwrap_or_default();
            Topic {
                topic,
                kind,
                contacts,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.contacts
            .len()
            .cmp(&a.contacts.len())
            .then_with(|| fold(&a.topic).cmp(&fold(&b.topic)))
            .then(a.kind.cmp(&b.kind))
    });
    out
}

/// Resolves wiki-link targets to notes by name, alias or file stem.
pub struct LinkResolver {
    by_key: HashMap<String, Vec<usize>>,
}

impl LinkResolver {
    pub fn new(notes: &[Note]) -> LinkResolver {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, n) in notes.iter().enumerate() {
            for k in n.keys() {
                let v = by_key.entry(fold(k)).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
        LinkResolver { by_key }
    }

    /// The notes a target names (more than one when ambiguous).
    pub fn resolve(&self, target: &str) -> &[usize] {
        let t = target.trim();
        let t = t.strip_suffix(".md").unwrap_or(t);
        let t = t.rsplit('/').next().unwrap_or(t);
        self.by_key.get(&fold(t)).map_or(&[], |v| v.as_slice())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub path: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub a: Person,
    pub b: Person,
    pub shared: Vec<String>,
}

/// Values carried by more contacts than this say little about a pair, and
/// would make the pairing quadratic in the vault size.
pub const MAX_GROUP: usize = 250;

/// Pairs who share an interest or field and are not linked, best first.
pub fn intros(notes: &[Note], limit: usize) -> Vec<Pair> {
    let active: Vec<usize> = (0..notes.len())
        .filter(|&i| notes[i].is_contact && !notes[i].facts.is_inactive())
        .collect();
    let resolver = LinkResolver::new(notes);
    let mut linked: HashSet<(usize, usize)> = HashSet::new();
    for (i, n) in notes.iter().enumerate() {
        for l in &n.links {
            for &j in resolver.resolve(&l.target) {
                linked.insert((i.min(j), i.max(j)));
            }
        }
    }
    // folded value -> (display, members)
    let mut groups: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for &i in &active {
        let f = &notes[i].facts;
        let mut seen = HashSet::new();
        for v in f.interests.iter().chain(f.field.iter()) {
            let k = fold(v);
            if k.is_empty() || !seen.insert(k.clone()) {
                continue;
            }
            let g = groups
                .entry(k)
                .or_insert_with(|| (v.trim().to_string(), Vec::new()));
            g.1.push(i);
        }
    }
    // Count shared values per pair with a dense counter per contact (no map
    // of all pairs: that is quadratic in memory), keeping the best pairs only.
    let mut member_of: HashMap<usize, Vec<usize>> = HashMap::new();
    let group_list: Vec<(&String, &Vec<usize>)> = groups
        .values()
        .filter(|(_, m)| m.len() >= 2 && m.len() <= MAX_GROUP)
        .map(|(d, m)| (d, m))
        .collect();
    for (gi, (_, members)) in group_list.iter().enumerate() {
        for &i in members.iter() {
            member_of.entry(i).or_default().push(gi);
        }
    }
    let mut counts = vec![0u32; notes.len()];
    let mut touched: Vec<usize> = Vec::new();
    // (shared count, a, b) candidates; sorted and cut at the end
    let mut best: Vec<(u32, usize, usize)> = Vec::new();
    // never more pairs than there are: a huge `-n` must not overflow `keep`
    let limit = limit.min(active.len().saturating_mul(active.len().saturating_sub(1)) / 2);
    let keep = limit.saturating_mul(4).max(64);
    let mut threshold = 1u32;
    for &i in &active {
        let Some(gs) = member_of.get(&i) else {
            continue;
        };
        for &gi in gs {
            for &j in group_list[gi].1 {
                if j > i {
                    if counts[j] == 0 {
                        touched.push(j);
                    }
                    counts[j] += 1;
                }
            }
        }
        for &j in &touched {
            if counts[j] >= threshold && !linked.contains(&(i, j)) {
                best.push((counts[j], i, j));
            }
            counts[j] = 0;
        }
        touched.clear();
        if best.len() > keep.saturating_mul(8) {
            prune(&mut best, notes, keep);
            // pairs sharing fewer values than the worst kept one cannot make the cut
            if best.len() >= keep {
                threshold = best.last().map_or(1, |b| b.0);
            }
        }
    }
    prune(&mut best, notes, limit);
    best.into_iter()
        .map(|(_, i, j)| {
            let fi = &notes[i].facts;
            let fj: HashSet<String> = notes[j]
                .facts
                .interests
                .iter()
                .chain(notes[j].facts.field.iter())
                .map(|v| fold(v))
                .collect();
            let mut s: Vec<String> = Vec::new();
            let mut seen = HashSet::new();
            for v in fi.interests.iter().chain(fi.field.iter()) {
                let k = fold(v);
                if fj.contains(&k)
                    && seen.insert(k.clone())
                    && groups.get(&k).is_some_and(|(_, m)| m.len() <= MAX_GROUP)
                {
                    s.push(
                        groups
                            .get(&k)
                            .map_or_else(|| v.trim().to_string(), |(d, _)| d.clone()),
                    );
                }
            }
            s.sort_by_key(|v| fold(v));
            let p = |k: usize| Person {
                path: notes[k].path.clone(),
                name: notes[k].name.clone(),
            };
            let (a, b) = if notes[i].name <= notes[j].name {
                (i, j)
            } else {
                (j, i)
            };
            Pair {
                a: p(a),
                b: p(b),
                shared: s,
            }
        })
        .collect()
}

/// Keep the `n` best candidates: most shared first, then by names.
fn prune(best: &mut Vec<(u32, usize, usize)>, notes: &[Note], n: usize) {
    let key = |&(c, i, j): &(u32, usize, usize)| {
        let (a, b) = if notes[i].name <= notes[j].name {
            (i, j)
        } else {
            (j, i)
        };
        (
            std::cmp::Reverse(c),
            notes[a].name.clone(),
            notes[b].name.clone(),
        )
    };
    best.sort_by_cached_key(key);
    best.truncate(n);
}

#[cfg(test)]
mod tests {
    use super::{Kind, intros, topics};
    use crate::vault::note::{Note, parse_note};

    fn n(path: &str, text: &str) -> Note {
        parse_note(path, text.as_bytes()).note
    }

    #[test]
    fn topics_group_case_and_accents() {
        let notes = vec![
            n(
                "a.md",
                "---\nname: A\ninterests: [Segeln, Stoizismus]\n---\n",
            ),
            n(
                "b.md",
                "---\nname: B\ninterests: [segeln]\nfield: coaching\n---\n",
            ),
            n(
                "c.md",
                "---\nname: C\ninterests: [Café]\ntags: [cafe]\n---\n",
            ),
            n("d.md", "no front matter, interests: [Segeln]\n"),
        ];
        let t = topics(&notes);
        assert_eq!(t[0].topic, "Segeln");
        assert_eq!(t[0].kind, Kind::Interest);
        assert_eq!(t[0].contacts, vec!["A", "B"]);
        assert_eq!(t.len(), 5);
    }

    #[test]
    fn intros_skip_linked_and_rank_by_shared() {
        let notes = vec![
            n(
                "a.md",
                "---\nname: A\ninterests: [chess, sailing]\nfield: law\n---\n",
            ),
            n("b.md", "---\nname: B\ninterests: [Chess, Sailing]\n---\n"),
            n(
                "c.md",
                "---\nname: C\ninterests: [chess]\nfield: Law\n---\nSee [[a]].\n",
            ),
            n(
                "d.md",
                "---\nname: D\ninterests: [chess]\nstatus: archived\n---\n",
            ),
        ];
        let p = intros(&notes, 10);
        let got: Vec<(String, String, Vec<String>)> = p
            .iter()
            .map(|p| (p.a.name.clone(), p.b.name.clone(), p.shared.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "A".into(),
                    "B".into(),
                    vec!["chess".into(), "sailing".into()]
                ),
                ("B".into(), "C".into(), vec!["chess".into()]),
            ]
        );
    }
}
