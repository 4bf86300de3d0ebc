//! Model-based property test of the sync: random sequences of create, edit
//! (including same-size edits within the same second), rename, delete and
//! folder moves, with syncs in between; after every sync the index must say
//! exactly what a fresh parse of the files on disk says.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use rapport::index::sync::NoProgress;
use rapport::index::{self, SyncMode};
use rapport::vault::note::{Note, parse_note};
use rapport::vault::rules::NoteRules;

#[derive(Debug, Clone)]
enum Op {
    Write { slot: usize, variant: usize },
    Rename { from: usize, to: usize },
    Delete { slot: usize },
    MoveFolder,
    Sync,
}

const SLOTS: usize = 6;

fn slot_path(slot: usize, moved: bool) -> String {
    let dir = if moved { "moved" } else { "people" };
    if slot.is_multiple_of(2) {
        format!("{dir}/p{slot}.md")
    } else {
        format!("top{slot}.md")
    }
}

/// Contents of equal length per pair (0/1, 2/3, …) so that edits can keep the size.
fn content(slot: usize, variant: usize) -> String {
    let word = ["alpha", "bravo", "gamma", "delta", "omega", "sigma"][variant % 6];
    match variant % 3 {
        0 => format!(
            "---\nname: Person {slot}\ninterests: [{word}]\ncadence: 6w\n---\n- 2026-01-0{} met\n",
            1 + variant % 9
        ),
        1 => format!("# Heading {slot}\n\nplain text about {word}\n"),
        _ => format!("---\nname: [broken {word}\n---\nbody {word}\n"),
    }
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..SLOTS, 0..6usize).prop_map(|(slot, variant)| Op::Write { slot, variant }),
        1 => (0..SLOTS, 0..SLOTS).prop_map(|(from, to)| Op::Rename { from, to }),
        1 => (0..SLOTS).prop_map(|slot| Op::Delete { slot }),
        1 => Just(Op::MoveFolder),
        2 => Just(Op::Sync),
    ]
}

fn disk_notes(root: &Path) -> Vec<Note> {
    let mut out = Vec::new();
    for dir in ["", "people", "moved"] {
        let Ok(rd) = fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if !name.ends_with(".md") || !e.file_type().map(|t| t.is_file()).unwrap_or(false) {
                continue;
            }
            let rel = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            out.push(parse_note(&rel, &fs::read(e.path()).unwrap()).note);
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn check(root: &Path) {
    let opened = index::open(root, &NoteRules::default(), SyncMode::Sync, &NoProgress).unwrap();
    let indexed = opened.view.notes().unwrap();
    let disk = disk_notes(root);
    assert_eq!(indexed, disk);
    // and the text is searchable under the new content, not the old
    for n in &disk {
        let hits = opened.view.search(&format!("\"{}\"", n.name), 50).unwrap();
        assert!(
            hits.iter().any(|h| h.path == n.path),
            "{} not found by name",
            n.path
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn index_equals_a_fresh_parse(ops in proptest::collection::vec(op(), 1..30)) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("people")).unwrap();
        let mut moved = false;
        for op in ops {
            match op {
                Op::Write { slot, variant } => {
                    fs::write(root.join(slot_path(slot, moved)), content(slot, variant)).unwrap();
                }
                Op::Rename { from, to } => {
                    let (a, b) = (root.join(slot_path(from, moved)), root.join(slot_path(to, moved)));
                    if a.exists() {
                        fs::rename(a, b).unwrap();
                    }
                }
                Op::Delete { slot } => {
                    let _ = fs::remove_file(root.join(slot_path(slot, moved)));
                }
                Op::MoveFolder => {
                    let (a, b) = if moved { ("moved", "people") } else { ("people", "moved") };
                    fs::rename(root.join(a), root.join(b)).unwrap();
                    moved = !moved;
                }
                Op::Sync => check(root),
            }
        }
        check(root);
    }
}
