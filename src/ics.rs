//! Calendar export (RFC 5545, built with the `icalendar` crate): follow-ups,
//! birthdays (yearly all-day events) and dated open items as all-day events
//! whose UIDs depend only on the note's vault-relative path and the kind of
//! event (plus the item's text for open items), so a subscribed calendar
//! updates events instead of duplicating them. Pure: values in, text out;
//! imports no tantivy, clap or file system.

use std::collections::HashMap;

use icalendar::{Calendar, Component, Event, Parameter, Property};
use jiff::civil::Date;
use serde::Serialize;

use crate::followup::{DueOptions, FollowUp, OpenEntry, Reason, Status, due};
use crate::vault::cadence::{Birthday, Cadence, leading_date};
use crate::vault::note::Note;
use crate::vault::text;

/// A contact's birthday, for a yearly event.
#[derive(Debug, Clone)]
pub struct BirthdaySource {
    pub path: String,
    pub name: String,
    pub birthday: Birthday,
}

/// What goes into the calendar: the `due` answer's follow-ups and dated open
/// items, and every active contact's birthday.
#[derive(Debug, Clone)]
pub struct CalendarInput {
    pub today: Date,
    pub followups: Vec<FollowUp>,
    pub birthdays: Vec<BirthdaySource>,
    pub open: Vec<OpenEntry>,
}

impl CalendarInput {
    /// Follow-ups and dated open items due within `days` (or overdue), and all
    /// birthdays: a yearly event needs no window.
    pub fn from_notes(
        notes: &[Note],
        today: Date,
        days: i64,
        default_cadence: Option<Cadence>,
    ) -> CalendarInput {
        let report = due(notes, &DueOptions::window(today, days, default_cadence));
        let mut birthdays: Vec<BirthdaySource> = notes
            .iter()
            .filter(|n| n.is_contact && !n.facts.is_inactive())
            .filter_map(|n| {
                Some(BirthdaySource {
                    path: n.path.clone(),
                    name: n.name.clone(),
                    birthday: n.facts.birthday()?,
                })
            })
            .collect();
        birthdays.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.path.cmp(&b.path)));
        CalendarInput {
            today,
            followups: report.followups,
            birthdays,
            open: report
                .open
                .into_iter()
                .filter(|o| o.due.is_some())
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Followup,
    Birthday,
    Open,
    /// A day of the outreach plan (`export ics --plan`).
    Plan,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Followup => "followup",
            Kind::Birthday => "birthday",
            Kind::Open => "open",
            Kind::Plan => "plan",
        }
    }
}

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalEvent {
    pub uid: String,
    pub kind: Kind,
    /// The day of the event (the first occurrence for a yearly one).
    pub date: Date,
    pub summary: String,
    pub description: String,
    pub path: String,
    /// The RRULE of a yearly event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rrule: Option<String>,
}

/// The outreach plan as all-day events: each person on the first day of
/// the period `plan` puts them in.
pub fn plan_events(plan: &[crate::brief::Planned], today: Date, days: i64) -> Vec<CalEvent> {
    plan.iter()
        .map(|p| {
            let offset = days.saturating_mul(i64::try_from(p.week).unwrap_or(i64::MAX));
            let date = today.saturating_add(jiff::Span::new().days(offset.min(100_000)));
            let mut description = p.why.join("; ");
            if let Some(s) = &p.suggestion {
                description.push_str(&format!("\nGive first: {} ({})", s.text, s.reason));
            }
            CalEvent {
                uid: uid(&p.path, Kind::Plan, &[&date.to_string()]),
                kind: Kind::Plan,
                date,
                summary: clean(&format!("Reach out: {}", p.name)),
                description: clean(&description),
                path: p.path.clone(),
                rrule: None,
            }
        })
        .collect()
}

/// `<hash>@rapport` from the vault-relative path, the kind and any extra parts.
pub fn uid(path: &str, kind: Kind, extra: &[&str]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(path.as_bytes());
    h.update(b"\0");
    h.update(kind.as_str().as_bytes());
    for e in extra {
        h.update(b"\0");
        h.update(e.as_bytes());
    }
    let hex = h.finalize().to_hex();
    format!("{}@rapport", &hex[..32])
}

fn reason_text(r: Reason) -> &'static str {
    match r {
        Reason::NextContact => "planned (next_contact)",
        Reason::Cadence => "cadence",
        Reason::DefaultCadence => "default cadence",
        Reason::NeverContacted => "never contacted",
    }
}

/// Calendar text must not carry control characters other than line breaks:
/// CRs go (a CRLF is one break), every other control becomes a space.
fn clean(s: &str) -> String {
    text::replace_controls(&s.replace('\r', ""), &['\n'], ' ').into_owned()
}

