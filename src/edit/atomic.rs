//! The one way rapport writes a note (docs/ARCHITECTURE.md, "The write path").
//!
//! Every write command opens an [`Editor`]: it takes an operating-system lock
//! on the open `.rapport/` folder that serialises rapport writers across the
//! whole read-modify-write, and sweeps the temp files of writes that were
//! killed. The new text goes to a temp file in the cache folder's `tmp/`
//! (`dotdir`: never seen by git, which that folder tells to ignore it, nor by
//! the index, which skips `.rapport/`), is flushed, and then replaces the note
//! as a compare-and-swap:
//!
//! * On Linux the temp file and the note are swapped with
//!   `renameat2(RENAME_EXCHANGE)`; what came out is compared with what was
//!   read. If another program saved the note in between, the swap is undone
//!   and the write refused: their save stays, ours is not made.
//! * Where the platform cannot swap (another OS, a filesystem without
//!   exchange, a note on another filesystem than `.rapport/`), the note is
//!   compared right before a plain rename. Rapport writers are still
//!   serialised by the lock; a save by another program in the instant
//!   between the comparison and the rename can be lost there.
//!
//! A note that is write-protected (no owner write bit, or not writable by
//! this user) or has several hard links is refused, never silently replaced.
//! A crash at any moment leaves the old or the new note, never a mix.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crate::dotdir;

/// Prefix of temp files written beside a target (own files, and the
/// fallback for notes on another filesystem); also an editor-temp pattern in
/// `vault::rules`, so they are never taken for notes.
pub const TEMP_PREFIX: &str = ".rapport-tmp-";
/// Temp files beside a target older than this are leftovers of a killed
/// write and are removed.
const STALE_TEMP: Duration = Duration::from_secs(3600);
/// How long a writer waits for another rapport writer to finish.
const LOCK_WAIT: Duration = Duration::from_secs(20);

/// A write that did not happen. The note is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// (The error is part of the message, not a separate cause: a one-line report.)
    #[error("{path}: {err}")]
    Io { path: String, err: io::Error },
    #[error("{path}: changed on disk since it was read; nothing written, try again")]
    Changed { path: String },
    #[error(
        "{path}: changed on disk twice while writing; nothing of ours written, \
         the other program's earlier save is in the note and its later one kept as {kept}"
    )]
    Kept { path: String, kept: String },
    #[error("{path}: already exists; nothing written")]
    Exists { path: String },
    #[error("{path}: write-protected ({why}); nothing written")]
    Protected { path: String, why: String },
    #[error(
        "{path}: has {links} hard links, which replacing it would break; nothing written \
         (edit it by hand, or keep one link)"
    )]
    HardLinks { path: String, links: u64 },
    #[error(
        "{path}: another rapport command is writing and did not finish within {secs} s; nothing written"
    )]
    Busy { path: String, secs: u64 },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.display().to_string(),
        err: plain(source),
    }
}

/// The OS error without tempfile's decoration, which names the temp file
/// (our message names the real path) and is not reachable as a source.
fn plain(e: io::Error) -> io::Error {
    if e.raw_os_error().is_some() {
        return e;
    }
    let text = e.to_string();
    match text.split_once(" at path \"") {
        Some((head, _)) => io::Error::new(e.kind(), head.to_string()),
        None => e,
    }
}

/// A note as read: where it really is (symlinks resolved) and its bytes.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The file written in the end: the note's path with symlinks resolved, so
    /// a symlinked note stays a symlink.
    pub target: PathBuf,
    pub bytes: Vec<u8>,
    hash: blake3::Hash,
    meta: fs::Metadata,
}

impl Snapshot {
    /// Read the note at `path`.
    pub fn read(path: &Path) -> Result<Snapshot, WriteError> {
        use std::io::Read;
        let target = fs::canonicalize(path).map_err(io_err(path))?;
        let mut file = fs::File::open(&target).map_err(io_err(path))?;
        // the status before the bytes: a change after it shows in `moved`
        let meta = file.metadata().map_err(io_err(path))?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.read_to_end(&mut bytes).map_err(io_err(path))?;
        Ok(Snapshot {
            hash: blake3::hash(&bytes),
            target,
            bytes,
            meta,
        })
    }

