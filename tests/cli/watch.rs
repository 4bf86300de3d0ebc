//! `rapport watch` end to end: the real binary watches a tempdir vault while
//! each editor's save sequence is done on disk exactly as the editor does it;
//! `search --no-sync` is then polled, with a deadline, until the change shows.
//! Latencies are measured from the moment the file operation completed.

// Test support code: a failed expectation is a failed test, so helpers may
// panic like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use crate::harness::{TestVault, paths, poll, promised, run_cmd, vault_cmd, wait_deadline};
use serde_json::Value;

/// The spec's promise: a save is searchable within one second.
const SAVE_DEADLINE: Duration = Duration::from_secs(1);
/// A burst of hundreds of files (a `git checkout`) within three.
const BURST_DEADLINE: Duration = Duration::from_secs(3);
/// Start-up (first index build) and shut-down of the watch process.
const START_DEADLINE: Duration = Duration::from_secs(30);
const STOP_DEADLINE: Duration = Duration::from_secs(15);

/// One watch at a time: the latency checks (`RAPPORT_TIMING=1`) measure wall
/// time, and watches running side by side compete for the machine's cores.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// `search` on the committed index, polled until the watcher has put a
/// change there.
trait Hits {
    fn hits(&self, query: &str) -> Vec<String>;
    fn until(&self, query: &str, limit: Duration, ok: impl Fn(&[String]) -> bool) -> Duration;
    fn until_exactly(&self, query: &str, want: &[&str], limit: Duration) -> Duration;
}

impl Hits for TestVault {
    /// Paths of the hits of `search QUERY` on the committed index, as they
    /// are (no sync: only the watcher may have put them there).
    fn hits(&self, query: &str) -> Vec<String> {
        let mut c = self.cmd(&[]);
        c.args(["--no-sync", "--json", "search", "--limit", "1000", query]);
        let (code, out, err) = run_cmd(c);
        assert!(code == 0 || code == 1, "search exit {code}: {err}");
        let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        let mut hits = paths(&v["hits"]);
        assert_eq!(
            code == 1,
            hits.is_empty(),
            "exit 1 exactly when nothing found"
        );
        hits.sort();
        hits
    }

    /// Poll `search` until `ok(hits)`; the time it took from the call, or a
    /// failure naming what was last seen. `limit` is the promise, checked
    /// with `RAPPORT_TIMING=1` (see `promised`).
    fn until(&self, query: &str, limit: Duration, ok: impl Fn(&[String]) -> bool) -> Duration {
        let limit = promised(limit);
        let start = Instant::now();
        loop {
            let hits = self.hits(query);
            if ok(&hits) {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < limit,
                "{query:?} not as expected within {limit:?}; last hits {hits:?}"
            );
            thread::sleep(Duration::from_millis(5));
        }
    }

    fn until_exactly(&self, query: &str, want: &[&str], limit: Duration) -> Duration {
        self.until(query, limit, |h| h == want)
    }
}

fn note(name: &str, body: &str) -> String {
    format!("---\nname: {name}\ntags: [watch]\n---\n# {name}\n\n{body}\n")
}

/// A running `rapport --json watch`, killed when dropped.
struct Watching {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<Value>,
    /// `wait_for` looks at lines from here on: each wait consumes up to its match.
    next: usize,
}

