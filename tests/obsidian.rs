//! Links as Obsidian writes them, through the binary, on a vault that looks
//! like one (`.obsidian/`, attachments, tables with `\|`, embeds, Markdown
//! links, code blocks): `show` finds the links and `check` warns only about
//! links that are really broken.

// Test code: helpers outside `#[test]` fns fail the test by panicking too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::Value;

use common::TestVault;

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