    /// Has the file at the note's path visibly changed since it was read
    /// (another file renamed there, or written in place)? A cheap look that
    /// spares the swap in the common case; the swap's comparison is exact.
    fn moved(&self) -> bool {
        let Ok(now) = fs::symlink_metadata(&self.target) else {
            return true;
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if (now.dev(), now.ino(), now.ctime(), now.ctime_nsec())
                != (
                    self.meta.dev(),
                    self.meta.ino(),
                    self.meta.ctime(),
                    self.meta.ctime_nsec(),
                )
            {
                return true;
            }
        }
        now.len() != self.meta.len() || now.modified().ok() != self.meta.modified().ok()
    }

    /// Does `bytes` still hold what was read?
    fn same(&self, bytes: &[u8]) -> bool {
        bytes.len() == self.bytes.len() && blake3::hash(bytes) == self.hash
    }

    /// Refuse a note that replacing would wrongly change: write-protected, or
    /// one of several hard links.
    fn check_replaceable(&self, shown: &str) -> Result<(), WriteError> {
        if self.meta.permissions().readonly() {
            return Err(WriteError::Protected {
                path: shown.to_string(),
                why: "read-only".into(),
            });
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            let mode = self.meta.permissions().mode();
            if mode & 0o200 == 0 {
                return Err(WriteError::Protected {
                    path: shown.to_string(),
                    why: format!("mode {:o}", mode & 0o7777),
                });
            }
            if rustix::fs::access(&self.target, rustix::fs::Access::WRITE_OK).is_err() {
                return Err(WriteError::Protected {
                    path: shown.to_string(),
                    why: "not writable by this user".into(),
                });
            }
            if self.meta.nlink() > 1 {
                return Err(WriteError::HardLinks {
                    path: shown.to_string(),
                    links: self.meta.nlink(),
                });
            }
        }
        Ok(())
    }
}

/// Called after the temp file is complete and right before the note is
/// replaced: a test changes the note here to see the write refused.
pub type BeforeWrite<'a> = &'a mut dyn FnMut(&Path);

/// A hook that does nothing.
pub fn no_hook(_: &Path) {}

/// The right to write notes of one vault, held while this lives. Every
/// command that changes a note opens one and does all its writes through it.
#[derive(Debug)]
pub struct Editor {
    tmp: PathBuf,
    _lock: fs::File,
}

impl Editor {
    /// Take the vault's write lock (waiting for another rapport writer to
    /// finish, at most 20 s) and sweep what killed writes left behind.
    pub fn open(root: &Path) -> Result<Editor, WriteError> {
        Editor::open_waiting(root, LOCK_WAIT)
    }