impl Watching {
    fn start(v: &TestVault, extra: &[&str]) -> Watching {
        let mut c = v.cmd(&[]);
        c.args(["--json", "watch"]).args(extra);
        c.stdout(Stdio::piped()).stderr(Stdio::inherit());
        let mut child = c.spawn().expect("spawn watch");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut w = Watching {
            child,
            lines: rx,
            seen: Vec::new(),
            next: 0,
        };
        w.wait_for(START_DEADLINE, |e| e["event"] == "watching");
        w
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Take in every line printed so far.
    fn drain(&mut self) {
        while let Ok(l) = self.lines.try_recv() {
            self.push(&l);
        }
    }

    fn push(&mut self, line: &str) {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        self.seen.push(v);
    }

    /// Wait for the next output object matching `pred`.
    fn wait_for(&mut self, limit: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        let limit = promised(limit);
        let deadline = Instant::now() + limit;
        self.drain();
        if let Some(i) = self.seen[self.next..].iter().position(&pred) {
            self.next += i + 1;
            return self.seen[self.next - 1].clone();
        }
        self.next = self.seen.len();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    self.push(&l);
                    self.next = self.seen.len();
                    let last = self.seen.last().cloned().expect("just pushed");
                    if pred(&last) {
                        return last;
                    }
                }
                Err(_) => panic!(
                    "watch printed nothing matching within {limit:?}; saw {:?}",
                    self.seen
                ),
            }
        }
    }

    /// Send a signal and wait for the exit; every line printed.
    fn stop_with(mut self, signal: &str) -> (ExitStatus, Vec<Value>) {
        let (code, _, err) = run_cmd({
            let mut k = Command::new("kill");
            k.arg(format!("-{signal}")).arg(self.pid().to_string());
            k
        });
        assert_eq!(code, 0, "kill: {err}");
        let status = wait_deadline(&mut self.child, STOP_DEADLINE).unwrap_or_else(|| {
            panic!("watch did not exit within {STOP_DEADLINE:?} of SIG{signal}")
        });
        // the reader thread ends with the pipe
        let deadline = Instant::now() + STOP_DEADLINE;
        while let Ok(l) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            self.push(&l);
        }
        let seen = std::mem::take(&mut self.seen);
        (status, seen)
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// No printed change and no hit may name an editor's temp file or anything
/// under `.git/` or `.rapport/`.
fn assert_no_junk(paths: impl IntoIterator<Item = String>) {
    for p in paths {
        let name = p.rsplit('/').next().unwrap_or(&p);
        let junk = p.starts_with(".git/")
            || p.starts_with(".rapport/")
            || name.ends_with('~')
            || name == "4913"
            || name.starts_with(".#")
            || name.starts_with('#')
            || name.ends_with(".swp")
            || name.contains("___jb_")
            || name.contains(".tmp");
        assert!(!junk, "junk reached the index: {p}");
    }
}

fn printed_paths(seen: &[Value]) -> Vec<String> {
    seen.iter()
        .filter_map(|v| v["path"].as_str().map(String::from))
        .collect()
}

// ---------------------------------------------------------------- save patterns

type Save = fn(&TestVault, &str, &str);

/// VS Code / Obsidian style "atomic" write: a temp file, renamed over.
fn atomic_rename(v: &TestVault, rel: &str, text: &str) {
    let tmp = format!("{rel}.tmp.4711");
    v.write(&tmp, text);
    fs::rename(v.abs(&tmp), v.abs(rel)).expect("rename");
}

/// vim with `backupcopy=no` (and the default `writebackup`): probe the
/// folder with `4913`, rename the note to its backup, write the new note,
/// delete the backup; the swap file lives beside it the whole time.
fn vim(v: &TestVault, rel: &str, text: &str) {
    let p = v.abs(rel);
    let dir = p.parent().expect("parent").to_path_buf();
    let name = p.file_name().expect("name").to_string_lossy().to_string();
    let swap = dir.join(format!(".{name}.swp"));
    fs::write(&swap, b"b0VIM 9.0 swap").expect("swap");
    let probe = dir.join("4913");
    fs::write(&probe, b"").expect("probe");
    fs::remove_file(&probe).expect("rm probe");
    let backup = dir.join(format!("{name}~"));
    fs::rename(&p, &backup).expect("backup rename");
    let mut f = fs::File::create(&p).expect("create");
    f.write_all(text.as_bytes()).expect("write");
    f.sync_all().expect("fsync");
    drop(f);
    fs::remove_file(&backup).expect("rm backup");
    fs::remove_file(&swap).expect("rm swap");
}

