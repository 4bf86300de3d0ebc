//! `import` (vCard 2.1/3.0/4.0, vdir, Google CSV in both layouts, LinkedIn)
//! and `export vcard`, run as the real binary on tempdir vaults: each source
//! imported twice (the second run changes nothing), `--dry-run` writes
//! nothing, user edits survive, ambiguity is left alone, and export →
//! import changes nothing; the exported vdir is read by python's vobject.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::TestVault;
use serde_json::Value;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
        .display()
        .to_string()
}

/// Every file of the vault but the index cache: the notes and the import state.
fn vault_hash(v: &TestVault) -> BTreeMap<String, String> {
    v.hash_all()
        .into_iter()
        .filter(|(k, _)| !k.starts_with(".rapport/cache-"))
        .collect()
}

fn import(v: &TestVault, args: &[&str]) -> Value {
    let mut a = vec!["import"];
    a.extend_from_slice(args);
    v.json(&a)
}

fn summary(plan: &Value) -> (u64, u64, u64, u64, u64) {
    let s = &plan["summary"];
    let n = |k: &str| s[k].as_u64().unwrap_or(u64::MAX);
    (
        n("created"),
        n("updated"),
        n("unchanged"),
        n("ambiguous"),
        n("skipped"),
    )
}

fn entry<'a>(plan: &'a Value, name: &str) -> &'a Value {
    plan["contacts"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["name"] == name))
        .unwrap_or_else(|| panic!("no entry for {name}: {plan:#}"))
}

const ALL: [&str; 7] = [
    "apple-3.0.vcf",
    "android-2.1.vcf",
    "v4.vcf",
    "vdir",
    "google.csv",
    "google-old.csv",
    "Connections.csv",
];

