//! Every `--json` document pinned as an insta snapshot: each command on a
//! copy of the bundled `sample-vault/` on 2026-11-26. The snapshot is the
//! document exactly as printed (field order included); only the temporary
//! vault's absolute path is replaced by `[VAULT]`. Scores are pinned too:
//! a fresh index of the same files gives the same floats on every run and
//! core count. docs/json.md describes the shapes.

use serde_json::Value;

use crate::harness::TestVault;

const TODAY: &str = "2026-11-26";

/// Stdout of `rapport --today TODAY --json ARGS` on `v`, which must exit
/// with `code` and print one JSON document of schema version 1.
fn json(v: &TestVault, args: &[&str], code: i32) -> String {
    let mut a = vec!["--today", TODAY, "--json"];
    a.extend_from_slice(args);
    let (got, out, err) = v.run(&a);
    assert_eq!(got, code, "rapport {a:?}\nstdout: {out}\nstderr: {err}");
    let doc: Value = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("rapport {a:?}: stdout is not JSON ({e}):\n{out}"));
    assert_eq!(doc["schema_version"], 1, "rapport {a:?}: {out}");
    let root = v.path().to_str().expect("utf-8 temp path");
    out.replace(root, "[VAULT]")
}

/// Read commands: one sample copy, indexed once.
#[test]
fn read_commands() {
    let v = TestVault::sample();
    insta::assert_snapshot!("index", json(&v, &["index"], 0));
    insta::assert_snapshot!("index_again", json(&v, &["index"], 0));
    insta::assert_snapshot!("search", json(&v, &["search", "sailing", "-n", "5"], 0));
    insta::assert_snapshot!(
        "search_field",
        json(&v, &["search", "interests:sail", "-n", "3"], 0)
    );
    insta::assert_snapshot!("search_none", json(&v, &["search", "zzznothing"], 1));
    insta::assert_snapshot!("due", json(&v, &["due"], 0));
    insta::assert_snapshot!("due_all", json(&v, &["due", "--all"], 0));
    insta::assert_snapshot!("match", json(&v, &["match", "sailing", "-n", "5"], 0));
    insta::assert_snapshot!(
        "match_concept",
        json(&v, &["match", "Fortbildungen", "-n", "3"], 0)
    );
    let article = v.abs("notes/leseliste.md");
    let article = article.to_str().expect("utf-8 path");
    insta::assert_snapshot!(
        "match_file",
        json(&v, &["match", "--file", article, "-n", "3"], 0)
    );
    insta::assert_snapshot!("topics", json(&v, &["topics"], 0));
    insta::assert_snapshot!("intros", json(&v, &["intros", "-n", "5"], 0));
    insta::assert_snapshot!("show", json(&v, &["show", "anna"], 0));
    insta::assert_snapshot!("show_kai", json(&v, &["show", "kai"], 0));
    insta::assert_snapshot!("check", json(&v, &["check"], 0));
    insta::assert_snapshot!("brief", json(&v, &["brief", "anna"], 0));
    insta::assert_snapshot!("plan", json(&v, &["plan", "--capacity", "3"], 0));
    insta::assert_snapshot!("ledger", json(&v, &["ledger"], 0));
    insta::assert_snapshot!("export_ics", json(&v, &["export", "ics"], 0));
}

/// Write commands: each on its own sample copy, so each document is the
/// answer to one change.
#[test]
fn write_commands() {
    let runs: &[(&str, &[&str])] = &[
        ("new", &["new", "Test Person"]),
        (
            "log",
            &["log", "anna", "Coffee:", "talked", "about", "boats"],
        ),
        ("snooze", &["snooze", "anna", "2027-01-15"]),
        ("give", &["give", "anna", "jonas", "book Getting to Yes"]),
        ("got", &["got", "kai", "a", "jar", "of", "honey"]),
        ("init", &["init"]),
    ];
    for (name, args) in runs {
        let v = TestVault::sample();
        insta::assert_snapshot!(*name, json(&v, args, 0));
    }
}
