//! `due` (docs/follow-ups.md) field by field with a fixed `--today`, the config
//! keys that shape it, `match` ranking, `topics`, `intros` and `show` name
//! resolution; human output of `due`, `topics`, `intros`, `show` as insta
//! snapshots (`--color never`).

// Test code: helpers outside `#[test]` fns fail the test by panicking too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};

use crate::harness::{TestVault, names};

const TODAY: &str = "2026-11-26";

/// One contact per follow-up rule (docs/follow-ups.md), dated relative to 2026-11-26.
fn due_vault() -> TestVault {
    TestVault::new()
        .note(
            "people/anna.md",
            "---\nname: Anna Next\nlast_contact: 2026-10-12\nnext_contact: 2026-12-01\ncadence: 6w\n---\n# Anna\n\n## Open\n- [ ] send \"Getting to Yes\"\n- [ ] 2026-12-05 introduce her to [[Ben Cadence]]\n- [ ] 2026-11-01 return the book\n- [ ] 2027-03-01 far away plan\n- [x] 2026-11-20 done already\n",
        )
        .note(
            "people/ben.md",
            "---\nname: Ben Cadence\nlast_contact: 2026-10-01\ncadence: 6w\n---\n- 2026-09-01 Lunch: talked about boats.\n",
        )
        .note("people/dan.md", "---\nname: Dan Never\ncadence: 3mo\n---\n")
        .note(
            "people/eva.md",
            "---\nname: Eva Stale\nnext_contact: 2026-10-01\nlast_contact: 2026-10-15\ncadence: 2w\n---\n",
        )
        .note(
            "people/finn.md",
            "---\nname: Finn Log\nlast_contact: 2026-09-01\ncadence: 1mo\n---\n## Log\n- 2026-11-10 Call: his new job.\n",
        )
        .note(
            "people/gina.md",
            "---\nname: Gina Future\nlast_contact: 2026-10-20\ncadence: 1mo\n---\n- 2026-12-24 planned dinner\n",
        )
        .note(
            "people/hal.md",
            "---\nname: Hal Monthend\nlast_contact: 2026-10-31\ncadence: 1mo\n---\n",
        )
        .note(
            "people/ida.md",
            "---\nname: Ida Boundary\nnext_contact: 2026-12-11\n---\n",
        )
        .note(
            "people/jo.md",
            "---\nname: Jo Archived\nstatus: archived\nnext_contact: 2026-11-20\nbirthday: 1980-11-30\n---\n- [ ] 2026-11-01 archived task\n",
        )
        .note(
            "people/kai.md",
            "---\nname: Kai Paused\nstatus: Paused\ncadence: 1w\nbirthday: --11-27\n---\n",
        )
        .note(
            "people/lena.md",
            "---\nname: Lena Birthday\nbirthday: 1990-12-01\nlast_contact: 2026-11-01\n---\n",
        )
        .note(
            "people/mo.md",
            "---\nname: Mo Noyear\nbirthday: --11-26\nlast_contact: 2026-11-01\n---\n",
        )
        .note(
            "people/olaf.md",
            "---\nname: Olaf Old\nlast_contact: 2025-01-01\n---\n",
        )
        .note("people/nora.md", "---\nname: Nora None\n---\n")
        .note(
            "notes/plain.md",
            "- [ ] 2026-11-01 a task in a plain note\n- 2026-11-20 log\n",
        )
}

fn followup(
    path: &str,
    name: &str,
    due: &str,
    days: i64,
    status: &str,
    reason: &str,
    last: Option<&str>,
) -> Value {
    json!({"path": path, "name": name, "due": due, "days": days, "status": status,
           "reason": reason, "last_contact": last})
}

