//! Where the index lives (`<vault>/.rapport/index/`), the writer lock, opening
//! with analyzers registered, and rebuilds that swap a complete new index in
//! place so a crash at any moment leaves something usable or rebuildable.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, FileSlice, Lock, META_LOCK, MmapDirectory, WatchCallback,
    WatchHandle, WritePtr,
};
use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::dotdir;
use crate::index::schema::{self, Fields};
use crate::index::state::{State, Summary};

pub const VERSION_FILE: &str = "rapport-version";

/// Errors of the index layer; each names the path it concerns.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{path}: {}", io_words(source))]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: {}", describe(source))]
    Tantivy {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
    #[error("{0}")]
    Query(String),
    #[error("{path}: the index is being built by another rapport process; try again in a moment")]
    Busy { path: PathBuf },
    /// A stored note that does not read back as a `Note` (damaged, or
    /// written by another version): the index is rebuilt, the note is never
    /// silently left out of an answer.
    #[error("{path}: the stored copy of {note} cannot be read back ({why})")]
    Unreadable {
        path: PathBuf,
        note: String,
        why: String,
    },
}

pub type Result<T> = std::result::Result<T, IndexError>;

impl IndexError {
    /// The I/O error underneath, if any.
    pub fn io(&self) -> Option<&io::Error> {
        match self {
            IndexError::Io { source, .. } => Some(source),
            IndexError::Tantivy { source, .. } => tantivy_io(source),
            _ => None,
        }
    }

    /// An error that means the index cannot be written here now (read-only
    /// file system, no permission, disk or quota full): readers go on with
    /// the committed index.
    pub fn cannot_write(&self) -> bool {
        self.io().is_some_and(|e| {
            matches!(
                e.kind(),
                io::ErrorKind::ReadOnlyFilesystem
                    | io::ErrorKind::PermissionDenied
                    | io::ErrorKind::StorageFull
                    | io::ErrorKind::QuotaExceeded
            )
        }) || matches!(self, IndexError::Tantivy { source, .. }
            if matches!(source, tantivy::TantivyError::ErrorInThread(m) if m.contains("killed")))
    }

    /// An index whose data cannot be read back (a damaged or missing file).
    pub fn damaged(&self) -> bool {
        match self {
            IndexError::Unreadable { .. } => true,
            IndexError::Tantivy { source, .. } => match source {
                tantivy::TantivyError::DataCorruption(_)
                | tantivy::TantivyError::OpenReadError(_)
                | tantivy::TantivyError::DeserializeError(_)
                | tantivy::TantivyError::IncompatibleIndex(_) => true,
                tantivy::TantivyError::IoError(e) => !matches!(
                    e.kind(),
                    io::ErrorKind::StorageFull | io::ErrorKind::Interrupted
                ),
                _ => false,
            },
            _ => false,
        }
    }
}

fn tantivy_io(e: &tantivy::TantivyError) -> Option<&io::Error> {
    use tantivy::TantivyError as T;
    use tantivy::directory::error::{LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
    match e {
        T::IoError(io) => Some(io),
        T::OpenWriteError(OpenWriteError::IoError { io_error, .. })
        | T::OpenReadError(OpenReadError::IoError { io_error, .. })
        | T::OpenDirectoryError(OpenDirectoryError::IoError { io_error, .. })
        | T::LockFailure(LockError::IoError(io_error), _) => Some(io_error),
        _ => None,
    }
}

/// An I/O error as a few plain words ("disk full"), not a debug dump.
pub fn io_words(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::StorageFull => "disk full".into(),
        io::ErrorKind::QuotaExceeded => "disk quota exceeded".into(),
        io::ErrorKind::ReadOnlyFilesystem => "read-only file system".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotFound => "not found".into(),
        _ => match e.raw_os_error() {
            // the OS's words without Rust's "(os error N)"
            Some(_) => {
                let t = e.to_string();
                match t.rfind(" (os error ") {
                    Some(i) => t[..i].to_string(),
                    None => t,
                }
            }
            None => e.to_string(),
        },
    }
}

/// A tantivy error on one line: its I/O cause in plain words, or a short
/// form of its message.
fn describe(e: &tantivy::TantivyError) -> String {
    if let Some(io) = tantivy_io(e) {
        return io_words(io);
    }
    match e {
        tantivy::TantivyError::DataCorruption(_) => "damaged index data".into(),
        tantivy::TantivyError::LockFailure(_, _) => "the index is locked by another writer".into(),
        other => {
            let text = other.to_string().replace(['\n', '\r'], " ");
            match text.char_indices().nth(160) {
                Some((i, _)) => format!("{}…", &text[..i]),
                None => text,
            }
        }
    }
}

