//! `due` from the index's columns agrees with the whole-model computation
//! (`RAPPORT_WHOLE_MODEL=1`) on a generated vault with hand-written edge
//! cases: journal credit (aliases, ambiguous keys, self-mentions, future
//! and same-day entries), snoozed and inactive contacts, front-matter
//! errors, the config's reading rules, and changed notes laid over the index
//! while another process holds the writer.

use std::process::Command;

use crate::harness::{TestVault, hold_writer, run_cmd};

/// Run `args` both ways; the outputs and exit codes must be identical.
fn same(v: &TestVault, args: &[&str]) -> String {
    let want = v.run_whole_model(args);
    let got = v.run(args);
    assert_eq!(got, want, "rapport {args:?}: columns vs whole model");
    // the listed notes read three at a time: a report of many parts
    let mut parts = v.cmd(args);
    parts.env("RAPPORT_DUE_PART", "3");
    assert_eq!(
        run_cmd(parts),
        want,
        "rapport {args:?}: columns in parts of 3 vs whole model"
    );
    assert!(
        want.0 == 0 || want.0 == 1,
        "rapport {args:?} failed: {}",
        want.2
    );
    want.1
}

/// The stems of the first generated contacts, to mention from journals.
fn generated_stems(v: &TestVault, n: usize) -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(v.abs("people/b000"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".md").map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    stems.sort();
    stems.truncate(n);
    stems
}

fn edge_cases(v: TestVault, stems: &[String]) -> TestVault {
    let s = |i: usize| stems.get(i).cloned().unwrap_or_default();
    v.config(
        "default_cadence = \"1y\"\ninactive_status = [\"Paused\", \"on hold\"]\n\
         contacts = [\"people/\", \"crew/\"]\n\
         [fields]\nlast_contact = [\"zuletzt\"]\n[tiers]\nA = \"1w\"\n",
    )
    .note(
        "people/anna.md",
        "---\nname: Anna Schmidt\naliases: [Annie]\ncadence: 2w\nlast_contact: 2026-10-01\n\
         birthday: 1990-12-05\n---\n## Log\n- 2026-11-20 talked about boats\n\
         - 2027-01-10 planned dinner\n## Open\n- [ ] 2026-11-28 send the chart\n- [ ] undated\n",
    )
    .note(
        "people/bo.md",
        "---\nname: Bo Berg\ncadence: 1mo\nzuletzt: 2026-09-01\n---\n",
    )
    .note("people/chris1.md", "---\nname: Chris Twin\ncadence: 1w\n---\n")
    .note("people/chris2.md", "---\nname: Chris Twin\ncadence: 1w\n---\n")
    .note(
        "people/dora.md",
        "---\nname: Dora Snooze\ncadence: 1w\nlast_contact: 2026-11-01\n\
         snooze_until: 2026-12-20\nbirthday: --12-01\n---\n",
    )
    .note(
        "people/ed.md",
        "---\nname: Ed Paused\nstatus: paused\ncadence: 1w\n---\n- [ ] 2026-11-01 overdue\n",
    )
    .note(
        "people/fay.md",
        "---\nname: Fay Hold\nstatus: \" On Hold \"\nnext_contact: 2026-11-27\n---\n",
    )
    .note(
        "people/gus.md",
        "---\nname: Gus Tier\nprm-tier: A\nlast_contact: 2026-11-02\nnext_contact: 2026-11-02\n---\n",
    )
    .note(
        "people/2026-11-10 Hal.md",
        "---\nname: Hal Self\ncadence: 2w\n---\nMet [[Hal Self]] myself\n",
    )
    .note("people/broken.md", "---\nname: [unclosed\ncadence: 1w\n---\n")
    .note("crew/ida.md", "---\nname: Ida Crew\n---\n- 2026-11-25 call\n")
    .note("elsewhere/jo.md", "---\nname: Jo Outside\ncadence: 1w\n---\n")
    .note(
        "journal/2026-11-20.md",
        &format!(
            "- Lunch with [[Annie]] at the harbour\n- [[Chris Twin]] too\n- [[{}]] waved\n",
            s(0)
        ),
    )
    .note(
        "journal/2026-11-25.md",
        &format!(
            "- [[Anna Schmidt]] again\n- [[anna]] by stem\n- [[Ida Crew]] on the phone\n\
             - [ ] call [[Bo Berg]]\n- [[{}|someone]] and [[{}]]\n",
            s(1),
            s(2)
        ),
    )
    .note(
        "journal/2026-12-24.md",
        "- Christmas with [[Bo Berg]]\n- [[Dora Snooze]]\n",
    )
    .note(
        "meetings/kickoff.md",
        &format!(
            "---\ndate: 2026-11-20\npeople: [\"[[Bo Berg]]\", \"[[{}]]\"]\n---\n# Kickoff\n",
            s(0)
        ),
    )
    .note("journal/2026-11-21.md", "- [[Nobody Known]] and [[Jo Outside]]\n")
}

