//! Topics and introductions (docs/commands.md, "topics", "intros"), pure over the notes: which interest, field,
//! training and tag values exist and who carries them; which pairs share an
//! interest or field and are not yet linked.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::concepts::Concepts;
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
    /// The spelling most contacts use.
    pub topic: String,
    pub kind: Kind,
    /// The concept the spellings belong to (`sailing` for `Segeln`), if any.
    pub concept: Option<String>,
    /// Every spelling in the vault (one per folded form), most used first.
    pub spellings: Vec<String>,
    pub contacts: Vec<String>,
}

/// What values are grouped by: their concept (its key folded), else the
/// value folded. A value that folds to a concept's key is found by the
/// lookup, so the two never collide.
pub(crate) fn group_key(concepts: &Concepts, v: &str) -> String {
    match concepts.lookup(v) {
        Some(c) => fold(&c.key),
        None => fold(v),
    }
}

/// A contact's topic values as written: interests, field, training, tags.
pub fn values(n: &Note) -> impl Iterator<Item = (Kind, &str)> {
    let f = &n.facts;
    f.interests
        .iter()
        .map(|v| (Kind::Interest, v.as_str()))
        .chain(f.field.iter().map(|v| (Kind::Field, v.as_str())))
        .chain(f.training.iter().map(|v| (Kind::Training, v.as_str())))
        .chain(f.tags.iter().map(|v| (Kind::Tag, v.as_str())))
}

/// One spelling of a topic value (`kind`, the value trimmed) and the
/// contacts carrying it, one entry per contact note (a name twice when two
/// notes share it). What [`topics_of`] groups: the notes give it
/// ([`carried`]), and so do the index's topic terms.
#[derive(Debug, Clone)]
pub struct Carried<P> {
    pub kind: Kind,
    pub spelling: String,
    pub holders: Vec<P>,
}

/// The topic values of the contacts, each (kind, trimmed spelling) once per
/// contact, in (kind, spelling) order.
pub fn carried(notes: &[Note]) -> Vec<Carried<String>> {
    let mut by: BTreeMap<(Kind, &str), Vec<String>> = BTreeMap::new();
    for n in notes.iter().filter(|n| n.is_contact) {
        let mut spelled = HashSet::new();
        for (kind, v) in values(n) {
            if spelled.insert((kind, v.trim())) {
                by.entry((kind, v.trim())).or_default().push(n.name.clone());
            }
        }
    }
    by.into_iter()
        .map(|((kind, spelling), holders)| Carried {
            kind,
            spelling: spelling.to_string(),
            holders,
        })
        .collect()
}

/// Every topic value with its contacts, most common first; the words of
/// one concept (`sailing`, `Segeln`) are one topic.
pub fn topics(notes: &[Note], concepts: &Concepts) -> Vec<Topic> {
    topics_of(carried(notes), concepts, Clone::clone)
}

/// Spellings seen (with counts) and the contacts carrying one topic value.
type TopicGroup<P> = (BTreeMap<String, usize>, Vec<P>);

