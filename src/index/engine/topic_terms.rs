//! `topics` and `intros` from the index: each contact's topic values are
//! exact terms of the `topic` field (`i:`, `f:`, `t:`, `g:` and the value as
//! written, trimmed; positions keep the note's order), with its `s:` status
//! and an `x:intro` marker when it records an introduction. The term
//! dictionary and its postings answer who carries what; the `name` and
//! `path` columns print a person without reading the note. The rules that
//! turn these into topics and pairs are `crate::topics`'s, the same the
//! whole vault model goes through.

use std::collections::{BTreeMap, HashMap, HashSet};

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::{Field, IndexRecordOption, TextFieldIndexing, TextOptions};
use tantivy::{DocAddress, DocId, Searcher, SegmentReader, Term};

use crate::concepts::Concepts;
use crate::index::IndexView;
use crate::index::engine::doc::NoteDoc;
use crate::index::engine::schema::Fields;
use crate::index::engine::terms::live_docs;
use crate::index::error::{Result, io_err, tv_err};
use crate::topics::{Candidate, Carried, Cast, Kind, MAX_GROUP, group_key};
use crate::vault::model::Status;
use crate::vault::names::fold;
use crate::vault::note::Note;

const KINDS: [(Kind, &str); 4] = [
    (Kind::Interest, "i:"),
    (Kind::Field, "f:"),
    (Kind::Training, "t:"),
    (Kind::Tag, "g:"),
];
const STATUS: &str = "s:";
/// The contact records an introduction (`ledger::intro_texts`).
const INTRO: &str = "x:intro";
/// A value too long for a term was left out: the answers fall back to the
/// whole vault model.
const LONG: &str = "x:long";
/// Below tantivy's longest term (65530 bytes), which drops longer ones.
const MAX_TERM: usize = 60_000;

/// The `topic` field: one raw term per value, with positions (the order
/// of the values in the note, which introductions name by).
pub fn options() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

fn prefix(kind: Kind) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("", |(_, p)| p)
}

fn kind_of(key: &[u8]) -> Option<(Kind, &[u8])> {
    KINDS
        .iter()
        .find(|(_, p)| key.starts_with(p.as_bytes()))
        .map(|(k, p)| (*k, &key[p.len()..]))
}

/// Write a note's name column and, for a contact, its topic terms.
pub fn add_topic_terms(fields: &Fields, n: &Note, doc: &mut NoteDoc) {
    doc.add_text(fields.name, &n.name);
    if !n.is_contact {
        return;
    }
    let mut terms: Vec<String> = crate::topics::values(n)
        .map(|(kind, v)| (kind, v.trim()))
        .filter(|(_, v)| !fold(v).is_empty())
        .map(|(kind, v)| format!("{}{v}", prefix(kind)))
        .collect();
    if let Some(s) = &n.facts.status {
        terms.push(format!("{STATUS}{}", s.as_str()));
    }
    if !crate::ledger::intro_texts(n).is_empty() {
        terms.push(INTRO.to_string());
    }
    let mut long = false;
    for t in terms {
        if t.len() > MAX_TERM {
            long = true;
        } else {
            doc.add_text(fields.topic, t);
        }
    }
    if long {
        doc.add_text(fields.topic, LONG);
    }
}

/// The values of a text column over every segment: the distinct values,
/// sorted (with `""` first, which stands for a document without one), and
/// for each segment each document's position among them.
struct Column {
    sorted: Vec<String>,
    by_seg: Vec<Vec<u32>>,
}

