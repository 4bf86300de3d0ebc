//! The layout of a vault's `.rapport/` folder (docs/config.md, "Files").
//!
//! `.rapport/config.toml` and `.rapport/template.md` are the user's and may be
//! committed. Everything rapport writes for itself lives in one cache folder
//! `.rapport/cache-<id>/` that ignores itself for git (its own `.gitignore`
//! holds `*`), so no git command ever sees it, on any branch, without anyone
//! committing an ignore file:
//!
//! ```text
//! .rapport/cache-<id>/.gitignore   *
//! .rapport/cache-<id>/index/       the tantivy index, stat cache, version
//! .rapport/cache-<id>/index.new/   a rebuild in progress
//! .rapport/cache-<id>/tmp/         temp files of note writes
//! ```
//!
//! The folder's name is unique, so that `git stash --all` (which stashes and
//! removes ignored files), a command that makes a new cache meanwhile, and
//! `git stash pop` never collide on a file name. When several cache folders
//! exist, the one a running writer holds is used, else the most recently
//! updated; a writer removes the others. Locks are operating-system locks on
//! open folders (the index writer locks the cache folder, note writers lock
//! `.rapport/`), so deleting a file can never let a second writer in.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The vault's own folder.
pub const DOT: &str = ".rapport";
/// Prefix of cache folder names.
const CACHE_PREFIX: &str = "cache-";
/// Other cache folders are removed once they are this old.
const SWEEP_AFTER: std::time::Duration = std::time::Duration::from_secs(60);
/// What the cache folder's `.gitignore` says.
const IGNORE_ALL: &[u8] = b"# written by rapport: a cache, never to be committed\n*\n";

