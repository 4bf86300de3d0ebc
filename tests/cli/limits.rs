#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Hostile input and cost: queries nested ten thousand deep, limits of
//! `u64::MAX`, words longer than a tokenizer's limit, 100 KB queries, many
//! dated open items, large duplicate-name groups and endless `--file` input.
//! Each case runs the real binary: no panic or abort, one short error line,
//! and time or output that grows linearly with the input.

use std::time::{Duration, Instant};

use crate::harness::{TestVault, promised, timing};

const ANNA: &str = "---\nname: Anna Segler\ninterests: [segeln]\n---\nSegeln in Kiel\n";
const BERT: &str = "---\nname: Bert Segler\ninterests: [segeln]\n---\nauch Segeln\n";

fn small_vault() -> TestVault {
    TestVault::new()
        .note("people/anna.md", ANNA)
        .note("people/bert.md", BERT)
}

/// An error run: exit 2, one line on stderr starting `rapport:`, nothing on
/// stdout, no longer than `max` bytes.
fn one_line_error(run: (i32, String, String), max: usize) -> String {
    let (code, out, err) = run;
    assert_eq!(code, 2, "stdout: {out}\nstderr: {err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("rapport: "), "{err}");
    assert!(err.len() <= max, "{} bytes: {err}", err.len());
    err
}

/// Wall time of a `rapport` run (the faster of two, against noise) and its
/// stdout.
fn timed(v: &TestVault, args: &[&str]) -> (Duration, String) {
    let mut best = Duration::MAX;
    let mut out = String::new();
    for _ in 0..2 {
        let start = Instant::now();
        out = v.ok(args);
        best = best.min(start.elapsed());
    }
    (best, out)
}

/// Doubling the input at most triples the time (with a floor for noise);
/// checked with `RAPPORT_TIMING=1` only, since a loaded machine can slow
/// either run.
fn assert_linear(what: &str, small: Duration, large: Duration) {
    eprintln!("{what}: N {small:?}, 2N {large:?}");
    if !timing() {
        return;
    }
    let bound = small.mul_f64(3.0).max(Duration::from_millis(300));
    assert!(
        large <= bound,
        "{what}: N took {small:?}, 2N took {large:?} (more than 3x)"
    );
}

// 1. Nesting

#[test]
fn deeply_nested_query_is_a_clear_error_not_a_stack_overflow() {
    let v = small_vault();
    for q in [
        format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000)),
        "(x ".repeat(10_000),
        format!("{}x", "NOT ".repeat(10_000)),
        format!("{}segeln{}", "(".repeat(33), ")".repeat(33)),
    ] {
        let err = one_line_error(v.run(&["search", &q]), 300);
        assert!(err.contains("nests") && err.contains("32"), "{err}");
    }
    // up to the limit it is an ordinary query
    let q = format!("{}segeln{}", "(".repeat(32), ")".repeat(32));
    assert_eq!(v.search_paths(&q).len(), 2);
    let q = format!("segeln {}bert", "NOT ".repeat(31));
    let (code, _, err) = v.run(&["search", &q]);
    assert!(code == 0 || code == 1, "{err}");
    // parentheses in a phrase do not nest
    let q = format!("\"{}\" OR segeln", "(".repeat(100));
    assert_eq!(v.search_paths(&q).len(), 2);
}

// 2. Limits

