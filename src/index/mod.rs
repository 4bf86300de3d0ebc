//! The index adapter: the only module that imports tantivy. Opens the index
//! under `<vault>/.rapport/`, keeps it in line with the vault, answers queries.

pub(crate) mod diff;
pub(crate) mod fsmonitor;
pub(crate) mod query;
pub(crate) mod scan;
pub(crate) mod schema;
pub(crate) mod state;
pub(crate) mod store;
pub(crate) mod sync;
pub(crate) mod terms;
pub(crate) mod topic_terms;

// The index's API outside the crate: open a view (synced or not), what the
// view answers, the writer, and the errors. Everything else is the crate's.
pub use query::{Hit, TopicMatch};
pub use scan::ScanProblem;
pub use store::{IndexError, Result};
pub use sync::{NoProgress, Progress, Report, Writer};
pub use terms::Terms;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use tantivy::{Index, IndexReader};

use crate::index::diff::diff;
use crate::index::scan::{Scan, scan};
use crate::index::schema::Fields;
use crate::index::state::State;
use crate::index::store::{Paths, WriteLock};
use crate::index::sync::{note_doc, read_note};
use crate::vault::note::Parsed;
use crate::vault::reading::Reading;
use crate::vault::rules::NoteRules;

/// How a command wants the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncMode {
    /// Bring the index in line with the vault first (the default).
    Sync,
    /// Use the index as it is (`--no-sync`), building it only if there is none.
    NoSync,
    /// Throw the index away and build it anew (`index --rebuild`).
    Rebuild,
}

/// A read view of the committed index, with the notes that changed since
/// laid over it when the index could not be brought in line.
pub struct IndexView {
    pub fields: Fields,
    pub root: PathBuf,
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) overlay: Option<Overlay>,
}

/// Notes whose files differ from the committed index, read from disk and
/// indexed in memory; answers combine both, so they equal those of an index
/// brought in line (docs/ARCHITECTURE.md, "Reading while another writes").
pub(crate) struct Overlay {
    /// Paths whose committed document is out of date (changed or removed).
    pub(crate) shadowed: HashSet<String>,
    /// The changed and added notes.
    pub(crate) view: Box<IndexView>,
}

/// At most this many changed notes are laid over the committed index; past
/// it the answer says it is stale.
const OVERLAY_MAX: usize = 5000;

/// The outcome of opening: the view, what the sync did, and what the walk found.
pub struct Opened {
    pub view: IndexView,
    /// What the sync did; counts only when nothing had to change.
    pub report: Report,
    pub scan_problems: Vec<ScanProblem>,
    /// Another process holds the writer and changes were pending: the index
    /// was not updated by this process (answers still include the changes).
    pub busy: bool,
    /// Why the index could not be updated here (read-only, disk full), when
    /// changes were pending: said once to the user.
    pub notice: Option<String>,
    /// The answer may miss changes: why.
    pub stale: Option<String>,
}

impl Opened {
    fn new(view: IndexView, report: Report, scan_problems: Vec<ScanProblem>, busy: bool) -> Opened {
        Opened {
            view,
            report,
            scan_problems,
            busy,
            notice: None,
            stale: None,
        }
    }

    /// After a sync under the write lock (`write_sync`'s outcome).
    fn synced(
        root: &Path,
        fields: &Fields,
        (index, report, problems): (Index, Report, Vec<ScanProblem>),
    ) -> Result<Opened> {
        Ok(Opened::new(
            view(root, fields, index)?,
            report,
            problems,
            false,
        ))
    }
}

fn state_report(state: Option<&State>, problems: &[ScanProblem]) -> Report {
    let scan_errors = problems
        .iter()
        .filter(|p| p.problem.severity == crate::vault::note::Severity::Error)
        .count();
    Report {
        notes: state.map_or(0, |s| s.entries.len()),
        errors: state.map_or(0, |s| s.entries.iter().filter(|k| k.errors).count()) + scan_errors,
        ..Report::default()
    }
}

