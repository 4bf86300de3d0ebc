//! `search QUERY`: ranked hits with path:line, name and a highlighted snippet.

use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::args::SearchArgs;
use crate::cli::exit::Exit;
use crate::cli::render::{BOLD, GREEN, MAGENTA};
use crate::concepts::Concepts;
use crate::index::SyncMode;
use crate::index::engine::query::{Hit, concept_query};

#[derive(Serialize)]
struct SearchResult<'a> {
    query: &'a str,
    hits: Vec<Hit>,
}

pub fn run(ctx: &mut Ctx, a: SearchArgs) -> anyhow::Result<Exit> {
    let SearchArgs {
        query,
        limit,
        concepts,
    } = a;
    let query = &query.join(" ");
    let s = ctx.session(SyncMode::Sync)?;
    let widened;
    let query = if concepts {
        widened = concept_query(query, &Concepts::with_user(&s.config.concepts));
        widened.as_str()
    } else {
        query
    };
    let hits = s.search(query, limit)?;
    let exit = if hits.is_empty() {
        Exit::NothingFound
    } else {
        Exit::Ok
    };
    if ctx.out.json {
        ctx.out.json(&SearchResult { query, hits });
        return Ok(exit);
    }
    for h in &hits {
        let loc = match h.line {
            Some(l) => format!(
                "{}:{}",
                ctx.out.styled(MAGENTA, &h.path),
                ctx.out.styled(GREEN, &l.to_string())
            ),
            None => ctx.out.styled(MAGENTA, &h.path),
        };
        let head = format!("{loc}  {}", ctx.out.styled(BOLD, &h.name));
        ctx.out.line(head);
        if !h.snippet.is_empty() {
            let snip = ctx.out.highlight(&h.snippet, &h.highlights);
            ctx.out.line(format!("    {}", snip.trim()));
        }
    }
    Ok(exit)
}
