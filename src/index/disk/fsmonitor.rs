//! Freshness from a running `watch`, the way git's fsmonitor and watchman
//! offer it (docs/ARCHITECTURE.md, "Freshness from a running watch").
//!
//! A read command normally walks the vault and stats every note before it
//! answers. While a native `watch` serves the vault, it holds a lock on the
//! folder `.rapport/cache-<id>/watch/` and answers *sync cookies* dropped
//! there: the reader creates `<unique>.cookie`; the watcher sees the cookie's
//! event after every event that happened before it (one inotify instance
//! delivers its events in order) and answers `<unique>.fresh`, listing the
//! notes it has seen change but not yet committed (the reader reads those
//! few itself, as git does with the paths fsmonitor names). Any doubt (a full rescan
//! pending, lost events, changed config, a scan that found problems) is
//! answered with another suffix, and a reader that gets no answer in
//! [`ACK_WAIT`] walks as before. No watcher (the lock is free) means no
//! cookie at all. Both sides live here so that the protocol is in one place.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crate::dotdir;
use crate::index::disk::layout::Paths;

/// The folder of cookies inside the cache folder.
const DIR: &str = "watch";
/// The suffix of a cookie waiting for its answer.
const COOKIE: &str = "cookie";
/// The answer "everything seen before the cookie is committed".
const FRESH: &str = "fresh";

/// Why a watcher would not vouch for the index; each is a suffix the
/// cookie is renamed to, and the reader walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doubt {
    /// Events were lost or a folder changed: a full rescan is pending.
    Rescan,
    /// `.rapport/config.toml` changed since the watcher read its rules.
    Config,
    /// The last full scan found problems that only a walk reports.
    Problems,
    /// The vault folder or the index went away under the watcher.
    Gone,
    /// The pending changes could not be applied.
    Failed,
}

impl Doubt {
    const ALL: [Doubt; 5] = [
        Doubt::Rescan,
        Doubt::Config,
        Doubt::Problems,
        Doubt::Gone,
        Doubt::Failed,
    ];

    fn suffix(self) -> &'static str {
        match self {
            Doubt::Rescan => "rescan",
            Doubt::Config => "config",
            Doubt::Problems => "problems",
            Doubt::Gone => "gone",
            Doubt::Failed => "failed",
        }
    }

    fn words(self) -> &'static str {
        match self {
            Doubt::Rescan => "the watcher has a full rescan pending",
            Doubt::Config => "the config changed since the watcher read it",
            Doubt::Problems => "the watcher's last scan found problems",
            Doubt::Gone => "the watcher lost the vault or its index",
            Doubt::Failed => "the watcher could not apply the changes",
        }
    }
}

/// How long a reader waits for the watcher's answer before it walks.
/// A caught-up watcher answers in about a millisecond, and one that first
/// commits a small batch in a few more; the wait only matters when the
/// watcher is stopped or swamped, where it is added to the walk it falls
/// back to (a walk of 100k notes takes a few hundred ms, so 40 ms costs at
/// most a small fraction of it).
pub const ACK_WAIT: Duration = Duration::from_millis(40);

/// How often the reader looks for the answer while it waits.
const ACK_POLL: Duration = Duration::from_micros(250);

/// Cookies and answers older than this are leftovers (a reader that timed
/// out, a watcher that died) and are removed by the watcher.
const LEFTOVER: Duration = Duration::from_secs(10);

/// What the watcher said, or why the reader walks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// A watcher vouches for the committed index except for `pending`
    /// (vault-relative note paths it has not committed yet): no walk.
    Fresh {
        waited: Duration,
        pending: Vec<String>,
    },
    /// Walk: the reason, for the debug line.
    Walk(String),
}

/// The cookie folder of a cache folder.
pub fn dir(paths: &Paths) -> PathBuf {
    paths.cache.join(DIR)
}