/// How long a reader waits for a writer that is applying pending changes.
const BUSY_WAIT: Duration = Duration::from_millis(1500);
/// How long to wait for another process that is building the first index.
const BUILD_WAIT: Duration = Duration::from_secs(300);
/// How long a reader looks again when an index vanishes under it.
const SWAP_WAIT: Duration = Duration::from_secs(2);

fn view(root: &Path, fields: &Fields, index: Index) -> Result<IndexView> {
    let dir = root.join(".rapport").join("index");
    let reader = store::reader(&index, &dir)?;
    Ok(IndexView {
        fields: fields.clone(),
        root: root.to_path_buf(),
        index,
        reader,
        overlay: None,
    })
}

/// The notes that differ between the walk and the committed index, read
/// from disk and indexed in memory. `None` when nothing differs; an error
/// when there are too many to read at once.
fn overlay(root: &Path, fields: &Fields, walked: &Scan, state: &State) -> Result<Option<Overlay>> {
    let d = diff(&walked.entries, &state.entries);
    if d.is_empty() {
        return Ok(None);
    }
    if d.added.len() + d.changed.len() > OVERLAY_MAX {
        return Err(IndexError::Query(format!(
            "{} notes changed since the index was last updated",
            d.added.len() + d.changed.len()
        )));
    }
    // a file whose stat changed but whose content is what was indexed (a
    // touch, a checkout, a note saved less than 2 s before the last sync)
    // needs nothing laid over it
    let mut fresh: Vec<(u64, Parsed)> = d.added.iter().map(|e| read_note(root, &e.rel)).collect();
    // added paths are shadowed too: the view is opened after the stat cache
    // was read, and a writer may have committed them in between (the note
    // would be found twice)
    let mut shadowed: HashSet<String> = d
        .removed
        .iter()
        .cloned()
        .chain(d.added.iter().map(|e| e.rel.clone()))
        .collect();
    for e in &d.changed {
        let known = state
            .entries
            .binary_search_by(|k| k.rel.as_str().cmp(&e.rel))
            .ok()
            .map(|i| state.entries[i].hash);
        let (hash, parsed) = read_note(root, &e.rel);
        if hash == 0 || known != Some(hash) {
            shadowed.insert(e.rel.clone());
            fresh.push((hash, parsed));
        }
    }
    ram_overlay(root, fields, fresh, shadowed)
}

/// Index `fresh` in memory and lay it over the committed index, hiding the
/// committed documents of `shadowed`. `None` when there is nothing to lay.
fn ram_overlay(
    root: &Path,
    fields: &Fields,
    fresh: Vec<(u64, Parsed)>,
    shadowed: HashSet<String>,
) -> Result<Option<Overlay>> {
    if fresh.is_empty() && shadowed.is_empty() {
        return Ok(None);
    }
    let index = Index::create_in_ram(fields.schema.clone());
    schema::register(index.tokenizers());
    let ram = Path::new("(changed notes)");
    let mut w: tantivy::IndexWriter = index
        .writer_with_num_threads(1, 15_000_000)
        .map_err(store::tv_err(ram))?;
    for (hash, parsed) in &fresh {
        w.add_document(note_doc(fields, parsed, *hash))
            .map_err(store::tv_err(ram))?;
    }
    w.commit().map_err(store::tv_err(ram))?;
    let reader = store::reader(&index, ram)?;
    reader.reload().map_err(store::tv_err(ram))?;
    Ok(Some(Overlay {
        shadowed,
        view: Box::new(IndexView {
            fields: fields.clone(),
            root: root.to_path_buf(),
            index,
            reader,
            overlay: None,
        }),
    }))
}

/// The notice when the index could not be written here.
fn not_updated(e: &IndexError) -> String {
    format!("could not update the index ({e}); changed notes were read directly")
}