    fn open_waiting(root: &Path, wait: Duration) -> Result<Editor, WriteError> {
        let dot = root.join(dotdir::DOT);
        if !dot.is_dir() {
            dotdir::private_dir(&dot).map_err(io_err(&dot))?;
        }
        let cache = dotdir::select(root);
        dotdir::ensure(&cache).map_err(io_err(&cache))?;
        let tmp = cache.join("tmp");
        dotdir::private_dir(&tmp).map_err(io_err(&tmp))?;
        // the lock is on the open `.rapport/` folder: no file to delete
        let file = fs::File::open(&dot).map_err(io_err(&dot))?;
        let lp = dot.clone();
        let start = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) => {
                    if start.elapsed() >= wait {
                        return Err(WriteError::Busy {
                            path: lp.display().to_string(),
                            secs: wait.as_secs(),
                        });
                    }
                    thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(25));
                }
                Err(fs::TryLockError::Error(e)) => return Err(io_err(&lp)(e)),
            }
        }
        let editor = Editor { tmp, _lock: file };
        editor.sweep();
        Ok(editor)
    }

    /// Remove temp files of killed writes: with the lock held, no other
    /// rapport writer has one open.
    fn sweep(&self) {
        let Ok(entries) = fs::read_dir(&self.tmp) else {
            return;
        };
        for e in entries.flatten().take(100_000) {
            let name = e.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.starts_with(TEMP_PREFIX) && name.ends_with(".tmp") {
                let _ = fs::remove_file(e.path());
            }
        }
    }

    /// A complete, flushed temp file holding `bytes`, in the cache's `tmp/` when
    /// that is on the same filesystem as `dir`, else hidden in `dir`.
    fn temp_for(
        &self,
        dir: &Path,
        bytes: &[u8],
        mode: Mode,
    ) -> Result<tempfile::NamedTempFile, WriteError> {
        if same_filesystem(&self.tmp, dir) {
            temp_with(&self.tmp, bytes, mode)
        } else {
            temp_with(dir, bytes, mode)
        }
    }

    /// Replace the note read as `snap` with `bytes`, unless it changed since.
    /// `shown` is the path named in errors (vault-relative).
    pub fn replace(
        &self,
        snap: &Snapshot,
        bytes: &[u8],
        shown: &str,
        before_write: BeforeWrite<'_>,
    ) -> Result<(), WriteError> {
        snap.check_replaceable(shown)?;
        let dir = parent(&snap.target);
        let tmp = self.temp_for(dir, bytes, Mode::Exact(snap.meta.permissions()))?;
        keep_owner(&tmp, &snap.meta);
        before_write(&snap.target);
        // refuse before our text is ever visible at the note's path when the
        // change shows already (another program must not read it and build
        // its next save on it)
        // start the few system calls below on a fresh time slice: being
        // descheduled between them is what widens the windows
        thread::yield_now();
        if snap.moved() {
            return Err(WriteError::Changed {
                path: shown.to_string(),
            });
        }
        match exchange(tmp.path(), &snap.target) {
            Ok(()) => self.after_exchange(snap, tmp, bytes, shown),
            Err(e) if exchange_unsupported(&e) => compare_then_rename(snap, tmp, shown),
            Err(e) => Err(io_err(Path::new(shown))(e)),
        }?;
        sync_dir(dir);
        Ok(())
    }

    /// Our text is in the note and the note's previous file at the temp
    /// path: keep the swap if that is what was read, else swap back.
    fn after_exchange(
        &self,
        snap: &Snapshot,
        tmp: tempfile::NamedTempFile,
        ours: &[u8],
        shown: &str,
    ) -> Result<(), WriteError> {
        // a size check first keeps the window in which another program can
        // see our text as short as possible
        let out_len = fs::symlink_metadata(tmp.path()).map(|m| m.len()).ok();
        let came_out = match out_len {
            Some(n) if n == snap.bytes.len() as u64 => fs::read(tmp.path()).ok(),
            _ => None,
        };
        if came_out.as_deref().is_some_and(|b| snap.same(b)) {
            // dropping the temp file removes the note's old text
            drop(tmp);
            return Ok(());
        }
        // someone saved the note in between: put their file back
        exchange(tmp.path(), &snap.target).map_err(io_err(Path::new(shown)))?;
        match fs::read(tmp.path()) {
            Ok(b) if b == ours => Err(WriteError::Changed {
                path: shown.to_string(),
            }),
            _ => {
                // a second save landed while our text was in place: it is
                // neither ours nor restored; keep it where the user can find it
                let kept = self.keep_aside(tmp, shown)?;
                Err(WriteError::Kept {
                    path: shown.to_string(),
                    kept,
                })
            }
        }
    }

    /// Move the file at the temp path to `<cache>/tmp/kept-<time>-<name>`.
    fn keep_aside(&self, tmp: tempfile::NamedTempFile, shown: &str) -> Result<String, WriteError> {
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let name: String = shown
            .chars()
            .map(|c| if c == '/' || c == '\\' { '_' } else { c })
            .collect();
        let dest = self.tmp.join(format!("kept-{stamp}-{name}"));
        tmp.persist_noclobber(&dest)
            .map_err(|e| io_err(&dest)(e.error))?;
        Ok(dest.display().to_string())
    }

    /// Create a new note at `path` with `bytes`; refuses if anything is
    /// there, even if it appears while writing. A new note gets its folder's
    /// read bits, never write bits for others, and never more than the umask
    /// allows.
    pub fn create(
        &self,
        path: &Path,
        bytes: &[u8],
        shown: &str,
        before_write: BeforeWrite<'_>,
    ) -> Result<(), WriteError> {
        let exists = || WriteError::Exists {
            path: shown.to_string(),
        };
        if fs::symlink_metadata(path).is_ok() {
            return Err(exists());
        }
        let dir = parent(path);
        let tmp = self.temp_for(dir, bytes, new_file_mode(dir))?;
        before_write(path);
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                exists()
            } else {
                io_err(Path::new(shown))(e.error)
            }
        })?;
        sync_dir(dir);
        Ok(())
    }
}

