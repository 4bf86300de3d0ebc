//! Property test of the merge driver's merge (`rapport::merge::merge`): a
//! generated contact note (LF or CRLF, entries newest first or last, tasks,
//! comments) is the base; each side applies a few edits as a user and
//! rapport would (`log` through the library's editor, a front-matter field
//! set, a plain line or a task added, a task checked). Then:
//!
//! - no line added on either side is lost (but for `last_contact` and
//!   `next_contact`, which the rules choose, an open task the other side
//!   checked, which is kept as checked, and a field both sides set to the
//!   same value spelt differently, kept as ours spells it);
//! - swapping ours and theirs gives as many conflicts and, for a clean
//!   merge, the same log entries, `last_contact`,
//!   `next_contact` and open items;
//! - a merge is clean unless both sides set one field to different values or
//!   both added plain lines.
//!
//! It runs its own `TestRunner` so that it can print how many cases and
//! added lines it checked (`cargo test --test cli merge_props -- --nocapture`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::collections::BTreeMap;

use jiff::civil::{Date, date};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use rapport::edit::{LogRequest, frontmatter, log_entry};
use rapport::merge::merge;
use rapport::vault::note::parse_note;

const CASES: u32 = 2000;
const TODAY: Date = date(2026, 11, 26);
const FIELDS: [&str; 4] = ["company", "role", "location", "email"];
const VALUES: [&str; 4] = ["Acme", "Kiel AG", "Coach: senior", "a@example.org"];
const TEXTS: [&str; 4] = [
    "Coffee at the harbour",
    "Call about the fair",
    "Lunch, talked about sailing",
    "Sent the book",
];
const PLAIN: [&str; 4] = [
    "Plays chess on Sundays.",
    "Has two kids.",
    "Moved to a new flat.",
    "Ümlaute: Grüße aus Kiel 🚣",
];
const TASKS: [&str; 4] = [
    "- [ ] send the article",
    "- [ ] 2026-12-05 introduce her to [[Jonas]]",
    "- [ ] book tip",
    "- [ ] ask about the marathon",
];

#[derive(Debug, Clone)]
enum Op {
    Log {
        day: i64,
        text: usize,
        next: Option<i64>,
    },
    Set {
        field: usize,
        value: usize,
    },
    Plain(usize),
    Task(usize),
    Check(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0i64..200, 0..TEXTS.len(), proptest::option::of(1i64..120))
            .prop_map(|(day, text, next)| Op::Log { day, text, next }),
        2 => (0..FIELDS.len(), 0..VALUES.len()).prop_map(|(field, value)| Op::Set { field, value }),
        1 => (0..PLAIN.len()).prop_map(Op::Plain),
        1 => (0..TASKS.len()).prop_map(Op::Task),
        1 => (0usize..3).prop_map(Op::Check),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    base: String,
    ours: Vec<Op>,
    theirs: Vec<Op>,
}

fn day(n: i64) -> Date {
    date(2026, 5, 1)
        .checked_add(jiff::Span::new().days(n))
        .expect("in range")
}

fn base_note() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(0i64..200),
        proptest::collection::vec((0i64..200, 0..TEXTS.len()), 0..4),
        proptest::collection::vec(0..TASKS.len(), 0..3),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(crlf, newest_last, last, mut entries, tasks, comment, notes)| {
                let mut s = String::from("---\nname: Anna Schmidt\n");
                if comment {
                    s.push_str("# where she works\n");
                }
                s.push_str("company: Brandt   # since 2024\nrole: Trainer\n");
                if let Some(l) = last {
                    s.push_str(&format!("last_contact: {}\n", day(l)));
                }
                s.push_str("cadence: 6w\n---\n# Anna\n\nMet at the fair.\n\n## Log\n");
                entries.sort();
                entries.dedup_by_key(|e| e.0);
                if !newest_last {
                    entries.reverse();
                }
                for (d, t) in entries {
                    s.push_str(&format!("- {} {}\n", day(d), TEXTS[t]));
                }
                s.push_str("\n## Open\n");
                let mut tasks = tasks;
                tasks.dedup();
                for t in tasks {
                    s.push_str(TASKS[t]);
                    s.push('\n');
                }
                if notes {
                    s.push_str("\n## Notes\nLikes sailing.\n");
                }
                if crlf { s.replace('\n', "\r\n") } else { s }
            },
        )
}

fn case() -> impl Strategy<Value = Case> {
    (
        base_note(),
        proptest::collection::vec(op(), 0..5),
        proptest::collection::vec(op(), 0..5),
    )
        .prop_map(|(base, ours, theirs)| Case { base, ours, theirs })
}

/// What one side did, as far as the properties care.
#[derive(Default)]
struct Did {
    fields: BTreeMap<&'static str, &'static str>,
    plain: bool,
}

