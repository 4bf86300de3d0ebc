//! `completions SHELL` and `man`: generated from the clap definition, so they
//! can never disagree with the real flags.

use clap::CommandFactory;

use crate::cli::Ctx;
use crate::cli::args::{Cli, CompletionsArgs};
use crate::cli::exit::Exit;

/// Print the completion script for `shell`.
pub fn completions(ctx: &mut Ctx, a: CompletionsArgs) -> anyhow::Result<Exit> {
    let CompletionsArgs { shell } = a;
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "rapport", &mut buf);
    ctx.out.raw(&String::from_utf8(buf)?);
    Ok(Exit::Ok)
}

/// Print the man page (roff).
pub fn man(ctx: &mut Ctx) -> anyhow::Result<Exit> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    ctx.out.raw(&String::from_utf8(buf)?);
    Ok(Exit::Ok)
}
