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
            render::say(n);
        }
    }
    match result {
        Ok(exit) => match ctx.out.flush() {
            Ok(()) => ExitCode::from(exit.code()),
            Err(e) => {
                render::say(&format!("cannot write output: {e}"));
                ExitCode::from(Exit::Error.code())
            }
        },
        Err(e) => {
            render::say(&one_line(&e));
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
        Command::Index(a) => cmd::index::run(ctx, a),
        Command::Search(a) => cmd::search::run(ctx, a),
        Command::Due(a) => cmd::due::run(ctx, a),
        Command::Match(a) => cmd::matching::run(ctx, a),
        Command::Topics => cmd::topics::run_topics(ctx),
        Command::Intros(a) => cmd::topics::run_intros(ctx, a),
        Command::Show(a) => cmd::show::run(ctx, a),
        Command::Check => cmd::check::run(ctx),
        Command::New(a) => cmd::new::run(ctx, a),
        Command::Log(a) => cmd::log::run(ctx, a),
        Command::Snooze(a) => cmd::snooze::run(ctx, a),
        Command::Give(a) => cmd::give::give(ctx, a),
        Command::Got(a) => cmd::give::got(ctx, a),
        Command::Ledger(a) => cmd::give::ledger(ctx, a),
        Command::Brief(a) => cmd::brief::brief(ctx, a),
        Command::Plan(a) => cmd::brief::plan(ctx, a),
        Command::Export {
            format: ExportFormat::Ics { days, plan },
        } => cmd::export::ics(ctx, days, plan),
        Command::Export {
            format: ExportFormat::Vcard { out, version },
        } => cmd::import::export_vcard(ctx, out.as_deref(), &version),
        Command::Import(a) => cmd::import::run(ctx, a),
        Command::Completions(a) => cmd::completions::completions(ctx, a),
        Command::Man => cmd::completions::man(ctx),
        Command::Watch(a) => cmd::watch::run(ctx, a),
        Command::Init(a) => cmd::init::run(ctx, a),
        Command::MergeDriver(a) => cmd::merge_driver::run(ctx, a),
    }
}
