//! `show NAME`: one contact's facts, last and next contact, open items, links.

use jiff::civil::Date;
use serde_json::{Map, Value, json};

use crate::cli::Ctx;
use crate::cli::args::ShowArgs;
use crate::cli::cmd::{Trouble, trouble_line, troubles};
use crate::cli::exit::Exit;
use crate::cli::render::{BOLD, DIM, MAGENTA, Out, RED, YELLOW, ago, rel_days};
use crate::followup::{NextDue, next_due};
use crate::index::SyncMode;
use crate::links::{LinkIn, LinkOut, links_in, links_out};
use crate::session::whole_model;
use crate::topics::LinkResolver;
use crate::vault::fields::{FIELDS, values};
use crate::vault::note::Note;

/// Everything `show` prints about one note, computed once for both outputs.
struct View<'a> {
    note: &'a Note,
    today: Date,
    last: Option<Date>,
    next: Option<NextDue>,
    links_out: Vec<LinkOut>,
    links_in: Vec<LinkIn>,
    problems: Vec<Trouble>,
}

pub fn run(ctx: &mut Ctx, a: ShowArgs) -> anyhow::Result<Exit> {
    let ShowArgs { name } = a;
    let s = ctx.session(SyncMode::Sync)?;
    // the whole model, or the note and the notes beside it that the
    // answer depends on (`Session::one_note`): the same code runs over both
    let (notes, me) = if whole_model() {
        let notes = s.notes()?;
        let path = s.resolve(&notes, name.as_str())?.path.clone();
        let me = notes.iter().position(|n| n.path == path).unwrap_or(0);
        (notes, me)
    } else {
        s.one_note(name.as_str(), true)?
    };
    let note = &notes[me];
    let today = s.today();
    let resolver = LinkResolver::new(&notes);
    let next = if note.is_contact && !note.facts.is_inactive() {
        next_due(note, today, s.config.default_cadence)
    } else {
        None
    };
    let view = View {
        note,
        today,
        last: note.last_contact(today),
        next,
        links_out: links_out(&notes, &resolver, note),
        links_in: links_in(&notes, &resolver, me),
        problems: troubles([note]),
    };
    if ctx.out.json {
        ctx.out.json(&json_view(&view)?);
        return Ok(Exit::Ok);
    }
    let o = &mut ctx.out;
    o.line(format!(
        "{}  {}",
        o.styled(BOLD, &note.name),
        o.styled(MAGENTA, &note.path)
    ));
    let width = facts_section(o, &view);
    next_due_section(o, &view, width);
    open_section(o, note);
    links_section(o, &view);
    log_section(o, note);
    trouble_line(o, &view.problems);
    Ok(Exit::Ok)
}

/// Days from `from` to `to` (negative when `to` is earlier).
fn days_between(from: Date, to: Date) -> i64 {
    i64::from(from.until(to).map(|s| s.get_days()).unwrap_or(0))
}