/// The committed index with the walk's changes laid over it: for a reader
/// that cannot update the index (another process holds the writer, or the
/// folder cannot be written). `why_not` is the reason the index was not
/// updated, for the notice; `None` when another rapport process is at it.
fn overlaid(
    root: &Path,
    fields: &Fields,
    mut view: IndexView,
    walked: Scan,
    state: &State,
    why_not: Option<String>,
) -> Opened {
    let report = state_report(Some(state), &walked.problems);
    let (overlay, stale) = match overlay(root, fields, &walked, state) {
        Ok(o) => (o, None),
        Err(e) => (None, Some(e.to_string())),
    };
    let pending = overlay.is_some() || stale.is_some();
    view.overlay = overlay;
    let mut o = Opened::new(view, report, walked.problems, why_not.is_none() && pending);
    o.notice = why_not.filter(|_| pending);
    o.stale = stale;
    o
}

/// A view for a reader that holds no lock: an `index --rebuild` in another
/// process may swap the index out and delete its files between opening it
/// and reading its segments. `None`: look again.
fn reader_view(
    root: &Path,
    fields: &Fields,
    index: Index,
    swap_deadline: Instant,
) -> Result<Option<IndexView>> {
    match view(root, fields, index) {
        Ok(v) => Ok(Some(v)),
        Err(_) if Instant::now() < swap_deadline => Ok(None),
        Err(e) => Err(e),
    }
}

/// How often a reader takes the newer commit when a writer commits between
/// its loading the stat cache and opening the view.
const PIN_TRIES: usize = 20;

/// A view of exactly the commit `state` describes. A writer may commit
/// between loading the stat cache and opening the view, and that newer
/// commit may hold a note the walk saw removed: the diff must be against the
/// commit that is read. The view's reader loads the newest commit; when the
/// newest commit after it is still the state's, that is the one it loaded
/// (commits only move forward). Otherwise take the newer commit and cache.
/// `None`: look again.
fn pinned(
    root: &Path,
    fields: &Fields,
    paths: &Paths,
    mut index: Index,
    mut state: State,
    swap_deadline: Instant,
) -> Result<Option<(IndexView, State)>> {
    for _ in 0..PIN_TRIES {
        let Some(view) = reader_view(root, fields, index, swap_deadline)? else {
            return Ok(None);
        };
        if view
            .index
            .load_metas()
            .is_ok_and(|m| m.opstamp == state.opstamp)
        {
            return Ok(Some((view, state)));
        }
        match store::open_existing(paths, fields) {
            Some((i, st)) => (index, state) = (i, st),
            None => return Ok(None),
        }
    }
    Ok(None)
}

/// Read the index and its stat cache while the vault is walked: a sync needs
/// both, and the walk waits on the file system more than on the cores.
fn load_and_scan(
    paths: &Paths,
    fields: &Fields,
    rules: &NoteRules,
) -> (Option<(Index, State)>, Scan) {
    thread::scope(|sc| {
        let walk = sc.spawn(|| scan(&paths.root, rules));
        let existing = store::open_existing(paths, fields);
        match walk.join() {
            Ok(s) => (existing, s),
            Err(p) => std::panic::resume_unwind(p),
        }
    })
}

/// Sync with the write lock held. `walked` is a walk taken just before the
/// lock: reused rather than walking again (the cache is re-read under the
/// lock, and a file changed since is seen by its stat next time).
fn write_sync(
    paths: &Paths,
    fields: &Fields,
    rules: &NoteRules,
    lock: WriteLock,
    rebuild: bool,
    walked: Option<Scan>,
    progress: &dyn Progress,
) -> Result<(Index, Report, Vec<ScanProblem>)> {
    let s = walked.unwrap_or_else(|| scan(&paths.root, rules));
    let (w, report) = Writer::open_synced(paths, fields, lock, rebuild, &s, progress)?;
    let index = w.index().clone();
    w.finish()?;
    Ok((index, report, s.problems))
}