/// How a temp file's permission bits are set.
enum Mode {
    /// Exactly these (a replaced note keeps its mode).
    Exact(fs::Permissions),
    /// At most these: the process umask takes bits away (new files).
    #[cfg_attr(not(unix), allow(dead_code))]
    AtMost(u32),
    /// The platform's default.
    #[cfg_attr(unix, allow(dead_code))]
    Default,
}

/// A complete, flushed temp file in `dir` holding `bytes`.
fn temp_with(dir: &Path, bytes: &[u8], mode: Mode) -> Result<tempfile::NamedTempFile, WriteError> {
    let mut b = tempfile::Builder::new();
    b.prefix(TEMP_PREFIX).suffix(".tmp");
    #[cfg(unix)]
    if let Mode::AtMost(bits) = mode {
        use std::os::unix::fs::PermissionsExt;
        // the mode given at creation is masked by the umask, as for any program
        b.permissions(fs::Permissions::from_mode(bits));
    }
    // otherwise tempfile creates the file readable and writable by the user only
    let mut tmp = b.tempfile_in(dir).map_err(io_err(dir))?;
    tmp.write_all(bytes).map_err(io_err(tmp.path()))?;
    if let Mode::Exact(p) = mode {
        tmp.as_file().set_permissions(p).map_err(io_err(dir))?;
    }
    tmp.as_file().sync_all().map_err(io_err(dir))?;
    Ok(tmp)
}

/// When root edits someone's note, the note stays theirs (best effort).
fn keep_owner(tmp: &tempfile::NamedTempFile, meta: &fs::Metadata) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(now) = tmp.as_file().metadata() else {
            return;
        };
        if now.uid() != meta.uid() || now.gid() != meta.gid() {
            let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid()));
        }
    }
    #[cfg(not(unix))]
    let _ = (tmp, meta);
}

/// Swap the files at `a` and `b` in one step.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// An error that means "this filesystem or platform cannot swap": fall back.
fn exchange_unsupported(e: &io::Error) -> bool {
    const EXDEV: i32 = 18;
    const EINVAL: i32 = 22;
    const ENOSYS: i32 = 38;
    const EOPNOTSUPP: i32 = 95;
    e.kind() == io::ErrorKind::Unsupported
        || matches!(e.raw_os_error(), Some(EXDEV | EINVAL | ENOSYS | EOPNOTSUPP))
}

