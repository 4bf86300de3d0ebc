//! The disk walk: every note's vault-relative path and stat, sorted by path,
//! plus problems with paths that cannot be notes (FIFOs, symlink loops, …).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use std::sync::Mutex;

use crate::vault::note::{Code, Problem, Severity};
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
#[derive(Debug, Default, Clone)]
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
                        Code::Symlink,
                        "symlink points outside the vault; not followed",
                    ));
                }
                m
            }
            Err(e) => {
                return Err(Problem::new(
                    Severity::Warning,
                    Code::Symlink,
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
            Code::NotAFile,
            "a folder named like a note; its contents are walked, the folder itself is not a note",
        ));
    }
    if !md.is_file() {
        return Err(Problem::new(
            Severity::Warning,
            Code::NotAFile,
            "not a regular file (FIFO, socket or device); not read",
        ));
    }
    Ok(Some(Entry {
        rel: rel.to_string(),
        stat: Stat::of(&md),
    }))
}

/// Deeper than this is not walked (and reported): a guard, not a real limit.
const MAX_DEPTH: usize = 256;

/// What every directory of one walk shares.
struct Walk<'a> {
    root: &'a Path,
    canonical_root: &'a Path,
    rules: &'a NoteRules,
    found: Mutex<Scan>,
}

/// Walk `root` for notes, a folder per task on the shared thread pool.
/// Hidden and ignored folders are not entered; symlinked folders are not
/// followed (no loops, no escaping).
pub fn scan(root: &Path, rules: &NoteRules) -> Scan {
    let canonical_root = fs::canonicalize(root).unwrap_or_else(|_| PathBuf::from(root));
    let walk = Walk {
        root,
        canonical_root: &canonical_root,
        rules,
        found: Mutex::new(Scan::default()),
    };
    rayon::scope(|s| walk_tree(&walk, s, root.to_path_buf(), String::new(), 0));
    let mut out = walk.found.into_inner().unwrap_or_default();
    out.entries.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    out.problems.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// List one folder, hand in what it holds, and walk its subfolders as
/// tasks of their own.
fn walk_tree<'s>(
    walk: &'s Walk<'s>,
    s: &rayon::Scope<'s>,
    dir: PathBuf,
    rel: String,
    depth: usize,
) {
    let mut local = Scan::default();
    let mut subdirs = Vec::new();
    walk_dir(walk, &dir, &rel, depth, &mut local, &mut subdirs);
    if let Ok(mut r) = walk.found.lock() {
        r.entries.append(&mut local.entries);
        r.problems.append(&mut local.problems);
    }
    for (d, r, depth) in subdirs {
        s.spawn(move |s| walk_tree(walk, s, d, r, depth));
    }
}

fn join_rel(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_string()
    } else {
        let mut s = String::with_capacity(rel.len() + 1 + name.len());
        s.push_str(rel);
        s.push('/');
        s.push_str(name);
        s
    }
}

fn walk_dir(
    walk: &Walk<'_>,
    dir: &Path,
    rel: &str,
    depth: usize,
    out: &mut Scan,
    subdirs: &mut Vec<(PathBuf, String, usize)>,
) {
    let Some(rd) = open_dir(dir, rel, out) else {
        return;
    };
    let (root, canonical_root, rules) = (walk.root, walk.canonical_root, walk.rules);
    for item in rd {
        let Ok(entry) = item else { continue };
        let name = entry.file_name();
        let utf8 = name.to_str().is_some();
        let name = name.to_string_lossy();
        let child_rel = join_rel(rel, &name);
        let Ok(ft) = entry.file_type() else { continue };
        if !utf8 {
            not_utf8(rules, ft, child_rel, out);
        } else if ft.is_dir() {
            subdirs.extend(subdir(rules, &entry, child_rel, depth, out));
        } else if ft.is_symlink() && !child_rel.ends_with(".md") && rules.is_walked_dir(&child_rel)
        {
            symlinked_dir(&entry, child_rel, out);
        } else if rules.is_note(&child_rel) {
            note_entry(root, canonical_root, &entry, ft, child_rel, out);
        }
    }
}

