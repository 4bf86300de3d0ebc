//! `export ics [--days N]`: follow-ups, birthdays and dated open items as an
//! iCalendar file on stdout (built by `ics`).

use serde_json::json;

use crate::cli::Ctx;
use crate::cli::exit::Exit;
use crate::ics::{CalendarInput, calendar, events};
use crate::index::SyncMode;

pub fn ics(ctx: &mut Ctx, days: i64) -> anyhow::Result<Exit> {
    if days < 0 {
        anyhow::bail!("--days must not be negative");
    }
    let s = ctx.session(SyncMode::Sync)?;
    let notes = s.notes()?;
    let input = CalendarInput::from_notes(&notes, s.today, days, s.config.default_cadence);
    if ctx.out.json {
        ctx.out
            .json(&json!({"today": s.today, "days": days, "events": events(&input)}));
    } else {
        ctx.out.raw(&calendar(&input));
    }
    Ok(Exit::Ok)
}