/// emacs: a lock symlink `.#name` while modified, an auto-save file
/// `#name#`, the first save renames the original to `name~` (kept), writes
/// the note anew, then drops auto-save and lock.
fn emacs(v: &TestVault, rel: &str, text: &str) {
    let p = v.abs(rel);
    let dir = p.parent().expect("parent").to_path_buf();
    let name = p.file_name().expect("name").to_string_lossy().to_string();
    let lock = dir.join(format!(".#{name}"));
    let _ = fs::remove_file(&lock);
    std::os::unix::fs::symlink("user@host.4711:1700000000", &lock).expect("lock symlink");
    let autosave = dir.join(format!("#{name}#"));
    fs::write(&autosave, text).expect("autosave");
    let backup = dir.join(format!("{name}~"));
    fs::rename(&p, &backup).expect("backup rename");
    fs::write(&p, text).expect("write");
    fs::remove_file(&autosave).expect("rm autosave");
    fs::remove_file(&lock).expect("rm lock");
}

/// JetBrains "safe write": write `name___jb_tmp___`, move the original to
/// `name___jb_old___`, move the temp into place, delete the old one.
fn jetbrains(v: &TestVault, rel: &str, text: &str) {
    let tmp = format!("{rel}___jb_tmp___");
    let old = format!("{rel}___jb_old___");
    v.write(&tmp, text);
    fs::rename(v.abs(rel), v.abs(&old)).expect("rename old");
    fs::rename(v.abs(&tmp), v.abs(rel)).expect("rename tmp");
    fs::remove_file(v.abs(&old)).expect("rm old");
}

/// nano, `echo >`, VS Code's default: truncate in place, then write.
fn in_place(v: &TestVault, rel: &str, text: &str) {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(v.abs(rel))
        .expect("open");
    f.flush().expect("flush");
    let (a, b) = text.split_at(text.len() / 2);
    f.write_all(a.as_bytes()).expect("write a");
    f.write_all(b.as_bytes()).expect("write b");
}

/// Deleted and written anew straight away (well within the debounce window).
fn delete_recreate(v: &TestVault, rel: &str, text: &str) {
    fs::remove_file(v.abs(rel)).expect("rm");
    v.write(rel, text);
}

fn median(xs: &mut [Duration]) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

#[test]
fn every_save_pattern_is_searchable_within_a_second() {
    let _g = serial();
    let v = TestVault::new();
    let rel = "people/anna.md";
    v.write(rel, &note("Anna Schmidt", "sailing initialword"));
    v.write("people/jonas.md", &note("Jonas Weber", "negotiation"));
    let mut w = Watching::start(&v, &[]);
    let patterns: &[(&str, Save)] = &[
        ("atomic rename", atomic_rename),
        ("vim backup rename", vim),
        ("emacs", emacs),
        ("jetbrains safe write", jetbrains),
        ("in-place truncate+write", in_place),
        ("delete + re-create", delete_recreate),
    ];
    const ROUNDS: usize = 5;
    let mut prev = String::from("initialword");
    let mut report = Vec::new();
    for (i, (label, save)) in patterns.iter().enumerate() {
        let mut lat = Vec::new();
        for round in 0..ROUNDS {
            let word = format!("pattern{i}round{round}word");
            save(&v, rel, &note("Anna Schmidt", &format!("sailing {word}")));
            let t = v.until_exactly(&word, &[rel], SAVE_DEADLINE);
            // the old text is gone from the index, not kept by a backup file
            v.until_exactly(&prev, &[], SAVE_DEADLINE);
            lat.push(t);
            prev = word;
        }
        let worst = *lat.iter().max().expect("rounds");
        report.push(format!(
            "{label:<24} median {:>4} ms  worst {:>4} ms",
            median(&mut lat).as_millis(),
            worst.as_millis()
        ));
    }
    eprintln!("save -> searchable latency ({ROUNDS} rounds each):");
    for r in &report {
        eprintln!("  {r}");
    }
    // everything the editors left behind is on disk, none of it indexed
    assert!(v.abs("people/anna.md~").exists(), "emacs keeps its backup");
    v.until_exactly("sailing", &["people/anna.md"], SAVE_DEADLINE);
    w.drain();
    assert_no_junk(printed_paths(&w.seen));
    assert!(
        w.seen
            .iter()
            .any(|e| e["event"] == "updated" && e["path"] == rel),
        "a save prints {{\"event\":\"updated\",\"path\":\"{rel}\"}}: {:?}",
        w.seen
    );
    let (status, _) = w.stop_with("INT");
    assert!(status.success(), "{status:?}");
}

