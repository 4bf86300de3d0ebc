//! Safety: read commands never touch a note; parallel readers cope with a
//! held writer lock; `kill -9` at any moment leaves a usable index; bad input
//! (broken YAML, bad bytes, odd file types, huge files) never takes the tool
//! down and is reported by `check`.

// Test code: helpers outside `#[test]` fns fail the test by panicking too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, UNIX_EPOCH};

use serde_json::Value;

use crate::harness::{TestVault, finish, paths};

const TODAY: &str = "2026-11-26";

/// Every file's content hash and mtime, except what rapport owns under
/// `.rapport/` (the index, the lock and the `.gitignore` it creates).
fn fingerprint(v: &TestVault) -> BTreeMap<String, String> {
    let mut out = v.hash_all();
    out.retain(|rel, _| rel == ".rapport/config.toml" || !rel.starts_with(".rapport/"));
    for (rel, fp) in out.iter_mut() {
        if let Ok(md) = fs::symlink_metadata(v.abs(rel)) {
            let mtime = md
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            fp.push_str(&format!(
                " mtime={mtime} mode={:o}",
                md.permissions().mode()
            ));
        }
    }
    out
}

#[test]
fn read_commands_never_modify_the_vault() {
    let v = TestVault::new()
        .config("window_days = 30\ncold_after = \"6mo\"\n")
        .note(
            "people/anna.md",
            "---\nname: Anna Schmidt   # comment kept\naliases: [Anni]\ninterests: [sailing]\nlast_contact: 2026-10-12\nnext_contact: 2026-12-01\ncadence: 6w\nbirthday: --12-01\n---\n# Anna\n\nSee [[Bo Berg]].\n\n## Log\n- 2026-10-12 Coffee\n\n## Open\n- [ ] 2026-11-20 send book\n",
        )
        .note(
            "people/bo.md",
            "\u{feff}---\r\nname: Bo Berg\r\ninterests: [Sailing]\r\ncadence: 1mo\r\n---\r\nCRLF note with a BOM.\r\n",
        )
        .note("people/broken.md", "---\nname: [unclosed\n---\nbody\n")
        .note(
            "people/conflict.md",
            "---\nname: C\n---\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n",
        )
        .note("notes/plain.md", "plain text about sailing\n")
        .note("people/empty.md", "");
    v.write_bytes("people/latin1.md", b"---\nname: L\n---\nK\xf6ln\n");
    v.write("article.txt", "An article about sailing and boats.\n");
    let before = fingerprint(&v);
    assert!(before.len() >= 8);
    let article = v.abs("article.txt");
    let article = article.to_str().expect("utf-8 path");
    let commands: Vec<Vec<&str>> = vec![
        vec!["index"],
        vec!["index", "--rebuild"],
        vec!["search", "sailing"],
        vec!["search", "interests:sailing OR plain"],
        vec!["due"],
        vec!["due", "--all", "--cold", "1y", "--days", "400"],
        vec!["match", "sailing"],
        vec!["match", "--file", article],
        vec!["topics"],
        vec!["intros"],
        vec!["show", "anna"],
        vec!["show", "Bo"],
        vec!["check"],
        vec!["--no-sync", "search", "sailing"],
    ];
    for c in &commands {
        for json in [false, true] {
            let mut args = vec!["--today", TODAY, "--color", "always"];
            if json {
                args.push("--json");
            }
            args.extend(c);
            let (code, out, err) = v.run(&args);
            assert!(code == 0 || code == 1, "{args:?} exited {code}: {out}{err}");
            assert_eq!(
                fingerprint(&v),
                before,
                "`rapport {args:?}` changed the vault"
            );
        }
    }
    let (code, _, err) = v.run_stdin(&["match", "--file", "-"], b"sailing boats");
    assert_eq!(code, 0, "{err}");
    assert_eq!(fingerprint(&v), before);
}

fn people(v: &TestVault, n: usize) {
    for i in 0..n {
        v.write(
            &format!("people/p{i:03}.md"),
            &format!("---\nname: Person {i}\ninterests: [sailing]\n---\nmarker{i} sailing\n"),
        );
    }
}

fn parallel_searches(v: &TestVault, n: usize, query: &str) -> Vec<(i32, String, String)> {
    let children: Vec<_> = (0..n)
        .map(|_| {
            let mut c = v.cmd(&["--json", "search", "--limit", "1000", query]);
            c.stdout(Stdio::piped()).stderr(Stdio::piped());
            c
        })
        .collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = children
            .into_iter()
            .map(|c| s.spawn(move || finish(c, None)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                let r = h.join().expect("thread");
                (r.code, r.stdout, r.stderr)
            })
            .collect()
    })
}

