//! `due`: follow-ups, birthdays, open items and cold contacts (docs/follow-ups.md).

use anstyle::Style;
use jiff::civil::Date;

use crate::cli::Ctx;
use crate::cli::args::DueArgs;
use crate::cli::cmd::{WithProblems, trouble_line, troubles};
use crate::cli::exit::Exit;
use crate::cli::render::{BOLD, DIM, MAGENTA, Out, PLAIN, RED, YELLOW, ago, rel_days};
use crate::followup::{
    BirthdayItem, ColdEntry, DueOptions, FollowUp, OpenEntry, Reason, Status, due,
};
use crate::index::SyncMode;

fn reason_text(r: Reason) -> &'static str {
    match r {
        Reason::NextContact => "planned",
        Reason::Cadence => "cadence",
        Reason::DefaultCadence => "default cadence",
        Reason::NeverContacted => "never contacted",
    }
}

fn truncate(s: &str, max: usize) -> String {
    // no more bytes than `max` is no more characters either
    if s.len() <= max || s.char_indices().nth(max).is_none() {
        return s.to_string();
    }
    let cut = s
        .char_indices()
        .nth(max.saturating_sub(1))
        .map_or(s.len(), |(i, _)| i);
    let mut t = String::with_capacity(cut + '…'.len_utf8());
    t.push_str(&s[..cut]);
    t.push('…');
    t
}

pub fn run(ctx: &mut Ctx, a: DueArgs) -> anyhow::Result<Exit> {
    let DueArgs { days, all, cold } = a;
    let s = ctx.session(SyncMode::Sync)?;
    let days = days.unwrap_or(s.config.window_days);
    if days < 0 {
        anyhow::bail!("--days must not be negative");
    }
    let opts = DueOptions {
        today: s.today(),
        days,
        all_open: all,
        cold: cold.or(s.config.cold_after),
        default_cadence: s.config.default_cadence,
    };
    let (report, problems) = match s.due_report(&opts)? {
        Some(report) => (report, troubles(&s.notes_with_errors()?)),
        None => {
            let notes = s.notes()?;
            (due(&notes, &opts), troubles(&notes))
        }
    };
    // every row is known: on a big vault they run to megabytes
    ctx.out.streams();
    if ctx.out.json {
        ctx.out.json(&WithProblems {
            answer: &report,
            problems,
        });
        return Ok(Exit::Ok);
    }
    let o = &mut ctx.out;
    if report.is_empty() {
        if !o.quiet {
            o.line(format!("Nothing due in the next {days} days."));
        }
        trouble_line(o, &problems);
        return Ok(Exit::Ok);
    }
    let today = s.today();
    followups_section(o, &report.followups, today);
    birthdays_section(o, &report.birthdays);
    open_section(o, &report.open);
    cold_section(o, &report.cold, today);
    trouble_line(o, &problems);
    Ok(Exit::Ok)
}

/// One table row: a styled cell per column.
type Row = Vec<(String, Style)>;

/// "last 3 weeks ago" style age of a contact date.
fn since(today: Date, l: Date) -> String {
    ago(today.since(l).map(|s| s.get_days()).unwrap_or(0).into())
}

/// Follow-ups: name, due date, how far off (red when overdue), the rule,
/// the last contact and a talking point.
fn followups_section(o: &mut Out, items: &[FollowUp], today: Date) {
    if items.is_empty() {
        return;
    }
    o.line(o.styled(BOLD, "Follow-ups"));
    let rows = items.iter().map(|f| -> Row {
        let st = if f.status == Status::Overdue {
            RED
        } else {
            YELLOW
        };
        let last = match f.last_contact {
            Some(l) => format!("last {}", since(today, l)),
            None => "no contact yet".into(),
        };
        vec![
            ("  ".to_string() + &f.name, BOLD),
            (f.due.to_string(), PLAIN),
            (rel_days(f.days, "overdue"), st),
            (reason_text(f.reason).to_string(), DIM),
            (last, PLAIN),
            (truncate(f.talking_point.as_deref().unwrap_or(""), 60), DIM),
        ]
    });
    o.table(rows);
}

/// Birthdays in the window, the next three days highlighted.
fn birthdays_section(o: &mut Out, items: &[BirthdayItem]) {
    if items.is_empty() {
        return;
    }
    o.line("");
    o.line(o.styled(BOLD, "Birthdays"));
    let rows = items.iter().map(|b| -> Row {
        vec![
            ("  ".to_string() + &b.name, BOLD),
            (b.date.to_string(), PLAIN),
            (
                rel_days(b.days, "ago"),
                if b.days <= 3 { YELLOW } else { PLAIN },
            ),
            (b.age.map(|a| format!("turns {a}")).unwrap_or_default(), DIM),
        ]
    });
    o.table(rows);
}

/// Open items with their due dates (when dated) and where they are written.
fn open_section(o: &mut Out, items: &[OpenEntry]) {
    if items.is_empty() {
        return;
    }
    o.line("");
    o.line(o.styled(BOLD, "Open items"));
    let rows = items.iter().map(|i| -> Row {
        let (when, st) = match i.days {
            Some(d) if d < 0 => (rel_days(d, "overdue"), RED),
            Some(d) => (rel_days(d, "overdue"), YELLOW),
            None => (String::new(), PLAIN),
        };
        vec![
            ("  ".to_string() + &i.name, BOLD),
            (when, st),
            (truncate(&i.text, 70), PLAIN),
            (format!("{}:{}", i.path, i.line), MAGENTA),
        ]
    });
    o.table(rows);
}

/// Contacts going cold: the last contact and the note.
fn cold_section(o: &mut Out, items: &[ColdEntry], today: Date) {
    if items.is_empty() {
        return;
    }
    o.line("");
    o.line(o.styled(BOLD, "Losing touch"));
    let rows = items.iter().map(|c| -> Row {
        let last = c
            .last_contact
            .map(|l| format!("last {l} ({})", since(today, l)))
            .unwrap_or_else(|| "no contact recorded".into());
        vec![
            ("  ".to_string() + &c.name, BOLD),
            (last, DIM),
            (c.path.clone(), MAGENTA),
        ]
    });
    o.table(rows);
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn truncate_keeps_whole_characters() {
        let old = |s: &str, max: usize| -> String {
            if s.chars().count() <= max {
                return s.to_string();
            }
            let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
            t.push('…');
            t
        };
        for s in ["", "abc", "Müller trifft 🚣 am See", "ééééé", "abcdef"] {
            for max in 0..12 {
                assert_eq!(truncate(s, max), old(s, max), "{s:?} {max}");
            }
        }
        assert_eq!(truncate("ééééé", 5), "ééééé");
        assert_eq!(truncate("ééééé", 4), "ééé…");
    }
}
