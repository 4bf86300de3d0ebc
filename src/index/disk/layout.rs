//! Where a vault's index lives (`<vault>/.rapport/cache-<id>/`, `dotdir` has
//! the layout), the writer lock on the open cache folder, user-only folders,
//! and the leftovers of interrupted rebuilds.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use crate::dotdir;
use crate::index::error::{Result, io_err};

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

/// Remove a file or a folder, whichever is there; nothing there is fine.
pub fn remove_any(p: &Path) -> io::Result<()> {
    match fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(p),
        Ok(_) => fs::remove_file(p),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}
