//! Apply what changed on disk to the index: read and hash only files whose stat
//! changed, parse on both cores while tantivy indexes, one commit per sync.
//! `sync` (every read command), `index --rebuild` and `watch` all come here.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::Serialize;
use tantivy::{Index, IndexWriter, Term};

use crate::index::disk::diff::{Diff, Known, diff};
use crate::index::disk::layout::{self, Paths, WriteLock};
use crate::index::disk::scan::{Entry, Scan, Stat};
use crate::index::disk::state::{State, Summary};
use crate::index::engine::doc::NoteDoc;
use crate::index::engine::schema::{Fields, Group};
use crate::index::engine::store;
use crate::index::error::{IndexError, Result, io_err, tv_err};
use crate::topics::link_key;
use crate::vault::fields::{FIELDS, Slot, values};
use crate::vault::names::{fold, key_terms};
use crate::vault::note::{Code, Note, Parsed, Problem, Severity, parse_note};

/// What one sync did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Report {
    pub notes: usize,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub errors: usize,
    #[serde(skip)]
    pub rebuilt: bool,
    /// Each applied change, in path order: ("added"|"updated"|"removed", path).
    #[serde(skip)]
    pub changes: Vec<(&'static str, String)>,
}

/// Something told about progress (a progress bar in the CLI).
pub trait Progress: Sync {
    fn start(&self, total: usize);
    fn inc(&self);
    fn finish(&self);
}

/// No progress display.
pub struct NoProgress;
impl Progress for NoProgress {
    fn start(&self, _: usize) {}
    fn inc(&self) {}
    fn finish(&self) {}
}

pub fn hash_bytes(b: &[u8]) -> u64 {
    let h = blake3::hash(b);
    let mut first = [0u8; 8];
    first.copy_from_slice(&h.as_bytes()[..8]);
    u64::from_le_bytes(first)
}

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// A stat taken this close to now may hide a later edit in the same clock
/// tick (git's "racily clean" problem): such files are re-hashed next time.
const RACY_NS: i64 = 2_000_000_000;

/// Notes parsed before they are handed to tantivy (bounds a rebuild's memory;
/// 1024 instead of 4096: 100k peak RSS -30 MiB, 10k rebuild time the same).
const CHUNK: usize = 1024;

fn settled(stat: Stat, scan_start: i64) -> Option<Stat> {
    (stat.mtime_ns < scan_start - RACY_NS && stat.ctime_ns < scan_start - RACY_NS).then_some(stat)
}

/// Build the index document of a parsed note. The text groups are the
/// note's own words; what is stored (the model, kind, keys, links) is the
/// note as the vault's reading rules read it.
pub fn note_doc(fields: &Fields, parsed: &Parsed, hash: u64) -> NoteDoc {
    let mut doc = NoteDoc::default();
    let mut n = parsed.note.clone();
    fields.reading.apply(&mut n);
    doc.add_text(fields.path, &n.path);
    doc.add_u64(fields.hash, hash);
    doc.add_text(fields.kind, if n.is_contact { "contact" } else { "note" });
    add_facts(fields, &n, &mut doc);
    add_check_facts(fields, &n, &mut doc);
    crate::index::engine::columns::add_due_facts(fields, &n, &mut doc);
    add_contact_terms(fields, &n, &mut doc);
    crate::index::engine::topic_terms::add_topic_terms(fields, &n, &mut doc);
    doc.add_text(
        fields.meta,
        serde_json::to_string(&n).unwrap_or_else(|_| String::from("{}")),
    );
    add_groups(fields, parsed, &mut doc);
    doc
}

/// The terms other notes and reports find a note by: its keys, the keys its
/// links and (when dated) mentions point at, its problems' severities.
fn add_facts(fields: &Fields, n: &Note, doc: &mut NoteDoc) {
    let mut terms = |f, keys: Vec<String>| {
        let mut seen: Vec<&str> = Vec::new();
        for k in &keys {
            if !k.is_empty() && !seen.contains(&k.as_str()) {
                doc.add_text(f, k);
                seen.push(k);
            }
        }
    };
    terms(fields.keys, n.keys().into_iter().map(fold).collect());
    terms(
        fields.links,
        n.links.iter().map(|l| link_key(&l.target)).collect(),
    );
    if n.dated.is_some() {
        terms(
            fields.mentions,
            n.mentions.iter().map(|m| link_key(&m.target)).collect(),
        );
    }
    for (sev, word) in [(Severity::Error, "error"), (Severity::Warning, "warning")] {
        if n.problems.iter().any(|p| p.severity == sev) {
            doc.add_text(fields.problems, word);
        }
    }
}

