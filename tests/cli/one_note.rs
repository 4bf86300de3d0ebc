//! `show NAME` and `brief NAME` read one note and its neighbours from the
//! index; every answer (human and `--json`, exit code and stderr) must equal
//! the whole-model computation (`RAPPORT_WHOLE_MODEL=1`) on a generated vault
//! with hand-written edge cases on top, also while another process holds the
//! writer and changed notes are laid over the index.

use std::path::PathBuf;

use crate::harness::{TestVault, hold_writer, run_cmd};

const CONFIG: &str = r#"contacts = ["people/", "type:contact"]
inactive_status = ["archived", "ruhend"]
default_cadence = "6mo"

[fields]
company = ["firma"]
last_contact = ["zuletzt"]

[tiers]
A = "1w"

[concepts]
boats = ["sailing", "Segeln", "rowing", "Rudern"]
"#;

/// Hand-written notes: aliases, an ambiguous alias, inactive and snoozed
/// contacts, errors, journal notes with ambiguous and self-mentions, a
/// meeting note, links in and out (some broken), introductions given.
const EDGE: &[(&str, &str)] = &[
    (
        "people/ada.md",
        "---\nname: Ada Lovelace\naliases: [Countess]\ninterests: [sailing, chess]\nfield: software engineering\n---\nKnows [[Bob Stone]], [[Nobody Here]] and [[Twin]].\n## Log\n- 2026-11-02 gave: intro Carla Ruhe to Bob\n- 2026-10-10 wants a sailing book?\n- 2026-09-01 Coffee\n## Open\n- [ ] 2026-12-01 send the slides\n- [ ] call back\n",
    ),
    (
        "people/bob.md",
        "---\nname: Bob Stone\ninterests: [Segeln, chess]\nfield: software engineering\nsnooze_until: 2027-01-10\n---\nSee [[Ada Lovelace]] and [[people/ada.md|her]].\n",
    ),
    (
        "people/carla.md",
        "---\nname: Carla Ruhe\nstatus: ruhend\ninterests: [sailing, chess]\nfield: software engineering\n---\n",
    ),
    (
        "people/dora.md",
        "---\nname: Dora Firm\nfirma: Acme\nzuletzt: 2026-10-01\ntier: A\ninterests: [Rudern, chess]\nbirthday: 1990-12-05\n---\n[[Countess]] told me.\n",
    ),
    (
        "people/twin-a.md",
        "---\nname: Twin Alpha\naliases: [Twin]\ninterests: [chess]\n---\n",
    ),
    (
        "people/twin-b.md",
        "---\nname: Twin Beta\naliases: [Twin]\ninterests: [chess]\n---\n",
    ),
    (
        "people/broken.md",
        "---\nname: Broken Cadence\ncadence: sometimes\nbirthday: 2026-13-45\n---\nLinks [[Ada Lovelace]].\n",
    ),
    (
        "people/eve.md",
        "---\nname: Eve Self\ndate: 2026-11-01\ninterests: [sailing]\n---\nMet [[Eve Self]] myself, then [[Ada Lovelace]].\n",
    ),
    (
        "extra/frank.md",
        "---\nname: Frank Typed\ntype: contact\nfield: software engineering\n---\n",
    ),
    (
        "journal/2026-11-20.md",
        "- Lunch with [[Ada Lovelace]] and [[Twin]]\n- again [[Countess]]\n- [[Bob Stone]] sailing\n- [ ] call [[Dora Firm]]\n",
    ),
    (
        "journal/2026/2026-11-22 Harbour.md",
        "- Walked with [[ada]] and [[Dora Firm]] along the harbour\n",
    ),
    (
        "meetings/kickoff.md",
        "---\ndate: 2026-11-18\npeople: [\"[[Bob Stone]]\", \"[[Ada Lovelace]]\"]\n---\n# Kickoff\n",
    ),
];

/// A generated vault of `n` notes with the edge cases and config on top;
/// `None` (with a message) when gen_vault was not built.
fn vault(n: usize) -> Option<TestVault> {
    let Some(bin) = crate::harness::gen_vault() else {
        eprintln!("one_note: skipped, examples/gen_vault not built (plain `cargo test` builds it)");
        return None;
    };
    let v = TestVault::new();
    let mut c = std::process::Command::new(bin);
    c.arg(v.path())
        .arg(n.to_string())
        .args(["--seed", "7", "--force"]);
    let (code, _, err) = run_cmd(c);
    assert_eq!(code, 0, "gen_vault: {err}");
    let v = v.config(CONFIG);
    for (rel, text) in EDGE {
        v.write(rel, text);
    }
    v.ok(&["index"]);
    Some(v)
}

