//! Writes under contention: concurrent `log` runs, another program saving the
//! note while `log` writes, write-protected and hard-linked notes, and the
//! temp files of killed writes. Every change lands or is refused with one
//! line; nothing anyone saved is lost.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::harness::{AsNobody, TestVault, bin, rapport_cmd};

fn anna() -> TestVault {
    TestVault::new().note(
        "people/anna.md",
        "---\nname: Anna Schmidt\nlast_contact: 2026-10-01\n---\n## Log\n- 2026-10-01 Coffee\n",
    )
}

fn log_cmd(v: &TestVault, text: &str) -> Command {
    let mut c = rapport_cmd();
    c.arg("--vault")
        .arg(v.path())
        .args(["--no-sync", "--today", "2026-11-26", "log", "anna", text])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Wait for a child; its exit code and stderr.
fn reap(c: Child) -> (i32, String) {
    let out = c.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run `pairs` pairs of `log` at once on the same note; every entry that
/// was reported written is in the note exactly once, every refused one is
/// absent and was refused with one line.
fn log_pairs(v: &TestVault, pairs: usize) -> (usize, usize) {
    let mut outcomes = Vec::new();
    for i in 0..pairs {
        let a = log_cmd(v, &format!("A-{i}")).spawn().expect("spawn");
        let b = log_cmd(v, &format!("B-{i}")).spawn().expect("spawn");
        outcomes.push((format!("A-{i}"), reap(a)));
        outcomes.push((format!("B-{i}"), reap(b)));
    }
    let note = v.read("people/anna.md");
    let (mut written, mut refused) = (0, 0);
    for (text, (code, err)) in &outcomes {
        let line = format!("- 2026-11-26 {text}\n");
        let n = note.matches(&line).count();
        if *code == 0 {
            assert_eq!(n, 1, "{text} reported written, found {n} times");
            written += 1;
        } else {
            assert_eq!(n, 0, "{text} refused but present");
            assert_eq!(err.lines().count(), 1, "{err}");
            refused += 1;
        }
    }
    (written, refused)
}

#[test]
fn concurrent_log_pairs_lose_nothing() {
    let v = anna();
    v.ok(&["index"]);
    let (written, refused) = log_pairs(&v, 200);
    eprintln!("200 pairs: {written} written, {refused} refused");
    // rapport writers wait for each other: nothing needs refusing
    assert_eq!(refused, 0);
    let (code, out, err) = v.run(&["check"]);
    assert_eq!(code, 0, "the note still parses: {out}{err}");
}

#[test]
fn concurrent_log_pairs_with_watch_running_lose_nothing() {
    let v = anna();
    v.ok(&["index"]);
    let mut watch = crate::harness::spawn_watch(&v, &["--quiet"]);
    let (written, refused) = log_pairs(&v, 50);
    let _ = watch.kill();
    let _ = watch.wait();
    eprintln!("50 pairs beside watch: {written} written, {refused} refused");
    assert_eq!(refused, 0);
}

/// A tiny deterministic generator for the other program's pauses.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Another program that reads the note, appends a line and renames its
/// result over the note every 0-10 ms (with a longer pause every eighth
/// save), as editors and sync tools do.
fn other_program(note: &Path, stop: &AtomicBool, long_pauses: bool) -> Vec<String> {
    let mut rng = Lcg(42);
    let mut saved = Vec::new();
    let tmp = note.with_file_name(".other-program.swp");
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        let mut text = fs::read_to_string(note).expect("read");
        let line = format!("other save {i}");
        text.push_str(&line);
        text.push('\n');
        fs::write(&tmp, &text).expect("write");
        fs::rename(&tmp, note).expect("rename");
        saved.push(line);
        i += 1;
        // now and then a longer pause, so that some `log` runs find a quiet
        // moment (a debug build needs ~35 ms for a 1 MB note)
        let pause = if long_pauses && i % 8 == 0 {
            120
        } else {
            rng.below(11)
        };
        thread::sleep(Duration::from_millis(pause));
    }
    saved
}

#[test]
fn a_save_by_another_program_is_never_overwritten() {
    // a 1 MB note, and a 20 KB one (whose `log` is quick enough to race the
    // other program's saves without quiet moments)
    soak(1 << 20, true);
    soak(20 << 10, false);
}

fn soak(size: usize, long_pauses: bool) {
    let secs: u64 = std::env::var("RAPPORT_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let mut text = String::from(
        "---\nname: Anna Schmidt\nlast_contact: 2026-10-01\n---\n## Log\n- 2026-10-01 Coffee\n\n## Notes\n",
    );
    while text.len() < size {
        text.push_str("Filler line about sailing, chess and the Baltic Sea in summer.\n");
    }
    let v = TestVault::new().note("people/anna.md", &text);
    v.ok(&["index"]);
    let note = v.abs("people/anna.md");
    let stop = Arc::new(AtomicBool::new(false));
    let other = {
        let (note, stop) = (note.clone(), Arc::clone(&stop));
        thread::spawn(move || other_program(&note, &stop, long_pauses))
    };
    let deadline = Instant::now() + Duration::from_secs(secs);
    let (mut runs, mut written, mut refused) = (0, 0, 0);
    while Instant::now() < deadline {
        let (code, err) = reap(log_cmd(&v, &format!("L-{runs}")).spawn().expect("spawn"));
        runs += 1;
        if code == 0 {
            written += 1;
        } else {
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.contains("changed on disk"), "{err}");
            refused += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    // a save that landed while `log`'s text was in place comes back when
    // the swap is undone, and is kept aside (`kept-*`, named in the error):
    // not in the note, but not lost (docs/ARCHITECTURE.md, "Compare-and-swap")
    let kept: Vec<String> = fs::read_dir(v.cache_dir().expect("cache").join("tmp"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("kept-"))
                .map(|e| fs::read_to_string(e.path()).expect("kept file"))
                .collect()
        })
        .unwrap_or_default();
    let saved = other.join().expect("other program");
    let now = v.read("people/anna.md");
    let (in_note, elsewhere): (Vec<&String>, Vec<&String>) =
        saved.iter().partition(|l| now.contains(l.as_str()));
    let (set_aside, lost): (Vec<&String>, Vec<&String>) = elsewhere
        .into_iter()
        .partition(|l| kept.iter().any(|k| k.contains(l.as_str())));
    eprintln!(
        "{size} bytes, {secs} s: {runs} log runs ({written} written, {refused} refused), {} other saves: {} in the note, {} kept aside in {} files, {} lost",
        saved.len(),
        in_note.len(),
        set_aside.len(),
        kept.len(),
        lost.len()
    );
    assert!(lost.is_empty(), "other program's saves lost: {lost:?}");
    assert!(written > 0 && runs > 10, "{runs} runs, {written} written");
}

#[cfg(unix)]
#[test]
fn write_protected_and_hard_linked_notes_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let v = anna().note("people/bob.md", "---\nname: Bob Berger\n---\n");
    v.ok(&["index"]);
    let before = v.read("people/anna.md");
    fs::set_permissions(v.abs("people/anna.md"), fs::Permissions::from_mode(0o444)).expect("chmod");
    let (code, out, err) = v.run(&["log", "anna", "Call"]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("people/anna.md: write-protected"), "{err}");
    assert_eq!(v.read("people/anna.md"), before);
    let mode = fs::metadata(v.abs("people/anna.md"))
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o444);

    fs::hard_link(v.abs("people/bob.md"), v.abs("bob-copy.txt")).expect("link");
    let (code, _, err) = v.run(&["log", "bob", "Call"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("people/bob.md: has 2 hard links"), "{err}");
    assert_eq!(v.read("bob-copy.txt"), "---\nname: Bob Berger\n---\n");
}