/// The listing of `dir`, or a problem for `rel` saying why it cannot be read.
fn open_dir(dir: &Path, rel: &str, out: &mut Scan) -> Option<fs::ReadDir> {
    match fs::read_dir(dir) {
        Ok(rd) => Some(rd),
        Err(e) => {
            // ENAMETOOLONG reads "invalid filename", which misleads: the name is fine
            let why = if e.raw_os_error() == Some(libc::ENAMETOOLONG) {
                "its path is longer than the system allows (PATH_MAX); not walked".to_string()
            } else {
                e.kind().to_string()
            };
            out.problems.push(ScanProblem {
                rel: rel.to_string(),
                problem: Problem::new(
                    Severity::Error,
                    Code::Io,
                    format!("cannot read folder: {why}"),
                ),
            });
            None
        }
    }
}

/// A name that is not UTF-8: the lossy `child_rel` names no file, so the
/// note (or the notes below the folder) cannot be read back by path.
fn not_utf8(rules: &NoteRules, ft: fs::FileType, child_rel: String, out: &mut Scan) {
    if (ft.is_dir() && rules.is_walked_dir(&child_rel)) || rules.is_note(&child_rel) {
        out.problems.push(ScanProblem {
            rel: child_rel,
            problem: Problem::new(
                Severity::Error,
                Code::Encoding,
                "file name is not valid UTF-8; not indexed (rename it)",
            ),
        });
    }
}

/// A folder to walk next (path, relative path, depth), unless the rules
/// skip it or it is nested too deep; a folder named like a note is walked
/// with a warning.
fn subdir(
    rules: &NoteRules,
    entry: &fs::DirEntry,
    child_rel: String,
    depth: usize,
    out: &mut Scan,
) -> Option<(PathBuf, String, usize)> {
    if !rules.is_walked_dir(&child_rel) {
        return None;
    }
    if child_rel.ends_with(".md") && rules.is_note(&child_rel) {
        out.problems.push(ScanProblem {
            rel: child_rel.clone(),
            problem: Problem::new(
                Severity::Warning,
                Code::NotAFile,
                "a folder named like a note; its contents are walked, the folder itself is not a note",
            ),
        });
    }
    if depth + 1 > MAX_DEPTH {
        out.problems.push(ScanProblem {
            rel: child_rel,
            problem: Problem::new(
                Severity::Warning,
                Code::Depth,
                "folder nested too deep; not walked",
            ),
        });
        return None;
    }
    Some((entry.path(), child_rel, depth + 1))
}

/// A symlink where a folder would be walked: it is not followed (no loops,
/// no escaping the vault), so say so, or its notes vanish without a word.
fn symlinked_dir(entry: &fs::DirEntry, child_rel: String, out: &mut Scan) {
    let why = match fs::metadata(entry.path()) {
        Ok(md) if md.is_dir() => Some("symlinked folder; not followed"),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => Some("symlink loop; not followed"),
        _ => None,
    };
    if let Some(why) = why {
        out.problems.push(ScanProblem {
            rel: child_rel,
            problem: Problem::new(Severity::Warning, Code::Symlink, why),
        });
    }
}

/// A file the rules call a note: its stat as an entry, or a problem.
fn note_entry(
    root: &Path,
    canonical_root: &Path,
    entry: &fs::DirEntry,
    ft: fs::FileType,
    child_rel: String,
    out: &mut Scan,
) {
    if ft.is_file() {
        // fstatat relative to the open folder: no path walk per file
        match entry.metadata() {
            Ok(md) => out.entries.push(Entry {
                rel: child_rel,
                stat: Stat::of(&md),
            }),
            Err(e) => out.problems.push(ScanProblem {
                rel: child_rel,
                problem: Problem::new(
                    Severity::Error,
                    Code::Io,
                    format!("cannot read: {}", e.kind()),
                ),
            }),
        }
        return;
    }
    // a symlink to a note (or something else named like one)
    match stat_note(root, canonical_root, &child_rel) {
        Ok(Some(e)) => out.entries.push(e),
        Ok(None) => {}
        Err(problem) => out.problems.push(ScanProblem {
            rel: child_rel,
            problem,
        }),
    }
}
