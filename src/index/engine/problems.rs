//! What `check` reads from the index instead of every note: counts, the
//! terms several notes share, the link keys no note answers to, and the few
//! notes an answer has to show, read in batches. Every answer covers the
//! committed notes the overlay does not replace plus the overlay's notes,
//! from one fixed picture of both ([`Snapshot`]), so that document
//! addresses found first stay valid while the notes are read.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::columnar::StrColumn;
use tantivy::postings::TermInfo;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::termdict::TermMerger;
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED, Term};
use tantivy::{InvertedIndexReader, TantivyError};

use crate::index::IndexView;
use crate::index::engine::terms::{live_docs, values_of_docs};
use crate::index::error::{IndexError, Result, tv_err};
use crate::vault::model::Note;

/// A field of exact terms `check` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    /// `contact` / `note`.
    Kind,
    /// The folded keys a note answers to.
    Keys,
    /// The keys its links point at.
    Links,
    /// The severities of its problems.
    Problems,
    /// A contact's folded name and aliases.
    Names,
    /// `key` / `link`: a key or a link key that folds to nothing.
    Blank,
}

/// A note found in the index, to be read later from the same [`Snapshot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRef {
    pub path: String,
    part: usize,
    segment: u32,
    doc: DocId,
}

/// One searcher's worth of notes: the committed index (less the documents
/// the overlay replaces) or the overlay.
struct Part<'v> {
    view: &'v IndexView,
    searcher: Searcher,
    /// Per segment, the sorted live documents the overlay replaces.
    hidden: Vec<Vec<DocId>>,
}

/// One segment of one part, with what telling its visible notes needs.
struct Seg<'a> {
    part: usize,
    ord: u32,
    reader: &'a SegmentReader,
    hidden: &'a [DocId],
    paths: Option<StrColumn>,
}

impl Seg<'_> {
    /// Every live document is visible: the term's doc count is the answer.
    fn all_visible(&self) -> bool {
        !self.reader.has_deletes() && self.hidden.is_empty()
    }

    fn visible(&self, doc: DocId) -> bool {
        !self.reader.is_deleted(doc) && self.hidden.binary_search(&doc).is_err()
    }

    /// The visible documents of the postings `ti` of `inv`, each handed to
    /// `each` until it says stop (`false`).
    fn docs(
        &self,
        inv: &InvertedIndexReader,
        ti: &TermInfo,
        mut each: impl FnMut(DocId) -> Result<bool>,
    ) -> Result<()> {
        let mut postings = inv
            .read_postings_from_terminfo(ti, IndexRecordOption::Basic)
            .map_err(io_err)?;
        let mut d = postings.doc();
        while d != TERMINATED {
            if self.visible(d) && !each(d)? {
                break;
            }
            d = postings.advance();
        }
        Ok(())
    }

    /// The term ordinal of `doc`'s path in this segment's path column
    /// (ordinals follow the paths' order).
    fn path_ord(&self, doc: DocId) -> Result<u64> {
        self.paths
            .as_ref()
            .and_then(|c| c.term_ords(doc).next())
            .ok_or_else(|| IndexError::Query("a stored note without a path".into()))
    }
}

