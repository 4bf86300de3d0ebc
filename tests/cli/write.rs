//! The write commands (`new`, `log`) and the exports (`export ics`,
//! `completions`, `man`), run as the real binary on tempdir vaults with a fixed
//! `--today`. Golden tests compare the whole file after the edit.

// clippy.toml allows these inside #[test] functions only; the helpers below
// are test code too, and a failed setup step should stop the test loudly.
#![allow(clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use jiff::civil::date;
use rapport::edit::atomic::{Editor, WriteError};
use rapport::edit::{LogRequest, NoteError, log_entry, log_to_file};
use serde_json::Value;

use crate::harness::{TestVault, bin, rapport_cmd};

const TODAY: &str = "2026-11-26";

/// A vault (with its `.rapport/` folder) whose commands run on `TODAY`.
fn vault() -> TestVault {
    let v = TestVault::new().today(TODAY);
    v.mkdir(".rapport");
    v
}

/// The names in a folder, sorted.
fn files(v: &TestVault, rel_dir: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(v.abs(rel_dir))
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Run `log` and compare the whole file afterwards.
fn golden_log(before: &str, args: &[&str], after: &str, stdout: &str) {
    let v = vault().note("people/anna.md", before);
    let mut a = vec!["log"];
    a.extend_from_slice(args);
    let (code, out, err) = v.run(&a);
    assert_eq!(code, 0, "stderr: {err}");
    assert_eq!(v.read("people/anna.md"), after);
    assert_eq!(out, stdout);
    assert_eq!(files(&v, "people"), vec!["anna.md"], "no temp file left");
}

#[test]
fn log_keeps_comments_odd_spacing_and_key_order() {
    golden_log(
        "---\nname:   Anna Schmidt   # full name\naliases: [Anni]\nlast_contact:    2026-10-12    # coffee\n# a comment line\ncadence: 6w # rhythm\nzzz: keep me\n---\n# Anna\n\n## Log\n- 2026-10-12 Coffee: NLP.\n- 2026-07-01 Call: sailing.\n\n## Open\n- [ ] send book\n",
        &["anni", "Lunch: negotiation books", "--next", "6w"],
        "---\nname:   Anna Schmidt   # full name\naliases: [Anni]\nlast_contact:    2026-11-26    # coffee\n# a comment line\ncadence: 6w # rhythm\nzzz: keep me\nnext_contact: 2027-01-07\n---\n# Anna\n\n## Log\n- 2026-11-26 Lunch: negotiation books\n- 2026-10-12 Coffee: NLP.\n- 2026-07-01 Call: sailing.\n\n## Open\n- [ ] send book\n",
        "logged 2026-11-26 in people/anna.md; next contact 2027-01-07\n",
    );
}

#[test]
fn log_keeps_crlf_and_quoting() {
    golden_log(
        "---\r\nname: Anna Schmidt\r\nlast_contact: \"2026-10-12\"\r\nnext_contact: '2026-11-01' # old plan\r\n---\r\n## Log\r\n- 2026-07-01 Call\r\n- 2026-10-12 Coffee\r\n",
        &["Anna", "Lunch", "--next", "2027-02-01"],
        "---\r\nname: Anna Schmidt\r\nlast_contact: \"2026-11-26\"\r\nnext_contact: '2027-02-01' # old plan\r\n---\r\n## Log\r\n- 2026-07-01 Call\r\n- 2026-10-12 Coffee\r\n- 2026-11-26 Lunch\r\n",
        "logged 2026-11-26 in people/anna.md; next contact 2027-02-01\n",
    );
}

#[test]
fn log_adds_missing_section_and_key() {
    golden_log(
        "---\nname: Anna Schmidt\n---\n# Anna\n\nMet at Kieler Woche.\n",
        &["anna", "First", "call"],
        "---\nname: Anna Schmidt\nlast_contact: 2026-11-26\n---\n# Anna\n\nMet at Kieler Woche.\n\n## Log\n- 2026-11-26 First call\n",
        "logged 2026-11-26 in people/anna.md\n",
    );
}

#[test]
fn log_keeps_missing_final_newline() {
    golden_log(
        "---\nname: Anna Schmidt\nlast_contact: 2026-10-12\n---\n## Log\n- 2026-10-12 Coffee\n\n## Open\n- [ ] x",
        &["anna", "Lunch"],
        "---\nname: Anna Schmidt\nlast_contact: 2026-11-26\n---\n## Log\n- 2026-11-26 Lunch\n- 2026-10-12 Coffee\n\n## Open\n- [ ] x",
        "logged 2026-11-26 in people/anna.md\n",
    );
    golden_log(
        "---\nname: Anna Schmidt\n---\nNo log yet.",
        &["anna", "Lunch"],
        "---\nname: Anna Schmidt\nlast_contact: 2026-11-26\n---\nNo log yet.\n\n## Log\n- 2026-11-26 Lunch",
        "logged 2026-11-26 in people/anna.md\n",
    );
}

#[test]
fn log_never_moves_last_contact_back_or_into_the_future() {
    golden_log(
        "---\nname: Anna Schmidt\nlast_contact: 2026-11-20\n---\n## Log\n- 2026-11-20 Dinner\n- 2026-10-12 Coffee\n",
        &["anna", "Call", "--date", "2026-11-01"],
        "---\nname: Anna Schmidt\nlast_contact: 2026-11-20\n---\n## Log\n- 2026-11-20 Dinner\n- 2026-11-01 Call\n- 2026-10-12 Coffee\n",
        "logged 2026-11-01 in people/anna.md; last_contact stays 2026-11-20\n",
    );
    golden_log(
        "---\nname: Anna Schmidt\nlast_contact: 2026-11-20\n---\n",
        &["anna", "Planned dinner", "--date", "2026-12-24"],
        "---\nname: Anna Schmidt\nlast_contact: 2026-11-20\n---\n\n## Log\n- 2026-12-24 Planned dinner\n",
        "logged 2026-12-24 in people/anna.md; a future date, last_contact unchanged\n",
    );
}

#[test]
fn log_on_a_note_without_front_matter_adds_one() {
    let v = vault().note("people/bob.md", "# Bob Meyer\r\n\r\nPlays chess.");
    let (code, out, err) = v.run(&["log", "bob", "Chess", "evening", "--next", "2w"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        v.read("people/bob.md"),
        "---\r\nlast_contact: 2026-11-26\r\nnext_contact: 2026-12-10\r\n---\r\n# Bob Meyer\r\n\r\nPlays chess.\r\n\r\n## Log\r\n- 2026-11-26 Chess evening"
    );
    assert_eq!(
        out,
        "logged 2026-11-26 in people/bob.md; next contact 2026-12-10\n"
    );
    // now a contact, named by its heading
    let (code, out, _) = v.run(&["--json", "show", "bob meyer"]);
    assert_eq!(code, 0);
    let j: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(j["last_contact"], "2026-11-26");
}

#[test]
fn log_json_and_index_resync() {
    let v = vault().note(
        "anna.md",
        "---\nname: Anna Schmidt\ncadence: 2w\nlast_contact: 2026-10-01\n---\n",
    );
    let (_, out, _) = v.run(&["--json", "due"]);
    let j: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(j["followups"][0]["status"], "overdue");
    let (code, out, err) = v.run(&["--json", "log", "anna", "Call"]);
    assert_eq!(code, 0, "{err}");
    let j: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(j["path"], "anna.md");
    assert_eq!(j["date"], TODAY);
    assert_eq!(j["text"], "Call");
    assert_eq!(j["line"], 8);
    assert_eq!(j["last_contact"], TODAY);
    assert_eq!(j["last_contact_changed"], true);
    assert_eq!(j["next_contact"], Value::Null);
    let (_, out, _) = v.run(&["--json", "due"]);
    let j: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(j["followups"][0]["due"], "2026-12-10", "{j}");
}

#[test]
fn log_refusals_change_nothing() {
    let bad_yaml = "---\nname: [Anna Schmidt\nlast_contact: 2026-10-12\n---\n## Log\n";
    let bad_date = "---\nname: Dat Bad\nlast_contact: sometime in May\n---\n";
    let conflict = "---\nname: Con Flict\n---\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n";
    let v = vault()
        .note("people/anna.md", "---\nname: Anna Schmidt\n---\n")
        .note("people/anna-berg.md", "---\nname: Anna Berg\n---\n")
        .note("x/bad-yaml.md", bad_yaml)
        .note("x/bad-date.md", bad_date)
        .note("x/conflict.md", conflict);
    let (code, out, err) = v.run(&["log", "ann", "Call"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains("people/anna.md") && err.contains("people/anna-berg.md"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(v.read("people/anna.md"), "---\nname: Anna Schmidt\n---\n");
    assert_eq!(v.read("people/anna-berg.md"), "---\nname: Anna Berg\n---\n");

    for (stem, text, needle) in [
        ("bad-yaml", bad_yaml, "YAML"),
        ("bad-date", bad_date, "sometime in May"),
        ("conflict", conflict, "conflict"),
    ] {
        let (code, _, err) = v.run(&["log", stem, "Call"]);
        assert_eq!(code, 2, "{stem}");
        assert!(err.contains(&format!("x/{stem}.md")), "{err}");
        assert!(err.contains(needle), "{err}");
        // one line, and the reason said once
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(
            err.matches(needle).count(),
            1 + stem.matches(needle).count(),
            "{err}"
        );
        assert_eq!(v.read(&format!("x/{stem}.md")), text, "{stem}");
    }
    let (code, _, err) = v.run(&["log", "nobody", "Call"]);
    assert_eq!(code, 2);
    assert!(err.contains("nobody"), "{err}");
    let (code, _, err) = v.run(&["log", "Anna Schmidt", "Call", "--next", "2026-11-01"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = v.run(&["log", "Anna Schmidt", "Call", "--next", "often"]);
    assert_eq!(code, 2);
    assert_eq!(v.read("people/anna.md"), "---\nname: Anna Schmidt\n---\n");
}

#[test]
fn log_refuses_when_the_note_changes_before_the_write() {
    let v = vault().note(
        "anna.md",
        "---\nname: Anna\nlast_contact: 2026-10-12\n---\n## Log\n",
    );
    let path = v.path().join("anna.md");
    let req = LogRequest {
        date: date(2026, 11, 26),
        text: "Lunch".into(),
        next: None,
        today: date(2026, 11, 26),
    };
    let theirs =
        "---\nname: Anna\nlast_contact: 2026-11-01\n---\n## Log\n- 2026-11-01 edited elsewhere\n";
    let mut hook = |target: &Path| fs::write(target, theirs).expect("write");
    let editor = Editor::open(v.path()).expect("editor");
    let e = log_to_file(&editor, &path, "anna.md", &req, &mut hook).expect_err("refused");
    assert!(
        matches!(e, NoteError::Write(WriteError::Changed { .. })),
        "{e}"
    );
    assert!(e.to_string().starts_with("anna.md: changed on disk"), "{e}");
    assert_eq!(v.read("anna.md"), theirs, "the other edit is kept");
    assert_eq!(
        files(&v, ""),
        vec![".rapport", "anna.md"],
        "no temp file left"
    );

    // without interference the same call writes
    let mut quiet = |_: &Path| {};
    let done = log_to_file(&editor, &path, "anna.md", &req, &mut quiet).expect("written");
    assert_eq!(done.line, 6);
    assert!(
        v.read("anna.md")
            .contains("- 2026-11-26 Lunch\n- 2026-11-01 edited")
    );
}

#[test]
fn new_from_the_builtin_template() {
    let v = vault();
    let (code, out, err) = v.run(&[
        "new",
        "Jürgen Müller",
        "--field",
        "coaching",
        "--interest",
        "sailing",
        "--interest",
        "public speaking",
        "--tag",
        "#kiel",
        "--cadence",
        "6w",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "people/juergen-mueller.md\n");
    assert_eq!(
        v.read("people/juergen-mueller.md"),
        "---\nname: Jürgen Müller\naliases: []\ntags: [kiel]\ncompany:\nrole:\nfield: coaching\ninterests: [sailing, public speaking]\ntraining:\nlocation:\nemail:\nbirthday:\nmet:\nlast_contact:\nnext_contact:\ncadence: 6w\n---\n# Jürgen Müller\n\n## Log\n\n## Open\n"
    );
    // it is a contact at once, and `log` fills the empty last_contact in place
    let (code, _, err) = v.run(&["log", "jürgen", "Coffee"]);
    assert_eq!(code, 0, "{err}");
    let text = v.read("people/juergen-mueller.md");
    assert!(
        text.contains("\nlast_contact: 2026-11-26\nnext_contact:\n"),
        "{text}"
    );
    assert!(
        text.contains("## Log\n- 2026-11-26 Coffee\n\n## Open\n"),
        "{text}"
    );
    let (code, out, _) = v.run(&["--json", "check"]);
    assert_eq!(code, 0, "{out}");

    // the same name again: refused, whatever the file name would be
    let (code, _, err) = v.run(&["new", "jürgen  MÜLLER"]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn new_refuses_an_existing_file_and_an_existing_name() {
    let v = vault()
        .note("people/anna-schmidt.md", "just a file, no front matter\n")
        .note("elsewhere/as.md", "---\nname: Bo Berg\n---\n");
    let (code, out, err) = v.run(&["new", "Anna Schmidt"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("people/anna-schmidt.md"), "{err}");
    assert_eq!(
        v.read("people/anna-schmidt.md"),
        "just a file, no front matter\n"
    );
    let (code, _, err) = v.run(&["new", "Bo Berg"]);
    assert_eq!(code, 2);
    assert!(err.contains("elsewhere/as.md"), "{err}");
    assert!(!v.path().join("people/bo-berg.md").exists());
    let (code, _, err) = v.run(&["new", "李小龙"]);
    assert_eq!(code, 2);
    assert!(err.contains("file name"), "{err}");
}

#[test]
fn new_from_the_vault_template_and_people_dir() {
    let v = vault()
        .note(
            ".rapport/config.toml",
            "people_dir = \"contacts/2026\"\n",
        )
        .note(
            ".rapport/template.md",
            "---\nname: {{name}}\nfield: {{field}}\ninterests: {{interests}}\ntags: {{tags}}\ncadence: {{cadence}}\ncreated: {{today}}\n---\n# {{name}}\n\nInterests: {{interests}}\n",
        );
    let (code, out, err) = v.run(&[
        "--json",
        "new",
        "Ana: \"the\" Boss",
        "--interest",
        "chess, go",
        "--tag",
        "x",
    ]);
    assert_eq!(code, 0, "{err}");
    let j: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(j["path"], "contacts/2026/ana-the-boss.md");
    assert_eq!(
        v.read("contacts/2026/ana-the-boss.md"),
        "---\nname: \"Ana: \\\"the\\\" Boss\"\nfield:\ninterests: [\"chess, go\"]\ntags: [x]\ncadence:\ncreated: 2026-11-26\n---\n# Ana: \"the\" Boss\n\nInterests: chess, go\n"
    );
    let (code, out, _) = v.run(&["--json", "show", "ana"]);
    assert_eq!(code, 0);
    let j: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(j["name"], "Ana: \"the\" Boss");
}

#[cfg(unix)]
#[test]
fn new_edit_runs_the_editor() {
    let v = vault();
    let out = v
        .cmd(&[])
        .args(["new", "Cy Dee", "--edit"])
        .env("EDITOR", "echo edited >>")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(v.read("people/cy-dee.md").ends_with("## Open\nedited\n"));
    let (code, _, err) = v.run(&["new", "Di Eck", "--edit"]);
    assert_eq!(code, 2, "no editor set");
    assert!(err.contains("EDITOR"), "{err}");
    assert!(
        v.path().join("people/di-eck.md").exists(),
        "created before the editor"
    );
}

/// RFC 5545 unfolding: a CRLF followed by a space or tab is removed.
fn unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n\t", "")
}

#[test]
fn export_ics_is_valid_stable_and_folded() {
    let v = vault()
        .note(
            "people/anna.md",
            "---\nname: Anna Schmidt\nbirthday: 1985-03-14\nnext_contact: 2026-12-01\nlast_contact: 2026-10-12\n---\n## Open\n- [ ] 2026-12-05 introduce her to [[Jonas Weber]], who also coaches; a long item that needs folding across several lines ÄÖÜ äöü ß\n- [ ] 2026-11-01 overdue item\n- [ ] undated\n",
        )
        .note(
            "people/leap.md",
            "---\nname: Leo Leap\nbirthday: --02-29\ncadence: 1w\nlast_contact: 2026-10-01\n---\n",
        )
        .note(
            "people/far.md",
            "---\nname: Far Away\nnext_contact: 2027-06-01\nstatus: active\n---\n",
        )
        .note(
            "people/paused.md",
            "---\nname: Pa Used\nbirthday: 1990-01-01\nnext_contact: 2026-12-01\nstatus: paused\n---\n",
        );
    let first = v.cmd(&[]).args(["export", "ics"]).output().expect("run");
    assert!(first.status.success());
    let text = String::from_utf8(first.stdout).expect("utf8");

    // CRLF everywhere, no line over 75 octets
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(!text.replace("\r\n", "").contains(['\n', '\r']));
    for l in text.split("\r\n") {
        assert!(l.len() <= 75, "{} octets: {l:?}", l.len());
    }
    assert!(text.contains("\r\n "), "long lines are folded");

    // an independent read of the unfolded text
    let unfolded = unfold(&text);
    let cal = icalendar::parser::read_calendar(&unfolded).expect("parses");
    let prop = |c: &icalendar::parser::Component<'_>, k: &str| {
        c.find_prop(k).map(|p| p.val.as_str().to_string())
    };
    assert_eq!(
        cal.properties
            .iter()
            .find(|p| p.name.as_str() == "VERSION")
            .map(|p| p.val.as_str()),
        Some("2.0")
    );
    let mut got: Vec<(String, String, String, Option<String>)> = cal
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .map(|c| {
            let start = c.find_prop("DTSTART").expect("DTSTART");
            assert!(
                start.params.iter().any(|p| p.key.as_str() == "VALUE"
                    && p.val.as_ref().map(|v| v.as_str()) == Some("DATE")),
                "all-day DATE value"
            );
            let uid = prop(c, "UID").expect("UID");
            assert!(uid.ends_with("@rapport"), "{uid}");
            (
                prop(c, "SUMMARY").expect("SUMMARY"),
                start.val.as_str().to_string(),
                prop(c, "DTEND").expect("DTEND"),
                prop(c, "RRULE"),
            )
        })
        .collect();
    got.sort();
    let want: Vec<(String, String, String, Option<String>)> = vec![
        ("Anna Schmidt: introduce her to Jonas Weber, who also coaches; a long item that needs folding across several lines ÄÖÜ äöü ß", "20261205", "20261206", None),
        ("Anna Schmidt: overdue item (due 2026-11-01)", "20261126", "20261127", None),
        ("Birthday: Anna Schmidt", "19850314", "19850315", Some("FREQ=YEARLY")),
        ("Birthday: Leo Leap", "20000229", "20000301", Some("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1")),
        ("Get in touch: Anna Schmidt", "20261201", "20261202", None),
        ("Get in touch: Leo Leap (due 2026-10-08)", "20261126", "20261127", None),
    ]
    .into_iter()
    .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.map(str::to_string)))
    .collect();
    assert_eq!(got, want);

    // same vault, same day: same bytes; UIDs survive an edit that moves the dates
    let again = v.cmd(&[]).args(["export", "ics"]).output().expect("run");
    assert_eq!(String::from_utf8_lossy(&again.stdout), text);
    let uids = |t: &str| -> Vec<String> {
        let mut u: Vec<String> = unfold(t)
            .split("\r\n")
            .filter_map(|l| l.strip_prefix("UID:").map(str::to_string))
            .collect();
        u.sort();
        u
    };
    let (code, _, err) = v.run(&["log", "anna", "Call", "--next", "2026-12-20"]);
    assert_eq!(code, 0, "{err}");
    let moved = v.cmd(&[]).args(["export", "ics"]).output().expect("run");
    let moved = String::from_utf8(moved.stdout).expect("utf8");
    assert!(moved.contains("DTSTART;VALUE=DATE:20261220"));
    assert_eq!(uids(&moved), uids(&text));
    assert_eq!(uids(&text).len(), 6);

    // --days narrows follow-ups and items, not birthdays
    let (_, out, _) = v.run(&["--json", "export", "ics", "--days", "0"]);
    let j: Value = serde_json::from_str(&out).expect("json");
    let kinds: Vec<&str> = j["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, vec!["followup", "birthday", "birthday", "open"]);
}

#[test]
fn completions_and_man() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = rapport_cmd()
            .args(["completions", shell])
            .output()
            .expect("run");
        assert!(out.status.success(), "{shell}");
        let s = String::from_utf8_lossy(&out.stdout);
        assert!(s.contains("rapport") && s.contains("export"), "{shell}");
    }
    let out = rapport_cmd().arg("man").output().expect("run");
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains(".TH rapport 1"), "{s}");
    assert!(s.contains("completions"));
    let out = rapport_cmd()
        .args(["completions", "tcsh"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

/// A small deterministic generator for kill delays (seed printed on failure).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[test]
fn kill_9_leaves_the_old_or_the_new_note() {
    let mut big =
        String::from("---\nname: Big Note\nlast_contact: 2026-01-01 # keep\n---\n# Big Note\n\n");
    let mut i = 0;
    while big.len() < 5 * 1024 * 1024 {
        big.push_str(&format!(
            "Paragraph line {i}: notes about sailing, coaching and the long history of this contact.\n"
        ));
        i += 1;
    }
    big.push_str("\n## Log\n- 2026-01-01 First\n");
    // Index a small version of the note (indexing 5 MB in a debug build takes
    // minutes), then put the big one in place: the runs below use the index as
    // it is (--no-sync) only to find the note by name, and edit the file on disk.
    let v = vault().note(
        "people/big.md",
        "---\nname: Big Note\nlast_contact: 2026-01-01 # keep\n---\n",
    );
    let (code, _, err) = v.run(&["index"]);
    assert_eq!(code, 0, "{err}");
    v.write("people/big.md", &big);
    let seed = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0x9e37_79b9, |d| d.as_nanos() as u64)
        | 1;
    let mut rng = Rng(seed);
    let run = |text: &str| {
        Command::new(bin())
            .arg("--vault")
            .arg(v.path())
            .args(["--today", TODAY, "--no-sync", "log", "big", text])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn")
    };
    // how long one full run takes, to spread the kills over it
    let t0 = Instant::now();
    let status = run("Entry 0").wait().expect("wait");
    assert!(status.success());
    let full = t0.elapsed().as_micros() as u64;
    let req = |text: &str| LogRequest {
        date: date(2026, 11, 26),
        text: text.into(),
        next: None,
        today: date(2026, 11, 26),
    };
    let (mut old_kept, mut new_written) = (0, 0);
    for n in 1..=24 {
        let text = format!("Entry {n}");
        let old = v.read("people/big.md");
        let expected = log_entry(&old, &req(&text)).expect("edit").text;
        let mut child = run(&text);
        let delay = rng.below(full * 6 / 5);
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let now = v.read("people/big.md");
        if now == old {
            old_kept += 1;
        } else if now == expected {
            new_written += 1;
        } else {
            panic!("seed {seed}, run {n}: the note is neither the old nor the new version");
        }
        for f in files(&v, "people") {
            assert!(
                f == "big.md" || f.starts_with(".rapport-tmp-"),
                "seed {seed}: unexpected file {f}"
            );
        }
    }
    let leftovers = files(&v, "people").len() - 1;
    eprintln!(
        "kill test: seed {seed}, old kept {old_kept}, new written {new_written}, \
         {leftovers} temp files left by killed writes, full run {full} µs"
    );
    // leftover temp files are not notes (a small note keeps the sync cheap)
    v.write("people/big.md", "---\nname: Big Note\n---\n");
    let (_, out, _) = v.run(&["--json", "index"]);
    let j: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(j["notes"], 1, "{j}");
}
