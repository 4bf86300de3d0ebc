//! Results are never stale without `watch`: after every kind of change a read
//! command answers exactly like a copy of the vault indexed from scratch. And
//! the index is a cache: a stale schema, a deleted or corrupted index is
//! rebuilt without the user doing anything.

// Test code: helpers outside `#[test]` fns fail the test by panicking too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::harness::TestVault;

const TODAY: &str = "2026-11-26";

/// Words sprinkled over the generated notes; each is also a query.
const WORDS: [&str; 12] = [
    "sailing",
    "Segeln",
    "chess",
    "Fortbildung",
    "Imkerei",
    "running",
    "Müller",
    "Straße",
    "kayak",
    "pottery",
    "stoicism",
    "Rust",
];

fn word(i: usize, salt: usize) -> &'static str {
    WORDS[(i * 7 + salt * 3) % WORDS.len()]
}

/// A short contact note (one snippet fragment, so snippets do not depend on
/// index statistics).
fn contact(i: usize, salt: usize) -> String {
    format!(
        "---\nname: Person {i}\ninterests: [{}, {}]\ntags: [t{}]\nfield: f{}\ncadence: {}w\nlast_contact: 2026-{:02}-{:02}\n---\n\
         Talks about {} and {}.\n\n- 2026-{:02}-{:02} met for {}\n- [ ] 2026-12-{:02} send {} link\n",
        word(i, salt),
        word(i, salt + 1),
        i % 5,
        i % 3,
        1 + i % 8,
        1 + i % 9,
        1 + i % 27,
        word(i, salt + 2),
        word(i, salt + 3),
        1 + (i + salt) % 10,
        1 + i % 27,
        word(i, salt + 4),
        1 + (i + salt) % 28,
        word(i, salt + 5),
    )
}

/// What must not differ from a fresh rebuild: search hits (as a set; scores
/// and so ties in rank depend on deleted documents still counted by BM25),
/// and `due`, `topics`, `intros`, `check` in full.
fn answers(v: &TestVault, extra_queries: &[&str]) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut queries: Vec<&str> = WORDS.to_vec();
    queries.extend_from_slice(extra_queries);
    for q in queries {
        let r = v.json(&["search", "--limit", "10000", q]);
        let mut hits: Vec<Value> = r["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| serde_json::json!([h["path"], h["name"], h["line"], h["snippet"]]))
            .collect();
        hits.sort_by_key(|h| h.to_string());
        out.push((format!("search {q}"), Value::Array(hits)));
    }
    for args in [
        &["due", "--all", "--days", "30", "--cold", "6mo"][..],
        &["topics"][..],
        &["intros", "--limit", "1000"][..],
        &["check"][..],
    ] {
        let mut a = vec!["--today", TODAY];
        a.extend_from_slice(args);
        out.push((args.join(" "), v.json(&a)));
    }
    out
}

/// The vault answers exactly like a copy of it indexed with `index --rebuild`.
fn assert_fresh(v: &TestVault, extra_queries: &[&str]) {
    let got = answers(v, extra_queries);
    let copy = v.copy();
    copy.ok(&["index", "--rebuild"]);
    let want = answers(&copy, extra_queries);
    assert_eq!(got.len(), want.len());
    for ((what, g), (_, w)) in got.iter().zip(&want) {
        assert_eq!(g, w, "`{what}` differs from a fresh rebuild");
    }
}

fn vault(n: usize) -> TestVault {
    let v = TestVault::new();
    for i in 0..n {
        v.write(&format!("people/p{i:03}.md"), &contact(i, 0));
    }
    v
}

#[test]
fn edit_by_rename_over_is_seen() {
    let v = vault(20);
    assert!(v.search_paths("quokka").is_empty());
    v.write_via_rename(
        "people/p003.md",
        "---\nname: Person 3\ninterests: [quokka]\ncadence: 1w\n---\nNow into quokka spotting.\n",
    );
    assert_eq!(v.search_paths("quokka"), vec!["people/p003.md"]);
    assert_eq!(v.search_paths("interests:quokka"), vec!["people/p003.md"]);
    // the old content is gone
    let old = contact(3, 0);
    assert!(old.contains("Talks about"));
    assert_fresh(&v, &["quokka"]);
}