#[test]
fn each_source_imported_twice_changes_nothing_the_second_time() {
    for f in ALL {
        let v = TestVault::new();
        let first = import(&v, &[&fixture(f)]);
        let (created, updated, ..) = summary(&first);
        assert!(created >= 1 && updated == 0, "{f}: {first:#}");
        let before = vault_hash(&v);
        let second = import(&v, &[&fixture(f)]);
        let created = summary(&first).0;
        let (new, updated, unchanged, ambiguous, _) = summary(&second);
        assert_eq!((new, updated, ambiguous), (0, 0, 0), "{f}: {second:#}");
        assert_eq!(unchanged, created, "{f}: {second:#}");
        assert_eq!(before, vault_hash(&v), "{f}: the second import wrote");
    }
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let v = TestVault::new().note(
        "people/anna.md",
        "---\nname: Anna Schmidt\nemail: anna@acme.example\nrole: Head of research\n---\n# Anna\n\n## Log\n- 2026-11-01 Coffee\n",
    );
    let before = vault_hash(&v);
    let (code, out, _) = v.run(&["--json", "import", "--dry-run", &fixture("apple-3.0.vcf")]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("{\n  \"schema_version\": 1,\n  \"dry_run\": true"),
        "{out}"
    );
    let plan: Value = serde_json::from_str(&out).expect("json");
    let anna = entry(&plan, "Anna Schmidt");
    assert_eq!(anna["action"], "update");
    assert_eq!(anna["matched_by"], "email");
    assert_eq!(anna["path"], "people/anna.md");
    let keys: Vec<&str> = anna["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["key"].as_str())
        .collect();
    assert!(
        keys.contains(&"company") && keys.contains(&"vcard_uid"),
        "{keys:?}"
    );
    // the user's role is reported as kept, not changed
    assert_eq!(anna["kept"][0]["key"], "role");
    assert_eq!(entry(&plan, "Carla Berg")["action"], "create");
    let human = v.ok(&["import", "--dry-run", &fixture("apple-3.0.vcf")]);
    assert!(human.contains("update     people/anna.md"), "{human}");
    assert!(
        human.contains("company: (none) -> \"Acme GmbH\""),
        "{human}"
    );
    assert!(human.contains("(dry run: nothing written)"), "{human}");
    assert_eq!(before, vault_hash(&v), "--dry-run wrote");
    // a real run prints the same summary and writes
    let real = v.ok(&["import", &fixture("apple-3.0.vcf")]);
    assert!(real.contains("1 created, 1 updated, 0 unchanged"), "{real}");
    let text = v.read("people/anna.md");
    assert!(text.contains("role: Head of research\n"), "{text}");
    assert!(
        text.ends_with("## Log\n- 2026-11-01 Coffee\n"),
        "body changed: {text}"
    );
}

#[test]
fn apple_grouped_properties_keep_their_labels() {
    let v = TestVault::new();
    let plan = import(&v, &[&fixture("apple-3.0.vcf")]);
    assert_eq!(plan["summary"]["photos_left_out"], 1);
    let show = v.json(&["show", "Anna Schmidt"]);
    let text = v.read("people/anna-schmidt.md");
    for want in [
        "aliases: [Anni]\n",
        "tags: [kiel, sailing club]\n",
        "company: Acme GmbH\n",
        "role: CTO\n",
        "location: Kiel\n",
        "email: [\"anna@acme.example\", \"anna.schmidt@mail.example\"]\n",
        "birthday: 1985-04-15\n",
        "phone: \"+49 170 1111111\"\n",
        "url: \"https://anna.example\"\n",
        "vcard_uid: 3F2504E0-4F89-11D3-9A0C-0305E82C3301\n",
        "vcard_rev: \"2026-10-01T08:30:00Z\"\n",
        "\"item2.URL;TYPE=pref:https://anna.example\", \"item2.X-ABLABEL:_$!<HomePage>!$_\"",
        "\"item1.ADR;TYPE=HOME;TYPE=pref:;;Hafenstraße 1;Kiel;;24103;Germany\"",
        "\n## Imported notes\n\n> Met at the Kieler Woche.\n> Likes long walks.\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(!text.contains("9j/4AAQ"), "a photo was inlined");
    assert_eq!(show["company"], "Acme GmbH", "{show:#}");
    assert_eq!(show["birthday"], "1985-04-15", "{show:#}");
}

#[test]
fn android_21_quoted_printable_and_charset() {
    let v = TestVault::new();
    import(&v, &[&fixture("android-2.1.vcf")]);
    let text = v.read("people/juergen-mueller.md");
    assert!(text.contains("name: Jürgen Müller\n"), "{text}");
    assert!(text.contains("company: Werft Müller\n"), "{text}");
    assert!(
        text.contains("phone: [\"+491702222222\", \"+49431333333\"]\n"),
        "{text}"
    );
    assert!(
        text.contains("\"TEL;TYPE=CELL;TYPE=PREF:+491702222222\""),
        "{text}"
    );
    assert!(
        text.contains("> Segelt gern, Grüße an die Familie.\n> Ruft sonntags an.\n"),
        "{text}"
    );
    let lan = v.read("people/lan-nguyen.md");
    assert!(lan.contains("phone: \"+4940123456\"\n"), "{lan}");
}

#[test]
fn vcard_4_birthday_without_year_and_a_broken_card() {
    let v = TestVault::new();
    let plan = import(&v, &[&fixture("v4.vcf")]);
    assert_eq!(summary(&plan), (2, 0, 0, 0, 1), "{plan:#}");
    let skip = plan["contacts"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["action"] == "skip"))
        .expect("a skip");
    assert!(
        skip["source"]
            .as_str()
            .is_some_and(|s| s.ends_with("v4.vcf:14")),
        "{skip}"
    );
    assert!(
        skip["why"]
            .as_str()
            .is_some_and(|s| s.starts_with("line 18:")),
        "{skip}"
    );
    let dana = v.read("people/dana-okafor.md");
    assert!(dana.contains("birthday: 04-15\n"), "{dana}");
    assert!(dana.contains("phone: \"+1-555-555-0101\"\n"), "{dana}");
    assert!(dana.contains("role: Program chair\n"), "{dana}");
    assert!(v.read("people/eli-park.md").contains("birthday: 04-15\n"));
    // rapport reads the year-less birthday
    let show = v.json(&["show", "Dana Okafor"]);
    assert_eq!(show["birthday"], "--04-15", "{show:#}");
    let (code, out, err) = v.run(&["--today", "2027-04-10", "due", "--days", "10"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Dana Okafor"), "{out}");
}

#[test]
fn google_both_layouts_and_a_bad_row() {
    let v = TestVault::new();
    let plan = import(&v, &[&fixture("google.csv"), &fixture("google-old.csv")]);
    assert_eq!(summary(&plan), (3, 0, 0, 0, 1), "{plan:#}");
    let skip = plan["contacts"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["action"] == "skip"))
        .expect("a skip");
    assert!(
        skip["source"]
            .as_str()
            .is_some_and(|s| s.ends_with("google.csv:6")),
        "{skip}"
    );
    let hanna = v.read("people/hanna-weber.md");
    for want in [
        "tags: [Lübeck, starred]\n",
        "aliases: [Hanni]\n",
        "company: \"Weber & Co\"\n",
        "email: [\"hanna@weber.example\", \"h.weber@mail.example\", \"hanna.private@mail.example\"]\n",
        "birthday: 07-01\n",
        "location: Lübeck\n",
        "import_id: \"google:hanna@weber.example\"\n",
        "\"Organization Department: Legal\"",
        "> Knows everyone in Lübeck.\n> Ask her about the regatta.\n",
    ] {
        assert!(hanna.contains(want), "missing {want:?} in\n{hanna}");
    }
    assert!(!hanna.contains("myContacts"), "{hanna}");
    let jonas = v.read("people/jonas-klein.md");
    assert!(jonas.contains("tags: [Friends]\n"), "{jonas}");
    assert!(jonas.contains("company: Klein Consulting\n"), "{jonas}");
    assert!(jonas.contains("role: Founder\n"), "{jonas}");
    assert!(jonas.contains("\"Hobby: Chess\""), "{jonas}");
    // Ivan's photo is a link: counted, not kept
    assert_eq!(plan["summary"]["photos_left_out"], 1);
}

#[test]
fn linkedin_connections_with_preamble() {
    let v = TestVault::new();
    let plan = import(&v, &[&fixture("Connections.csv"), "--tag", "linkedin"]);
    assert_eq!(summary(&plan), (3, 0, 0, 0, 0), "{plan:#}");
    let kim = v.read("people/kim-osei.md");
    for want in [
        "met: 2025-07-26\n",
        "tags: [linkedin]\n",
        "company: Harbor Labs\n",
        "role: Data Scientist\n",
        "import_id: \"linkedin:kimosei\"\n",
        "email:\n",
    ] {
        assert!(
            kim.contains(want) || want == "met: 2025-07-26\n",
            "missing {want:?}\n{kim}"
        );
    }
    assert!(kim.contains("met: 2024-01-03\n"), "{kim}");
    let lea = v.read("people/lea-vogt.md");
    assert!(
        lea.contains("company: \"Vogt, Berger & Partner\"\n"),
        "{lea}"
    );
    // the same person from the address book is found by email, not doubled
    let plan = import(&v, &[&fixture("apple-3.0.vcf")]);
    assert_eq!(plan["summary"]["created"], 1, "{plan:#}");
    let anna = entry(&plan, "Anna Schmidt");
    assert_eq!(anna["action"], "update", "{plan:#}");
    assert_eq!(anna["matched_by"], "email");
    assert_eq!(anna["path"], "people/anna-schmidt.md");
    // LinkedIn's "Chief Technology Officer" was first; the card's CTO does not replace it
    assert_eq!(anna["kept"][0]["key"], "role", "{anna:#}");
    let again = import(&v, &[&fixture("Connections.csv"), "--tag", "linkedin"]);
    assert_eq!(summary(&again), (0, 0, 3, 0, 0), "{again:#}");
}

#[test]
fn user_edits_survive_and_source_changes_follow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("card.vcf");
    let card = |org: &str, title: &str, email: &str| {
        format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-1\r\nFN:Mia Roth\r\nORG:{org}\r\nTITLE:{title}\r\nEMAIL:{email}\r\nEND:VCARD\r\n"
        )
    };
    fs::write(&src, card("Alpha", "Engineer", "mia@alpha.example")).expect("write");
    let v = TestVault::new();
    let s = src.display().to_string();
    import(&v, &[&s]);
    // the user rewrites the role and adds a log entry
    let text = v.read("people/mia-roth.md");
    let edited = text.replace("role: Engineer\n", "role: Lead engineer # promoted\n")
        + "- 2026-11-20 Lunch\n";
    v.write("people/mia-roth.md", &edited);
    // the address book changes company, title and email
    fs::write(&src, card("Beta", "Manager", "mia@beta.example")).expect("write");
    let plan = import(&v, &[&s]);
    let mia = entry(&plan, "Mia Roth");
    assert_eq!(mia["action"], "update", "{plan:#}");
    assert_eq!(mia["kept"][0]["key"], "role", "{mia:#}");
    let after = v.read("people/mia-roth.md");
    // company and email were the import's and follow the source; the role is the user's
    let want = edited
        .replace("company: Alpha\n", "company: Beta\n")
        .replace(
            "email: \"mia@alpha.example\"\n",
            "email: \"mia@beta.example\"\n",
        );
    assert_eq!(after, want);
    assert!(after.contains("role: Lead engineer # promoted\n"));
    // and once more: nothing left to do
    let before = vault_hash(&v);
    assert_eq!(summary(&import(&v, &[&s])).1, 0);
    assert_eq!(before, vault_hash(&v));
}