#[test]
fn due_json_field_by_field() {
    let v = due_vault();
    let (code, r) = v.json_code(&["--today", TODAY, "due", "--cold", "6mo"]);
    assert_eq!(code, 0);
    assert_eq!(
        crate::harness::keys(&r),
        vec![
            "birthdays",
            "cold",
            "followups",
            "open",
            "schema_version",
            "today"
        ]
    );
    assert_eq!(r["today"], TODAY);
    let f = r["followups"].as_array().expect("followups");
    let want = [
        // stale next_contact (before the last contact) falls back to the cadence
        followup(
            "people/eva.md",
            "Eva Stale",
            "2026-10-29",
            -28,
            "overdue",
            "cadence",
            Some("2026-10-15"),
        ),
        followup(
            "people/ben.md",
            "Ben Cadence",
            "2026-11-12",
            -14,
            "overdue",
            "cadence",
            Some("2026-10-01"),
        ),
        // a future log entry is not a contact
        followup(
            "people/gina.md",
            "Gina Future",
            "2026-11-20",
            -6,
            "overdue",
            "cadence",
            Some("2026-10-20"),
        ),
        followup(
            "people/dan.md",
            "Dan Never",
            TODAY,
            0,
            "due",
            "never_contacted",
            None,
        ),
        // Oct 31 + 1 month clamps to Nov 30
        followup(
            "people/hal.md",
            "Hal Monthend",
            "2026-11-30",
            4,
            "due",
            "cadence",
            Some("2026-10-31"),
        ),
        followup(
            "people/anna.md",
            "Anna Next",
            "2026-12-01",
            5,
            "due",
            "next_contact",
            Some("2026-10-12"),
        ),
        // the log date after the front matter's last_contact counts; today + 14 is in
        followup(
            "people/finn.md",
            "Finn Log",
            "2026-12-10",
            14,
            "due",
            "cadence",
            Some("2026-11-10"),
        ),
    ];
    for (i, w) in want.iter().enumerate() {
        assert_eq!(crate::harness::keys(&f[i]), crate::harness::keys(w));
        assert_eq!(&f[i], w, "follow-up #{i}");
    }
    assert_eq!(f.len(), want.len(), "{}", json!(f));

    assert_eq!(
        r["birthdays"],
        json!([
            {"path": "people/mo.md", "name": "Mo Noyear", "date": TODAY, "days": 0, "age": null},
            {"path": "people/lena.md", "name": "Lena Birthday", "date": "2026-12-01", "days": 5, "age": 36},
        ])
    );
    assert_eq!(
        r["open"],
        json!([
            {"path": "people/anna.md", "name": "Anna Next", "text": "2026-11-01 return the book",
             "due": "2026-11-01", "line": 12},
            {"path": "people/anna.md", "name": "Anna Next",
             "text": "2026-12-05 introduce her to Ben Cadence", "due": "2026-12-05", "line": 11},
        ])
    );
    // contacts without a rule: never contacted first, then oldest
    assert_eq!(
        r["cold"],
        json!([
            {"path": "people/nora.md", "name": "Nora None", "last_contact": null},
            {"path": "people/olaf.md", "name": "Olaf Old", "last_contact": "2025-01-01"},
        ])
    );
    // archived and paused contacts appear nowhere, nor do plain notes
    let all = r.to_string();
    for absent in ["Jo Archived", "Kai Paused", "plain", "Ida Boundary"] {
        assert!(!all.contains(absent), "{absent} listed: {all}");
    }
}

#[test]
fn due_without_cold_lists_no_cold_contacts() {
    let v = due_vault();
    let r = v.json(&["--today", TODAY, "due"]);
    assert_eq!(r["cold"], json!([]));
    let r = v.json(&["--today", TODAY, "due", "--cold", "2y"]);
    assert_eq!(names(&r["cold"]), vec!["Nora None"]);
}

#[test]
fn due_all_lists_every_open_item() {
    let v = due_vault();
    let r = v.json(&["--today", TODAY, "due", "--all"]);
    let open: Vec<(Value, Value, Value)> = r["open"]
        .as_array()
        .expect("open")
        .iter()
        .map(|o| (o["text"].clone(), o["due"].clone(), o["line"].clone()))
        .collect();
    assert_eq!(
        open,
        vec![
            (
                json!("2026-11-01 return the book"),
                json!("2026-11-01"),
                json!(12)
            ),
            (
                json!("2026-12-05 introduce her to Ben Cadence"),
                json!("2026-12-05"),
                json!(11)
            ),
            (
                json!("2027-03-01 far away plan"),
                json!("2027-03-01"),
                json!(13)
            ),
            (json!("send \"Getting to Yes\""), Value::Null, json!(10)),
        ]
    );
}

