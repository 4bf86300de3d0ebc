//! Freshness from a running `watch`: a read command skips its stat walk only
//! when a live, caught-up native watcher of its own cache folder vouches for
//! the index, and every answer is as fresh as a walk's. Which path was taken
//! is read from the `RAPPORT_DEBUG=1` line, never from timing.

use std::fs;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::harness::{TestVault, finish, paths, poll, rapport_cmd, spawn_watch, writer_held};

const WAIT: Duration = Duration::from_secs(60);

/// The path a read command took: "watcher" or "walk (why)".
#[derive(Debug)]
struct Searched {
    hits: Vec<String>,
    path: String,
}

impl Searched {
    fn fast(&self) -> bool {
        self.path.starts_with("watcher")
    }
}

fn search_in(root: &std::path::Path, word: &str) -> Searched {
    let mut c = rapport_cmd();
    c.arg("--vault")
        .arg(root)
        .args(["--json", "search", "--limit", "100", word])
        .env("RAPPORT_DEBUG", "1");
    let r = finish(c, None);
    assert!(
        r.code == 0 || r.code == 1,
        "search {word}: exit {}\n{}",
        r.code,
        r.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let path = r
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("rapport: debug: freshness: "))
        .unwrap_or_else(|| panic!("no freshness line in stderr:\n{}", r.stderr))
        .to_string();
    let mut hits = paths(&v["hits"]);
    hits.sort();
    Searched { hits, path }
}

fn search(v: &TestVault, word: &str) -> Searched {
    search_in(v.path(), word)
}

/// A word the tokenizers keep whole: letters only.
fn word(i: usize) -> String {
    let mut w = String::from("zq");
    let mut n = i;
    loop {
        w.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            break;
        }
    }
    w.push_str("xv");
    w
}

fn note(name: &str, text: &str) -> String {
    format!("---\nname: {name}\n---\nTalked about {text}.\n")
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(ok.success(), "kill {sig}");
}

