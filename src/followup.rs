//! The follow-up rules (docs/follow-ups.md) as pure functions of (notes, today, window, config):
//! when each contact is due, birthdays in the window, open items, cold contacts.
//! Imports no tantivy, clap or file system.

use std::cmp::Ordering;

use jiff::civil::Date;
use serde::Serialize;

use crate::vault::cadence::{Birthday, Cadence};
use crate::vault::note::Note;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Overdue,
    Due,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    NextContact,
    Cadence,
    DefaultCadence,
    NeverContacted,
}

/// When a contact is next due, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NextDue {
    pub due: Date,
    pub reason: Reason,
}

/// What the follow-up rule reads of one contact: its last contact (as of
/// the day asked about) and the dates and rhythm of its front matter. The
/// whole-model path takes them from a [`Note`] ([`RuleFacts::of`]); the
/// index path reads them from columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleFacts {
    pub last: Option<Date>,
    pub next_contact: Option<Date>,
    pub snooze_until: Option<Date>,
    pub cadence: Option<Cadence>,
}

impl RuleFacts {
    /// The facts of a note as of `today` (its log counts up to `today`).
    pub fn of(note: &Note, today: Date) -> RuleFacts {
        RuleFacts {
            last: note.last_contact(today),
            next_contact: note.facts.next_contact,
            snooze_until: note.facts.snooze_until,
            cadence: note.facts.cadence(),
        }
    }
}

/// The follow-up rule for one contact (docs/follow-ups.md): `None` when it
/// has no rule. A snoozed contact is not due before its `snooze_until`.
pub fn next_due(note: &Note, today: Date, default_cadence: Option<Cadence>) -> Option<NextDue> {
    next_due_of(&RuleFacts::of(note, today), today, default_cadence)
}

/// [`next_due`] over the facts the rule reads.
pub fn next_due_of(
    f: &RuleFacts,
    today: Date,
    default_cadence: Option<Cadence>,
) -> Option<NextDue> {
    let nd = rule_due(f, today, default_cadence)?;
    Some(match f.snooze_until {
        Some(until) if until > nd.due => NextDue { due: until, ..nd },
        _ => nd,
    })
}

fn rule_due(f: &RuleFacts, today: Date, default_cadence: Option<Cadence>) -> Option<NextDue> {
    let last = f.last;
    if let Some(next) = f.next_contact
        && last.is_none_or(|l| next > l)
    {
        return Some(NextDue {
            due: next,
            reason: Reason::NextContact,
        });
    }
    let (cadence, reason) = match (f.cadence, default_cadence) {
        (Some(c), _) => (c, Reason::Cadence),
        (None, Some(c)) => (c, Reason::DefaultCadence),
        (None, None) => return None,
    };
    match last {
        Some(l) => cadence.after(l).map(|due| NextDue { due, reason }),
        None => Some(NextDue {
            due: today,
            reason: Reason::NeverContacted,
        }),
    }
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    (to.to_jiff_epoch_days() - from.to_jiff_epoch_days()).into()
}

trait EpochDays {
    fn to_jiff_epoch_days(self) -> i32;
}

