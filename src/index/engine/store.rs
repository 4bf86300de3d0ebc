//! Opening the tantivy index with analyzers registered and its version
//! checked, and rebuilds that swap a complete new index in place so a crash
//! at any moment leaves something usable or rebuildable.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, META_LOCK, MmapDirectory, OwnedBytes,
    WatchCallback, WatchHandle, WritePtr,
};
use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::index::disk::layout::{Paths, create_private_dir, make_private, remove_any};
use crate::index::disk::state::{State, Summary};
use crate::index::engine::doc::NoteDoc;
use crate::index::engine::schema::{self, Fields};
use crate::index::engine::sync::note_doc;
use crate::index::error::{IndexError, Result, io_err, tv_err};
use crate::vault::note::Parsed;

pub const VERSION_FILE: &str = "rapport-version";

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
    let index = Index::open(Dir::open(dir)?).map_err(tv_err(dir))?;
    schema::register(index.tokenizers());
    Ok(index)
}

/// The index folder as tantivy sees it, with locks of rapport's own: each
/// lock is an OS lock on a file that stays (tantivy's own lock files come
/// and go with every reader and commit, and a file vanishing between git's
/// listing and its `lstat` fails `git clean -fdx` or `git stash --all` run
/// beside a `watch`). A reader on a folder it cannot write (a read-only
/// mount, an immutable `.rapport/`) goes on without the meta lock: that lock
/// only keeps a writer's clean-up from deleting segment files while a reader
/// opens them, and no writer can work in a folder that cannot be written.
#[derive(Clone, Debug)]
struct Dir {
    mmap: MmapDirectory,
    path: PathBuf,
}

impl Dir {
    fn open(path: &Path) -> Result<Dir> {
        let mmap = MmapDirectory::open(path).map_err(|e| tv_err(path)(e.into()))?;
        Ok(Dir {
            mmap,
            path: path.to_path_buf(),
        })
    }
}

/// Hold `lock` as an OS lock on its file, made if missing and never removed.
fn lock_file(dir: &Path, lock: &Lock) -> std::result::Result<DirectoryLock, LockError> {
    let path = dir.join(&lock.filepath);
    let meta = lock.filepath == META_LOCK.filepath;
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        // a reader in a folder it cannot write locks the file that is there;
        // a writer never takes its lock in such a folder
        .or_else(|e| match fs::File::open(&path) {
            Ok(f) if meta => Ok(f),
            _ => Err(e),
        });
    let file = match file {
        Ok(f) => f,
        Err(e)
            if meta
                && matches!(
                    e.kind(),
                    io::ErrorKind::ReadOnlyFilesystem | io::ErrorKind::PermissionDenied
                ) =>
        {
            return Ok(DirectoryLock::from(Box::new(())));
        }
        Err(e) => return Err(LockError::wrap_io_error(e)),
    };
    if lock.is_blocking {
        file.lock().map_err(LockError::wrap_io_error)?;
    } else {
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => return Err(LockError::LockBusy),
            Err(fs::TryLockError::Error(e)) => return Err(LockError::wrap_io_error(e)),
        }
    }
    // closing the file releases the lock; the file stays
    Ok(DirectoryLock::from(Box::new(file)))
}

/// A segment's document store, read with `pread` instead of mapped: a
/// report that reads many stored notes touches most of the store, and
/// mapped, every page it touched would count as the process's memory until
/// it exits (80 MiB of `due`'s peak at 100k notes, bench/PROFILE.md); read,
/// a block lives as long as the reader needs it and the page cache keeps
/// the file. The other segment files are looked up at random and stay
/// mapped.
#[derive(Debug)]
struct StoreFile {
    file: fs::File,
    len: usize,
}

impl StoreFile {
    fn open(dir: &Path, path: &Path) -> std::result::Result<StoreFile, OpenReadError> {
        let full = dir.join(path);
        let err = |e: io::Error| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_path_buf()),
            _ => OpenReadError::wrap_io_error(e, full.clone()),
        };
        let file = fs::File::open(&full).map_err(err)?;
        let len = file.metadata().map_err(err)?.len();
        Ok(StoreFile {
            file,
            len: usize::try_from(len).unwrap_or(usize::MAX),
        })
    }

    fn is_store(path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "store")
    }
}