fn hit_count(out: &str) -> usize {
    let v: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    v["hits"].as_array().expect("hits").len()
}

#[test]
fn readers_work_while_another_process_holds_the_writer() {
    let v = TestVault::new();
    people(&v, 30);
    v.ok(&["index"]);
    let lock = crate::harness::hold_writer(&v);
    // nothing pending: every reader answers from the index at once
    let start = Instant::now();
    for (code, out, err) in parallel_searches(&v, 8, "sailing") {
        assert_eq!(code, 0, "{err}");
        assert_eq!(hit_count(&out), 30);
    }
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "readers waited for the lock: {:?}",
        start.elapsed()
    );
    // changes pending that nobody may write: readers still answer (as is)
    people(&v, 40);
    for (code, out, err) in parallel_searches(&v, 8, "sailing") {
        assert_eq!(code, 0, "{err}");
        let n = hit_count(&out);
        assert!(n == 30 || n == 40, "{n}");
    }
    // `index --rebuild` cannot take the writer: a clear error, not a hang
    let (code, out, err) = v.run(&["index", "--rebuild"]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("another rapport process"), "{err}");
    // once the writer is gone, the next reader brings the index in line
    drop(lock);
    assert_eq!(v.search_paths("sailing").len(), 40);
}

#[test]
fn parallel_readers_racing_to_sync_all_succeed() {
    let v = TestVault::new();
    people(&v, 30);
    v.ok(&["index"]);
    people(&v, 60);
    for (code, out, err) in parallel_searches(&v, 8, "sailing") {
        assert_eq!(code, 0, "{err}");
        let n = hit_count(&out);
        assert!(n == 30 || n == 60, "{n}");
    }
    assert_eq!(v.search_paths("sailing").len(), 60);
    // and from no index at all
    v.remove(".rapport");
    for (code, out, err) in parallel_searches(&v, 8, "sailing") {
        assert_eq!(code, 0, "{err}");
        assert_eq!(hit_count(&out), 60);
    }
}