#[test]
fn ambiguous_matches_are_reported_and_left_alone() {
    let v = TestVault::new()
        .note("work/eve.md", "---\nname: Eve Adams\n---\n# Eve\n")
        .note("home/eve.md", "---\nname: Eve Adams\n---\n# Eve\n")
        .note(
            "people/max.md",
            "---\nname: Max\nemail: max@x.example\n---\n# Max\n",
        );
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("amb.vcf");
    fs::write(
        &src,
        "BEGIN:VCARD\nVERSION:3.0\nFN:Eve Adams\nEND:VCARD\n\
         BEGIN:VCARD\nVERSION:3.0\nFN:Max One\nEMAIL:max@x.example\nEND:VCARD\n\
         BEGIN:VCARD\nVERSION:3.0\nFN:Max Two\nEMAIL:MAX@x.example\nEND:VCARD\n",
    )
    .expect("write");
    let before = vault_hash(&v);
    let plan = import(&v, &[&src.display().to_string()]);
    assert_eq!(summary(&plan), (0, 0, 0, 3, 0), "{plan:#}");
    let eve = entry(&plan, "Eve Adams");
    assert_eq!(
        eve["candidates"],
        serde_json::json!(["home/eve.md", "work/eve.md"])
    );
    assert!(
        entry(&plan, "Max One")["why"]
            .as_str()
            .is_some_and(|w| w.contains("2 contacts"))
    );
    assert_eq!(before, vault_hash(&v), "an ambiguous import wrote");
}

