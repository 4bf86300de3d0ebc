//! The stat cache beside the index (`rapport-state`): path, stat and content
//! hash of every indexed note, tagged with the index commit it mirrors. A no-op
//! sync reads this file and stats the vault; it opens no file and no segment.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::index::disk::diff::Known;
use crate::index::disk::scan::Stat;

pub const STATE_FILE: &str = "rapport-state";
const MAGIC: &str = "rapport-state 1";

/// What `--no-sync` needs to report: the counts of the last commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub opstamp: u64,
    pub notes: usize,
    pub errors: usize,
}

const PAYLOAD: &str = "rapport-counts";

impl Summary {
    /// The commit payload that carries the counts of a commit in meta.json.
    pub fn payload(notes: usize, errors: usize) -> String {
        format!("{PAYLOAD} notes={notes} errors={errors}")
    }

    /// The counts of a commit, from its payload; `None` for an index written
    /// without one.
    pub fn from_payload(payload: &str, opstamp: u64) -> Option<Summary> {
        let mut it = payload.strip_prefix(PAYLOAD)?.split_whitespace();
        let notes = it.next()?.strip_prefix("notes=")?.parse().ok()?;
        let errors = it.next()?.strip_prefix("errors=")?.parse().ok()?;
        it.next().is_none().then_some(Summary {
            opstamp,
            notes,
            errors,
        })
    }
}

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

/// A cursor over the cache's bytes. The file is parsed in one pass, each
/// number read while it is scanned: every read command loads this file, and
/// splitting it into `&str` fields first cost more than the rest of a search.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// Digits up to the next space (consumed); `None` on anything else.
    fn dec(&mut self) -> Option<u64> {
        let start = self.i;
        let mut n: u64 = 0;
        while let Some(&c) = self.b.get(self.i) {
            let d = c.wrapping_sub(b'0');
            if d >= 10 {
                break;
            }
            // 19 digits always fit: no overflow check on the hot path
            n = if self.i - start < 19 {
                n * 10 + u64::from(d)
            } else {
                n.checked_mul(10)?.checked_add(u64::from(d))?
            };
            self.i += 1;
        }
        (self.i > start && self.space()).then_some(n)
    }

    fn signed(&mut self) -> Option<i64> {
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
            let n = self.dec()?;
            if n == 1 << 63 {
                Some(i64::MIN)
            } else {
                i64::try_from(n).ok().map(|n| -n)
            }
        } else {
            i64::try_from(self.dec()?).ok()
        }
    }

    fn hex(&mut self) -> Option<u64> {
        let start = self.i;
        let mut n: u64 = 0;
        while let Some(&c) = self.b.get(self.i) {
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => break,
            };
            if self.i - start == 16 {
                return None;
            }
            n = (n << 4) | u64::from(d);
            self.i += 1;
        }
        (self.i > start && self.space()).then_some(n)
    }

    fn space(&mut self) -> bool {
        let ok = self.b.get(self.i) == Some(&b' ');
        self.i += usize::from(ok);
        ok
    }

    /// Bytes up to the next space (consumed).
    fn word(&mut self) -> Option<&[u8]> {
        let rest = self.b.get(self.i..)?;
        let n = rest.iter().position(|&c| c == b' ' || c == b'\n')?;
        self.i += n;
        self.space().then(|| &rest[..n])
    }

    /// The rest of the line (its `\n` consumed).
    fn line(&mut self) -> &[u8] {
        let rest = self.b.get(self.i..).unwrap_or_default();
        let n = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
        self.i += n + 1;
        &rest[..n]
    }
}

/// `mtime ctime size ino hash(hex) E|- path`, the path escaped.
fn parse_line(c: &mut Cursor<'_>) -> Option<Known> {
    let mtime = c.signed()?;
    let ctime = c.signed()?;
    let size = c.dec()?;
    let ino = c.dec()?;
    let hash = c.hex()?;
    let errors = c.word()? == b"E";
    let raw = c.line();
    if raw.is_empty() {
        return None;
    }
    let raw = std::str::from_utf8(raw).ok()?;
    let rel = if raw.contains('\\') {
        unescape(raw)
    } else {
        raw.to_string()
    };
    let stat = (mtime != 0).then_some(Stat {
        mtime_ns: mtime,
        ctime_ns: ctime,
        size,
        ino,
    });
    Some(Known {
        rel,
        stat,
        hash,
        errors,
    })
}