/// The paths of `docs` (index into `segs`, document), in the order given,
/// each segment's read in one pass (`terms::values_of_docs`).
fn paths_of(segs: &[Seg<'_>], docs: &[(usize, DocId)]) -> Result<Vec<String>> {
    let mut out = vec![String::new(); docs.len()];
    let mut keyed: Vec<(usize, DocId, usize)> = Vec::with_capacity(docs.len());
    for (i, &(s, d)) in docs.iter().enumerate() {
        segs[s].path_ord(d)?;
        keyed.push((s, d, i));
    }
    keyed.sort_unstable();
    for group in keyed.chunk_by(|a, b| a.0 == b.0) {
        let Some(col) = segs[group[0].0].paths.as_ref() else {
            continue;
        };
        let ds: Vec<DocId> = group.iter().map(|k| k.1).collect();
        let mut at: HashMap<DocId, Vec<usize>> = HashMap::new();
        for k in group {
            at.entry(k.1).or_default().push(k.2);
        }
        for (d, path) in values_of_docs(col, &ds).map_err(io_err)? {
            for &i in at.get(&d).into_iter().flatten() {
                out[i].clone_from(&path);
            }
        }
    }
    Ok(out)
}

/// Link keys no note answers to, and the (segment, document) holding them.
type Dangling = (HashSet<String>, Vec<(usize, DocId)>);

/// A term near the middle of a field's terms (from its largest segment),
/// when there are enough to be worth two threads.
fn middle_term(inv: &[Arc<InvertedIndexReader>]) -> Result<Option<Vec<u8>>> {
    let Some(dict) = inv.iter().map(|i| i.terms()).max_by_key(|d| d.num_terms()) else {
        return Ok(None);
    };
    let n = dict.num_terms();
    if n < 64 {
        return Ok(None);
    }
    let mut term = Vec::new();
    let found = dict
        .ord_to_term((n / 2) as u64, &mut term)
        .map_err(io_err)?;
    Ok(found.then_some(term))
}

/// The terms of one field over every segment in term order, those in
/// `range` only (from, up to but not including; `None`: unbounded).
fn merged_terms<'a>(
    inv: &'a [Arc<InvertedIndexReader>],
    range: (Option<&[u8]>, Option<&[u8]>),
) -> Result<TermMerger<'a>> {
    let streams = inv
        .iter()
        .map(|i| {
            let mut r = i.terms().range();
            if let Some(from) = range.0 {
                r = r.ge(from);
            }
            if let Some(to) = range.1 {
                r = r.lt(to);
            }
            r.into_stream()
        })
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(io_err)?;
    Ok(TermMerger::new(streams))
}

/// Notes found at `docs` (index into `segs`, document), with their paths.
fn note_refs(segs: &[Seg<'_>], docs: &[(usize, DocId)]) -> Result<Vec<NoteRef>> {
    let paths = paths_of(segs, docs)?;
    Ok(docs
        .iter()
        .zip(paths)
        .map(|(&(s, doc), path)| NoteRef {
            path,
            part: segs[s].part,
            segment: segs[s].ord,
            doc,
        })
        .collect())
}

fn io_err(e: std::io::Error) -> IndexError {
    IndexError::Query(format!("reading the index: {e}"))
}

/// A fixed picture of the committed index and the overlay, for answers that
/// read the notes they find.
pub struct Snapshot<'v> {
    parts: Vec<Part<'v>>,
}

impl IndexView {
    /// The committed index and the overlay as they are now.
    pub fn snapshot(&self) -> Result<Snapshot<'_>> {
        let mut parts = Vec::new();
        let searcher = self.searcher();
        let hidden = match &self.overlay {
            Some(ov) => self.hidden_docs(&searcher, &ov.shadowed)?,
            None => vec![Vec::new(); searcher.segment_readers().len()],
        };
        parts.push(Part {
            view: self,
            searcher,
            hidden,
        });
        if let Some(ov) = &self.overlay {
            let searcher = ov.view.searcher();
            let hidden = vec![Vec::new(); searcher.segment_readers().len()];
            parts.push(Part {
                view: &ov.view,
                searcher,
                hidden,
            });
        }
        Ok(Snapshot { parts })
    }

    /// Per segment, the live documents of the paths in `shadowed`, sorted.
    fn hidden_docs(
        &self,
        searcher: &Searcher,
        shadowed: &HashSet<String>,
    ) -> Result<Vec<Vec<DocId>>> {
        let mut out = Vec::new();
        for seg in searcher.segment_readers() {
            let inv = seg
                .inverted_index(self.fields.path)
                .map_err(tv_err(&self.root))?;
            let mut docs = Vec::new();
            for p in shadowed {
                let term = Term::from_field_text(self.fields.path, p);
                let Some(postings) = inv
                    .read_postings(&term, IndexRecordOption::Basic)
                    .map_err(io_err)?
                else {
                    continue;
                };
                live_docs(seg, postings, |d, _| docs.push(d));
            }
            docs.sort_unstable();
            docs.dedup();
            out.push(docs);
        }
        Ok(out)
    }
}