#[test]
fn due_window_boundary() {
    let v = due_vault();
    let listed = |days: &str| -> Vec<String> {
        names(&v.json(&["--today", TODAY, "due", "--days", days])["followups"])
    };
    let d13 = listed("13");
    assert!(!d13.contains(&"Finn Log".to_string()), "{d13:?}");
    let d14 = listed("14");
    assert!(d14.contains(&"Finn Log".to_string()), "{d14:?}");
    assert!(!d14.contains(&"Ida Boundary".to_string()), "{d14:?}");
    let d15 = listed("15");
    assert!(d15.contains(&"Ida Boundary".to_string()), "{d15:?}");
    // --days 0: overdue and due today only
    assert_eq!(
        listed("0"),
        vec!["Eva Stale", "Ben Cadence", "Gina Future", "Dan Never"]
    );
    // birthdays and open items follow the same window
    let r = v.json(&["--today", TODAY, "due", "--days", "4"]);
    assert_eq!(names(&r["birthdays"]), vec!["Mo Noyear"]);
    assert_eq!(r["open"].as_array().expect("open").len(), 1);
    let r = v.json(&["--today", TODAY, "due", "--days", "5"]);
    assert_eq!(names(&r["birthdays"]), vec!["Mo Noyear", "Lena Birthday"]);
}

#[test]
fn birthdays_feb_29_and_year_wrap() {
    let v = TestVault::new()
        .note(
            "people/pia.md",
            "---\nname: Pia Leap\nbirthday: 2000-02-29\n---\n",
        )
        .note(
            "people/quinn.md",
            "---\nname: Quinn Leap\nbirthday: --02-29\n---\n",
        )
        .note(
            "people/ron.md",
            "---\nname: Ron January\nbirthday: 1970-01-03\n---\n",
        );
    let r = v.json(&["--today", "2027-02-20", "due"]);
    assert_eq!(
        r["birthdays"],
        json!([
            {"path": "people/pia.md", "name": "Pia Leap", "date": "2027-02-28", "days": 8, "age": 27},
            {"path": "people/quinn.md", "name": "Quinn Leap", "date": "2027-02-28", "days": 8, "age": null},
        ])
    );
    let r = v.json(&["--today", "2028-02-20", "due"]);
    let dates: Vec<&str> = r["birthdays"]
        .as_array()
        .expect("birthdays")
        .iter()
        .map(|b| b["date"].as_str().expect("date"))
        .collect();
    assert_eq!(dates, vec!["2028-02-29", "2028-02-29"]);
    assert_eq!(r["birthdays"][0]["age"], 28);
    // on Feb 28 of a non-leap year the leap-day birthday is today
    let r = v.json(&["--today", "2027-02-28", "due", "--days", "0"]);
    assert_eq!(r["birthdays"][0]["days"], 0);
    // the window reaches into next year
    let r = v.json(&["--today", "2026-12-25", "due"]);
    assert_eq!(
        r["birthdays"],
        json!([{"path": "people/ron.md", "name": "Ron January", "date": "2027-01-03", "days": 9, "age": 57}])
    );
    // a birthday yesterday is next year's
    let r = v.json(&["--today", "2027-01-04", "due", "--days", "400"]);
    let ron = r["birthdays"]
        .as_array()
        .expect("birthdays")
        .iter()
        .find(|b| b["name"] == "Ron January")
        .expect("ron listed");
    assert_eq!(ron["date"], "2028-01-03");
}

