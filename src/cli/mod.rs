//! The command line: the only place with clap, anyhow and printing. Each
//! command builds a value through a `Session` and hands it to `render`.

pub mod args;
pub mod cmd;
pub mod exit;
pub mod render;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::args::{Cli, Command, ExportFormat, Global};
use crate::cli::exit::Exit;
use crate::cli::render::{Bar, Out};
use crate::index::SyncMode;
use crate::session::{Notices, Options, Session};

/// What every command gets: the global flags and the output.
pub struct Ctx {
    pub global: Global,
    pub out: Out,
    /// Notices left by sessions, printed to stderr when the command ends.
    pub notices: Notices,
}

impl Ctx {
    pub fn options(&self, mode: SyncMode) -> Options {
        let mode = if self.global.no_sync && mode == SyncMode::Sync {
            SyncMode::NoSync
        } else {
            mode
        };
        Options {
            vault: self.global.vault.clone(),
            today: self.global.today,
            mode,
            notices: self.notices.clone(),
        }
    }

    /// Open the vault with a fresh index (progress bar on a terminal).
    pub fn session(&self, mode: SyncMode) -> anyhow::Result<Session> {
        let bar = Bar::new(!self.global.quiet && !self.global.json);
        let s = Session::open(&self.options(mode), &bar)?;
        if s.stale.is_some() {
            self.out.mark_stale();
        }
        Ok(s)
    }
}

/// Parse the arguments, run the command, map the outcome to 0/1/2.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let global = cli.global.clone();
    let mut ctx = Ctx {
        out: Out::new(global.json, global.quiet, global.color),
        global,
        notices: Notices::default(),
    };
    let result = dispatch(&mut ctx, cli.command);
    if let Ok(notices) = ctx.notices.lock() {
        for n in notices.iter() {
            eprintln!("rapport: {}", render::terminal_safe(n));
        }
    }
    match result {
        Ok(exit) => match ctx.out.flush() {
            Ok(()) => ExitCode::from(exit.code()),
            Err(e) => {
                eprintln!("rapport: cannot write output: {e}");
                ExitCode::from(Exit::Error.code())
            }
        },
        Err(e) => {
            eprintln!("rapport: {}", one_line(&e));
            ExitCode::from(Exit::Error.code())
        }
    }
}

/// An error and its causes on one line; a cause whose text the message
/// already holds (our errors name their cause) is not repeated.
pub(crate) fn one_line(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for part in e.chain().map(|c| c.to_string()) {
        if msg.contains(&part) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&part);
    }
    msg.replace('\n', " ")
}

fn dispatch(ctx: &mut Ctx, command: Command) -> anyhow::Result<Exit> {
    match command {
        Command::Index { rebuild } => cmd::index::run(ctx, rebuild),
        Command::Search {
            query,
            limit,
            concepts,
        } => cmd::search::run(ctx, &query.join(" "), limit, concepts),
        Command::Due { days, all, cold } => cmd::due::run(ctx, days, all, cold),
        Command::Match {
            topic,
            file,
            limit,
            explain,
            fresh,
        } => cmd::matching::run(ctx, &topic, file.as_deref(), limit, explain, fresh),
        Command::Topics => cmd::topics::run_topics(ctx),
        Command::Intros { limit } => cmd::topics::run_intros(ctx, limit),
        Command::Show { name } => cmd::show::run(ctx, &name),
        Command::Check => cmd::check::run(ctx),
        Command::New {
            name,
            field,
            interests,
            tags,
            cadence,
            edit,
        } => cmd::new::run(
            ctx,
            &cmd::new::NewArgs {
                name,
                field,
                interests,
                tags,
                cadence,
                edit,
            },
        ),
        Command::Log {
            name,
            text,
            date,
            next,
        } => cmd::log::run(ctx, &name, &text.join(" "), date, next),
        Command::Snooze { name, until } => cmd::snooze::run(ctx, &name, until),
        Command::Give { words, file, date } => cmd::give::give(ctx, &words, file.as_deref(), date),
        Command::Got { name, text, date } => cmd::give::got(ctx, &name, &text.join(" "), date),
        Command::Ledger { name, since } => cmd::give::ledger(ctx, name.as_deref(), since),
        Command::Brief { name } => cmd::brief::brief(ctx, &name),
        Command::Plan { capacity, days } => cmd::brief::plan(ctx, capacity, days),
        Command::Export {
            format: ExportFormat::Ics { days, plan },
        } => cmd::export::ics(ctx, days, plan),
        Command::Export {
            format: ExportFormat::Vcard { out, version },
        } => cmd::import::export_vcard(ctx, out.as_deref(), &version),
        Command::Import {
            paths,
            dry_run,
            format,
            tags,
        } => cmd::import::run(ctx, &paths, dry_run, format, &tags),
        Command::Completions { shell } => cmd::completions::completions(ctx, shell),
        Command::Man => cmd::completions::man(ctx),
        Command::Watch { poll, ics, days } => cmd::watch::run(ctx, poll, ics, days),
        Command::Init { no_git } => cmd::init::run(ctx, no_git),
        Command::MergeDriver {
            base,
            ours,
            theirs,
            path,
        } => cmd::merge_driver::run(ctx, &base, &ours, &theirs, path.as_deref()),
    }
}
