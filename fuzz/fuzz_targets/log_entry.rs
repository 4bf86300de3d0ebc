//! Fuzz the minimal-diff editor behind `log`: arbitrary text in, and either a
//! clean refusal or an edit that changes only the intended lines
//! (`rapport::edit::invariant::check_log_edit`). No panic, no hang.
#![no_main]

use jiff::Span;
use jiff::civil::date;
use libfuzzer_sys::fuzz_target;
use rapport::edit::invariant::check_log_edit;
use rapport::edit::{LogRequest, log_entry};

const TEXTS: [&str; 4] = [
    "Lunch, talked about sailing",
    "Call\nsecond line of the entry",
    "  Stoizismus: «Briefe an Lucilius»  ",
    "- 2020-01-01 looks like an entry",
];

fuzz_target!(|data: &[u8]| {
    // The first three bytes choose the request; the rest is the note.
    let [a, b, c, rest @ ..] = data else { return };
    let Ok(note) = std::str::from_utf8(rest) else { return };
    let base = date(2026, 1, 1);
    let day = i64::from(u16::from_le_bytes([*a, *b]) % 1500) - 750;
    let Ok(d) = base.checked_add(Span::new().days(day)) else { return };
    let next = (c & 0x80 != 0)
        .then(|| d.checked_add(Span::new().days(i64::from(c & 0x3f) + 1)).ok())
        .flatten();
    let req = LogRequest {
        date: d,
        text: TEXTS[usize::from(c & 3)].to_string(),
        next,
        today: base,
    };
    if let Ok(out) = log_entry(note, &req)
        && let Err(why) = check_log_edit(note, &req, &out)
    {
        panic!("{why}\n--- before\n{note}\n--- after\n{}", out.text);
    }
});