impl Column {
    fn read(view: &IndexView, searcher: &Searcher, name: &str) -> Result<Column> {
        let dir = view.root.join(".rapport").join("index");
        let mut seg_values: Vec<(Vec<String>, Vec<Option<u64>>)> = Vec::new();
        for seg in searcher.segment_readers() {
            let col = seg.fast_fields().str(name).map_err(tv_err(&dir))?;
            let Some(col) = col else {
                seg_values.push((Vec::new(), vec![None; seg.max_doc() as usize]));
                continue;
            };
            let mut values = Vec::with_capacity(col.num_terms());
            let mut st = col.dictionary().stream().map_err(io_err(&dir))?;
            while st.advance() {
                values.push(String::from_utf8_lossy(st.key()).into_owned());
            }
            let ords = (0..seg.max_doc())
                .map(|d| col.term_ords(d).next())
                .collect();
            seg_values.push((values, ords));
        }
        // each segment's dictionary is sorted and distinct already: one
        // segment (the usual case after a build) needs no sort
        let mut sorted: Vec<String> = match seg_values.as_slice() {
            [(v, _)] => {
                let mut one = Vec::with_capacity(v.len() + 1);
                one.push(String::new());
                one.extend(v.iter().cloned());
                one
            }
            _ => {
                let mut all: Vec<String> = seg_values
                    .iter()
                    .flat_map(|(v, _)| v.iter().cloned())
                    .collect();
                all.push(String::new());
                all.sort_unstable();
                all
            }
        };
        sorted.dedup();
        let by_seg = seg_values
            .into_iter()
            .map(|(values, ords)| {
                // both sorted: one merging pass
                let mut rank: Vec<u32> = Vec::with_capacity(values.len());
                let mut at = 0;
                for v in &values {
                    while sorted.get(at).is_some_and(|s| s < v) {
                        at += 1;
                    }
                    rank.push(at as u32);
                }
                ords.into_iter()
                    .map(|o| o.and_then(|o| rank.get(o as usize).copied()).unwrap_or(0))
                    .collect()
            })
            .collect();
        Ok(Column { sorted, by_seg })
    }

    fn rank(&self, seg: usize, doc: DocId) -> u32 {
        self.by_seg
            .get(seg)
            .and_then(|v| v.get(doc as usize))
            .copied()
            .unwrap_or(0)
    }
}

/// Every contact's topic values, holders as positions in `names` (which
/// sort as the names do).
pub struct TopicValues {
    pub carried: Vec<Carried<u32>>,
    pub names: Vec<String>,
}

impl IndexView {
    fn index_dir(&self) -> std::path::PathBuf {
        self.root.join(".rapport").join("index")
    }

    /// Call `f` with every term of `field` that `want`s in every segment
    /// (segment number, segment, term bytes, its postings with `option`).
    fn each_term(
        &self,
        searcher: &Searcher,
        field: Field,
        option: IndexRecordOption,
        want: impl Fn(&[u8]) -> bool,
        mut f: impl FnMut(usize, &SegmentReader, &[u8], SegmentPostings),
    ) -> Result<()> {
        let dir = self.index_dir();
        for (si, seg) in searcher.segment_readers().iter().enumerate() {
            let inv = seg.inverted_index(field).map_err(tv_err(&dir))?;
            let mut st = inv.terms().stream().map_err(io_err(&dir))?;
            while st.advance() {
                if !want(st.key()) {
                    continue;
                }
                let p = inv
                    .read_postings_from_terminfo(st.value(), option)
                    .map_err(io_err(&dir))?;
                f(si, seg, st.key(), p);
            }
        }
        Ok(())
    }