#[test]
fn create_delete_rename_and_folder_moves() {
    let _g = serial();
    let v = TestVault::new();
    v.write("people/anna.md", &note("Anna", "alphaword"));
    v.write("people/sub/bob.md", &note("Bob", "betaword"));
    let mut w = Watching::start(&v, &[]);

    v.write("people/carla.md", &note("Carla", "gammaword"));
    eprintln!(
        "create: {:?}",
        v.until_exactly("gammaword", &["people/carla.md"], SAVE_DEADLINE)
    );
    w.wait_for(SAVE_DEADLINE, |e| {
        e["event"] == "added" && e["path"] == "people/carla.md"
    });

    fs::rename(v.abs("people/carla.md"), v.abs("people/karla.md")).expect("rename");
    eprintln!(
        "rename: {:?}",
        v.until_exactly("gammaword", &["people/karla.md"], SAVE_DEADLINE)
    );

    fs::remove_file(v.abs("people/karla.md")).expect("rm");
    eprintln!(
        "delete: {:?}",
        v.until_exactly("gammaword", &[], SAVE_DEADLINE)
    );
    w.wait_for(SAVE_DEADLINE, |e| {
        e["event"] == "removed" && e["path"] == "people/karla.md"
    });

    fs::rename(v.abs("people"), v.abs("contacts")).expect("folder rename");
    eprintln!(
        "folder rename: {:?}",
        v.until_exactly("betaword", &["contacts/sub/bob.md"], SAVE_DEADLINE)
    );
    v.until_exactly("alphaword", &["contacts/anna.md"], SAVE_DEADLINE);

    fs::create_dir_all(v.abs("archive/2025")).expect("mkdir");
    fs::rename(v.abs("contacts/sub"), v.abs("archive/2025/sub")).expect("folder move");
    eprintln!(
        "folder move: {:?}",
        v.until_exactly("betaword", &["archive/2025/sub/bob.md"], SAVE_DEADLINE)
    );

    // a folder created with notes already inside (mkdir -p && cp -r)
    let staging = tempfile::tempdir().expect("tempdir");
    fs::create_dir_all(staging.path().join("team/x")).expect("mkdir");
    fs::write(
        staging.path().join("team/x/dora.md"),
        note("Dora", "deltaword"),
    )
    .expect("w");
    let copy = Command::new("cp")
        .arg("-r")
        .arg(staging.path().join("team"))
        .arg(v.path())
        .status()
        .expect("cp");
    assert!(copy.success());
    eprintln!(
        "folder copied in: {:?}",
        v.until_exactly("deltaword", &["team/x/dora.md"], SAVE_DEADLINE)
    );

    // moved out of the vault, then a whole folder deleted
    fs::rename(v.abs("team"), staging.path().join("team-back")).expect("move out");
    v.until_exactly("deltaword", &[], SAVE_DEADLINE);
    fs::remove_dir_all(v.abs("archive")).expect("rm -r");
    v.until_exactly("betaword", &[], SAVE_DEADLINE);
    v.until_exactly("alphaword", &["contacts/anna.md"], SAVE_DEADLINE);
    drop(w);
}