/// `rapport --no-sync --today TODAY [--json] CMD FLAGS…`
fn command<'a>(today: &'a str, json: bool, cmd: &'a str, flags: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--no-sync", "--today", today];
    if json {
        args.push("--json");
    }
    args.push(cmd);
    args.extend_from_slice(flags);
    args
}

/// Every output of `due` at several dates and with its flags.
fn compare_all(v: &TestVault, stage: &str) {
    let mut listed = 0;
    for today in ["2026-11-26", "2026-12-24", "2027-03-01", "2025-06-01"] {
        for flags in [
            &[][..],
            &["--all"][..],
            &["--cold", "3mo"][..],
            &["--days", "60"][..],
            &["--days", "0", "--all", "--cold", "2w"][..],
        ] {
            for json in [false, true] {
                let args = command(today, json, "due", flags);
                listed += same(v, &args).lines().count();
            }
        }
    }
    assert!(
        listed > 1000,
        "{stage}: the reports list something ({listed} lines)"
    );
}

/// Every output of a long `plan` (more than 32 listed contacts: the listed
/// ones from the columns, the introductions from the index's cast) at
/// several dates; introductions are among them.
fn compare_plans(v: &TestVault, stage: &str) {
    let (mut listed, mut introduced) = (0, 0);
    for today in ["2026-11-26", "2027-03-01"] {
        for flags in [&[][..], &["--days", "60", "--capacity", "3"][..]] {
            for json in [false, true] {
                let args = command(today, json, "plan", flags);
                let out = same(v, &args);
                if !json {
                    listed = listed.max(out.lines().filter(|l| l.ends_with(".md")).count());
                }
                introduced += out.matches("give first: introduce").count();
            }
        }
    }
    assert!(listed > 32, "{stage}: a long plan ({listed} contacts)");
    assert!(introduced > 0, "{stage}: plans suggested no introduction");
}

#[test]
fn due_from_columns_equals_the_whole_model() {
    let Some(generator) = crate::harness::gen_vault() else {
        eprintln!(
            "skipped: no gen_vault example beside the test binary (run `cargo build --example gen_vault`)"
        );
        return;
    };
    let v = TestVault::new();
    let gen_dir = v.abs("");
    let status = Command::new(generator)
        .arg(&gen_dir)
        .arg("300")
        .args(["--seed", "16", "--force"])
        .output()
        .expect("gen_vault runs");
    assert!(status.status.success(), "gen_vault: {:?}", status);
    let stems = generated_stems(&v, 3);
    assert_eq!(stems.len(), 3, "generated contacts in people/b000");
    let v = edge_cases(v, &stems);
    v.ok(&["index"]);
    compare_all(&v, "committed index");
    compare_plans(&v, "committed index");
    // the journal credit is visible: Anna's last contact is the 25th
    let out = same(
        &v,
        &[
            "--no-sync",
            "--today",
            "2026-11-26",
            "--json",
            "due",
            "--all",
        ],
    );
    assert!(out.contains("2026-11-25"), "journal credit shows");

    // an edit in another segment, then a deletion: the index has several
    // segments and deleted documents
    v.write(
        "people/bo.md",
        "---\nname: Bo Berg\ncadence: 1w\nlast_contact: 2026-11-24\n---\n- 2026-11-24 call\n",
    );
    v.remove("people/chris2.md");
    v.ok(&["index"]);
    compare_all(&v, "after an edit and a removal");
    compare_plans(&v, "after an edit and a removal");

    // another process holds the writer: the changes are laid over the index
    let lock = hold_writer(&v);
    v.write(
        "people/anna.md",
        "---\nname: Anna Schmidt\ncadence: 1w\nlast_contact: 2026-11-25\n---\n",
    );
    v.write("journal/2026-11-26.md", "- [[Dora Snooze]] coffee\n");
    for flags in [&[][..], &["--all", "--cold", "3mo"][..]] {
        for json in [false, true] {
            let mut args = vec!["--today", "2026-11-26"];
            if json {
                args.push("--json");
            }
            args.push("due");
            args.extend_from_slice(flags);
            same(&v, &args);
        }
    }
    drop(lock);
}

