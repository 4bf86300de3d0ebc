//! Links as Obsidian writes them, through the binary, on a vault that looks
//! like one (`.obsidian/`, attachments, tables with `\|`, embeds, Markdown
//! links, code blocks): `show` finds the links and `check` warns only about
//! links that are really broken.

// Test code: helpers outside `#[test]` fns fail the test by panicking too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;

use crate::harness::TestVault;

const TODAY: &str = "2026-11-26";

const HUB: &str = "---
name: Kiel Meetup
tags: [event]
---
# Kiel Meetup

| who | role |
|---|---|
| [[Anna Schmidt\\|Anna]] | host |
| [[jonas-weber#Log\\|Jonas]] | speaker |
| [[Nobody In Table\\|?]] | unknown |

![[Cleo Brandt]]
![[photo.png]]
![[attachments/slides.pdf#page=3]]
See [[Anna Schmidt#^intro-block]] and [[Dora^quote]].
Markdown: [Erik](Erik%20Lund.md#Log), [Anna again](/people/anna-schmidt.md),
[Jonas](../people/jonas-weber.md), [missing](../people/ghost.md),
[site](https://example.org/page.md), [pic](attachments/photo.png).

Inline `[[Not A Link]]` and `[x](not-a-link.md)` are code.

```
[[Also Not A Link]]
```

~~~markdown
[y](fenced.md)
~~~

    [[Indented Not A Link]]
";

fn vault() -> TestVault {
    TestVault::new()
        .note(".obsidian/app.json", "{\"useMarkdownLinks\": false}\n")
        .note(".obsidian/workspace.json", "{}\n")
        .note("attachments/photo.png", "not really a png\n")
        .note("attachments/slides.pdf", "%PDF-1.4 pdfonlyword\n")
        .note("events/kiel-meetup.md", HUB)
        .note("people/anna-schmidt.md", "---\nname: Anna Schmidt\n---\n")
        .note("people/jonas-weber.md", "---\nname: Jonas Weber\n---\n")
        .note("people/cleo-brandt.md", "---\nname: Cleo Brandt\n---\n")
        .note("people/dora.md", "---\nname: Dora\n---\n")
        .note("events/Erik Lund.md", "---\nname: Erik Lund\n---\n")
}

#[test]
fn check_names_only_the_really_broken_links() {
    let v = vault();
    let (code, r) = v.json_code(&["check"]);
    assert_eq!(code, 0, "{r}");
    let got: Vec<(String, u64, String)> = r["problems"]
        .as_array()
        .expect("list")
        .iter()
        .map(|p| {
            assert_eq!(p["code"], "link", "{p}");
            (
                p["path"].as_str().expect("path").to_string(),
                p["line"].as_u64().expect("line"),
                p["message"].as_str().expect("message").to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "events/kiel-meetup.md".to_string(),
                11,
                "[[Nobody In Table]] matches no note's name, alias or file name".to_string()
            ),
            (
                "events/kiel-meetup.md".to_string(),
                18,
                "(people/ghost.md) matches no note's name, alias or file name".to_string()
            ),
        ]
    );
}

#[test]
fn show_sees_table_embed_block_and_markdown_links() {
    let v = vault();
    let j = v.json(&["--today", TODAY, "show", "Kiel Meetup"]);
    let out: Vec<(String, Option<String>, u64)> = j["links_out"]
        .as_array()
        .expect("list")
        .iter()
        .map(|l| {
            (
                l["target"].as_str().expect("target").to_string(),
                l["path"].as_str().map(str::to_string),
                l["line"].as_u64().expect("line"),
            )
        })
        .collect();
    let p = |s: &str| Some(s.to_string());
    assert_eq!(
        out,
        vec![
            ("Anna Schmidt".into(), p("people/anna-schmidt.md"), 9),
            ("jonas-weber".into(), p("people/jonas-weber.md"), 10),
            ("Nobody In Table".into(), None, 11),
            ("Cleo Brandt".into(), p("people/cleo-brandt.md"), 13),
            ("Anna Schmidt".into(), p("people/anna-schmidt.md"), 16),
            ("Dora".into(), p("people/dora.md"), 16),
            ("events/Erik Lund.md".into(), p("events/Erik Lund.md"), 17),
            (
                "people/anna-schmidt.md".into(),
                p("people/anna-schmidt.md"),
                17
            ),
            (
                "people/jonas-weber.md".into(),
                p("people/jonas-weber.md"),
                18
            ),
            ("people/ghost.md".into(), None, 18),
        ]
    );
    // the other side: linked from the hub, by an embed and a Markdown link
    for who in ["Cleo Brandt", "Erik Lund", "Dora"] {
        let j = v.json(&["--today", TODAY, "show", who]);
        let from: Vec<&str> = j["links_in"]
            .as_array()
            .expect("list")
            .iter()
            .map(|l| l["path"].as_str().expect("path"))
            .collect();
        assert_eq!(from, vec!["events/kiel-meetup.md"], "{who}");
    }
}

#[test]
fn attachments_and_the_obsidian_folder_are_not_notes() {
    let v = vault();
    let j = v.json(&[
        "search",
        "--limit",
        "100",
        "useMarkdownLinks OR pdfonlyword",
    ]);
    assert_eq!(j["hits"], Value::Array(vec![]), "{j}");
    let (code, _, err) = v.run(&["show", "photo"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no contact matches \"photo\""), "{err}");
}

/// An Obsidian vault whose help pages have front matter too.
fn crm_vault() -> TestVault {
    let v = TestVault::new();
    v.mkdir(".obsidian");
    v.write(".obsidian/app.json", "{}");
    for i in 0..120 {
        v.write(
            &format!("help/page{i:03}.md"),
            &format!("---\ntitle: Help {i}\naliases: [h{i}]\n---\n# Help {i}\nsailing tips\n"),
        );
    }
    v.write(
        "people/anna.md",
        "---\nname: Anna Schmidt\nprm-last-contacted: 2026-09-01\nprm-cadence: monthly\ninterests: [sailing]\n---\n",
    );
    v.write(
        "people/bo.md",
        "---\nname: Bo Berg\nlastContact: 2026-05-01\ncontactFrequency: 30\n---\n",
    );
    v.write(
        "people/cleo.md",
        "---\nname: Cleo Dorn\nlast_chat: 2026-11-01T14:30\nprm-tier: C\nprm-snooze-until: 2027-03-01\n---\n",
    );
    v.write(
        "elsewhere/dora.md",
        "---\nname: Dora Eck\ntags: [Person]\nzuletzt: 2026-01-15\ncadence: 1mo\n---\n",
    );
    v
}

#[test]
fn contacts_chosen_by_config_and_other_tools_fields_read() {
    let v = crm_vault();
    // without `contacts`: check says once how to choose, and due lists pages
    let (code, out, _) = v.run(&["check"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("count as contacts").count(), 1, "{out}");
    let j = v.json(&["--today", TODAY, "due", "--cold", "1y"]);
    assert!(j.to_string().contains("help/page000.md"), "{j}");

    v.write(
        ".rapport/config.toml",
        "contacts = [\"people/\", \"tags:person\"]\n[fields]\nlast_contact = [\"zuletzt\"]\n",
    );
    let (code, out, _) = v.run(&["check"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("count as contacts"), "{out}");
    let j = v.json(&["--today", TODAY, "due", "--cold", "1y"]);
    let text = j.to_string();
    assert!(!text.contains("help/"), "{j}");
    // perm-cli's fields: 30 days after 2026-05-01 is long overdue
    assert!(text.contains("people/bo.md"), "{j}");
    // the CRM plugin's: monthly after 2026-09-01
    assert!(text.contains("people/anna.md"), "{j}");
    // Dora by tag, her last contact from the configured key
    assert!(text.contains("elsewhere/dora.md"), "{j}");
    // Cleo: snoozed until March, so not due now
    assert!(!text.contains("people/cleo.md"), "{j}");
    // match keeps to contacts; search still finds the pages
    let m = v.json(&["match", "sailing"]);
    assert_eq!(
        crate::harness::paths(&m["matches"]),
        vec!["people/anna.md"],
        "{m}"
    );
    let s = v.json(&["search", "sailing", "-n", "200"]);
    assert!(s["hits"].as_array().expect("hits").len() > 100);
    // show names the key a value came from
    let (_, out, _) = v.run(&["--today", TODAY, "show", "Bo Berg"]);
    assert!(out.contains("from lastContact"), "{out}");
    let c = v.json(&["show", "Cleo Dorn"]);
    assert_eq!(c["last_contact"], "2026-11-01", "{c}");
    assert_eq!(c["cadence"], "3mo", "{c}");
    assert_eq!(c["sources"]["last_contact"], "last_chat", "{c}");
    let d = v.json(&["show", "Dora Eck"]);
    assert_eq!(d["sources"]["last_contact"], "zuletzt", "{d}");
}

#[test]
fn snooze_sets_snooze_until_with_a_minimal_diff() {
    let v = crm_vault();
    let before = v.read("people/bo.md");
    let j = v.json(&["--today", TODAY, "snooze", "Bo Berg", "3w"]);
    assert_eq!(j["snooze_until"], "2026-12-17", "{j}");
    let after = v.read("people/bo.md");
    assert_eq!(
        after,
        before.replacen(
            "contactFrequency: 30\n",
            "contactFrequency: 30\nsnooze_until: 2026-12-17\n",
            1
        )
    );
    let due = v.json(&["--today", TODAY, "due"]);
    assert!(!due.to_string().contains("people/bo.md"), "{due}");
    let due = v.json(&["--today", "2026-12-20", "due"]);
    assert!(due.to_string().contains("people/bo.md"), "{due}");
    // an existing prm-snooze-until is changed where it stands
    v.ok(&["--today", TODAY, "snooze", "Cleo Dorn", "2027-04-01"]);
    let c = v.read("people/cleo.md");
    assert!(
        c.contains("prm-snooze-until: 2027-04-01\n") && !c.contains("snooze_until"),
        "{c}"
    );
    // a date in the past is refused, nothing written
    let (code, _, err) = v.run(&["--today", TODAY, "snooze", "Bo Berg", "2026-01-01"]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(v.read("people/bo.md").contains("snooze_until: 2026-12-17"));
}

#[test]
fn journal_mentions_count_as_contact() {
    let v = TestVault::new();
    v.mkdir(".obsidian");
    v.write(
        "people/anna-schmidt.md",
        "---\nname: Anna Schmidt\nlast_contact: 2026-09-01\ncadence: 1mo\n---\n",
    );
    v.write("people/bo.md", "---\nname: Bo Berg\ncadence: 1mo\n---\n");
    v.write(
        "journal/2026/11/2026-11-20.md",
        "# Friday\n- Lunch with [[Anna Schmidt]] at the harbour\n- [ ] call [[Bo Berg]]\n> [[Bo Berg]] said so\n",
    );
    v.write(
        "templates/daily.md",
        "---\ndate: {{date}}\n---\n- [[Someone]]\n",
    );
    let j = v.json(&["--today", TODAY, "show", "Anna Schmidt"]);
    assert_eq!(j["last_contact"], "2026-11-20", "{j}");
    let log = j["log"].as_array().expect("log");
    assert!(
        log.iter()
            .any(|e| e["source"] == "journal/2026/11/2026-11-20.md"
                && e["text"] == "Lunch with Anna Schmidt at the harbour"),
        "{j}"
    );
    let (_, out, _) = v.run(&["--today", TODAY, "show", "Anna Schmidt"]);
    assert!(out.contains("journal/2026/11/2026-11-20.md:2"), "{out}");
    // a task or a quote is no contact: Bo is still never contacted
    let b = v.json(&["--today", TODAY, "show", "Bo Berg"]);
    assert!(b["last_contact"].is_null(), "{b}");
    // due sees it: Anna is due a month after the lunch, not overdue since October
    let d = v.json(&["--today", TODAY, "due"]);
    assert!(
        !d["followups"]
            .as_array()
            .expect("followups")
            .iter()
            .any(|f| f["path"] == "people/anna-schmidt.md"),
        "{d}"
    );
    // editing the daily note is seen at once; `journal = false` turns it off
    v.write("journal/2026/11/2026-11-20.md", "# Friday\n- Lunch alone\n");
    let j = v.json(&["--today", TODAY, "show", "Anna Schmidt"]);
    assert_eq!(j["last_contact"], "2026-09-01", "{j}");
    v.write("journal/2026-11-24.md", "Met [[Anna Schmidt]]\n");
    v.write(".rapport/config.toml", "journal = false\n");
    let j = v.json(&["--today", TODAY, "show", "Anna Schmidt"]);
    assert_eq!(j["last_contact"], "2026-09-01", "{j}");
}
