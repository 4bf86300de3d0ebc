//! Values as people write and type them, through the binary: in front matter,
//! dates with a time of day, cadences as numbers and words, birthdays without
//! a year as `MM-DD`, the statuses that end follow-ups (and `inactive_status`),
//! unquoted `#tags` reported at their line; in `search`, `prefix*`; as NAME,
//! paths, `ue`/`oe`/`ae`/`ss` spellings, and the candidates of an ambiguous one.

// Test code: helpers outside `#[test]` fns fail the test by panicking too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;

use crate::harness::{TestVault, names};

const TODAY: &str = "2026-11-26";

fn contact(front: &str) -> String {
    format!("---\n{front}---\n")
}

/// `show --json NAME` with today fixed.
fn show(v: &TestVault, name: &str) -> Value {
    v.json(&["--today", TODAY, "show", name])
}

#[test]
fn dates_with_a_time_count_as_their_calendar_date() {
    // (front matter of a contact with cadence 10d, expected last_contact)
    let rows: &[(&str, &str)] = &[
        ("last_contact: 2026-11-01T14:30\n", "2026-11-01"),
        ("last_contact: 2026-11-02 14:30\n", "2026-11-02"),
        ("last_contact: 2026-11-03T14:30:00+01:00\n", "2026-11-03"),
        ("last_contact: 2026-11-04T23:30:00-05:00\n", "2026-11-04"),
        ("last_contact: \"2026-11-05T00:15:00Z\"\n", "2026-11-05"),
        ("last_contact: 2026-11-06T09:00:00.250Z\n", "2026-11-06"),
    ];
    let mut v = TestVault::new();
    for (i, (front, _)) in rows.iter().enumerate() {
        v = v.note(
            &format!("people/p{i}.md"),
            &contact(&format!("name: P{i}\ncadence: 10d\n{front}")),
        );
    }
    for (i, (front, want)) in rows.iter().enumerate() {
        let j = show(&v, &format!("P{i}"));
        assert_eq!(j["last_contact"], *want, "{front}");
        let due = jiff::civil::Date::strptime("%Y-%m-%d", want)
            .expect("date")
            .checked_add(jiff::Span::new().days(10))
            .expect("in range")
            .to_string();
        assert_eq!(j["next_due"]["due"], due.as_str(), "{front}");
    }
    // next_contact with a time is a planned date, shown by `due`
    let v = TestVault::new().note(
        "people/nina.md",
        &contact("name: Nina\nnext_contact: 2026-11-30T18:00\n"),
    );
    let r = v.json(&["--today", TODAY, "due"]);
    assert_eq!(r["followups"][0]["due"], "2026-11-30");
    assert_eq!(r["followups"][0]["reason"], "next_contact");
    // a bad time is a `date` error in check, at the line of the key
    let v = TestVault::new().note(
        "people/x.md",
        &contact("name: X\nlast_contact: 2026-11-01T25:00\n"),
    );
    let (code, r) = v.json_code(&["check"]);
    assert_eq!(code, 1);
    let p = &r["problems"][0];
    assert_eq!(
        (p["code"].as_str(), p["line"].as_u64()),
        (Some("date"), Some(3))
    );
}

#[test]
fn cadences_as_numbers_and_words() {
    // (cadence as written, next due after a last contact on 2026-10-01)
    let rows: &[(&str, &str)] = &[
        ("30", "2026-10-31"),
        ("\"45\"", "2026-11-15"),
        ("daily", "2026-10-02"),
        ("Weekly", "2026-10-08"),
        ("biweekly", "2026-10-15"),
        ("fortnightly", "2026-10-15"),
        ("monthly", "2026-11-01"),
        ("quarterly", "2027-01-01"),
        ("semiannually", "2027-04-01"),
        ("yearly", "2027-10-01"),
        ("annually", "2027-10-01"),
        ("täglich", "2026-10-02"),
        ("wöchentlich", "2026-10-08"),
        ("zweiwöchentlich", "2026-10-15"),
        ("Monatlich", "2026-11-01"),
        ("vierteljährlich", "2027-01-01"),
        ("halbjährlich", "2027-04-01"),
        ("JÄHRLICH", "2027-10-01"),
    ];
    let mut v = TestVault::new();
    for (i, (c, _)) in rows.iter().enumerate() {
        v = v.note(
            &format!("people/c{i}.md"),
            &contact(&format!(
                "name: C{i}\nlast_contact: 2026-10-01\ncadence: {c}\n"
            )),
        );
    }
    for (i, (c, want)) in rows.iter().enumerate() {
        let j = show(&v, &format!("C{i}"));
        assert_eq!(j["next_due"]["due"], *want, "cadence: {c}");
        assert_eq!(j["next_due"]["reason"], "cadence", "cadence: {c}");
    }
    // and the config's spans read the same way
    let v = TestVault::new()
        .config("default_cadence = \"quarterly\"\n")
        .note(
            "people/d.md",
            &contact("name: D\nlast_contact: 2026-09-01\n"),
        );
    assert_eq!(show(&v, "D")["next_due"]["due"], "2026-12-01");
    // a word that is not a rhythm is a cadence error
    let v = TestVault::new().note("people/e.md", &contact("name: E\ncadence: sometimes\n"));
    let (code, r) = v.json_code(&["check"]);
    assert_eq!(code, 1);
    assert_eq!(r["problems"][0]["code"], "cadence");
}

