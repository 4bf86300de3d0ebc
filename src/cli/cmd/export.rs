//! `export ics [--days N] [--plan]`: follow-ups, birthdays, dated open items
//! and, with `--plan`, the outreach plan as an iCalendar file on stdout
//! (built by `ics`).

use serde_json::json;

use crate::brief::plan;
use crate::cli::Ctx;
use crate::cli::exit::Exit;
use crate::concepts::Concepts;
use crate::ics::{CalendarInput, events, plan_events, render};
use crate::index::SyncMode;

pub fn ics(ctx: &mut Ctx, days: i64, with_plan: bool) -> anyhow::Result<Exit> {
    if days < 0 {
        anyhow::bail!("--days must not be negative");
    }
    let s = ctx.session(SyncMode::Sync)?;
    let notes = s.notes()?;
    let input = CalendarInput::from_notes(&notes, s.today(), days, s.config.default_cadence);
    let mut evs = events(&input);
    if with_plan {
        // the plan's periods are weeks, as `rapport plan` shows them
        const WEEK: i64 = 7;
        let p = plan(
            &notes,
            s.today(),
            WEEK,
            s.config.weekly_capacity,
            s.config.default_cadence,
            &Concepts::with_user(&s.config.concepts),
        );
        evs.extend(plan_events(&p, s.today(), WEEK));
    }
    if ctx.out.json {
        ctx.out
            .json(&json!({"today": s.today(), "days": days, "events": evs}));
    } else {
        ctx.out.raw(&render(&evs, s.today()));
    }
    Ok(Exit::Ok)
}
