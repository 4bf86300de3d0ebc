//! Table tests of the merge rules: (case, base, ours, theirs) → (merged, conflicts).

use super::{How, merge};

fn m(base: &str, ours: &str, theirs: &str) -> (String, usize, How) {
    let r = merge(base.as_bytes(), ours.as_bytes(), theirs.as_bytes());
    (
        String::from_utf8(r.text).expect("utf-8"),
        r.conflicts,
        r.how,
    )
}

/// A contact: front-matter lines, then body lines.
fn note(front: &[&str], body: &[&str]) -> String {
    let mut s = String::from("---\n");
    for l in front {
        s.push_str(l);
        s.push('\n');
    }
    s.push_str("---\n");
    for l in body {
        s.push_str(l);
        s.push('\n');
    }
    s
}

type Row = (&'static str, String, String, String, String, usize);

fn check(rows: Vec<Row>) {
    for (case, b, o, t, want, n) in rows {
        let (got, conflicts, how) = m(&b, &o, &t);
        assert_eq!(how, How::Contact, "{case}");
        assert_eq!(got, want, "{case}\n--- got\n{got}");
        assert_eq!(conflicts, n, "{case}");
    }
}

const FM: &[&str] = &["name: Anna", "last_contact: 2026-10-12", "cadence: 6w"];

#[test]
fn log_entries_are_the_union_in_date_order() {
    let body = |entries: &[&str]| {
        let mut b = vec!["# Anna", "", "## Log"];
        b.extend_from_slice(entries);
        b.extend_from_slice(&["", "## Open", "- [ ] send the book"]);
        note(FM, &b)
    };
    let rows: Vec<Row> = vec![
        (
            "both add on top (newest first)",
            body(&["- 2026-10-12 Coffee", "- 2026-07-01 Call"]),
            body(&[
                "- 2026-11-20 Lunch",
                "- 2026-10-12 Coffee",
                "- 2026-07-01 Call",
            ]),
            body(&[
                "- 2026-11-26 Walk",
                "- 2026-10-12 Coffee",
                "- 2026-07-01 Call",
            ]),
            body(&[
                "- 2026-11-26 Walk",
                "- 2026-11-20 Lunch",
                "- 2026-10-12 Coffee",
                "- 2026-07-01 Call",
            ]),
            0,
        ),
        (
            "theirs older than ours goes below it",
            body(&["- 2026-10-12 Coffee"]),
            body(&["- 2026-11-26 Walk", "- 2026-10-12 Coffee"]),
            body(&["- 2026-11-20 Lunch", "- 2026-10-12 Coffee"]),
            body(&[
                "- 2026-11-26 Walk",
                "- 2026-11-20 Lunch",
                "- 2026-10-12 Coffee",
            ]),
            0,
        ),
        (
            "both append (newest last)",
            body(&["- 2026-07-01 Call", "- 2026-10-12 Coffee"]),
            body(&[
                "- 2026-07-01 Call",
                "- 2026-10-12 Coffee",
                "- 2026-11-26 Walk",
            ]),
            body(&[
                "- 2026-07-01 Call",
                "- 2026-10-12 Coffee",
                "- 2026-11-20 Lunch",
            ]),
            body(&[
                "- 2026-07-01 Call",
                "- 2026-10-12 Coffee",
                "- 2026-11-20 Lunch",
                "- 2026-11-26 Walk",
            ]),
            0,
        ),
        (
            "exact duplicates once",
            body(&["- 2026-10-12 Coffee"]),
            body(&["- 2026-11-26 Walk", "- 2026-10-12 Coffee"]),
            body(&["- 2026-11-26 Walk", "- 2026-10-12 Coffee"]),
            body(&["- 2026-11-26 Walk", "- 2026-10-12 Coffee"]),
            0,
        ),
        (
            "same day, different entries: both",
            body(&["- 2026-10-12 Coffee"]),
            body(&["- 2026-11-26 Walk", "- 2026-10-12 Coffee"]),
            body(&["- 2026-11-26 Call", "- 2026-10-12 Coffee"]),
            body(&[
                "- 2026-11-26 Walk",
                "- 2026-11-26 Call",
                "- 2026-10-12 Coffee",
            ]),
            0,
        ),
        (
            "an entry changed on one side, an entry added on the other",
            body(&["- 2026-10-12 Coffee", "- 2026-07-01 Call"]),
            body(&[
                "- 2026-11-26 Walk",
                "- 2026-10-12 Coffee",
                "- 2026-07-01 Call",
            ]),
            body(&["- 2026-10-12 Coffee at the harbour", "- 2026-07-01 Call"]),
            body(&[
                "- 2026-11-26 Walk",
                "- 2026-10-12 Coffee at the harbour",
                "- 2026-07-01 Call",
            ]),
            0,
        ),
        (
            "an entry with continuation lines moves as one",
            body(&["- 2026-10-12 Coffee"]),
            body(&[
                "- 2026-11-20 Lunch",
                "  about sailing",
                "- 2026-10-12 Coffee",
            ]),
            body(&[
                "- 2026-11-26 Walk",
                "  - nested detail",
                "- 2026-10-12 Coffee",
            ]),
            body(&[
                "- 2026-11-26 Walk",
                "  - nested detail",
                "- 2026-11-20 Lunch",
                "  about sailing",
                "- 2026-10-12 Coffee",
            ]),
            0,
        ),
        (
            "an entry deleted on one side, one added on the other",
            body(&["- 2026-10-12 Coffee", "- 2026-07-01 Call"]),
            body(&["- 2026-11-26 Walk", "- 2026-07-01 Call"]),
            body(&[
                "- 2026-11-20 Lunch",
                "- 2026-10-12 Coffee",
                "- 2026-07-01 Call",
            ]),
            body(&[
                "- 2026-11-26 Walk",
                "- 2026-11-20 Lunch",
                "- 2026-07-01 Call",
            ]),
            0,
        ),
    ];
    check(rows);
}

#[test]
fn a_log_section_made_on_both_sides() {
    let b = note(FM, &["# Anna", "Met at the fair."]);
    let o = note(
        FM,
        &[
            "# Anna",
            "Met at the fair.",
            "",
            "## Log",
            "- 2026-11-20 Lunch",
        ],
    );
    let t = note(
        FM,
        &[
            "# Anna",
            "Met at the fair.",
            "",
            "## Log",
            "- 2026-11-26 Walk",
        ],
    );
    let want = note(
        FM,
        &[
            "# Anna",
            "Met at the fair.",
            "",
            "## Log",
            "- 2026-11-26 Walk",
            "- 2026-11-20 Lunch",
        ],
    );
    check(vec![(
        "log section created on both sides",
        b,
        o,
        t,
        want,
        0,
    )]);
}

#[test]
fn last_and_next_contact() {
    let f = |last: &str, next: &str| {
        note(
            &["name: Anna", last, next, "cadence: 6w"],
            &["## Log", "- 2026-10-12 Coffee"],
        )
    };
    let rows: Vec<Row> = vec![
        (
            "both moved last_contact: the later",
            f("last_contact: 2026-10-12", "next_contact: 2026-12-01"),
            f("last_contact: 2026-11-20", "next_contact: 2026-12-01"),
            f("last_contact: 2026-11-26", "next_contact: 2026-12-01"),
            f("last_contact: 2026-11-26", "next_contact: 2026-12-01"),
            0,
        ),
        (
            "the later wins whichever side has it",
            f("last_contact: 2026-10-12", "next_contact: 2026-12-01"),
            f(
                "last_contact: 2026-11-26 # walk",
                "next_contact: 2026-12-01",
            ),
            f("last_contact: 2026-11-20", "next_contact: 2026-12-01"),
            f(
                "last_contact: 2026-11-26 # walk",
                "next_contact: 2026-12-01",
            ),
            0,
        ),
        (
            "one side changed it: that side (a correction backwards stays)",
            f("last_contact: 2026-10-12", "next_contact: 2026-12-01"),
            f("last_contact: 2026-10-02", "next_contact: 2026-12-01"),
            f("last_contact: 2026-10-12", "next_contact: 2027-01-05"),
            f("last_contact: 2026-10-02", "next_contact: 2027-01-05"),
            0,
        ),
        (
            "next_contact from the side contacted last",
            f("last_contact: 2026-10-12", "next_contact: 2026-12-01"),
            f("last_contact: 2026-11-20", "next_contact: 2027-02-01"),
            f("last_contact: 2026-11-26", "next_contact: 2027-01-07"),
            f("last_contact: 2026-11-26", "next_contact: 2027-01-07"),
            0,
        ),
        (
            "next_contact from ours when ours was contacted last",
            f("last_contact: 2026-10-12", "next_contact: 2026-12-01"),
            f("last_contact: 2026-11-26", "next_contact: 2027-02-01"),
            f("last_contact: 2026-11-20", "next_contact: 2027-01-07"),
            f("last_contact: 2026-11-26", "next_contact: 2027-02-01"),
            0,
        ),
        (
            "same last_contact: the earlier next_contact",
            f("last_contact: 2026-10-12", "next_contact: 2026-12-01"),
            f("last_contact: 2026-11-26", "next_contact: 2027-02-01"),
            f("last_contact: 2026-11-26", "next_contact: 2027-01-07"),
            f("last_contact: 2026-11-26", "next_contact: 2027-01-07"),
            0,
        ),
        (
            "only one side planned: its plan, whoever was contacted last",
            f("last_contact: 2026-10-12", "next_contact: 2026-12-01"),
            f("last_contact: 2026-11-20", "next_contact: 2027-02-01"),
            f("last_contact: 2026-11-26", "next_contact: 2026-12-01"),
            f("last_contact: 2026-11-26", "next_contact: 2027-02-01"),
            0,
        ),
        (
            "an unreadable date cannot decide: a conflict",
            f("last_contact: 2026-10-12", "next_contact: 2026-12-01"),
            f("last_contact: in May", "next_contact: 2026-12-01"),
            f("last_contact: 2026-11-26", "next_contact: 2026-12-01"),
            note(
                &[
                    "name: Anna",
                    "<<<<<<< ours",
                    "last_contact: in May",
                    "=======",
                    "last_contact: 2026-11-26",
                    ">>>>>>> theirs",
                    "next_contact: 2026-12-01",
                    "cadence: 6w",
                ],
                &["## Log", "- 2026-10-12 Coffee"],
            ),
            1,
        ),
    ];
    check(rows);
}

#[test]
fn last_contact_added_on_both_sides() {
    let b = note(&["name: Anna"], &["## Log"]);
    let o = note(
        &["name: Anna", "last_contact: 2026-11-20"],
        &["## Log", "- 2026-11-20 Lunch"],
    );
    let t = note(
        &[
            "name: Anna",
            "last_contact: 2026-11-26",
            "next_contact: 2027-01-07",
        ],
        &["## Log", "- 2026-11-26 Walk"],
    );
    let want = note(
        &[
            "name: Anna",
            "last_contact: 2026-11-26",
            "next_contact: 2027-01-07",
        ],
        &["## Log", "- 2026-11-26 Walk", "- 2026-11-20 Lunch"],
    );
    check(vec![("keys inserted at the same place", b, o, t, want, 0)]);
}

#[test]
fn open_items() {
    let f = |open: &[&str]| {
        let mut b = vec!["## Open"];
        b.extend_from_slice(open);
        b.extend_from_slice(&["", "## Notes", "Likes sailing."]);
        note(FM, &b)
    };
    let rows: Vec<Row> = vec![
        (
            "both add a task: both",
            f(&["- [ ] send the book"]),
            f(&["- [ ] send the book", "- [ ] call Jonas"]),
            f(&["- [ ] send the book", "- [ ] 2026-12-05 intro to Bo"]),
            f(&[
                "- [ ] send the book",
                "- [ ] call Jonas",
                "- [ ] 2026-12-05 intro to Bo",
            ]),
            0,
        ),
        (
            "checked on one side, a task added next to it on the other",
            f(&["- [ ] send the book", "- [ ] call Jonas"]),
            f(&["- [x] send the book", "- [ ] call Jonas"]),
            f(&["- [ ] send the book", "- [ ] new one", "- [ ] call Jonas"]),
            f(&["- [x] send the book", "- [ ] new one", "- [ ] call Jonas"]),
            0,
        ),
        (
            "checked on theirs, edited next to it on ours",
            f(&["- [ ] send the book", "- [ ] call Jonas"]),
            f(&["- [ ] send the book", "- [ ] call Jonas about the fair"]),
            f(&["- [x] send the book", "- [ ] call Jonas"]),
            f(&["- [x] send the book", "- [ ] call Jonas about the fair"]),
            0,
        ),
        (
            "checked on one side, deleted on the other: kept checked",
            f(&["- [ ] send the book", "- [ ] call Jonas"]),
            f(&["- [x] send the book", "- [ ] call Jonas"]),
            f(&["- [ ] call Jonas"]),
            f(&["- [x] send the book", "- [ ] call Jonas"]),
            0,
        ),
        (
            "checked on one side only",
            f(&["- [ ] send the book"]),
            f(&["- [ ] send the book"]),
            f(&["- [X] send the book"]),
            f(&["- [X] send the book"]),
            0,
        ),
    ];
    check(rows);
}

#[test]
fn other_fields_three_way() {
    let rows: Vec<Row> = vec![
        (
            "neighbouring keys changed on each side: both",
            note(&["name: Anna", "company: Acme", "role: Trainer"], &["x"]),
            note(&["name: Anna", "company: Brandt", "role: Trainer"], &["x"]),
            note(&["name: Anna", "company: Acme", "role: Coach"], &["x"]),
            note(&["name: Anna", "company: Brandt", "role: Coach"], &["x"]),
            0,
        ),
        (
            "the same key to different values: markers around that line only",
            note(&["name: Anna", "company: Acme", "role: Trainer"], &["x"]),
            note(&["name: Anna", "company: Brandt", "role: Trainer"], &["x"]),
            note(&["name: Anna", "company: Kiel AG", "role: Trainer"], &["x"]),
            note(
                &[
                    "name: Anna",
                    "<<<<<<< ours",
                    "company: Brandt",
                    "=======",
                    "company: Kiel AG",
                    ">>>>>>> theirs",
                    "role: Trainer",
                ],
                &["x"],
            ),
            1,
        ),
        (
            "the same change on both sides",
            note(&["name: Anna", "company: Acme"], &["x"]),
            note(&["name: Anna", "company: Brandt"], &["x"]),
            note(&["name: Anna", "company: Brandt"], &["x"]),
            note(&["name: Anna", "company: Brandt"], &["x"]),
            0,
        ),
        (
            "the same value spelt two ways: ours",
            note(&["name: Anna", "company: Acme"], &["x"]),
            note(&["name: Anna", "company: \"Kiel AG\"  # quoted"], &["x"]),
            note(&["name: Anna", "company: Kiel AG"], &["x"]),
            note(&["name: Anna", "company: \"Kiel AG\"  # quoted"], &["x"]),
            0,
        ),
        (
            "a key added on each side at the end: both, ours first",
            note(&["name: Anna"], &["x"]),
            note(&["name: Anna", "email: a@example.org"], &["x"]),
            note(&["name: Anna", "location: Kiel"], &["x"]),
            note(
                &["name: Anna", "email: a@example.org", "location: Kiel"],
                &["x"],
            ),
            0,
        ),
        (
            "a key deleted on one side, another changed on the other",
            note(&["name: Anna", "company: Acme", "role: Trainer"], &["x"]),
            note(&["name: Anna", "role: Trainer"], &["x"]),
            note(&["name: Anna", "company: Acme", "role: Coach"], &["x"]),
            note(&["name: Anna", "role: Coach"], &["x"]),
            0,
        ),
        (
            "deleted on one side, changed on the other: a conflict",
            note(&["name: Anna", "company: Acme"], &["x"]),
            note(&["name: Anna"], &["x"]),
            note(&["name: Anna", "company: Brandt"], &["x"]),
            note(
                &[
                    "name: Anna",
                    "<<<<<<< ours",
                    "=======",
                    "company: Brandt",
                    ">>>>>>> theirs",
                ],
                &["x"],
            ),
            1,
        ),
        (
            "block lists are one key",
            note(&["tags:", "  - a", "  - b", "role: Trainer"], &["x"]),
            note(
                &["tags:", "  - a", "  - b", "  - c", "role: Trainer"],
                &["x"],
            ),
            note(&["tags:", "  - a", "  - b", "role: Coach"], &["x"]),
            note(&["tags:", "  - a", "  - b", "  - c", "role: Coach"], &["x"]),
            0,
        ),
    ];
    check(rows);
}

#[test]
fn comments_and_key_order_survive() {
    let b = note(
        &[
            "# who she is",
            "name: Anna   # the name",
            "company: Acme",
            "",
            "# follow-ups",
            "last_contact: '2026-10-12'  # quoted",
            "cadence: 6w",
        ],
        &["## Log", "- 2026-10-12 Coffee"],
    );
    let o = note(
        &[
            "# who she is",
            "name: Anna   # the name",
            "company: Acme",
            "",
            "# follow-ups",
            "last_contact: '2026-11-20'  # quoted",
            "cadence: 6w",
        ],
        &["## Log", "- 2026-11-20 Lunch", "- 2026-10-12 Coffee"],
    );
    let t = note(
        &[
            "# who she is",
            "name: Anna   # the name",
            "company: Acme   # since 2025",
            "",
            "# follow-ups",
            "last_contact: 2026-11-26",
            "cadence: 6w",
            "# a new comment",
        ],
        &["## Log", "- 2026-11-26 Walk", "- 2026-10-12 Coffee"],
    );
    let want = note(
        &[
            "# who she is",
            "name: Anna   # the name",
            "company: Acme   # since 2025",
            "",
            "# follow-ups",
            "last_contact: 2026-11-26",
            "cadence: 6w",
            "# a new comment",
        ],
        &[
            "## Log",
            "- 2026-11-26 Walk",
            "- 2026-11-20 Lunch",
            "- 2026-10-12 Coffee",
        ],
    );
    check(vec![("comments kept", b, o, t, want, 0)]);
}

#[test]
fn the_rest_of_the_body_line_by_line() {
    let rows: Vec<Row> = vec![
        (
            "different paragraphs",
            note(FM, &["# Anna", "", "Likes sailing.", "", "Lives in Kiel."]),
            note(
                FM,
                &[
                    "# Anna",
                    "",
                    "Likes sailing and chess.",
                    "",
                    "Lives in Kiel.",
                ],
            ),
            note(
                FM,
                &[
                    "# Anna",
                    "",
                    "Likes sailing.",
                    "",
                    "Lives in Kiel, Germany.",
                ],
            ),
            note(
                FM,
                &[
                    "# Anna",
                    "",
                    "Likes sailing and chess.",
                    "",
                    "Lives in Kiel, Germany.",
                ],
            ),
            0,
        ),
        (
            "the same line: a conflict there only",
            note(FM, &["# Anna", "", "Likes sailing.", "", "Lives in Kiel."]),
            note(
                FM,
                &[
                    "# Anna",
                    "",
                    "Likes sailing and chess.",
                    "",
                    "Lives in Kiel.",
                ],
            ),
            note(FM, &["# Anna", "", "Likes rowing.", "", "Lives in Kiel."]),
            note(
                FM,
                &[
                    "# Anna",
                    "",
                    "<<<<<<< ours",
                    "Likes sailing and chess.",
                    "=======",
                    "Likes rowing.",
                    ">>>>>>> theirs",
                    "",
                    "Lives in Kiel.",
                ],
            ),
            1,
        ),
        (
            "text added on one side where the other added a log entry",
            note(FM, &["## Log", "- 2026-10-12 Coffee"]),
            note(
                FM,
                &[
                    "## Log",
                    "- 2026-10-12 Coffee",
                    "",
                    "## Notes",
                    "Plays chess.",
                ],
            ),
            note(FM, &["## Log", "- 2026-10-12 Coffee", "- 2026-09-01 Call"]),
            note(
                FM,
                &[
                    "## Log",
                    "- 2026-10-12 Coffee",
                    "- 2026-09-01 Call",
                    "",
                    "## Notes",
                    "Plays chess.",
                ],
            ),
            0,
        ),
    ];
    check(rows);
}

#[test]
fn crlf_stays_crlf() {
    let crlf = |s: String| s.replace('\n', "\r\n");
    let b = crlf(note(FM, &["## Log", "- 2026-10-12 Coffee"]));
    let o = crlf(note(
        &["name: Anna", "last_contact: 2026-11-20", "cadence: 6w"],
        &["## Log", "- 2026-11-20 Lunch", "- 2026-10-12 Coffee"],
    ));
    let t = crlf(note(
        &["name: Anna", "last_contact: 2026-11-26", "cadence: 3w"],
        &["## Log", "- 2026-11-26 Walk", "- 2026-10-12 Coffee"],
    ));
    let want = crlf(note(
        &["name: Anna", "last_contact: 2026-11-26", "cadence: 3w"],
        &[
            "## Log",
            "- 2026-11-26 Walk",
            "- 2026-11-20 Lunch",
            "- 2026-10-12 Coffee",
        ],
    ));
    check(vec![("crlf", b.clone(), o.clone(), t, want, 0)]);
    // conflict markers follow the note's line ending too
    let t2 = crlf(note(
        &["name: Anna", "last_contact: 2026-10-12", "cadence: 3w"],
        &["## Log", "- 2026-10-12 Coffee"],
    ));
    let o2 = crlf(note(
        &["name: Anna", "last_contact: 2026-10-12", "cadence: 2w"],
        &["## Log", "- 2026-10-12 Coffee"],
    ));
    let (got, n, _) = m(&b, &o2, &t2);
    assert_eq!(n, 1);
    assert!(
        got.contains(
            "\r\n<<<<<<< ours\r\ncadence: 2w\r\n=======\r\ncadence: 3w\r\n>>>>>>> theirs\r\n"
        ),
        "{got:?}"
    );
    assert!(!got.replace("\r\n", "").contains('\n'), "{got:?}");
}

#[test]
fn bom_and_missing_final_newline_kept() {
    let b = "\u{feff}---\nname: A\n---\n## Log\n- 2026-10-12 Coffee";
    let o = "\u{feff}---\nname: A\n---\n## Log\n- 2026-11-20 Lunch\n- 2026-10-12 Coffee";
    let t = "\u{feff}---\nname: A\nrole: Coach\n---\n## Log\n- 2026-10-12 Coffee";
    let (got, n, how) = m(b, o, t);
    assert_eq!((n, how), (0, How::Contact));
    assert_eq!(
        got,
        "\u{feff}---\nname: A\nrole: Coach\n---\n## Log\n- 2026-11-20 Lunch\n- 2026-10-12 Coffee"
    );
}

#[test]
fn added_on_both_sides() {
    let o = note(
        &["name: Anna", "role: Trainer"],
        &["## Log", "- 2026-11-20 Lunch"],
    );
    let t = note(
        &["name: Anna", "role: Coach"],
        &["## Log", "- 2026-11-26 Walk"],
    );
    let (got, n, how) = m("", &o, &t);
    assert_eq!(how, How::Contact);
    assert_eq!(n, 1, "{got}");
    assert!(got.contains("<<<<<<< ours\nrole: Trainer\n=======\nrole: Coach\n>>>>>>> theirs\n"));
    assert!(
        got.ends_with("## Log\n- 2026-11-26 Walk\n- 2026-11-20 Lunch\n"),
        "{got}"
    );
}

#[test]
fn fallback_to_lines() {
    // (case, base, ours, theirs, merged, conflicts)
    let rows: &[(&str, &str, &str, &str, &str, usize)] = &[
        (
            "a plain note",
            "# Ideas\na\nb\nc\n",
            "# Ideas\nA\nb\nc\n",
            "# Ideas\na\nb\nC\n",
            "# Ideas\nA\nb\nC\n",
            0,
        ),
        (
            "a plain note, both added at the end",
            "# Ideas\n",
            "# Ideas\n- 2026-11-20 x\n",
            "# Ideas\n- 2026-11-26 y\n",
            "# Ideas\n<<<<<<< ours\n- 2026-11-20 x\n=======\n- 2026-11-26 y\n>>>>>>> theirs\n",
            1,
        ),
        (
            "bad YAML on one side",
            "---\nname: A\n---\nx\n",
            "---\nname: [A\n---\nx\n",
            "---\nname: A\n---\ny\n",
            "---\nname: [A\n---\ny\n",
            0,
        ),
        (
            "a side with conflict markers",
            "---\nname: A\n---\nx\n",
            "---\nname: A\n---\n<<<<<<< HEAD\nx\n=======\nz\n>>>>>>> b\n",
            "---\nname: A\n---\nx\n",
            "---\nname: A\n---\n<<<<<<< HEAD\nx\n=======\nz\n>>>>>>> b\n",
            0,
        ),
        (
            "front matter that is a list",
            "---\n- a\n---\nx\n",
            "---\n- a\n- b\n---\nx\n",
            "---\n- a\n---\nx\ny\n",
            "---\n- a\n- b\n---\nx\ny\n",
            0,
        ),
    ];
    for (case, b, o, t, want, n) in rows {
        let (got, conflicts, how) = m(b, o, t);
        assert_eq!(how, How::Lines, "{case}");
        assert_eq!((got.as_str(), conflicts), (*want, *n), "{case}");
    }
    // not UTF-8: still merged by lines, bytes kept
    let r = merge(b"a\n\xff\n", b"A\n\xff\n", b"a\n\xff\nz\n");
    assert_eq!((r.text.as_slice(), r.conflicts), (&b"A\n\xff\nz\n"[..], 0));
}

#[test]
fn unusual_yaml_merges_by_lines_inside_the_front_matter() {
    // a complex key the tokenizer does not take apart: the YAML lines merge as lines
    let b = note(&["? complex", ": 1", "name: A", "role: x"], &["b"]);
    let o = note(&["? complex", ": 1", "name: B", "role: x"], &["b"]);
    let t = note(&["? complex", ": 1", "name: A", "role: x"], &["b", "more"]);
    let want = note(&["? complex", ": 1", "name: B", "role: x"], &["b", "more"]);
    check(vec![("complex key", b, o, t, want, 0)]);
}
