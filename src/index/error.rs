//! The index layer's errors: each names the path it concerns, in words a
//! user can act on (a full disk, a read-only folder, a damaged index).

use std::io;
use std::path::{Path, PathBuf};

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