/// The name of every 25th generated contact, some as typed by a person
/// (lowercase first name and a prefix of the last, the file stem, the path).
fn generated_names(v: &TestVault) -> Vec<String> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(v.abs("people"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().components().any(|c| c.as_os_str() == "b000"))
        .map(|e| e.path().to_path_buf())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate().step_by(25) {
        let text = std::fs::read_to_string(f).expect("read");
        let Some(name) = text
            .lines()
            .find_map(|l| l.strip_prefix("name: "))
            .map(|n| n.trim().to_string())
        else {
            continue;
        };
        let rel = f
            .strip_prefix(v.path())
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        match (i / 25) % 4 {
            0 => out.push(name),
            1 => out.push(rel.trim_end_matches(".md").to_string()),
            2 => out.push(f.file_stem().expect("stem").to_string_lossy().into_owned()),
            _ => {
                let mut w = name.split(' ');
                let first = w.next().unwrap_or("").to_lowercase();
                let last: String = w.next().unwrap_or("").chars().take(3).collect();
                out.push(format!("{first} {last}"));
            }
        }
    }
    out
}

/// The NAMEs of the edge cases: names, aliases, paths, prefixes, umlauts
/// typed plainly, ambiguous and unknown ones, a note that is no contact.
const EDGE_NAMES: &[&str] = &[
    "Ada Lovelace",
    "countess",
    "./people/ada.md",
    "people/bob",
    "lovel",
    "Bob",
    "Carla Ruhe",
    "dora",
    "twin",
    "Twin Alpha",
    "Broken Cadence",
    "eve",
    "Frank Typed",
    "juergen",
    "mueller",
    "an",
    "journal/2026-11-20",
    "kickoff",
    "nobody at all",
    "  ",
];

/// `args` on both paths: (exit code, stdout, stderr) must be identical.
fn same(v: &TestVault, args: &[&str]) -> (i32, String, String) {
    let want = v.run_whole_model(args);
    let got = v.run(args);
    assert_eq!(
        got, want,
        "rapport {args:?}: index (left) and whole model (right) differ"
    );
    got
}

/// Every output of show and brief for one NAME on one day.
fn compare_all(v: &TestVault, name: &str, today: &str) -> Vec<(i32, String, String)> {
    let mut out = Vec::new();
    for cmd in ["show", "brief"] {
        out.push(same(v, &["--today", today, cmd, name]));
        out.push(same(v, &["--today", today, "--json", cmd, name]));
    }
    out
}

#[test]
fn show_and_brief_equal_the_whole_model() {
    let Some(v) = vault(400) else { return };
    let mut names: Vec<String> = EDGE_NAMES.iter().map(|s| s.to_string()).collect();
    names.extend(generated_names(&v));
    let mut outputs = Vec::new();
    for (k, name) in names.iter().enumerate() {
        outputs.extend(compare_all(&v, name, "2026-11-26"));
        if k % 5 == 0 {
            for day in ["2026-01-15", "2027-03-01"] {
                compare_all(&v, name, day);
            }
        }
    }
    // the comparison covered what it is about
    let all: String = outputs.iter().map(|o| format!("{}{}", o.1, o.2)).collect();
    for want in [
        "Linked from",
        "(no such note)",
        "is ambiguous",
        "and ",
        "more",
        "no contact matches",
        "introduce Ada Lovelace to",
        "Walked with ada and Dora Firm",
    ] {
        assert!(all.contains(want), "no output has {want:?}");
    }
    let ada = v.json(&["--today", "2026-11-26", "show", "ada lovelace"]);
    assert!(
        ada["links_in"].as_array().is_some_and(|a| !a.is_empty()),
        "{ada}"
    );
    let log: Vec<&str> = ada["log"]
        .as_array()
        .expect("log")
        .iter()
        .filter_map(|e| e["source"].as_str())
        .collect();
    // journal credit: the daily notes, the meeting, Eve's self-dated note;
    // the ambiguous [[Twin]] credits nobody
    assert!(log.contains(&"journal/2026-11-20.md"), "{log:?}");
    assert!(log.contains(&"people/eve.md"), "{log:?}");
    assert!(log.contains(&"meetings/kickoff.md"), "{log:?}");
}