/// Remove a file or a folder, whichever is there; nothing there is fine.
pub fn remove_any(p: &Path) -> io::Result<()> {
    match fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(p),
        Ok(_) => fs::remove_file(p),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

pub fn io_err(path: &Path) -> impl FnOnce(io::Error) -> IndexError + '_ {
    move |source| IndexError::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub fn tv_err(path: &Path) -> impl FnOnce(tantivy::TantivyError) -> IndexError + '_ {
    move |source| IndexError::Tantivy {
        path: path.to_path_buf(),
        source,
    }
}

/// Where a vault's cache lives (`dotdir` has the layout).
#[derive(Debug, Clone)]
pub struct Paths {
    pub root: PathBuf,
    /// `.rapport/`
    pub dot: PathBuf,
    /// `.rapport/cache-<id>/`, which may not exist yet.
    pub cache: PathBuf,
    /// `.rapport/cache-<id>/index/`
    pub index: PathBuf,
}

impl Paths {
    pub fn new(root: &Path) -> Paths {
        let cache = dotdir::select(root);
        Paths {
            root: root.to_path_buf(),
            dot: root.join(dotdir::DOT),
            index: cache.join("index"),
            cache,
        }
    }

    /// Create `.rapport/` (user-only) and the cache folder on first use.
    pub fn ensure_dot(&self) -> Result<()> {
        if !self.dot.is_dir() {
            create_private_dir(&self.dot)?;
        }
        dotdir::ensure(&self.cache).map_err(io_err(&self.cache))
    }
}

