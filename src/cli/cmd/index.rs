//! `index [--rebuild]`: bring the index in line and print counts.

use crate::cli::Ctx;
use crate::cli::args::IndexArgs;
use crate::cli::exit::Exit;
use crate::cli::render::{DIM, YELLOW};
use crate::index::IndexError;
use crate::index::SyncMode;
use crate::session::SessionError;

pub fn run(ctx: &mut Ctx, a: IndexArgs) -> anyhow::Result<Exit> {
    let IndexArgs { rebuild } = a;
    let mode = if rebuild {
        SyncMode::Rebuild
    } else {
        SyncMode::Sync
    };
    let s = match ctx.session(mode) {
        Ok(s) => s,
        Err(e) if !rebuild || !is_busy(&e) => return Err(e),
        Err(_) => {
            anyhow::bail!(
                "another rapport process (a running `rapport watch`) holds the index writer; stop it to rebuild"
            )
        }
    };
    let r = &s.report;
    if ctx.out.json {
        ctx.out.json(r);
        return Ok(Exit::Ok);
    }
    if s.busy {
        let m = ctx.out.styled(
            YELLOW,
            "the index is kept live by another rapport process (watch); used as it is",
        );
        ctx.out.line(m);
    }
    if !ctx.out.quiet {
        let mut line = format!(
            "{} notes: {} added, {} updated, {} removed",
            r.notes, r.added, r.updated, r.removed
        );
        if r.errors > 0 {
            line.push_str(&format!(", {} with errors (see `rapport check`)", r.errors));
        }
        if r.rebuilt {
            line.push_str(&ctx.out.styled(DIM, " (rebuilt)"));
        }
        ctx.out.line(line);
    }
    Ok(Exit::Ok)
}

fn is_busy(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<SessionError>(),
        Some(SessionError::Index(IndexError::Busy { .. }))
    )
}
