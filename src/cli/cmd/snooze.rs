//! `snooze NAME DATE|SPAN`: no follow-up for a contact before a date
//! (`snooze_until`, set with the minimal-diff editor).

use anyhow::anyhow;
use serde_json::json;

use crate::cli::Ctx;
use crate::cli::args::{Next, SnoozeArgs};
use crate::cli::exit::Exit;
use crate::edit::atomic::{Editor, no_hook};
use crate::edit::{edit_note, snooze};
use crate::index::SyncMode;

pub fn run(ctx: &mut Ctx, a: SnoozeArgs) -> anyhow::Result<Exit> {
    let SnoozeArgs { name, until } = a;
    let name = name.as_str();
    let s = ctx.session(SyncMode::Sync)?;
    let notes = s.notes()?;
    let note = s.resolve(&notes, name)?;
    let today = s.today();
    let until = match until {
        Next::Date(d) => d,
        Next::Span(c) => c
            .after(today)
            .ok_or_else(|| anyhow!("{c}: {today} + {c} is out of range"))?,
    };
    if until <= today {
        anyhow::bail!("{until} is not after today ({today}); nothing to snooze");
    }
    let editor = Editor::open(&s.root)?;
    edit_note(
        &editor,
        &s.root.join(&note.path),
        &note.path,
        |text| snooze(text, until).map(|t| (t, ())),
        &mut no_hook,
    )?;
    drop(editor);
    if ctx.out.json {
        ctx.out
            .json(&json!({"path": note.path, "name": note.name, "snooze_until": until}));
    } else {
        ctx.out.line(format!(
            "snoozed {} until {until} ({})",
            note.name, note.path
        ));
    }
    Ok(Exit::Ok)
}