/// [`topics`] over the values carried: `name` gives a holder's name, and
/// holders order as their names do.
pub fn topics_of<P: Ord>(
    carried: impl IntoIterator<Item = Carried<P>>,
    concepts: &Concepts,
    name: impl Fn(&P) -> String,
) -> Vec<Topic> {
    // (kind, group key) -> (spellings with counts, holders)
    let mut groups: BTreeMap<(Kind, String), TopicGroup<P>> = BTreeMap::new();
    for c in carried {
        let key = (c.kind, group_key(concepts, &c.spelling));
        if key.1.is_empty() || c.holders.is_empty() {
            continue;
        }
        let g = groups.entry(key).or_default();
        *g.0.entry(c.spelling).or_default() += c.holders.len();
        g.1.extend(c.holders);
    }
    let mut out: Vec<Topic> = groups
        .into_iter()
        .map(|((kind, key), (spellings, mut holders))| {
            holders.sort();
            holders.dedup();
            let spellings = by_use(spellings);
            let concept = concepts
                .lookup(&key)
                .filter(|c| fold(&c.key) == key)
                .map(|c| c.key.clone());
            Topic {
                topic: spellings.first().cloned().unwrap_or_default(),
                kind,
                concept,
                spellings,
                contacts: holders.iter().map(&name).collect(),
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

/// One spelling per folded form (its most used), most used form first.
fn by_use(spellings: BTreeMap<String, usize>) -> Vec<String> {
    let mut forms: BTreeMap<String, (usize, String, usize)> = BTreeMap::new();
    for (s, n) in spellings {
        let e = forms.entry(fold(&s)).or_insert((0, s.clone(), 0));
        e.0 += n;
        if n > e.2 {
            (e.1, e.2) = (s, n);
        }
    }
    let mut by_use: Vec<(usize, String)> = forms.into_values().map(|(n, s, _)| (n, s)).collect();
    by_use.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    by_use.into_iter().map(|(_, s)| s).collect()
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
        self.by_key
            .get(&link_key(target))
            .map_or(&[], |v| v.as_slice())
    }
}

/// The key a link target is resolved by: without `.md` and folders, folded
/// (`[[people/Anna Schmidt.md]]` → `anna schmidt`); a note answers to the
/// folded forms of [`Note::keys`].
pub fn link_key(target: &str) -> String {
    let t = target.trim();
    let t = t.strip_suffix(".md").unwrap_or(t);
    fold(t.rsplit('/').next().unwrap_or(t))
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

/// The interest and field keys (by concept) an introduction pairs an
/// active contact by, each with how it is shown; none for other notes.
pub fn partner_keys(n: &Note, concepts: &Concepts) -> Vec<(String, String)> {
    if !n.is_contact || n.facts.is_inactive() {
        return vec![];
    }
    let f = &n.facts;
    let mut v: Vec<(String, String)> = f
        .interests
        .iter()
        .chain(f.field.iter())
        .map(|x| partner_key(concepts, x))
        .filter(|(k, _)| !k.is_empty())
        .collect();
    v.sort();
    v.dedup_by(|a, b| a.0 == b.0);
    v
}

/// One value's (group key, what a suggestion calls it).
fn partner_key(concepts: &Concepts, x: &str) -> (String, String) {
    let shown = concepts
        .lookup(x)
        .map_or_else(|| x.trim().to_string(), |c| c.key.clone());
    (group_key(concepts, x), shown)
}

/// Finds the best person to introduce someone to, for many people at
/// once, over a [`Cast`] (from the notes or from the index): each
/// contact's interest and field keys (by concept) are computed once; keys
/// more than [`MAX_GROUP`] contacts hold pair no one, as for `intros`.
pub struct Partners {
    people: Vec<Person>,
    /// path → position in `people`
    at: HashMap<String, usize>,
    keys: Vec<Vec<(String, String)>>,
    /// key → the contacts holding it
    holders: HashMap<String, Vec<usize>>,
    /// pairs already connected (positions, lower first)
    linked: HashSet<(usize, usize)>,
    /// `best`'s tally of shared keys per contact, all zero between calls,
    /// and the contacts it counted
    count: Vec<u32>,
    touched: Vec<usize>,
}

impl Partners {
    /// Over every note of the vault.
    pub fn new(notes: &[Note], concepts: &Concepts) -> Partners {
        Partners::of(&cast(notes), concepts)
    }

    /// Over who introductions choose from: the vault's [`Cast`].
    pub fn of(cast: &Cast, concepts: &Concepts) -> Partners {
        Partners::build(cast, concepts, |_, holders| holders > MAX_GROUP)
    }

    /// Over some of the vault's notes, with the keys too big to pair
    /// anyone by (more than [`MAX_GROUP`] holders in the whole vault)
    /// named by the caller.
    pub fn among(notes: &[Note], concepts: &Concepts, too_big: &HashSet<String>) -> Partners {
        Partners::build(&cast(notes), concepts, |k, _| too_big.contains(k))
    }

    fn build(cast: &Cast, concepts: &Concepts, too_big: impl Fn(&str, usize) -> bool) -> Partners {
        // values repeat across a vault: each distinct one folded once
        let mut memo: HashMap<&str, (String, String)> = HashMap::new();
        let mut keys: Vec<Vec<(String, String)>> = cast
            .people
            .iter()
            .map(|p| {
                let mut v: Vec<(String, String)> = p
                    .values
                    .iter()
                    .map(|x| {
                        memo.entry(x.as_str())
                            .or_insert_with(|| partner_key(concepts, x))
                            .clone()
                    })
                    .filter(|(k, _)| !k.is_empty())
                    .collect();
                v.sort();
                v.dedup_by(|a, b| a.0 == b.0);
                v
            })
            .collect();
        let mut holders: HashMap<String, Vec<usize>> = HashMap::new();
        for (j, ks) in keys.iter().enumerate() {
            for (k, _) in ks {
                holders.entry(k.clone()).or_default().push(j);
            }
        }
        holders.retain(|k, h| !too_big(k, h.len()));
        for ks in &mut keys {
            ks.retain(|(k, _)| holders.contains_key(k));
        }
        Partners {
            at: (cast.people.iter().enumerate())
                .map(|(i, c)| (c.path.clone(), i))
                .collect(),
            people: cast
                .people
                .iter()
                .map(|c| Person {
                    path: c.path.clone(),
                    name: c.name.clone(),
                })
                .collect(),
            keys,
            holders,
            linked: cast.linked.clone(),
            count: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// The active contact sharing the most interests or fields with the
    /// one at `path` (by concept; keys too big to pair by left out), not
    /// linked to them either way and not already introduced (a `gave:
    /// intro` entry naming the other); of those sharing as many, the first
    /// in the cast's order (vault order).
    pub fn best(&mut self, path: &str) -> Option<(Person, Vec<String>)> {
        let i = *self.at.get(path)?;
        let mine = &self.keys[i];
        if mine.is_empty() {
            return None;
        }
        // how many keys each other holder shares: a dense tally reused
        // across calls (a plan asks for every listed contact), reset after
        self.count.resize(self.people.len(), 0);
        let mut touched = std::mem::take(&mut self.touched);
        for (k, _) in mine {
            for &j in self.holders.get(k).map_or(&[][..], Vec::as_slice) {
                if j != i {
                    if self.count[j] == 0 {
                        touched.push(j);
                    }
                    self.count[j] += 1;
                }
            }
        }
        let found = self.first_accepted(i, &touched);
        for &j in &touched {
            self.count[j] = 0;
        }
        touched.clear();
        self.touched = touched;
        let j = found?;
        let (mine, theirs) = (&self.keys[i], &self.keys[j]);
        let shared = mine
            .iter()
            .filter(|(k, _)| theirs.iter().any(|(t, _)| t == k))
            .map(|(_, shown)| shown.clone())
            .collect();
        Some((self.people[j].clone(), shared))
    }

    /// Of the `touched` holders (their shared counts in the tally), the
    /// first by most shared, then vault order, not connected to `i`. Only
    /// the counts tried are sorted: the most shared count nearly always
    /// has one.
    fn first_accepted(&self, i: usize, touched: &[usize]) -> Option<usize> {
        let mut level = touched.iter().map(|&j| self.count[j]).max()?;
        while level > 0 {
            let mut bucket: Vec<usize> = touched
                .iter()
                .copied()
                .filter(|&j| self.count[j] == level)
                .collect();
            bucket.sort_unstable();
            let found = bucket
                .into_iter()
                .find(|&j| !self.linked.contains(&(i.min(j), i.max(j))));
            if found.is_some() {
                return found;
            }
            level -= 1;
        }
        None
    }
}

/// Values carried by more contacts than this say little about a pair, and
/// would make the pairing quadratic in the vault size.
pub const MAX_GROUP: usize = 250;

/// An active contact as introductions see it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: String,
    pub name: String,
    /// Its interests, then its field, as written (trimmed or not).
    pub values: Vec<String>,
}

/// Who introductions choose from: active contacts in path order (those
/// with no interest or field may be left out, and values of a group too
/// big to pair anyone with them: [`MAX_GROUP`]), the pairs of them already
/// connected (positions in `people`, lower first), and how many active
/// contacts there are in all.
#[derive(Debug, Clone, Default)]
pub struct Cast {
    pub people: Vec<Candidate>,
    pub linked: HashSet<(usize, usize)>,
    pub active: usize,
}

/// Values grouped by key: the first spelling of each folded value, and
/// the people holding it.
type Groups = BTreeMap<String, (HashMap<String, String>, Vec<usize>)>;

/// Pairs who share an interest or field and are not linked, best first.
/// Values of one concept are shared (`sailing` and `Segeln`: the pair
/// shares `sailing`, the concept's name).
pub fn intros(notes: &[Note], concepts: &Concepts, limit: usize) -> Vec<Pair> {
    intros_of(&cast(notes), concepts, limit)
}

/// [`intros`] over the people it chooses from.
pub fn intros_of(cast: &Cast, concepts: &Concepts, limit: usize) -> Vec<Pair> {
    let people = &cast.people;
    let groups = value_groups(people, concepts);
    best_pairs(people, cast.active, &groups, &cast.linked, limit)
        .into_iter()
        .map(|(_, i, j)| pair(people, concepts, &groups, i, j))
        .collect()
}

/// The active contacts of `notes` with the pairs already connected: a link
/// either way, or an introduction made (a `gave: intro` entry naming the
/// other; a link to them is a link, a plain name counts too).
pub fn cast(notes: &[Note]) -> Cast {
    let active: Vec<usize> = (0..notes.len())
        .filter(|&i| notes[i].is_contact && !notes[i].facts.is_inactive())
        .collect();
    let mut at: Vec<Option<usize>> = vec![None; notes.len()];
    for (k, &i) in active.iter().enumerate() {
        at[i] = Some(k);
    }
    let resolver = LinkResolver::new(notes);
    let mut linked: HashSet<(usize, usize)> = HashSet::new();
    // each active contact's name folded once, when someone gave an intro
    let mut folded = None;
    for (i, n) in notes.iter().enumerate() {
        let Some(a) = at[i] else { continue };
        for l in &n.links {
            for &b in resolver
                .resolve(&l.target)
                .iter()
                .filter_map(|&j| at[j].as_ref())
            {
                linked.insert((a.min(b), a.max(b)));
            }
        }
        let given = crate::ledger::intro_texts(n);
        for b in crate::ledger::introduced_among(&given, a, &mut folded, || {
            active.iter().map(|&j| fold(&notes[j].name)).collect()
        }) {
            linked.insert((a.min(b), a.max(b)));
        }
    }
    let people = active
        .iter()
        .map(|&i| {
            let n = &notes[i];
            Candidate {
                path: n.path.clone(),
                name: n.name.clone(),
                values: n
                    .facts
                    .interests
                    .iter()
                    .chain(n.facts.field.iter())
                    .cloned()
                    .collect(),
            }
        })
        .collect();
    Cast {
        people,
        linked,
        active: active.len(),
    }
}

/// The interest and field values of the people, grouped by concept (else
/// by folded value); each person once per group.
fn value_groups(people: &[Candidate], concepts: &Concepts) -> Groups {
    // each distinct value's group (by number) and folded form, computed once
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut memo: HashMap<&str, (usize, String)> = HashMap::new();
    let mut by_key: Vec<(HashMap<String, String>, Vec<usize>)> = Vec::new();
    for (i, p) in people.iter().enumerate() {
        let mut seen: Vec<usize> = Vec::new();
        for v in &p.values {
            let (k, folded) = memo.entry(v.as_str()).or_insert_with(|| {
                let key = group_key(concepts, v);
                let next = keys.len();
                let k = if key.is_empty() {
                    usize::MAX
                } else {
                    *keys.entry(key).or_insert(next)
                };
                (k, fold(v))
            });
            if *k == usize::MAX || seen.contains(k) {
                continue;
            }
            seen.push(*k);
            if by_key.len() <= *k {
                by_key.resize_with(*k + 1, Default::default);
            }
            let g = &mut by_key[*k];
            if !g.0.contains_key(folded.as_str()) {
                g.0.insert(folded.clone(), v.trim().to_string());
            }
            g.1.push(i);
        }
    }
    let mut groups: Groups = BTreeMap::new();
    for (key, k) in keys {
        if let Some(g) = by_key.get_mut(k) {
            groups.insert(key, std::mem::take(g));
        }
    }
    groups
}

/// The `limit` unlinked pairs sharing the most groups, as (shared count,
/// a, b), best first. Counts shared values per pair with a dense counter
/// per person (no map of all pairs: that is quadratic in memory), keeping
/// the best pairs only; groups larger than [`MAX_GROUP`] are left out.
fn best_pairs(
    people: &[Candidate],
    active: usize,
    groups: &Groups,
    linked: &HashSet<(usize, usize)>,
    limit: usize,
) -> Vec<(u32, usize, usize)> {
    let mut member_of: HashMap<usize, Vec<usize>> = HashMap::new();
    let group_list: Vec<&Vec<usize>> = groups
        .values()
        .map(|(_, m)| m)
        .filter(|m| m.len() >= 2 && m.len() <= MAX_GROUP)
        .collect();
    for (gi, members) in group_list.iter().enumerate() {
        for &i in members.iter() {
            member_of.entry(i).or_default().push(gi);
        }
    }
    let mut counts = vec![0u32; people.len()];
    let mut touched: Vec<usize> = Vec::new();
    // (shared count, a, b) candidates; sorted and cut at the end
    let mut best: Vec<(u32, usize, usize)> = Vec::new();
    // never more pairs than there are: a huge `-n` must not overflow `keep`
    let limit = limit.min(active.saturating_mul(active.saturating_sub(1)) / 2);
    let keep = limit.saturating_mul(4).max(64);
    let mut threshold = 1u32;
    for i in 0..people.len() {
        let Some(gs) = member_of.get(&i) else {
            continue;
        };
        for &gi in gs {
            for &j in group_list[gi] {
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
            prune(&mut best, people, keep);
            // pairs sharing fewer values than the worst kept one cannot make the cut
            if best.len() >= keep {
                threshold = best.last().map_or(1, |b| b.0);
            }
        }
    }
    prune(&mut best, people, limit);
    best
}

/// The pair `people[i]`, `people[j]` (by name order) with what they share:
/// the same word on both sides named as first written, two words of a
/// concept by the concept's name; sorted.
fn pair(people: &[Candidate], concepts: &Concepts, groups: &Groups, i: usize, j: usize) -> Pair {
    let fj: HashMap<String, String> = people[j]
        .values
        .iter()
        .map(|v| (group_key(concepts, v), fold(v)))
        .collect();
    let mut s: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for v in &people[i].values {
        let k = group_key(concepts, v);
        if let Some(their) = fj.get(&k)
            && seen.insert(k.clone())
            && let Some((first, members)) = groups.get(&k)
            && members.len() <= MAX_GROUP
        {
            let mine = fold(v);
            s.push(match concepts.lookup(v) {
                Some(c) if *their != mine => c.key.clone(),
                _ => first
                    .get(&mine)
                    .map_or_else(|| v.trim().to_string(), Clone::clone),
            });
        }
    }
    s.sort_by_key(|v| fold(v));
    let p = |k: usize| Person {
        path: people[k].path.clone(),
        name: people[k].name.clone(),
    };
    let (a, b) = if people[i].name <= people[j].name {
        (i, j)
    } else {
        (j, i)
    };
    Pair {
        a: p(a),
        b: p(b),
        shared: s,
    }
}

/// Keep the `n` best candidates: most shared first, then by names.
fn prune(best: &mut Vec<(u32, usize, usize)>, people: &[Candidate], n: usize) {
    let key = |&(c, i, j): &(u32, usize, usize)| {
        let (a, b) = if people[i].name <= people[j].name {
            (i, j)
        } else {
            (j, i)
        };
        (
            std::cmp::Reverse(c),
            people[a].name.clone(),
            people[b].name.clone(),
        )
    };
    best.sort_by_cached_key(key);
    best.truncate(n);
}

#[cfg(test)]
mod tests {
    use super::{Kind, intros, topics};
    use crate::concepts::Concepts;
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
        let none = Concepts::default();
        let t = topics(&notes, &none);
        assert_eq!(t[0].topic, "Segeln");
        assert_eq!(t[0].kind, Kind::Interest);
        assert_eq!(t[0].contacts, vec!["A", "B"]);
        assert_eq!(t[0].spellings, vec!["Segeln"]);
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
        let p = intros(&notes, &Concepts::default(), 10);
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

    type People<'a> = &'a [(&'a str, &'a str)];
    type TopicRow = (String, Option<String>, Vec<String>, Vec<String>);
    type PairRow<'a> = (&'a str, &'a str, &'a [&'a str]);

    fn note(name: &str, interests: &str) -> Note {
        n(
            &format!("{}.md", name.to_lowercase()),
            &format!("---\nname: {name}\ninterests: [{interests}]\n---\n"),
        )
    }

    #[test]
    fn topics_group_by_concept() {
        let c = Concepts::builtin();
        // (contacts' interests, expected rows: topic, concept, spellings, contacts)
        type Row = (
            &'static str,
            Option<&'static str>,
            &'static [&'static str],
            &'static [&'static str],
        );
        let table: &[(People, &[Row])] = &[
            (
                &[
                    ("A", "sailing"),
                    ("B", "Segeln"),
                    ("C", "segeln, Segler"),
                    ("D", "Segelflug"),
                ],
                &[
                    (
                        "Segeln",
                        Some("sailing"),
                        &["Segeln", "Segler", "sailing"],
                        &["A", "B", "C"],
                    ),
                    ("Segelflug", Some("gliding"), &["Segelflug"], &["D"]),
                ],
            ),
            (
                &[("A", "chess, Schach"), ("B", "Holzbau")],
                &[
                    ("Holzbau", None, &["Holzbau"], &["B"]),
                    ("Schach", Some("chess"), &["Schach", "chess"], &["A"]),
                ],
            ),
        ];
        for (people, want) in table {
            let notes: Vec<Note> = people.iter().map(|(p, i)| note(p, i)).collect();
            let got: Vec<TopicRow> = topics(&notes, c)
                .into_iter()
                .map(|t| (t.topic, t.concept, t.spellings, t.contacts))
                .collect();
            let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            let want: Vec<TopicRow> = want
                .iter()
                .map(|(t, c, s, p)| (t.to_string(), c.map(str::to_string), owned(s), owned(p)))
                .collect();
            assert_eq!(got, want, "{people:?}");
        }
    }

    #[test]
    fn intros_pair_across_languages() {
        let c = Concepts::builtin();
        let table: &[(People, &[PairRow])] = &[
            // English and German sailing: shared under the concept's name
            (
                &[("Ann", "sailing"), ("Bert", "Segeln")],
                &[("Ann", "Bert", &["sailing"])],
            ),
            // the same German word: named as written
            (
                &[("Ann", "Segeln"), ("Bert", "segeln")],
                &[("Ann", "Bert", &["Segeln"])],
            ),
            // gliding is not sailing
            (&[("Ann", "sailing"), ("Bert", "Segelflug")], &[]),
            (
                &[
                    ("Ann", "chess, sailing"),
                    ("Bert", "Schach, Segler"),
                    ("Cleo", "Schach"),
                ],
                &[
                    ("Ann", "Bert", &["chess", "sailing"]),
                    ("Ann", "Cleo", &["chess"]),
                    ("Bert", "Cleo", &["Schach"]),
                ],
            ),
        ];
        for (people, want) in table {
            let notes: Vec<Note> = people.iter().map(|(p, i)| note(p, i)).collect();
            let got: Vec<(String, String, Vec<String>)> = intros(&notes, c, 10)
                .into_iter()
                .map(|p| (p.a.name, p.b.name, p.shared))
                .collect();
            let want: Vec<(String, String, Vec<String>)> = want
                .iter()
                .map(|(a, b, s)| {
                    (
                        a.to_string(),
                        b.to_string(),
                        s.iter().map(|s| s.to_string()).collect(),
                    )
                })
                .collect();
            assert_eq!(got, want, "{people:?}");
        }
    }
}