#[test]
fn show_and_brief_equal_the_whole_model_over_the_overlay() {
    let Some(v) = vault(200) else { return };
    let _held = hold_writer(&v);
    // changed while another process holds the writer: laid over the index
    v.write(
        "people/bob.md",
        "---\nname: Bob Stone\naliases: [Bobby]\ninterests: [chess]\n---\nNo links now.\n",
    );
    v.write(
        "journal/2026-11-24.md",
        "- Dinner with [[Countess]] and [[Bobby]]\n",
    );
    v.remove("people/twin-b.md");
    v.write(
        "people/gina.md",
        "---\nname: Gina Neu\ninterests: [Segeln]\nfield: software engineering\n---\n[[Ada Lovelace]] again.\n",
    );
    let mut all = String::new();
    for name in [
        "Ada Lovelace",
        "bobby",
        "twin",
        "Gina",
        "dora",
        "Carla Ruhe",
    ] {
        for o in compare_all(&v, name, "2026-11-26") {
            all.push_str(&o.1);
        }
    }
    assert!(all.contains("Dinner with Countess and Bobby"), "{all}");
    assert!(all.contains("Gina Neu"), "{all}");
    assert!(all.contains("Twin Alpha"), "{all}");
}

/// The introduction `brief` and `plan` suggest leaves out what more than
/// `topics::MAX_GROUP` active contacts share, as `intros` does, on both
/// paths: `chess` (262 holders) is too big; `Segeln` with `sailing` (a
/// concept, 200 + 61 holders) is too big only as one group; `go` has 252
/// holders of whom 3 are archived, so its 249 active ones still pair.
#[test]
fn introductions_leave_out_groups_too_big_to_pair() {
    let mut v =
        TestVault::new().config("contacts = [\"people/\"]\ninactive_status = [\"archived\"]\n");
    let quiet = "last_contact: 2026-11-20\ncadence: 1y\n";
    for i in 0..260 {
        let sail = if i < 200 { "Segeln" } else { "sailing" };
        v = v.note(
            &format!("people/p{i:03}.md"),
            &format!("---\nname: Person {i:03}\ninterests: [chess, {sail}]\n{quiet}---\n"),
        );
    }
    for i in 0..252 {
        let status = if i < 3 { "status: archived\n" } else { "" };
        v = v.note(
            &format!("people/g{i:03}.md"),
            &format!("---\nname: Goer {i:03}\ninterests: [go]\n{status}{quiet}---\n"),
        );
    }
    let due = "last_contact: 2026-01-01\ncadence: 2w\n";
    v = v
        .note(
            "people/zz/ann.md",
            &format!("---\nname: Ann Rare\ninterests: [chess, Ostsee, Segeln]\n{due}---\n"),
        )
        .note(
            "people/zz/bob.md",
            &format!("---\nname: Bob Rare\ninterests: [Ostsee, sailing, chess]\n{quiet}---\n"),
        )
        .note(
            "people/zz/dan.md",
            &format!("---\nname: Dan Go\ninterests: [go]\n{due}---\n"),
        );
    v.ok(&["index"]);
    let ann = same(&v, &["--today", "2026-11-26", "brief", "Ann Rare"]).1;
    assert!(
        ann.contains("introduce Ann Rare to Bob Rare  (both care about Ostsee)\n"),
        "{ann}"
    );
    let dan = same(&v, &["--today", "2026-11-26", "brief", "Dan Go"]).1;
    assert!(dan.contains("introduce Dan Go to Goer 003"), "{dan}");
    for args in [
        &["--today", "2026-11-26", "--json", "brief", "Ann Rare"][..],
        &["--today", "2026-11-26", "--json", "brief", "Dan Go"],
        &["--today", "2026-11-26", "plan"],
        &["--today", "2026-11-26", "--json", "plan"],
    ] {
        same(&v, args);
    }
    let plan = v.ok(&["--today", "2026-11-26", "plan"]);
    assert!(plan.contains("introduce Dan Go to Goer 003"), "{plan}");
}