/// The event for follow-up `f`: on its due date, or on `today` when overdue.
fn followup_event(f: &FollowUp, today: Date) -> CalEvent {
    let overdue = f.status == Status::Overdue;
    let mut description = format!("{}\nwhy: {}", f.path, reason_text(f.reason));
    match f.last_contact {
        Some(l) => description.push_str(&format!("\nlast contact: {l}")),
        None => description.push_str("\nno contact recorded yet"),
    }
    if let Some(t) = &f.talking_point {
        description.push_str(&format!("\nlast time: {t}"));
    }
    CalEvent {
        uid: uid(&f.path, Kind::Followup, &[]),
        kind: Kind::Followup,
        date: if overdue { today } else { f.due },
        summary: if overdue {
            format!("Get in touch: {} (due {})", f.name, f.due)
        } else {
            format!("Get in touch: {}", f.name)
        },
        description,
        path: f.path.clone(),
        rrule: None,
    }
}

/// The yearly event for birthday `b`, from its year (2000 when it has none,
/// a leap year, so `--02-29` exists); `None` for a date no year has.
fn birthday_event(b: &BirthdaySource) -> Option<CalEvent> {
    let bd = b.birthday;
    let start = bd.in_year(bd.year.unwrap_or(2000))?;
    let rrule = if bd.month == 2 && bd.day == 29 {
        // Feb 29 falls on Feb 28 in other years: the last day of February
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"
    } else {
        "FREQ=YEARLY"
    };
    let mut description = b.path.clone();
    if let Some(y) = bd.year {
        description.push_str(&format!("\nborn {y}"));
    }
    Some(CalEvent {
        uid: uid(&b.path, Kind::Birthday, &[]),
        kind: Kind::Birthday,
        date: start,
        summary: format!("Birthday: {}", b.name),
        description,
        path: b.path.clone(),
        rrule: Some(rrule.to_string()),
    })
}

/// The events for the dated open items: on their date, or on `today` when
/// overdue. Identical items in one note get distinct, still stable UIDs (the
/// first keeps the plain one).
fn open_events(open: &[OpenEntry], today: Date) -> Vec<CalEvent> {
    // how many identical items each note had before this one
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    let mut out = Vec::new();
    for o in open {
        let Some(due) = o.due else { continue };
        let count = seen.entry((&o.path, &o.text)).or_insert(0);
        let n = count.to_string();
        *count += 1;
        let extra: Vec<&str> = if n == "0" {
            vec![&o.text]
        } else {
            vec![&o.text, &n]
        };
        let what = leading_date(&o.text).map_or(o.text.as_str(), |(_, rest)| rest);
        let overdue = due < today;
        out.push(CalEvent {
            uid: uid(&o.path, Kind::Open, &extra),
            kind: Kind::Open,
            date: if overdue { today } else { due },
            summary: if overdue {
                format!("{}: {what} (due {due})", o.name)
            } else {
                format!("{}: {what}", o.name)
            },
            description: format!("{}:{}\n- [ ] {}", o.path, o.line, o.text),
            path: o.path.clone(),
            rrule: None,
        });
    }
    out
}

/// The events for `input`. Overdue follow-ups and items are shown on `today`
/// (a reminder in the past would go unseen), with the original date in the title.
pub fn events(input: &CalendarInput) -> Vec<CalEvent> {
    let mut out: Vec<CalEvent> = input
        .followups
        .iter()
        .map(|f| followup_event(f, input.today))
        .collect();
    out.extend(input.birthdays.iter().filter_map(birthday_event));
    out.extend(open_events(&input.open, input.today));
    out
}

fn ical_date(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

fn date_prop(key: &str, d: Date) -> Property {
    Property::new(key, ical_date(d))
        .append_parameter(Parameter::new("VALUE", "DATE"))
        .done()
}

/// The calendar's own properties, without events.
fn header() -> Calendar {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new(
        "PRODID",
        concat!("-//rapport//rapport ", env!("CARGO_PKG_VERSION"), "//EN"),
    ));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.append_property(Property::new("METHOD", "PUBLISH"));
    cal.name("rapport");
    cal
}

/// One event as an icalendar component, stamped `stamp`.
fn component(e: &CalEvent, stamp: &str) -> Event {
    let mut ev = Event::new();
    ev.uid(&e.uid)
        .summary(&clean(&e.summary))
        .description(&clean(&e.description))
        .add_property("DTSTAMP", stamp)
        .add_property("TRANSP", "TRANSPARENT")
        .add_property("CATEGORIES", e.kind.as_str())
        .append_property(date_prop("DTSTART", e.date))
        .append_property(date_prop("DTEND", e.date.tomorrow().unwrap_or(e.date)));
    if let Some(r) = &e.rrule {
        ev.add_property("RRULE", r.as_str());
    }
    ev.done()
}

const END: &str = "END:VCALENDAR\r\n";

/// The calendar text: CRLF line endings, lines folded at 75 octets.
/// `DTSTAMP` is `today` at midnight UTC so that the same vault on the same day
/// gives the same bytes.
pub fn render(events: &[CalEvent], today: Date) -> String {
    // A `Calendar`'s text is its header, its properties, each component's
    // text and `END:VCALENDAR`: written here the same way one event at a
    // time, so that no component tree of every event is held at once.
    let mut out = header().to_string();
    if out.ends_with(END) {
        out.truncate(out.len() - END.len());
    }
    let stamp = format!("{}T000000Z", ical_date(today));
    for e in events {
        // writing to a String cannot fail
        let _ = component(e, &stamp).fmt_write(&mut out);
    }
    out.push_str(END);
    out
}