/// The terms `check` answers its vault-wide rules from: a contact's name
/// keys (`checks::name_keys`) and whether a key or a link key of the note
/// folds to nothing.
fn add_check_facts(fields: &Fields, n: &Note, doc: &mut NoteDoc) {
    for k in crate::checks::name_keys(n) {
        doc.add_text(fields.names, &k);
    }
    if n.keys().into_iter().any(|k| fold(k).is_empty()) {
        doc.add_text(fields.blank, "key");
    }
    if n.links.iter().any(|l| link_key(&l.target).is_empty()) {
        doc.add_text(fields.blank, "link");
    }
}

/// The terms a contact is found by for `show`/`brief NAME`: its keys as a
/// NAME matches them, and its interest and field values (folded) for the
/// introduction to suggest.
fn add_contact_terms(fields: &Fields, n: &Note, doc: &mut NoteDoc) {
    if !n.is_contact {
        return;
    }
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for t in n.keys().into_iter().flat_map(key_terms) {
        if seen.insert(t.clone()) {
            doc.add_text(fields.lookup, &t);
        }
    }
    let f = &n.facts;
    seen.clear();
    for v in f.interests.iter().chain(f.field.iter()) {
        let v = fold(v);
        if !v.is_empty() && seen.insert(v.clone()) {
            doc.add_text(fields.shares, &v);
        }
    }
}

/// The searchable text of each group: its fields' values in table order,
/// one per line, from the note as written; held once for the group's folded
/// and stemmed fields.
fn add_groups(fields: &Fields, parsed: &Parsed, doc: &mut NoteDoc) {
    let n = &parsed.note;
    for g in Group::ALL {
        let v = fields.group(g);
        let both = [v.folded, v.stem];
        if g == Group::Body {
            doc.add_lines_to(&both, std::iter::once(parsed.body.as_str()));
            continue;
        }
        let first = match g {
            Group::Name => Some(n.name.as_str()),
            Group::Extra => Some(parsed.extra_text.as_str()),
            _ => None,
        };
        let rest: Vec<String> = FIELDS
            .iter()
            .filter(|d| d.group == Some(g) && !matches!(d.slot, Slot::Name))
            .flat_map(|d| values(d, &n.facts))
            .collect();
        doc.add_lines_to(
            &both,
            first.into_iter().chain(rest.iter().map(String::as_str)),
        );
    }
}

/// Read one note for indexing: `(hash, parsed)`. A file that cannot be read is
/// indexed by name with the problem, so `check` can report it.
pub fn read_note(root: &Path, rel: &str) -> (u64, Parsed) {
    match fs::read(root.join(rel)) {
        Ok(bytes) => (hash_bytes(&bytes), parse_note(rel, &bytes)),
        Err(e) => {
            let mut p = parse_note(rel, b"");
            // not an empty note: a note that cannot be read
            p.note.problems = vec![Problem::new(
                Severity::Error,
                Code::Io,
                format!("cannot read: {}", e.kind()),
            )];
            (0, p)
        }
    }
}

fn has_errors(p: &Parsed) -> bool {
    p.note
        .problems
        .iter()
        .any(|p| p.severity == Severity::Error)
}

/// Holds the write lock and applies changes.
pub struct Writer {
    paths: Paths,
    fields: Fields,
    index: Index,
    writer: Option<IndexWriter<NoteDoc>>,
    state: BTreeMap<String, (Option<Stat>, u64, bool)>,
    opstamp: u64,
    _lock: WriteLock,
}

struct Work<'a> {
    entry: &'a Entry,
    kind: &'static str,
}

/// One note read in phase 1 of [`Writer::apply_diff`].
struct Done {
    rel: String,
    stat: Stat,
    hash: u64,
    kind: &'static str,
    /// parsed and not yet handed to the writer
    parsed: Option<Parsed>,
    /// the content changed: (to be) indexed
    indexed: bool,
    errors: bool,
}