impl State {
    /// Read the cache; `None` when missing or malformed (the caller rebuilds).
    /// Every read command parses it, so it is parsed as bytes, field by field,
    /// without splitting into `&str`s first (see PERF-NOTES.md / BENCHMARKS.md).
    pub fn load(dir: &Path) -> Option<State> {
        let bytes = fs::read(dir.join(STATE_FILE)).ok()?;
        let mut c = Cursor { b: &bytes, i: 0 };
        let head = std::str::from_utf8(c.line()).ok()?;
        let opstamp: u64 = head.strip_prefix(MAGIC)?.trim().parse().ok()?;
        let mut entries: Vec<Known> = Vec::with_capacity(bytes.len() / 90);
        while c.i < bytes.len() {
            if bytes[c.i] == b'\n' {
                c.i += 1;
                continue;
            }
            let k = parse_line(&mut c)?;
            // must be sorted and unique for the merge diff
            if entries.last().is_some_and(|prev| prev.rel >= k.rel) {
                return None;
            }
            entries.push(k);
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
    use crate::index::disk::diff::Known;
    use crate::index::disk::scan::Stat;

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

    #[test]
    fn extreme_numbers_and_spaces_in_paths() {
        let dir = tempfile::tempdir().expect("tempdir");
        let k = |rel: &str, m: i64, c: i64| Known {
            rel: rel.into(),
            stat: Some(Stat {
                mtime_ns: m,
                ctime_ns: c,
                size: u64::MAX,
                ino: 0,
            }),
            hash: 0xABCD,
            errors: false,
        };
        let s = State {
            opstamp: u64::MAX,
            entries: vec![
                k("a b  c.md", i64::MAX, i64::MIN),
                k("b.md", 5, -1_000_000_000),
                k("ü/ß.md", 1, 0),
            ],
        };
        s.save(dir.path()).expect("save");
        let t = State::load(dir.path()).expect("load");
        assert_eq!(t.opstamp, u64::MAX);
        assert_eq!(t.entries, s.entries);
    }

    #[test]
    fn malformed_files_are_rejected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let head = "rapport-state 1 3\n";
        for body in [
            "1 2 3 4 ff - \n",                        // no path
            "1 2 3 4 ff -\n",                         // no path, no separator
            "1 2 3 4 fg - a.md\n",                    // bad hex
            "1 2 x 4 ff - a.md\n",                    // bad number
            "99999999999999999999 2 3 4 ff - a.md\n", // overflow
            "1 2 3 4 ff - b.md\n1 2 3 4 ff - a.md\n", // unsorted
            "1 2 3 4 ff - a.md\n1 2 3 4 ff - a.md\n", // duplicate
        ] {
            std::fs::write(dir.path().join(super::STATE_FILE), format!("{head}{body}"))
                .expect("write");
            assert!(State::load(dir.path()).is_none(), "{body:?}");
        }
        std::fs::write(
            dir.path().join(super::STATE_FILE),
            format!("{head}0 0 0 0 10 E a\\\\b.md\n\n"),
        )
        .expect("write");
        let t = State::load(dir.path()).expect("load");
        assert_eq!(t.opstamp, 3);
        assert_eq!(t.entries.len(), 1);
        assert_eq!(t.entries[0].rel, "a\\b.md");
        assert_eq!(t.entries[0].stat, None);
        assert_eq!(t.entries[0].hash, 16);
        assert!(t.entries[0].errors);
    }

    #[test]
    fn counts_payload_round_trip() {
        use super::Summary;
        let p = Summary::payload(10_000, 3);
        assert_eq!(
            Summary::from_payload(&p, 9),
            Some(Summary {
                opstamp: 9,
                notes: 10_000,
                errors: 3
            })
        );
        for bad in [
            "",
            "Segments Merge: [x]",
            "rapport-counts notes=1",
            "rapport-counts notes=1 errors=x",
            "rapport-counts notes=1 errors=2 more",
        ] {
            assert_eq!(Summary::from_payload(bad, 1), None, "{bad:?}");
        }
    }
}
