//! Fuzz the note parser (front matter + body) and the date/span parsers with
//! arbitrary bytes: no panic, no hang, and line numbers that exist.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport::vault::cadence::{Birthday, Cadence, leading_date};
use rapport::vault::note::parse_note;

fuzz_target!(|data: &[u8]| {
    let parsed = parse_note("fuzz/x.md", data);
    let lines = data.iter().filter(|b| **b == b'\n').count() + 1;
    for e in &parsed.note.log {
        assert!(e.line >= 1 && e.line <= lines, "log line {} of {lines}", e.line);
    }
    for o in &parsed.note.open {
        assert!(o.line >= 1 && o.line <= lines, "open line {} of {lines}", o.line);
    }
    for p in &parsed.note.problems {
        if let Some(l) = p.line {
            assert!(l >= 1 && l <= lines, "problem line {l} of {lines}");
        }
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = Cadence::parse(s);
        let _ = Birthday::parse(s);
        let _ = leading_date(s);
    }
});
