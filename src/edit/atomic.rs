//! Atomic note writes: the new text goes to a hidden temp file in the note's
//! folder (user-only permissions while written), is flushed to disk, and is
//! renamed over the note only if the note still holds what was read. A crash
//! at any moment leaves the old or the new note, never a mix; a leftover temp
//! file is hidden (`.rapport-tmp-*`) and never taken for a note.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Prefix of our temp files (also an editor-temp pattern in `vault::rules`).
pub const TEMP_PREFIX: &str = ".rapport-tmp-";
/// Temp files older than this are leftovers of a killed write and are removed.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// A write that did not happen. The note is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// (The error is part of the message, not a separate cause: a one-line report.)
    #[error("{path}: {err}")]
    Io { path: String, err: io::Error },
    #[error("{path}: changed on disk since it was read; nothing written, try again")]
    Changed { path: String },
    #[error("{path}: already exists; nothing written")]
    Exists { path: String },
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
    permissions: fs::Permissions,
}

impl Snapshot {
    /// Read the note at `path`.
    pub fn read(path: &Path) -> Result<Snapshot, WriteError> {
        let target = fs::canonicalize(path).map_err(io_err(path))?;
        let bytes = fs::read(&target).map_err(io_err(path))?;
        let permissions = fs::metadata(&target).map_err(io_err(path))?.permissions();
        Ok(Snapshot {
            hash: blake3::hash(&bytes),
            target,
            bytes,
            permissions,
        })
    }
}

/// Called after the temp file is complete and right before the final check and
/// rename: a test changes the note here to see the write refused.
pub type BeforeWrite<'a> = &'a mut dyn FnMut(&Path);

/// A hook that does nothing.
pub fn no_hook(_: &Path) {}

/// Remove our temp files left behind by killed writes (best effort).
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
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_TEMP);
        if old {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// A complete, flushed temp file in `dir` holding `bytes`.
fn temp_with(
    dir: &Path,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
) -> Result<tempfile::NamedTempFile, WriteError> {
    sweep_stale(dir);
    // tempfile creates the file readable and writable by the user only
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_err(dir))?;
    tmp.write_all(bytes).map_err(io_err(tmp.path()))?;
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p).map_err(io_err(dir))?;
    }
    tmp.as_file().sync_all().map_err(io_err(dir))?;
    Ok(tmp)
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

/// Replace the note read as `snap` with `bytes`, unless it changed since.
/// `shown` is the path named in errors (vault-relative).
pub fn replace(
    snap: &Snapshot,
    bytes: &[u8],
    shown: &str,
    before_write: BeforeWrite<'_>,
) -> Result<(), WriteError> {
    let dir = parent(&snap.target);
    let tmp = temp_with(dir, bytes, Some(snap.permissions.clone()))?;
    before_write(&snap.target);
    let changed = || WriteError::Changed {
        path: shown.to_string(),
    };
    match fs::read(&snap.target) {
        Ok(now) if blake3::hash(&now) == snap.hash => {}
        Ok(_) => return Err(changed()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(changed()),
        Err(e) => return Err(io_err(Path::new(shown))(e)),
    }
    // on error the temp file is dropped, which removes it
    tmp.persist(&snap.target)
        .map_err(|e| io_err(Path::new(shown))(e.error))?;
    sync_dir(dir);
    Ok(())
}

/// Create a new note at `path` with `bytes`; refuses if anything is there,
/// even if it appears while writing. A new note gets its folder's permission
/// bits without the execute bits.
pub fn create(
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
    let permissions = file_permissions(dir);
    let tmp = temp_with(dir, bytes, permissions)?;
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

/// Replace (or create) a file that is ours, such as an exported calendar:
/// atomic like `replace`, without the change check. An existing file keeps
/// its permissions.
pub fn overwrite(path: &Path, bytes: &[u8], shown: &str) -> Result<(), WriteError> {
    let dir = parent(path);
    let permissions = match fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(_) => file_permissions(dir),
    };
    let tmp = temp_with(dir, bytes, permissions)?;
    tmp.persist(path)
        .map_err(|e| io_err(Path::new(shown))(e.error))?;
    sync_dir(dir);
    Ok(())
}

/// A new file's mode: read and write for the user; read for group and others
/// only as far as the folder already lets them read; never writable by
/// anyone else (a note or calendar in `/tmp` is 0644, in a 0700 vault 0600).
#[cfg(unix)]
fn file_permissions(dir: &Path) -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(dir).map_or(0, |m| m.permissions().mode()) & 0o044;
    Some(fs::Permissions::from_mode(mode | 0o600))
}

#[cfg(not(unix))]
fn file_permissions(_dir: &Path) -> Option<fs::Permissions> {
    None
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::{Snapshot, WriteError, create, no_hook, overwrite, replace};

    #[test]
    fn replace_and_refuse_on_change() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.md");
        fs::write(&p, "old").expect("write");
        let snap = Snapshot::read(&p).expect("read");
        replace(&snap, b"new", "a.md", &mut no_hook).expect("replace");
        assert_eq!(fs::read_to_string(&p).expect("read"), "new");

        // the note changes between read and write: refused, the change kept
        let snap = Snapshot::read(&p).expect("read");
        let mut hook = |t: &std::path::Path| fs::write(t, "theirs").expect("write");
        let e = replace(&snap, b"mine", "a.md", &mut hook).expect_err("refused");
        assert!(matches!(e, WriteError::Changed { .. }), "{e}");
        assert_eq!(fs::read_to_string(&p).expect("read"), "theirs");
        let left: Vec<_> = fs::read_dir(dir.path()).expect("ls").collect();
        assert_eq!(left.len(), 1, "no temp file left");
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
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("b.md");
        create(&p, b"one", "b.md", &mut no_hook).expect("create");
        assert_eq!(fs::read_to_string(&p).expect("read"), "one");
        let e = create(&p, b"two", "b.md", &mut no_hook).expect_err("exists");
        assert!(matches!(e, WriteError::Exists { .. }));
        // appears while we write
        let q = dir.path().join("c.md");
        let mut hook = |t: &std::path::Path| fs::write(t, "theirs").expect("write");
        let e = create(&q, b"mine", "c.md", &mut hook).expect_err("exists");
        assert!(matches!(e, WriteError::Exists { .. }));
        assert_eq!(fs::read_to_string(&q).expect("read"), "theirs");
    }

    #[cfg(unix)]
    #[test]
    fn keeps_mode_and_symlinks() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.md");
        fs::write(&real, "old").expect("write");
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).expect("chmod");
        let link = dir.path().join("link.md");
        symlink(&real, &link).expect("symlink");
        let snap = Snapshot::read(&link).expect("read");
        replace(&snap, b"new", "link.md", &mut no_hook).expect("replace");
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
            assert_eq!(mode, want, "folder {dir_mode:o}");
        }
    }
}
