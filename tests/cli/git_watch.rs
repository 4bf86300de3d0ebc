//! A vault in git with `watch` running: no git command is blocked by a file
//! rapport made, `git status` never shows one, and `watch` survives every
//! command and keeps the index current.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use crate::harness::TestVault;

fn vault() -> TestVault {
    let v = TestVault::new();
    for (i, name) in ["Anna Schmidt", "Bo Berg", "Cleo Dorn"].iter().enumerate() {
        v.write(
            &format!("people/p{i}.md"),
            &format!(
                "---\nname: {name}\nlast_contact: 2026-10-0{}\n---\nsailing\n",
                i + 1
            ),
        );
    }
    v.write(".rapport/config.toml", "people_dir = \"people\"\n");
    v
}

/// After a git command: nothing of rapport's in `git status`.
fn clean_status(v: &TestVault, after: &str) {
    let st = v.git(&[
        "status",
        "--porcelain",
        "--untracked-files=all",
        "--ignored=no",
    ]);
    assert!(!st.contains(".rapport"), "after {after}: {st}");
}

/// Edit a note and wait until the index (not a reader's overlay) has it.
fn edit_is_indexed(v: &TestVault, word: &str) -> Duration {
    let text = v.read("people/p0.md");
    v.write("people/p0.md", &format!("{text}{word}\n"));
    let start = Instant::now();
    crate::harness::poll(
        crate::harness::promised(Duration::from_secs(20)),
        word,
        || {
            let (code, out, _) = v.run(&["--no-sync", "search", word]);
            (code == 0 && out.contains("people/p0.md")).then_some(())
        },
    );
    start.elapsed()
}

#[test]
fn git_commands_with_watch_running() {
    let v = vault();
    v.git_init();
    v.git(&["add", "-A"]);
    v.git(&["commit", "-qm", "start"]);
    let main = v
        .git(&["rev-parse", "--abbrev-ref", "HEAD"])
        .trim()
        .to_string();
    v.git(&["branch", "other"]);
    v.ok(&["index"]);
    clean_status(&v, "index");
    let mut watch = crate::harness::spawn_watch(&v, &["--quiet"]);
    let mut alive = |what: &str| {
        assert!(
            watch.try_wait().expect("wait").is_none(),
            "watch exited after {what}"
        );
    };
    let mut took = Vec::new();
    let mut step = |name: &str, v: &TestVault| {
        clean_status(v, name);
        alive(name);
        // the first edit after a command that took the cache away may be
        // indexed by the reader that builds a new one; the second only by watch
        let n = took.len();
        edit_is_indexed(v, &format!("first{n}"));
        let t = edit_is_indexed(v, &format!("second{n}"));
        v.git(&["checkout", "-q", "--", "people/p0.md"]);
        took.push((name.to_string(), t));
    };

    // checkout and switch to a branch with another note and back
    v.git(&["checkout", "-q", "other"]);
    v.write("people/p3.md", "---\nname: Dana Ost\n---\nchess\n");
    v.git(&["add", "-A"]);
    v.git(&["commit", "-qm", "dana"]);
    v.git(&["checkout", "-q", &main]);
    step("checkout", &v);
    v.git(&["switch", "-q", "other"]);
    v.git(&["switch", "-q", &main]);
    step("switch", &v);

    // stash --all takes the cache away; a command meanwhile; pop restores it
    v.write("people/p1.md", "---\nname: Bo Berg\n---\nstashed edit\n");
    stash_all(&v);
    v.ok(&["search", "sailing"]);
    stash_pop(&v);
    assert!(v.read("people/p1.md").contains("stashed edit"));
    v.git(&["checkout", "-q", "--", "people/p1.md"]);
    step("stash --all, a command, stash pop", &v);

    // clean -fdx removes every ignored file: the cache
    v.git(&["clean", "-fdxq"]);
    step("clean -fdx", &v);

    // rebase a branch onto another
    v.git(&["checkout", "-q", "other"]);
    v.git(&["rebase", "-q", &main]);
    v.git(&["checkout", "-q", &main]);
    step("rebase", &v);

    // a second work tree beside the vault
    let wt = tempfile::tempdir().expect("tempdir");
    let wt_path = wt.path().join("wt");
    v.git(&["worktree", "add", "-q", &wt_path.to_string_lossy(), "other"]);
    step("worktree add", &v);

    let _ = watch.kill();
    let out = watch.wait_with_output().expect("output");
    let err = String::from_utf8_lossy(&out.stderr);
    for (name, t) in &took {
        eprintln!("{name}: edit indexed by watch after {t:?}");
    }
    assert!(!err.contains("error"), "{err}");
}

/// `git stash --all`, which lists every file (a running watcher's temporary
/// files too): one that vanishes between git's listing and its lstat fails
/// the stash before anything is stashed, a race between two programs in the
/// work tree that a user meets as "could not lstat" and runs again; so does
/// this test, a few times. A watcher writing into the cache folder while git
/// removes it makes git warn "Directory not empty" after stashing: done.
fn stash_all(v: &TestVault) {
    for attempt in 0..5 {
        let out = v.git_output(&["stash", "--all", "-q"]);
        let err = String::from_utf8_lossy(&out.stderr);
        // stashed, but the watcher wrote into the cache folder while git
        // removed it: the notes are stashed, the new cache stays
        let stashed_but_busy =
            err.contains("Directory not empty") && !v.git(&["stash", "list"]).trim().is_empty();
        if out.status.success() || stashed_but_busy {
            return;
        }
        assert!(
            err.contains("could not lstat") && attempt < 4,
            "git stash --all: {err}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// `git stash pop` after [`stash_all`]. The stash's untracked part holds the
/// cache folder, which the watcher goes on writing: git may fail to put the old
/// one back ("could not restore untracked files"), after it has restored the
/// notes, and keeps the stash; then it is dropped.
fn stash_pop(v: &TestVault) {
    let out = v.git_output(&["stash", "pop", "-q"]);
    if out.status.success() {
        return;
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("could not restore untracked files from stash") && err.contains(".rapport/"),
        "git stash pop: {err}"
    );
    v.git(&["stash", "drop", "-q"]);
}