#[test]
fn same_size_in_place_edit_in_the_same_second_is_seen() {
    let v = vault(5);
    let rel = "people/p001.md";
    let before = "---\nname: Person 1\n---\nfavourite animal: walrus\n";
    let after = "---\nname: Person 1\n---\nfavourite animal: ocelot\n";
    assert_eq!(before.len(), after.len());
    v.write(rel, before);
    assert_eq!(v.search_paths("walrus"), vec![rel]);
    let mtime = fs::metadata(v.abs(rel))
        .expect("stat")
        .modified()
        .expect("mtime");
    // overwrite in place (same inode, same size) and put the mtime back, as
    // on a file system with a coarse clock where both writes share a tick
    fs::OpenOptions::new()
        .write(true)
        .open(v.abs(rel))
        .and_then(|mut f| {
            std::io::Write::write_all(&mut f, after.as_bytes())?;
            f.set_modified(mtime)
        })
        .expect("rewrite");
    assert_eq!(
        fs::metadata(v.abs(rel))
            .expect("stat")
            .modified()
            .expect("mtime"),
        mtime
    );
    assert_eq!(v.search_paths("ocelot"), vec![rel]);
    assert!(v.search_paths("walrus").is_empty());
    assert_fresh(&v, &["walrus", "ocelot"]);
}

#[test]
fn same_size_edit_of_an_old_file_with_its_mtime_restored_is_seen() {
    // The file was indexed long after its last change (not racy), then
    // changed in place with the same size and the old mtime put back (as
    // `touch -r`, rsync or an unpacked archive can do).
    let v = vault(3);
    let rel = "people/p001.md";
    v.write(rel, "---\nname: Person 1\n---\nfavourite animal: walrus\n");
    let old = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(v.abs(rel))
        .and_then(|f| f.set_modified(old))
        .expect("set mtime");
    assert_eq!(v.search_paths("walrus"), vec![rel]);
    fs::OpenOptions::new()
        .write(true)
        .open(v.abs(rel))
        .and_then(|mut f| {
            std::io::Write::write_all(
                &mut f,
                b"---\nname: Person 1\n---\nfavourite animal: ocelot\n",
            )?;
            f.set_modified(old)
        })
        .expect("rewrite");
    assert_eq!(v.search_paths("ocelot"), vec![rel]);
    assert!(v.search_paths("walrus").is_empty());
}

#[test]
fn delete_is_seen() {
    let v = vault(20);
    v.write(
        "people/gone.md",
        "---\nname: Gone Person\ncadence: 1w\n---\nquokka\n",
    );
    assert_eq!(v.search_paths("quokka"), vec!["people/gone.md"]);
    v.remove("people/gone.md");
    assert!(v.search_paths("quokka").is_empty());
    let due = v.json(&["--today", TODAY, "due"]);
    assert!(
        !due.to_string().contains("Gone Person"),
        "a deleted note is still due: {due}"
    );
    assert_fresh(&v, &["quokka"]);
}

#[test]
fn rename_is_seen() {
    let v = vault(20);
    v.rename("people/p004.md", "people/renamed.md");
    assert!(
        v.search_paths("name:\"Person 4\"")
            .contains(&"people/renamed.md".to_string())
    );
    let all = v.search_paths("Talks");
    assert!(!all.contains(&"people/p004.md".to_string()));
    assert!(all.contains(&"people/renamed.md".to_string()));
    assert_eq!(all.len(), 20);
    assert_fresh(&v, &["Talks"]);
}