#[test]
fn a_burst_of_500_files_is_searchable_within_3_seconds() {
    let _g = serial();
    let v = TestVault::new();
    v.write("anna.md", &note("Anna", "seedword"));
    v.write("people/gone.md", &note("Gone", "burstword"));
    let w = Watching::start(&v, &[]);
    let expected: Vec<String> = (0..500).map(|i| format!("people/p{i:03}.md")).collect();
    for (i, rel) in expected.iter().enumerate() {
        v.write(rel, &note(&format!("Person {i}"), "burstword"));
        // deleted and re-created inside the burst: must stay indexed
        if i % 50 == 0 {
            fs::remove_file(v.abs(rel)).expect("rm");
            v.write(rel, &note(&format!("Person {i}"), "burstword"));
        }
    }
    fs::remove_file(v.abs("people/gone.md")).expect("rm");
    let t = v.until("burstword", BURST_DEADLINE, |h| h == expected.as_slice());
    eprintln!("500-file burst searchable after {} ms", t.as_millis());
    let (status, seen) = w.stop_with("TERM");
    assert!(status.success(), "{status:?}");
    assert_no_junk(printed_paths(&seen));
    // after the final commit the index still agrees
    assert_eq!(v.hits("burstword"), expected);
}

#[test]
fn a_git_branch_switch_is_followed_and_git_never_reaches_the_index() {
    let _g = serial();
    let v = TestVault::new();
    v.git(&["init", "-q", "-b", "main"]);
    v.git(&["config", "user.name", "Test"]);
    v.git(&["config", "user.email", "test@example.org"]);
    v.git(&["config", "commit.gpgsign", "false"]);
    for i in 0..40 {
        v.write(
            &format!("people/m{i:02}.md"),
            &note(&format!("Main {i}"), "mainword"),
        );
    }
    v.write("people/shared.md", &note("Shared", "sharedword before"));
    v.git(&["add", "-A"]);
    v.git(&["commit", "-q", "-m", "main"]);
    v.git(&["checkout", "-q", "-b", "other"]);
    for i in 0..40 {
        fs::remove_file(v.abs(&format!("people/m{i:02}.md"))).expect("rm");
    }
    for i in 0..60 {
        v.write(
            &format!("team/o{i:02}.md"),
            &note(&format!("Other {i}"), "otherword"),
        );
    }
    v.write("people/shared.md", &note("Shared", "sharedword after"));
    v.git(&["add", "-A"]);
    v.git(&["commit", "-q", "-m", "other"]);
    v.git(&["checkout", "-q", "main"]);
    // a note-like file inside .git/ and .rapport/ must never be indexed
    v.write(".git/info/gitsecret.md", &note("Git", "gitsecretword"));

    let w = Watching::start(&v, &[]);
    v.until("mainword", SAVE_DEADLINE, |h| h.len() == 40);

    v.git(&["checkout", "-q", "other"]);
    let t1 = v.until("otherword", BURST_DEADLINE, |h| h.len() == 60);
    v.until("mainword", BURST_DEADLINE, <[String]>::is_empty);
    v.until_exactly("after", &["people/shared.md"], BURST_DEADLINE);
    v.git(&["checkout", "-q", "main"]);
    let t2 = v.until("mainword", BURST_DEADLINE, |h| h.len() == 40);
    v.until("otherword", BURST_DEADLINE, <[String]>::is_empty);
    v.until_exactly("before", &["people/shared.md"], BURST_DEADLINE);
    eprintln!(
        "git checkout searchable after {} ms / {} ms",
        t1.as_millis(),
        t2.as_millis()
    );

    v.write(".git/info/late.md", &note("Late", "gitsecretword"));
    v.write(".rapport/rapportsecret.md", &note("R", "gitsecretword"));
    // a later change is visible, so the earlier events were all handled
    v.write("people/sentinel.md", &note("Sentinel", "sentinelword"));
    v.until_exactly("sentinelword", &["people/sentinel.md"], SAVE_DEADLINE);
    assert!(v.hits("gitsecretword").is_empty());
    let (status, seen) = w.stop_with("INT");
    assert!(status.success());
    assert_no_junk(printed_paths(&seen));
}