fn nl_of(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

fn apply(base: &str, ops: &[Op]) -> (String, Did) {
    let mut text = base.to_string();
    let mut did = Did::default();
    for op in ops {
        let nl = nl_of(&text);
        match op {
            Op::Log {
                day: d,
                text: t,
                next,
            } => {
                let req = LogRequest {
                    date: day(*d),
                    text: TEXTS[*t].to_string(),
                    next: next.map(|n| day(*d + n)),
                    today: TODAY,
                };
                if let Ok(out) = log_entry(&text, &req) {
                    text = out.text;
                }
            }
            Op::Set { field, value } => {
                if let Ok(t) = frontmatter::set(&text, FIELDS[*field], VALUES[*value]) {
                    text = t;
                    did.fields.insert(FIELDS[*field], VALUES[*value]);
                }
            }
            Op::Plain(p) => {
                // a paragraph of its own (not a lazy continuation of a list item)
                text.push_str(nl);
                text.push_str(PLAIN[*p]);
                text.push_str(nl);
                did.plain = true;
            }
            // (a task already in the note, open or done, is not added twice)
            Op::Task(t) if text.contains(&TASKS[*t][6..]) => {}
            Op::Task(t) => {
                let at = text.find(&format!("## Open{nl}")).expect("open section") + 7 + nl.len();
                text.insert_str(at, &format!("{}{nl}", TASKS[*t]));
            }
            Op::Check(i) => {
                if let Some((at, _)) = text.match_indices("- [ ] ").nth(*i) {
                    text.replace_range(at..at + 6, "- [x] ");
                }
            }
        }
    }
    (text, did)
}

fn lines(s: &str) -> Vec<&str> {
    s.lines().map(|l| l.trim_end_matches('\r')).collect()
}

/// The facts the rules make symmetric.
fn summary(text: &str) -> (Vec<(Date, String)>, String, String, Vec<String>) {
    let p = parse_note("anna.md", text.as_bytes());
    let mut log: Vec<(Date, String)> = p
        .note
        .log
        .iter()
        .map(|e| (e.date, e.text.clone()))
        .collect();
    log.sort();
    let mut open: Vec<String> = p.note.open.iter().map(|o| o.text.clone()).collect();
    open.sort();
    let get = |k: &str| frontmatter::get(text, k).ok().flatten().unwrap_or_default();
    (log, get("last_contact"), get("next_contact"), open)
}

#[test]
fn merge_keeps_every_added_line_and_is_symmetric() {
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let cases = Cell::new(0usize);
    let added_checked = Cell::new(0usize);
    let clean = Cell::new(0usize);
    let result = runner.run(&case(), |c| {
        let (ours, did_o) = apply(&c.base, &c.ours);
        let (theirs, did_t) = apply(&c.base, &c.theirs);
        let m = merge(c.base.as_bytes(), ours.as_bytes(), theirs.as_bytes());
        let swapped = merge(c.base.as_bytes(), theirs.as_bytes(), ours.as_bytes());
        let text = String::from_utf8(m.text).expect("utf-8");
        let text_swapped = String::from_utf8(swapped.text).expect("utf-8");
        let show = || {
            format!(
                "--- base\n{}\n--- ours\n{ours}\n--- theirs\n{theirs}\n--- merged\n{text}",
                c.base
            )
        };

        let merged_lines = lines(&text);
        let base_lines = lines(&c.base);
        for side in [&ours, &theirs] {
            for l in lines(side) {
                if base_lines.contains(&l)
                    || l.starts_with("last_contact:")
                    || l.starts_with("next_contact:")
                {
                    continue;
                }
                let superseded = l
                    .strip_prefix("- [ ] ")
                    .is_some_and(|rest| merged_lines.contains(&format!("- [x] {rest}").as_str()));
                // the same value spelt another way (`"Acme"` and `Acme`)
                let respelt = FIELDS.iter().any(|k| {
                    l.starts_with(&format!("{k}:"))
                        && frontmatter::get(&text, k).ok().flatten()
                            == frontmatter::get(side, k).ok().flatten()
                });
                if !superseded && !respelt && !merged_lines.contains(&l) {
                    return Err(TestCaseError::fail(format!("lost {l:?}\n{}", show())));
                }
                added_checked.set(added_checked.get() + 1);
            }
        }
        prop_assert_eq!(m.conflicts, swapped.conflicts);
        // (markers fall inside list items and change what the parser reads)
        if m.conflicts == 0 {
            prop_assert_eq!(
                summary(&text),
                summary(&text_swapped),
                "not symmetric\n{}",
                show()
            );
        }

        let same_field_differs = did_o
            .fields
            .iter()
            .any(|(k, v)| did_t.fields.get(k).is_some_and(|w| w != v));
        let both_added_plain = did_o.plain && did_t.plain;
        if !(same_field_differs || both_added_plain) {
            prop_assert_eq!(m.conflicts, 0, "unexpected conflict\n{}", show());
        }
        if m.conflicts == 0 {
            clean.set(clean.get() + 1);
            prop_assert!(!text.contains("<<<<<<<"), "{}", show());
            let p = parse_note("anna.md", text.as_bytes());
            prop_assert!(
                p.note.problems.is_empty(),
                "{:?}\n{}",
                p.note.problems,
                show()
            );
            // the later last_contact of the two sides, when both have one
            let lc = |t: &str| {
                frontmatter::get(t, "last_contact")
                    .ok()
                    .flatten()
                    .unwrap_or_default()
            };
            let want = lc(&ours).max(lc(&theirs));
            if lc(&ours) != lc(&c.base) && lc(&theirs) != lc(&c.base) {
                prop_assert_eq!(lc(&text), want, "{}", show());
            }
            // a CRLF note stays CRLF
            if c.base.contains("\r\n") {
                prop_assert!(!text.replace("\r\n", "").contains('\n'), "{}", show());
            }
        }
        cases.set(cases.get() + 1);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    println!(
        "merge_props: {} cases, {} added lines checked, 0 lost; {} clean merges",
        cases.get(),
        added_checked.get(),
        clean.get()
    );
    assert_eq!(cases.get(), CASES as usize);
}