/// The added, then the changed entries of a diff, each with its report kind.
fn work_list(d: &Diff) -> Vec<Work<'_>> {
    let mut work: Vec<Work<'_>> = Vec::with_capacity(d.added.len() + d.changed.len());
    work.extend(d.added.iter().map(|e| Work {
        entry: e,
        kind: "added",
    }));
    work.extend(d.changed.iter().map(|e| Work {
        entry: e,
        kind: "updated",
    }));
    work
}

/// Phase 1 of a chunk (parallel when it is large): read and hash every note,
/// and parse only those whose hash differs from the stat cache.
fn read_chunk(
    root: &Path,
    state: &BTreeMap<String, (Option<Stat>, u64, bool)>,
    work: &[Work<'_>],
    progress: &dyn Progress,
) -> Vec<Done> {
    let read = |w: &Work<'_>| {
        let (hash, parsed) = read_note(root, &w.entry.rel);
        let same = hash != 0 && state.get(&w.entry.rel).is_some_and(|(_, h, _)| *h == hash);
        let errors = if same {
            state.get(&w.entry.rel).is_some_and(|(_, _, e)| *e)
        } else {
            has_errors(&parsed)
        };
        progress.inc();
        Done {
            rel: w.entry.rel.clone(),
            stat: w.entry.stat,
            hash,
            kind: w.kind,
            parsed: (!same).then_some(parsed),
            indexed: !same,
            errors,
        }
    };
    // both cores when it is worth waking them: reading waits on the disk
    work.par_iter().with_min_len(64).map(read).collect()
}

impl Writer {
    /// Open for writing, building the index from `scan` when there is none
    /// usable (or `rebuild` is asked). Returns the report of that build.
    fn open(
        paths: &Paths,
        fields: &Fields,
        lock: WriteLock,
        rebuild: bool,
        scan: &Scan,
        progress: &dyn Progress,
    ) -> Result<(Writer, Option<Report>)> {
        layout::clean_leftovers(paths);
        if !rebuild && let Some((index, state)) = store::open_existing(paths, fields) {
            let map = state
                .entries
                .into_iter()
                .map(|k| (k.rel, (k.stat, k.hash, k.errors)))
                .collect();
            return Ok((
                Writer {
                    paths: paths.clone(),
                    fields: fields.clone(),
                    index,
                    writer: None,
                    state: map,
                    opstamp: state.opstamp,
                    _lock: lock,
                },
                None,
            ));
        }
        let (dir, index) = store::create_new(paths, fields)?;
        let mut w = Writer {
            paths: paths.clone(),
            fields: fields.clone(),
            index,
            writer: None,
            state: BTreeMap::new(),
            opstamp: 0,
            _lock: lock,
        };
        let mut report = w.apply(scan, true, progress, &dir)?;
        // release the writer on the temp folder before moving it
        if let Some(iw) = w.writer.take() {
            iw.wait_merging_threads().map_err(tv_err(&dir))?;
        }
        store::swap_in(paths, &dir, fields)?;
        w.index = store::open_index(&paths.index, fields)?;
        report.rebuilt = true;
        Ok((w, Some(report)))
    }

    /// Open for writing and bring the index in line with `scan`: build it
    /// when there is none usable (or `rebuild` is asked), else apply what
    /// differs. The one way in for every writer: a command's sync,
    /// `index --rebuild` and `watch` (whose later batches go through
    /// [`Writer::sync`] and [`Writer::sync_paths`], the same `apply_diff`).
    pub fn open_synced(
        paths: &Paths,
        fields: &Fields,
        lock: WriteLock,
        rebuild: bool,
        scan: &Scan,
        progress: &dyn Progress,
    ) -> Result<(Writer, Report)> {
        let (mut w, built) = Writer::open(paths, fields, lock, rebuild, scan, progress)?;
        let report = match built {
            Some(r) => r,
            None => w.sync(scan, progress)?,
        };
        Ok((w, report))
    }