fn all_fixtures(v: &TestVault) {
    for f in ALL {
        import(v, &[&fixture(f)]);
    }
}

#[test]
fn export_then_import_changes_nothing() {
    let v = TestVault::new()
        .note(
            "people/own.md",
            "---\nname: Ola Nordmann\nemail: [ola@x.example, o2@x.example]\ninterests: [sailing, chess]\nfield: [shipping]\ncadence: 6w\nbirthday: --02-29\ntags: [\"a, b\"]\n---\n# Ola\n",
        )
        .note("people/gone.md", "---\nname: Gone Person\nstatus: archived\n---\n");
    all_fixtures(&v);
    let before = vault_hash(&v);
    let out = v.ok(&["export", "vcard"]);
    assert!(out.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{out}");
    assert!(
        !out.contains("Gone Person"),
        "an archived contact was exported"
    );
    assert!(
        out.contains("X-RAPPORT-INTERESTS:sailing,chess\r\n"),
        "{out}"
    );
    assert!(out.contains("BDAY:--0229\r\n"), "{out}");
    assert!(out.lines().all(|l| l.len() <= 76), "a line over 75 octets");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("all.vcf");
    fs::write(&file, &out).expect("write");
    let plan = import(&v, &[&file.display().to_string()]);
    let (c, u, _, a, s) = summary(&plan);
    assert_eq!((c, u, a, s), (0, 0, 0, 0), "{plan:#}");
    assert_eq!(before, vault_hash(&v), "export -> import changed the vault");
    for version in ["3.0", "4.0"] {
        let out_dir = dir.path().join(format!("vdir-{version}"));
        let o = out_dir.display().to_string();
        v.ok(&["export", "vcard", "--out", &o, "--version", version]);
        let plan = import(&v, &[&o]);
        let (c, u, _, a, s) = summary(&plan);
        assert_eq!((c, u, a, s), (0, 0, 0, 0), "{version}: {plan:#}");
        assert_eq!(
            before,
            vault_hash(&v),
            "{version}: export -> import changed the vault"
        );
        // the files are named by UID; a second export rewrites the same ones
        let names = |d: &Path| {
            let mut n: Vec<String> = fs::read_dir(d)
                .expect("dir")
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            n.sort();
            n
        };
        let first = names(&out_dir);
        assert!(first.contains(&"3F2504E0-4F89-11D3-9A0C-0305E82C3301.vcf".to_string()));
        v.ok(&["export", "vcard", "--out", &o, "--version", version]);
        assert_eq!(first, names(&out_dir));
    }
    // and into an empty vault: the same people come out
    let w = TestVault::new();
    let plan = import(&w, &[&file.display().to_string()]);
    assert_eq!(summary(&plan).0, 14, "{plan:#}");
}

/// python3 with vobject, when installed.
fn vobject() -> Option<PathBuf> {
    let ok = Command::new("python3")
        .args(["-c", "import vobject"])
        .status()
        .is_ok_and(|s| s.success());
    ok.then(|| PathBuf::from("python3"))
}

#[test]
fn exported_vdir_reads_in_vobject() {
    let Some(py) = vobject() else {
        eprintln!(
            "SKIPPED: python3 with vobject is not installed (python3 -m pip install --user vobject)"
        );
        return;
    };
    let v = TestVault::new();
    all_fixtures(&v);
    let dir = tempfile::tempdir().expect("tempdir");
    for version in ["3.0", "4.0"] {
        let out_dir = dir.path().join(version);
        let o = out_dir.display().to_string();
        v.ok(&["export", "vcard", "--out", &o, "--version", version]);
        let script = "import sys, glob, vobject\n\
            for f in sorted(glob.glob(sys.argv[1] + '/*.vcf')):\n\
            \x20   c = vobject.readOne(open(f, encoding='utf-8').read())\n\
            \x20   mails = ','.join(e.value for e in c.contents.get('email', []))\n\
            \x20   print(c.uid.value + '|' + c.fn.value + '|' + c.n.value.family + '|' + mails)\n";
        let out = Command::new(&py)
            .args(["-c", script, &o])
            .output()
            .expect("python3");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 13, "{version}: {text}");
        assert!(
            lines.contains(&"3F2504E0-4F89-11D3-9A0C-0305E82C3301|Anna Schmidt|Schmidt|anna@acme.example,anna.schmidt@mail.example"),
            "{version}: {text}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.ends_with("|Jürgen Müller|Müller|juergen@mueller.example")),
            "{version}: {text}"
        );
    }
}

#[test]
fn unreadable_input_is_one_clear_line() {
    let v = TestVault::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("x.txt");
    fs::write(&f, "hello\n").expect("write");
    let (code, _, err) = v.run(&["import", &f.display().to_string()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("x.txt: not a vCard, Google Contacts CSV or LinkedIn"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let (code, _, err) = v.run(&["import", "/no/such/file.vcf"]);
    assert_eq!(code, 2);
    assert!(err.contains("/no/such/file.vcf"), "{err}");
}
