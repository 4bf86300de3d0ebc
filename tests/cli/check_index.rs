//! `check` answered from the index (the default) against `check` computed
//! over every note (`RAPPORT_WHOLE_MODEL=1`): a generated vault with
//! hand-written edge cases on top (names and aliases held twice and by many,
//! links to nobody, to an empty key, to ambiguous names, journal notes with
//! mentions, front-matter errors, a folder named like a note, snoozed and
//! inactive contacts), with and without a config that selects contacts and
//! maps fields and tiers, after edits that leave deleted documents in the
//! index, and while another process holds the writer (the overlay).

use crate::harness::{Run, TestVault, hold_writer};

/// A vault of `n` generated notes (seed fixed), or `None` (said) when the
/// generator is not built.
fn generated(n: usize) -> Option<TestVault> {
    let Some(bin) = crate::harness::gen_vault() else {
        eprintln!("skipped: examples/gen_vault is not built (plain `cargo test` builds it)");
        return None;
    };
    let v = TestVault::new();
    let out = std::process::Command::new(bin)
        .arg(v.path())
        .arg(n.to_string())
        .args(["--seed", "16", "--force"])
        .output()
        .expect("run gen_vault");
    assert!(out.status.success(), "gen_vault: {out:?}");
    Some(v)
}

/// The hand-written notes every vault of this module gets.
fn edge_cases(v: &TestVault) {
    let notes: &[(&str, &str)] = &[
        // a name held twice, an alias held by a name, a name and alias alike
        ("people/ada-one.md", "---\nname: Ada Twice\n---\nFirst.\n"),
        (
            "people/ada-two.md",
            "---\nname: Ada Twice\naliases: [Bobby]\n---\nSecond.\n",
        ),
        (
            "people/bobby.md",
            "---\nname: Bobby\naliases: [bobby, BOBBY]\n---\n[[Ada Twice]] is ambiguous.\n",
        ),
        // a non-contact note of the same name (no front matter): not a duplicate
        ("notes/Bobby.md", "Just a page called Bobby.\n"),
        // broken links of every kind, one per line
        (
            "people/linker.md",
            "---\nname: Link Er\nstatus: archived\n---\n[[Nobody Here]]\n[[people/]]\n[missing](missing-note.md)\n[[bobby]] and [[Ada Twice]] and [[ada-one]]\n[[Nobody Here|again]]\n",
        ),
        // front-matter errors and warnings, with lines and columns
        (
            "people/bad-yaml.md",
            "---\nname: [unclosed\n---\nBody [[Nobody Else]].\n",
        ),
        (
            "people/bad-date.md",
            "---\nname: Bad Date\nlast_contact: 2026-13-45\ncadence: fortnightly-ish\nsnoozed_until: 2026-12-24\n---\n",
        ),
        (
            "people/tab\tname.md",
            "---\nname: Tab Name\nbirthday: 31.02.\n---\n\t[[Tab Nobody]]\n",
        ),
        // journal notes with mentions: a contact, an ambiguous name, itself, nobody
        (
            "journal/2026-11-20.md",
            "- Lunch with [[Bobby]]\n- Coffee with [[Ada Twice]]\n- [[2026-11-20]] again\n- call [[Ghost Person]]\n",
        ),
        (
            "journal/2026-11-21.md",
            "---\ndate: 2026-11-21\n---\nMet [[bobby|B]] and [[Nobody Here]].\n",
        ),
        // a folder named like a note (a walk problem) with a note inside
        ("odd.md/inner.md", "---\nname: Inner\n---\n[[Odd Link]]\n"),
        ("zz-last.md", "---\nname: Zed\naliases: [\"\"]\n---\n"),
    ];
    for (rel, text) in notes {
        v.write(rel, text);
    }
    // one alias held by many contacts: the warning names ten and "N more"
    for i in 0..13 {
        v.write(
            &format!("people/mom-{i:02}.md"),
            &format!("---\nname: Mother {i}\naliases: [Mom]\n---\n"),
        );
    }
}

/// `rapport ARGS` on `v`, from the index or (`whole`) over every note.
fn run(v: &TestVault, args: &[&str], whole: bool) -> Run {
    let (code, stdout, stderr) = if whole {
        v.run_whole_model(args)
    } else {
        v.run(args)
    };
    Run {
        code,
        stdout,
        stderr,
    }
}

/// Every form of `check` the same both ways: exit code, stdout, stderr.
fn same_both_ways(v: &TestVault, what: &str) {
    let forms: &[&[&str]] = &[
        &["check"],
        &["--json", "check"],
        &["--quiet", "check"],
        &["--color", "always", "check"],
        &["--today", "2026-11-26", "check"],
        &["--today", "2027-03-01", "--json", "check"],
        &["--no-sync", "check"],
    ];
    for args in forms {
        let index = run(v, args, false);
        let whole = run(v, args, true);
        assert!(
            index.code == 0 || index.code == 1,
            "{what}: rapport {args:?} exited {}: {}",
            index.code,
            index.stderr
        );
        assert_eq!(index.code, whole.code, "{what}: exit of {args:?}");
        assert_eq!(index.stderr, whole.stderr, "{what}: stderr of {args:?}");
        assert_eq!(index.stdout, whole.stdout, "{what}: stdout of {args:?}");
    }
}

