//! `topics` and `intros` answered from the index's topic terms and postings
//! agree with the whole-model computation (`RAPPORT_WHOLE_MODEL=1`) on a
//! generated vault with hand-written edge cases on top: every output, human
//! and `--json`, for several dates and limits, after edits (deleted
//! documents in the segments) and while another process holds the writer
//! (the overlay).

use std::process::Command;

use crate::harness::{TestVault, hold_writer};

const CONFIG: &str = r#"
contacts = ["people/", "type:contact"]
inactive_status = ["archived", "Gone"]
journal = true

[fields]
interests = ["hobbies"]
field = ["branche"]

[tiers]
A = "1w"

[concepts]
"Baltic Sea" = ["Ostsee", "Baltikum"]
"#;

/// Edge cases: spellings of one concept within and across notes, stray
/// spaces, values repeated in a note, the vault's own concept and field
/// keys, aliases shared by two notes (an ambiguous link), links either way,
/// introductions given, two contacts of one name, inactive statuses (the
/// built-in list replaced), a snoozed contact, a self-link, a broken front
/// matter, a journal page with mentions and a non-contact with interests.
const EDGES: &[(&str, &str)] = &[
    (
        "people/zz/ann.md",
        "---\nname: Ann Edge\naliases: [Sam]\ninterests: [Segeln, \" sailing \", segeln, Ostsee, Segeln]\nfield: Law\nhobbies: [chess]\ntags: [sailing, Café]\ntraining: [coaching]\n---\n## Log\n- 2026-01-05 gave: intro to Bert Edge\n",
    ),
    (
        "people/zz/bert.md",
        "---\nname: Bert Edge\naliases: [Sam]\ninterests: [Sailing, Baltikum, Schach, sailing]\nbranche: law\n---\n",
    ),
    (
        "people/zz/cleo.md",
        "---\nname: Cleo Edge\ninterests: [segler, ostsee]\nfield: [Law]\nstatus: gone\n---\nSee [[Sam]].\n",
    ),
    (
        "people/zz/dora.md",
        "---\nname: Dora Edge\ninterests: [chess, Baltic Sea, Segler]\nfield: law\nsnooze_until: 2026-12-30\n---\nMet [[Ann Edge]] at the club.\n",
    ),
    (
        "people/zz/eve1.md",
        "---\nname: Eve Twin\ninterests: [Segeln, chess]\ntier: A\n---\n",
    ),
    (
        "people/zz/eve2.md",
        "---\nname: Eve Twin\ninterests: [segeln, Chess, Ostsee]\nfield: Law\n---\n",
    ),
    (
        "people/zz/fay.md",
        "---\nname: Fay Edge\ninterests: [Segeln, chess]\nstatus: archived\n---\n",
    ),
    (
        "people/zz/gus.md",
        "---\nname: Gus Edge\ninterests: [Ostsee, chess, Baltikum]\nfield: law\nstatus: paused\n---\nMe: [[Gus Edge]]. Knows [[people/zz/hal.md]].\n",
    ),
    (
        "people/zz/hal.md",
        "---\nname: Hal Edge\ninterests: [Ostsee, Chess, Segeln]\nfield: Law\n---\n## Log\n- 2026-02-01 gegeben: Vorstellung bei Eve Twin\n",
    ),
    (
        "people/zz/broken.md",
        "---\nname: [unclosed\ninterests: [Segeln\n---\nbody\n",
    ),
    (
        "notes/2026-11-20.md",
        "---\ndate: 2026-11-20\n---\nLunch with [[Ann Edge]] and [[Sam]], then [[Hal Edge]].\n",
    ),
    (
        "notes/meeting.md",
        "---\ntype: meeting\ninterests: [Segeln, chess]\n---\nWith [[Bert Edge]].\n",
    ),
    (
        "people/zz/ida.md",
        "---\nname: Ida Edge\ntype: contact\ninterests: [\"  \", Ostsee, chess]\nfield: [law, Law]\n---\n",
    ),
];

/// (code, stdout, stderr) of `rapport ARGS`, from the index or with
/// `RAPPORT_WHOLE_MODEL=1`.
fn answer(v: &TestVault, args: &[&str], whole: bool) -> (i32, String, String) {
    if whole {
        v.run_whole_model(args)
    } else {
        v.run(args)
    }
}

/// Every output of `topics` and `intros` agrees between the two paths;
/// returns how many outputs were compared.
fn compare_all(v: &TestVault, when: &str) -> usize {
    let mut compared = 0;
    for today in ["2026-11-26", "2027-03-01"] {
        for json in [false, true] {
            for cmd in [
                &["topics"][..],
                &["intros"],
                &["intros", "-n", "1"],
                &["intros", "-n", "3"],
                &["intros", "-n", "500"],
            ] {
                let mut args = vec!["--today", today];
                if json {
                    args.push("--json");
                }
                args.extend_from_slice(cmd);
                let index = answer(v, &args, false);
                let whole = answer(v, &args, true);
                assert_eq!(index.0, whole.0, "{when}: exit code of {args:?}");
                assert_eq!(index.1, whole.1, "{when}: stdout of {args:?}");
                assert_eq!(index.2, whole.2, "{when}: stderr of {args:?}");
                compared += 1;
            }
        }
    }
    compared
}

