//! `search`: folding, stemming, field queries, phrases, boolean logic, which
//! files are notes, `path:line`, the JSON shape of docs/json.md, exit codes, and a
//! closed output pipe.

// Test code: helpers outside `#[test]` fns fail the test by panicking too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::harness::{TestVault, keys};

const MUELLER: &str = "---
name: Jürgen Müller
aliases: [Jogi]
interests: [Segeln, chess]
tags: [kiel, \"#mentor\"]
field: software
training: Fortbildungen in Rust
company: Acme Werft
role: Engineer
location: Hamburg
---
# Jürgen Müller

Wohnt in der Hauptstraße 5, Büro in der Straße am Hafen.
He loves sailing on the Baltic.
The quick brown fox jumps.
";

const BEA: &str = "---
name: Bea Brown
interests: [running]
---
Some text about a fox and a hound.
Plays chess on Sundays. Geht gern Segeln mit Freunden.
Macht viele Fortbildungen.
";

const PLAIN: &str = "A note without front matter: pluto meeting minutes.
Second line mentions kayaking.
";

fn vault() -> TestVault {
    TestVault::new()
        .note("people/mueller.md", MUELLER)
        .note("people/bea.md", BEA)
        .note("notes/plain.md", PLAIN)
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn folding_of_case_umlauts_and_sharp_s() {
    let v = vault();
    assert_eq!(v.search_paths("Muller"), vec!["people/mueller.md"]);
    assert_eq!(v.search_paths("MÜLLER"), vec!["people/mueller.md"]);
    assert_eq!(v.search_paths("jurgen"), vec!["people/mueller.md"]);
    // `strasse` finds `Straße` (and only as a whole word: not `Hauptstraße`)
    assert_eq!(v.search_paths("strasse"), vec!["people/mueller.md"]);
    assert_eq!(v.search_paths("Straße"), vec!["people/mueller.md"]);
    assert_eq!(v.search_paths("STRASSE"), vec!["people/mueller.md"]);
}

#[test]
fn english_and_german_stemming() {
    let v = vault();
    // `sail` finds `sailing` (body), `Segel` finds `Segeln` (front matter and body)
    assert_eq!(v.search_paths("sail"), vec!["people/mueller.md"]);
    assert_eq!(v.search_paths("sails"), vec!["people/mueller.md"]);
    assert_eq!(
        sorted(v.search_paths("Segel")),
        vec!["people/bea.md", "people/mueller.md"]
    );
    assert_eq!(
        sorted(v.search_paths("Fortbildung")),
        vec!["people/bea.md", "people/mueller.md"]
    );
    assert_eq!(v.search_paths("kayak"), vec!["notes/plain.md"]);
    assert!(v.search_paths("zebra").is_empty());
}

#[test]
fn field_prefixes_restrict_the_search() {
    let v = vault();
    // chess is an interest of Müller, but only body text for Bea
    assert_eq!(v.search_paths("interests:chess"), vec!["people/mueller.md"]);
    assert_eq!(
        sorted(v.search_paths("chess")),
        vec!["people/bea.md", "people/mueller.md"]
    );
    assert_eq!(v.search_paths("body:chess"), vec!["people/bea.md"]);
    assert_eq!(v.search_paths("interests:segel"), vec!["people/mueller.md"]);
    assert_eq!(v.search_paths("name:brown"), vec!["people/bea.md"]);
    assert_eq!(v.search_paths("name:muller"), vec!["people/mueller.md"]);
    assert_eq!(v.search_paths("aliases:jogi"), vec!["people/mueller.md"]);
    // tags lose their leading '#'
    assert_eq!(v.search_paths("tags:mentor"), vec!["people/mueller.md"]);
    assert_eq!(v.search_paths("tags:kiel"), vec!["people/mueller.md"]);
    assert_eq!(v.search_paths("training:rust"), vec!["people/mueller.md"]);
    assert_eq!(v.search_paths("field:software"), vec!["people/mueller.md"]);
    assert_eq!(v.search_paths("company:werft"), vec!["people/mueller.md"]);
    assert_eq!(v.search_paths("role:engineer"), vec!["people/mueller.md"]);
    assert_eq!(
        v.search_paths("location:hamburg"),
        vec!["people/mueller.md"]
    );
    assert!(v.search_paths("location:kiel").is_empty());
    assert!(v.search_paths("name:fox").is_empty());
    assert_eq!(v.search_paths("body:pluto"), vec!["notes/plain.md"]);
}

#[test]
fn unknown_field_is_a_usage_error_naming_it() {
    let v = vault();
    for args in [
        &["search", "nope:x"][..],
        &["--json", "search", "nope:x"][..],
    ] {
        let (code, out, err) = v.run(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(out.is_empty(), "nothing on stdout for exit 2: {out}");
        assert_eq!(err.lines().count(), 1, "one line on stderr: {err}");
        assert!(err.contains("nope"), "names the field: {err}");
        assert!(
            err.contains("interests") && err.contains("name"),
            "lists the valid fields: {err}"
        );
    }
}

#[test]
fn unparsable_query_is_exit_2() {
    let v = vault();
    let (code, out, err) = v.run(&["search", "\"unclosed"]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn phrases_match_words_in_order() {
    let v = vault();
    assert_eq!(v.search_paths("\"brown fox\""), vec!["people/mueller.md"]);
    assert!(v.search_paths("\"fox brown\"").is_empty());
    assert_eq!(
        v.search_paths("\"Jürgen Müller\""),
        vec!["people/mueller.md"]
    );
    assert_eq!(
        v.search_paths("\"jurgen muller\""),
        vec!["people/mueller.md"]
    );
}

#[test]
fn several_words_must_all_match_and_or_takes_either() {
    let v = vault();
    // `fox` is in both, `hound` only in Bea's note
    assert_eq!(
        sorted(v.search_paths("fox")),
        vec!["people/bea.md", "people/mueller.md"]
    );
    assert_eq!(v.search_paths("fox hound"), vec!["people/bea.md"]);
    assert!(v.search_paths("hound pluto").is_empty());
    assert_eq!(
        sorted(v.search_paths("hound OR pluto")),
        vec!["notes/plain.md", "people/bea.md"]
    );
    assert_eq!(v.search_paths("fox -hound"), vec!["people/mueller.md"]);
    // the words may also come as separate arguments
    let hits = v.json(&["search", "fox", "hound"]);
    assert_eq!(crate::harness::paths(&hits["hits"]), vec!["people/bea.md"]);
}

#[test]
fn notes_without_front_matter_are_searchable() {
    let v = vault();
    let r = v.json(&["search", "pluto"]);
    let hits = r["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["path"], "notes/plain.md");
    // name falls back to the file stem
    assert_eq!(hits[0]["name"], "plain");
    assert_eq!(hits[0]["line"], 1);
    assert_eq!(v.search_paths("kayaking"), vec!["notes/plain.md"]);
}

#[test]
fn hidden_temp_and_ignored_files_are_never_indexed() {
    let v = TestVault::new()
        .config("ignore = [\"templates/\", \"*.draft.md\", \"/archive\"]\n")
        .note("people/real.md", "---\nname: Real\n---\nzebra here\n")
        .note(
            "sub/archive/kept.md",
            "zebra kept: `/archive` is anchored\n",
        );
    let excluded = [
        ".git/x.md",
        ".obsidian/workspace.md",
        ".trash/old.md",
        ".hidden/x.md",
        "people/.drafts/x.md",
        "people/real.md.swp",
        "people/.real.md.swp",
        "people/real.md~",
        "people/.#real.md",
        "people/#real.md#",
        "people/4913",
        "people/real.md.tmp",
        "people/real.md___jb_tmp___",
        "people/real.md___jb_old___",
        "templates/person.md",
        "people/templates/person.md",
        "people/x.draft.md",
        "archive/old.md",
        "people/readme.txt",
        "people/upper.MD",
    ];
    for rel in excluded {
        v.write(rel, "---\nname: Ghost\n---\nzebra ghost\n");
    }
    assert_eq!(
        sorted(v.search_paths("zebra")),
        vec!["people/real.md", "sub/archive/kept.md"]
    );
    assert!(v.search_paths("ghost").is_empty());
    let idx = v.json(&["index"]);
    assert_eq!(idx["notes"], 2, "{idx}");
    // also after a change that triggers an incremental sync
    v.write("people/4913", "zebra again");
    v.write("people/real.md.swp", "zebra swap");
    assert_eq!(
        sorted(v.search_paths("zebra")),
        vec!["people/real.md", "sub/archive/kept.md"]
    );
}

#[test]
fn human_output_shows_path_line_of_first_match() {
    let v = vault();
    let out = v.ok(&["--color", "never", "search", "sailing"]);
    let mut lines = out.lines();
    // line 15 of the file: front matter is lines 1-11, heading 12
    assert_eq!(lines.next(), Some("people/mueller.md:15  Jürgen Müller"));
    let snippet = lines.next().expect("snippet line");
    assert!(snippet.starts_with("    "), "{snippet:?}");
    assert!(snippet.contains("sailing"), "{snippet:?}");
    assert_eq!(lines.next(), None);

    // a hit in the front matter points at that line
    let out = v.ok(&["--color", "never", "search", "interests:chess"]);
    assert_eq!(
        out.lines().next(),
        Some("people/mueller.md:4  Jürgen Müller")
    );
    // the first matching line when the word is on several
    let out = v.ok(&["--color", "never", "search", "body:fox"]);
    assert!(out.contains("people/mueller.md:16  Jürgen Müller"), "{out}");
    assert!(out.contains("people/bea.md:5  Bea Brown"), "{out}");
    // no colour escapes with --color never
    assert!(!out.contains('\u{1b}'), "{out:?}");

    // the first match, not the densest passage further down
    let mut text = String::from("---\nname: First\n---\nintro mentions walrus once.\n");
    for i in 0..12 {
        text.push_str(&format!(
            "filler line {i} with enough words to make a fragment of its own\n"
        ));
    }
    text.push_str("walrus walrus walrus: the walrus section, walrus again\n");
    v.write("people/first.md", &text);
    let out = v.ok(&["--color", "never", "search", "walrus"]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("people/first.md:4  First"));
    assert_eq!(lines.next(), Some("    intro mentions walrus once."));

    // a short line is shown whole, without its indentation; a long one as a
    // fragment of at most 160 chars around the match
    let long = format!("{} narwhal {}\n", "lead ".repeat(60), "tail ".repeat(60));
    v.write(
        "people/long.md",
        &format!("  - short line with a narwhal.\n{long}"),
    );
    let r = v.json(&["search", "narwhal"]);
    assert_eq!(r["hits"][0]["snippet"], "- short line with a narwhal.");
    v.write("people/long.md", &long);
    let r = v.json(&["search", "narwhal"]);
    let snippet = r["hits"][0]["snippet"].as_str().expect("snippet");
    assert!(snippet.contains("narwhal"), "{snippet}");
    assert!(snippet.chars().count() <= 160, "{snippet}");
}

#[test]
fn json_shape_is_exactly_spec_section_5() {
    let v = vault();
    let (code, r) = v.json_code(&["search", "hound"]);
    assert_eq!(code, 0);
    assert_eq!(keys(&r), vec!["hits", "query", "schema_version"]);
    assert_eq!(r["query"], "hound");
    let hits = r["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 1);
    let h = &hits[0];
    assert_eq!(keys(h), vec!["line", "name", "path", "score", "snippet"]);
    assert_eq!(h["path"], "people/bea.md");
    assert_eq!(h["name"], "Bea Brown");
    assert_eq!(h["line"], 5);
    assert!(h["score"].as_f64().expect("score is a number") > 0.0);
    let snip = h["snippet"].as_str().expect("snippet");
    assert!(snip.contains("hound"), "{snip}");
    assert!(!snip.contains('\u{1b}'), "no colour in JSON: {snip:?}");

    // ranked: scores do not increase
    let r = v.json(&["search", "chess"]);
    let scores: Vec<f64> = r["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["score"].as_f64().expect("score"))
        .collect();
    assert_eq!(scores.len(), 2);
    assert!(scores[0] >= scores[1], "{scores:?}");
    // --limit
    let r = v.json(&["search", "--limit", "1", "chess"]);
    assert_eq!(r["hits"].as_array().expect("hits").len(), 1);
}

#[test]
fn nothing_found_is_exit_1_with_valid_json() {
    let v = vault();
    let (code, r) = v.json_code(&["search", "xylophone"]);
    assert_eq!(code, 1);
    assert_eq!(
        r,
        serde_json::json!({"schema_version": 1, "query": "xylophone", "hits": []})
    );
    let (code, out, err) = v.run(&["search", "xylophone"]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn closed_pipe_prints_no_error() {
    // enough output to overflow a pipe buffer several times over, so the
    // writer really meets a closed pipe
    let v = TestVault::new();
    for i in 0..700 {
        v.write(
            &format!("people/p{i:03}.md"),
            &format!(
                "---\nname: Person {i}\n---\n{}\n",
                "sailing with friends on a long summer evening; ".repeat(4)
            ),
        );
    }
    v.ok(&["index"]);
    let mut child = v
        .cmd(&["search", "--limit", "1000", "sailing"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    {
        let mut r = BufReader::new(child.stdout.take().expect("stdout"));
        r.read_line(&mut first).expect("read one line");
        // dropping the reader closes the pipe, like `| head -1`
    }
    assert!(first.starts_with("people/p"), "{first}");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err)
        .expect("stderr");
    let status = crate::harness::poll(crate::harness::CMD_TIMEOUT, "rapport to exit", || {
        child.try_wait().expect("wait")
    });
    assert!(err.is_empty(), "stderr after a closed pipe: {err}");
    assert_eq!(status.code(), Some(0));

    // and literally through a shell pipeline
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("\"$0\" --vault \"$1\" search --limit 1000 sailing | head -1")
        .arg(crate::harness::bin())
        .arg(v.path())
        .output()
        .expect("sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("people/p"), "{stdout}");
    assert!(stderr.is_empty(), "`search … | head -1` printed: {stderr}");
}

#[test]
fn decomposed_unicode_is_found_like_composed() {
    // macOS and some apps save `ü` as `u` + U+0308 (NFD)
    let v = TestVault::new()
        .note(
            "people/nfd.md",
            "---\nname: Ju\u{308}rgen Mu\u{308}ller\ninterests: [Ka\u{308}se]\n---\nMu\u{308}ller mag Ko\u{308}ln.\n",
        )
        .note("people/nfc.md", "---\nname: Zoë Brönte\n---\nZoë aus Köln.\n");
    assert_eq!(v.search_paths("Müller"), vec!["people/nfd.md"]);
    assert_eq!(v.search_paths("muller"), vec!["people/nfd.md"]);
    assert_eq!(v.search_paths("interests:Käse"), vec!["people/nfd.md"]);
    assert_eq!(v.search_paths("\"Müller mag\""), vec!["people/nfd.md"]);
    // and a decomposed query finds composed text
    assert_eq!(v.search_paths("Zoe\u{308}"), vec!["people/nfc.md"]);
    let mut both = v.search_paths("Ko\u{308}ln");
    both.sort();
    assert_eq!(both, vec!["people/nfc.md", "people/nfd.md"]);
    // the hit's line and snippet are those of the file
    let r = v.json(&["search", "Müller"]);
    assert_eq!(r["hits"][0]["line"], 5);
    assert!(
        r["hits"][0]["snippet"]
            .as_str()
            .expect("snippet")
            .contains("Müller mag"),
        "{r}"
    );
    let m = v.json(&["match", "Käse"]);
    assert_eq!(crate::harness::paths(&m["matches"]), vec!["people/nfd.md"]);
}

#[test]
fn bom_and_crlf_notes_give_lines_and_snippets() {
    // Windows Notepad: a UTF-8 byte-order mark and CRLF line ends
    let v = TestVault::new().note(
        "people/win.md",
        "\u{feff}---\r\nname: Bom Person\r\ninterests: [chess]\r\n---\r\nbody line with walrus\r\n",
    );
    let r = v.json(&["search", "interests:chess"]);
    assert_eq!(r["hits"][0]["name"], "Bom Person");
    assert_eq!(r["hits"][0]["line"], 3);
    assert_eq!(r["hits"][0]["snippet"], "interests: [chess]");
    let r = v.json(&["search", "walrus"]);
    assert_eq!(r["hits"][0]["line"], 5);
    assert_eq!(r["hits"][0]["snippet"], "body line with walrus");
}

#[test]
fn vault_from_env_or_nearest_ancestor_with_dot_rapport() {
    let v = vault();
    v.mkdir(".rapport");
    v.mkdir("people/deep/er");
    // from a subfolder: the nearest ancestor with .rapport/
    let mut c = crate::harness::rapport_cmd();
    c.current_dir(v.abs("people/deep/er"))
        .args(["--json", "search", "hound"]);
    let r = crate::harness::finish(c, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    // paths stay relative to the vault root
    assert_eq!(crate::harness::paths(&j["hits"]), vec!["people/bea.md"]);
    assert!(!v.abs("people/deep/er/.rapport").exists());
    // RAPPORT_VAULT, from anywhere
    let mut c = crate::harness::rapport_cmd();
    c.current_dir(std::env::temp_dir())
        .env("RAPPORT_VAULT", v.path())
        .args(["--json", "search", "hound"]);
    let r = crate::harness::finish(c, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // no vault by accident: a folder without .rapport/ here or above is
    // refused, and nothing is created in it
    let plain = tempfile::tempdir().expect("tempdir");
    fs::write(plain.path().join("a.md"), "---\nname: A\n---\n").expect("write");
    let mut c = crate::harness::rapport_cmd();
    c.current_dir(plain.path()).args(["due"]);
    let r = crate::harness::finish(c, None);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("rapport init"), "{}", r.stderr);
    assert!(!plain.path().join(".rapport").exists());
    // a --vault that is not a folder is exit 2 naming it
    let mut c = crate::harness::rapport_cmd();
    c.args(["--vault", "/nonexistent/vault", "search", "x"]);
    let r = crate::harness::finish(c, None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("/nonexistent/vault"), "{}", r.stderr);
}

#[test]
fn color_flag_and_quiet() {
    let v = vault();
    let (_, out, _) = v.run(&["--color", "always", "search", "hound"]);
    assert!(out.contains('\u{1b}'), "--color always colours: {out:?}");
    let mut c = v.cmd(&["--color", "always", "search", "hound"]);
    c.env("NO_COLOR", "1");
    // an explicit --color always wins over NO_COLOR
    assert!(crate::harness::finish(c, None).stdout.contains('\u{1b}'));
    let mut c = v.cmd(&["search", "hound"]);
    c.env("NO_COLOR", "1");
    assert!(!crate::harness::finish(c, None).stdout.contains('\u{1b}'));
    // a pipe is not a terminal: auto means no colour
    let (_, out, _) = v.run(&["search", "hound"]);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    let (_, out, _) = v.run(&["-q", "check"]);
    assert!(out.is_empty(), "{out}");
}

#[test]
fn words_with_punctuation_dates_and_addresses() {
    let v = TestVault::new()
        .note(
            "people/sean.md",
            "---\nname: Sean O'Brien\nemail: sean@example.org\nmet: 2024-05-02 at Kieler-Woche\n---\nSends e-mail newsletters. Don't-panic attitude.\n\n- 2026-10-12 Coffee at the harbour.\n",
        )
        .note(
            "people/other.md",
            "---\nname: Other\n---\nKieler Woche, mail, 2026 and 10 and 12 but apart.\n",
        );
    // a date, an address, a hyphenated word: each word of it, in order
    assert_eq!(v.search_paths("2026-10-12"), vec!["people/sean.md"]);
    assert_eq!(v.search_paths("sean@example.org"), vec!["people/sean.md"]);
    assert_eq!(v.search_paths("e-mail"), vec!["people/sean.md"]);
    let mut kw = v.search_paths("Kieler-Woche");
    kw.sort();
    assert_eq!(kw, vec!["people/other.md", "people/sean.md"]);
    assert_eq!(v.search_paths("2024-05-02"), vec!["people/sean.md"]);
    // an apostrophe inside a name is part of it
    assert_eq!(v.search_paths("O'Brien"), vec!["people/sean.md"]);
    assert_eq!(v.search_paths("name:O'Brien"), vec!["people/sean.md"]);
    assert_eq!(v.search_paths("don't"), vec!["people/sean.md"]);
    // a single-quoted phrase is still a phrase
    assert_eq!(v.search_paths("'Sends e-mail'"), vec!["people/sean.md"]);
    assert!(v.search_paths("'mail Sends'").is_empty());
    // the hit points at the matching line
    let r = v.json(&["search", "2026-10-12"]);
    assert_eq!(r["hits"][0]["line"], 8);
}