/// Edits that change, add and remove notes with problems and links, so the
/// next sync leaves deleted documents in the committed segments.
fn edit(v: &TestVault) {
    v.write("people/ghost-person.md", "---\nname: Ghost Person\n---\n");
    v.write(
        "people/ada-two.md",
        "---\nname: Ada Single\n---\n[[Still Nobody]]\n",
    );
    v.remove("people/bad-date.md");
    v.write(
        "people/new-bad.md",
        "---\nname: New Bad\ncadence: 3 fortnights\n---\n[[Nobody Here]]\n",
    );
    v.write("people/mom-03.md", "---\nname: Mother 3\n---\n");
}

/// `check`'s stdout from the index holds each of `want`.
fn shows(v: &TestVault, what: &str, want: &[&str]) {
    let out = run(v, &["check"], false).stdout;
    for w in want {
        assert!(out.contains(w), "{what}: no {w:?} in\n{out}");
    }
}

fn check_vault(v: &TestVault, what: &str) {
    v.ok(&["index"]);
    same_both_ways(v, &format!("{what}, fresh index"));
    shows(
        v,
        what,
        &[
            "people/ada-one.md: warning[duplicate]: name or alias \"ada twice\" is also used by people/ada-two.md",
            "people/mom-00.md: warning[duplicate]: name or alias \"mom\" is also used by people/mom-01.md",
            "people/mom-10.md and 2 more",
            "people/linker.md:5: warning[link]: [[Nobody Here]] matches no note",
            "people/linker.md:6: warning[link]: [[people/]] matches no note",
            "people/linker.md:7: warning[link]: (people/missing-note.md) matches no note",
            "people/linker.md:9: warning[link]: [[Nobody Here]] matches no note",
            "odd.md: warning[",
            "odd.md/inner.md:4: warning[link]: [[Odd Link]]",
            "people/bad-yaml.md:3:1: error[yaml]",
            "error[",
            "journal/2026-11-20.md:4: warning[link]: [[Ghost Person]]",
        ],
    );
    edit(v);
    same_both_ways(v, &format!("{what}, after edits"));
    shows(
        v,
        &format!("{what}, after edits"),
        &["people/new-bad.md:5: warning[link]: [[Nobody Here]]"],
    );
    // another process holds the writer: changed notes are laid over
    let lock = hold_writer(v);
    v.write(
        "people/ghost-person.md",
        "---\nname: Ghost Person\nlast_contact: 2026-02-30\n---\n[[Mom]]\n",
    );
    v.write(
        "people/overlay-new.md",
        "---\nname: Bobby\n---\n[[Nobody At All]]\n",
    );
    v.remove("people/linker.md");
    v.remove("people/mom-04.md");
    same_both_ways(v, &format!("{what}, overlay"));
    shows(
        v,
        &format!("{what}, overlay"),
        &[
            "people/overlay-new.md:4: warning[link]: [[Nobody At All]]",
            "people/bobby.md: warning[duplicate]: name or alias \"bobby\" is also used by people/overlay-new.md",
            "people/ghost-person.md:3",
        ],
    );
    let out = run(v, &["check"], false).stdout;
    assert!(
        !out.contains("people/linker.md"),
        "overlay: a removed note's problems:\n{out}"
    );
    drop(lock);
    same_both_ways(v, &format!("{what}, after the writer is free"));
}

#[test]
fn check_from_the_index_equals_the_whole_model() {
    let Some(v) = generated(300) else { return };
    edge_cases(&v);
    check_vault(&v, "no config");
}

#[test]
fn check_from_the_index_equals_the_whole_model_with_a_config() {
    let Some(v) = generated(250) else { return };
    edge_cases(&v);
    v.write(
        ".rapport/config.toml",
        "contacts = [\"people/\", \"odd.md/\"]\ninactive_status = [\"archived\"]\n\n[fields]\ncompany = [\"employer\"]\n\n[tiers]\nA = \"1w\"\n",
    );
    v.write(
        "people/employed.md",
        "---\nname: Employed\nemployer: ACME\ntier: A\n---\n",
    );
    check_vault(&v, "config");
}

/// A vault with no problems at all says so the same way.
#[test]
fn a_clean_vault_is_clean_both_ways() {
    let v = TestVault::new()
        .note("people/a.md", "---\nname: Ann\n---\n[[Ben]]\n")
        .note("people/b.md", "---\nname: Ben\n---\n");
    let index = run(&v, &["check"], false);
    assert_eq!(index.code, 0, "{}", index.stderr);
    assert!(
        index.stdout.contains("2 notes checked, no problems"),
        "{}",
        index.stdout
    );
    same_both_ways(&v, "clean");
}

/// A link whose key folds to nothing (`[[people/]]`) is broken unless some
/// note's key folds to nothing too (a file named ` .md`); both ways agree,
/// before and after that note comes and goes.
#[test]
fn an_empty_link_key_both_ways() {
    let v = TestVault::new()
        .note("people/a.md", "---\nname: Ann\n---\n[[people/]]\n")
        .note("people/b.md", "---\nname: Ben\n---\n");
    let out = run(&v, &["check"], false).stdout;
    assert!(
        out.contains("people/a.md:4: warning[link]: [[people/]]"),
        "{out}"
    );
    same_both_ways(&v, "no blank key");
    v.write("people/ .md", "A file with a blank stem.\n");
    let out = run(&v, &["check"], false).stdout;
    assert!(!out.contains("warning[link]"), "{out}");
    same_both_ways(&v, "a blank key");
    v.remove("people/ .md");
    same_both_ways(&v, "the blank key removed");
}