impl<'v> Snapshot<'v> {
    fn field(&self, f: Fact) -> Field {
        let fields = &self.parts[0].view.fields;
        match f {
            Fact::Kind => fields.kind,
            Fact::Keys => fields.keys,
            Fact::Links => fields.links,
            Fact::Problems => fields.problems,
            Fact::Names => fields.names,
            Fact::Blank => fields.blank,
        }
    }

    fn err(&self) -> impl FnOnce(TantivyError) -> IndexError + '_ {
        tv_err(&self.parts[0].view.root)
    }

    /// Every segment of every part; with `paths`, each can tell its notes' paths.
    fn segs(&self, paths: bool) -> Result<Vec<Seg<'_>>> {
        let mut out = Vec::new();
        for (pi, part) in self.parts.iter().enumerate() {
            let fields = &part.view.fields;
            let path_name = fields.schema.get_field_name(fields.path);
            for (si, reader) in part.searcher.segment_readers().iter().enumerate() {
                let paths = if paths {
                    reader.fast_fields().str(path_name).map_err(self.err())?
                } else {
                    None
                };
                out.push(Seg {
                    part: pi,
                    ord: u32::try_from(si).unwrap_or(u32::MAX),
                    reader,
                    hidden: part.hidden.get(si).map_or(&[], Vec::as_slice),
                    paths,
                });
            }
        }
        Ok(out)
    }

    fn inverted(&self, segs: &[Seg<'_>], f: Fact) -> Result<Vec<Arc<InvertedIndexReader>>> {
        let field = self.field(f);
        segs.iter()
            .map(|s| s.reader.inverted_index(field).map_err(self.err()))
            .collect()
    }

    /// How many notes there are.
    pub fn note_count(&self) -> usize {
        self.parts
            .iter()
            .map(|p| {
                let hidden: usize = p.hidden.iter().map(Vec::len).sum();
                usize::try_from(p.searcher.num_docs())
                    .unwrap_or(usize::MAX)
                    .saturating_sub(hidden)
            })
            .sum()
    }

    /// How many notes have `term` in `f`.
    pub fn count_with(&self, f: Fact, term: &str) -> Result<usize> {
        let segs = self.segs(false)?;
        let inv = self.inverted(&segs, f)?;
        let t = Term::from_field_text(self.field(f), term);
        let mut n = 0;
        for (s, inv) in segs.iter().zip(&inv) {
            let Some(ti) = inv.get_term_info(&t).map_err(io_err)? else {
                continue;
            };
            if s.all_visible() {
                n += ti.doc_freq as usize;
            } else {
                s.docs(inv, &ti, |_| {
                    n += 1;
                    Ok(true)
                })?;
            }
        }
        Ok(n)
    }

    /// The notes with `term` in `f`, in no particular order.
    pub fn notes_with(&self, f: Fact, term: &str) -> Result<Vec<NoteRef>> {
        let segs = self.segs(true)?;
        let inv = self.inverted(&segs, f)?;
        let t = Term::from_field_text(self.field(f), term);
        let mut docs = Vec::new();
        for (i, (s, inv)) in segs.iter().zip(&inv).enumerate() {
            if let Some(ti) = inv.get_term_info(&t).map_err(io_err)? {
                s.docs(inv, &ti, |d| {
                    docs.push((i, d));
                    Ok(true)
                })?;
            }
        }
        note_refs(&segs, &docs)
    }

    /// Every term of `f` that `min` or more notes may hold, in term order,
    /// with the paths of the notes that do hold it folded into an `H` by
    /// `add` (the caller's rule decides what the holders amount to).
    pub fn shared_terms<H: Default>(
        &self,
        f: Fact,
        min: usize,
        mut add: impl FnMut(&mut H, String),
    ) -> Result<Vec<(String, H)>> {
        let segs = self.segs(true)?;
        let inv = self.inverted(&segs, f)?;
        let mut merger = merged_terms(&inv, (None, None))?;
        let mut out = Vec::new();
        while merger.advance() {
            let infos: Vec<(usize, TermInfo)> =
                merger.current_segment_ords_and_term_infos().collect();
            let most: usize = infos.iter().map(|(_, ti)| ti.doc_freq as usize).sum();
            if most < min {
                continue;
            }
            let mut docs = Vec::new();
            for (i, ti) in &infos {
                segs[*i].docs(&inv[*i], ti, |d| {
                    docs.push((*i, d));
                    Ok(true)
                })?;
            }
            let mut h = H::default();
            for p in paths_of(&segs, &docs)? {
                add(&mut h, p);
            }
            out.push((String::from_utf8_lossy(merger.key()).into_owned(), h));
        }
        Ok(out)
    }

    /// The keys of links (`Links`) that no note answers to (`Keys`), the
    /// empty key included (`Blank`), and the notes holding such links.
    pub fn dangling(&self) -> Result<(HashSet<String>, Vec<NoteRef>)> {
        let segs = self.segs(true)?;
        let links = self.inverted(&segs, Fact::Links)?;
        let keys = self.inverted(&segs, Fact::Keys)?;
        // each link key is looked up in every segment's keys: the two halves
        // of the link keys, in term order, on both cores
        let mid = middle_term(&links)?;
        let (low, high) = match &mid {
            Some(m) => rayon::join(
                || self.dangling_in(&segs, &links, &keys, (None, Some(m))),
                || self.dangling_in(&segs, &links, &keys, (Some(m), None)),
            ),
            None => (
                self.dangling_in(&segs, &links, &keys, (None, None)),
                Ok(Default::default()),
            ),
        };
        let (mut broken, mut docs) = low?;
        let (high_broken, high_docs) = high?;
        broken.extend(high_broken);
        docs.extend(high_docs);
        let mut holders = note_refs(&segs, &docs)?;
        if self.count_with(Fact::Blank, "key")? == 0 {
            let blank = self.notes_with(Fact::Blank, "link")?;
            if !blank.is_empty() {
                broken.insert(String::new());
                holders.extend(blank);
            }
        }
        Ok((broken, holders))
    }

    /// The link keys in `range` (from, up to but not including) that no
    /// visible note answers to, and the documents holding them, in term order.
    fn dangling_in(
        &self,
        segs: &[Seg<'_>],
        links: &[Arc<InvertedIndexReader>],
        keys: &[Arc<InvertedIndexReader>],
        range: (Option<&[u8]>, Option<&[u8]>),
    ) -> Result<Dangling> {
        let mut merger = merged_terms(links, range)?;
        let mut broken = HashSet::new();
        let mut docs = Vec::new();
        while merger.advance() {
            let text = String::from_utf8_lossy(merger.key()).into_owned();
            let key = Term::from_field_text(self.field(Fact::Keys), &text);
            if self.any_holds(segs, keys, &key)? {
                continue;
            }
            for (i, ti) in merger.current_segment_ords_and_term_infos() {
                segs[i].docs(&links[i], &ti, |d| {
                    docs.push((i, d));
                    Ok(true)
                })?;
            }
            broken.insert(text);
        }
        Ok((broken, docs))
    }

    /// Does some visible note have `term` (in the field of `inv`)?
    fn any_holds(
        &self,
        segs: &[Seg<'_>],
        inv: &[Arc<InvertedIndexReader>],
        term: &Term,
    ) -> Result<bool> {
        for (s, inv) in segs.iter().zip(inv) {
            let Some(ti) = inv.get_term_info(term).map_err(io_err)? else {
                continue;
            };
            if s.all_visible() && ti.doc_freq > 0 {
                return Ok(true);
            }
            let mut found = false;
            s.docs(inv, &ti, |_| {
                found = true;
                Ok(false)
            })?;
            if found {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The notes of `refs`, in the order given (read in store order).
    pub fn read(&self, refs: &[NoteRef]) -> Result<Vec<Note>> {
        let mut order: Vec<usize> = (0..refs.len()).collect();
        order.sort_by_key(|&i| (refs[i].part, refs[i].segment, refs[i].doc));
        let mut out: Vec<Option<Note>> = vec![None; refs.len()];
        for i in order {
            let r = &refs[i];
            let part = &self.parts[r.part];
            let addr = DocAddress::new(r.segment, r.doc);
            out[i] = Some(part.view.note_of(&part.searcher, addr)?);
        }
        Ok(out.into_iter().flatten().collect())
    }
}