/// Take group and other permissions off every file in `dir` (not recursive).
/// tantivy creates its files with the process umask (0666 under `umask 000`);
/// the index holds the notes' text, so it is kept user-only like the notes'
/// folder `.rapport/` itself. Best effort: a file merged away meanwhile is fine.
pub fn make_private(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(rd) = fs::read_dir(dir) else { return };
        for e in rd.flatten() {
            let Ok(md) = e.metadata() else { continue };
            let mode = md.permissions().mode();
            if md.is_file() && mode & 0o077 != 0 {
                let _ = fs::set_permissions(e.path(), fs::Permissions::from_mode(mode & 0o700));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Create a folder readable only by the user: contact notes are personal data.
pub fn create_private_dir(p: &Path) -> Result<()> {
    dotdir::private_dir(p).map_err(io_err(p))
}

/// The exclusive right to write the index, held for as long as this lives.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl WriteLock {
    /// Take the lock without waiting; `None` when another process holds it.
    /// The lock is on the open cache folder itself: no lock file that a
    /// `git clean` or a hand could delete to let a second writer in.
    pub fn try_acquire(paths: &Paths) -> Result<Option<WriteLock>> {
        paths.ensure_dot()?;
        let locked = match dotdir::try_lock_dir(&paths.cache) {
            // removed between making and locking it: make it again
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                paths.ensure_dot()?;
                dotdir::try_lock_dir(&paths.cache)
            }
            r => r,
        };
        match locked.map_err(io_err(&paths.cache))? {
            Some(file) => {
                dotdir::sweep_others(&paths.cache);
                Ok(Some(WriteLock { _file: file }))
            }
            None => Ok(None),
        }
    }
}

/// Open the index in `dir` with rapport's analyzers, checking the schema version.
pub fn open_index(dir: &Path, fields: &Fields) -> Result<Index> {
    let v = fs::read_to_string(dir.join(VERSION_FILE)).map_err(io_err(dir))?;
    let stamp = fields.stamp();
    if v.trim() != stamp {
        return Err(IndexError::Io {
            path: dir.to_path_buf(),
            source: io::Error::other(format!("index schema version {} is not {stamp}", v.trim())),
        });
    }
    let mmap = MmapDirectory::open(dir).map_err(|e| tv_err(dir)(e.into()))?;
    let index = Index::open(ReadTolerant(mmap)).map_err(tv_err(dir))?;
    schema::register(index.tokenizers());
    Ok(index)
}

/// The index folder as tantivy sees it, except that a reader on a folder it
/// cannot write (a read-only mount, an immutable `.rapport/`) goes on without
/// tantivy's meta lock file. That lock only keeps a writer's clean-up from
/// deleting segment files while a reader opens them, and no writer can work
/// in a folder that cannot be written.
#[derive(Clone, Debug)]
struct ReadTolerant(MmapDirectory);

impl Directory for ReadTolerant {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> std::result::Result<std::sync::Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn open_read(&self, path: &Path) -> std::result::Result<FileSlice, OpenReadError> {
        self.0.open_read(path)
    }
    fn delete(&self, path: &Path) -> std::result::Result<(), DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> std::result::Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(&self, path: &Path) -> std::result::Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> std::result::Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> io::Result<()> {
        self.0.sync_directory()
    }
    fn acquire_lock(&self, lock: &Lock) -> std::result::Result<DirectoryLock, LockError> {
        match self.0.acquire_lock(lock) {
            Err(LockError::IoError(e))
                if lock.filepath == META_LOCK.filepath
                    && matches!(
                        e.kind(),
                        io::ErrorKind::ReadOnlyFilesystem | io::ErrorKind::PermissionDenied
                    ) =>
            {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }
    fn watch(&self, cb: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(cb)
    }
}

/// A reader that reloads only when asked (short-lived processes).
pub fn reader(index: &Index, dir: &Path) -> Result<IndexReader> {
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(tv_err(dir))
}

/// Is there a usable index with a matching state cache?
pub fn open_existing(paths: &Paths, fields: &Fields) -> Option<(Index, State)> {
    let index = open_index(&paths.index, fields).ok()?;
    let metas = index.load_metas().ok()?;
    let state = State::load(&paths.index)?;
    // Segment files are only opened by a reader: a truncated or missing one
    // makes the index unusable, and it is rebuilt like a missing index.
    let r = reader(&index, &paths.index).ok()?;
    // a cache that parses but lost or gained entries would make the next
    // sync add a second document for a path: rebuild instead
    let agree =
        state.opstamp == metas.opstamp && r.searcher().num_docs() == state.entries.len() as u64;
    agree.then_some((index, state))
}

/// The index and the counts of its last commit (from the commit payload),
/// for `--no-sync`: no look at the stat cache. An index written without the
/// payload falls back to the cache, as `open_existing` does.
pub fn open_existing_summary(paths: &Paths, fields: &Fields) -> Option<(Index, Summary)> {
    let index = open_index(&paths.index, fields).ok()?;
    let metas = index.load_metas().ok()?;
    // as in open_existing: a missing or truncated segment file means rebuild
    reader(&index, &paths.index).ok()?;
    if let Some(s) = metas
        .payload
        .as_deref()
        .and_then(|p| Summary::from_payload(p, metas.opstamp))
    {
        return Some((index, s));
    }
    let state = State::load(&paths.index)?;
    (state.opstamp == metas.opstamp).then(|| {
        let summary = Summary {
            opstamp: state.opstamp,
            notes: state.entries.len(),
            errors: state.entries.iter().filter(|k| k.errors).count(),
        };
        (index, summary)
    })
}

/// Remove leftovers of interrupted rebuilds. Call with the lock held.
pub fn clean_leftovers(paths: &Paths) {
    if let Ok(rd) = fs::read_dir(&paths.cache) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            if n.starts_with("index.new") || n.starts_with("index.old") {
                let _ = remove_any(&e.path());
            }
        }
    }
}

/// Create an empty index in a fresh temp folder beside the live one.
pub fn create_new(paths: &Paths, fields: &Fields) -> Result<(PathBuf, Index)> {
    let dir = paths.cache.join("index.new");
    remove_any(&dir).map_err(io_err(&dir))?;
    create_private_dir(&dir)?;
    let index = Index::create_in_dir(&dir, fields.schema.clone()).map_err(tv_err(&dir))?;
    schema::register(index.tokenizers());
    Ok((dir, index))
}

/// Put a complete new index (with version and state written) in place.
pub fn swap_in(paths: &Paths, new_dir: &Path, fields: &Fields) -> Result<()> {
    let vf = new_dir.join(VERSION_FILE);
    fs::write(&vf, format!("{}\n", fields.stamp())).map_err(io_err(&vf))?;
    make_private(new_dir);
    let old = paths.cache.join("index.old");
    remove_any(&old).map_err(io_err(&old))?;
    // whatever is in the way (an old index, or a file where the folder should be)
    if fs::symlink_metadata(&paths.index).is_ok() {
        fs::rename(&paths.index, &old).map_err(io_err(&paths.index))?;
    }
    fs::rename(new_dir, &paths.index).map_err(io_err(new_dir))?;
    let _ = remove_any(&old);
    Ok(())
}