impl EpochDays for Date {
    fn to_jiff_epoch_days(self) -> i32 {
        // days since 1970-01-01, exact for the civil calendar
        let y = i32::from(self.year()) - i32::from(self.month() <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i32::from(self.month());
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i32::from(self.day()) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

/// A follow-up in the report.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUp {
    pub path: String,
    pub name: String,
    pub due: Date,
    pub days: i64,
    pub status: Status,
    pub reason: Reason,
    pub last_contact: Option<Date>,
    /// The latest log line, something to talk about.
    #[serde(skip)]
    pub talking_point: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BirthdayItem {
    pub path: String,
    pub name: String,
    pub date: Date,
    pub days: i64,
    pub age: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenEntry {
    pub path: String,
    pub name: String,
    pub text: String,
    pub due: Option<Date>,
    pub line: usize,
    #[serde(skip)]
    pub days: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ColdEntry {
    pub path: String,
    pub name: String,
    pub last_contact: Option<Date>,
}

/// The `due` answer.
#[derive(Debug, Clone, Serialize)]
pub struct DueReport {
    pub today: Date,
    pub cold: Vec<ColdEntry>,
    pub followups: Vec<FollowUp>,
    pub birthdays: Vec<BirthdayItem>,
    pub open: Vec<OpenEntry>,
}

impl DueReport {
    pub fn is_empty(&self) -> bool {
        self.cold.is_empty()
            && self.followups.is_empty()
            && self.birthdays.is_empty()
            && self.open.is_empty()
    }
}

/// What `due` was asked.
#[derive(Debug, Clone, Copy)]
pub struct DueOptions {
    pub today: Date,
    pub days: i64,
    pub all_open: bool,
    pub cold: Option<Cadence>,
    pub default_cadence: Option<Cadence>,
}

impl DueOptions {
    /// The window `days` from `today`: dated open items only, no cold list.
    pub fn window(today: Date, days: i64, default_cadence: Option<Cadence>) -> DueOptions {
        DueOptions {
            today,
            days,
            all_open: false,
            cold: None,
            default_cadence,
        }
    }
}

/// Apply the follow-up rules (docs/follow-ups.md) to every active contact.
pub fn due(notes: &[Note], o: &DueOptions) -> DueReport {
    let mut r = DueReport::new(o.today);
    r.add(notes, o);
    r.sorted()
}

impl DueReport {
    /// No rows yet: [`DueReport::add`] the notes (in parts, in any order),
    /// then [`DueReport::sorted`].
    pub fn new(today: Date) -> DueReport {
        DueReport {
            today,
            cold: vec![],
            followups: vec![],
            birthdays: vec![],
            open: vec![],
        }
    }

    /// Add the rows of `notes`.
    pub fn add(&mut self, notes: &[Note], o: &DueOptions) {
        let today = o.today;
        let w = Window::new(o);
        for n in notes
            .iter()
            .filter(|n| n.is_contact && !n.facts.is_inactive())
        {
            let facts = RuleFacts::of(n, today);
            match next_due_of(&facts, today, o.default_cadence) {
                Some(nd) => self.followups.extend(w.followup(n, nd, facts.last)),
                None => self.cold.extend(w.cold(n, facts.last)),
            }
            self.birthdays.extend(w.birthday(n));
            self.open.extend(w.open_items(n));
        }
    }

    /// The rows in the report's order, which ends on the path: the same
    /// whatever order the notes were added in.
    pub fn sorted(mut self) -> DueReport {
        sort_report(&mut self);
        self
    }
}

/// The question `due` answers for each contact: the options and the last
/// day of the window. Its tests decide every row of the report, for notes
/// and for the index's columns alike.
pub struct Window<'a> {
    o: &'a DueOptions,
    horizon: Date,
}

impl Window<'_> {
    pub fn new(o: &DueOptions) -> Window<'_> {
        Window {
            o,
            horizon: o
                .today
                .saturating_add(jiff::Span::new().days(o.days.clamp(0, 100_000))),
        }
    }

    /// Does the rule's date fall in the window (or is it past)?
    pub fn lists_followup(&self, nd: NextDue) -> bool {
        nd.due <= self.horizon
    }

    /// Is a contact with no rule, last seen `last`, going cold?
    pub fn is_cold(&self, last: Option<Date>) -> bool {
        let Some(cold) = self.o.cold else {
            return false;
        };
        let threshold = cold.before(self.o.today);
        last.is_none() || threshold.is_some_and(|t| last.is_some_and(|l| l < t))
    }

    /// The next birthday, when it falls in the window.
    pub fn birthday_on(&self, b: Birthday) -> Option<Date> {
        b.next_on_or_after(self.o.today)
            .filter(|&d| d <= self.horizon)
    }

    /// Is an open item due on `due` (or undated) listed?
    pub fn lists_open(&self, due: Option<Date>) -> bool {
        self.o.all_open || due.is_some_and(|d| d <= self.horizon)
    }

    /// Does an active contact with these facts have a row in the report?
    pub fn lists(
        &self,
        f: &RuleFacts,
        birthday: Option<Birthday>,
        mut open: impl Iterator<Item = Option<Date>>,
    ) -> bool {
        let listed = match next_due_of(f, self.o.today, self.o.default_cadence) {
            Some(nd) => self.lists_followup(nd),
            None => self.is_cold(f.last),
        };
        listed
            || birthday.is_some_and(|b| self.birthday_on(b).is_some())
            || open.any(|d| self.lists_open(d))
    }

    /// A follow-up when the rule's date falls in the window (or is past).
    fn followup(&self, n: &Note, nd: NextDue, last: Option<Date>) -> Option<FollowUp> {
        let today = self.o.today;
        self.lists_followup(nd).then(|| FollowUp {
            path: n.path.clone(),
            name: n.name.clone(),
            due: nd.due,
            days: days_between(today, nd.due),
            status: if nd.due < today {
                Status::Overdue
            } else {
                Status::Due
            },
            reason: nd.reason,
            last_contact: last,
            talking_point: n.last_log(today).map(|e| format!("{} {}", e.date, e.text)),
        })
    }

    /// A contact with no rule, not seen for longer than `cold` (or never).
    fn cold(&self, n: &Note, last: Option<Date>) -> Option<ColdEntry> {
        self.is_cold(last).then(|| ColdEntry {
            path: n.path.clone(),
            name: n.name.clone(),
            last_contact: last,
        })
    }

    /// The next birthday, when it falls in the window.
    fn birthday(&self, n: &Note) -> Option<BirthdayItem> {
        let today = self.o.today;
        let b = n.facts.birthday()?;
        let next = self.birthday_on(b)?;
        Some(BirthdayItem {
            path: n.path.clone(),
            name: n.name.clone(),
            date: next,
            days: days_between(today, next),
            age: b.year.map(|y| i64::from(next.year()) - i64::from(y)),
        })
    }

    /// Open items due in the window, or every open item with `all_open`.
    fn open_items<'n>(&'n self, n: &'n Note) -> impl Iterator<Item = OpenEntry> + 'n {
        n.open
            .iter()
            .filter(|item| self.lists_open(item.due))
            .map(|item| OpenEntry {
                path: n.path.clone(),
                name: n.name.clone(),
                text: item.text.clone(),
                due: item.due,
                line: item.line,
                days: item.due.map(|d| days_between(self.o.today, d)),
            })
    }
}

/// Each section in its order: overdue first then by date; birthdays and
/// dated open items by date; cold contacts longest unseen first.
fn sort_report(r: &mut DueReport) {
    r.followups.sort_by(|a, b| {
        (a.status != Status::Overdue)
            .cmp(&(b.status != Status::Overdue))
            .then(a.due.cmp(&b.due))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.path.cmp(&b.path))
    });
    r.birthdays.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.path.cmp(&b.path))
    });
    r.open.sort_by(|a, b| {
        match (a.due, b.due) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
        .then_with(|| a.name.cmp(&b.name))
        .then(a.line.cmp(&b.line))
        .then_with(|| a.path.cmp(&b.path))
    });
    r.cold.sort_by(|a, b| {
        a.last_contact
            .cmp(&b.last_contact)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.path.cmp(&b.path))
    });
}