/// As a user who may write the folder but not the note (root bypasses
/// modes, so the suite runs this as `nobody` when it runs as root).
#[cfg(unix)]
#[test]
fn a_note_the_user_may_not_write_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let root = rustix_is_root();
    let v = anna();
    if root {
        if !crate::harness::nobody_can_run() {
            eprintln!("skipped: running as root and `nobody` cannot run the binary");
            return;
        }
        for e in walkdir::WalkDir::new(v.path()).into_iter().flatten() {
            if e.file_type().is_dir() {
                fs::set_permissions(e.path(), fs::Permissions::from_mode(0o777)).expect("chmod");
            }
        }
        // the note stays root's, 0644: nobody may read it but not write it
    } else {
        fs::set_permissions(v.abs("people/anna.md"), fs::Permissions::from_mode(0o444))
            .expect("chmod");
    }
    let before = v.read("people/anna.md");
    let mut c = Command::new(bin());
    c.arg("--vault")
        .arg(v.path())
        .args(["--today", "2026-11-26", "log", "anna", "Call"]);
    if root {
        c.uid_gid_nobody();
    }
    let r = crate::harness::finish(c, None);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("write-protected"), "{}", r.stderr);
    assert_eq!(v.read("people/anna.md"), before);
}

#[cfg(unix)]
fn rustix_is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // the uid that owns a file this process creates
    let f = tempfile::NamedTempFile::new().expect("tmp");
    f.as_file().metadata().expect("stat").uid() == 0
}

#[test]
fn temp_files_live_in_rapport_tmp_and_are_swept() {
    let v = anna();
    v.git_init();
    v.ok(&["--today", "2026-11-26", "log", "anna", "First"]);
    let tmp = v.cache_dir().expect("cache").join("tmp");
    assert!(tmp.is_dir());
    // a write killed after its temp file was complete
    fs::write(tmp.join(".rapport-tmp-killed.tmp"), "half a note").expect("write");
    v.ok(&["--today", "2026-11-26", "log", "anna", "Second"]);
    assert!(!tmp.join(".rapport-tmp-killed.tmp").exists(), "swept");
    let status = v.git(&["status", "--porcelain", "--untracked-files=all"]);
    assert!(!status.contains(".rapport"), "{status}");
    // nothing beside the note either
    let mut names: Vec<String> = fs::read_dir(v.abs("people"))
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["anna.md"]);
}

#[test]
fn concurrent_new_of_one_name_creates_one_note() {
    let v = TestVault::new();
    v.ok(&["index"]);
    let kids: Vec<Child> = (0..6)
        .map(|_| {
            let mut c = rapport_cmd();
            c.arg("--vault")
                .arg(v.path())
                .args(["--no-sync", "new", "Carla Diaz"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            c.spawn().expect("spawn")
        })
        .collect();
    let outcomes: Vec<(i32, String)> = kids.into_iter().map(reap).collect();
    let ok = outcomes.iter().filter(|(c, _)| *c == 0).count();
    assert_eq!(ok, 1, "{outcomes:?}");
    for (code, err) in &outcomes {
        if *code != 0 {
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.contains("already exists"), "{err}");
        }
    }
}