/// The committed index without a walk, when a running `watch` vouches
/// that it holds every change made before now (`fsmonitor`); `None`: walk.
fn vouched(
    paths: &Paths,
    root: &Path,
    fields: &Fields,
    swap_deadline: Instant,
) -> Result<Option<Opened>> {
    let answer = fsmonitor::ask(paths);
    fsmonitor::trace(&answer);
    let fsmonitor::Freshness::Fresh { pending, .. } = answer else {
        return Ok(None);
    };
    // the notes the watcher has seen change but not committed yet are read
    // here, as the walk's overlay would read them
    let Ok(canonical) = std::fs::canonicalize(root) else {
        return Ok(None);
    };
    let mut fresh = Vec::new();
    for rel in &pending {
        match scan::stat_note(root, &canonical, rel) {
            Ok(Some(_)) => fresh.push(read_note(root, rel)),
            Ok(None) => {}
            // a symlink or a folder named like a note: the walk reports it
            Err(_) => return Ok(None),
        }
    }
    // the counts travel with the commit: no stat cache is read either
    let Some((index, summary)) = store::open_existing_summary(paths, fields) else {
        return Ok(None);
    };
    let Some(mut view) = reader_view(root, fields, index, swap_deadline)? else {
        return Ok(None);
    };
    let busy = !pending.is_empty();
    view.overlay = ram_overlay(root, fields, fresh, pending.into_iter().collect())?;
    let report = Report {
        notes: summary.notes,
        errors: summary.errors,
        ..Report::default()
    };
    Ok(Some(Opened::new(view, report, vec![], busy)))
}

/// Open the vault's index in `mode`, syncing as needed. Never fails because
/// another process holds the writer: it waits briefly, then reads as is.
pub fn open(
    root: &Path,
    rules: &NoteRules,
    reading: &Reading,
    mode: SyncMode,
    progress: &dyn Progress,
) -> Result<Opened> {
    let deadline = Instant::now() + BUILD_WAIT;
    let busy_deadline = Instant::now() + BUSY_WAIT;
    let o = Opening {
        root,
        rules,
        paths: Paths::new(root),
        fields: Fields::reading(reading.clone()),
        progress,
        swap_deadline: Instant::now() + SWAP_WAIT,
    };
    if mode == SyncMode::Sync
        && let Some(opened) = vouched(&o.paths, root, &o.fields, o.swap_deadline)?
    {
        return Ok(opened);
    }
    if mode == SyncMode::Rebuild {
        return o.rebuild();
    }
    loop {
        let step = match o.cached(mode)? {
            Some(step) => step,
            None => match load_and_scan(&o.paths, &o.fields, rules) {
                (Some((index, state)), s) => o.with_index(index, state, s)?,
                (None, s) => o.without_index(s, deadline, busy_deadline)?,
            },
        };
        match step {
            Step::Done(opened) => return Ok(*opened),
            // a commit that never comes to match its stat cache: the writer
            // stopped between the two (a SIGSTOPped watch); never wait for ever
            Step::Again if Instant::now() >= busy_deadline => return o.unpinned(),
            Step::Again => thread::sleep(Duration::from_millis(20)),
            Step::Wait => thread::sleep(Duration::from_millis(40)),
        }
    }
}

/// What one attempt of [`open`] came to.
enum Step {
    Done(Box<Opened>),
    /// a commit or a swap was under way: look again shortly
    Again,
    /// another process builds the index: wait for it
    Wait,
}

impl Step {
    fn done(opened: Opened) -> Step {
        Step::Done(Box::new(opened))
    }
}

/// How a sync under the write lock went.
enum Write {
    Synced(Box<Opened>),
    /// the index cannot be written, for this reason
    Refused(String),
    /// another process holds the write lock
    Busy,
}

/// What every attempt of [`open`] shares.
struct Opening<'a> {
    root: &'a Path,
    rules: &'a NoteRules,
    paths: Paths,
    fields: Fields,
    progress: &'a dyn Progress,
    swap_deadline: Instant,
}