/// The cache folders under `dot`, by name; with `usable`, only those that
/// still ignore themselves.
fn caches(dot: &Path, usable: bool) -> Vec<PathBuf> {
    let Ok(rd) = fs::read_dir(dot) else {
        return vec![];
    };
    let mut v: Vec<PathBuf> = rd
        .flatten()
        .filter(|e| {
            e.file_name().to_string_lossy().starts_with(CACHE_PREFIX)
                && e.file_type().is_ok_and(|t| t.is_dir())
                // a folder a `git clean` or `stash --all` took the ignore file
                // from is not used again: git would see it, and a `stash pop`
                // would collide with what we wrote there
                && (!usable || e.path().join(".gitignore").is_file())
        })
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

/// Is the folder locked by another process right now?
fn held(dir: &Path) -> bool {
    File::open(dir).is_ok_and(|f| matches!(f.try_lock(), Err(fs::TryLockError::WouldBlock)))
}

/// When the folder's index was last committed (its stat cache written).
fn updated(dir: &Path) -> SystemTime {
    fs::metadata(dir.join("index").join("rapport-state"))
        .or_else(|_| fs::metadata(dir))
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

/// The cache folder to use: an existing one (held by a writer, else the most
/// recently updated), else a new name (not created).
pub fn select(root: &Path) -> PathBuf {
    let dot = root.join(DOT);
    let all = caches(&dot, true);
    match all.as_slice() {
        [] => dot.join(new_name()),
        [one] => one.clone(),
        many => many
            .iter()
            .find(|d| held(d))
            .or_else(|| many.iter().max_by_key(|d| updated(d)))
            .cloned()
            .unwrap_or_else(|| dot.join(new_name())),
    }
}

/// A fresh cache folder name: `cache-` and 12 hex digits from the clock and
/// the process id (unique enough: a clash only means sharing a cache).
fn new_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mixed = (nanos as u64) ^ (u64::from(std::process::id()) << 32);
    format!("{CACHE_PREFIX}{:012x}", mixed & 0xffff_ffff_ffff)
}

/// Create a user-only folder (and its parents) if missing.
pub fn private_dir(p: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(p)
}

/// Create the user-only file `p`; an error if it exists.
pub fn create_private_file(p: &Path) -> io::Result<File> {
    let mut o = fs::OpenOptions::new();
    o.create_new(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(p)
}

/// How long ago a file was last modified, from its metadata; `None` when
/// that cannot be told (no metadata, no mtime, an mtime in the future). The
/// sweeps of what rapport leaves in `.rapport/` decide by it.
pub fn age(meta: io::Result<fs::Metadata>, now: SystemTime) -> Option<std::time::Duration> {
    let modified = meta.and_then(|m| m.modified()).ok()?;
    now.duration_since(modified).ok()
}

/// Write a small user-only file if it is missing.
fn write_new(p: &Path, bytes: &[u8]) -> io::Result<()> {
    match create_private_file(p) {
        Ok(mut f) => f.write_all(bytes),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Make sure the cache folder exists and ignores itself; an index of the
/// old layout (`.rapport/index/`) moves into it rather than being rebuilt.
pub fn ensure(cache: &Path) -> io::Result<()> {
    if !cache.is_dir() {
        private_dir(cache)?;
    }
    write_new(&cache.join(".gitignore"), IGNORE_ALL)?;
    if let Some(dot) = cache.parent() {
        let legacy = dot.join("index");
        let target = cache.join("index");
        if legacy.is_dir() && fs::symlink_metadata(&target).is_err() {
            let _ = fs::rename(&legacy, &target);
        }
    }
    Ok(())
}

/// Take the lock of a folder without waiting: `None` when another process
/// holds it.
pub fn try_lock_dir(dir: &Path) -> io::Result<Option<File>> {
    let f = File::open(dir)?;
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Remove cache folders other than `keep` that nobody holds, and what the
/// old layout left at the top of `.rapport/` (best effort; call as the
/// writer of `keep`).
pub fn sweep_others(keep: &Path) {
    let Some(dot) = keep.parent() else { return };
    let now = SystemTime::now();
    for other in caches(dot, false) {
        if other == keep {
            continue;
        }
        // a folder made a moment ago may be another process's, about to be
        // locked (two first commands at once): leave it for a later sweep
        let young = age(fs::metadata(&other), now).is_none_or(|a| a < SWEEP_AFTER);
        if young {
            continue;
        }
        if let Ok(Some(lock)) = try_lock_dir(&other) {
            let _ = fs::remove_dir_all(&other);
            drop(lock);
        }
    }
    for old in ["index", "index.new", "index.old", "lock"] {
        let p = dot.join(old);
        match fs::symlink_metadata(&p) {
            Ok(m) if m.is_dir() => {
                let _ = fs::remove_dir_all(&p);
            }
            Ok(_) => {
                let _ = fs::remove_file(&p);
            }
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::{DOT, ensure, select, sweep_others, try_lock_dir};

    #[test]
    fn one_cache_is_chosen_and_the_others_swept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let a = select(root);
        assert!(a.starts_with(root.join(DOT)));
        assert!(!a.exists(), "select names, ensure creates");
        ensure(&a).expect("ensure");
        assert_eq!(select(root), a);
        assert!(
            fs::read_to_string(a.join(".gitignore"))
                .expect("read")
                .contains('*')
        );
        // a second cache (restored by `git stash pop`, say), held by a writer
        let b = root.join(DOT).join("cache-zzzzzzzzzzzz");
        ensure(&b).expect("ensure");
        // `a` was updated last, but a writer holds `b`: readers follow it
        fs::create_dir_all(a.join("index")).expect("mkdir");
        fs::write(a.join("index/rapport-state"), "").expect("write");
        let held = try_lock_dir(&b).expect("lock").expect("free");
        assert_eq!(select(root), b);
        // the writer sweeps the other one once it is old enough (a young one
        // may be another first command's, about to be locked)
        sweep_others(&b);
        assert!(a.exists());
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(120);
        fs::File::open(&a)
            .expect("open")
            .set_modified(old)
            .expect("age it");
        sweep_others(&b);
        drop(held);
        assert!(!a.exists() && b.exists());
        assert_eq!(select(root), b);
    }

    #[test]
    fn the_old_layout_moves_in() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::create_dir_all(root.join(".rapport/index")).expect("mkdir");
        fs::write(root.join(".rapport/index/meta.json"), "{}").expect("write");
        fs::write(root.join(".rapport/lock"), "").expect("write");
        let c = select(root);
        ensure(&c).expect("ensure");
        assert!(c.join("index/meta.json").exists());
        sweep_others(&c);
        assert!(!root.join(".rapport/lock").exists());
        assert!(!root.join(".rapport/index").exists());
    }
}
