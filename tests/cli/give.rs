//! Give first: `give`, `got` and `ledger` through the binary, with the
//! `log` editor's minimal diff.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::harness::TestVault;

const TODAY: &str = "2026-11-26";

fn vault() -> TestVault {
    TestVault::new()
        .note(
            "people/anna.md",
            "---\nname: Anna Schmidt\nlast_contact: 2026-10-12\n---\n# Anna\n\n## Log\n- 2026-10-12 Coffee\n\n## Notes\nLikes sailing.\n",
        )
        .note("people/jonas.md", "---\nname: Jonas Weber\n---\n")
        .note(
            "people/bo.md",
            "---\nname: Bo Berg\n---\n## Log\n- 2026-09-01 got: help with the move\n",
        )
}

#[test]
fn give_to_several_names_with_a_minimal_diff() {
    let v = vault();
    let before = v.read("people/anna.md");
    let j = v.json(&[
        "--today",
        TODAY,
        "give",
        "anna",
        "jonas",
        "book \"Getting to Yes\"",
    ]);
    assert_eq!(j["written"].as_array().expect("written").len(), 2, "{j}");
    let after = v.read("people/anna.md");
    let want = before
        .replace("last_contact: 2026-10-12", "last_contact: 2026-11-26")
        .replace(
            "## Log\n- 2026-10-12 Coffee",
            "## Log\n- 2026-11-26 gave: book \"Getting to Yes\"\n- 2026-10-12 Coffee",
        );
    assert_eq!(after, want);
    assert!(
        v.read("people/jonas.md")
            .contains("gave: book \"Getting to Yes\"")
    );
    // one word is not enough without --file; an unknown NAME writes nothing
    let (code, _, err) = v.run(&["give", "anna"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = v.run(&["give", "anna", "nobody-here", "idea X"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(v.read("people/anna.md"), after, "nothing written");
}

#[test]
fn give_an_article_and_got_and_the_ledger() {
    let v = vault();
    v.write(
        "articles/baltic.md",
        "Intro line\n# Sailing the Baltic\nRoute at https://example.org/baltic.\n",
    );
    let file = v.abs("articles/baltic.md");
    let f = file.to_string_lossy();
    v.ok(&["--today", TODAY, "give", "anna", "--file", &f]);
    assert!(v.read("people/anna.md").contains(
        "- 2026-11-26 gave: article \"Sailing the Baltic\" https://example.org/baltic\n"
    ));
    // with --file, a last word that names no contact is a note to the entry
    v.ok(&[
        "--today",
        TODAY,
        "give",
        "jonas",
        "--file",
        &f,
        "for the trip",
    ]);
    assert!(
        v.read("people/jonas.md")
            .contains("https://example.org/baltic (for the trip)")
    );
    v.ok(&[
        "--today",
        "2026-11-25",
        "got",
        "anna",
        "feedback on my talk",
    ]);
    let l = v.json(&["--today", TODAY, "ledger"]);
    let names: Vec<&str> = l["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| a["name"].as_str().unwrap_or(""))
        .collect();
    // Bo: only taken from, first; then by longest since I last gave
    assert_eq!(names, ["Bo Berg", "Anna Schmidt", "Jonas Weber"], "{l}");
    let anna = &l["accounts"][1];
    assert_eq!(
        (anna["gave"].as_u64(), anna["got"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(anna["balance"], 0);
    assert_eq!(anna["exchanges"][0]["kind"], "help", "{anna}");
    assert_eq!(anna["exchanges"][1]["kind"], "article", "{anna}");
    // one contact, and --since
    let one = v.json(&["--today", TODAY, "ledger", "Bo Berg"]);
    assert_eq!(one["accounts"].as_array().map(Vec::len), Some(1));
    let recent = v.json(&["--today", TODAY, "ledger", "--since", "1mo"]);
    assert!(!recent.to_string().contains("Bo Berg"), "{recent}");
    let (_, out, _) = v.run(&["--today", TODAY, "ledger"]);
    assert!(out.starts_with("Bo Berg"), "{out}");
    assert!(out.contains("never gave"), "{out}");
}

#[test]
fn intros_never_suggest_a_pair_already_introduced() {
    let v = TestVault::new()
        .note(
            "people/anna.md",
            "---\nname: Anna Schmidt\ninterests: [sailing]\n---\n",
        )
        .note(
            "people/jonas.md",
            "---\nname: Jonas Weber\ninterests: [Segeln]\n---\n",
        );
    let pairs = |v: &TestVault| v.json(&["intros"])["pairs"].as_array().map_or(0, Vec::len);
    assert_eq!(pairs(&v), 1);
    v.ok(&["--today", TODAY, "give", "anna", "intro to Jonas Weber"]);
    assert_eq!(pairs(&v), 0);
}

#[test]
fn match_file_knows_what_was_given() {
    let v = TestVault::new()
        .note(
            "people/anna.md",
            "---\nname: Anna Schmidt\ninterests: [sailing]\n---\n",
        )
        .note(
            "people/jonas.md",
            "---\nname: Jonas Weber\ninterests: [sailing]\n---\n",
        );
    v.write(
        "articles/baltic.md",
        "# Sailing the Baltic\nA sailing route along the coast, sailing every day: https://example.org/baltic\n",
    );
    let f = v.abs("articles/baltic.md").to_string_lossy().into_owned();
    v.ok(&["--today", "2026-11-20", "give", "anna", "--file", &f]);
    let m = v.json(&["match", "--file", &f]);
    let list = m["matches"].as_array().expect("matches");
    assert_eq!(list.len(), 2, "{m}");
    assert_eq!(list[0]["name"], "Jonas Weber", "{m}");
    assert_eq!(list[1]["name"], "Anna Schmidt", "{m}");
    assert_eq!(list[1]["already_given"], "2026-11-20", "{m}");
    assert!(list[0].get("already_given").is_none(), "{m}");
    let fresh = v.json(&["match", "--file", &f, "--fresh"]);
    assert_eq!(
        crate::harness::names(&fresh["matches"]),
        ["Jonas Weber"],
        "{fresh}"
    );
    let (_, out, _) = v.run(&["match", "--file", &f]);
    assert!(out.contains("already given 2026-11-20"), "{out}");
}

#[test]
fn brief_and_plan() {
    let v = TestVault::new()
        .note(
            "people/anna.md",
            "---\nname: Anna Schmidt\nrole: Trainer\ninterests: [sailing]\ncadence: 1mo\nlast_contact: 2026-09-01\n---\n## Log\n- 2026-10-12 Coffee, wants negotiation books\n## Open\n- [ ] 2026-11-28 send the slides\n",
        )
        .note("people/jonas.md", "---\nname: Jonas Weber\ninterests: [Segeln]\ncadence: 1mo\nlast_contact: 2026-11-20\n---\n")
        .note("people/bo.md", "---\nname: Bo Berg\ncadence: 2w\nlast_contact: 2026-11-01\n---\n")
        .note("notes/baltic.md", "# Sailing the Baltic\nA note about sailing routes.\n");
    let b = v.json(&["--today", TODAY, "brief", "anna"]);
    assert_eq!(b["hobby_horse"], "sailing", "{b}");
    assert_eq!(b["open"][0]["text"], "2026-11-28 send the slides", "{b}");
    let kinds: Vec<&str> = b["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter()
        .map(|s| s["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["introduce", "share", "answer"], "{b}");
    assert_eq!(b["suggestions"][1]["path"], "notes/baltic.md", "{b}");
    // plan: capacity 1 puts the most pressing first, everyone in some week
    let p = v.json(&["--today", TODAY, "plan", "--capacity", "1"]);
    let plan = p["plan"].as_array().expect("plan");
    let weeks: Vec<(String, u64)> = plan
        .iter()
        .map(|x| {
            (
                x["name"].as_str().unwrap_or("").to_string(),
                x["week"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    assert_eq!(
        weeks,
        [("Anna Schmidt".to_string(), 0), ("Bo Berg".to_string(), 1)],
        "{p}"
    );
    assert_eq!(
        v.json(&["--today", TODAY, "plan", "--capacity", "1"]),
        p,
        "stable"
    );
    let (_, out, _) = v.run(&["--today", TODAY, "plan"]);
    assert!(out.starts_with("This week"), "{out}");
}

#[test]
fn export_ics_with_the_plan() {
    let v = TestVault::new()
        .note(
            "people/anna.md",
            "---\nname: Anna Schmidt\ncadence: 1mo\nlast_contact: 2026-09-01\n---\n",
        )
        .note(
            "people/bo.md",
            "---\nname: Bo Berg\ncadence: 2w\nlast_contact: 2026-11-01\n---\n",
        )
        .config("weekly_capacity = 1\n");
    let (code, ics, err) = v.run(&["--today", TODAY, "export", "ics", "--plan"]);
    assert_eq!(code, 0, "{err}");
    assert!(ics.contains("SUMMARY:Reach out: Anna Schmidt\r\n"), "{ics}");
    assert!(ics.contains("SUMMARY:Reach out: Bo Berg\r\n"), "{ics}");
    // Anna this week, Bo (capacity 1) the week after
    let j = v.json(&["--today", TODAY, "export", "ics", "--plan"]);
    let plan: Vec<(String, String)> = j["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "plan")
        .map(|e| {
            (
                e["summary"].as_str().unwrap_or("").to_string(),
                e["date"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        plan,
        [
            (
                "Reach out: Anna Schmidt".to_string(),
                "2026-11-26".to_string()
            ),
            ("Reach out: Bo Berg".to_string(), "2026-12-03".to_string())
        ]
    );
    let (_, plain, _) = v.run(&["--today", TODAY, "export", "ics"]);
    assert!(!plain.contains("Reach out"));
}