#[test]
fn huge_limits_are_clamped_and_zero_lists_nothing() {
    let v = small_vault();
    let max = u64::MAX.to_string();
    for n in [max.as_str(), "100000000000000"] {
        let s = v.json(&["search", "segeln", "-n", n]);
        assert_eq!(s["hits"].as_array().expect("hits").len(), 2, "{s}");
        let m = v.json(&["match", "segeln", "-n", n]);
        assert_eq!(m["matches"].as_array().expect("matches").len(), 2, "{m}");
        let i = v.json(&["intros", "-n", n]);
        assert_eq!(i["pairs"].as_array().expect("pairs").len(), 1, "{i}");
    }
    // `-n 0` lists nothing and exits 1 (nothing found), like `rg -m 0`
    let (code, out, err) = v.run(&["search", "segeln", "-n", "0"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    let (code, out, err) = v.run(&["match", "segeln", "-n", "0"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    let i = v.json(&["intros", "-n", "0"]);
    assert_eq!(i["pairs"], serde_json::json!([]));
    // a bad query is still reported with -n 0
    one_line_error(v.run(&["search", "unknownfield:x", "-n", "0"]), 300);
    // the help says what 0 does
    for cmd in ["search", "match", "intros"] {
        let help = v.ok(&[cmd, "--help"]);
        assert!(help.contains("0 lists none"), "{cmd}: {help}");
    }
}

// 3. Long words and long queries

#[test]
fn long_words_are_searchable_and_errors_quote_a_short_excerpt() {
    let sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let sha512 = "ee26b0dd4af7e749aa1a8ee3c10ae9923f618980772e473f8819a5d4940e0db2".repeat(2);
    let slug = format!("{}z", "Ä".repeat(120)); // 241 bytes, one word
    let v = TestVault::new().note(
        "people/anna.md",
        &format!(
            "---\nname: Anna Segler\n---\ncommit {sha256}\nsee https://example.org/{sha512}/x\n{slug}\n"
        ),
    );
    assert_eq!(v.search_paths(sha256), vec!["people/anna.md"]);
    assert_eq!(
        v.search_paths(&sha512.to_uppercase()),
        vec!["people/anna.md"]
    );
    assert_eq!(
        v.search_paths(&format!("\"https://example.org/{sha512}/x\"")),
        vec!["people/anna.md"]
    );
    assert_eq!(v.search_paths(&slug.to_lowercase()), vec!["people/anna.md"]);
    assert_eq!(
        v.search_paths(&format!("body:{sha256}")),
        vec!["people/anna.md"]
    );
    // the snippet shows the line
    let s = v.json(&["search", sha256]);
    assert_eq!(s["hits"][0]["line"], 4, "{s}");
    // a word over the limit is not silently dropped: a clear, short error
    let huge = "x".repeat(300);
    let err = one_line_error(v.run(&["search", &format!("segler {huge}")]), 300);
    assert!(err.contains("longer than 256 bytes"), "{err}");
    // a 100 KB query is quoted as an excerpt, not echoed
    for q in [
        format!("{}:x", "f".repeat(100_000)),
        format!("[{}", "a ".repeat(50_000)),
        "x ".repeat(50_000) + &huge,
    ] {
        let err = one_line_error(v.run(&["search", &q]), 400);
        assert!(err.contains('…'), "{err}");
    }
}

// 4. Calendar export

/// A vault with `items` dated open items, 100 to a note, every fifth one
/// repeating an earlier item of its note word for word.
fn open_items_vault(items: usize) -> TestVault {
    let v = TestVault::new();
    for f in 0..items / 100 {
        let mut text = format!("---\nname: Person {f}\n---\n");
        for i in 0..100 {
            let task = if i % 5 == 4 { i - 1 } else { i };
            text.push_str(&format!("- [ ] 2026-12-{:02} task {task}\n", 1 + i % 28));
        }
        v.write(&format!("people/p{f:04}.md"), &text);
    }
    v.ok(&["index", "-q"]);
    v
}

#[test]
fn ics_export_is_linear_in_dated_open_items() {
    let args = ["--today", "2026-11-26", "export", "ics"];
    let mut times = Vec::new();
    for n in [10_000, 20_000] {
        let v = open_items_vault(n);
        let (took, ics) = timed(&v, &args);
        let uids: std::collections::HashSet<&str> =
            ics.lines().filter(|l| l.starts_with("UID:")).collect();
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), n);
        assert_eq!(uids.len(), n, "every event has its own UID");
        times.push(took);
    }
    assert_linear("export ics 10k/20k open items", times[0], times[1]);
}

// 5. Duplicate names

#[test]
fn duplicate_warnings_name_a_bounded_number_of_holders() {
    let n = 1000;
    let v = TestVault::new();
    for i in 0..n {
        v.write(
            &format!("people/p{i:04}.md"),
            "---\nname: Same Name\naliases: [Other]\n---\n",
        );
    }
    v.write("people/twin-a.md", "---\nname: Twin\n---\n");
    v.write("people/twin-b.md", "---\nname: Twin\n---\n");
    let (code, out, err) = v.run(&["check"]);
    assert_eq!(code, 0, "{err}");
    // one warning per duplicate group, on its first holder by path, naming
    // a bounded number of the others: output independent of n
    let lines: Vec<&str> = out.lines().filter(|l| l.contains("duplicate")).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(out.len() < 2000, "{} bytes", out.len());
    let listed: Vec<String> = (1..=10).map(|i| format!("people/p{i:04}.md")).collect();
    let tail = format!("is also used by {} and 989 more", listed.join(", "));
    for key in ["\"same name\"", "\"other\""] {
        let w = lines
            .iter()
            .find(|l| l.contains(key))
            .expect("warning for the group");
        assert!(w.starts_with("people/p0000.md: warning[duplicate]"), "{w}");
        assert!(w.ends_with(&tail), "{w}");
    }
    assert!(!out.contains("people/p0001.md: warning"), "{out}");
    // a small group lists everyone else
    assert!(
        out.contains("people/twin-a.md: warning[duplicate]: name or alias \"twin\" is also used by people/twin-b.md\n"),
        "{out}"
    );
    let (_, r) = v.json_code(&["check"]);
    let msgs: Vec<&serde_json::Value> = r["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter(|p| p["code"] == "duplicate")
        .collect();
    assert_eq!(msgs.len(), 3);
    let on_first = msgs.iter().filter(|p| p["path"] == "people/p0000.md");
    assert_eq!(on_first.count(), 2, "{r}");
    assert!(
        msgs.iter()
            .all(|p| p["message"].as_str().expect("msg").len() < 300)
    );
}

// 6. `match --file` input

#[test]
fn match_file_reads_a_bounded_amount_of_text() {
    let v = small_vault();
    v.ok(&["index", "-q"]);
    // a text over 4 MiB, from a file and from stdin
    let big = "segeln und mehr ".repeat(300_000);
    v.write("big.txt", &big);
    let path = v.abs("big.txt");
    let err = one_line_error(
        v.run(&["match", "--file", path.to_str().expect("utf-8")]),
        200,
    );
    assert!(
        err.contains("big.txt") && err.contains("larger than 4 MiB"),
        "{err}"
    );
    // (stdin from the file: rapport stops reading early, a pipe would break)
    let mut cmd = v.cmd(&["match", "--file", "-"]);
    cmd.stdin(std::fs::File::open(&path).expect("open big.txt"));
    let r = crate::harness::finish(cmd, None);
    let err = one_line_error((r.code, r.stdout, r.stderr), 200);
    assert!(
        err.contains("stdin") && err.contains("larger than 4 MiB"),
        "{err}"
    );
    // endless devices (after the finite cases, which fail fast on unbounded
    // reading): refused after at most 4 MiB, quickly
    let start = Instant::now();
    let err = one_line_error(v.run(&["match", "--file", "/dev/urandom"]), 200);
    assert!(
        err.contains("/dev/urandom") && err.contains("not a text file"),
        "{err}"
    );
    let err = one_line_error(v.run(&["match", "--file", "/dev/zero"]), 200);
    assert!(err.contains("not a text file"), "{err}");
    assert!(
        start.elapsed() < promised(Duration::from_secs(20)),
        "{:?}",
        start.elapsed()
    );
    // up to the limit it is matched as before
    let ok = "segeln ".repeat(4 * 1024 * 1024 / 7);
    v.write("ok.txt", &ok);
    let m = v.json(&["match", "--file", v.abs("ok.txt").to_str().expect("utf-8")]);
    assert_eq!(m["matches"].as_array().expect("matches").len(), 2, "{m}");
}
