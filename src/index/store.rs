//! Where the index lives (`<vault>/.rapport/index/`), the writer lock, opening
//! with analyzers registered, and rebuilds that swap a complete new index in
//! place so a crash at any moment leaves something usable or rebuildable.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::index::schema::{self, Fields, SCHEMA_VERSION};
use crate::index::state::{State, Summary};

pub const VERSION_FILE: &str = "rapport-version";

/// Errors of the index layer; each names the path it concerns.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: index error: {source}")]
    Tantivy {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
    #[error("{0}")]
    Query(String),
    #[error("{path}: the index is being built by another rapport process; try again in a moment")]
    Busy { path: PathBuf },
}

pub type Result<T> = std::result::Result<T, IndexError>;

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

/// The `.rapport/` folder of a vault.
#[derive(Debug, Clone)]
pub struct Paths {
    pub root: PathBuf,
    pub dot: PathBuf,
    pub index: PathBuf,
}

impl Paths {
    pub fn new(root: &Path) -> Paths {
        let dot = root.join(".rapport");
        Paths {
            root: root.to_path_buf(),
            index: dot.join("index"),
            dot,
        }
    }

    fn lock_path(&self) -> PathBuf {
        self.dot.join("lock")
    }

    /// Create `.rapport/` (user-only) and its `.gitignore` on first use.
    pub fn ensure_dot(&self) -> Result<()> {
        if !self.dot.is_dir() {
            create_private_dir(&self.dot)?;
        }
        let gi = self.dot.join(".gitignore");
        if !gi.exists() {
            let mut o = OpenOptions::new();
            o.create(true).truncate(true).write(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o600);
            }
            let mut f = o.open(&gi).map_err(io_err(&gi))?;
            f.write_all(b"index/\nindex.*/\nlock\n")
                .map_err(io_err(&gi))?;
        }
        Ok(())
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
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(p).map_err(io_err(p))
}

/// The exclusive right to write the index, held for as long as this lives.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl WriteLock {
    /// Take the lock without waiting; `None` when another process holds it.
    pub fn try_acquire(paths: &Paths) -> Result<Option<WriteLock>> {
        paths.ensure_dot()?;
        let lp = paths.lock_path();
        let mut o = OpenOptions::new();
        o.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let file = o.open(&lp).map_err(io_err(&lp))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(WriteLock { _file: file })),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => Err(IndexError::Io {
                path: lp,
                source: e,
            }),
        }
    }
}

/// Open the index in `dir` with rapport's analyzers, checking the schema version.
pub fn open_index(dir: &Path) -> Result<Index> {
    let v = fs::read_to_string(dir.join(VERSION_FILE)).map_err(io_err(dir))?;
    if v.trim() != SCHEMA_VERSION.to_string() {
        return Err(IndexError::Io {
            path: dir.to_path_buf(),
            source: io::Error::other(format!(
                "index schema version {} is not {SCHEMA_VERSION}",
                v.trim()
            )),
        });
    }
    let index = Index::open_in_dir(dir).map_err(tv_err(dir))?;
    schema::register(index.tokenizers());
    Ok(index)
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
pub fn open_existing(paths: &Paths) -> Option<(Index, State)> {
    let index = open_index(&paths.index).ok()?;
    let metas = index.load_metas().ok()?;
    let state = State::load(&paths.index)?;
    // Segment files are only opened by a reader: a truncated or missing one
    // makes the index unusable, and it is rebuilt like a missing index.
    reader(&index, &paths.index).ok()?;
    (state.opstamp == metas.opstamp).then_some((index, state))
}

/// The index and the counts of its last commit (from the commit payload),
/// for `--no-sync`: no look at the stat cache. An index written without the
/// payload falls back to the cache, as `open_existing` does.
pub fn open_existing_summary(paths: &Paths) -> Option<(Index, Summary)> {
    let index = open_index(&paths.index).ok()?;
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
    if let Ok(rd) = fs::read_dir(&paths.dot) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            if n.starts_with("index.new") || n.starts_with("index.old") {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Create an empty index in a fresh temp folder beside the live one.
pub fn create_new(paths: &Paths, fields: &Fields) -> Result<(PathBuf, Index)> {
    let dir = paths.dot.join("index.new");
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
    }
    create_private_dir(&dir)?;
    let index = Index::create_in_dir(&dir, fields.schema.clone()).map_err(tv_err(&dir))?;
    schema::register(index.tokenizers());
    Ok((dir, index))
}

/// Put a complete new index (with version and state written) in place.
pub fn swap_in(paths: &Paths, new_dir: &Path) -> Result<()> {
    let vf = new_dir.join(VERSION_FILE);
    fs::write(&vf, format!("{SCHEMA_VERSION}\n")).map_err(io_err(&vf))?;
    make_private(new_dir);
    let old = paths.dot.join("index.old");
    if old.exists() {
        fs::remove_dir_all(&old).map_err(io_err(&old))?;
    }
    if paths.index.exists() {
        fs::rename(&paths.index, &old).map_err(io_err(&paths.index))?;
    }
    fs::rename(new_dir, &paths.index).map_err(io_err(new_dir))?;
    if old.exists() {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(())
}