fn edged_vault() -> Option<TestVault> {
    let Some(generator) = crate::harness::gen_vault() else {
        eprintln!("skipped: no gen_vault beside the test binary (run plain `cargo test`)");
        return None;
    };
    let v = TestVault::new();
    let out = Command::new(generator)
        .arg(v.path())
        .args(["400", "--seed", "16", "--force"])
        .output()
        .expect("gen_vault runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v = v.config(CONFIG);
    for (rel, text) in EDGES {
        v = v.note(rel, text);
    }
    Some(v)
}

#[test]
fn topics_and_intros_from_the_index_match_the_whole_model() {
    let Some(v) = edged_vault() else { return };
    v.ok(&["index"]);
    // the edge cases are in the answers (not all skipped as broken)
    let t = v.ok(&["topics"]);
    assert!(t.contains("Eve Twin") && t.contains("Ostsee"), "{t}");
    assert!(compare_all(&v, "built") >= 20);

    // edits: the old documents are deleted in their segments
    v.write(
        "people/zz/bert.md",
        "---\nname: Bert Edge\naliases: [Sam]\ninterests: [Ostsee, Segler]\nfield: Law\n---\n",
    );
    v.write(
        "people/zz/fay.md",
        "---\nname: Fay Edge\ninterests: [Segeln, chess]\nstatus: active\n---\n",
    );
    v.remove("people/zz/eve1.md");
    v.write(
        "people/zz/jon.md",
        "---\nname: Jon Edge\ninterests: [Segeln, Ostsee, chess]\nfield: law\n---\n## Log\n- 2026-03-01 gave: intro Fay Edge\n",
    );
    v.ok(&["index"]);
    compare_all(&v, "after edits");
}

#[test]
fn topics_and_intros_agree_while_another_process_holds_the_writer() {
    let Some(v) = edged_vault() else { return };
    v.ok(&["index"]);
    let lock = hold_writer(&v);
    v.write(
        "people/zz/dora.md",
        "---\nname: Dora Edge\ninterests: [Kitesurfen, Ostsee]\nfield: law\n---\n",
    );
    v.remove("people/zz/hal.md");
    compare_all(&v, "overlay");
    let t = v.ok(&["topics"]);
    assert!(
        t.contains("Kitesurfen"),
        "the overlay's change is answered:\n{t}"
    );
    assert!(!t.contains("Hal Edge"), "a removed note is gone:\n{t}");
    drop(lock);
}

#[test]
fn a_value_too_long_for_a_term_is_answered_as_the_whole_model_does() {
    let long = "x".repeat(70_000);
    let v = TestVault::new()
        .note(
            "a.md",
            &format!("---\nname: A\ninterests: [chess, {long}]\n---\n"),
        )
        .note("b.md", "---\nname: B\ninterests: [chess, sailing]\n---\n")
        .note("c.md", "---\nname: C\ninterests: [Segeln]\n---\n");
    v.ok(&["index"]);
    for args in [
        &["topics"][..],
        &["--json", "topics"],
        &["intros"],
        &["--json", "intros"],
    ] {
        assert_eq!(answer(&v, args, false), answer(&v, args, true), "{args:?}");
    }
    assert!(v.ok(&["topics"]).contains(&long));
}

/// A group carried by more than `topics::MAX_GROUP` active contacts pairs
/// no one and is named in no pair. The index leaves out every value of a
/// group that one term alone makes too big before reading its holders
/// (`chess`, 260 holders); a group big only with all its spellings together
/// (`Segeln` 200 + `sailing` 60) is counted whole: both answer as the whole
/// model does, and the small group still pairs its two.
#[test]
fn groups_too_big_to_pair_are_left_out_as_the_whole_model_does() {
    let mut v = TestVault::new();
    for i in 0..260 {
        let sail = match i {
            0..200 => ", Segeln",
            200..260 => ", sailing",
            _ => "",
        };
        v = v.note(
            &format!("people/p{i:03}.md"),
            &format!("---\nname: Person {i:03}\ninterests: [chess{sail}]\n---\n"),
        );
    }
    v = v
        .note(
            "people/zz/ann.md",
            "---\nname: Ann Rare\ninterests: [chess, Ostsee, Segeln]\n---\n",
        )
        .note(
            "people/zz/bob.md",
            "---\nname: Bob Rare\ninterests: [Ostsee, sailing]\nfield: law\n---\n",
        );
    v.ok(&["index"]);
    let out = v.ok(&["intros"]);
    assert!(
        out.contains("Ann Rare") && out.contains("Bob Rare"),
        "{out}"
    );
    assert!(out.contains("Ostsee"), "{out}");
    assert!(
        !out.contains("chess") && !out.contains("sailing") && !out.contains("Segeln"),
        "{out}"
    );
    for args in [
        &["intros"][..],
        &["--json", "intros"],
        &["intros", "-n", "500"],
    ] {
        assert_eq!(v.run(args), v.run_whole_model(args), "{args:?}");
    }
}

/// When every group is too big to pair anyone, the index has no candidate
/// and looks up no link or introduction: the answer is the whole model's.
#[test]
fn no_candidate_left_answers_as_the_whole_model_does() {
    let mut v = TestVault::new();
    for i in 0..260 {
        let link = if i % 2 == 0 {
            "\n[[Person 001]]\n"
        } else {
            "\n"
        };
        v = v.note(
            &format!("people/p{i:03}.md"),
            &format!("---\nname: Person {i:03}\ninterests: [chess]\n---\n{link}"),
        );
    }
    v.ok(&["index"]);
    let out = v.ok(&["intros"]);
    assert!(out.contains("No introductions to suggest"), "{out}");
    for args in [&["intros"][..], &["--json", "intros"], &["topics"]] {
        assert_eq!(v.run(args), v.run_whole_model(args), "{args:?}");
    }
}