/// The `--json` document: the facts (extra keys flattened in), then the
/// computed values; `problems` only when there are any.
fn json_view(v: &View) -> anyhow::Result<Value> {
    let note = v.note;
    let mut obj: Map<String, Value> = match serde_json::to_value(&note.facts)? {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if let Some(Value::Object(extra)) = obj.remove("extra") {
        for (k, val) in extra {
            obj.entry(k).or_insert(val);
        }
    }
    let next_due = v.next.map(|d| {
        json!({
            "due": d.due,
            "days": days_between(v.today, d.due),
            "status": if d.due < v.today { "overdue" } else { "due" },
            "reason": d.reason,
        })
    });
    obj.insert("path".into(), json!(note.path));
    obj.insert("name".into(), json!(note.name));
    obj.insert("is_contact".into(), json!(note.is_contact));
    obj.insert("last_contact".into(), json!(v.last));
    obj.insert("next_due".into(), next_due.unwrap_or(Value::Null));
    obj.insert("open".into(), json!(note.open));
    obj.insert("log".into(), json!(note.log));
    obj.insert("links_out".into(), serde_json::to_value(&v.links_out)?);
    obj.insert("links_in".into(), serde_json::to_value(&v.links_in)?);
    if !v.problems.is_empty() {
        obj.insert("problems".into(), serde_json::to_value(&v.problems)?);
    }
    Ok(Value::Object(obj))
}

/// The label/value rows of the facts table, in the field table's order,
/// then extra keys, then the last contact; empty values left out.
fn fact_rows(v: &View) -> Vec<(String, String)> {
    let f = &v.note.facts;
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, val: String| {
        if !val.is_empty() {
            rows.push((k.to_string(), val));
        }
    };
    let mut shown: Vec<_> = FIELDS
        .iter()
        .filter_map(|d| d.show.map(|(label, place)| (place, label, d)))
        .collect();
    shown.sort_by_key(|s| s.0);
    for (_, label, d) in shown {
        put(label, values(d, f).join(", "));
    }
    for (k, val) in &f.extra {
        let text = match val {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        put(k, text);
    }
    put(
        "last contact",
        v.last
            .map(|l| format!("{l} ({})", ago(days_between(l, v.today))))
            .unwrap_or_else(|| "none recorded".into()),
    );
    rows
}

/// Prints the facts table; a value read from another tool's key says
/// which. Returns the label width, which the next-due row shares.
fn facts_section(o: &mut Out, v: &View) -> usize {
    let f = &v.note.facts;
    let mut rows = fact_rows(v);
    for (k, val) in &mut rows {
        let field = FIELDS
            .iter()
            .find(|d| d.show.is_some_and(|s| s.0 == k.as_str()))
            .map_or(k.as_str(), |d| d.key);
        let field = if k == "last contact" {
            "last_contact"
        } else {
            field
        };
        if let Some(src) = f.sources.get(field).filter(|s| s.as_str() != field) {
            val.push_str(&o.styled(DIM, &format!("  (from {src})")));
        }
    }
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(12);
    for (k, val) in &rows {
        o.line(format!(
            "  {}  {val}",
            o.styled(DIM, &format!("{k:width$}"))
        ));
    }
    width
}

/// The next-due row, red when overdue.
fn next_due_section(o: &mut Out, v: &View, width: usize) {
    let Some(d) = v.next else {
        return;
    };
    let days = days_between(v.today, d.due);
    let st = if days < 0 { RED } else { YELLOW };
    o.line(format!(
        "  {}  {} {}",
        o.styled(DIM, &format!("{:width$}", "next due")),
        d.due,
        o.styled(st, &format!("({})", rel_days(days, "overdue")))
    ));
}

/// The open items with their lines.
fn open_section(o: &mut Out, note: &Note) {
    if note.open.is_empty() {
        return;
    }
    o.line(o.styled(BOLD, "Open"));
    for i in &note.open {
        o.line(format!(
            "  - [ ] {}  {}",
            i.text,
            o.styled(DIM, &format!("line {}", i.line))
        ));
    }
}

/// The names linked to and from; a target naming no note says so.
fn links_section(o: &mut Out, v: &View) {
    if !v.links_out.is_empty() {
        let names: Vec<String> = v
            .links_out
            .iter()
            .map(|l| {
                l.name
                    .clone()
                    .unwrap_or_else(|| format!("{} (no such note)", l.target))
            })
            .collect();
        o.line(format!(
            "{} {}",
            o.styled(BOLD, "Links to"),
            names.join(", ")
        ));
    }
    if !v.links_in.is_empty() {
        let names: Vec<&str> = v.links_in.iter().map(|l| l.name.as_str()).collect();
        o.line(format!(
            "{} {}",
            o.styled(BOLD, "Linked from"),
            names.join(", ")
        ));
    }
}

/// The eight newest log entries, newest first, with their source when
/// they come from another note.
fn log_section(o: &mut Out, note: &Note) {
    if note.log.is_empty() {
        return;
    }
    o.line(o.styled(BOLD, "Log"));
    let mut log = note.log.clone();
    log.sort_by_key(|e| std::cmp::Reverse(e.date));
    for e in log.iter().take(8) {
        match &e.source {
            Some(src) => o.line(format!(
                "  {}  {}  {}",
                e.date,
                e.text,
                o.styled(DIM, &format!("{src}:{}", e.line))
            )),
            None => o.line(format!("  {}  {}", e.date, e.text)),
        }
    }
}
