//! `show NAME` and `brief NAME` read one note and its neighbours, not the
//! vault: the contact a NAME means (its `lookup` terms), the notes holding
//! the keys its links point at, linking to it or mentioning it (the `keys`,
//! `links` and `mentions` terms), and the contacts sharing its interests and
//! fields (the `shares` terms). Every answer honours the overlay: committed
//! documents it replaces are skipped, its own index is asked too.

use std::collections::{BTreeSet, HashMap, HashSet};

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{SegmentReader, Term};

use crate::concepts::Concepts;
use crate::index::IndexView;
use crate::index::engine::terms::live_docs;
use crate::index::error::{IndexError, Result, tv_err};
use crate::session::{self, Session};
use crate::topics::{MAX_GROUP, Partners, Person, group_key, partner_keys};
use crate::vault::lookup::{Contacts, LookupError, find_in};
use crate::vault::model::Note;
use crate::vault::names::{NameQuery, fold};

/// Which terms of a field a lookup wants.
enum Wanted<'a> {
    /// Exactly these.
    Exact(&'a [String]),
    /// Every term starting with one of these.
    Prefix(&'a [String]),
}

impl IndexView {
    fn io_err(&self) -> impl Fn(std::io::Error) -> IndexError + '_ {
        move |e| tv_err(&self.root)(e.into())
    }

    /// The live documents of one segment with a wanted term in `field`,
    /// in doc order.
    fn segment_docs(&self, seg: &SegmentReader, field: Field, wanted: &Wanted) -> Result<Vec<u32>> {
        let inv = seg.inverted_index(field).map_err(tv_err(&self.root))?;
        let mut postings = Vec::new();
        match wanted {
            Wanted::Exact(terms) => {
                for t in *terms {
                    let term = Term::from_field_text(field, t);
                    if let Some(p) = inv
                        .read_postings(&term, IndexRecordOption::Basic)
                        .map_err(self.io_err())?
                    {
                        postings.push(p);
                    }
                }
            }
            Wanted::Prefix(prefixes) => {
                for pre in *prefixes {
                    let mut terms = inv
                        .terms()
                        .range()
                        .ge(pre.as_bytes())
                        .into_stream()
                        .map_err(self.io_err())?;
                    while terms.advance() && terms.key().starts_with(pre.as_bytes()) {
                        let p = inv
                            .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                            .map_err(self.io_err())?;
                        postings.push(p);
                    }
                }
            }
        }
        let mut docs: BTreeSet<u32> = BTreeSet::new();
        for p in postings {
            live_docs(seg, p, |d, _| {
                docs.insert(d);
            });
        }
        Ok(docs.into_iter().collect())
    }

    /// The paths of the committed, not shadowed documents of one segment
    /// with a wanted term in `field`.
    fn segment_paths(
        &self,
        seg: &SegmentReader,
        field: Field,
        wanted: &Wanted,
        out: &mut BTreeSet<String>,
    ) -> Result<()> {
        let docs = self.segment_docs(seg, field, wanted)?;
        if docs.is_empty() {
            return Ok(());
        }
        let found = self.column_values(seg, "path", &docs)?;
        out.extend(
            found
                .into_iter()
                .map(|(_, path)| path)
                .filter(|p| !self.shadowed(p)),
        );
        Ok(())
    }

    /// The paths of the notes (committed and laid over) with a wanted term
    /// in `field`, in path order.
    fn paths_with(&self, field: Field, wanted: &Wanted) -> Result<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        for seg in self.searcher().segment_readers() {
            self.segment_paths(seg, field, wanted, &mut out)?;
        }
        if let Some(ov) = &self.overlay {
            out.append(&mut ov.view.paths_with(field, wanted)?);
        }
        Ok(out)
    }

    /// Every term of `field` (committed and laid over; a committed term may
    /// belong only to documents the overlay replaces).
    fn field_terms(&self, field: Field) -> Result<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        for seg in self.searcher().segment_readers() {
            let inv = seg.inverted_index(field).map_err(tv_err(&self.root))?;
            let mut terms = inv.terms().stream().map_err(self.io_err())?;
            while terms.advance() {
                if let Ok(t) = std::str::from_utf8(terms.key()) {
                    out.insert(t.to_string());
                }
            }
        }
        if let Some(ov) = &self.overlay {
            out.append(&mut ov.view.field_terms(field)?);
        }
        Ok(out)
    }

    /// The note at `path` as the index has it (laid over or committed).
    pub(crate) fn note_at(&self, path: &str) -> Result<Option<Note>> {
        if let Some(ov) = &self.overlay
            && ov.shadowed.contains(path)
        {
            return ov.view.note_at(path);
        }
        let searcher = self.searcher();
        let q = TermQuery::new(
            Term::from_field_text(self.fields.path, path),
            IndexRecordOption::Basic,
        );
        let addrs = searcher
            .search(&q, &DocSetCollector)
            .map_err(tv_err(&self.root))?;
        if let Some(&a) = addrs.iter().next() {
            return Ok(Some(self.note_of(&searcher, a)?));
        }
        match &self.overlay {
            Some(ov) => ov.view.note_at(path),
            None => Ok(None),
        }
    }

    /// Is the note at `path` a contact (its `kind`), without reading it?
    pub(crate) fn is_contact_at(&self, path: &str) -> Result<bool> {
        if let Some(ov) = &self.overlay
            && ov.shadowed.contains(path)
        {
            return ov.view.is_contact_at(path);
        }
        let term = |f, t: &str| -> Box<dyn tantivy::query::Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f, t),
                IndexRecordOption::Basic,
            ))
        };
        let q = BooleanQuery::intersection(vec![
            term(self.fields.path, path),
            term(self.fields.kind, "contact"),
        ]);
        let n = self
            .searcher()
            .search(&q, &tantivy::collector::Count)
            .map_err(tv_err(&self.root))?;
        match &self.overlay {
            Some(ov) if n == 0 => ov.view.is_contact_at(path),
            _ => Ok(n > 0),
        }
    }

    /// The notes at `paths` that the index has, in the order given.
    pub(crate) fn notes_at<'p>(
        &self,
        paths: impl IntoIterator<Item = &'p String>,
    ) -> Result<Vec<Note>> {
        let mut out = Vec::new();
        for p in paths {
            if let Some(n) = self.note_at(p)? {
                out.push(n);
            }
        }
        Ok(out)
    }

    /// The path of the contact a NAME means (`vault::lookup::find`'s
    /// policy over the index), or why there is none.
    pub(crate) fn find_contact(
        &self,
        name: &str,
    ) -> Result<std::result::Result<String, LookupError>> {
        find_in(&IndexContacts(self), name)
    }

    /// The notes `show`/`brief` need beside `me` to answer as the whole
    /// vault would, `me` among them, in path order: those holding one of
    /// its keys (a mention naming it must name it alone), dated notes
    /// mentioning it, and with `links` the notes linking to it and those
    /// holding the keys its links point at.
    pub(crate) fn around(&self, me: &Note, links: bool) -> Result<Vec<Note>> {
        let keys: Vec<String> = me.keys().into_iter().map(fold).collect();
        let mut paths = self.paths_with(self.fields.keys, &Wanted::Exact(&keys))?;
        paths.append(&mut self.paths_with(self.fields.mentions, &Wanted::Exact(&keys))?);
        if links {
            paths.append(&mut self.paths_with(self.fields.links, &Wanted::Exact(&keys))?);
            let targets: Vec<String> = me
                .links
                .iter()
                .map(|l| crate::topics::link_key(&l.target))
                .collect();
            paths.append(&mut self.paths_with(self.fields.keys, &Wanted::Exact(&targets))?);
        }
        paths.remove(&me.path);
        let mut out = self.notes_at(&paths)?;
        out.push(me.clone());
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}