#[test]
fn config_default_cadence_window_days_and_cold_after() {
    let v = due_vault().config("default_cadence = \"3mo\"\nwindow_days = 3\ncold_after = \"1y\"\n");
    let r = v.json(&["--today", TODAY, "due"]);
    let got: Vec<(String, String, String)> = r["followups"]
        .as_array()
        .expect("followups")
        .iter()
        .map(|f| {
            (
                f["name"].as_str().expect("name").to_string(),
                f["reason"].as_str().expect("reason").to_string(),
                f["due"].as_str().expect("due").to_string(),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        got,
        vec![
            s("Olaf Old", "default_cadence", "2025-04-01"),
            s("Eva Stale", "cadence", "2026-10-29"),
            s("Ben Cadence", "cadence", "2026-11-12"),
            s("Gina Future", "cadence", "2026-11-20"),
            s("Dan Never", "never_contacted", TODAY),
            s("Nora None", "never_contacted", TODAY),
        ]
    );
    // window_days = 3 is the default window: Lena's birthday in 5 days is out
    assert_eq!(names(&r["birthdays"]), vec!["Mo Noyear"]);
    // everyone has a rule now, so nobody is cold
    assert_eq!(r["cold"], json!([]));
    // --days overrides window_days
    let r = v.json(&["--today", TODAY, "due", "--days", "5"]);
    assert_eq!(names(&r["birthdays"]), vec!["Mo Noyear", "Lena Birthday"]);

    // cold_after alone lists the cold contacts without --cold
    let v = due_vault().config("cold_after = \"1y\"\n");
    let r = v.json(&["--today", TODAY, "due"]);
    assert_eq!(names(&r["cold"]), vec!["Nora None", "Olaf Old"]);
    // --cold overrides it
    let r = v.json(&["--today", TODAY, "due", "--cold", "3y"]);
    assert_eq!(names(&r["cold"]), vec!["Nora None"]);
}

#[test]
fn bad_config_is_exit_2_naming_the_key() {
    for (toml, needle) in [
        ("cadense = \"3mo\"\n", "cadense"),
        ("window_days = \"x\"\n", "window_days"),
        ("default_cadence = \"often\"\n", "default_cadence"),
        ("cold_after = \"soon\"\n", "cold_after"),
    ] {
        let v = due_vault().config(toml);
        for json in [false, true] {
            let mut args = vec!["--today", TODAY];
            if json {
                args.push("--json");
            }
            args.push("due");
            let (code, out, err) = v.run(&args);
            assert_eq!(code, 2, "{toml}: {out}{err}");
            assert!(out.is_empty(), "{toml}: {out}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.contains(".rapport/config.toml"), "{err}");
            assert!(err.contains(needle), "{toml}: {err}");
        }
    }
}

#[test]
fn bad_flags_are_usage_errors() {
    let v = due_vault();
    for args in [
        &["due", "--cold", "often"][..],
        &["--today", "2026-13-01", "due"][..],
        &["due", "--days", "x"][..],
    ] {
        let (code, out, _) = v.run(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty());
    }
}

#[test]
fn nothing_due_is_exit_0() {
    let v = TestVault::new().note("people/a.md", "---\nname: A\n---\n");
    let (code, out, _) = v.run(&["--today", TODAY, "--color", "never", "due"]);
    assert_eq!(code, 0);
    assert_eq!(out, "Nothing due in the next 14 days.\n");
    let r = v.json(&["--today", TODAY, "due"]);
    assert_eq!(
        r,
        json!({"schema_version": 1, "today": TODAY, "cold": [], "followups": [], "birthdays": [], "open": []})
    );
}

#[test]
fn due_human_output() {
    let v = due_vault();
    let out = v.ok(&[
        "--today", TODAY, "--color", "never", "due", "--all", "--cold", "6mo",
    ]);
    insta::assert_snapshot!("due", out);
}

// ---------------------------------------------------------------- match

fn topic_vault() -> TestVault {
    TestVault::new()
        .note(
            "people/anna.md",
            "---\nname: Anna Schmidt\naliases: [Anni]\ninterests: [Segeln, Stoizismus]\nfield: Coaching\ntags: [kiel]\ntraining: NLP practitioner\nlast_contact: 2026-10-12\ncadence: 6w\nfavourite_book: Meditations\n---\n# Anna Schmidt\n\nSails a Folkeboot. Met via [[Jonas Weber]].\n\n## Log\n- 2026-10-12 Coffee: NLP training.\n- 2026-08-01 Call: Kieler Woche.\n\n## Open\n- [ ] 2026-12-05 introduce her to [[Björn Hansen]]\n- [ ] send the Seneca quote\n",
        )
        .note(
            "people/jonas.md",
            "---\nname: Jonas Weber\ninterests: [segeln, chess]\nfield: coaching\ntags: [Kiel]\n---\nChess club on Tuesdays.\n",
        )
        .note(
            "people/bjoern.md",
            "---\nname: Björn Hansen\ninterests: [Café culture, chess]\nfield: Software\ntraining: Fortbildungen in Rust\ntags: [hamburg]\n---\nWrites about Stoizismus on his blog.\n",
        )
        .note(
            "people/celine.md",
            "---\nname: Céline Dubois\ninterests: [cafe culture, sailing]\nfield: software\ncompany: Segelschule Nord\n---\nHer brother goes sailing.\n",
        )
        .note(
            "people/anna-berg.md",
            "---\nname: Anna Berg\ninterests: [running]\nstatus: archived\nfield: coaching\n---\n",
        )
        .note(
            "people/paul.md",
            "---\nname: Paul Sailor\nrole: Segelmacher\n---\nMentions sailing once, and Fortbildungen for his team.\n",
        )
        .note(
            "notes/regatta.md",
            "Kieler Woche regatta: sailing, Segeln, sailing everywhere.\n",
        )
}

fn match_json(v: &TestVault, args: &[&str]) -> Vec<(String, Vec<String>)> {
    let mut a = vec!["match"];
    a.extend_from_slice(args);
    let r = v.json(&a);
    r["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| {
            assert_eq!(
                crate::harness::keys(m),
                vec!["fields", "name", "path", "score", "snippet", "via"]
            );
            (
                m["name"].as_str().expect("name").to_string(),
                m["fields"]
                    .as_array()
                    .expect("fields")
                    .iter()
                    .map(|f| f.as_str().expect("field").to_string())
                    .collect(),
            )
        })
        .collect()
}

fn sv(x: &[&str]) -> Vec<String> {
    x.iter().map(|s| s.to_string()).collect()
}

#[test]
fn match_interest_outranks_body_mention() {
    let v = topic_vault();
    // Céline has sailing as an interest (and works at a Segelschule, a
    // compound of Segeln); Anna `Sails` and Paul mentions it in the body
    let m = match_json(&v, &["sailing"]);
    assert_eq!(
        m[0],
        (
            "Céline Dubois".to_string(),
            sv(&["interests", "company", "body"])
        )
    );
    // then the two who have Segeln, sailing's German word, as an interest
    // (Anna also `Sails` in the body), then Paul's body-only mention
    assert_eq!(
        m[1..],
        [
            ("Anna Schmidt".to_string(), sv(&["interests", "body"])),
            ("Jonas Weber".to_string(), sv(&["interests"])),
            ("Paul Sailor".to_string(), sv(&["body"])),
        ],
        "only contacts are matched, not plain notes: {m:?}"
    );
    // German: both interest holders of Segeln first; the company and role
    // words (`Segelschule`, `Segelmacher`) are other words
    let m = match_json(&v, &["Segel"]);
    let top: Vec<&str> = m.iter().take(2).map(|x| x.0.as_str()).collect();
    assert!(
        top.contains(&"Anna Schmidt") && top.contains(&"Jonas Weber"),
        "{m:?}"
    );
    assert_eq!(m[0].1, sv(&["interests"]));
    // Segeln is also sailing (its concept): the same two first, then
    // those who wrote sailing
    let m2 = match_json(&v, &["Segeln"]);
    assert_eq!(
        m.iter().map(|x| &x.0).collect::<Vec<_>>(),
        m2.iter().take(m.len()).map(|x| &x.0).collect::<Vec<_>>()
    );
    assert_eq!(m2[m.len()].0, "Céline Dubois", "{m2:?}");
    // training beats body; singular and plural find each other
    for word in ["Fortbildung", "Fortbildungen", "fortbildungen"] {
        let m = match_json(&v, &[word]);
        assert_eq!(
            m,
            vec![
                ("Björn Hansen".to_string(), sv(&["training"])),
                ("Paul Sailor".to_string(), sv(&["body"])),
            ],
            "{word}"
        );
    }
    // English stems: `sail` and `sails` find `sailing` and `Sails`; the
    // concept words `sail` and `sailing` also find Jonas's Segeln
    for (word, n) in [("sail", 4), ("sails", 3), ("SAILING", 4)] {
        let m = match_json(&v, &[word]);
        assert_eq!(m[0].0, "Céline Dubois", "{word}");
        assert_eq!(m.len(), n, "{word}: {m:?}");
    }
    // an interest beats a body mention of the same word
    let m = match_json(&v, &["Stoizismus"]);
    assert_eq!(
        m,
        vec![
            ("Anna Schmidt".to_string(), sv(&["interests"])),
            ("Björn Hansen".to_string(), sv(&["body"])),
        ]
    );
    // field and tags are topic fields too; case and accents fold
    let m = match_json(&v, &["COACHING"]);
    assert!(
        m.iter().all(|x| x.1.contains(&"field".to_string())),
        "{m:?}"
    );
    let m = match_json(&v, &["cafe"]);
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(m.iter().all(|x| x.1 == sv(&["interests"])), "{m:?}");
    let m = match_json(&v, &["hamburg"]);
    assert_eq!(m, vec![("Björn Hansen".to_string(), sv(&["tags"]))]);
}

#[test]
fn match_json_shape_snippet_and_nothing_found() {
    let v = topic_vault();
    let (code, r) = v.json_code(&["match", "chess"]);
    assert_eq!(code, 0);
    assert_eq!(
        crate::harness::keys(&r),
        vec!["matches", "schema_version", "topic"]
    );
    assert_eq!(r["topic"], "chess");
    let first = &r["matches"][0];
    assert_eq!(first["name"], "Jonas Weber");
    assert_eq!(first["path"], "people/jonas.md");
    assert_eq!(first["fields"], json!(["interests", "body"]));
    assert!(
        first["score"].as_f64().expect("score") > r["matches"][1]["score"].as_f64().expect("score")
    );
    assert!(
        first["snippet"]
            .as_str()
            .expect("snippet")
            .contains("Chess club"),
        "{first}"
    );
    let (code, r) = v.json_code(&["match", "xylophone"]);
    assert_eq!(code, 1);
    assert_eq!(
        r,
        json!({"schema_version": 1, "topic": "xylophone", "matches": []})
    );
    let (code, out, _) = v.run(&["match", "xylophone"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    // --limit
    let r = v.json(&["match", "--limit", "1", "sailing"]);
    assert_eq!(r["matches"].as_array().expect("matches").len(), 1);
}

const ARTICLE: &str = "Die Kieler Woche ist vorbei. Wer im Sommer segeln will, \
    sollte früh buchen: Segeln in der Förde ist beliebt wie nie. \
    A short English summary: sailing season, sailing clubs and regattas. \
    Nebenbei: ein Schachturnier (chess) im Hafen.\n";

#[test]
fn match_file_ranks_against_the_telling_words() {
    let v = topic_vault();
    v.write("article.txt", ARTICLE);
    let path = v.abs("article.txt");
    let r = v.json(&["match", "--file", path.to_str().expect("utf-8")]);
    let topic = r["topic"].as_str().expect("topic");
    for w in ["sailing", "segeln"] {
        assert!(topic.split(' ').any(|t| t == w), "{w} not in {topic:?}");
    }
    // stop words and words no note contains are left out
    for w in ["die", "ist", "the", "and", "sommer", "hafen"] {
        assert!(!topic.split(' ').any(|t| t == w), "{w} in {topic:?}");
    }
    let found = names(&r["matches"]);
    assert!(found.len() >= 3, "{found:?}");
    for who in ["Céline Dubois", "Anna Schmidt", "Jonas Weber"] {
        assert!(found[..3].contains(&who.to_string()), "{who}: {found:?}");
    }
    // the same text on stdin gives the same answer
    let (code, out, err) = v.run_stdin(&["--json", "match", "--file", "-"], ARTICLE.as_bytes());
    assert_eq!(code, 0, "{err}");
    let r2: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(r2["topic"], r["topic"]);
    assert_eq!(names(&r2["matches"]), found);
    // a missing file is exit 2 naming it
    let (code, out, err) = v.run(&["match", "--file", "/nonexistent/article.txt"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("/nonexistent/article.txt"), "{err}");
    // a text with no word of the vault finds nobody
    let (code, r) = v.json_code(&["match", "--file", "-"]);
    assert_eq!(code, 1);
    assert_eq!(r["matches"], json!([]));
}

// ---------------------------------------------------------------- topics, intros

#[test]
fn topics_group_case_and_accent_insensitively() {
    let v = topic_vault();
    let r = v.json(&["topics"]);
    let t = r["topics"].as_array().expect("topics");
    for x in t {
        assert_eq!(
            crate::harness::keys(x),
            vec!["concept", "contacts", "kind", "spellings", "topic"]
        );
    }
    let find = |topic: &str, kind: &str| -> Vec<String> {
        let hit = t
            .iter()
            .find(|x| x["topic"] == topic && x["kind"] == kind)
            .unwrap_or_else(|| panic!("{topic} ({kind}) missing: {r}"));
        hit["contacts"]
            .as_array()
            .expect("contacts")
            .iter()
            .map(|c| c.as_str().expect("name").to_string())
            .collect()
    };
    // most common spelling wins, contacts sorted
    assert_eq!(
        find("coaching", "field"),
        vec!["Anna Berg", "Anna Schmidt", "Jonas Weber"]
    );
    // Céline's sailing is the same concept as Segeln
    assert_eq!(
        find("Segeln", "interest"),
        vec!["Anna Schmidt", "Céline Dubois", "Jonas Weber"]
    );
    assert_eq!(find("Kiel", "tag").len(), 2);
    let cafe = t
        .iter()
        .find(|x| {
            x["kind"] == "interest"
                && x["topic"]
                    .as_str()
                    .is_some_and(|s| s.to_lowercase().starts_with("caf"))
        })
        .expect("café culture");
    assert_eq!(cafe["contacts"], json!(["Björn Hansen", "Céline Dubois"]));
    assert_eq!(
        find("Fortbildungen in Rust", "training"),
        vec!["Björn Hansen"]
    );
    // one entry per folded value and kind
    let spellings: Vec<String> = t
        .iter()
        .map(|x| {
            format!(
                "{}:{}",
                x["kind"],
                x["topic"].as_str().expect("topic").to_lowercase()
            )
        })
        .collect();
    let mut dedup = spellings.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), spellings.len(), "{spellings:?}");
    // most common first
    let counts: Vec<usize> = t
        .iter()
        .map(|x| x["contacts"].as_array().expect("contacts").len())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert_eq!(counts[0], 3);
}

#[test]
fn topics_human_output() {
    let v = topic_vault();
    insta::assert_snapshot!("topics", v.ok(&["--color", "never", "topics"]));
}

#[test]
fn intros_skip_linked_pairs() {
    let v = topic_vault();
    let r = v.json(&["intros"]);
    let pairs: Vec<(String, String, Value)> = r["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| {
            assert_eq!(crate::harness::keys(p), vec!["a", "b", "shared"]);
            assert_eq!(crate::harness::keys(&p["a"]), vec!["name", "path"]);
            (
                p["a"]["name"].as_str().expect("a").to_string(),
                p["b"]["name"].as_str().expect("b").to_string(),
                p["shared"].clone(),
            )
        })
        .collect();
    // Anna and Jonas share Segeln and coaching but Anna links to Jonas;
    // Anna Berg is archived
    assert_eq!(
        pairs,
        vec![
            (
                "Björn Hansen".to_string(),
                "Céline Dubois".to_string(),
                json!(["Café culture", "Software"])
            ),
            // Céline's sailing is Anna's and Jonas's Segeln
            (
                "Anna Schmidt".to_string(),
                "Céline Dubois".to_string(),
                json!(["sailing"])
            ),
            (
                "Björn Hansen".to_string(),
                "Jonas Weber".to_string(),
                json!(["chess"])
            ),
            (
                "Céline Dubois".to_string(),
                "Jonas Weber".to_string(),
                json!(["sailing"])
            ),
        ]
    );
    // a link in either note removes the pair
    v.write(
        "people/jonas.md",
        "---\nname: Jonas Weber\ninterests: [segeln, chess]\nfield: coaching\ntags: [Kiel]\n---\nChess club with [[bjoern|Björn]].\n",
    );
    let r = v.json(&["intros"]);
    assert_eq!(r["pairs"].as_array().expect("pairs").len(), 3);
    // removing Anna's link brings her pair with Jonas back
    let anna = v.read("people/anna.md").replace("[[Jonas Weber]]", "Jonas");
    v.write("people/anna.md", &anna);
    let r = v.json(&["intros", "--limit", "1"]);
    assert_eq!(r["pairs"][0]["a"]["name"], "Anna Schmidt");
    assert_eq!(r["pairs"][0]["b"]["name"], "Jonas Weber");
    // (the spelling shown is one of the two notes': `Coaching` or `coaching`)
    let shared: Vec<String> = r["pairs"][0]["shared"]
        .as_array()
        .expect("shared")
        .iter()
        .map(|s| s.as_str().expect("value").to_lowercase())
        .collect();
    assert_eq!(shared, vec!["coaching", "segeln"]);
    assert_eq!(r["pairs"].as_array().expect("pairs").len(), 1);
}

#[test]
fn intros_human_output() {
    let v = topic_vault();
    insta::assert_snapshot!("intros", v.ok(&["--color", "never", "intros"]));
    let empty = TestVault::new().note("a.md", "---\nname: A\n---\n");
    insta::assert_snapshot!("intros_none", empty.ok(&["--color", "never", "intros"]));
}

// ---------------------------------------------------------------- show

#[test]
fn show_resolves_name_alias_stem_prefix_and_accents() {
    let v = topic_vault();
    for (query, want) in [
        ("Anna Schmidt", "people/anna.md"),
        ("anna schmidt", "people/anna.md"),
        ("ANNI", "people/anna.md"),
        ("anna", "people/anna.md"), // the file stem, exactly
        ("anna-berg", "people/anna-berg.md"),
        ("Björn Hansen", "people/bjoern.md"),
        ("bjorn hansen", "people/bjoern.md"),
        ("bjoern", "people/bjoern.md"),
        ("BJÖ", "people/bjoern.md"),
        ("cel", "people/celine.md"),
        ("Celine", "people/celine.md"),
        ("weber", "people/jonas.md"),
        ("Jon", "people/jonas.md"),
    ] {
        let (code, out, err) = v.run(&["--json", "show", query]);
        assert_eq!(code, 0, "{query}: {err}");
        let r: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(r["path"], want, "{query}");
    }
    // ambiguous: exit 2, listing the candidates
    let (code, out, err) = v.run(&["--json", "show", "an"]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("ambiguous"), "{err}");
    assert!(
        err.contains("Anna Schmidt") && err.contains("Anna Berg"),
        "{err}"
    );
    assert!(
        err.contains("people/anna.md") && err.contains("people/anna-berg.md"),
        "{err}"
    );
    // unknown: exit 2 naming it
    let (code, _, err) = v.run(&["show", "Zacharias"]);
    assert_eq!(code, 2);
    assert!(err.contains("Zacharias"), "{err}");
    // plain notes are not contacts
    let (code, _, _) = v.run(&["show", "regatta"]);
    assert_eq!(code, 2);
}

#[test]
fn show_json_has_facts_links_and_next_due() {
    let v = topic_vault();
    let r = v.json(&["--today", TODAY, "show", "anni"]);
    for k in [
        "path",
        "name",
        "last_contact",
        "next_due",
        "open",
        "links_out",
        "links_in",
    ] {
        assert!(r.get(k).is_some(), "{k} missing: {r}");
    }
    assert_eq!(r["path"], "people/anna.md");
    assert_eq!(r["name"], "Anna Schmidt");
    assert_eq!(r["aliases"], json!(["Anni"]));
    assert_eq!(r["interests"], json!(["Segeln", "Stoizismus"]));
    // unknown front-matter fields are shown
    assert_eq!(r["favourite_book"], "Meditations");
    assert_eq!(r["last_contact"], "2026-10-12");
    assert_eq!(
        r["next_due"],
        json!({"due": "2026-11-23", "days": -3, "status": "overdue", "reason": "cadence"})
    );
    assert_eq!(r["open"].as_array().expect("open").len(), 2);
    assert_eq!(r["open"][0]["due"], "2026-12-05");
    assert_eq!(r["open"][1]["due"], Value::Null);
    let out: Vec<&str> = r["links_out"]
        .as_array()
        .expect("links_out")
        .iter()
        .map(|l| l["path"].as_str().expect("resolved"))
        .collect();
    assert_eq!(out, vec!["people/jonas.md", "people/bjoern.md"]);
    // links in: Jonas is linked from Anna
    let j = v.json(&["--today", TODAY, "show", "jonas"]);
    assert_eq!(j["links_in"][0]["path"], "people/anna.md");
    assert_eq!(j["next_due"], Value::Null);
    assert_eq!(j["last_contact"], Value::Null);
}

#[test]
fn show_human_output() {
    let v = topic_vault();
    insta::assert_snapshot!(
        "show_anna",
        v.ok(&["--today", TODAY, "--color", "never", "show", "anni"])
    );
    insta::assert_snapshot!(
        "show_jonas",
        v.ok(&["--today", TODAY, "--color", "never", "show", "Jonas"])
    );
}
