//! Answers that are never silently stale, and a cache that never stands in
//! the way: a writer held elsewhere (a stopped `watch`), a damaged stat cache
//! or store, an index folder that is a file, a read-only `.rapport/`, a full
//! disk.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{TestVault, hold_writer, promised, tool_works};
use serde_json::Value;

fn people(v: &TestVault, n: usize) {
    for i in 0..n {
        v.write(
            &format!("people/p{i:03}.md"),
            &format!(
                "---\nname: Person {i}\nlast_contact: 2026-0{}-01\ncadence: 1m\n---\nmarker{i} sailing\n",
                1 + i % 9
            ),
        );
    }
}

/// The answers a fresh index of the same files gives.
fn fresh_answers(v: &TestVault, args: &[&[&str]]) -> Vec<Value> {
    let c = v.copy();
    args.iter().map(|a| c.json(a)).collect()
}

fn answers(v: &TestVault, args: &[&[&str]]) -> Vec<Value> {
    args.iter().map(|a| v.json(a)).collect()
}

/// Edits of every kind while the index cannot be updated by the reader.
fn edit_everything(v: &TestVault) {
    v.write(
        "people/p001.md",
        "---\nname: Person 1\nlast_contact: 2026-11-20\n---\nchangedword\n",
    );
    v.remove("people/p002.md");
    v.write(
        "people/new.md",
        "---\nname: Nora Neu\nlast_contact: 2025-01-01\n---\nnewword sailing\n",
    );
}

const QUERIES: &[&[&str]] = &[
    &["--today", "2026-11-26", "due", "--all"],
    &["search", "sailing", "-n", "100"],
    &["search", "changedword"],
    &["search", "newword"],
    &["search", "marker2"],
    &["match", "sailing", "-n", "100"],
    &["show", "Nora Neu"],
    &["topics"],
];

/// Scores differ between an index and the index plus the overlay (term
/// statistics): compare everything else.
fn without_scores(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("score");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    // hits of equal rank may come in another order
    for key in ["hits", "matches"] {
        if let Some(Value::Array(a)) = v.get_mut(key) {
            a.sort_by_key(|h| h["path"].as_str().unwrap_or("").to_string());
        }
    }
    v
}

#[test]
fn a_held_writer_does_not_make_answers_stale() {
    let v = TestVault::new();
    people(&v, 30);
    v.ok(&["index"]);
    let lock = hold_writer(&v);
    edit_everything(&v);
    let start = Instant::now();
    let got = answers(&v, QUERIES);
    let took = start.elapsed();
    let want = fresh_answers(&v, QUERIES);
    for ((q, g), w) in QUERIES.iter().zip(got).zip(want) {
        assert_eq!(without_scores(g.clone()), without_scores(w), "{q:?}");
        assert!(g.get("stale").is_none(), "{q:?}: {g}");
    }
    // no waiting for the writer: 8 commands well under 8 x 1.5 s (a wall-clock
    // promise: checked as such with RAPPORT_TIMING=1)
    assert!(took < promised(Duration::from_secs(8)), "{took:?}");
    drop(lock);
}

#[test]
fn a_stopped_watch_does_not_make_answers_stale() {
    let v = TestVault::new();
    people(&v, 30);
    v.ok(&["index"]);
    let mut watch = crate::harness::spawn_watch(&v, &["--quiet"]);
    let pid = watch.id().to_string();
    let stop = Command::new("kill")
        .args(["-STOP", &pid])
        .status()
        .expect("kill");
    assert!(stop.success());
    edit_everything(&v);
    let got = answers(&v, QUERIES);
    let want = fresh_answers(&v, QUERIES);
    let _ = Command::new("kill").args(["-CONT", &pid]).status();
    let _ = watch.kill();
    let _ = watch.wait();
    for ((q, g), w) in QUERIES.iter().zip(got).zip(want) {
        assert_eq!(without_scores(g), without_scores(w), "{q:?}");
    }
}