/// The index as a source of contacts for the NAME policy: ids are paths.
struct IndexContacts<'a>(&'a IndexView);

impl Contacts for IndexContacts<'_> {
    type Id = String;
    type Error = IndexError;

    fn at_path(&self, path: &str) -> Result<Option<String>> {
        Ok(self
            .0
            .note_at(path)?
            .filter(|n| n.is_contact)
            .map(|n| n.path))
    }

    fn exact(&self, q: &NameQuery) -> Result<Vec<String>> {
        let terms = q.exact_terms();
        let found = self
            .0
            .paths_with(self.0.fields.lookup, &Wanted::Exact(&terms))?;
        Ok(found.into_iter().collect())
    }

    fn prefixed(&self, q: &NameQuery) -> Result<Vec<String>> {
        let terms = q.prefix_terms();
        let found = self
            .0
            .paths_with(self.0.fields.lookup, &Wanted::Prefix(&terms))?;
        Ok(found.into_iter().collect())
    }

    fn label(&self, path: &String) -> Result<(String, String)> {
        let name = self.0.note_at(path)?.map_or_else(String::new, |n| n.name);
        Ok((name, path.clone()))
    }
}

impl Session {
    /// `show`/`brief NAME` from the index: the notes beside the contact
    /// NAME means ([`IndexView::around`]) with the vault's inactive statuses
    /// applied and journal mentions credited, and the contact's position
    /// among them. Its own answers equal those over every note.
    pub fn one_note(&self, name: &str, links: bool) -> session::Result<(Vec<Note>, usize)> {
        let path = self.read(|v| v.find_contact(name))??;
        let me = self
            .read(|v| v.note_at(&path))?
            .ok_or_else(|| LookupError::NotFound(name.to_string()))?;
        let mut notes = self.read(|v| v.around(&me, links))?;
        for n in &mut notes {
            self.finish(n);
        }
        if self.config.journal {
            crate::journal::credit(&mut notes);
        }
        let i = notes.iter().position(|n| n.path == path).unwrap_or(0);
        Ok((notes, i))
    }