#[test]
fn folder_move_is_seen() {
    let v = vault(30);
    v.ok(&["index"]);
    // move the whole folder, then a subfolder elsewhere
    v.rename("people", "contacts");
    let hits = v.search_paths("Talks");
    assert_eq!(hits.len(), 30);
    assert!(hits.iter().all(|p| p.starts_with("contacts/")), "{hits:?}");
    v.mkdir("contacts/kiel");
    for i in 0..5 {
        v.rename(
            &format!("contacts/p{i:03}.md"),
            &format!("contacts/kiel/p{i:03}.md"),
        );
    }
    v.rename("contacts/kiel", "archive-kiel");
    let hits = v.search_paths("Talks");
    assert_eq!(hits.len(), 30);
    assert_eq!(
        hits.iter()
            .filter(|p| p.starts_with("archive-kiel/"))
            .count(),
        5
    );
    // moving a folder into a hidden one removes its notes
    v.rename("archive-kiel", ".trash");
    assert_eq!(v.search_paths("Talks").len(), 25);
    assert_fresh(&v, &["Talks"]);
}

#[test]
fn git_checkout_of_another_branch_is_seen() {
    let v = vault(80);
    v.write(".gitignore", ".rapport/index/\n");
    v.git_init();
    v.git(&["add", "-A"]);
    v.git(&["commit", "-q", "-m", "main"]);
    v.git(&["checkout", "-q", "-b", "other"]);
    // change 25 (some with the same size), delete 15, add 30, rename 5, move a folder
    for i in 0..25 {
        v.write(&format!("people/p{i:03}.md"), &contact(i, 1));
    }
    for i in 25..40 {
        v.remove(&format!("people/p{i:03}.md"));
    }
    for i in 100..130 {
        v.write(&format!("team/n{i:03}.md"), &contact(i, 2));
    }
    for i in 40..45 {
        v.rename(
            &format!("people/p{i:03}.md"),
            &format!("people/moved-{i:03}.md"),
        );
    }
    v.mkdir("people/kiel");
    for i in 45..50 {
        v.rename(
            &format!("people/p{i:03}.md"),
            &format!("people/kiel/p{i:03}.md"),
        );
    }
    v.write("people/p050.md", &contact(50, 0).replace("Talks", "Walks"));
    v.git(&["add", "-A"]);
    v.git(&["commit", "-q", "-m", "other"]);
    v.git(&["checkout", "-q", "main"]);

    // index on main, then switch branches under it, back and forth
    let on_main = answers(&v, &["Talks", "Walks"]);
    v.git(&["checkout", "-q", "other"]);
    assert_eq!(v.search_paths("Walks"), vec!["people/p050.md"]);
    assert_eq!(v.search_paths("Talks").len(), 80 - 15 + 30 - 1);
    assert_fresh(&v, &["Talks", "Walks"]);
    v.git(&["checkout", "-q", "main"]);
    assert_eq!(answers(&v, &["Talks", "Walks"]), on_main);
    assert_fresh(&v, &["Talks", "Walks"]);
    // and straight back, with no command in between the two checkouts
    v.git(&["checkout", "-q", "other"]);
    v.git(&["checkout", "-q", "main"]);
    v.git(&["checkout", "-q", "other"]);
    assert_fresh(&v, &["Talks", "Walks"]);
}

#[test]
fn stale_schema_version_rebuilds_automatically() {
    let v = vault(10);
    v.ok(&["index"]);
    let vf = &format!("{}/rapport-version", v.index_rel());
    let current = v.read(vf);
    assert!(!current.trim().is_empty());
    v.write(vf, "0\n");
    v.write("people/new.md", "---\nname: New\n---\nquokka\n");
    assert_eq!(v.search_paths("quokka"), vec!["people/new.md"]);
    assert_eq!(v.search_paths("Talks").len(), 10);
    assert_eq!(
        v.read(vf),
        current,
        "the rebuilt index has the current version"
    );
    // also without any change to the notes, and with --no-sync
    v.write(vf, "999\n");
    assert_eq!(v.search_paths("Talks").len(), 10);
    v.write(vf, "0\n");
    let r = v.json(&["--no-sync", "search", "quokka"]);
    assert_eq!(crate::harness::paths(&r["hits"]), vec!["people/new.md"]);
    assert_eq!(v.read(vf), current);
}