impl Opening<'_> {
    /// `--rebuild`: build anew under the write lock, or say it is busy.
    fn rebuild(&self) -> Result<Opened> {
        match WriteLock::try_acquire(&self.paths)? {
            Some(lock) => Opened::synced(
                self.root,
                &self.fields,
                write_sync(
                    &self.paths,
                    &self.fields,
                    self.rules,
                    lock,
                    true,
                    None,
                    self.progress,
                )?,
            ),
            None => Err(IndexError::Busy {
                path: self.paths.index.clone(),
            }),
        }
    }

    /// `--no-sync`: the committed index as it is, without a walk (the
    /// cache's counts are enough). `None`: there is none to read, so walk.
    fn cached(&self, mode: SyncMode) -> Result<Option<Step>> {
        if mode != SyncMode::NoSync {
            return Ok(None);
        }
        if let Some((index, summary)) = store::open_existing_summary(&self.paths, &self.fields) {
            let Some(view) = reader_view(self.root, &self.fields, index, self.swap_deadline)?
            else {
                return Ok(Some(Step::Again));
            };
            let report = Report {
                notes: summary.notes,
                errors: summary.errors,
                ..Report::default()
            };
            return Ok(Some(Step::done(Opened::new(view, report, vec![], false))));
        }
        // an index whose state cache is stale is still readable
        if let Ok(index) = store::open_index(&self.paths.index, &self.fields)
            && let Ok(view) = view(self.root, &self.fields, index)
        {
            let report = state_report(None, &[]);
            return Ok(Some(Step::done(Opened::new(view, report, vec![], false))));
        }
        Ok(None)
    }

    /// A committed index and its stat cache beside the walk `s`: read it
    /// when the walk matches it, else sync under the write lock, else lay
    /// the walk over what is committed.
    fn with_index(&self, index: Index, state: State, s: Scan) -> Result<Step> {
        let (root, fields) = (self.root, &self.fields);
        if diff(&s.entries, &state.entries).is_empty() {
            let was = state.opstamp;
            let Some((view, state)) = self.pin(index, state)? else {
                return Ok(Step::Again);
            };
            if state.opstamp != was {
                // a writer committed meanwhile: lay the walk over its commit
                return Ok(Step::done(overlaid(root, fields, view, s, &state, None)));
            }
            let report = state_report(Some(&state), &s.problems);
            return Ok(Step::done(Opened::new(view, report, s.problems, false)));
        }
        match self.try_write(&s)? {
            Write::Synced(opened) => Ok(Step::Done(opened)),
            Write::Refused(why) => {
                // a failed write may have left the committed index as it was
                // or (rarely) moved on: read what is there now
                if let Some((index, state)) = store::open_existing(&self.paths, &self.fields)
                    && let Some((view, state)) = self.pin(index, state)?
                {
                    return Ok(Step::done(overlaid(
                        root,
                        fields,
                        view,
                        s,
                        &state,
                        Some(why),
                    )));
                }
                let Some((view, state)) = self.pin(index, state)? else {
                    return Ok(Step::Again);
                };
                Ok(Step::done(overlaid(
                    root,
                    fields,
                    view,
                    s,
                    &state,
                    Some(why),
                )))
            }
            Write::Busy => {
                // Someone else writes (a running watch, or a parallel command):
                // answer from the committed index with the changed notes laid over it.
                let Some((view, state)) = self.pin(index, state)? else {
                    return Ok(Step::Again);
                };
                Ok(Step::done(overlaid(root, fields, view, s, &state, None)))
            }
        }
    }

    /// Sync the walk `s` under the write lock if it is free. The walk is
    /// handed to the writer as a copy: the caller keeps it for the overlay in
    /// case the index turns out not to be writable.
    fn try_write(&self, s: &Scan) -> Result<Write> {
        match WriteLock::try_acquire(&self.paths) {
            Ok(Some(lock)) => {
                match write_sync(
                    &self.paths,
                    &self.fields,
                    self.rules,
                    lock,
                    false,
                    Some(s.clone()),
                    self.progress,
                ) {
                    Ok(done) => Opened::synced(self.root, &self.fields, done)
                        .map(|o| Write::Synced(Box::new(o))),
                    Err(e) if e.cannot_write() => Ok(Write::Refused(not_updated(&e))),
                    Err(e) => Err(e),
                }
            }
            Ok(None) => Ok(Write::Busy),
            Err(e) if e.cannot_write() => Ok(Write::Refused(not_updated(&e))),
            Err(e) => Err(e),
        }
    }

    /// No usable index yet: build it under the write lock, or, while another
    /// process builds it, wait (past `busy_deadline` reading what it has
    /// committed so far, past `deadline` giving up as busy).
    fn without_index(&self, s: Scan, deadline: Instant, busy_deadline: Instant) -> Result<Step> {
        if let Some(lock) = WriteLock::try_acquire(&self.paths)? {
            let done = write_sync(
                &self.paths,
                &self.fields,
                self.rules,
                lock,
                false,
                Some(s),
                self.progress,
            )?;
            return Opened::synced(self.root, &self.fields, done).map(Step::done);
        }
        if Instant::now() >= deadline {
            return Err(IndexError::Busy {
                path: self.paths.index.clone(),
            });
        }
        if Instant::now() >= busy_deadline
            && let Ok(index) = store::open_index(&self.paths.index, &self.fields)
            && let Ok(view) = view(self.root, &self.fields, index)
        {
            // a writer holds the lock and builds the index anew: read what is
            // committed, and say that it may miss changes
            let report = state_report(None, &s.problems);
            let mut o = Opened::new(view, report, s.problems, true);
            o.stale = Some("another rapport process is rebuilding the index".into());
            return Ok(Step::done(o));
        }
        Ok(Step::Wait)
    }

    /// [`pinned`] with this opening's paths and swap deadline.
    /// The newest commit, marked stale: what a reader answers from when the
    /// commit it reads keeps differing from the stat cache beside it.
    fn unpinned(&self) -> Result<Opened> {
        let Some((index, state)) = store::open_existing(&self.paths, &self.fields) else {
            return Err(IndexError::Busy {
                path: self.paths.index.clone(),
            });
        };
        let view = view(self.root, &self.fields, index)?;
        let mut o = Opened::new(view, state_report(Some(&state), &[]), vec![], true);
        o.stale = Some(
            "another rapport process stopped between committing the index and saving its stat cache"
                .into(),
        );
        Ok(o)
    }

    fn pin(&self, index: Index, state: State) -> Result<Option<(IndexView, State)>> {
        pinned(
            self.root,
            &self.fields,
            &self.paths,
            index,
            state,
            self.swap_deadline,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{SyncMode, open};
    use crate::index::state::STATE_FILE;
    use crate::index::sync::NoProgress;
    use crate::vault::reading::Reading;
    use crate::vault::rules::NoteRules;

    #[test]
    fn no_sync_counts_come_from_the_commit_not_the_cache() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::write(root.join("a.md"), "---\nname: Anna\n---\nsailing\n").expect("write");
        std::fs::write(root.join("b.md"), "---\nname: [unclosed\n---\nbody\n").expect("write");
        let rules = NoteRules::default();
        let synced = open(
            root,
            &rules,
            &Reading::default(),
            SyncMode::Sync,
            &NoProgress,
        )
        .expect("sync");
        assert_eq!((synced.report.notes, synced.report.errors), (2, 1));
        drop(synced);
        // --no-sync reads no stat cache: the counts travel in meta.json
        let paths = crate::index::store::Paths::new(root);
        std::fs::remove_file(paths.index.join(STATE_FILE)).expect("rm");
        let o = open(
            root,
            &rules,
            &Reading::default(),
            SyncMode::NoSync,
            &NoProgress,
        )
        .expect("no-sync");
        assert_eq!((o.report.notes, o.report.errors), (2, 1));
        assert_eq!(o.view.search("sailing", 5).expect("search").len(), 1);
    }
}