    /// The person `brief` suggests introducing `me` to, as
    /// `topics::Partners::best` finds them over every note
    /// ([`IndexView::partner`]).
    pub fn partner(
        &self,
        me: &Note,
        concepts: &Concepts,
    ) -> session::Result<Option<(Person, Vec<String>)>> {
        let inactive = &self.config.inactive_status;
        self.read(|v| v.partner(me, concepts, inactive, &|n: &mut Note| self.finish(n)))
    }

    /// Is the note at `path` a contact, as the index has it?
    pub fn is_contact_at(&self, path: &str) -> session::Result<bool> {
        self.read(|v| v.is_contact_at(path))
    }

    /// The note at `path`, read from the index (inactive statuses applied).
    pub fn note_at(&self, path: &str) -> session::Result<Option<Note>> {
        let mut n = self.read(|v| v.note_at(path))?;
        if let Some(n) = &mut n {
            self.finish(n);
        }
        Ok(n)
    }
}

/// How many of a contact's partner keys each document holds, per view
/// (committed, then laid over) and segment.
struct Tally<'v> {
    views: Vec<(&'v IndexView, tantivy::Searcher)>,
    /// (count, view, segment, doc) of every document holding one, most first.
    ranked: Vec<(u32, usize, u32, u32)>,
    /// the contact's keys more than `topics::MAX_GROUP` active contacts
    /// hold: not counted, and left out as `Partners::new` leaves them out
    too_big: HashSet<String>,
}

/// One segment of a view, with the documents holding each of a contact's
/// partner keys (active contacts only, shadowed ones left out).
struct KeyDocs {
    view: usize,
    seg: u32,
    max_doc: u32,
    by_key: Vec<(String, Vec<u32>)>,
    /// `me`'s documents: holders, but no candidates
    me: Vec<u32>,
}

impl IndexView {
    /// The person `brief` suggests introducing `me` to, as
    /// `topics::Partners::best` finds them over every note. Candidates are
    /// counted from the `shares` postings (the terms grouped by
    /// `topics::group_key`) and ranked as `best` ranks them (most keys
    /// shared, then path); `best` itself runs over `me` and the first one,
    /// then 4 more, then 16, and so on until it accepts one: rank and acceptance
    /// depend only on the two notes, so the first accepted is the vault's.
    /// `finish` applies what the index does not store (inactive statuses).
    pub(crate) fn partner(
        &self,
        me: &Note,
        concepts: &Concepts,
        inactive: &[String],
        finish: &dyn Fn(&mut Note),
    ) -> Result<Option<(Person, Vec<String>)>> {
        let Some(tally) = self.tally(me, concepts, inactive)? else {
            return Ok(None);
        };
        let mut subset = vec![me.clone()];
        let (mut fresh, mut step) = (0, 1);
        let accepted = |subset: &mut Vec<Note>| {
            subset.sort_by(|a, b| a.path.cmp(&b.path));
            Partners::among(subset, concepts, &tally.too_big).best(&me.path)
        };
        let mut from = 0;
        while from < tally.ranked.len() {
            let count = tally.ranked[from].0;
            let to = from + tally.ranked[from..].partition_point(|r| r.0 == count);
            for (_, v, addr) in tally.bucket(&tally.ranked[from..to], self)? {
                let (view, searcher) = &tally.views[v];
                let mut n = view.note_of(searcher, addr)?;
                finish(&mut n);
                subset.push(n);
                fresh += 1;
                if fresh == step {
                    if let Some(best) = accepted(&mut subset) {
                        return Ok(Some(best));
                    }
                    (fresh, step) = (0, step * 4);
                }
            }
            from = to;
        }
        Ok(accepted(&mut subset))
    }