#[test]
fn reads_and_index_work_while_watching() {
    let _g = serial();
    let v = TestVault::new();
    for i in 0..30 {
        v.write(
            &format!("p{i:02}.md"),
            &note(&format!("P {i}"), "steadyword"),
        );
    }
    let w = Watching::start(&v, &[]);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // searchers (with and without sync) while the vault changes under them
    let searchers: Vec<_> = (0..2)
        .map(|k| {
            let root = v.path().to_path_buf();
            let stop = stop.clone();
            thread::spawn(move || {
                let mut runs = 0;
                let deadline = Instant::now() + Duration::from_secs(60);
                while !stop.load(std::sync::atomic::Ordering::Relaxed) && Instant::now() < deadline
                {
                    let mut c = vault_cmd(&root);
                    if k == 0 {
                        c.arg("--no-sync");
                    }
                    c.args(["--json", "search", "steadyword"]);
                    let (code, out, err) = run_cmd(c);
                    assert_eq!(code, 0, "search while watching: {err}");
                    let v: Value = serde_json::from_str(&out).expect("valid JSON");
                    assert!(!v["hits"].as_array().expect("hits").is_empty());
                    runs += 1;
                }
                runs
            })
        })
        .collect();
    for round in 0..10 {
        for i in 0..5 {
            v.write(
                &format!("churn{i}.md"),
                &note("Churn", &format!("steadyword churnround{round}")),
            );
        }
        // `index` right after a change (pending in the watcher) and later
        let (code, out, err) = run_cmd({
            let mut c = v.cmd(&[]);
            c.args(["--json", "index"]);
            c
        });
        assert_eq!(code, 0, "index while watching: {out}{err}");
        let j: Value = serde_json::from_str(&out).expect("index JSON");
        assert!(j["notes"].as_u64().expect("notes") >= 30, "{j}");
        thread::sleep(Duration::from_millis(50));
    }
    v.until("churnround9", SAVE_DEADLINE, |h| h.len() == 5);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for s in searchers {
        let runs = s.join().expect("searcher");
        assert!(runs > 0);
    }
    let (code, out, _) = run_cmd({
        let mut c = v.cmd(&[]);
        c.args(["index"]);
        c
    });
    assert_eq!(code, 0, "{out}");
    // rebuilding needs the writer: refused with a clear message, exit 2
    let (code, _, err) = run_cmd({
        let mut c = v.cmd(&[]);
        c.args(["index", "--rebuild"]);
        c
    });
    assert_eq!(code, 2);
    assert!(err.contains("watch"), "{err}");
    drop(w);
}

#[test]
fn sigint_commits_pending_changes_and_exits_0() {
    let _g = serial();
    let v = TestVault::new();
    v.write("anna.md", &note("Anna", "firstword"));
    let w = Watching::start(&v, &[]);
    // written, then the signal at once: still inside the debounce window
    v.write("late.md", &note("Late", "pendingword"));
    v.write("anna.md", &note("Anna", "changedword"));
    let (status, seen) = w.stop_with("INT");
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert_eq!(v.hits("pendingword"), ["late.md"]);
    assert_eq!(v.hits("changedword"), ["anna.md"]);
    assert!(v.hits("firstword").is_empty());
    assert!(
        seen.iter()
            .any(|e| e["event"] == "added" && e["path"] == "late.md"),
        "{seen:?}"
    );
}