#[test]
fn birthdays_written_mm_dd() {
    let v = TestVault::new()
        .note("people/a.md", &contact("name: A\nbirthday: 11-28\n"))
        .note("people/b.md", &contact("name: B\nbirthday: \"--12-01\"\n"))
        .note("people/c.md", &contact("name: C\nbirthday: 12-24\n"))
        .note(
            "people/d.md",
            &contact("name: D\nbirthday: 1990-11-27T00:00\n"),
        );
    let r = v.json(&["--today", TODAY, "due"]);
    let b = &r["birthdays"];
    assert_eq!(names(b), vec!["D", "A", "B"]);
    assert_eq!(b[1]["date"], "2026-11-28");
    assert_eq!(b[1]["age"], Value::Null);
    assert_eq!(b[0]["age"], 36);
    assert_eq!(show(&v, "A")["birthday"], "--11-28");
    // no such day: a date error
    let v = TestVault::new().note("people/x.md", &contact("name: X\nbirthday: 02-30\n"));
    let (code, r) = v.json_code(&["check"]);
    assert_eq!(code, 1);
    assert_eq!(r["problems"][0]["code"], "date");
}

fn status_vault() -> TestVault {
    let mut v = TestVault::new();
    for s in [
        "archived", "Paused", "inactive", "Dormant", "deceased", "active", "ruhend",
    ] {
        v = v.note(
            &format!("people/{}.md", s.to_lowercase()),
            &contact(&format!(
                "name: {s} Person\nstatus: {s}\nnext_contact: 2026-11-20\n"
            )),
        );
    }
    v
}