/// Ask a running watcher whether the committed index is up to date. Writes
/// only inside the cache folder, and only when a watcher holds the lock.
pub fn ask(paths: &Paths) -> Freshness {
    let dir = dir(paths);
    let Ok(f) = File::open(&dir) else {
        return Freshness::Walk("no watcher".into());
    };
    match f.try_lock_shared() {
        Ok(()) => return Freshness::Walk("no watcher".into()),
        Err(fs::TryLockError::WouldBlock) => {}
        Err(fs::TryLockError::Error(e)) => {
            return Freshness::Walk(format!("cannot test the watcher's lock: {e}"));
        }
    }
    drop(f);
    let name = unique();
    let cookie = dir.join(format!("{name}.{COOKIE}"));
    if let Err(e) = dotdir::create_private_file(&cookie) {
        return Freshness::Walk(format!("cannot write a cookie: {e}"));
    }
    let start = Instant::now();
    let fresh = dir.join(format!("{name}.{FRESH}"));
    loop {
        match fs::read_to_string(&fresh) {
            Ok(list) => {
                let _ = fs::remove_file(&fresh);
                return Freshness::Fresh {
                    waited: start.elapsed(),
                    pending: list.lines().map(str::to_string).collect(),
                };
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                let _ = fs::remove_file(&fresh);
                return Freshness::Walk(format!("cannot read the watcher's answer: {e}"));
            }
        }
        for d in Doubt::ALL {
            if fs::remove_file(dir.join(format!("{name}.{}", d.suffix()))).is_ok() {
                return Freshness::Walk(d.words().into());
            }
        }
        if start.elapsed() >= ACK_WAIT {
            let _ = fs::remove_file(&cookie);
            // an answer that came just now is not waited for again
            let _ = fs::remove_file(&fresh);
            return Freshness::Walk(format!(
                "the watcher did not answer within {} ms",
                ACK_WAIT.as_millis()
            ));
        }
        std::thread::sleep(ACK_POLL);
    }
}