impl tantivy::HasLen for StoreFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for StoreFile {
    fn read_bytes(&self, range: std::ops::Range<usize>) -> io::Result<OwnedBytes> {
        use std::os::unix::fs::FileExt;
        if range.end > self.len || range.start > range.end {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("bytes {range:?} of a {}-byte document store", self.len),
            ));
        }
        let mut buf = vec![0; range.len()];
        self.file.read_exact_at(&mut buf, range.start as u64)?;
        Ok(OwnedBytes::new(buf))
    }
}

impl Directory for Dir {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> std::result::Result<std::sync::Arc<dyn FileHandle>, OpenReadError> {
        if StoreFile::is_store(path) {
            return Ok(std::sync::Arc::new(StoreFile::open(&self.path, path)?));
        }
        self.mmap.get_file_handle(path)
    }
    // `open_read` is tantivy's own (the handle of `get_file_handle`, in a
    // slice), as it is for the mapped folder
    fn delete(&self, path: &Path) -> std::result::Result<(), DeleteError> {
        self.mmap.delete(path)
    }
    fn exists(&self, path: &Path) -> std::result::Result<bool, OpenReadError> {
        self.mmap.exists(path)
    }
    fn open_write(&self, path: &Path) -> std::result::Result<WritePtr, OpenWriteError> {
        self.mmap.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> std::result::Result<Vec<u8>, OpenReadError> {
        self.mmap.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mmap.atomic_write(path, data)
    }
    fn sync_directory(&self) -> io::Result<()> {
        self.mmap.sync_directory()
    }
    fn acquire_lock(&self, lock: &Lock) -> std::result::Result<DirectoryLock, LockError> {
        lock_file(&self.path, lock)
    }
    fn watch(&self, cb: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mmap.watch(cb)
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

/// Create an empty index in a fresh temp folder beside the live one.
pub fn create_new(paths: &Paths, fields: &Fields) -> Result<(PathBuf, Index)> {
    let dir = paths.cache.join("index.new");
    remove_any(&dir).map_err(io_err(&dir))?;
    create_private_dir(&dir)?;
    let index = Index::create(
        Dir::open(&dir)?,
        fields.schema.clone(),
        tantivy::IndexSettings::default(),
    )
    .map_err(tv_err(&dir))?;
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

/// Index `notes` in memory (the overlay of notes changed since the commit).
pub fn in_memory(fields: &Fields, notes: &[(u64, Parsed)]) -> Result<(Index, IndexReader)> {
    let index = Index::create_in_ram(fields.schema.clone());
    schema::register(index.tokenizers());
    let ram = Path::new("(changed notes)");
    let mut w: tantivy::IndexWriter<NoteDoc> = index
        .writer_with_num_threads(1, 15_000_000)
        .map_err(tv_err(ram))?;
    for (hash, parsed) in notes {
        w.add_document(note_doc(fields, parsed, *hash))
            .map_err(tv_err(ram))?;
    }
    w.commit().map_err(tv_err(ram))?;
    let reader = reader(&index, ram)?;
    reader.reload().map_err(tv_err(ram))?;
    Ok((index, reader))
}

#[cfg(test)]
mod tests {
    use tantivy::HasLen;
    use tantivy::directory::FileHandle;

    use super::StoreFile;

    #[test]
    fn a_store_file_reads_ranges_and_refuses_past_its_end() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.store"), b"0123456789").unwrap();
        let f = StoreFile::open(dir.path(), std::path::Path::new("a.store")).unwrap();
        assert_eq!(f.len(), 10);
        assert_eq!(f.read_bytes(2..5).unwrap().as_slice(), b"234");
        assert_eq!(f.read_bytes(10..10).unwrap().as_slice(), b"");
        assert!(f.read_bytes(8..11).is_err());
        assert!(StoreFile::is_store(std::path::Path::new("x/abc.store")));
        assert!(!StoreFile::is_store(std::path::Path::new("abc.idx")));
        assert!(matches!(
            StoreFile::open(dir.path(), std::path::Path::new("b.store")),
            Err(tantivy::directory::error::OpenReadError::FileDoesNotExist(
                _
            ))
        ));
    }
}