/// `render(events(input), input.today)`: the whole calendar for `input`.
pub fn calendar(input: &CalendarInput) -> String {
    render(&events(input), input.today)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::{CalendarInput, Kind, calendar, component, events, header, ical_date, render, uid};
    use crate::vault::note::parse_note;

    #[test]
    fn calendar_text_keeps_line_breaks_only() {
        // a CRLF is one break, a lone CR goes, other controls become spaces
        assert_eq!(
            super::clean("a\r\nb\rc\u{1b}[31md\te\u{9b}f"),
            "a\nbc [31md e f"
        );
        assert_eq!(super::clean("plain"), "plain");
    }

    fn input() -> CalendarInput {
        let notes = vec![
            parse_note(
                "people/anna.md",
                "---\nname: Anna Schmidt\nbirthday: 1985-03-14\nnext_contact: 2026-12-01\n---\n- [ ] 2026-12-05 introduce her to [[Jonas]]\n- [ ] 2026-12-05 introduce her to [[Jonas]]\n- [ ] undated\n".as_bytes(),
            )
            .note,
            parse_note(
                "people/leap.md",
                b"---\nname: Leap; Day, Person\nbirthday: --02-29\ncadence: 1w\nlast_contact: 2026-10-01\n---\n",
            )
            .note,
        ];
        CalendarInput::from_notes(&notes, date(2026, 11, 26), 90, None)
    }

    #[test]
    fn events_dates_and_uids() {
        let ev = events(&input());
        let got: Vec<(Kind, String, Option<&str>)> = ev
            .iter()
            .map(|e| (e.kind, e.date.to_string(), e.rrule.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Kind::Followup, "2026-11-26".into(), None),
                (Kind::Followup, "2026-12-01".into(), None),
                (Kind::Birthday, "1985-03-14".into(), Some("FREQ=YEARLY")),
                (
                    Kind::Birthday,
                    "2000-02-29".into(),
                    Some("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1")
                ),
                (Kind::Open, "2026-12-05".into(), None),
                (Kind::Open, "2026-12-05".into(), None),
            ]
        );
        assert!(
            ev[0].summary.contains("(due 2026-10-08)"),
            "{}",
            ev[0].summary
        );
        let mut uids: Vec<&str> = ev.iter().map(|e| e.uid.as_str()).collect();
        uids.sort_unstable();
        uids.dedup();
        assert_eq!(uids.len(), ev.len(), "UIDs are unique");
        assert_eq!(ev[1].uid, uid("people/anna.md", Kind::Followup, &[]));
        assert!(ev[1].uid.ends_with("@rapport"));
    }

    #[test]
    fn identical_items_get_numbered_uids() {
        let mut notes = vec![
            parse_note(
                "people/a.md",
                b"---\nname: A\n---\n- [ ] 2026-12-05 call\n- [ ] 2026-12-05 call\n- [ ] 2026-12-06 other\n- [ ] 2026-12-05 call\n",
            )
            .note,
        ];
        notes.push(parse_note("people/b.md", b"---\nname: B\n---\n- [ ] 2026-12-05 call\n").note);
        let ev = events(&CalendarInput::from_notes(
            &notes,
            date(2026, 11, 26),
            90,
            None,
        ));
        let uids: Vec<String> = ev
            .iter()
            .filter(|e| e.kind == Kind::Open)
            .map(|e| e.uid.clone())
            .collect();
        let call = "2026-12-05 call";
        assert_eq!(
            uids,
            vec![
                uid("people/a.md", Kind::Open, &[call]),
                uid("people/a.md", Kind::Open, &[call, "1"]),
                uid("people/a.md", Kind::Open, &[call, "2"]),
                uid("people/b.md", Kind::Open, &[call]),
                uid("people/a.md", Kind::Open, &["2026-12-06 other"]),
            ]
        );
    }

    #[test]
    fn streamed_text_equals_the_whole_calendar() {
        let input = input();
        let ev = events(&input);
        let mut cal = header();
        let stamp = format!("{}T000000Z", ical_date(input.today));
        for e in &ev {
            cal.push(component(e, &stamp));
        }
        assert_eq!(render(&ev, input.today), cal.to_string());
        assert_eq!(render(&[], input.today), header().to_string());
    }

    #[test]
    fn text_is_crlf_folded_and_escaped() {
        let text = calendar(&input());
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
        assert!(text.split("\r\n").all(|l| l.len() <= 75));
        assert!(text.contains("DTSTART;VALUE=DATE:20261201\r\n"));
        assert!(text.contains("DTEND;VALUE=DATE:20261202\r\n"));
        assert!(text.contains("SUMMARY:Birthday: Leap\\; Day\\, Person\r\n"));
        assert_eq!(text, calendar(&input()), "same input, same bytes");
    }
}