#[test]
fn statuses_that_end_follow_ups_and_the_config_list() {
    let v = status_vault();
    let r = v.json(&["--today", TODAY, "due"]);
    assert_eq!(
        names(&r["followups"]),
        vec!["active Person", "ruhend Person"]
    );
    assert_eq!(show(&v, "dormant person")["next_due"], Value::Null);
    // the config's list replaces the built-in one
    let v = status_vault().config("inactive_status = [\"Ruhend\", \"archived\"]\n");
    let r = v.json(&["--today", TODAY, "due"]);
    assert_eq!(
        names(&r["followups"]),
        // same due date: by name, as compared byte by byte
        vec![
            "Dormant Person",
            "Paused Person",
            "active Person",
            "deceased Person",
            "inactive Person",
        ]
    );
    assert_eq!(show(&v, "ruhend person")["next_due"], Value::Null);
    assert_eq!(show(&v, "dormant person")["next_due"]["due"], "2026-11-20");
    // not a list: one line naming the file, exit 2
    let v = status_vault().config("inactive_status = \"archived\"\n");
    let (code, _, err) = v.run(&["--today", TODAY, "due"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("rapport: .rapport/config.toml:1: inactive_status: "),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn unquoted_hash_tags_are_reported_at_the_tag_line() {
    let v = TestVault::new()
        .note(
            "people/a.md",
            "---\nname: A\ntags: #friend\ninterests: [sailing]\n---\n",
        )
        .note(
            "people/b.md",
            "---\nname: B\ntags:\n  - work\n  - #kiel\n---\n",
        )
        .note(
            "people/c.md",
            "---\nname: C\ninterests: [#chess, go]\ncompany: ACME\n---\n",
        )
        .note(
            "people/ok.md",
            "---\nname: Ok\ntags: [\"#friend\"] # quoted\n---\n",
        );
    let (code, r) = v.json_code(&["check"]);
    assert_eq!(code, 1);
    let got: Vec<(String, u64, u64)> = r["problems"]
        .as_array()
        .expect("list")
        .iter()
        .map(|p| {
            let msg = p["message"].as_str().expect("message");
            assert!(msg.contains("quote it: \"#"), "{msg}");
            (
                p["path"].as_str().expect("path").to_string(),
                p["line"].as_u64().expect("line"),
                p["column"].as_u64().expect("column"),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("people/a.md".to_string(), 3, 7),
            ("people/b.md".to_string(), 5, 5),
            ("people/c.md".to_string(), 3, 13),
        ]
    );
    // the human output names file and line and quotes the tag
    let (_, out, _) = v.run(&["check", "--color", "never"]);
    assert!(
        out.contains("people/c.md:3:13: error[yaml]: invalid YAML: an unquoted #chess"),
        "{out}"
    );
    // the quoted tag is read, without its #
    assert_eq!(show(&v, "ok")["tags"][0], "friend");
    // a note whose value was emptied keeps its other fields
    assert_eq!(show(&v, "A")["interests"][0], "sailing");
}

fn prefix_vault() -> TestVault {
    TestVault::new()
        .note(
            "people/margarete.md",
            "---\nname: Margarete Strauß\ninterests: [Kaffee]\n---\nTrinkt gern Kaffee und Kaffeebohnen.\n",
        )
        .note(
            "people/martin.md",
            "---\nname: Martin Kaffenberger\n---\nMag Tee.\n",
        )
        .note("notes/markt.md", "Auf dem Markt: Kaffeesatz.\n")
}

#[test]
fn search_prefix_expands_over_folded_words() {
    let v = prefix_vault();
    let mut got = v.search_paths("Kaffe*");
    got.sort();
    assert_eq!(
        got,
        vec!["notes/markt.md", "people/margarete.md", "people/martin.md"]
    );
    // a plain note's name is its file stem, `markt`
    let mut got = v.search_paths("name:Mar*");
    got.sort();
    assert_eq!(
        got,
        vec!["notes/markt.md", "people/margarete.md", "people/martin.md"]
    );
    assert_eq!(v.search_paths("name:Marg*"), vec!["people/margarete.md"]);
    // folded: accents and ß, in the prefix and in the words
    assert_eq!(v.search_paths("name:STRAU*"), vec!["people/margarete.md"]);
    assert_eq!(v.search_paths("straus*"), vec!["people/margarete.md"]);
    assert_eq!(v.search_paths("Káff*  Tee"), vec!["people/martin.md"]);
    // with the other operators
    let mut got = v.search_paths("kaffe* -kaffeeb*");
    got.sort();
    assert_eq!(got, vec!["notes/markt.md", "people/martin.md"]);
    assert_eq!(
        v.search_paths("interests:kaf*"),
        vec!["people/margarete.md"]
    );
    assert_eq!(v.search_paths("tags:kaf*"), Vec::<String>::new());
    assert_eq!(v.search_paths("zzz* OR tee"), vec!["people/martin.md"]);
    // the hit shows the line of the expanded word
    let r = v.json(&["search", "Kaffeesa*"]);
    assert_eq!(r["hits"][0]["line"], 1);
    assert_eq!(r["hits"][0]["snippet"], "Auf dem Markt: Kaffeesatz.");
}

#[test]
fn search_prefix_limits() {
    let v = prefix_vault();
    for (q, want) in [
        ("*", "a bare * is not a search"),
        ("K*", "\"K*\" is too short a prefix"),
        ("ä*", "\"ä*\" is too short a prefix"),
        ("*ee", "only a * at the end of a word"),
        ("Ka*fee", "only a * at the end of a word"),
        ("e-ma*", "a prefix is one word"),
    ] {
        let (code, out, err) = v.run(&["search", q]);
        assert_eq!(code, 2, "{q}: {out}{err}");
        assert!(err.starts_with("rapport: "), "{q}: {err}");
        assert!(err.contains(want), "{q}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{q}: {err}");
    }
    // two letters are enough
    assert_eq!(v.search_paths("te*"), vec!["people/martin.md"]);
    // at most 200 different words: 200 is fine, 201 is an error
    let words = |n: usize| {
        (0..n)
            .map(|i| format!("qx{i:03}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let v = TestVault::new().note("a.md", &words(200));
    assert_eq!(v.search_paths("qx*"), vec!["a.md"]);
    // the bound counts distinct words over every part of the note
    let v = TestVault::new().note("a.md", &words(150)).note(
        "b.md",
        &format!("---\ntags: [qx999]\n---\n{}\n", words(150)),
    );
    let mut got = v.search_paths("qx*");
    got.sort();
    assert_eq!(got, vec!["a.md", "b.md"]);
    let v = TestVault::new()
        .note("a.md", &words(200))
        .note("b.md", "---\ntags: [qx999]\n---\n");
    let (code, _, err) = v.run(&["search", "qx*"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("\"qx*\" matches more than 200 different words; make the prefix longer"),
        "{err}"
    );
    // a narrower prefix or field is fine again
    assert_eq!(v.search_paths("qx1*").len(), 1);
    assert_eq!(v.search_paths("tags:qx*"), vec!["b.md"]);
}

fn names_vault() -> TestVault {
    TestVault::new()
        .note(
            "people/juergen-mueller.md",
            "---\nname: Jürgen Müller\n---\n",
        )
        .note(
            "people/kiel/anna.md",
            "---\nname: Anna Schmidt\naliases: [Anni]\n---\n",
        )
        .note("people/anna-berg.md", "---\nname: Anna Berg\n---\n")
        .note("people/strauss.md", "---\nname: Grete Strauß\n---\n")
}

#[test]
fn name_as_path_and_spelled_out_umlauts() {
    let v = names_vault();
    for (query, want) in [
        ("people/kiel/anna.md", "people/kiel/anna.md"),
        ("people/kiel/anna", "people/kiel/anna.md"),
        ("./people/anna-berg.md", "people/anna-berg.md"),
        ("mueller", "people/juergen-mueller.md"),
        ("müller", "people/juergen-mueller.md"),
        ("MULLER", "people/juergen-mueller.md"),
        ("Juergen Mueller", "people/juergen-mueller.md"),
        ("jürgen-müller", "people/juergen-mueller.md"),
        ("strauss", "people/strauss.md"),
        ("Strauß", "people/strauss.md"),
    ] {
        let j = show(&v, query);
        assert_eq!(j["path"], want, "{query}");
    }
    // `ann` is a prefix of both Annas
    let (code, _, err) = v.run(&["show", "ann"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is ambiguous"), "{err}");
    let (code, _, err) = v.run(&["show", "people/kiel/nobody.md"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no contact matches"), "{err}");
    // every command that takes NAME: `log` too
    let (code, out, err) = v.run(&["--today", TODAY, "log", "people/kiel/anna", "Call"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(v.read("people/kiel/anna.md").contains("- 2026-11-26 Call"));
}

#[test]
fn new_refuses_a_name_that_a_contact_has_as_name_alias_or_stem() {
    let v = names_vault().note("people/bo.md", "---\nname: Robert Bo\n---\n");
    let notes = |v: &TestVault| {
        let mut h = v.hash_all();
        h.retain(|k, _| !k.starts_with(".rapport/"));
        h
    };
    for (name, holder) in [
        ("anna schmidt", "people/kiel/anna.md"),
        ("Juergen Mueller", "people/juergen-mueller.md"),
        ("ANNI", "people/kiel/anna.md"),
        ("bo", "people/bo.md"),
        ("Anna", "people/kiel/anna.md"),
    ] {
        let before = notes(&v);
        let (code, out, err) = v.run(&["--today", TODAY, "new", name]);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(
            err.starts_with(&format!("rapport: {holder}: a contact ")),
            "{name}: {err}"
        );
        assert!(err.contains("already exists"), "{name}: {err}");
        assert_eq!(notes(&v), before, "{name}: nothing written");
    }
    // a new name is fine
    let (code, out, err) = v.run(&["--today", TODAY, "new", "Anna Lindqvist"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn an_ambiguous_name_lists_ten_candidates_and_how_many_more() {
    let mut v = TestVault::new();
    for i in 0..13 {
        v = v.note(
            &format!("people/p{i:02}.md"),
            &format!("---\nname: Kim {i:02}\n---\n"),
        );
    }
    let (code, _, err) = v.run(&["show", "kim"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert_eq!(err.matches(" (people/p").count(), 10, "{err}");
    assert!(
        err.trim_end()
            .ends_with("Kim 09 (people/p09.md) and 3 more"),
        "{err}"
    );
    // ten or fewer: all of them, no "more"
    let v = TestVault::new()
        .note("people/a.md", "---\nname: Kim A\n---\n")
        .note("people/b.md", "---\nname: Kim B\n---\n");
    let (_, _, err) = v.run(&["show", "kim"]);
    assert!(
        err.contains("Kim A (people/a.md), Kim B (people/b.md)") && !err.contains("more"),
        "{err}"
    );
}