/// The fallback: compare right before a plain rename.
fn compare_then_rename(
    snap: &Snapshot,
    tmp: tempfile::NamedTempFile,
    shown: &str,
) -> Result<(), WriteError> {
    let changed = || WriteError::Changed {
        path: shown.to_string(),
    };
    match fs::read(&snap.target) {
        Ok(now) if snap.same(&now) => {}
        Ok(_) => return Err(changed()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(changed()),
        Err(e) => return Err(io_err(Path::new(shown))(e)),
    }
    // on error the temp file is dropped, which removes it
    tmp.persist(&snap.target)
        .map_err(|e| io_err(Path::new(shown))(e.error))?;
    Ok(())
}

#[cfg(unix)]
fn same_filesystem(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_filesystem(_a: &Path, _b: &Path) -> bool {
    false
}

/// Remove our temp files beside a target left behind by killed writes (best
/// effort; only old ones, since another program may be writing one now).
fn sweep_stale(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for e in entries.flatten().take(100_000) {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.starts_with(TEMP_PREFIX) {
            continue;
        }
        let old = dotdir::age(e.metadata(), now).is_some_and(|a| a > STALE_TEMP);
        if old {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Make the rename itself durable.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Replace (or create) a file that is ours, such as an exported calendar:
/// atomic, without the change check and without the vault's lock (the file
/// need not be in a vault). An existing file keeps its permissions; a new one
/// gets the rule of [`Editor::create`].
pub fn overwrite(path: &Path, bytes: &[u8], shown: &str) -> Result<(), WriteError> {
    let dir = parent(path);
    sweep_stale(dir);
    let mode = match fs::metadata(path) {
        Ok(m) => Mode::Exact(m.permissions()),
        Err(_) => new_file_mode(dir),
    };
    let tmp = temp_with(dir, bytes, mode)?;
    tmp.persist(path)
        .map_err(|e| io_err(Path::new(shown))(e.error))?;
    sync_dir(dir);
    Ok(())
}

/// A new file's mode: read and write for the user; read for group and others
/// only as far as the folder already lets them read; never writable by
/// anyone else (a note or calendar in `/tmp` is 0644, in a 0700 vault 0600);
/// and the umask takes away what it takes from any program's files.
#[cfg(unix)]
fn new_file_mode(dir: &Path) -> Mode {
    use std::os::unix::fs::PermissionsExt;
    let read = fs::metadata(dir).map_or(0, |m| m.permissions().mode()) & 0o044;
    Mode::AtMost(read | 0o600)
}

#[cfg(not(unix))]
fn new_file_mode(_dir: &Path) -> Mode {
    Mode::Default
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;
    use std::time::Duration;

    use super::{Editor, Snapshot, WriteError, no_hook, overwrite};

    fn vault() -> (tempfile::TempDir, Editor) {
        let dir = tempfile::tempdir().expect("tempdir");
        let ed = Editor::open(dir.path()).expect("editor");
        (dir, ed)
    }

    fn listing(p: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(p)
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replace_and_refuse_on_change() {
        let (dir, ed) = vault();
        let p = dir.path().join("a.md");
        fs::write(&p, "old").expect("write");
        let snap = Snapshot::read(&p).expect("read");
        ed.replace(&snap, b"new", "a.md", &mut no_hook)
            .expect("replace");
        assert_eq!(fs::read_to_string(&p).expect("read"), "new");

        // the note is replaced between read and write: refused, theirs kept
        let snap = Snapshot::read(&p).expect("read");
        let mut hook = |t: &Path| {
            let other = t.with_file_name("other");
            fs::write(&other, "theirs").expect("write");
            fs::rename(&other, t).expect("rename");
        };
        let e = ed
            .replace(&snap, b"mine", "a.md", &mut hook)
            .expect_err("refused");
        assert!(matches!(e, WriteError::Changed { .. }), "{e}");
        assert_eq!(fs::read_to_string(&p).expect("read"), "theirs");

        // written in place between read and write (same size): refused too
        let snap = Snapshot::read(&p).expect("read");
        let mut hook = |t: &Path| fs::write(t, "THEIRS").expect("write");
        let e = ed
            .replace(&snap, b"mine", "a.md", &mut hook)
            .expect_err("refused");
        assert!(matches!(e, WriteError::Changed { .. }), "{e}");
        assert_eq!(fs::read_to_string(&p).expect("read"), "THEIRS");

        assert_eq!(listing(dir.path()), [".rapport", "a.md"]);
        assert!(listing(&ed.tmp).is_empty(), "no temp left");
    }

    #[test]
    fn writers_are_serialised() {
        let (dir, ed) = vault();
        let e = Editor::open_waiting(dir.path(), Duration::from_millis(50)).expect_err("busy");
        assert!(matches!(e, WriteError::Busy { .. }), "{e}");
        drop(ed);
        Editor::open_waiting(dir.path(), Duration::from_millis(50)).expect("free again");
    }

    #[test]
    fn leftovers_are_swept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tmp = Editor::open(dir.path()).expect("editor").tmp.clone();
        let left = tmp.join(".rapport-tmp-killed.tmp");
        fs::write(&left, "half").expect("write");
        drop(Editor::open(dir.path()).expect("editor"));
        assert!(!left.exists());
    }

    #[test]
    fn overwrite_creates_and_replaces() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("cal.ics");
        overwrite(&p, b"one", "cal.ics").expect("create");
        overwrite(&p, b"two", "cal.ics").expect("replace");
        assert_eq!(fs::read_to_string(&p).expect("read"), "two");
        assert_eq!(fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[test]
    fn create_refuses_existing() {
        let (dir, ed) = vault();
        let p = dir.path().join("b.md");
        ed.create(&p, b"one", "b.md", &mut no_hook).expect("create");
        assert_eq!(fs::read_to_string(&p).expect("read"), "one");
        let e = ed
            .create(&p, b"two", "b.md", &mut no_hook)
            .expect_err("exists");
        assert!(matches!(e, WriteError::Exists { .. }));
        // appears while we write
        let q = dir.path().join("c.md");
        let mut hook = |t: &Path| fs::write(t, "theirs").expect("write");
        let e = ed
            .create(&q, b"mine", "c.md", &mut hook)
            .expect_err("exists");
        assert!(matches!(e, WriteError::Exists { .. }));
        assert_eq!(fs::read_to_string(&q).expect("read"), "theirs");
    }

    #[cfg(unix)]
    #[test]
    fn keeps_mode_and_symlinks() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let (dir, ed) = vault();
        let real = dir.path().join("real.md");
        fs::write(&real, "old").expect("write");
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).expect("chmod");
        let link = dir.path().join("link.md");
        symlink(&real, &link).expect("symlink");
        let snap = Snapshot::read(&link).expect("read");
        ed.replace(&snap, b"new", "link.md", &mut no_hook)
            .expect("replace");
        assert!(
            fs::symlink_metadata(&link)
                .expect("stat")
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).expect("read"), "new");
        let mode = fs::metadata(&real).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_protected_and_linked_notes() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, ed) = vault();
        let p = dir.path().join("ro.md");
        fs::write(&p, "old").expect("write");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o444)).expect("chmod");
        let snap = Snapshot::read(&p).expect("read");
        let e = ed
            .replace(&snap, b"new", "ro.md", &mut no_hook)
            .expect_err("protected");
        assert!(matches!(e, WriteError::Protected { .. }), "{e}");
        assert_eq!(fs::read_to_string(&p).expect("read"), "old");

        let q = dir.path().join("linked.md");
        fs::write(&q, "old").expect("write");
        fs::hard_link(&q, dir.path().join("other.md")).expect("link");
        let snap = Snapshot::read(&q).expect("read");
        let e = ed
            .replace(&snap, b"new", "linked.md", &mut no_hook)
            .expect_err("linked");
        assert!(matches!(e, WriteError::HardLinks { links: 2, .. }), "{e}");
        assert_eq!(
            fs::read_to_string(dir.path().join("other.md")).expect("read"),
            "old"
        );
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_never_writable_by_others() {
        use std::os::unix::fs::PermissionsExt;
        for (dir_mode, want) in [
            (0o777, 0o644),
            (0o1777, 0o644),
            (0o750, 0o640),
            (0o700, 0o600),
        ] {
            let dir = tempfile::tempdir().expect("tempdir");
            fs::set_permissions(dir.path(), fs::Permissions::from_mode(dir_mode)).expect("chmod");
            let p = dir.path().join("cal.ics");
            overwrite(&p, b"x", "cal.ics").expect("overwrite");
            let mode = fs::metadata(&p).expect("stat").permissions().mode() & 0o7777;
            // the test process's umask (022 or stricter) may take more away
            assert_eq!(mode & !want, 0, "folder {dir_mode:o}: {mode:o}");
            assert_eq!(mode & 0o600, 0o600, "folder {dir_mode:o}: {mode:o}");
        }
    }
}
