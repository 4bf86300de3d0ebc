//! `watch`: keep the index live while the user edits and syncs. Events from
//! notify are only hints, gathered until they settle: each batch is resolved
//! by stat and hash through the index `Writer` (one commit per batch), and
//! anything that involves a folder, lost events or an error falls back to a
//! full scan. A native watch also answers the sync cookies of read commands
//! (`index::disk::fsmonitor`), so that they need not walk the vault.
//! `--poll` needs no watcher at all: every interval is a full scan, which
//! compares each note's stat (nanosecond mtime, ctime, size, inode) with the
//! stat cache and reads only what changed. No printing here: every change
//! goes to a callback. Must not import `cli`.

use std::collections::BTreeSet;
use std::fs;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RemoveKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use serde::Serialize;

use crate::index::disk::fsmonitor::{Cookies, Doubt};

use crate::index::IndexError;
use crate::index::disk::layout::{Paths, WriteLock};
use crate::index::disk::scan::{rel_path, scan, stat_note};
use crate::index::engine::schema::Fields;
use crate::index::engine::sync::{NoProgress, Progress, Report, Writer};
use crate::vault::reading::Reading;
use crate::vault::rules::{NoteRules, is_editor_temp};

/// How long events settle before a batch is applied: long enough to take an
/// editor's save sequence (temp file, rename, backup delete) in one batch,
/// short enough to keep a save searchable well within a second.
pub const DEBOUNCE: Duration = Duration::from_millis(100);
/// The polling interval of `--poll` without a value.
pub const DEFAULT_POLL: Duration = Duration::from_secs(1);
/// How long `watch` waits at start for a short-lived writer (a read command's
/// sync) to let go of the index before it gives up.
const LOCK_WAIT: Duration = Duration::from_secs(2);
/// How often the vault folder itself is checked (removed, moved, replaced).
const ROOT_CHECK: Duration = Duration::from_secs(1);
/// After this long without changes, one full scan re-stats what changed: the
/// index only trusts a stat older than 2 s ("racily clean" files), and the
/// scan also catches anything the events missed.
const SETTLE: Duration = Duration::from_millis(2500);
/// The longest pause between attempts to recover from an error.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How to watch.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Poll every this long instead of using native change notifications.
    pub poll: Option<Duration>,
    /// How long events settle before a batch is applied.
    pub debounce: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            poll: None,
            debounce: DEBOUNCE,
        }
    }
}

/// Something `watch` did or met, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Change {
    /// Watching began (or began again after the vault folder came back).
    Watching {
        vault: String,
        notes: usize,
    },
    Added {
        path: String,
    },
    Updated {
        path: String,
    },
    Removed {
        path: String,
    },
    /// A full rescan after lost events or a watcher error.
    Rescanned {
        notes: usize,
    },
    /// The vault folder was removed, moved or replaced; waiting for it.
    VaultMissing {
        vault: String,
    },
    /// A problem `watch` recovers from by itself.
    Warning {
        message: String,
    },
    /// The index holds a new state (after the first sync and after every
    /// batch that changed something): a cue for derived outputs such as
    /// `--ics`. Not part of the printed stream.
    #[serde(skip)]
    Committed,
}

/// An error that passes when the machine recovers (disk full, a folder
/// briefly unwritable): `watch` waits and tries again instead of exiting.
fn transient(e: &WatchError) -> bool {
    matches!(e, WatchError::Index(i) if i.cannot_write())
}

/// Why `watch` stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(
        "{path}: another rapport process holds the index writer (is `rapport watch` already running for this vault?)"
    )]
    Busy { path: PathBuf },
    #[error(
        "{path}: the inotify watch limit is reached (fs.inotify.max_user_watches); raise it with `sudo sysctl fs.inotify.max_user_watches=524288` or use `rapport watch --poll`"
    )]
    WatchLimit { path: PathBuf },
    #[error("{path}: cannot watch: {message}")]
    Notify { path: PathBuf, message: String },
    #[error(transparent)]
    Index(#[from] IndexError),
}

enum Msg {
    Event(notify::Result<Event>),
    Stop,
}

/// Asks a running `watch` to apply what is pending and return. Cheap to
/// clone; safe to call from a signal handler thread.
#[derive(Clone)]
pub struct Stopper(Sender<Msg>);

impl Stopper {
    pub fn stop(&self) {
        let _ = self.0.send(Msg::Stop);
    }
}

/// A watch over one vault folder.
pub struct Watch {
    root: PathBuf,
    rules: std::cell::RefCell<NoteRules>,
    /// How notes are read (the config's rules); the index stores them so.
    reading: std::cell::RefCell<Reading>,
    /// Reads the vault's rules again after `.rapport/config.toml` changed.
    reload: Option<Reload>,
    opts: Options,
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
}