fn index_files(v: &TestVault) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = fs::read_dir(v.index_dir())
        .expect("index folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn deleted_index_is_rebuilt() {
    let v = vault(10);
    v.ok(&["index"]);
    v.remove(&v.index_rel());
    assert_eq!(v.search_paths("Talks").len(), 10);
    v.remove(".rapport");
    assert_eq!(v.search_paths("Talks").len(), 10);
    assert_fresh(&v, &[]);
}

#[test]
fn corrupted_index_is_rebuilt_without_user_action() {
    type Damage = fn(&std::path::Path);
    fn is_segment_file(p: &std::path::Path) -> bool {
        let n = p.file_name().expect("name").to_string_lossy().to_string();
        !n.ends_with(".json") && !n.starts_with("rapport-") && !n.starts_with('.')
    }
    let damages: [(&str, Damage); 6] = [
        ("truncate every file to zero", |p| {
            fs::write(p, b"").expect("truncate");
        }),
        ("truncate every file to half", |p| {
            let len = fs::metadata(p).expect("stat").len();
            fs::File::options()
                .write(true)
                .open(p)
                .and_then(|f| f.set_len(len / 2))
                .expect("truncate");
        }),
        ("overwrite every file with garbage", |p| {
            fs::write(p, b"garbage\n").expect("write");
        }),
        ("delete every file", |p| {
            fs::remove_file(p).expect("rm");
        }),
        ("delete the segment files only", |p| {
            if is_segment_file(p) {
                fs::remove_file(p).expect("rm");
            }
        }),
        ("truncate the segment files only", |p| {
            if is_segment_file(p) {
                fs::write(p, b"").expect("truncate");
            }
        }),
    ];
    for (what, damage) in damages {
        for no_sync in [false, true] {
            let v = vault(10);
            v.ok(&["index"]);
            for f in index_files(&v) {
                damage(&f);
            }
            let mut args = vec!["--json"];
            if no_sync {
                args.push("--no-sync");
            }
            args.extend(["search", "--limit", "100", "Talks"]);
            let (code, out, err) = v.run(&args);
            assert_eq!(code, 0, "{what} (no_sync={no_sync}): {err}");
            let r: Value = serde_json::from_str(&out).expect("json");
            assert_eq!(
                r["hits"].as_array().expect("hits").len(),
                10,
                "{what} (no_sync={no_sync})"
            );
            // and `index` itself copes too
            let (code, _, err) = v.run(&["index"]);
            assert_eq!(code, 0, "{what}: {err}");
        }
    }
}

