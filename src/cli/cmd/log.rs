//! `log NAME TEXT [--date D] [--next DATE|SPAN]`: add a dated entry to a
//! contact's `## Log`, move `last_contact` forward, set `next_contact`.

use anyhow::anyhow;
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::args::{LogArgs, Next};
use crate::cli::exit::Exit;
use crate::edit::atomic::{Editor, no_hook};
use crate::edit::{LogRequest, log_to_file};
use crate::index::SyncMode;
use crate::vault::lookup;

#[derive(Serialize)]
struct Logged<'a> {
    path: &'a str,
    line: usize,
    date: jiff::civil::Date,
    text: &'a str,
    last_contact: Option<jiff::civil::Date>,
    last_contact_changed: bool,
    next_contact: Option<jiff::civil::Date>,
}

pub fn run(ctx: &mut Ctx, a: LogArgs) -> anyhow::Result<Exit> {
    let LogArgs {
        name,
        text,
        date,
        next,
    } = a;
    let name = name.as_str();
    let text = &text.join(" ");
    let s = ctx.session(SyncMode::Sync)?;
    let notes = s.notes()?;
    let note = lookup::find_or_plain(&notes, name)?;
    let date = date.unwrap_or(s.today());
    let next = match next {
        None => None,
        Some(Next::Date(d)) => Some(d),
        Some(Next::Span(c)) => Some(
            c.after(date)
                .ok_or_else(|| anyhow!("--next {c}: {date} + {c} is out of range"))?,
        ),
    };
    let req = LogRequest {
        date,
        text: text.to_string(),
        next,
        today: s.today(),
    };
    let editor = Editor::open(&s.root)?;
    let done = log_to_file(
        &editor,
        &s.root.join(&note.path),
        &note.path,
        &req,
        &mut no_hook,
    )?;
    drop(editor);
    let last = done.last_contact.or(done.previous_last_contact);
    if ctx.out.json {
        ctx.out.json(&Logged {
            path: &note.path,
            line: done.line,
            date,
            text: req.text.trim(),
            last_contact: last,
            last_contact_changed: done.last_contact.is_some(),
            next_contact: done.next_contact,
        });
        return Ok(Exit::Ok);
    }
    let mut msg = format!("logged {date} in {}", note.path);
    if done.last_contact.is_none() {
        if date > s.today() {
            msg.push_str("; a future date, last_contact unchanged");
        } else if let Some(p) = done.previous_last_contact.filter(|p| *p > date) {
            msg.push_str(&format!("; last_contact stays {p}"));
        }
    }
    if let Some(n) = done.next_contact {
        msg.push_str(&format!("; next contact {n}"));
    }
    ctx.out.line(msg);
    Ok(Exit::Ok)
}