#[test]
fn a_second_watch_exits_2_with_a_clear_message() {
    let _g = serial();
    let v = TestVault::new();
    v.write("anna.md", &note("Anna", "word"));
    let w = Watching::start(&v, &[]);
    let (code, out, err) = run_cmd({
        let mut c = v.cmd(&[]);
        c.args(["watch"]);
        c
    });
    assert_eq!(code, 2, "{out}");
    assert!(err.starts_with("rapport: "), "{err}");
    assert!(err.contains("already running"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    drop(w);
}

#[test]
fn poll_mode_sees_changes() {
    let _g = serial();
    let v = TestVault::new();
    v.write("anna.md", &note("Anna", "pollfirst"));
    let w = Watching::start(&v, &["--poll", "200ms"]);
    v.write("people/bob.md", &note("Bob", "pollword"));
    let t = v.until_exactly("pollword", &["people/bob.md"], SAVE_DEADLINE);
    eprintln!("poll (200ms): create searchable after {} ms", t.as_millis());
    vim(&v, "anna.md", &note("Anna", "pollsecond"));
    v.until_exactly("pollsecond", &["anna.md"], SAVE_DEADLINE);
    fs::rename(v.abs("people"), v.abs("folks")).expect("rename");
    v.until_exactly("pollword", &["folks/bob.md"], SAVE_DEADLINE);
    let (status, seen) = w.stop_with("INT");
    assert!(status.success());
    assert_no_junk(printed_paths(&seen));
}

#[test]
fn a_removed_or_replaced_vault_folder_is_watched_again() {
    let _g = serial();
    let v = TestVault::nested();
    v.write("anna.md", &note("Anna", "oldvaultword"));
    let mut w = Watching::start(&v, &[]);

    // replaced: moved away and a new folder put in its place
    fs::rename(v.path(), v.outer().join("vault.old")).expect("move away");
    w.wait_for(Duration::from_secs(5), |e| e["event"] == "vault_missing");
    fs::create_dir_all(v.path()).expect("mkdir again");
    v.write("bob.md", &note("Bob", "newvaultword"));
    w.wait_for(Duration::from_secs(10), |e| e["event"] == "watching");
    v.until_exactly("newvaultword", &["bob.md"], SAVE_DEADLINE);
    let t = {
        v.write("carla.md", &note("Carla", "carlaword"));
        v.until_exactly("carlaword", &["carla.md"], SAVE_DEADLINE)
    };
    eprintln!(
        "re-watched vault: create searchable after {} ms",
        t.as_millis()
    );
    assert!(v.hits("oldvaultword").is_empty());

    // removed outright, then made again
    fs::remove_dir_all(v.path()).expect("rm -r vault");
    w.wait_for(Duration::from_secs(5), |e| e["event"] == "vault_missing");
    fs::create_dir_all(v.path()).expect("mkdir again");
    v.write("dora.md", &note("Dora", "doraword"));
    w.wait_for(Duration::from_secs(10), |e| e["event"] == "watching");
    v.until_exactly("doraword", &["dora.md"], SAVE_DEADLINE);
    let (status, _) = w.stop_with("INT");
    assert!(status.success());
}

#[test]
fn human_output_and_quiet() {
    let _g = serial();
    let v = TestVault::new();
    v.write("anna.md", &note("Anna", "word"));
    // human: the first line names the vault and the note count
    let mut c = v.cmd(&[]);
    c.args(["watch"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    assert!(first.starts_with("watching "), "{first}");
    assert!(first.contains("(1 notes"), "{first}");
    v.write("bob.md", &note("Bob", "word"));
    let second = lines.next().expect("a change line").expect("utf-8");
    assert_eq!(second, "added bob.md");
    let _ = Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status();
    let status = wait_deadline(&mut child, STOP_DEADLINE).expect("exits");
    assert!(status.success());

    // quiet: nothing on stdout at all
    let mut c = v.cmd(&[]);
    c.args(["-q", "watch"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn");
    v.write("carla.md", &note("Carla", "quietword"));
    v.until_exactly("quietword", &["carla.md"], Duration::from_secs(10));
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let status = wait_deadline(&mut child, STOP_DEADLINE).expect("exits");
    assert!(status.success());
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("stdout"), &mut out)
        .expect("read");
    assert_eq!(out, "");
}

#[test]
fn watch_ics_keeps_the_calendar_current() {
    let _g = serial();
    let v = TestVault::new();
    // dates ahead of today, so the events keep their dates on any day
    let today = jiff::ZonedDateTime::now().date();
    let day = |n: i64| {
        today
            .checked_add(jiff::Span::new().days(n))
            .expect("a date")
    };
    let (anna, bob) = (day(3), day(20));
    let ics = |d: jiff::civil::Date| d.strftime("%Y%m%d").to_string();
    v.write(
        "anna.md",
        &format!("---\nname: Anna\nnext_contact: {anna}\n---\n"),
    );
    let out = tempfile::tempdir().expect("tempdir");
    let cal = out.path().join("rapport.ics");
    let read = || fs::read_to_string(&cal).unwrap_or_default();
    let mut w = Watching::start(&v, &["--ics", cal.to_str().expect("utf-8"), "--days", "60"]);
    // written before watching begins, and equal to `export ics`
    let export = |v: &TestVault| {
        let mut c = v.cmd(&[]);
        c.args(["--no-sync", "export", "ics", "--days", "60"]);
        run_cmd(c).1
    };
    assert!(
        read().contains(&format!("DTSTART;VALUE=DATE:{}", ics(anna))),
        "{}",
        read()
    );
    assert_eq!(read(), export(&v));
    let before = fs::metadata(&cal).expect("stat").modified().expect("mtime");

    // a new follow-up shows up within the save deadline (plus the rewrite)
    v.write(
        "bob.md",
        &format!("---\nname: Bob\nnext_contact: {bob}\n---\n"),
    );
    w.wait_for(SAVE_DEADLINE * 3, |e| e["path"] == "bob.md");
    poll(
        promised(SAVE_DEADLINE * 3),
        "the calendar to name bob",
        || read().contains(&ics(bob)).then_some(()),
    );
    assert_eq!(read(), export(&v));
    assert!(fs::metadata(&cal).expect("stat").modified().expect("mtime") >= before);

    // a change that does not touch the calendar leaves the file alone
    let stamp = fs::metadata(&cal).expect("stat").modified().expect("mtime");
    v.write("carl.md", "---\nname: Carl\n---\nno dates here\n");
    w.wait_for(SAVE_DEADLINE * 3, |e| e["path"] == "carl.md");
    thread::sleep(Duration::from_millis(300));
    assert_eq!(
        fs::metadata(&cal).expect("stat").modified().expect("mtime"),
        stamp
    );

    // removing the note removes its event; stopping leaves the last state
    fs::remove_file(v.abs("bob.md")).expect("rm");
    let (status, _) = w.stop_with("INT");
    assert_eq!(status.code(), Some(0));
    assert!(!read().contains(&ics(bob)), "{}", read());
    // only the calendar is in its folder: no temp file left behind
    let names: Vec<_> = fs::read_dir(out.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("rapport.ics")]);
}

#[test]
fn watch_ics_to_an_unwritable_place_fails_at_once() {
    let v = TestVault::new();
    v.write("anna.md", &note("Anna", "word"));
    let mut c = v.cmd(&[]);
    c.args(["watch", "--ics"])
        .arg(v.abs("no/such/folder/cal.ics"));
    let (code, out, err) = run_cmd(c);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("no/such/folder"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn kill_9_during_a_watch_batch_leaves_a_usable_index() {
    let _g = serial();
    let v = TestVault::new();
    for i in 0..50 {
        v.write(
            &format!("people/p{i:02}.md"),
            &note(&format!("Person {i}"), "round0"),
        );
    }
    // kill at different moments: before, during and after the batch's commit
    for (round, delay_ms) in [(1u32, 0u64), (2, 40), (3, 120), (4, 250), (5, 600)] {
        let mut w = Watching::start(&v, &[]);
        let word = format!("round{round}");
        for i in 0..50 {
            v.write(
                &format!("people/p{i:02}.md"),
                &note(&format!("Person {i}"), &word),
            );
        }
        thread::sleep(Duration::from_millis(delay_ms));
        w.child.kill().expect("kill -9");
        w.child.wait().expect("wait");
        // the next command finds an index it can use, synced to the files
        let mut c = v.cmd(&[]);
        c.args(["--json", "search", "--limit", "1000", &word]);
        let (code, out, err) = run_cmd(c);
        assert_eq!(
            code, 0,
            "round {round} (kill after {delay_ms} ms): {out}{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        let r: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(
            r["hits"].as_array().expect("hits").len(),
            50,
            "round {round}"
        );
        assert!(
            v.hits(&format!("round{}", round - 1)).is_empty(),
            "round {round}"
        );
        // and `check` sees a clean vault: no leftovers of the killed writer
        let mut c = v.cmd(&[]);
        c.args(["--json", "check"]);
        let (code, out, err) = run_cmd(c);
        assert_eq!(code, 0, "{out}{err}");
    }
}