#[test]
fn index_damage_is_also_survived_by_index_and_every_read_command() {
    for args in [
        &["index"][..],
        &["--today", TODAY, "due"][..],
        &["topics"][..],
        &["intros"][..],
        &["show", "Person 1"][..],
        &["check"][..],
        &["match", "chess"][..],
    ] {
        let v = vault(10);
        v.ok(&["index"]);
        for f in index_files(&v) {
            fs::write(&f, b"").expect("truncate");
        }
        let (code, out, err) = v.run(args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
    }
}

#[test]
fn the_cache_ignores_itself_for_git() {
    let v = vault(3);
    assert!(!v.abs(".rapport").exists());
    v.ok(&["search", "Talks"]);
    let cache = v.cache_dir().expect("a cache folder");
    let gi = fs::read_to_string(cache.join(".gitignore")).expect("read");
    assert!(gi.lines().any(|l| l.trim() == "*"), "{gi:?}");
    // nothing else of rapport's at the top of .rapport/ that git could see
    assert!(!v.abs(".rapport/.gitignore").exists());
    // a user's own .rapport/.gitignore is left alone
    v.write(".rapport/.gitignore", "index/\n# mine\n");
    v.remove(&v.index_rel());
    v.ok(&["index"]);
    assert_eq!(v.read(".rapport/.gitignore"), "index/\n# mine\n");
    // and git really ignores the cache
    v.remove(".rapport/.gitignore");
    v.git_init();
    let status = v.git(&["status", "--porcelain", "--untracked-files=all"]);
    assert!(!status.contains(".rapport"), "{status}");
}

#[test]
fn no_sync_uses_the_index_as_it_is() {
    let v = vault(5);
    // with no index at all, --no-sync still builds one
    let r = v.json(&["--no-sync", "search", "--limit", "100", "Talks"]);
    assert_eq!(r["hits"].as_array().expect("hits").len(), 5);
    v.write(
        "people/new.md",
        "---\nname: New\n---\nTalks about quokkas.\n",
    );
    v.remove("people/p000.md");
    // stale on purpose: the edit is not seen
    let stale = v.json(&["--no-sync", "search", "--limit", "100", "Talks"]);
    let mut paths = crate::harness::paths(&stale["hits"]);
    paths.sort();
    assert_eq!(paths.len(), 5);
    assert!(paths.contains(&"people/p000.md".to_string()));
    // a hit on a deleted note still answers (no snippet from a missing file)
    let (code, _, err) = v.run(&["--no-sync", "search", "name:\"Person 0\""]);
    assert_eq!(code, 0, "{err}");
    // the next synced command sees everything
    let mut paths = v.search_paths("Talks");
    paths.sort();
    assert_eq!(paths.len(), 5);
    assert!(paths.contains(&"people/new.md".to_string()));
    assert!(!paths.contains(&"people/p000.md".to_string()));
}

#[test]
fn index_counts_what_it_did() {
    let v = vault(4);
    let r = v.json(&["index"]);
    assert_eq!(
        r,
        serde_json::json!({"schema_version": 1, "notes": 4, "added": 4, "updated": 0, "removed": 0, "errors": 0})
    );
    // nothing changed: nothing to do
    let r = v.json(&["index"]);
    assert_eq!(r["notes"], 4);
    assert_eq!(
        (
            r["added"].clone(),
            r["updated"].clone(),
            r["removed"].clone()
        ),
        (0.into(), 0.into(), 0.into())
    );
    v.write("people/p000.md", "---\nname: Changed\n---\n");
    v.remove("people/p001.md");
    v.write("people/new.md", "---\nname: [broken\n---\n");
    // a touch without a change of content is not an update
    let text = v.read("people/p002.md");
    v.write("people/p002.md", &text);
    let r = v.json(&["index"]);
    assert_eq!(
        r,
        serde_json::json!({"schema_version": 1, "notes": 4, "added": 1, "updated": 1, "removed": 1, "errors": 1})
    );
    let (code, out, _) = v.run(&["--color", "never", "index", "--rebuild"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "4 notes: 4 added, 0 updated, 0 removed, 1 with errors (see `rapport check`) (rebuilt)\n"
    );
    let (_, out, _) = v.run(&["-q", "index"]);
    assert!(out.is_empty(), "{out}");
}

#[test]
fn changing_ignore_globs_takes_effect_at_once() {
    let v = vault(6);
    v.write(
        "archive/old.md",
        "---\nname: Old One\n---\nTalks about the past.\n",
    );
    assert_eq!(v.search_paths("past"), vec!["archive/old.md"]);
    v.write(".rapport/config.toml", "ignore = [\"archive/\"]\n");
    assert!(v.search_paths("past").is_empty());
    assert_eq!(v.search_paths("Talks").len(), 6);
    let due = v.json(&["--today", TODAY, "due", "--cold", "1d"]);
    assert!(!due.to_string().contains("Old One"), "{due}");
    assert_fresh(&v, &["past"]);
    v.write(".rapport/config.toml", "");
    assert_eq!(v.search_paths("past"), vec!["archive/old.md"]);
}