#[test]
fn answers_that_may_miss_changes_say_so() {
    let v = TestVault::new();
    people(&v, 5);
    v.ok(&["index"]);
    // a cache that does not belong to the index: a reader cannot tell what
    // changed, and another process holds the writer
    fs::remove_file(v.index_dir().join("rapport-state")).expect("rm");
    let lock = hold_writer(&v);
    v.write("people/p001.md", "---\nname: Person 1\n---\nlateword\n");
    let (code, out, err) = v.run(&["--json", "search", "marker3"]);
    assert_eq!(code, 0, "{err}");
    let j: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(j["stale"], Value::Bool(true), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("may miss recent changes"), "{err}");
    drop(lock);
    // once the writer is free the answer is fresh and says nothing
    let (code, out, err) = v.run(&["--json", "search", "lateword"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("stale"), "{out}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn a_stat_cache_missing_entries_never_duplicates_notes() {
    let v = TestVault::new();
    people(&v, 60);
    v.ok(&["index"]);
    // drop lines 2..40 of the cache: it still parses
    let state = v.index_dir().join("rapport-state");
    let text = fs::read_to_string(&state).expect("read");
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, _)| !(1..40).contains(i))
        .map(|(_, l)| l)
        .collect();
    fs::write(&state, kept.join("\n") + "\n").expect("write");
    let idx = v.json(&["index"]);
    assert_eq!(idx["notes"], 60, "{idx}");
    let hits = v.json(&["search", "sailing", "-n", "1000"]);
    assert_eq!(hits["hits"].as_array().expect("hits").len(), 60, "{hits}");
    let due = v.json(&["--today", "2026-11-26", "due", "--all"]);
    let text = due.to_string();
    assert_eq!(text.matches("people/p007.md").count(), 1, "{due}");
}

/// Flip bytes in the middle of a file.
fn damage(path: &std::path::Path) {
    let mut b = fs::read(path).expect("read");
    let n = b.len();
    for x in &mut b[n / 4..n * 3 / 4] {
        *x ^= 0x5a;
    }
    fs::write(path, b).expect("write");
}

#[test]
fn a_damaged_store_is_rebuilt_once_with_a_notice() {
    let v = TestVault::new();
    people(&v, 40);
    v.ok(&["index"]);
    let store = fs::read_dir(v.index_dir())
        .expect("ls")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "store"))
        .expect("a store file");
    damage(&store);
    for args in [
        &["--today", "2026-11-26", "due", "--all"][..],
        &["check"][..],
        &["show", "Person 7"][..],
    ] {
        let (code, out, err) = v.run(args);
        assert!(
            code == 0 || (args == ["check"] && code == 1),
            "{args:?}: {out}{err}"
        );
        assert!(err.lines().count() <= 1, "{err}");
        assert!(
            out.contains("Person 7") || args == ["check"],
            "{args:?}: {out}"
        );
    }
    // the first of them rebuilt it: no notice later
    let (code, _, err) = v.run(&["--today", "2026-11-26", "due"]);
    assert!(code == 0 || code == 1);
    assert!(err.is_empty(), "{err}");
    let idx = v.json(&["index"]);
    assert_eq!(idx["notes"], 40);
}

#[test]
fn a_stored_note_that_does_not_read_back_rebuilds_instead_of_vanishing() {
    let v = TestVault::new();
    people(&v, 5);
    v.ok(&["index"]);
    // swap one note's stored copy for one that is not a note (same count,
    // same path: nothing else tells the index is wrong)
    {
        let index = tantivy::Index::open_in_dir(v.index_dir()).expect("open");
        // the stored document has no text to analyse: any tokenizer under
        // the names the schema gives will do
        let schema = index.schema();
        for (_, entry) in schema.fields() {
            if let tantivy::schema::FieldType::Str(o) = entry.field_type()
                && let Some(ix) = o.get_indexing_options()
            {
                index.tokenizers().register(
                    ix.tokenizer(),
                    tantivy::tokenizer::SimpleTokenizer::default(),
                );
            }
        }
        let field = |n: &str| schema.get_field(n).expect("a field of the schema");
        let mut w: tantivy::IndexWriter = index.writer(15_000_000).expect("writer");
        w.delete_term(tantivy::Term::from_field_text(
            field("path"),
            "people/p003.md",
        ));
        let mut doc = tantivy::TantivyDocument::default();
        doc.add_text(field("path"), "people/p003.md");
        doc.add_text(field("kind"), "contact");
        doc.add_text(field("meta"), "{\"not\": \"a note\"");
        w.add_document(doc).expect("add");
        w.commit().expect("commit");
    }
    let (code, out, err) = v.run(&[
        "--no-sync",
        "--json",
        "--today",
        "2026-11-26",
        "due",
        "--all",
    ]);
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(
        err.contains("cannot be read back"),
        "a one-line notice: {err:?}"
    );
    assert!(err.contains("rebuilt"), "{err:?}");
    let json: Value = serde_json::from_str(&out).expect("json");
    assert!(json.to_string().contains("people/p003.md"), "{out}");
}

