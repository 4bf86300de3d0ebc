//! `topics` and `intros` (docs/commands.md, "topics", "intros").

use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::args::IntrosArgs;
use crate::cli::cmd::{WithProblems, trouble_line, troubles};
use crate::cli::exit::Exit;
use crate::cli::render::{BOLD, CYAN, DIM, PLAIN};
use crate::concepts::Concepts;
use crate::index::SyncMode;
use crate::session::whole_model;
use crate::topics::{Kind, Pair, Topic, intros, intros_of, topics, topics_of};

#[derive(Serialize)]
struct Topics {
    topics: Vec<Topic>,
}

#[derive(Serialize)]
struct Intros {
    pairs: Vec<Pair>,
}

fn kind(k: Kind) -> &'static str {
    match k {
        Kind::Interest => "interest",
        Kind::Field => "field",
        Kind::Training => "training",
        Kind::Tag => "tag",
    }
}

pub fn run_topics(ctx: &mut Ctx) -> anyhow::Result<Exit> {
    let s = ctx.session(SyncMode::Sync)?;
    let concepts = Concepts::with_user(&s.config.concepts);
    let from_index = if whole_model() {
        None
    } else {
        s.topic_values()?
    };
    let t = match from_index {
        Some(v) => topics_of(v.carried, &concepts, |&r| {
            v.names.get(r as usize).cloned().unwrap_or_default()
        }),
        None => topics(&s.notes()?, &concepts),
    };
    // the answer is known; it names every holder of every value
    ctx.out.streams();
    if ctx.out.json {
        ctx.out.json(&Topics { topics: t });
        return Ok(Exit::Ok);
    }
    let rows = t.iter().map(|t| {
        let mut shown = t.topic.clone();
        if t.spellings.len() > 1 {
            shown = format!("{shown} ({})", t.spellings[1..].join(", "));
        }
        vec![
            (shown, BOLD),
            (kind(t.kind).to_string(), DIM),
            (t.contacts.len().to_string(), CYAN),
            (t.contacts.join(", "), PLAIN),
        ]
    });
    ctx.out.table(rows);
    Ok(Exit::Ok)
}

pub fn run_intros(ctx: &mut Ctx, a: IntrosArgs) -> anyhow::Result<Exit> {
    let IntrosArgs { limit } = a;
    let s = ctx.session(SyncMode::Sync)?;
    let concepts = Concepts::with_user(&s.config.concepts);
    let from_index = if whole_model() {
        None
    } else {
        s.intro_cast(&concepts)?
    };
    let (pairs, problems) = match from_index {
        Some(cast) => (
            intros_of(&cast, &concepts, limit),
            troubles(&s.notes_with_errors()?),
        ),
        None => {
            let notes = s.notes()?;
            (intros(&notes, &concepts, limit), troubles(&notes))
        }
    };
    if ctx.out.json {
        ctx.out.json(&WithProblems {
            answer: &Intros { pairs },
            problems,
        });
        return Ok(Exit::Ok);
    }
    if pairs.is_empty() && !ctx.out.quiet {
        ctx.out.line("No introductions to suggest: everyone who shares an interest or field is already linked.");
    }
    let rows = pairs.iter().map(|p| {
        vec![
            (p.a.name.clone(), BOLD),
            ("↔".to_string(), DIM),
            (p.b.name.clone(), BOLD),
            (p.shared.join(", "), CYAN),
        ]
    });
    ctx.out.table(rows);
    trouble_line(&mut ctx.out, &problems);
    Ok(Exit::Ok)
}