#[test]
fn readers_during_repeated_rebuilds_never_fail() {
    // `index --rebuild` swaps a new index in and deletes the old one; a
    // reader that opened the old one a moment before must not fail.
    let v = TestVault::new();
    people(&v, 200);
    v.ok(&["index"]);
    let done = std::sync::atomic::AtomicBool::new(false);
    let failures = std::sync::Mutex::new(Vec::new());
    let searches = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..12 {
                // a reader may hold the writer for a moment: then retry
                let (code, out, err) = v.run(&["index", "--rebuild"]);
                assert!(
                    code == 0 || err.contains("another rapport process"),
                    "{out}{err}"
                );
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        for _ in 0..3 {
            s.spawn(|| {
                while !done.load(std::sync::atomic::Ordering::SeqCst) {
                    let (code, out, err) =
                        v.run(&["--json", "search", "--limit", "1000", "sailing"]);
                    searches.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if code != 0 || hit_count(&out) != 200 {
                        failures
                            .lock()
                            .expect("lock")
                            .push(format!("exit {code}: {err}"));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().expect("lock");
    assert!(
        failures.is_empty(),
        "{} of {} searches failed: {failures:?}",
        failures.len(),
        searches.into_inner()
    );
}

/// Spawn `rapport ARGS` on the vault, let it run `after`, then SIGKILL it.
fn kill_after(v: &TestVault, args: &[&str], after: Duration) {
    let mut child = v
        .cmd(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + after;
    while Instant::now() < deadline {
        if child.try_wait().expect("wait").is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill(); // SIGKILL on Unix
    child.wait().expect("reap");
}

fn big_vault(n: usize) -> TestVault {
    const W: [&str; 12] = [
        "sailing",
        "Segeln",
        "chess",
        "Fortbildung",
        "Imkerei",
        "running",
        "pottery",
        "stoicism",
        "rust",
        "kiel",
        "coffee",
        "garden",
    ];
    let v = TestVault::new();
    for i in 0..n {
        let body: Vec<&str> = (0..30)
            .map(|k| W[(i * 7 + k * 5 + k * k) % W.len()])
            .collect();
        v.write(
            &format!("people/p{i:04}.md"),
            &format!(
                "---\nname: Person {i}\ninterests: [{}]\ncadence: 6w\nlast_contact: 2026-0{}-1{}\n---\n{}\n- 2026-05-0{} met marker{i}\n",
                W[i % W.len()],
                1 + i % 9,
                i % 9,
                body.join(" "),
                1 + i % 9,
            ),
        );
    }
    v
}

fn assert_correct(v: &TestVault, n: usize, what: &str) {
    let (code, out, err) = v.run(&["--json", "search", "--limit", "10000", "met"]);
    assert_eq!(code, 0, "{what}: {err}");
    assert_eq!(hit_count(&out), n, "{what}");
    for i in [0, n / 2, n - 1] {
        assert_eq!(
            v.search_paths(&format!("marker{i}")),
            vec![format!("people/p{i:04}.md")],
            "{what}"
        );
    }
}

#[test]
fn kill_9_at_any_moment_leaves_a_usable_index() {
    let n = 3000;
    let v = big_vault(n);
    // killed while building the very first index
    kill_after(&v, &["index"], Duration::from_millis(300));
    assert_correct(&v, n, "after a kill during the first build");
    // killed during rebuilds at several moments
    for ms in [10, 50, 150, 400, 1000, 2500] {
        kill_after(&v, &["index", "--rebuild"], Duration::from_millis(ms));
        assert_correct(&v, n, &format!("after a kill {ms} ms into a rebuild"));
    }
    // killed just after the new index is committed, around the swap
    {
        let mut child = v
            .cmd(&["index", "--rebuild"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let new_meta = v.cache_dir().expect("cache").join("index.new/meta.json");
        let deadline = Instant::now() + crate::harness::CMD_TIMEOUT;
        loop {
            let committed =
                fs::read_to_string(&new_meta).is_ok_and(|m| m.contains("\"segment_id\""));
            if committed || child.try_wait().expect("wait").is_some() {
                break;
            }
            assert!(Instant::now() < deadline, "rebuild never committed");
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = child.kill();
        child.wait().expect("reap");
        assert_correct(&v, n, "after a kill around the swap");
    }
    // killed during an incremental sync of many changed notes
    for (round, ms) in [30u64, 200, 800].into_iter().enumerate() {
        for i in (0..n).step_by(10) {
            v.write(
                &format!("people/p{i:04}.md"),
                &format!("---\nname: Person {i}\n---\nmet again round{round} marker{i}\n"),
            );
        }
        kill_after(&v, &["search", "met"], Duration::from_millis(ms));
        assert_correct(&v, n, &format!("after a kill {ms} ms into a sync"));
        assert_eq!(
            v.search_paths(&format!("round{round}")).len(),
            n / 10,
            "round {round}"
        );
    }
    // no leftovers of the killed runs stay behind once a writer has run
    v.ok(&["index"]);
    let cache = v.cache_dir().expect("cache");
    assert!(!cache.join("index.new").exists());
    assert!(!cache.join("index.old").exists());
}

/// Can this process read a file whose mode is 000 (root, CAP_DAC_OVERRIDE)?
fn reads_through_chmod_000(p: &Path) -> bool {
    fs::read(p).is_ok()
}

const GOOD: &str = "---\nname: Good Person\ninterests: [sailing]\n---\ngood text\n";

fn bad_input_vault() -> TestVault {
    let v = TestVault::new()
        .note("people/good.md", GOOD)
        .note(
            "people/broken.md",
            "---\nname: Broken\nrole: Boss: of all\n---\nbroken yaml body walrus\n",
        )
        .note(
            "people/conflict.md",
            "---\nname: Conflicted\n---\n<<<<<<< HEAD\nours ocelot\n=======\ntheirs tapir\n>>>>>>> branch\n",
        )
        .note("people/empty.md", "")
        .note("people/dir.md/inner.md", "inside a folder named like a note: gecko\n");
    v.write_bytes(
        "people/latin1.md",
        b"---\nname: Latin\n---\nbad \xff\xfe byte then okapi\n",
    );
    v.write_bytes(
        "people/binary.md",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR quokka\0\x01\x02",
    );
    let p = v.abs("people");
    std::os::unix::fs::symlink("loop-b.md", p.join("loop-a.md")).expect("symlink");
    std::os::unix::fs::symlink("loop-a.md", p.join("loop-b.md")).expect("symlink");
    std::os::unix::fs::symlink(".", p.join("self")).expect("symlink");
    std::os::unix::fs::symlink("dir-loop-b", p.join("dir-loop-a")).expect("symlink");
    std::os::unix::fs::symlink("dir-loop-a", p.join("dir-loop-b")).expect("symlink");
    // a symlink to a plain file that is not a note is none of our business
    fs::write(v.abs("image.png"), b"\x89PNG").expect("write");
    std::os::unix::fs::symlink("../image.png", p.join("photo")).expect("symlink");
    // outside the vault: a note and a folder, both only reachable by symlink
    let outside = tempfile::tempdir().expect("tempdir");
    fs::write(outside.path().join("o.md"), "outside secret narwhal\n").expect("write");
    std::os::unix::fs::symlink(outside.path().join("o.md"), p.join("outside.md")).expect("symlink");
    std::os::unix::fs::symlink(outside.path(), p.join("outside-dir")).expect("symlink");
    // keep the outside folder for the vault's lifetime
    std::mem::forget(outside);
    // a symlink to a note inside the vault is followed
    std::os::unix::fs::symlink("good.md", p.join("alias-of-good.md")).expect("symlink");
    // a file name that is not UTF-8 (Latin-1 `café.md` from an old archive)
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
        fs::write(p.join(name), "latin-1 name: kiwi\n").expect("write");
    }
    let status = Command::new("mkfifo")
        .arg(p.join("fifo.md"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    v
}

/// path → codes reported by `check --json`.
fn check_codes(v: &TestVault) -> (i32, BTreeMap<String, BTreeSet<String>>, Value) {
    let (code, r) = v.json_code(&["check"]);
    let mut by_path: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in r["problems"].as_array().expect("problems") {
        assert_eq!(
            crate::harness::keys(p),
            vec!["code", "column", "line", "message", "path", "severity"],
            "{p}"
        );
        by_path
            .entry(p["path"].as_str().expect("path").to_string())
            .or_default()
            .insert(p["code"].as_str().expect("code").to_string());
    }
    (code, by_path, r)
}

#[test]
fn bad_input_never_takes_the_tool_down() {
    let v = bad_input_vault();
    let idx = v.json(&["index"]);
    let (code, codes, report) = check_codes(&v);
    assert_eq!(code, 1, "check exits 1 on errors");
    let want: &[(&str, &str)] = &[
        ("people/binary.md", "binary"),
        ("people/broken.md", "yaml"),
        ("people/conflict.md", "conflict"),
        ("people/latin1.md", "encoding"),
        ("people/loop-a.md", "symlink"),
        ("people/loop-b.md", "symlink"),
        ("people/outside.md", "symlink"),
        ("people/fifo.md", "not_a_file"),
        ("people/dir.md", "not_a_file"),
        ("people/empty.md", "empty"),
        ("people/caf\u{fffd}.md", "encoding"),
        // symlinked folders are not followed, and said so
        ("people/self", "symlink"),
        ("people/outside-dir", "symlink"),
        ("people/dir-loop-a", "symlink"),
    ];
    for (path, c) in want {
        assert!(
            codes.get(*path).is_some_and(|s| s.contains(*c)),
            "{path} should be reported as {c}: {report}"
        );
    }
    assert!(!codes.contains_key("people/photo"), "{report}");
    // (the symlink and its target are two notes with one name: a duplicate warning)
    for good in ["people/good.md", "people/alias-of-good.md"] {
        assert!(
            codes
                .get(good)
                .is_none_or(|c| c.iter().all(|c| c == "duplicate")),
            "{report}"
        );
    }
    // `index` counts the notes with errors
    let error_paths: BTreeSet<&str> = report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter(|p| p["severity"] == "error")
        .map(|p| p["path"].as_str().expect("path"))
        .collect();
    assert_eq!(
        error_paths,
        BTreeSet::from([
            "people/binary.md",
            "people/broken.md",
            "people/caf\u{fffd}.md",
            "people/conflict.md",
            "people/latin1.md"
        ])
    );
    assert_eq!(idx["errors"], error_paths.len(), "{idx}");
    // the rest of the vault is indexed, and readable text stays searchable
    let mut good = v.search_paths("good");
    good.sort();
    assert_eq!(good, vec!["people/alias-of-good.md", "people/good.md"]);
    for (word, path) in [
        ("walrus", "people/broken.md"),
        ("ocelot", "people/conflict.md"),
        ("tapir", "people/conflict.md"),
        ("okapi", "people/latin1.md"),
        ("gecko", "people/dir.md/inner.md"),
    ] {
        assert_eq!(v.search_paths(word), vec![path], "{word}");
    }
    // never followed out of the vault, never indexed as text when binary
    assert!(v.search_paths("narwhal").is_empty());
    assert!(v.search_paths("quokka").is_empty());
    // the broken note's valid front matter lines are still searchable text
    assert_eq!(v.search_paths("Boss"), vec!["people/broken.md"]);
    // every other read command copes too
    for args in [
        &["--today", TODAY, "due", "--all", "--cold", "1y"][..],
        &["topics"][..],
        &["intros"][..],
        &["match", "sailing"][..],
        &["show", "good"][..],
        &["index", "--rebuild"][..],
    ] {
        let (code, out, err) = v.run(args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
    }
}

#[test]
fn symlinked_note_inside_the_vault_is_followed() {
    let v = bad_input_vault();
    let mut hits = v.search_paths("good");
    hits.sort();
    assert_eq!(hits, vec!["people/alias-of-good.md", "people/good.md"]);
}

#[test]
fn fifo_named_like_a_note_does_not_hang() {
    let v = TestVault::new().note("a.md", GOOD);
    let status = Command::new("mkfifo")
        .arg(v.abs("x.md"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let start = Instant::now();
    assert_eq!(v.search_paths("good"), vec!["a.md"]);
    let (_, codes, _) = check_codes(&v);
    assert!(codes["x.md"].contains("not_a_file"));
    // after it becomes a regular file it is a note
    fs::remove_file(v.abs("x.md")).expect("rm fifo");
    v.write("x.md", "now a file: good\n");
    let mut hits = v.search_paths("good");
    hits.sort();
    assert_eq!(hits, vec!["a.md", "x.md"]);
    assert!(start.elapsed() < Duration::from_secs(60));
}

#[test]
fn huge_note_is_indexed_up_to_the_limit_and_reported() {
    // 50 MB: a real text head, then long lines (cheap to index in a debug
    // build, where 16 MiB of prose takes minutes).
    let v = TestVault::new().note("people/small.md", GOOD);
    let mut text =
        String::from("---\nname: Huge Note\ninterests: [capybara]\n---\nstart capybara\n\n");
    for i in 0..2000 {
        text.push_str(&format!("line {i} about sailing and Segeln and chess\n"));
    }
    let filler = format!("{}\n", "x".repeat(99));
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&filler);
    }
    text.push_str("tail wombat\n");
    v.write("people/huge.md", &text);
    let idx = v.json(&["index"]);
    assert_eq!(idx["notes"], 2);
    assert_eq!(idx["errors"], 0, "a size warning is not an error");
    let (code, codes, _) = check_codes(&v);
    assert_eq!(code, 0, "warnings only");
    assert!(codes["people/huge.md"].contains("size"));
    assert_eq!(v.search_paths("capybara"), vec!["people/huge.md"]);
    assert_eq!(v.search_paths("interests:capybara"), vec!["people/huge.md"]);
    assert_eq!(v.search_paths("good"), vec!["people/small.md"]);
    let show = v.json(&["show", "huge"]);
    assert_eq!(show["name"], "Huge Note");
}

#[test]
fn unreadable_note_is_reported_and_the_rest_indexed() {
    let v = TestVault::new()
        .note("people/good.md", GOOD)
        .note("people/locked.md", "---\nname: Locked\n---\nlocked lemur\n");
    // a folder that cannot be listed
    v.write("people/closed/inner.md", "hidden hyrax\n");
    let locked = v.abs("people/locked.md");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    fs::set_permissions(v.abs("people/closed"), fs::Permissions::from_mode(0o000)).expect("chmod");
    let privileged = reads_through_chmod_000(&locked);
    let run_as = |args: &[&str]| -> (i32, String, String) {
        let mut c = v.cmd(args);
        if privileged {
            // Root reads through mode 000: run rapport as `nobody` instead,
            // with the vault (but not the two closed entries) open to it.
            use std::os::unix::process::CommandExt;
            c.uid(65534).gid(65534);
        }
        let r = finish(c, None);
        (r.code, r.stdout, r.stderr)
    };
    if privileged {
        for e in walkdir::WalkDir::new(v.path()).into_iter().flatten() {
            let p = e.path();
            if p == locked || p == v.abs("people/closed") || p.starts_with(v.abs("people/closed")) {
                continue;
            }
            let mode = if e.file_type().is_dir() { 0o777 } else { 0o666 };
            fs::set_permissions(p, fs::Permissions::from_mode(mode)).expect("chmod");
        }
        // can `nobody` run the binary at all here? If not, there is nothing to test.
        if !crate::harness::nobody_can_run() {
            eprintln!("skipped: running as root and `nobody` cannot run the binary");
            return;
        }
    }
    let (code, out, err) = run_as(&["--json", "index"]);
    assert_eq!(code, 0, "{out}{err}");
    let idx: Value = serde_json::from_str(&out).expect("json");
    let (code, out, err) = run_as(&["--json", "check"]);
    assert_eq!(code, 1, "{out}{err}");
    let report: Value = serde_json::from_str(&out).expect("json");
    let problems = report["problems"].as_array().expect("problems");
    let find = |path: &str| {
        problems
            .iter()
            .find(|p| p["path"] == path)
            .unwrap_or_else(|| panic!("{path} not reported: {report}"))
    };
    assert_eq!(find("people/locked.md")["code"], "io");
    assert_eq!(find("people/locked.md")["severity"], "error");
    assert_eq!(find("people/closed")["code"], "io");
    assert!(idx["errors"].as_u64().expect("errors") >= 1, "{idx}");
    let (code, out, err) = run_as(&["--json", "search", "good"]);
    assert_eq!(code, 0, "{err}");
    let r: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(paths(&r["hits"]), vec!["people/good.md"]);
    // put the modes back so the tempdir can be removed
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).expect("chmod");
    fs::set_permissions(v.abs("people/closed"), fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[test]
fn check_human_output_points_at_the_error() {
    let v = TestVault::new()
        .note(
            "people/boss.md",
            "---\nname: Boss\nrole: Boss: of all\n---\nbody\n",
        )
        .note("people/w.md", "---\nname: W\n---\nsee [[Nobody]]\n");
    let (code, out, err) = v.run(&["--color", "never", "check"]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "people/boss.md:3:11: error[yaml]: invalid YAML: mapping values are not allowed in this context"
    );
    assert_eq!(lines[1], " 3 | role: Boss: of all");
    assert_eq!(lines[2], "   |           ^");
    assert!(
        lines[3].starts_with("people/w.md:4: warning[link]: "),
        "{out}"
    );
    assert!(lines[3].contains("Nobody"), "{out}");
    assert_eq!(lines[4], "2 notes checked: 1 errors, 1 warnings");
    assert_eq!(lines.len(), 5, "{out}");

    // warnings only: exit 0
    v.remove("people/boss.md");
    let (code, out, _) = v.run(&["--color", "never", "check"]);
    assert_eq!(code, 0, "{out}");
    // no problems at all
    v.write("people/nobody.md", "---\nname: Nobody\n---\n");
    let (code, out, _) = v.run(&["--color", "never", "check"]);
    assert_eq!(code, 0);
    assert_eq!(out, "2 notes checked, no problems\n");
    let (code, r) = v.json_code(&["check"]);
    assert_eq!(code, 0);
    assert_eq!(r, serde_json::json!({"schema_version": 1, "problems": []}));
}

#[test]
fn check_reports_bad_dates_cadences_duplicates_and_caret_columns() {
    let v = TestVault::new()
        .note(
            "people/d.md",
            "---\nname: Dora\nlast_contact: 2026-13-01\ncadence: often\nbirthday: --02-30\nnext_contact: tomorrow\n---\n",
        )
        .note("people/e.md", "---\nname: Eve\naliases: [Dora]\n---\n");
    let (code, r) = v.json_code(&["check"]);
    assert_eq!(code, 1);
    let got: Vec<(String, Value, String, String)> = r["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["path"].as_str().expect("path").to_string(),
                p["line"].clone(),
                p["severity"].as_str().expect("sev").to_string(),
                p["code"].as_str().expect("code").to_string(),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        vec![
            (s("people/d.md"), Value::Null, s("warning"), s("duplicate")),
            (s("people/d.md"), 3.into(), s("error"), s("date")),
            (s("people/d.md"), 4.into(), s("error"), s("cadence")),
            (s("people/d.md"), 5.into(), s("error"), s("date")),
            (s("people/d.md"), 6.into(), s("error"), s("date")),
        ]
    );
    // the rest of the note still counts
    let show = v.json(&["show", "d"]);
    assert_eq!(show["name"], "Dora");
    assert_eq!(show["last_contact"], Value::Null);
}