/// How `watch` reads the note rules again (an error is a one-line message).
pub type Reload = Box<dyn Fn() -> Result<(NoteRules, Reading), String>>;

/// The files under `.rapport/` whose change is applied by a rescan.
const CONFIG_FILES: [&str; 2] = [".rapport/config.toml", ".rapport/template.md"];

/// When the config files were last changed (size and mtime of each).
fn config_stamp(root: &Path) -> ConfigStamp {
    CONFIG_FILES
        .iter()
        .map(|f| {
            fs::metadata(root.join(f))
                .ok()
                .map(|m| (m.len(), m.modified().ok()))
        })
        .collect()
}

/// How one watched lifetime of the vault folder ended.
enum End {
    Stopped,
    VaultMissing,
    Restart,
    /// Start over at once with a full scan: the config changed, or the
    /// cache folder was removed under us (`git clean -fdx`, `git stash --all`).
    Rescan,
    /// A batch could not be applied (disk full, the index folder removed
    /// under us): warn, wait and start over with a full scan.
    Failed(WatchError),
}

/// The watcher thread, kept alive for as long as it should report; none
/// when polling (the serve loop scans by itself).
enum Active {
    Native(RecommendedWatcher),
    Poll,
}

impl Active {
    fn stop(self) {
        match self {
            Active::Native(w) => drop(w),
            Active::Poll => {}
        }
    }
}

/// What a batch of events asks for.
#[derive(Debug, Default)]
struct Pending {
    /// Note paths to stat again.
    notes: BTreeSet<String>,
    /// Something involved a folder or could not be attributed: scan it all.
    full: bool,
    /// Events were lost (overflow, watcher error): say so after the rescan.
    lost: bool,
    /// An event concerned the vault folder itself.
    root: bool,
    /// Sync cookies of readers waiting for an answer, in arrival order.
    cookies: Vec<String>,
    /// When the first and the last event of this batch arrived.
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.notes.is_empty() && !self.full
    }

    /// When the batch is applied: once events have settled for `debounce`,
    /// and at the latest four of those after its first event (an editor
    /// that keeps writing still gets indexed).
    fn due(&self, debounce: Duration) -> Option<Instant> {
        let (first, last) = (self.first?, self.last?);
        Some((last + debounce).min(first + debounce * 4))
    }

    /// Events were lost (a watcher error): scan it all, and say so.
    fn lose(&mut self) {
        self.full = true;
        self.lost = true;
        let now = Instant::now();
        self.first.get_or_insert(now);
        self.last = Some(now);
    }

    /// The batch is applied (or answered): start a new one, keeping nothing.
    fn clear(&mut self) {
        *self = Pending::default();
    }

    fn add(&mut self, at: &Seen<'_>, ev: &Event) {
        let before = (self.notes.len(), self.full, self.root);
        self.take(at, ev);
        if (self.notes.len(), self.full, self.root) != before {
            let now = Instant::now();
            self.first.get_or_insert(now);
            self.last = Some(now);
        }
    }

    fn take(&mut self, at: &Seen<'_>, ev: &Event) {
        let (root, rules) = (at.root, at.rules);
        if ev.need_rescan() {
            self.full = true;
            self.lost = true;
            return;
        }
        if let (Some(c), EventKind::Create(_)) = (at.cookies, ev.kind) {
            let mine: Vec<String> = ev.paths.iter().filter_map(|p| c.cookie(p)).collect();
            if !mine.is_empty() {
                self.cookies.extend(mine);
                return;
            }
        }
        match ev.kind {
            // our own reads (and the readers of the index) open files
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
            EventKind::Access(_) => return,
            _ => {}
        }
        if ev.paths.is_empty() {
            self.full = true;
        }
        for p in &ev.paths {
            let Some(rel) = rel_path(root, p).filter(|r| !r.is_empty()) else {
                self.root = true;
                continue;
            };
            match classify(rules, &rel) {
                PathKind::Ignored => {}
                PathKind::Note => {
                    self.notes.insert(rel);
                }
                PathKind::Other => {
                    if may_hold_notes(p, ev.kind, || at.writer.holds_under(&rel)) {
                        self.full = true;
                    }
                }
            }
        }
    }
}

/// What an event is read against.
struct Seen<'a> {
    root: &'a Path,
    rules: &'a NoteRules,
    cookies: Option<&'a Cookies>,
    writer: &'a Writer,
}

