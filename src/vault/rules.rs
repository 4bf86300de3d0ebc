//! Which vault-relative paths are notes: hidden folders, editor temp and backup
//! files and `ignore` globs are not. A pure predicate over `/`-separated paths.

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Decides whether a vault-relative path is a note.
#[derive(Debug, Clone)]
pub struct NoteRules {
    ignore: GlobSet,
}

impl Default for NoteRules {
    fn default() -> Self {
        NoteRules {
            ignore: GlobSet::empty(),
        }
    }
}

/// A bad `ignore` pattern in the config.
#[derive(Debug, thiserror::Error)]
#[error("bad ignore glob {pattern:?}: {reason}")]
pub struct BadGlob {
    pub pattern: String,
    pub reason: String,
}

/// The paths a list of globs matches, with `.gitignore`-like rules: a glob
/// without `/` matches at any depth; a glob ending in `/` or naming a folder
/// matches everything under it (the syntax of `ignore` and `contacts`).
pub fn globs(patterns: &[String]) -> Result<GlobSet, BadGlob> {
    let ignore = patterns;
    let mut b = GlobSetBuilder::new();
    for pat in ignore {
        let p = pat.trim().trim_start_matches("./");
        if p.is_empty() {
            continue;
        }
        let base = p.trim_end_matches('/');
        let anchored = base.trim_start_matches('/');
        let variants: Vec<String> = if base.starts_with('/') || base.contains('/') {
            vec![anchored.to_string(), format!("{anchored}/**")]
        } else {
            vec![
                anchored.to_string(),
                format!("**/{anchored}"),
                format!("{anchored}/**"),
                format!("**/{anchored}/**"),
            ]
        };
        for v in variants {
            let g = Glob::new(&v).map_err(|e| BadGlob {
                pattern: pat.clone(),
                reason: e.kind().to_string(),
            })?;
            b.add(g);
        }
    }
    let ignore = b.build().map_err(|e| BadGlob {
        pattern: ignore.join(", "),
        reason: e.to_string(),
    })?;
    Ok(ignore)
}

impl NoteRules {
    /// Rules with the user's `ignore` globs. A glob without `/` matches at any
    /// depth (like `.gitignore`); a glob ending in `/` or naming a folder ignores
    /// everything under it.
    pub fn new(ignore: &[String]) -> Result<NoteRules, BadGlob> {
        Ok(NoteRules {
            ignore: globs(ignore)?,
        })
    }

    /// Is this folder (vault-relative, no trailing `/`) one to descend into?
    pub fn is_walked_dir(&self, rel: &str) -> bool {
        if rel.is_empty() {
            return true;
        }
        let last = rel.rsplit('/').next().unwrap_or(rel);
        !last.starts_with('.') && !self.ignored(rel)
    }

    /// Is this file (vault-relative) a note?
    pub fn is_note(&self, rel: &str) -> bool {
        if !rel.ends_with(".md") {
            return false;
        }
        let mut parts = rel.split('/').peekable();
        while let Some(part) = parts.next() {
            if part.is_empty() || part.starts_with('.') {
                return false;
            }
            if parts.peek().is_none() && is_editor_temp(part) {
                return false;
            }
        }
        !self.ignored(rel)
    }

    /// Does an `ignore` glob match? (globset prepares the path even for an
    /// empty set, which cost more than the rest of the walk per file)
    fn ignored(&self, rel: &str) -> bool {
        !self.ignore.is_empty() && self.ignore.is_match(rel)
    }
}

/// Editor temp, swap, lock and backup files: never notes, whatever their suffix.
pub fn is_editor_temp(file_name: &str) -> bool {
    let n = file_name;
    n.starts_with(".#")
        || (n.starts_with('#') && n.ends_with('#'))
        || n.ends_with('~')
        || n == "4913"
        || n.ends_with(".swp")
        || n.ends_with(".swo")
        || n.ends_with(".swx")
        || n.ends_with(".tmp")
        || n.ends_with(".bak")
        || n.ends_with(".orig")
        || contains_after(n, '_', "___jb_tmp___")
        || contains_after(n, '_', "___jb_old___")
        || contains_after(n, '.', ".sb-") // macOS safe-save
        || n.starts_with(".~")
        || n.starts_with(".rapport-tmp")
}

/// `n.contains(pat)` where `pat` starts with `first`: looks for that char
/// (memchr) before comparing, which for file names that mostly lack it is
/// far cheaper than a substring search (this runs for every file of a walk).
fn contains_after(n: &str, first: char, pat: &str) -> bool {
    n.match_indices(first)
        .any(|(i, _)| n.get(i..).is_some_and(|rest| rest.starts_with(pat)))
}

#[cfg(test)]
mod tests {
    use super::NoteRules;

    #[test]
    fn table() {
        let r = NoteRules::new(&["archive/".into(), "*.draft.md".into(), "/tmp-notes".into()])
            .expect("valid globs");
        let cases: &[(&str, bool)] = &[
            ("anna.md", true),
            ("people/anna.md", true),
            ("people/anna.MD", false),
            ("people/anna.txt", false),
            (".git/x.md", false),
            (".obsidian/workspace.md", false),
            ("people/.hidden/x.md", false),
            (".rapport/index/x.md", false),
            ("people/.#anna.md", false),
            ("people/#anna.md#", false),
            ("people/anna.md~", false),
            ("people/anna.md.swp", false),
            ("people/anna.md.tmp", false),
            ("people/anna.md___jb_tmp___", false),
            ("people/anna.md___jb_old___", false),
            ("people/x___jb_tmp___y.md", false),
            ("people/anna_b__jb_tmp___.md", true),
            ("people/anna.sb-12ab-x.md", false),
            ("people/anna-sb-1.md", true),
            ("archive/old.md", false),
            ("people/archive/old.md", false),
            ("x/y.draft.md", false),
            ("tmp-notes/a.md", false),
            ("sub/tmp-notes/a.md", true),
        ];
        for (path, want) in cases {
            assert_eq!(r.is_note(path), *want, "{path}");
        }
        assert!(!r.is_walked_dir(".git"));
        assert!(!r.is_walked_dir("archive"));
        assert!(r.is_walked_dir("people"));
    }
}