    /// Count, for every document of this view and the overlay's, how many
    /// of `me`'s partner keys it holds (`me`, shadowed documents and
    /// contacts whose status is one of `inactive` left out; keys of a group
    /// too big to pair by not counted). `None` when `me` has no keys.
    fn tally(
        &self,
        me: &Note,
        concepts: &Concepts,
        inactive: &[String],
    ) -> Result<Option<Tally<'_>>> {
        let mine: HashSet<String> = partner_keys(me, concepts)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        if mine.is_empty() {
            return Ok(None);
        }
        let mut spellings: HashMap<String, Vec<String>> = HashMap::new();
        for t in self.field_terms(self.fields.shares)? {
            let k = group_key(concepts, &t);
            if mine.contains(&k) {
                spellings.entry(k).or_default().push(t);
            }
        }
        let mut views = vec![(self, self.searcher())];
        if let Some(ov) = &self.overlay {
            views.push((&*ov.view, ov.view.searcher()));
        }
        let found = self.key_docs(&views, &spellings, me, inactive)?;
        let mut size: HashMap<&str, usize> = HashMap::new();
        for (k, ds) in found.iter().flat_map(|f| &f.by_key) {
            *size.entry(k).or_default() += ds.len();
        }
        let too_big: HashSet<String> = size
            .into_iter()
            .filter(|&(_, n)| n > MAX_GROUP)
            .map(|(k, _)| k.to_string())
            .collect();
        let mut ranked = Vec::new();
        for f in &found {
            let mut counts = vec![0u32; f.max_doc as usize];
            for (_, ds) in f.by_key.iter().filter(|(k, _)| !too_big.contains(k)) {
                for &d in ds {
                    counts[d as usize] += 1;
                }
            }
            for &d in &f.me {
                counts[d as usize] = 0;
            }
            ranked.extend(
                (0u32..)
                    .zip(counts)
                    .filter(|&(_, c)| c > 0)
                    .map(|(d, c)| (c, f.view, f.seg, d)),
            );
        }
        ranked.sort_by_key(|r| std::cmp::Reverse(r.0));
        Ok(Some(Tally {
            views,
            ranked,
            too_big,
        }))
    }

    /// For each segment of `views`, the documents holding each key's
    /// spellings, less shadowed and inactive ones, and `me`'s documents.
    fn key_docs(
        &self,
        views: &[(&IndexView, tantivy::Searcher)],
        spellings: &HashMap<String, Vec<String>>,
        me: &Note,
        inactive: &[String],
    ) -> Result<Vec<KeyDocs>> {
        let shadowed: Vec<String> = self
            .overlay
            .as_ref()
            .map(|ov| ov.shadowed.iter().cloned().collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        for (v, (view, searcher)) in views.iter().enumerate() {
            for (s, seg) in searcher.segment_readers().iter().enumerate() {
                let mut hidden: HashSet<u32> =
                    view.inactive_in(seg, inactive)?.into_iter().collect();
                if v == 0 {
                    let wanted = Wanted::Exact(&shadowed);
                    hidden.extend(view.segment_docs(seg, self.fields.path, &wanted)?);
                }
                let mut by_key = Vec::new();
                for (k, terms) in spellings {
                    let mut ds =
                        view.segment_docs(seg, self.fields.shares, &Wanted::Exact(terms))?;
                    ds.retain(|d| !hidden.contains(d));
                    by_key.push((k.clone(), ds));
                }
                let wanted = Wanted::Exact(std::slice::from_ref(&me.path));
                out.push(KeyDocs {
                    view: v,
                    seg: u32::try_from(s).unwrap_or(u32::MAX),
                    max_doc: seg.max_doc(),
                    by_key,
                    me: view.segment_docs(seg, self.fields.path, &wanted)?,
                });
            }
        }
        Ok(out)
    }
}

impl Tally<'_> {
    /// The documents of one count, with their paths, in path order.
    fn bucket(
        &self,
        docs: &[(u32, usize, u32, u32)],
        errs: &IndexView,
    ) -> Result<Vec<(String, usize, tantivy::DocAddress)>> {
        let mut by_seg: HashMap<(usize, u32), Vec<u32>> = HashMap::new();
        for &(_, v, s, d) in docs {
            by_seg.entry((v, s)).or_default().push(d);
        }
        let mut out = Vec::new();
        for ((v, s), ds) in by_seg {
            let seg = &self.views[v].1.segment_readers()[s as usize];
            let found = errs.column_values(seg, "path", &ds)?;
            out.extend(
                found
                    .into_iter()
                    .map(|(d, p)| (p, v, tantivy::DocAddress::new(s, d))),
            );
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }
}