#[cfg(test)]
mod tests {
    use jiff::civil::{Date, date};

    use super::{DueOptions, Reason, Status, due, next_due};
    use crate::vault::cadence::Cadence;
    use crate::vault::note::{Note, parse_note};

    fn note(front: &str, body: &str) -> Note {
        let name = if front.contains("name:") {
            ""
        } else {
            "name: X\n"
        };
        parse_note(
            "p/x.md",
            format!("---\n{name}{front}---\n{body}").as_bytes(),
        )
        .note
    }

    const TODAY: Date = date(2026, 11, 26);

    #[test]
    fn next_due_table() {
        let c = |s: &str| Cadence::parse(s).ok();
        // (case, front matter, body, default cadence, expected)
        type Row<'a> = (
            &'a str,
            &'a str,
            &'a str,
            Option<Cadence>,
            Option<(Date, Reason)>,
        );
        let rows: Vec<Row<'_>> = vec![
            ("no rule", "", "", None, None),
            (
                "snoozed past the cadence",
                "cadence: 2w\nlast_contact: 2026-11-01\nsnooze_until: 2027-01-10\n",
                "",
                None,
                Some((date(2027, 1, 10), Reason::Cadence)),
            ),
            (
                "a snooze that ended changes nothing",
                "cadence: 2w\nlast_contact: 2026-11-01\nprm-snooze-until: 2026-11-05\n",
                "",
                None,
                Some((date(2026, 11, 15), Reason::Cadence)),
            ),
            (
                "snooze without a rule: still no rule",
                "snooze_until: 2027-01-10\n",
                "",
                None,
                None,
            ),
            (
                "next_contact",
                "next_contact: 2026-12-01\n",
                "",
                None,
                Some((date(2026, 12, 1), Reason::NextContact)),
            ),
            (
                "next wins over cadence",
                "next_contact: 2026-12-01\ncadence: 1w\nlast_contact: 2026-11-20\n",
                "",
                None,
                Some((date(2026, 12, 1), Reason::NextContact)),
            ),
            (
                "stale next_contact falls back to cadence",
                "next_contact: 2026-11-01\ncadence: 2w\n",
                "- 2026-11-10 call\n",
                None,
                Some((date(2026, 11, 24), Reason::Cadence)),
            ),
            (
                "stale next_contact, no cadence: no rule",
                "next_contact: 2026-11-01\nlast_contact: 2026-11-05\n",
                "",
                None,
                None,
            ),
            (
                "next equal to last is stale",
                "next_contact: 2026-11-05\nlast_contact: 2026-11-05\ncadence: 10d\n",
                "",
                None,
                Some((date(2026, 11, 15), Reason::Cadence)),
            ),
            (
                "log date after front matter date",
                "last_contact: 2026-10-01\ncadence: 6w\n",
                "- 2026-11-01 lunch\n",
                None,
                Some((date(2026, 12, 13), Reason::Cadence)),
            ),
            (
                "future log entry is not a contact",
                "last_contact: 2026-10-01\ncadence: 6w\n",
                "- 2026-12-24 planned dinner\n",
                None,
                Some((date(2026, 11, 12), Reason::Cadence)),
            ),
            (
                "month-end cadence clamps",
                "last_contact: 2026-01-31\ncadence: 1mo\n",
                "",
                None,
                Some((date(2026, 2, 28), Reason::Cadence)),
            ),
            (
                "never contacted",
                "cadence: 3mo\n",
                "",
                None,
                Some((TODAY, Reason::NeverContacted)),
            ),
            (
                "default cadence",
                "last_contact: 2026-09-01\n",
                "",
                c("3mo"),
                Some((date(2026, 12, 1), Reason::DefaultCadence)),
            ),
            (
                "own cadence beats default",
                "last_contact: 2026-09-01\ncadence: 1y\n",
                "",
                c("3mo"),
                Some((date(2027, 9, 1), Reason::Cadence)),
            ),
            (
                "bad cadence ignored",
                "last_contact: 2026-09-01\ncadence: often\n",
                "",
                None,
                None,
            ),
            (
                "heading log entry counts",
                "cadence: 10d\n",
                "## 2026-11-20 Workshop\n",
                None,
                Some((date(2026, 11, 30), Reason::Cadence)),
            ),
            (
                "task date is not a contact",
                "cadence: 10d\nlast_contact: 2026-11-01\n",
                "- [ ] 2026-11-20 call\n",
                None,
                Some((date(2026, 11, 11), Reason::Cadence)),
            ),
        ];
        for (case, front, body, dc, want) in rows {
            let got = next_due(&note(front, body), TODAY, dc).map(|n| (n.due, n.reason));
            assert_eq!(got, want, "{case}");
        }
    }

    fn opts(days: i64) -> DueOptions {
        DueOptions {
            today: TODAY,
            days,
            all_open: false,
            cold: None,
            default_cadence: None,
        }
    }

    #[test]
    fn window_boundaries_status_and_order() {
        let notes = vec![
            note("name: B\nnext_contact: 2026-12-10\n", ""), // exactly today+14: due
            note("name: C\nnext_contact: 2026-12-11\n", ""), // today+15: not listed
            note("name: A\nnext_contact: 2026-11-25\n", ""), // overdue by one day
            note("name: D\nnext_contact: 2026-11-26\n", ""), // today: due, days 0
            note("name: E\nnext_contact: 2026-11-20\nstatus: archived\n", ""),
            note("name: F\nnext_contact: 2026-11-20\nstatus: Paused\n", ""),
        ];
        let r = due(&notes, &opts(14));
        let got: Vec<(&str, Status, i64)> = r
            .followups
            .iter()
            .map(|f| (f.name.as_str(), f.status, f.days))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", Status::Overdue, -1),
                ("D", Status::Due, 0),
                ("B", Status::Due, 14)
            ]
        );
    }

    #[test]
    fn birthdays_and_feb_29() {
        let notes = vec![
            note("name: Leap\nbirthday: 2000-02-29\n", ""),
            note("name: NoYear\nbirthday: --12-01\n", ""),
            note("name: Far\nbirthday: 1990-06-01\n", ""),
        ];
        let mut o = opts(14);
        o.today = date(2027, 2, 20);
        let r = due(&notes, &o);
        assert_eq!(r.birthdays.len(), 1);
        assert_eq!(r.birthdays[0].date, date(2027, 2, 28));
        assert_eq!(r.birthdays[0].age, Some(27));
        let r = due(&notes, &opts(14));
        assert_eq!(r.birthdays.len(), 1);
        assert_eq!(r.birthdays[0].name, "NoYear");
        assert_eq!(r.birthdays[0].age, None);
        assert_eq!(r.birthdays[0].days, 5);
    }

    #[test]
    fn open_items_and_cold() {
        let notes = vec![
            note(
                "name: A\nlast_contact: 2025-01-01\n",
                "- [ ] 2026-11-01 overdue task\n- [ ] 2027-06-01 far task\n- [ ] undated\n- [x] 2026-11-01 done\n",
            ),
            note("name: B\n", ""),
            note("name: C\nlast_contact: 2026-11-01\n", ""),
            note("name: D\nlast_contact: 2020-01-01\ncadence: 1y\n", ""),
        ];
        let r = due(&notes, &opts(14));
        assert_eq!(r.open.len(), 1);
        assert_eq!(r.open[0].text, "2026-11-01 overdue task");
        let mut o = opts(14);
        o.all_open = true;
        o.cold = Cadence::parse("6mo").ok();
        let r = due(&notes, &o);
        assert_eq!(r.open.len(), 3);
        assert_eq!(r.open[2].due, None);
        let cold: Vec<&str> = r.cold.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(cold, vec!["B", "A"]);
    }

    #[test]
    fn epoch_days_agree_with_jiff() {
        for (a, b) in [
            (date(2026, 11, 26), date(2027, 3, 1)),
            (date(1999, 12, 31), date(2000, 3, 1)),
        ] {
            let span = a.until(b).expect("span").get_days();
            assert_eq!(super::days_between(a, b), i64::from(span));
        }
    }
}