/// A name no other reader uses at the same time.
fn unique() -> String {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{}-{:x}-{}",
        std::process::id(),
        nanos,
        COUNT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The watcher's side: the cookie folder made, ready to be watched.
pub struct Cookies {
    dir: PathBuf,
}

/// The watcher's lock on the cookie folder: readers send cookies only while
/// it is held.
pub struct Serving {
    _lock: File,
}

impl Cookies {
    /// Make the cookie folder (before the vault is watched, so that its
    /// events arrive) and clear what an earlier watcher left in it.
    pub fn prepare(paths: &Paths) -> io::Result<Cookies> {
        let dir = dir(paths);
        crate::dotdir::private_dir(&dir)?;
        if let Ok(rd) = fs::read_dir(&dir) {
            for e in rd.flatten() {
                let _ = fs::remove_file(e.path());
            }
        }
        Ok(Cookies { dir })
    }

    /// Start answering: take the folder's lock. Only a reader testing it
    /// holds it otherwise, for an instant, so this waits for that.
    pub fn serve(&self) -> io::Result<Serving> {
        let f = File::open(&self.dir)?;
        f.lock()?;
        Ok(Serving { _lock: f })
    }

    /// The cookie an event path names, if it is one of ours.
    pub fn cookie(&self, path: &Path) -> Option<String> {
        if path.parent() != Some(self.dir.as_path()) {
            return None;
        }
        let name = path.file_name()?.to_str()?;
        name.strip_suffix(COOKIE)?
            .strip_suffix('.')
            .map(str::to_string)
    }

    /// Answer a cookie with a doubt. A reader that gave up has removed the
    /// cookie, and the rename fails harmlessly.
    pub fn doubt(&self, name: &str, doubt: Doubt) {
        let _ = fs::rename(
            self.dir.join(format!("{name}.{COOKIE}")),
            self.dir.join(format!("{name}.{}", doubt.suffix())),
        );
    }

    /// Answer a cookie with "fresh but for these notes": the list is written
    /// whole under another name, then renamed into place.
    pub fn fresh<'a>(&self, name: &str, pending: impl IntoIterator<Item = &'a String>) {
        let part = self.dir.join(format!("{name}.part"));
        let mut text = String::new();
        for rel in pending {
            text.push_str(rel);
            text.push('\n');
        }
        let written = dotdir::create_private_file(&part)
            .and_then(|mut f| io::Write::write_all(&mut f, text.as_bytes()))
            .and_then(|()| fs::rename(&part, self.dir.join(format!("{name}.{FRESH}"))));
        if written.is_err() {
            let _ = fs::remove_file(&part);
            self.doubt(name, Doubt::Failed);
            return;
        }
        let _ = fs::remove_file(self.dir.join(format!("{name}.{COOKIE}")));
    }

    /// Remove cookies and answers nobody collected.
    pub fn sweep(&self) {
        let Ok(rd) = fs::read_dir(&self.dir) else {
            return;
        };
        let now = SystemTime::now();
        for e in rd.flatten() {
            let old = dotdir::age(e.metadata(), now).is_some_and(|a| a > LEFTOVER);
            if old {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// Print a debug line about the freshness check under `RAPPORT_DEBUG=1`.
pub fn trace(what: &Freshness) {
    if std::env::var_os("RAPPORT_DEBUG").is_none_or(|v| v.is_empty() || v == "0") {
        return;
    }
    match what {
        Freshness::Fresh { waited, pending } => eprintln!(
            "rapport: debug: freshness: watcher (answered in {:.1} ms, {} pending, no walk)",
            waited.as_secs_f64() * 1000.0,
            pending.len()
        ),
        Freshness::Walk(why) => eprintln!("rapport: debug: freshness: walk ({why})"),
    }
}

#[cfg(test)]
mod tests {
    use super::{Cookies, Doubt, Freshness, ask};
    use crate::index::disk::layout::Paths;

    #[test]
    fn a_cookie_is_answered_only_while_the_lock_is_held() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = Paths::new(dir.path());
        paths.ensure_dot().expect("dot");
        let c = Cookies::prepare(&paths).expect("prepare");
        // nobody serves: no cookie is even written
        assert_eq!(ask(&paths), Freshness::Walk("no watcher".into()));
        assert_eq!(
            std::fs::read_dir(super::dir(&paths)).expect("ls").count(),
            0
        );
        let serving = c.serve().expect("lock");
        // served but never answered: the reader gives up and cleans up
        assert!(matches!(ask(&paths), Freshness::Walk(w) if w.contains("did not answer")));
        assert_eq!(
            std::fs::read_dir(super::dir(&paths)).expect("ls").count(),
            0
        );
        // a thread plays the watcher
        for doubt in [None, Some(Doubt::Rescan)] {
            let answering = std::thread::scope(|s| {
                let c = &c;
                let p = &paths;
                s.spawn(move || {
                    loop {
                        let names: Vec<String> = std::fs::read_dir(super::dir(p))
                            .expect("ls")
                            .flatten()
                            .filter_map(|e| c.cookie(&e.path()))
                            .collect();
                        if let Some(n) = names.first() {
                            match doubt {
                                None => c.fresh(n, &["people/a.md".to_string()]),
                                Some(d) => c.doubt(n, d),
                            }
                            return;
                        }
                        std::thread::sleep(std::time::Duration::from_micros(100));
                    }
                });
                ask(&paths)
            });
            match doubt {
                None => assert!(
                    matches!(&answering, Freshness::Fresh { pending, .. } if pending == &["people/a.md"]),
                    "{answering:?}"
                ),
                Some(d) => assert_eq!(answering, Freshness::Walk(d.words().into())),
            }
        }
        drop(serving);
        assert_eq!(ask(&paths), Freshness::Walk("no watcher".into()));
    }
}
