//! PURE: compare the notes on disk with what the index knows, both sorted by
//! path, into added / stat-changed / removed / unchanged.

use crate::index::disk::scan::{Entry, Stat};

/// What the index knows about one note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub rel: String,
    /// Stat at the time it was hashed; `None` when it must be re-checked.
    pub stat: Option<Stat>,
    pub hash: u64,
    /// The note had error-level problems when it was indexed.
    pub errors: bool,
}

/// The work a sync has to do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// On disk, not in the index.
    pub added: Vec<Entry>,
    /// In both, but the stat differs: read and hash to know.
    pub changed: Vec<Entry>,
    /// In the index, not on disk.
    pub removed: Vec<String>,
    pub unchanged: usize,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Merge two path-sorted lists.
pub fn diff(disk: &[Entry], known: &[Known]) -> Diff {
    let mut d = Diff::default();
    let (mut i, mut j) = (0, 0);
    while i < disk.len() || j < known.len() {
        match (disk.get(i), known.get(j)) {
            (Some(a), Some(b)) if a.rel == b.rel => {
                if b.stat == Some(a.stat) {
                    d.unchanged += 1;
                } else {
                    d.changed.push(a.clone());
                }
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a.rel < b.rel => {
                d.added.push(a.clone());
                i += 1;
            }
            (Some(_), Some(b)) => {
                d.removed.push(b.rel.clone());
                j += 1;
            }
            (Some(a), None) => {
                d.added.push(a.clone());
                i += 1;
            }
            (None, Some(b)) => {
                d.removed.push(b.rel.clone());
                j += 1;
            }
            (None, None) => break,
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::{Known, diff};
    use crate::index::disk::scan::{Entry, Stat};

    fn e(rel: &str, m: i64) -> Entry {
        Entry {
            rel: rel.into(),
            stat: Stat {
                mtime_ns: m,
                ..Stat::default()
            },
        }
    }
    fn k(rel: &str, m: Option<i64>) -> Known {
        Known {
            rel: rel.into(),
            stat: m.map(|m| Stat {
                mtime_ns: m,
                ..Stat::default()
            }),
            hash: 0,
            errors: false,
        }
    }

    #[test]
    fn table() {
        let d = diff(&[], &[]);
        assert!(d.is_empty());
        let d = diff(
            &[e("a", 1), e("b", 1), e("d", 2)],
            &[k("a", Some(1)), k("c", Some(1)), k("d", Some(1))],
        );
        assert_eq!(d.unchanged, 1);
        assert_eq!(d.added, vec![e("b", 1)]);
        assert_eq!(d.removed, vec!["c".to_string()]);
        assert_eq!(d.changed, vec![e("d", 2)]);
        // racy entries (no stat) are always re-checked
        let d = diff(&[e("a", 1)], &[k("a", None)]);
        assert_eq!(d.changed.len(), 1);
        // everything removed / everything added
        assert_eq!(diff(&[], &[k("a", Some(1))]).removed.len(), 1);
        assert_eq!(diff(&[e("a", 1)], &[]).added.len(), 1);
    }
}