#[cfg(test)]
mod properties {
    use jiff::ToSpan;
    use jiff::civil::date;
    use proptest::prelude::*;

    use super::next_due;
    use crate::vault::note::parse_note;

    fn day(offset: i64) -> jiff::civil::Date {
        date(2026, 1, 1).saturating_add(offset.days())
    }

    proptest! {
        /// As today moves forward, the last contact and the due date never move back.
        #[test]
        fn last_and_due_are_monotonic_in_today(
            last in proptest::option::of(0i64..400),
            next in proptest::option::of(0i64..400),
            logs in proptest::collection::vec(0i64..400, 0..5),
            cadence in proptest::option::of(prop_oneof![Just("10d"), Just("6w"), Just("1mo"), Just("1y")]),
            t1 in 0i64..400,
            step in 0i64..200,
        ) {
            let mut text = String::from("---\nname: P\n");
            if let Some(l) = last { text.push_str(&format!("last_contact: {}\n", day(l))); }
            if let Some(n) = next { text.push_str(&format!("next_contact: {}\n", day(n))); }
            if let Some(c) = cadence { text.push_str(&format!("cadence: {c}\n")); }
            text.push_str("---\n");
            for l in &logs { text.push_str(&format!("- {} talk\n", day(*l))); }
            let note = parse_note("p.md", text.as_bytes()).note;
            let (a, b) = (day(t1), day(t1 + step));
            prop_assert!(note.last_contact(a) <= note.last_contact(b));
            if let (Some(x), Some(y)) = (next_due(&note, a, None), next_due(&note, b, None)) {
                prop_assert!(x.due <= y.due, "{:?} then {:?}", x, y);
            }
            // a rule, once there, stays
            if next_due(&note, a, None).is_some() && cadence.is_some() {
                prop_assert!(next_due(&note, b, None).is_some());
            }
        }
    }
}