/// A vault with few contacts among many notes, so `plan` answers from the
/// index (at most 32 listed contacts): every output of `plan` both ways.
fn plan_vault() -> Option<TestVault> {
    let generator = crate::harness::gen_vault()?;
    let v = TestVault::new();
    let out = Command::new(generator)
        .arg(v.abs(""))
        .arg("200")
        .args(["--seed", "16", "--force"])
        .output()
        .expect("gen_vault runs");
    assert!(out.status.success(), "gen_vault: {out:?}");
    let crew = [
        (
            "anna",
            "Anna Sailer",
            "[sailing, chess]",
            "cadence: 2w\nlast_contact: 2026-10-01",
        ),
        (
            "ben",
            "Ben Segler",
            "[Segeln]",
            "cadence: 1mo\nlast_contact: 2026-11-20",
        ),
        (
            "cleo",
            "Cleo Schach",
            "[Schach, climbing]",
            "cadence: 1w\nlast_contact: 2026-11-01",
        ),
        (
            "dan",
            "Dan Climber",
            "[Klettern]",
            "cadence: 3mo\nlast_contact: 2026-01-01",
        ),
        (
            "eva",
            "Eva Paused",
            "[sailing]",
            "status: paused\ncadence: 1w",
        ),
        ("fin", "Fin Linked", "[chess]", "next_contact: 2026-11-30"),
        (
            "gia",
            "Gia Nobody",
            "[pottery]",
            "cadence: 1w\nlast_contact: 2026-09-01",
        ),
        (
            "hal",
            "Hal Birthday",
            "[sailing]",
            "birthday: --12-03\nlast_contact: 2026-11-25",
        ),
    ];
    let mut v = v.config("contacts = [\"crew/\"]\nweekly_capacity = 2\n");
    for (stem, name, interests, rest) in crew {
        v = v.note(
            &format!("crew/{stem}.md"),
            &format!("---\nname: {name}\ninterests: {interests}\n{rest}\n---\n"),
        );
    }
    let v = v
        .note(
            "crew/fin.md",
            "---\nname: Fin Linked\ninterests: [chess]\nnext_contact: 2026-11-30\n---\n\
             Knows [[Anna Sailer]].\n## Open\n- [ ] 2026-11-28 send the board\n",
        )
        .note(
            "crew/gia.md",
            "---\nname: Gia Nobody\ninterests: [pottery]\ncadence: 1w\n---\n\
             - 2026-09-01 asked: could you help with the kiln?\n",
        )
        .note("journal/2026-11-24.md", "- sailed with [[Anna Sailer]]\n");
    v.ok(&["index"]);
    v.ok(&[
        "--today",
        "2026-11-26",
        "give",
        "cleo",
        "intro to Dan Climber",
    ]);
    v.ok(&["index"]);
    Some(v)
}

#[test]
fn plan_from_the_index_equals_the_whole_model() {
    let Some(v) = plan_vault() else {
        eprintln!("skipped: no gen_vault example beside the test binary");
        return;
    };
    let mut shown = 0;
    for today in ["2026-11-26", "2026-12-24", "2027-03-01"] {
        for flags in [&[][..], &["--days", "60"][..], &["--capacity", "1"][..]] {
            for json in [false, true] {
                let args = command(today, json, "plan", flags);
                shown += same(&v, &args).matches("introduce").count();
            }
        }
    }
    // introductions were suggested, so the index's partner search ran
    assert!(shown > 0, "plan suggested no introduction");
}