    /// Does any live document carry `term` in the topic field?
    fn has_topic_term(&self, searcher: &Searcher, term: &str) -> Result<bool> {
        let dir = self.index_dir();
        let t = Term::from_field_text(self.fields.topic, term);
        for seg in searcher.segment_readers() {
            let inv = seg
                .inverted_index(self.fields.topic)
                .map_err(tv_err(&dir))?;
            if let Some(p) = inv
                .read_postings(&t, IndexRecordOption::Basic)
                .map_err(io_err(&dir))?
            {
                let mut any = false;
                live_docs(seg, p, |_, _| any = true);
                if any {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// Every contact's topic values as [`crate::topics::topics_of`] groups
    /// them. `None` when the index cannot tell alone (notes laid over
    /// it, a value too long for a term): ask the whole model.
    pub fn topic_values(&self) -> Result<Option<TopicValues>> {
        if self.overlay.is_some() {
            return Ok(None);
        }
        let searcher = self.searcher();
        if self.has_topic_term(&searcher, LONG)? {
            return Ok(None);
        }
        let names = Column::read(self, &searcher, "name_column")?;
        let mut by: BTreeMap<Vec<u8>, Vec<u32>> = BTreeMap::new();
        self.each_term(
            &searcher,
            self.fields.topic,
            IndexRecordOption::Basic,
            |key| kind_of(key).is_some(),
            |si, seg, key, p| {
                let holders = by.entry(key.to_vec()).or_default();
                live_docs(seg, p, |d, _| holders.push(names.rank(si, d)));
            },
        )?;
        let carried = by
            .into_iter()
            .filter_map(|(key, holders)| {
                let (kind, v) = kind_of(&key)?;
                Some(Carried {
                    kind,
                    spelling: String::from_utf8_lossy(v).into_owned(),
                    holders,
                })
            })
            .collect();
        Ok(Some(TopicValues {
            carried,
            names: names.sorted,
        }))
    }

    /// Who introductions choose from ([`Cast`]), from the topic terms, the
    /// `kind`, `keys` and `links` terms and the columns; only the notes that
    /// record an introduction are read. `None` as for [`Self::topic_values`].
    pub fn intro_cast(&self, inactive: &[String], concepts: &Concepts) -> Result<Option<Cast>> {
        if self.overlay.is_some() {
            return Ok(None);
        }
        let searcher = self.searcher();
        if self.has_topic_term(&searcher, LONG)? {
            return Ok(None);
        }
        let (active, count) = self.active_contacts(&searcher, inactive)?;
        let (mut people, at) = self.candidates(&searcher, &active, concepts)?;
        if people.is_empty() {
            // no one to pair (every group too big, or no values): no links
            // or introductions to look up
            return Ok(Some(Cast {
                people,
                linked: HashSet::new(),
                active: count,
            }));
        }
        let mut linked = self.linked_by_links(&searcher, &at)?;
        self.linked_by_intros(&searcher, &at, &people, &mut linked)?;
        // path order, with the pairs renumbered to match
        let mut order: Vec<usize> = (0..people.len()).collect();
        order.sort_by(|&a, &b| people[a].path.cmp(&people[b].path));
        let mut new_at = vec![0usize; people.len()];
        for (new, &old) in order.iter().enumerate() {
            new_at[old] = new;
        }
        let linked = linked
            .into_iter()
            .map(|(a, b)| {
                let (a, b) = (new_at[a], new_at[b]);
                (a.min(b), a.max(b))
            })
            .collect();
        let mut slots: Vec<Option<Candidate>> = people.drain(..).map(Some).collect();
        let people = order.iter().filter_map(|&old| slots[old].take()).collect();
        Ok(Some(Cast {
            people,
            linked,
            active: count,
        }))
    }

    /// The live documents of one segment whose status (the `s:` topic
    /// terms) is one of `inactive`.
    pub(crate) fn inactive_in(
        &self,
        seg: &SegmentReader,
        inactive: &[String],
    ) -> Result<Vec<DocId>> {
        let dir = self.index_dir();
        let inv = seg
            .inverted_index(self.fields.topic)
            .map_err(tv_err(&dir))?;
        let mut st = inv
            .terms()
            .range()
            .ge(STATUS.as_bytes())
            .into_stream()
            .map_err(io_err(&dir))?;
        let mut out = Vec::new();
        while st.advance() {
            let Some(s) = st.key().strip_prefix(STATUS.as_bytes()) else {
                break;
            };
            if !Status::new(String::from_utf8_lossy(s)).is_one_of(inactive) {
                continue;
            }
            let p = inv
                .read_postings_from_terminfo(st.value(), IndexRecordOption::Basic)
                .map_err(io_err(&dir))?;
            live_docs(seg, p, |d, _| out.push(d));
        }
        Ok(out)
    }

    /// Per segment, which documents are active contacts (a contact whose
    /// status is not one of `inactive`), and how many there are.
    fn active_contacts(
        &self,
        searcher: &Searcher,
        inactive: &[String],
    ) -> Result<(Vec<Vec<bool>>, usize)> {
        let dir = self.index_dir();
        let segs = searcher.segment_readers();
        let mut off: Vec<Vec<bool>> = Vec::with_capacity(segs.len());
        for seg in segs {
            let mut o = vec![false; seg.max_doc() as usize];
            for d in self.inactive_in(seg, inactive)? {
                o[d as usize] = true;
            }
            off.push(o);
        }
        let contact = Term::from_field_text(self.fields.kind, "contact");
        let mut active: Vec<Vec<bool>> = Vec::with_capacity(segs.len());
        let mut count = 0;
        for (si, seg) in segs.iter().enumerate() {
            let mut on = vec![false; seg.max_doc() as usize];
            let inv = seg.inverted_index(self.fields.kind).map_err(tv_err(&dir))?;
            if let Some(p) = inv
                .read_postings(&contact, IndexRecordOption::Basic)
                .map_err(io_err(&dir))?
            {
                live_docs(seg, p, |d, _| {
                    if !off[si][d as usize] {
                        on[d as usize] = true;
                        count += 1;
                    }
                });
            }
            active.push(on);
        }
        Ok((active, count))
    }

    /// The active contacts with a value that can pair them, each with those
    /// values in the note's order (interests, then field), and where each
    /// document is among them (`usize::MAX`: not one). A value of a group
    /// too big to pair anyone ([`too_big_groups`]) is left out, and so is a
    /// contact with no other: the pairs and what they share come out the
    /// same, and at 100k notes few candidates are made.
    fn candidates(
        &self,
        searcher: &Searcher,
        active: &[Vec<bool>],
        concepts: &Concepts,
    ) -> Result<(Vec<Candidate>, Vec<Vec<usize>>)> {
        let segs = searcher.segment_readers();
        // each interest and field term: its value and (segment, document,
        // position) of every active holder, in segment and document order
        let mut terms: HashMap<Vec<u8>, Holders> = HashMap::new();
        let mut pos: Vec<u32> = Vec::new();
        self.each_term(
            searcher,
            self.fields.topic,
            IndexRecordOption::WithFreqsAndPositions,
            |key| matches!(kind_of(key), Some((Kind::Interest | Kind::Field, _))),
            |si, seg, key, p| {
                let e = terms.entry(key.to_vec()).or_insert_with(|| {
                    let v = kind_of(key).map_or(&[][..], |(_, v)| v);
                    (String::from_utf8_lossy(v).into_owned(), Vec::new())
                });
                live_docs(seg, p, |d, p| {
                    if active[si].get(d as usize).copied().unwrap_or(false) {
                        p.positions(&mut pos);
                        e.1.extend(pos.iter().map(|&x| (si, d, x)));
                    }
                });
            },
        )?;
        let big = too_big_groups(&terms, concepts);
        // per segment: doc -> (position, value)
        let mut found: Vec<BTreeMap<DocId, Vec<(u32, usize)>>> = vec![BTreeMap::new(); segs.len()];
        let mut values: Vec<String> = Vec::new();
        for (value, holders) in terms.into_values() {
            if big.contains(&group_key(concepts, &value)) {
                continue;
            }
            let vi = values.len();
            values.push(value);
            for (si, d, x) in holders {
                found[si].entry(d).or_default().push((x, vi));
            }
        }
        let mut at: Vec<Vec<usize>> = segs
            .iter()
            .map(|s| vec![usize::MAX; s.max_doc() as usize])
            .collect();
        let mut people = Vec::new();
        for (si, docs) in found.into_iter().enumerate() {
            let ds: Vec<DocId> = docs.keys().copied().collect();
            let column = |name| -> Result<HashMap<DocId, String>> {
                Ok(self
                    .column_values(&segs[si], name, &ds)?
                    .into_iter()
                    .collect())
            };
            let (names, paths) = (column("name_column")?, column("path")?);
            for (d, mut vs) in docs {
                vs.sort_unstable();
                at[si][d as usize] = people.len();
                people.push(Candidate {
                    path: paths.get(&d).cloned().unwrap_or_default(),
                    name: names.get(&d).cloned().unwrap_or_default(),
                    values: vs.into_iter().map(|(_, v)| values[v].clone()).collect(),
                });
            }
        }
        Ok((people, at))
    }

    /// The pairs of candidates one of whom links to a key of the other.
    fn linked_by_links(
        &self,
        searcher: &Searcher,
        at: &[Vec<usize>],
    ) -> Result<HashSet<(usize, usize)>> {
        let mut linking: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
        self.each_term(
            searcher,
            self.fields.links,
            IndexRecordOption::Basic,
            |_| true,
            |si, seg, key, p| {
                live_docs(seg, p, |d, _| {
                    if let Some(&c) = at[si].get(d as usize).filter(|&&c| c != usize::MAX) {
                        linking.entry(key.to_vec()).or_default().push(c);
                    }
                });
            },
        )?;
        // the keys terms in dictionary order, those some candidate links to
        let mut linked = HashSet::new();
        self.each_term(
            searcher,
            self.fields.keys,
            IndexRecordOption::Basic,
            |key| linking.contains_key(key),
            |si, seg, key, p| {
                let Some(from) = linking.get(key) else { return };
                live_docs(seg, p, |d, _| {
                    if let Some(&b) = at[si].get(d as usize).filter(|&&c| c != usize::MAX) {
                        for &a in from {
                            linked.insert((a.min(b), a.max(b)));
                        }
                    }
                });
            },
        )?;
        Ok(linked)
    }

    /// The pairs of candidates one of whom records introducing the other
    /// (`ledger::introduced_among`): reads the notes with an introduction.
    fn linked_by_intros(
        &self,
        searcher: &Searcher,
        at: &[Vec<usize>],
        people: &[Candidate],
        linked: &mut HashSet<(usize, usize)>,
    ) -> Result<()> {
        let dir = self.index_dir();
        let t = Term::from_field_text(self.fields.topic, INTRO);
        // each candidate's name folded once, when someone gave an intro
        let mut folded = None;
        for (si, seg) in searcher.segment_readers().iter().enumerate() {
            let inv = seg
                .inverted_index(self.fields.topic)
                .map_err(tv_err(&dir))?;
            let Some(p) = inv
                .read_postings(&t, IndexRecordOption::Basic)
                .map_err(io_err(&dir))?
            else {
                continue;
            };
            let mut givers = Vec::new();
            live_docs(seg, p, |d, _| {
                if let Some(&a) = at[si].get(d as usize).filter(|&&c| c != usize::MAX) {
                    givers.push((d, a));
                }
            });
            for (d, a) in givers {
                let n = self.note_of(searcher, DocAddress::new(si as u32, d))?;
                let given = crate::ledger::intro_texts(&n);
                for b in crate::ledger::introduced_among(&given, a, &mut folded, || {
                    people.iter().map(|c| fold(&c.name)).collect()
                }) {
                    linked.insert((a.min(b), a.max(b)));
                }
            }
        }
        Ok(())
    }
}

/// A topic term's value and (segment, document, position) of each of its
/// active holders.
type Holders = (String, Vec<(usize, DocId, u32)>);

/// The group keys (`topics::group_key`) one of whose terms more than
/// [`MAX_GROUP`] active contacts hold: the group is bigger still, so
/// `topics::intros` pairs no one by it and names it in no pair. (A group
/// big only with all its terms together is counted whole later.)
fn too_big_groups(terms: &HashMap<Vec<u8>, Holders>, concepts: &Concepts) -> HashSet<String> {
    terms
        .values()
        .filter(|(_, holders)| {
            // (segment, doc) runs: a holder once however many positions
            let mut docs = holders
                .iter()
                .map(|&(si, d, _)| (si, d))
                .collect::<Vec<_>>();
            docs.dedup();
            docs.len() > MAX_GROUP
        })
        .map(|(value, _)| group_key(concepts, value))
        .collect()
}
