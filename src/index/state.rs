//! The stat cache beside the index (`rapport-state`): path, stat and content
//! hash of every indexed note, tagged with the index commit it mirrors. A no-op
//! sync reads this file and stats the vault; it opens no file and no segment.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::index::diff::Known;
use crate::index::scan::Stat;

pub const STATE_FILE: &str = "rapport-state";
const MAGIC: &str = "rapport-state 1";

/// The cache: entries sorted by path, and the opstamp of the commit they describe.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub opstamp: u64,
    pub entries: Vec<Known>,
}

fn escape(p: &str) -> String {
    p.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl State {
    /// Read the cache; `None` when missing or malformed (the caller rebuilds).
    pub fn load(dir: &Path) -> Option<State> {
        let text = fs::read_to_string(dir.join(STATE_FILE)).ok()?;
        let mut lines = text.split('\n');
        let head = lines.next()?;
        let opstamp: u64 = head.strip_prefix(MAGIC)?.trim().parse().ok()?;
        let mut entries = Vec::new();
        for line in lines {
            if line.is_empty() {
                continue;
            }
            let mut it = line.splitn(7, ' ');
            let mtime: i64 = it.next()?.parse().ok()?;
            let ctime: i64 = it.next()?.parse().ok()?;
            let size: u64 = it.next()?.parse().ok()?;
            let ino: u64 = it.next()?.parse().ok()?;
            let hash = u64::from_str_radix(it.next()?, 16).ok()?;
            let errors = it.next()? == "E";
            let rel = unescape(it.next()?);
            let stat = (mtime != 0).then_some(Stat {
                mtime_ns: mtime,
                ctime_ns: ctime,
                size,
                ino,
            });
            entries.push(Known {
                rel,
                stat,
                hash,
                errors,
            });
        }
        // must be sorted and unique for the merge diff
        if entries.windows(2).any(|w| w[0].rel >= w[1].rel) {
            return None;
        }
        Some(State { opstamp, entries })
    }

    /// Write atomically (temp file + rename).
    pub fn save(&self, dir: &Path) -> io::Result<()> {
        let tmp = dir.join(format!("{STATE_FILE}.tmp"));
        {
            let f = fs::File::create(&tmp)?;
            let mut w = BufWriter::new(f);
            writeln!(w, "{MAGIC} {}", self.opstamp)?;
            for k in &self.entries {
                let s = k.stat.unwrap_or_default();
                let mtime = if k.stat.is_some() {
                    s.mtime_ns.max(1)
                } else {
                    0
                };
                writeln!(
                    w,
                    "{} {} {} {} {:016x} {} {}",
                    mtime,
                    s.ctime_ns,
                    s.size,
                    s.ino,
                    k.hash,
                    if k.errors { "E" } else { "-" },
                    escape(&k.rel)
                )?;
            }
            let f = w.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()?;
        }
        fs::rename(&tmp, dir.join(STATE_FILE))
    }
}

#[cfg(test)]
mod tests {
    use super::State;
    use crate::index::diff::Known;
    use crate::index::scan::Stat;

    #[test]
    fn round_trip_with_odd_paths() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = State {
            opstamp: 7,
            entries: vec![
                Known {
                    rel: "a b/c\\d.md".into(),
                    stat: None,
                    hash: 1,
                    errors: true,
                },
                Known {
                    rel: "new\nline.md".into(),
                    stat: Some(Stat {
                        mtime_ns: 5,
                        ctime_ns: 6,
                        size: 7,
                        ino: 8,
                    }),
                    hash: u64::MAX,
                    errors: false,
                },
            ],
        };
        s.save(dir.path()).expect("save");
        let t = State::load(dir.path()).expect("load");
        assert_eq!(t.opstamp, 7);
        assert_eq!(t.entries, s.entries);
    }
}