#[derive(Debug, PartialEq, Eq)]
enum PathKind {
    /// Hidden, ignored or an editor's temp file: never reaches the index.
    Ignored,
    /// A note's path (whether or not the file is still there).
    Note,
    /// Anything else in a walked folder: a folder, or a file that is no note.
    Other,
}

/// Where a vault-relative path stands, by name alone.
fn classify(rules: &NoteRules, rel: &str) -> PathKind {
    let name = match rel.rsplit_once('/') {
        Some((dir, name)) => {
            let mut walked = true;
            for (i, c) in dir.char_indices() {
                if c == '/' && !rules.is_walked_dir(&dir[..i]) {
                    walked = false;
                }
            }
            if !walked || !rules.is_walked_dir(dir) {
                return PathKind::Ignored;
            }
            name
        }
        None => rel,
    };
    if rules.is_note(rel) {
        return PathKind::Note;
    }
    if name.starts_with('.') || is_editor_temp(name) || !rules.is_walked_dir(rel) {
        return PathKind::Ignored;
    }
    PathKind::Other
}

/// Could this event on a path that is not a note change which notes exist?
/// Yes for a folder created, moved or removed. A path that is gone matters
/// only if it was a folder the index holds notes below (`held`): an editor's
/// temp file renamed over a note, or an empty folder, needs no full scan.
fn may_hold_notes(path: &Path, kind: EventKind, held: impl FnOnce() -> bool) -> bool {
    match kind {
        EventKind::Create(_)
        | EventKind::Remove(_)
        | EventKind::Modify(ModifyKind::Name(_))
        | EventKind::Any
        | EventKind::Other => match fs::symlink_metadata(path) {
            Ok(md) => md.is_dir(),
            Err(_) => {
                !matches!(
                    kind,
                    EventKind::Remove(RemoveKind::File) | EventKind::Create(CreateKind::File)
                ) && held()
            }
        },
        // a folder's permissions decide what the walk can read
        EventKind::Modify(ModifyKind::Metadata(_)) => {
            fs::symlink_metadata(path).is_ok_and(|md| md.is_dir())
        }
        _ => false,
    }
}

