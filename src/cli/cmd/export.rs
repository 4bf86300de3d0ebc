//! `export ics [--days N]`: follow-ups, birthdays and dated open items as an
//! iCalendar file on stdout (built by `ics`).

use serde_json::json;

use crate::cli::Ctx;
use crate::cli::exit::Exit;
use crate::ics::{CalendarInput, calendar, events};
use crate::index::SyncMode;
use crate::session::Session;

pub fn ics(ctx: &mut Ctx, days: i64) -> anyhow::Result<Exit> {
    if days < 0 {
        anyhow::bail!("--days must not be negative");
    }
    let s = ctx.session(SyncMode::Sync)?;
    if ctx.out.json {
        let notes = s.notes()?;
        let input = CalendarInput::from_notes(&notes, s.today(), days, s.config.default_cadence);
        ctx.out
            .json(&json!({"today": s.today(), "days": days, "events": events(&input)}));
    } else {
        ctx.out.raw(&ics_text(&s, days)?);
    }
    Ok(Exit::Ok)
}

/// The calendar of an open session (`export ics`, `watch --ics`).
pub fn ics_text(s: &Session, days: i64) -> anyhow::Result<String> {
    let notes = s.notes()?;
    let input = CalendarInput::from_notes(&notes, s.today(), days, s.config.default_cadence);
    Ok(calendar(&input))
}
