//! Notes found by an exact term of the fields written for reports (keys,
//! links, mentions, problems: see [`Fields`](crate::index::engine::schema::Fields)):
//! an answer about a few notes reads those notes, not the vault.

use tantivy::collector::DocSetCollector;
use tantivy::columnar::StrColumn;
use tantivy::postings::SegmentPostings;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, SegmentReader, TERMINATED, Term};

use crate::index::IndexView;
use crate::index::error::{Result, tv_err};
use crate::vault::model::Note;

/// A field of the exact terms kept for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terms {
    /// The folded keys a note answers to (`Note::keys`).
    Keys,
    /// The keys its links point at.
    Links,
    /// The keys a dated note's mentions point at.
    Mentions,
    /// `error` / `warning`: the severities of its problems.
    Problems,
}

impl IndexView {
    fn terms_field(&self, t: Terms) -> Field {
        match t {
            Terms::Keys => self.fields.keys,
            Terms::Links => self.fields.links,
            Terms::Mentions => self.fields.mentions,
            Terms::Problems => self.fields.problems,
        }
    }

    /// The notes with `term` in `field` (committed and laid over), in path
    /// order, as the vault's reading rules read them.
    pub fn notes_with(&self, field: Terms, term: &str) -> Result<Vec<Note>> {
        let searcher = self.searcher();
        let f = self.terms_field(field);
        let q = TermQuery::new(Term::from_field_text(f, term), IndexRecordOption::Basic);
        let addrs = searcher
            .search(&q, &DocSetCollector)
            .map_err(tv_err(&self.root))?;
        let mut out = Vec::with_capacity(addrs.len());
        for a in addrs {
            let n = self.note_of(&searcher, a)?;
            if !self.shadowed(&n.path) {
                out.push(n);
            }
        }
        if let Some(ov) = &self.overlay {
            out.append(&mut ov.view.notes_with(field, term)?);
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// How many notes (committed and laid over) have `term` in `field`; the
    /// committed count may include notes the overlay replaces, which are
    /// read to tell.
    pub fn count_with(&self, field: Terms, term: &str) -> Result<usize> {
        if self.overlay.is_some() {
            return Ok(self.notes_with(field, term)?.len());
        }
        let searcher = self.searcher();
        let f = self.terms_field(field);
        let q = TermQuery::new(Term::from_field_text(f, term), IndexRecordOption::Basic);
        let n = searcher
            .search(&q, &tantivy::collector::Count)
            .map_err(tv_err(&self.root))?;
        Ok(n)
    }
}

/// The values of `docs` of one segment in a text column (`path`,
/// `name_column`), as (doc, value) in value order; a document without one
/// is left out. The
/// dictionary is read once for the sorted ordinals: a lookup per document
/// decodes a dictionary block each time (50 µs a path at 100k notes).
pub(crate) fn values_of_docs(
    column: &StrColumn,
    docs: &[DocId],
) -> std::io::Result<Vec<(DocId, String)>> {
    let mut ords: Vec<(u64, DocId)> = docs
        .iter()
        .flat_map(|&d| column.term_ords(d).map(move |o| (o, d)))
        .collect();
    ords.sort_unstable();
    let just: Vec<u64> = ords.iter().map(|o| o.0).collect();
    let mut at = ords.iter().map(|o| o.1);
    let mut out = Vec::with_capacity(ords.len());
    column.dictionary().sorted_ords_to_term_cb(&just, |bytes| {
        if let Some(d) = at.next() {
            out.push((d, String::from_utf8_lossy(bytes).into_owned()));
        }
    })?;
    Ok(out)
}

impl IndexView {
    /// [`values_of_docs`] of one segment's text column named `column`;
    /// nothing when the segment has no such column.
    pub(crate) fn column_values(
        &self,
        seg: &SegmentReader,
        column: &str,
        docs: &[DocId],
    ) -> Result<Vec<(DocId, String)>> {
        let Some(col) = seg.fast_fields().str(column).map_err(tv_err(&self.root))? else {
            return Ok(Vec::new());
        };
        values_of_docs(&col, docs).map_err(|e| tv_err(&self.root)(e.into()))
    }
}

/// Call `f` with every live document of a postings list (deleted ones are
/// still in the postings until a merge), and the postings at it.
pub(crate) fn live_docs(
    seg: &SegmentReader,
    mut p: SegmentPostings,
    mut f: impl FnMut(DocId, &mut SegmentPostings),
) {
    let alive = seg.alive_bitset();
    let mut d = p.doc();
    while d != TERMINATED {
        if alive.is_none_or(|a| a.is_alive(d)) {
            f(d, &mut p);
        }
        d = p.advance();
    }
}
