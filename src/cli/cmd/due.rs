//! `due`: follow-ups, birthdays, open items and cold contacts (§3).

use anstyle::Style;

use crate::cli::Ctx;
use crate::cli::args::DueArgs;
use crate::cli::cmd::{WithProblems, trouble_line, troubles};
use crate::cli::exit::Exit;
use crate::cli::render::{BOLD, DIM, MAGENTA, PLAIN, RED, YELLOW, ago, rel_days};
use crate::followup::{DueOptions, Reason, Status, due};
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
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
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
    let notes = s.notes()?;
    let report = due(
        &notes,
        &DueOptions {
            today: s.today(),
            days,
            all_open: all,
            cold: cold.or(s.config.cold_after),
            default_cadence: s.config.default_cadence,
        },
    );
    let problems = troubles(&notes);
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
    if !report.followups.is_empty() {
        o.line(o.styled(BOLD, "Follow-ups"));
        let rows: Vec<Vec<(String, Style)>> = report
            .followups
            .iter()
            .map(|f| {
                let st = if f.status == Status::Overdue {
                    RED
                } else {
                    YELLOW
                };
                let last = match f.last_contact {
                    Some(l) => format!(
                        "last {}",
                        ago((today.since(l).map(|s| s.get_days()).unwrap_or(0)).into())
                    ),
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
            })
            .collect();
        o.table(&rows);
    }
    if !report.birthdays.is_empty() {
        o.line("");
        o.line(o.styled(BOLD, "Birthdays"));
        let rows: Vec<Vec<(String, Style)>> = report
            .birthdays
            .iter()
            .map(|b| {
                vec![
                    ("  ".to_string() + &b.name, BOLD),
                    (b.date.to_string(), PLAIN),
                    (
                        rel_days(b.days, "ago"),
                        if b.days <= 3 { YELLOW } else { PLAIN },
                    ),
                    (b.age.map(|a| format!("turns {a}")).unwrap_or_default(), DIM),
                ]
            })
            .collect();
        o.table(&rows);
    }
    if !report.open.is_empty() {
        o.line("");
        o.line(o.styled(BOLD, "Open items"));
        let rows: Vec<Vec<(String, Style)>> = report
            .open
            .iter()
            .map(|i| {
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
            })
            .collect();
        o.table(&rows);
    }
    if !report.cold.is_empty() {
        o.line("");
        o.line(o.styled(BOLD, "Losing touch"));
        let rows: Vec<Vec<(String, Style)>> = report
            .cold
            .iter()
            .map(|c| {
                vec![
                    ("  ".to_string() + &c.name, BOLD),
                    (
                        c.last_contact
                            .map(|l| {
                                format!(
                                    "last {l} ({})",
                                    ago(today.since(l).map(|s| s.get_days()).unwrap_or(0).into())
                                )
                            })
                            .unwrap_or_else(|| "no contact recorded".into()),
                        DIM,
                    ),
                    (c.path.clone(), MAGENTA),
                ]
            })
            .collect();
        o.table(&rows);
    }
    trouble_line(o, &problems);
    Ok(Exit::Ok)
}
