//! `show NAME`: one contact's facts, last and next contact, open items, links.

use serde_json::{Map, Value, json};

use crate::cli::Ctx;
use crate::cli::args::ShowArgs;
use crate::cli::cmd::{trouble_line, troubles};
use crate::cli::exit::Exit;
use crate::cli::render::{BOLD, DIM, MAGENTA, RED, YELLOW, ago, rel_days};
use crate::followup::next_due;
use crate::index::SyncMode;
use crate::topics::LinkResolver;
use crate::vault::fields::{FIELDS, values};

pub fn run(ctx: &mut Ctx, a: ShowArgs) -> anyhow::Result<Exit> {
    let ShowArgs { name } = a;
    let name = name.as_str();
    let s = ctx.session(SyncMode::Sync)?;
    let notes = s.notes()?;
    let note = s.resolve(&notes, name)?;
    let today = s.today();
    let resolver = LinkResolver::new(&notes);
    let me = notes.iter().position(|n| n.path == note.path);
    let links_out: Vec<Value> = note
        .links
        .iter()
        .map(|l| {
            let target = resolver.resolve(&l.target).first().map(|&i| &notes[i]);
            json!({
                "target": l.target,
                "name": target.map(|n| n.name.clone()),
                "path": target.map(|n| n.path.clone()),
                "line": l.line,
            })
        })
        .collect();
    let mut links_in: Vec<Value> = Vec::new();
    for (i, n) in notes.iter().enumerate() {
        if Some(i) == me {
            continue;
        }
        if let Some(l) = n
            .links
            .iter()
            .find(|l| me.is_some_and(|m| resolver.resolve(&l.target).contains(&m)))
        {
            links_in.push(json!({"name": n.name, "path": n.path, "line": l.line}));
        }
    }
    let last = note.last_contact(today);
    let nd = if note.is_contact && !note.facts.is_inactive() {
        next_due(note, today, s.config.default_cadence)
    } else {
        None
    };
    let next_due_v = nd.map(|d| {
        let days = i64::from(today.until(d.due).map(|s| s.get_days()).unwrap_or(0));
        json!({
            "due": d.due,
            "days": days,
            "status": if d.due < today { "overdue" } else { "due" },
            "reason": d.reason,
        })
    });
    let mut obj: Map<String, Value> = match serde_json::to_value(&note.facts)? {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if let Some(Value::Object(extra)) = obj.remove("extra") {
        for (k, v) in extra {
            obj.entry(k).or_insert(v);
        }
    }
    obj.insert("path".into(), json!(note.path));
    obj.insert("name".into(), json!(note.name));
    obj.insert("is_contact".into(), json!(note.is_contact));
    obj.insert("last_contact".into(), json!(last));
    obj.insert("next_due".into(), next_due_v.unwrap_or(Value::Null));
    obj.insert("open".into(), json!(note.open));
    obj.insert("log".into(), json!(note.log));
    obj.insert("links_out".into(), Value::Array(links_out.clone()));
    obj.insert("links_in".into(), Value::Array(links_in.clone()));
    let problems = troubles([note]);
    if ctx.out.json {
        if !problems.is_empty() {
            obj.insert("problems".into(), serde_json::to_value(&problems)?);
        }
        ctx.out.json(&Value::Object(obj));
        return Ok(Exit::Ok);
    }
    let o = &mut ctx.out;
    o.line(format!(
        "{}  {}",
        o.styled(BOLD, &note.name),
        o.styled(MAGENTA, &note.path)
    ));
    let f = &note.facts;
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| {
        if !v.is_empty() {
            rows.push((k.to_string(), v));
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
    for (k, v) in &f.extra {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        put(k, text);
    }
    put(
        "last contact",
        last.map(|l| {
            format!(
                "{l} ({})",
                ago(i64::from(l.until(today).map(|s| s.get_days()).unwrap_or(0)))
            )
        })
        .unwrap_or_else(|| "none recorded".into()),
    );
    // a value read from another tool's key says which
    for (k, v) in &mut rows {
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
            v.push_str(&o.styled(DIM, &format!("  (from {src})")));
        }
    }
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(12);
    for (k, v) in &rows {
        o.line(format!("  {}  {v}", o.styled(DIM, &format!("{k:width$}"))));
    }
    if let Some(d) = nd {
        let days = i64::from(today.until(d.due).map(|s| s.get_days()).unwrap_or(0));
        let st = if days < 0 { RED } else { YELLOW };
        o.line(format!(
            "  {}  {} {}",
            o.styled(DIM, &format!("{:width$}", "next due")),
            d.due,
            o.styled(st, &format!("({})", rel_days(days, "overdue")))
        ));
    }
    if !note.open.is_empty() {
        o.line(o.styled(BOLD, "Open"));
        for i in &note.open {
            o.line(format!(
                "  - [ ] {}  {}",
                i.text,
                o.styled(DIM, &format!("line {}", i.line))
            ));
        }
    }
    let names = |v: &[Value]| -> String {
        v.iter()
            .map(|l| {
                l["name"].as_str().map(str::to_string).unwrap_or_else(|| {
                    format!("{} (no such note)", l["target"].as_str().unwrap_or(""))
                })
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !links_out.is_empty() {
        o.line(format!(
            "{} {}",
            o.styled(BOLD, "Links to"),
            names(&links_out)
        ));
    }
    if !links_in.is_empty() {
        o.line(format!(
            "{} {}",
            o.styled(BOLD, "Linked from"),
            names(&links_in)
        ));
    }
    if !note.log.is_empty() {
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
    trouble_line(&mut ctx.out, &problems);
    Ok(Exit::Ok)
}
