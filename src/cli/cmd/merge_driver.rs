//! `merge-driver BASE OURS THEIRS [PATH]`: git's merge-driver protocol. Git
//! runs it (in the repository root) with three temp files; the merged note
//! replaces OURS atomically. No vault, no index: it only reads the three
//! files and writes one.

use std::path::Path;

use anyhow::anyhow;
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::args::MergeDriverArgs;
use crate::cli::exit::Exit;
use crate::edit::atomic::overwrite;
use crate::merge::{How, merge};

#[derive(Serialize)]
struct Report<'a> {
    path: &'a str,
    how: How,
    conflicts: usize,
}

pub fn run(ctx: &mut Ctx, a: MergeDriverArgs) -> anyhow::Result<Exit> {
    let MergeDriverArgs {
        base,
        ours,
        theirs,
        path,
    } = a;
    let (base, ours, theirs) = (base.as_path(), ours.as_path(), theirs.as_path());
    let path = path.as_deref();
    let shown = path.map_or_else(|| ours.display().to_string(), str::to_string);
    let read = |p: &Path, side: &str| {
        std::fs::read(p).map_err(|e| anyhow!("{shown}: cannot read {side} ({}): {e}", p.display()))
    };
    let (b, o, t) = (
        read(base, "the base version")?,
        read(ours, "our version")?,
        read(theirs, "their version")?,
    );
    let merged = merge(&b, &o, &t);
    if merged.text != o {
        overwrite(ours, &merged.text, &shown)?;
    }
    if ctx.out.json {
        ctx.out.json(&Report {
            path: &shown,
            how: merged.how,
            conflicts: merged.conflicts,
        });
    } else if merged.conflicts > 0 {
        let how = match merged.how {
            How::Contact => "contact rules",
            How::Lines => "line by line",
        };
        ctx.out.line(format!(
            "{shown}: {} conflict{} left with markers (merged {how})",
            merged.conflicts,
            if merged.conflicts == 1 { "" } else { "s" }
        ));
    }
    Ok(if merged.conflicts > 0 {
        Exit::NothingFound
    } else {
        Exit::Ok
    })
}