    /// Does the index hold a note below the folder `dir` (vault-relative)?
    pub fn holds_under(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        self.state
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    fn known(&self) -> Vec<Known> {
        self.state
            .iter()
            .map(|(rel, (stat, hash, errors))| Known {
                rel: rel.clone(),
                stat: *stat,
                hash: *hash,
                errors: *errors,
            })
            .collect()
    }

    fn index_writer(&mut self, dir: &Path, threads: usize) -> Result<&IndexWriter<NoteDoc>> {
        if self.writer.is_none() {
            // 40 MB per thread: 60 MB made the 100k rebuild no faster and
            // its peak 50 MiB higher (bench/PROFILE.md)
            let heap = 40_000_000 * threads;
            let w: IndexWriter<NoteDoc> = self
                .index
                .writer_with_num_threads(threads, heap)
                .map_err(|e| match e {
                    tantivy::TantivyError::LockFailure(
                        tantivy::directory::error::LockError::LockBusy,
                        _,
                    ) => IndexError::Busy {
                        path: dir.to_path_buf(),
                    },
                    e => IndexError::Tantivy {
                        path: dir.to_path_buf(),
                        source: e,
                    },
                })?;
            // files a writer killed mid-batch left behind (a delete file of
            // an uncommitted opstamp) would collide with this writer's own:
            // tantivy removes what no commit refers to (best effort)
            let _ = w.garbage_collect_files().wait();
            self.writer = Some(w);
        }
        self.writer
            .as_ref()
            .ok_or_else(|| IndexError::Query("index writer unavailable".into()))
    }

    /// Bring the index in line with a full scan of the vault.
    pub fn sync(&mut self, scan: &Scan, progress: &dyn Progress) -> Result<Report> {
        let dir = self.paths.index.clone();
        self.apply(scan, false, progress, &dir)
    }

    /// Bring the index in line for just these paths (from watch events); each is
    /// stat'ed again, so events are only hints.
    pub fn sync_paths(
        &mut self,
        disk: Vec<Entry>,
        gone: Vec<String>,
        progress: &dyn Progress,
    ) -> Result<Report> {
        // Build a partial scan over exactly the touched paths and diff it
        // against the matching part of the state.
        let mut rels: Vec<String> = disk.iter().map(|e| e.rel.clone()).collect();
        rels.extend(gone);
        rels.sort();
        rels.dedup();
        let known: Vec<Known> = rels
            .iter()
            .filter_map(|r| {
                self.state.get(r).map(|(stat, hash, errors)| Known {
                    rel: r.clone(),
                    stat: *stat,
                    hash: *hash,
                    errors: *errors,
                })
            })
            .collect();
        let mut disk = disk;
        disk.sort_by(|a, b| a.rel.cmp(&b.rel));
        disk.dedup_by(|a, b| a.rel == b.rel);
        let d = diff(&disk, &known);
        let dir = self.paths.index.clone();
        self.apply_diff(d, progress, &dir)
    }

    fn apply(
        &mut self,
        scan: &Scan,
        fresh: bool,
        progress: &dyn Progress,
        dir: &Path,
    ) -> Result<Report> {
        let d = if fresh {
            Diff {
                added: scan.entries.clone(),
                ..Diff::default()
            }
        } else {
            diff(&scan.entries, &self.known())
        };
        let mut r = self.apply_diff(d, progress, dir)?;
        r.errors += scan
            .problems
            .iter()
            .filter(|p| p.problem.severity == Severity::Error)
            .count();
        Ok(r)
    }

    fn apply_diff(&mut self, d: Diff, progress: &dyn Progress, dir: &Path) -> Result<Report> {
        let scan_start = now_ns();
        // an "added" path may still have a document when the stat cache lost
        // its entry: delete by path first, unless the index is new
        let may_have_docs = !self.state.is_empty();
        let work = work_list(&d);
        let mut dirty = !d.removed.is_empty();
        let root = self.paths.root.clone();
        if work.len() > 300 {
            progress.start(work.len());
        }
        let mut all: Vec<Done> = Vec::with_capacity(work.len());
        let mut removed_pending = dirty;
        // In chunks, so that a rebuild never holds every parsed note at once
        // (100k notes: 700 MiB); each chunk is parsed on both cores, then fed
        // to tantivy (interleaving parsing and feeding was 16% slower).
        for work in work.chunks(CHUNK) {
            let mut results = read_chunk(&root, &self.state, work, progress);
            let to_index: Vec<&Done> = results.iter().filter(|d| d.parsed.is_some()).collect();
            if !to_index.is_empty() || removed_pending {
                let removed = removed_pending.then_some(d.removed.as_slice());
                self.index_chunk(dir, &to_index, removed, may_have_docs)?;
                removed_pending = false;
                dirty = true;
            }
            for done in &mut results {
                done.parsed = None;
            }
            all.append(&mut results);
        }
        if removed_pending {
            // nothing added or changed: only deletions
            self.index_chunk(dir, &[], Some(&d.removed), may_have_docs)?;
        }
        progress.finish();
        all.sort_by(|a, b| a.rel.cmp(&b.rel));
        let mut report = self.record(&d.removed, &all, scan_start);
        self.commit_and_save(dir, dirty, !all.is_empty())?;
        report.notes = self.state.len();
        report.errors = self.state.values().filter(|(_, _, e)| *e).count();
        Ok(report)
    }

    /// Phase 2 of a chunk: delete the documents of `removed` (when given)
    /// and of the notes about to be re-indexed, then hand the parsed notes
    /// to tantivy, whose own threads do the indexing.
    fn index_chunk(
        &mut self,
        dir: &Path,
        to_index: &[&Done],
        removed: Option<&[String]>,
        may_have_docs: bool,
    ) -> Result<()> {
        let threads = if to_index.len() > 1000 { 2 } else { 1 };
        let fields = self.fields.clone();
        let w = self.index_writer(dir, threads)?;
        for rel in removed.unwrap_or_default() {
            w.delete_term(Term::from_field_text(fields.path, rel));
        }
        for done in to_index {
            if done.kind == "updated" || may_have_docs {
                w.delete_term(Term::from_field_text(fields.path, &done.rel));
            }
        }
        let add = |done: &&Done| match &done.parsed {
            Some(parsed) => w
                .add_document(note_doc(&fields, parsed, done.hash))
                .map(|_| ()),
            None => Ok(()),
        };
        // tantivy's own threads index; ours build the documents
        let added = if threads > 1 {
            to_index.par_iter().try_for_each(add)
        } else {
            to_index.iter().try_for_each(add)
        };
        added.map_err(tv_err(dir))
    }

    /// Bring the stat cache up to date with what was removed and read
    /// (`results` sorted by path) and count the changes for the report.
    fn record(&mut self, removed: &[String], results: &[Done], scan_start: i64) -> Report {
        let mut report = Report::default();
        for rel in removed {
            self.state.remove(rel);
            report.removed += 1;
            report.changes.push(("removed", rel.clone()));
        }
        for done in results {
            if done.indexed {
                if done.kind == "added" {
                    report.added += 1;
                } else {
                    report.updated += 1;
                }
                report.changes.push((done.kind, done.rel.clone()));
            }
            self.state.insert(
                done.rel.clone(),
                (settled(done.stat, scan_start), done.hash, done.errors),
            );
        }
        report.changes.sort_by(|a, b| a.1.cmp(&b.1));
        report
    }

    /// Commit the index when it changed (the counts ride along in meta.json,
    /// so that `--no-sync` needs no look at the stat cache), and save the
    /// stat cache when anything was read or changed.
    fn commit_and_save(&mut self, dir: &Path, dirty: bool, read_any: bool) -> Result<()> {
        if dirty {
            let errors = self.state.values().filter(|(_, _, e)| *e).count();
            let notes = self.state.len();
            let w = self
                .writer
                .as_mut()
                .ok_or_else(|| IndexError::Query("index writer unavailable".into()))?;
            let mut prepared = w.prepare_commit().map_err(tv_err(dir))?;
            prepared.set_payload(&Summary::payload(notes, errors));
            self.opstamp = prepared.commit().map_err(tv_err(dir))?;
        }
        if dirty || read_any {
            self.save_state(dir)?;
            layout::make_private(dir);
        }
        Ok(())
    }

    fn save_state(&self, dir: &Path) -> Result<()> {
        State {
            opstamp: self.opstamp,
            entries: self.known(),
        }
        .save(dir)
        .map_err(io_err(dir))
    }

    /// Let background merges finish (short-lived processes call this before exit).
    pub fn finish(mut self) -> Result<()> {
        if let Some(w) = self.writer.take() {
            let dir = self.paths.index.clone();
            w.wait_merging_threads().map_err(tv_err(&dir))?;
            layout::make_private(&dir);
        }
        Ok(())
    }
}