/// Which folder a path names now: (device, inode) on Unix.
fn identity(p: &Path) -> Option<(u64, u64)> {
    let md = fs::metadata(p).ok().filter(|m| m.is_dir())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((md.dev(), md.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = md;
        Some((0, 0))
    }
}

fn watch_error(path: &Path, e: notify::Error) -> WatchError {
    let path = path.to_path_buf();
    match e.kind {
        notify::ErrorKind::MaxFilesWatch => WatchError::WatchLimit { path },
        notify::ErrorKind::Io(ref io) if io.raw_os_error() == Some(libc::ENOSPC) => {
            WatchError::WatchLimit { path }
        }
        notify::ErrorKind::Io(ref io) if io.raw_os_error() == Some(libc::EMFILE) => {
            WatchError::Notify {
                path,
                message: "too many inotify instances (fs.inotify.max_user_instances); raise it with `sudo sysctl fs.inotify.max_user_instances=1024` or use `rapport watch --poll`".into(),
            }
        }
        _ => WatchError::Notify {
            path,
            message: e.to_string(),
        },
    }
}

fn is_limit(e: &notify::Error) -> bool {
    match &e.kind {
        notify::ErrorKind::MaxFilesWatch => true,
        notify::ErrorKind::Io(io) => io.raw_os_error() == Some(libc::ENOSPC),
        _ => false,
    }
}

fn emit_changes(report: &Report, on: &mut dyn FnMut(Change)) {
    for (kind, path) in &report.changes {
        let path = path.clone();
        on(match *kind {
            "added" => Change::Added { path },
            "removed" => Change::Removed { path },
            _ => Change::Updated { path },
        });
    }
}

/// What one watched lifetime holds while it serves.
struct Live {
    root: PathBuf,
    ident: (u64, u64),
    paths: Paths,
    writer: Writer,
    active: Active,
    /// The sync cookies of read commands; none when polling.
    cookies: Option<Cookies>,
    _serving: Option<crate::index::disk::fsmonitor::Serving>,
    /// The last full scan found no problems (a reader without a walk would
    /// not see them).
    clean: bool,
}

impl Live {
    /// Answer every waiting cookie alike: with a doubt, or (`None`) fresh
    /// but for the notes still pending.
    fn answer(&self, pending: &mut Pending, doubt: Option<Doubt>) {
        if let Some(c) = &self.cookies {
            for name in std::mem::take(&mut pending.cookies) {
                match doubt {
                    Some(d) => c.doubt(&name, d),
                    None => c.fresh(&name, &pending.notes),
                }
            }
        }
    }
}

/// Past this many pending notes the batch is committed before a cookie is
/// answered, rather than left to every reader to read.
const FRESH_LIST_MAX: usize = 256;

/// When the serve loop next has something to do.
struct Timers {
    /// the settling scan after the last batch
    settle_at: Option<Instant>,
    /// the next look whether the vault folder is still this one
    check_at: Instant,
    /// the next poll (with `--poll`)
    poll_at: Option<Instant>,
}

impl Timers {
    /// The earliest of the timers and of the pending batch's debounce.
    fn wake(&self, pending: &Pending, debounce: Duration) -> Instant {
        let mut wake = self
            .settle_at
            .map_or(self.check_at, |s| s.min(self.check_at));
        for t in [self.poll_at, pending.due(debounce)].into_iter().flatten() {
            wake = wake.min(t);
        }
        wake
    }
}

/// What the messages of one wake-up asked for besides events.
struct Inbox {
    stop: bool,
    /// the watcher cannot go on (its limit was reached)
    fatal: Option<WatchError>,
}

/// What [`config_stamp`] returns: the config files' sizes and mtimes.
type ConfigStamp = Vec<Option<(u64, Option<std::time::SystemTime>)>>;

impl Live {
    /// End the lifetime as `end` says: readers walk again, the watcher
    /// stops, and the writer finishes, is dropped, or goes with the cache.
    fn close(self, end: Result<Ended, WatchError>) -> Result<End, WatchError> {
        let Live {
            writer,
            active,
            paths,
            _serving,
            ..
        } = self;
        // readers walk again from here
        drop(_serving);
        active.stop();
        match end? {
            Ended::Finish(end) => {
                writer.finish()?;
                Ok(end)
            }
            Ended::Drop(end) => Ok(end),
            Ended::Remove(end) => {
                drop(writer);
                let _ = fs::remove_dir_all(&paths.cache);
                Ok(end)
            }
            Ended::Fatal(e) => {
                writer.finish()?;
                Err(e)
            }
        }
    }
}

/// How the serve loop ended, and what happens to the writer.
enum Ended {
    /// Let the writer finish its merges, then end so.
    Finish(End),
    /// End so, dropping the writer (it failed, or the folder is gone).
    Drop(End),
    /// Drop the writer, remove the cache folder, then end so.
    Remove(End),
    /// Finish the writer, then fail.
    Fatal(WatchError),
}

fn io_error(path: &Path, e: std::io::Error) -> WatchError {
    WatchError::Index(IndexError::Io {
        path: path.to_path_buf(),
        source: e,
    })
}

/// What a wait for something to become true ended with.
enum Waited<T> {
    Got(T),
    Stopped,
    TimedOut,
}

impl Watch {
    /// A watch over the vault at `root` (it must exist now).
    pub fn new(root: &Path, rules: NoteRules, reading: Reading, opts: Options) -> Watch {
        let (tx, rx) = mpsc::channel();
        Watch {
            // by name, not by the working directory's handle: a vault folder
            // that is replaced under `--vault .` is noticed too
            root: std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()),
            rules: std::cell::RefCell::new(rules),
            reading: std::cell::RefCell::new(reading),
            reload: None,
            opts,
            tx,
            rx,
        }
    }

    /// Re-read the rules with `f` when `.rapport/config.toml` changes.
    pub fn with_reload(mut self, f: Reload) -> Watch {
        self.reload = Some(f);
        self
    }

    /// The index schema, storing notes as the vault's rules read them.
    fn fields(&self) -> Fields {
        Fields::reading(self.reading.borrow().clone())
    }

    /// A handle to stop `run` from another thread (a signal handler).
    pub fn stopper(&self) -> Stopper {
        Stopper(self.tx.clone())
    }

    /// Watch until stopped: hold the index writer, bring the index in line,
    /// then apply every change as it happens, reporting each through `on`.
    /// On stop, what is pending is committed before returning. `progress`
    /// shows the first build of a large index.
    pub fn run(
        &self,
        progress: &dyn Progress,
        on: &mut dyn FnMut(Change),
    ) -> Result<(), WatchError> {
        let mut first = true;
        let mut backoff = Duration::from_secs(1);
        loop {
            let end = match self.serve(first, progress, on) {
                Ok(End::Failed(e)) => {
                    on(Change::Warning {
                        message: format!("{e}; trying again in {}s", backoff.as_secs()),
                    });
                    End::Restart
                }
                Ok(end) => end,
                Err(e) if first && !transient(&e) => return Err(e),
                Err(e @ WatchError::WatchLimit { .. }) => return Err(e),
                Err(e) => {
                    on(Change::Warning {
                        message: format!("{e}; trying again in {}s", backoff.as_secs()),
                    });
                    End::Restart
                }
            };
            first = false;
            match end {
                End::Stopped => return Ok(()),
                End::VaultMissing => {
                    on(Change::VaultMissing {
                        vault: self.root.display().to_string(),
                    });
                    backoff = Duration::from_secs(1);
                    let back = self.wait(Duration::from_millis(500), None, || {
                        Ok::<_, WatchError>(identity(&self.root))
                    })?;
                    if matches!(back, Waited::Stopped) {
                        return Ok(());
                    }
                }
                End::Rescan => backoff = Duration::from_secs(1),
                End::Restart | End::Failed(_) => {
                    let waited = self.wait(backoff, Some(Instant::now() + backoff), || {
                        Ok::<Option<()>, WatchError>(None)
                    })?;
                    if matches!(waited, Waited::Stopped) {
                        return Ok(());
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    /// Check `f` every `every` until it gives a value, the deadline passes or
    /// a stop is asked. Events that arrive meanwhile are dropped: a full scan
    /// follows every wait.
    fn wait<T, E>(
        &self,
        every: Duration,
        deadline: Option<Instant>,
        mut f: impl FnMut() -> Result<Option<T>, E>,
    ) -> Result<Waited<T>, E> {
        loop {
            if let Some(v) = f()? {
                return Ok(Waited::Got(v));
            }
            let now = Instant::now();
            let step = match deadline {
                Some(d) if now >= d => return Ok(Waited::TimedOut),
                Some(d) => every.min(d - now),
                None => every,
            };
            let until = now + step;
            loop {
                let left = until.saturating_duration_since(Instant::now());
                match self.rx.recv_timeout(left) {
                    Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => {
                        return Ok(Waited::Stopped);
                    }
                    Ok(Msg::Event(_)) => {}
                    Err(RecvTimeoutError::Timeout) => break,
                }
            }
        }
    }

    /// Take the write lock: at start, give a short-lived writer a moment and
    /// then report who holds it; after a restart, wait for as long as it takes.
    fn lock(&self, paths: &Paths, first: bool) -> Result<Option<WriteLock>, WatchError> {
        let deadline = first.then(|| Instant::now() + LOCK_WAIT);
        let got = self.wait(Duration::from_millis(50), deadline, || {
            WriteLock::try_acquire(paths).map_err(WatchError::from)
        })?;
        match got {
            Waited::Got(l) => Ok(Some(l)),
            Waited::Stopped => Ok(None),
            Waited::TimedOut => Err(WatchError::Busy {
                path: paths.cache.clone(),
            }),
        }
    }

    fn start_watcher(&self, root: &Path) -> Result<Active, WatchError> {
        if self.opts.poll.is_some() {
            return Ok(Active::Poll);
        }
        let tx = self.tx.clone();
        // every event as it comes, in the order the kernel queued it: the
        // serve loop settles them itself, and a sync cookie must be seen
        // after every event that happened before it
        let handler = move |r: notify::Result<Event>| {
            let _ = tx.send(Msg::Event(r));
        };
        // symlinked folders are not walked by the scan, so not watched either
        let config = notify::Config::default().with_follow_symlinks(false);
        let err = |e| watch_error(root, e);
        let mut w = RecommendedWatcher::new(handler, config).map_err(err)?;
        w.watch(root, RecursiveMode::Recursive).map_err(err)?;
        Ok(Active::Native(w))
    }

    /// One watched lifetime of the vault folder: lock, watcher, first sync,
    /// then batches until a stop, a lost folder or an error.
    fn serve(
        &self,
        first: bool,
        progress: &dyn Progress,
        on: &mut dyn FnMut(Change),
    ) -> Result<End, WatchError> {
        let Some(ident) = identity(&self.root) else {
            return Ok(End::VaultMissing);
        };
        let root = fs::canonicalize(&self.root).map_err(|e| io_error(&self.root, e))?;
        let paths = Paths::new(&root);
        let Some(lock) = self.lock(&paths, first)? else {
            return Ok(End::Stopped);
        };
        // the cookie folder exists before the vault is watched, so that its
        // events arrive; polling sees no events and answers no cookies
        let cookies = match self.opts.poll {
            None => match Cookies::prepare(&paths) {
                Ok(c) => Some(c),
                Err(_) if identity(&self.root) != Some(ident) => return Ok(End::VaultMissing),
                Err(e) => return Err(io_error(&crate::index::disk::fsmonitor::dir(&paths), e)),
            },
            Some(_) => None,
        };
        // watch before the first scan, so nothing between the two is missed
        let active = self.start_watcher(&root)?;
        let started = self
            .first_sync(&root, &paths, lock, progress, on)
            .and_then(|first| {
                // from here on readers may ask instead of walking
                let serving = cookies
                    .as_ref()
                    .map(|c| {
                        c.serve()
                            .map_err(|e| io_error(&crate::index::disk::fsmonitor::dir(&paths), e))
                    })
                    .transpose()?;
                Ok((first, serving))
            });
        let ((writer, clean), serving) = match started {
            Ok(x) => x,
            Err(e) => {
                active.stop();
                // moved or removed while starting (its cache folder went
                // with it): wait for it to come back, as when it goes later
                if identity(&self.root) != Some(ident) {
                    return Ok(End::VaultMissing);
                }
                return Err(e);
            }
        };
        let mut live = Live {
            root,
            ident,
            paths,
            writer,
            active,
            cookies,
            _serving: serving,
            clean,
        };
        let end = self.serve_loop(&mut live, on);
        live.close(end)
    }

    /// The first sync of a lifetime, with the write lock held: scan, bring
    /// the index up to date and tell what changed. Returns the writer and
    /// whether the scan found no problems.
    fn first_sync(
        &self,
        root: &Path,
        paths: &Paths,
        lock: WriteLock,
        progress: &dyn Progress,
        on: &mut dyn FnMut(Change),
    ) -> Result<(Writer, bool), WatchError> {
        let s = scan(root, &self.rules.borrow());
        let (writer, report) =
            Writer::open_synced(paths, &self.fields(), lock, false, &s, progress)?;
        on(Change::Watching {
            vault: root.display().to_string(),
            notes: report.notes,
        });
        if !report.rebuilt {
            emit_changes(&report, on);
        }
        on(Change::Committed);
        Ok((writer, s.problems.is_empty()))
    }

    /// The batches of one watched lifetime, until it ends.
    fn serve_loop(&self, live: &mut Live, on: &mut dyn FnMut(Change)) -> Result<Ended, WatchError> {
        let config = config_stamp(&live.root);
        let mut t = Timers {
            settle_at: None,
            check_at: Instant::now() + ROOT_CHECK,
            // (notify's own poller compares mtimes in whole seconds, missing
            // a second save within the same second, or hashes every file)
            poll_at: self.opts.poll.map(|every| Instant::now() + every),
        };
        let mut pending = Pending::default();
        loop {
            let wake = t.wake(&pending, self.opts.debounce);
            let Inbox { stop, fatal } = self.receive(live, &mut pending, wake);
            let now = Instant::now();
            let asked = !pending.cookies.is_empty();
            let ripe = pending.due(self.opts.debounce).is_some_and(|d| now >= d);
            let settling = t.settle_at.is_some_and(|s| now >= s) && pending.is_empty();
            let polled = t.poll_at.is_some_and(|p| now >= p);
            if polled {
                pending.full = true;
                t.poll_at = self.opts.poll.map(|every| now + every);
            }
            let mut config_changed = false;
            // never write into a folder that is no longer this vault
            if pending.root || settling || ripe || polled || asked || stop || now >= t.check_at {
                t.check_at = now + ROOT_CHECK;
                pending.root = false;
                match self.look_around(live, &mut pending, &config, on) {
                    ControlFlow::Break(end) => return Ok(end),
                    ControlFlow::Continue(changed) => config_changed = changed,
                }
            }
            if asked && let Err(e) = self.answer_cookies(live, &mut pending, config_changed, on) {
                return Ok(Ended::Drop(End::Failed(e.into())));
            }
            if stop || fatal.is_some() || settling {
                pending.full = true;
            }
            let go = ripe || polled || stop || fatal.is_some() || settling;
            if go && !pending.is_empty() {
                match self.apply_batch(live, &pending, settling || polled, on) {
                    Ok(settle_at) => t.settle_at = settle_at,
                    Err(e) => return Ok(Ended::Drop(End::Failed(e.into()))),
                }
            }
            if go {
                pending.clear();
            }
            if let Some(e) = fatal {
                return Ok(Ended::Fatal(e));
            }
            if stop {
                return Ok(Ended::Finish(End::Stopped));
            }
        }
    }

    /// Wait for a message until `wake`, then take everything that queued up
    /// meanwhile into the same batch.
    fn receive(&self, live: &Live, pending: &mut Pending, wake: Instant) -> Inbox {
        let mut inbox = Inbox {
            stop: false,
            fatal: None,
        };
        let mut handle = |m: Msg| match m {
            Msg::Stop => inbox.stop = true,
            Msg::Event(Ok(ev)) => {
                let rules = self.rules.borrow();
                let at = Seen {
                    root: &live.root,
                    rules: &rules,
                    cookies: live.cookies.as_ref(),
                    writer: &live.writer,
                };
                pending.add(&at, &ev);
            }
            Msg::Event(Err(e)) if is_limit(&e) => {
                inbox.fatal = Some(WatchError::WatchLimit {
                    path: live.root.clone(),
                });
            }
            Msg::Event(Err(_)) => pending.lose(),
        };
        match self
            .rx
            .recv_timeout(wake.saturating_duration_since(Instant::now()))
        {
            Ok(m) => handle(m),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => handle(Msg::Stop),
        }
        while let Ok(m) = self.rx.try_recv() {
            handle(m);
        }
        inbox
    }

    /// Is the vault folder still this one, and did its config change (the
    /// rules are reloaded then)? `Break`: how the lifetime ends.
    fn look_around(
        &self,
        live: &mut Live,
        pending: &mut Pending,
        config: &ConfigStamp,
        on: &mut dyn FnMut(Change),
    ) -> ControlFlow<Ended, bool> {
        if let Some(end) = self.check(live, pending, on) {
            return ControlFlow::Break(end);
        }
        let changed = config_stamp(&live.root) != *config;
        if changed && self.reload_rules(on) {
            live.answer(pending, Some(Doubt::Config));
            return ControlFlow::Break(Ended::Finish(End::Rescan));
        }
        ControlFlow::Continue(changed)
    }

    /// Apply a batch and tell what changed. Returns when the next settling
    /// scan is due: none after a scan (`scanned`: settling or polled) that
    /// found nothing.
    fn apply_batch(
        &self,
        live: &mut Live,
        pending: &Pending,
        scanned: bool,
        on: &mut dyn FnMut(Change),
    ) -> Result<Option<Instant>, IndexError> {
        let (report, full) = self.apply(&live.root, &mut live.writer, pending)?;
        if let Some(clean) = full {
            live.clean = clean;
        }
        emit_changes(&report, on);
        if !report.changes.is_empty() {
            on(Change::Committed);
        }
        if pending.lost {
            on(Change::Rescanned {
                notes: report.notes,
            });
        }
        // a scan that found nothing needs no settling scan
        Ok((!scanned || !report.changes.is_empty()).then(|| Instant::now() + SETTLE))
    }

    /// Is the vault folder still this one, and its index still there? How
    /// the lifetime ends when not (waiting readers are told to walk).
    fn check(
        &self,
        live: &mut Live,
        pending: &mut Pending,
        on: &mut dyn FnMut(Change),
    ) -> Option<Ended> {
        if identity(&self.root) != Some(live.ident) {
            live.answer(pending, Some(Doubt::Gone));
            return Some(Ended::Drop(End::VaultMissing));
        }
        let paths = &live.paths;
        if !paths.index.is_dir() || !paths.cache.join(".gitignore").is_file() {
            live.answer(pending, Some(Doubt::Gone));
            on(Change::Warning {
                message: format!(
                    "{}: the index was removed; building it again",
                    paths.index.display()
                ),
            });
            // what is left of the folder goes too: git must not see it, and
            // a `git stash pop` must not collide with it (the writer lets go
            // of it first: `Ended::Drop`)
            return Some(Ended::Remove(End::Rescan));
        }
        if let Some(c) = &live.cookies {
            c.sweep();
        }
        None
    }

    /// Answer the readers' cookies: fresh but for the notes still pending
    /// (a large batch is committed first, without waiting for it to settle),
    /// or, when in doubt, they are told to walk.
    fn answer_cookies(
        &self,
        live: &mut Live,
        pending: &mut Pending,
        config_changed: bool,
        on: &mut dyn FnMut(Change),
    ) -> Result<(), IndexError> {
        let doubt = if pending.full {
            Some(Doubt::Rescan)
        } else if config_changed {
            Some(Doubt::Config)
        } else if !live.clean {
            Some(Doubt::Problems)
        } else {
            None
        };
        if doubt.is_none() && pending.notes.len() > FRESH_LIST_MAX {
            match self.apply(&live.root, &mut live.writer, pending) {
                Ok((report, scanned)) => {
                    if let Some(clean) = scanned {
                        live.clean = clean;
                    }
                    emit_changes(&report, on);
                    if !report.changes.is_empty() {
                        on(Change::Committed);
                    }
                }
                Err(e) => {
                    live.answer(pending, Some(Doubt::Failed));
                    return Err(e);
                }
            }
            let cookies = std::mem::take(&mut pending.cookies);
            pending.clear();
            pending.cookies = cookies;
        }
        live.answer(pending, doubt);
        Ok(())
    }

    /// Read the rules again after a config change; whether they were read
    /// (a broken config is a warning, the old rules stay).
    fn reload_rules(&self, on: &mut dyn FnMut(Change)) -> bool {
        let Some(reload) = &self.reload else {
            return false;
        };
        match reload() {
            Ok((r, reading)) => {
                *self.rules.borrow_mut() = r;
                *self.reading.borrow_mut() = reading;
                on(Change::Warning {
                    message: ".rapport/config.toml changed; rescanning".into(),
                });
                true
            }
            Err(m) => {
                on(Change::Warning {
                    message: format!("{m}; keeping the rules it had"),
                });
                false
            }
        }
    }

    /// Resolve a batch by stat (and hash, inside the writer): the notes named
    /// by events, or a full scan when a folder was involved. With a full
    /// scan, also whether it found no problems.
    fn apply(
        &self,
        root: &Path,
        writer: &mut Writer,
        p: &Pending,
    ) -> Result<(Report, Option<bool>), IndexError> {
        if !p.full {
            let mut disk = Vec::new();
            let mut gone = Vec::new();
            let mut odd = false;
            for rel in &p.notes {
                match stat_note(root, root, rel) {
                    Ok(Some(e)) => disk.push(e),
                    Ok(None) => gone.push(rel.clone()),
                    // a folder named like a note, a symlink out of the vault:
                    // the walk knows how to report those
                    Err(_) => odd = true,
                }
            }
            if !odd {
                return Ok((writer.sync_paths(disk, gone, &NoProgress)?, None));
            }
        }
        let s = scan(root, &self.rules.borrow());
        Ok((writer.sync(&s, &NoProgress)?, Some(s.problems.is_empty())))
    }
}

#[cfg(test)]
mod tests {
    use super::{PathKind, classify, may_hold_notes};
    use crate::vault::rules::NoteRules;
    use notify::EventKind;
    use notify::event::{CreateKind, ModifyKind, RemoveKind, RenameMode};

    #[test]
    fn a_vanished_path_needs_a_full_scan_only_if_notes_were_below_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let gone = dir.path().join("people/anna.md.saving");
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        // an editor's temp file renamed over a note: no notes below it
        assert!(!may_hold_notes(&gone, renamed, || false));
        // a folder of notes moved away or removed
        assert!(may_hold_notes(&gone, renamed, || true));
        assert!(may_hold_notes(
            &gone,
            EventKind::Remove(RemoveKind::Folder),
            || true
        ));
        // the event says it was a file
        assert!(!may_hold_notes(
            &gone,
            EventKind::Remove(RemoveKind::File),
            || true
        ));
        assert!(!may_hold_notes(
            &gone,
            EventKind::Create(CreateKind::File),
            || true
        ));
        // a folder that is there: always
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).expect("mkdir");
        assert!(may_hold_notes(
            &sub,
            EventKind::Create(CreateKind::Folder),
            || false
        ));
        let perms = EventKind::Modify(ModifyKind::Metadata(
            notify::event::MetadataKind::Permissions,
        ));
        assert!(may_hold_notes(&sub, perms, || false));
        let file = dir.path().join("photo.png");
        std::fs::write(&file, "x").expect("write");
        assert!(!may_hold_notes(&file, perms, || true));
    }

    #[test]
    fn classify_table() {
        let r = NoteRules::new(&["archive/".into()]).expect("valid globs");
        let cases: &[(&str, PathKind)] = &[
            ("anna.md", PathKind::Note),
            ("people/anna.md", PathKind::Note),
            ("people", PathKind::Other),
            ("people/sub", PathKind::Other),
            ("people/photo.png", PathKind::Other),
            ("people/anna.md~", PathKind::Ignored),
            ("people/.#anna.md", PathKind::Ignored),
            ("people/4913", PathKind::Ignored),
            ("people/.anna.md.swp", PathKind::Ignored),
            ("people/anna.md___jb_tmp___", PathKind::Ignored),
            ("people/anna.md___jb_old___", PathKind::Ignored),
            ("people/#anna.md#", PathKind::Ignored),
            (".git", PathKind::Ignored),
            (".git/index", PathKind::Ignored),
            (".git/refs/heads/main", PathKind::Ignored),
            (".rapport/index/meta.json", PathKind::Ignored),
            ("people/.hidden/a.md", PathKind::Ignored),
            ("people/.hidden/deeper/a.md", PathKind::Ignored),
            (".trash", PathKind::Ignored),
            ("archive", PathKind::Ignored),
            ("archive/old.md", PathKind::Ignored),
            ("people/archive/sub/old.md", PathKind::Ignored),
        ];
        for (rel, want) in cases {
            assert_eq!(&classify(&r, rel), want, "{rel}");
        }
    }
}