/// `watch` with its events settling for `debounce_ms`, started like
/// `spawn_watch`.
fn spawn_watch_debounced(v: &TestVault, debounce_ms: u64) -> Child {
    let child = rapport_cmd()
        .arg("--vault")
        .arg(v.path())
        .arg("watch")
        .env("RAPPORT_WATCH_DEBOUNCE_MS", debounce_ms.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("watch");
    poll(WAIT, "watch to start", || writer_held(v).then_some(()));
    child
}

/// Wait until a search for `word` takes the fast path, and check its hits.
fn until_fast(v: &TestVault, word: &str, want: &[&str]) {
    let got = poll(WAIT, "the watcher to vouch again", || {
        let s = search(v, word);
        s.fast().then_some(s)
    });
    assert_eq!(got.hits, want, "{word}");
}

fn stop(mut w: Child) {
    let _ = w.kill();
    let _ = w.wait();
}

#[test]
fn edit_then_search_a_thousand_times_with_watch_running() {
    let v = TestVault::new();
    for (f, n) in [("anna", "Anna"), ("bob", "Bob"), ("cleo", "Cleo")] {
        v.write(&format!("people/{f}.md"), &note(n, "nothing yet"));
    }
    v.ok(&["index"]);
    let w = spawn_watch(&v, &[]);
    let mut fast = 0;
    let mut reasons = std::collections::BTreeMap::<String, usize>::new();
    for i in 0..1000 {
        let wd = word(i);
        let (probe, want): (String, Vec<String>) = match i % 4 {
            // a new file
            0 => {
                let rel = format!("people/new-{i}.md");
                v.write(&rel, &note("New", &wd));
                (wd, vec![rel])
            }
            // an edit in place (truncate and write)
            1 => {
                fs::write(v.abs("people/anna.md"), note("Anna", &wd)).expect("write");
                (wd, vec!["people/anna.md".into()])
            }
            // an editor's save: a temp file renamed over the note
            2 => {
                let tmp = v.abs("people/bob.md.saving");
                fs::write(&tmp, note("Bob", &wd)).expect("write");
                fs::rename(&tmp, v.abs("people/bob.md")).expect("rename");
                (wd, vec!["people/bob.md".into()])
            }
            // a delete: the note added three steps ago must be gone
            _ => {
                let rel = format!("people/new-{}.md", i - 3);
                fs::remove_file(v.abs(&rel)).expect("rm");
                (word(i - 3), vec![])
            }
        };
        let s = search(&v, &probe);
        assert_eq!(s.hits, want, "step {i} ({}): {}", i % 4, s.path);
        if s.fast() {
            fast += 1;
        }
        *reasons
            .entry(if s.fast() {
                "watcher".to_string()
            } else {
                s.path.clone()
            })
            .or_insert(0usize) += 1;
        // the word an edit in place replaced is gone at once too
        if i % 4 == 1 && i > 4 {
            let s = search(&v, &word(i - 4));
            assert_eq!(s.hits, Vec::<String>::new(), "step {i}: old word of anna");
        }
    }
    eprintln!("fresh: {fast} of 1000 searches skipped the walk: {reasons:?}");
    assert!(fast > 0, "the fast path was never taken");
    stop(w);
}

#[test]
fn the_walk_is_skipped_only_for_a_live_watcher_of_this_vault() {
    let v = TestVault::new();
    v.write("people/anna.md", &note("Anna", "sailing"));
    v.ok(&["index"]);
    let s = search(&v, "sailing");
    assert_eq!(
        (s.hits.as_slice(), s.path.as_str()),
        (
            ["people/anna.md".to_string()].as_slice(),
            "walk (no watcher)"
        )
    );

    let w = spawn_watch(&v, &[]);
    until_fast(&v, "sailing", &["people/anna.md"]);
    for _ in 0..5 {
        assert!(search(&v, "sailing").fast());
    }
    // answered cookies leave nothing behind
    let cookies = v.cache_dir().expect("cache").join("watch");
    let left: Vec<_> = fs::read_dir(&cookies).expect("ls").flatten().collect();
    assert!(left.is_empty(), "{left:?}");

    // another vault, and a vault inside this one, have no watcher of theirs
    let other = TestVault::new();
    other.write("people/anna.md", &note("Anna", "sailing"));
    assert_eq!(search(&other, "sailing").path, "walk (no watcher)");
    v.write("inner/people/zed.md", &note("Zed", "kayak"));
    let inner = v.abs("inner");
    let s = search_in(&inner, "kayak");
    assert_eq!(
        (s.hits, s.path.as_str()),
        (vec!["people/zed.md".to_string()], "walk (no watcher)")
    );

    // a stopped watcher never answers: the reader walks and still sees the edit
    signal(&w, "-STOP");
    fs::write(v.abs("people/anna.md"), note("Anna", "rowing")).expect("write");
    let s = search(&v, "rowing");
    assert_eq!(s.hits, ["people/anna.md"], "path taken: {}", s.path);
    assert!(s.path.contains("did not answer"), "{}", s.path);
    assert_eq!(search(&v, "sailing").hits, Vec::<String>::new());
    signal(&w, "-CONT");
    until_fast(&v, "rowing", &["people/anna.md"]);

    // a dead watcher's lock is gone with it
    let mut w = w;
    signal(&w, "-KILL");
    let _ = w.wait();
    fs::write(v.abs("people/anna.md"), note("Anna", "gliding")).expect("write");
    let s = search(&v, "gliding");
    assert_eq!(
        (s.hits.as_slice(), s.path.as_str()),
        (
            ["people/anna.md".to_string()].as_slice(),
            "walk (no watcher)"
        )
    );

    // polling offers no fast path
    let w = spawn_watch(&v, &["--poll", "100ms"]);
    let s = search(&v, "gliding");
    assert_eq!(
        (s.hits.as_slice(), s.path.as_str()),
        (
            ["people/anna.md".to_string()].as_slice(),
            "walk (no watcher)"
        )
    );
    stop(w);
}

#[test]
fn a_pending_rescan_or_lost_events_make_readers_walk() {
    let v = TestVault::new();
    v.write("people/anna.md", &note("Anna", "sailing"));
    v.write("junk.txt", "x");
    v.ok(&["index"]);
    // events settle for 3 s, so that a rescan stays pending while we look
    let w = spawn_watch_debounced(&v, 3000);
    until_fast(&v, "sailing", &["people/anna.md"]);

    // a new folder needs a full scan (its first files may have come before
    // the watch on it): the reader is told to walk, and sees the note
    v.write("people/sub/bea.md", &note("Bea", "kayak"));
    let s = search(&v, "kayak");
    assert_eq!(s.hits, ["people/sub/bea.md"]);
    assert_eq!(s.path, "walk (the watcher has a full rescan pending)");
    until_fast(&v, "kayak", &["people/sub/bea.md"]);

    // lost events: the watcher is stopped while more events happen than its
    // queue holds (fs.inotify.max_queued_events), then resumed
    let max: usize = fs::read_to_string("/proc/sys/fs/inotify/max_queued_events")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(16384);
    if max > 200_000 {
        eprintln!("skipping the overflow part: max_queued_events is {max}");
        stop(w);
        return;
    }
    signal(&w, "-STOP");
    fs::write(v.abs("people/anna.md"), note("Anna", "rowing")).expect("write");
    // each write is an open, a modify and a close-write event
    for i in 0..(max / 3 + 2000) {
        fs::write(v.abs("junk.txt"), i.to_string()).expect("write");
    }
    signal(&w, "-CONT");
    let s = search(&v, "rowing");
    assert_eq!(s.hits, ["people/anna.md"]);
    assert!(s.path.starts_with("walk ("), "{}", s.path);
    // after its rescan the watcher vouches again, with the edit in
    until_fast(&v, "rowing", &["people/anna.md"]);
    assert_eq!(search(&v, "sailing").hits, Vec::<String>::new());
    stop(w);
}