#[test]
fn an_index_folder_that_is_a_file_is_rebuilt() {
    let v = TestVault::new();
    people(&v, 5);
    v.ok(&["index"]);
    let index = v.index_dir();
    fs::remove_dir_all(&index).expect("rm");
    fs::write(&index, "not a folder").expect("write");
    for _ in 0..2 {
        let (code, out, err) = v.run(&["search", "marker3"]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("people/p003.md"), "{out}");
    }
    assert!(v.index_dir().is_dir());
}

/// Mount a read-only view of `.rapport/` over itself; unmounted on drop.
struct Mounted(std::path::PathBuf);
impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = tool_works("umount", &[&self.0.to_string_lossy()]);
    }
}

#[test]
fn a_read_only_rapport_folder_still_answers() {
    let v = TestVault::new();
    people(&v, 20);
    v.ok(&["index"]);
    let dot = v.abs(".rapport");
    let d = dot.to_string_lossy().to_string();
    if !tool_works("mount", &["--bind", &d, &d]) {
        eprintln!("skipped: cannot bind-mount here (needs root and mount rights)");
        return;
    }
    let m = Mounted(dot.clone());
    if !tool_works("mount", &["-o", "remount,ro,bind", &d]) {
        eprintln!("skipped: cannot remount read-only here");
        return;
    }
    let before = v.hash_all();
    // nothing changed: every command answers, with no notice
    for args in [
        &["--no-sync", "search", "marker3"][..],
        &["search", "marker3"][..],
    ] {
        let (code, out, err) = v.run(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(out.contains("people/p003.md"), "{out}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
    // a note changed: the answer has it, and says once that the index
    // could not be updated
    v.write("people/p004.md", "---\nname: Person 4\n---\nreadonlyword\n");
    let (code, out, err) = v.run(&["search", "readonlyword"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("people/p004.md"), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("read-only file system"), "{err}");
    v.write("people/ro-new.md", "---\nname: Rita Ohne\n---\n");
    let (code, out, _) = v.run(&["--json", "show", "Rita Ohne"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("people/ro-new.md"), "{out}");
    let after = v.hash_all();
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| k.starts_with(".rapport") && before.get(*k) != after.get(*k))
        .collect();
    assert!(changed.is_empty(), "{changed:?}");
    drop(m);
}

/// A 2 MiB tmpfs over `.rapport/`, filled to the last byte.
#[test]
fn a_full_disk_still_answers_and_watch_recovers() {
    let v = TestVault::new();
    people(&v, 20);
    let dot = v.abs(".rapport");
    fs::create_dir_all(&dot).expect("mkdir");
    let d = dot.to_string_lossy().to_string();
    if !tool_works("mount", &["-t", "tmpfs", "-o", "size=2m", "tmpfs", &d]) {
        eprintln!("skipped: cannot mount a tmpfs here (needs root and mount rights)");
        return;
    }
    let _m = Mounted(dot.clone());
    v.ok(&["index"]);
    let mut watch = crate::harness::spawn_watch(&v, &[]);
    // fill the disk
    let fill = dot.join("fill");
    let _ = Command::new("dd")
        .args(["if=/dev/zero", &format!("of={}", fill.display()), "bs=4k"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    v.write("people/p005.md", "---\nname: Person 5\n---\nfulldiskword\n");
    // readers answer from the committed index and the changed note
    let (code, out, err) = v.run(&["search", "fulldiskword"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("people/p005.md"), "{out}");
    assert!(err.lines().count() <= 1, "{err}");
    std::thread::sleep(Duration::from_secs(2));
    assert!(watch.try_wait().expect("wait").is_none(), "watch exited");
    // space comes back: watch catches up by itself
    fs::remove_file(&fill).expect("rm");
    crate::harness::poll(Duration::from_secs(30), "watch to recover", || {
        let (code, out, _) = v.run(&["--no-sync", "search", "fulldiskword"]);
        (code == 0 && out.contains("people/p005.md")).then_some(())
    });
    assert!(watch.try_wait().expect("wait").is_none(), "watch exited");
    let _ = watch.kill();
    let out = watch.wait_with_output().expect("output");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("disk full"), "{err}");
    assert!(
        !err.contains("Debug") && err.lines().all(|l| l.len() < 300),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn files_made_for_the_user_respect_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let v = TestVault::new();
    fs::set_permissions(v.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
    // a folder others may read: only the umask keeps new files private
    v.mkdir("people");
    fs::set_permissions(v.abs("people"), fs::Permissions::from_mode(0o755)).expect("chmod");
    let run = |args: &str| {
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("umask 077; exec \"$0\" --vault \"$1\" {args}"))
            .arg(crate::harness::bin())
            .arg(v.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("sh");
        assert!(status.success(), "{args}");
    };
    run("new 'Uma Mask'");
    let mode = |rel: &str| fs::metadata(v.abs(rel)).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode("people/uma-mask.md"), 0o600);
    // watch --ics writes the calendar at start; stop it after that
    let ics = v.abs("cal.ics");
    let mut w = Command::new("sh")
        .arg("-c")
        .arg("umask 077; exec \"$0\" --vault \"$1\" watch --quiet --ics \"$2\"")
        .arg(crate::harness::bin())
        .arg(v.path())
        .arg(&ics)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("watch");
    crate::harness::poll(Duration::from_secs(60), "the calendar", || {
        ics.exists().then_some(())
    });
    let _ = w.kill();
    let _ = w.wait();
    assert_eq!(mode("cal.ics"), 0o600);
}

#[test]
fn a_conflicted_note_is_visible_and_keeps_what_both_sides_agree_on() {
    let v = TestVault::new().note(
        "people/anna.md",
        "---\nname: Anna Schmidt\ncadence: 1m\n<<<<<<< ours\nlast_contact: 2026-09-20\n=======\nlast_contact: 2026-09-22\n>>>>>>> theirs\ninterests: [sailing]\n---\n## Log\n- 2026-09-22 Call\n",
    );
    v.write(
        "people/bo.md",
        "---\nname: Bo Berg\ninterests: [sailing]\n---\n",
    );
    // due: Anna is still listed (from her log), and the conflict is named
    let (code, out, _) = v.run(&["--today", "2026-11-26", "due"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Anna Schmidt"), "{out}");
    let last = out.lines().last().unwrap_or("");
    assert!(
        last.contains("people/anna.md") && last.contains("rapport check"),
        "{out}"
    );
    let j = v.json(&["--today", "2026-11-26", "due"]);
    assert_eq!(j["problems"][0]["path"], "people/anna.md", "{j}");
    assert_eq!(j["problems"][0]["code"], "conflict", "{j}");
    // show and intros say so too; the agreed interest still pairs her
    let j = v.json(&["show", "Anna Schmidt"]);
    assert_eq!(j["problems"][0]["code"], "conflict", "{j}");
    assert_eq!(j["interests"][0], "sailing", "{j}");
    let j = v.json(&["intros"]);
    assert!(
        j["problems"].as_array().is_some_and(|p| !p.is_empty()),
        "{j}"
    );
    assert!(j.to_string().contains("Bo Berg"), "{j}");
    // without problems there is no such line or field
    v.write(
        "people/anna.md",
        "---\nname: Anna Schmidt\nlast_contact: 2026-09-22\n---\n",
    );
    let j = v.json(&["--today", "2026-11-26", "due"]);
    assert!(j.get("problems").is_none(), "{j}");
}
