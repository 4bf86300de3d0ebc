//! The disk walk: every note's vault-relative path and stat, sorted by path,
//! plus problems with paths that cannot be notes (FIFOs, symlink loops, …).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use walkdir::WalkDir;

use crate::vault::note::{Problem, Severity};
use crate::vault::rules::NoteRules;

/// What a stat says about a file, enough to tell that it may have changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stat {
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub size: u64,
    pub ino: u64,
}

impl Stat {
    pub fn of(md: &fs::Metadata) -> Stat {
        let mtime_ns = md
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stat {
                mtime_ns,
                ctime_ns: md
                    .ctime()
                    .saturating_mul(1_000_000_000)
                    .saturating_add(md.ctime_nsec()),
                size: md.len(),
                ino: md.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            Stat {
                mtime_ns,
                ctime_ns: 0,
                size: md.len(),
                ino: 0,
            }
        }
    }
}

/// A note on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub rel: String,
    pub stat: Stat,
}

/// A path that looks like a note but cannot be read as one.
#[derive(Debug, Clone)]
pub struct ScanProblem {
    pub rel: String,
    pub problem: Problem,
}

/// The result of a walk.
#[derive(Debug, Default)]
pub struct Scan {
    pub entries: Vec<Entry>,
    pub problems: Vec<ScanProblem>,
}

/// `/`-separated path of `p` relative to `root`.
pub fn rel_path(root: &Path, p: &Path) -> Option<String> {
    let rel = p.strip_prefix(root).ok()?;
    let mut out = String::new();
    for c in rel.components() {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(&c.as_os_str().to_string_lossy());
    }
    Some(out)
}

/// Stat one vault-relative path the way the walk would: `None` when it is
/// not (or no longer) a note.
pub fn stat_note(root: &Path, canonical_root: &Path, rel: &str) -> Result<Option<Entry>, Problem> {
    let p = root.join(rel);
    let lmd = match fs::symlink_metadata(&p) {
        Ok(m) => m,
        Err(_) => return Ok(None),
    };
    let md = if lmd.file_type().is_symlink() {
        match fs::metadata(&p) {
            Ok(m) => {
                let target = fs::canonicalize(&p).unwrap_or_default();
                if !target.starts_with(canonical_root) {
                    return Err(Problem::new(
                        Severity::Warning,
                        "symlink",
                        "symlink points outside the vault; not followed",
                    ));
                }
                m
            }
            Err(e) => {
                return Err(Problem::new(
                    Severity::Warning,
                    "symlink",
                    format!("broken or looping symlink: {e}"),
                ));
            }
        }
    } else {
        lmd
    };
    if md.is_dir() {
        return Err(Problem::new(
            Severity::Warning,
            "not_a_file",
            "a folder named like a note; its contents are walked, the folder itself is not a note",
        ));
    }
    if !md.is_file() {
        return Err(Problem::new(
            Severity::Warning,
            "not_a_file",
            "not a regular file (FIFO, socket or device); not read",
        ));
    }
    Ok(Some(Entry {
        rel: rel.to_string(),
        stat: Stat::of(&md),
    }))
}

/// Walk `root` for notes. Hidden and ignored folders are not entered;
/// symlinked folders are not followed.
pub fn scan(root: &Path, rules: &NoteRules) -> Scan {
    let canonical_root = fs::canonicalize(root).unwrap_or_else(|_| PathBuf::from(root));
    let mut out = Scan::default();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 || !e.file_type().is_dir() {
                return true;
            }
            rel_path(root, e.path()).is_some_and(|r| rules.is_walked_dir(&r))
        });
    for item in walker {
        let entry = match item {
            Ok(e) => e,
            Err(err) => {
                let rel = err
                    .path()
                    .and_then(|p| rel_path(root, p))
                    .unwrap_or_default();
                if rel.is_empty() || rules.is_walked_dir(&rel) || rules.is_note(&rel) {
                    out.problems.push(ScanProblem {
                        rel,
                        problem: Problem::new(
                            Severity::Error,
                            "io",
                            format!("cannot read: {}", io_reason(&err)),
                        ),
                    });
                }
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let Some(rel) = rel_path(root, entry.path()) else {
            continue;
        };
        if !rules.is_note(&rel) {
            continue;
        }
        if entry
            .path()
            .strip_prefix(root)
            .ok()
            .and_then(Path::to_str)
            .is_none()
        {
            // `rel` is lossy: it names no file, so the note cannot be read
            out.problems.push(ScanProblem {
                rel,
                problem: Problem::new(
                    Severity::Error,
                    "encoding",
                    "file name is not valid UTF-8; not indexed (rename the file)",
                ),
            });
            continue;
        }
        match stat_note(root, &canonical_root, &rel) {
            Ok(Some(e)) => out.entries.push(e),
            Ok(None) => {}
            Err(problem) => out.problems.push(ScanProblem { rel, problem }),
        }
    }
    out.entries.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

fn io_reason(err: &walkdir::Error) -> String {
    if err.loop_ancestor().is_some() {
        return "symlink loop".into();
    }
    match err.io_error() {
        Some(e) => e.kind().to_string(),
        None => err.to_string(),
    }
}
