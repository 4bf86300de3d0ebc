//! `watch [--poll [INTERVAL]]`: keep the index live, printing one line (or one
//! JSON object) per change as it happens; Ctrl-C or SIGTERM commits what is
//! pending and exits 0.

use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use anstyle::Style;

use crate::cli::Ctx;
use crate::cli::args::ColorWhen;
use crate::cli::exit::Exit;
use crate::cli::render::{Bar, CYAN, DIM, GREEN, RED, YELLOW};
use crate::session::{SessionError, find_vault, load_config};
use crate::vault::rules::NoteRules;
use crate::watch::{Change, DEBOUNCE, DEFAULT_POLL, Options, Stopper, Watch};

/// `--poll` INTERVAL: `500ms`, `2s`, `1m`, or plain seconds (`2`).
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let d = match t.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let sd: jiff::SignedDuration = t
                .parse()
                .map_err(|_| format!("{s:?} is not an interval like 500ms, 2s or 1m"))?;
            Duration::try_from(sd).map_err(|_| format!("{s:?}: the interval must be positive"))?
        }
    };
    if d < Duration::from_millis(10) {
        return Err(format!("{s:?}: the interval must be at least 10ms"));
    }
    Ok(d)
}

/// Prints each change the moment it happens. A closed stdout (`| head`)
/// ends the watch quietly.
struct Printer {
    json: bool,
    quiet: bool,
    poll: Option<Duration>,
    terminal: bool,
    out: anstream::AutoStream<io::Stdout>,
    stopper: Stopper,
    closed: bool,
}

fn styled(style: Style, s: &str) -> String {
    format!("{style}{s}{style:#}")
}

impl Printer {
    fn print(&mut self, c: &Change) {
        if let Change::Warning { message } = c {
            eprintln!("rapport: warning: {message}");
            return;
        }
        if self.quiet || self.closed {
            return;
        }
        let line = if self.json {
            serde_json::to_string(c).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
        } else {
            match c {
                Change::Watching { vault, notes } => {
                    let how = match self.poll {
                        Some(d) => format!(", polling every {}", human(d)),
                        None => String::new(),
                    };
                    let hint = if self.terminal {
                        format!(" {}", styled(DIM, "Ctrl-C to stop"))
                    } else {
                        String::new()
                    };
                    format!("watching {vault} ({notes} notes{how}){hint}")
                }
                Change::Added { path } => format!("{} {path}", styled(GREEN, "added")),
                Change::Updated { path } => format!("{} {path}", styled(YELLOW, "updated")),
                Change::Removed { path } => format!("{} {path}", styled(RED, "removed")),
                Change::Rescanned { notes } => {
                    format!("{} {notes} notes", styled(CYAN, "rescanned"))
                }
                Change::VaultMissing { vault } => format!(
                    "lost the vault folder {vault} (removed, moved or replaced); waiting for it to come back"
                ),
                Change::Warning { .. } => return,
            }
        };
        let r = writeln!(self.out, "{line}").and_then(|()| self.out.flush());
        if r.is_err() {
            self.closed = true;
            self.stopper.stop();
        }
    }
}

fn human(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

pub fn run(ctx: &mut Ctx, poll: Option<Option<Duration>>) -> anyhow::Result<Exit> {
    let root = find_vault(ctx.global.vault.as_deref())?;
    let config = load_config(&root)?;
    let rules = NoteRules::new(&config.ignore).map_err(|e| SessionError::Config {
        path: ".rapport/config.toml".into(),
        message: e.to_string(),
    })?;
    let opts = Options {
        poll: poll.map(|p| p.unwrap_or(DEFAULT_POLL)),
        debounce: DEBOUNCE,
    };
    let watch = Watch::new(&root, rules, opts);

    // First signal: commit what is pending and exit 0. A second one while
    // that runs: leave at once (the index survives being killed).
    let stopper = watch.stopper();
    let mut signals = 0u32;
    ctrlc::set_handler(move || {
        signals += 1;
        if signals > 1 {
            std::process::exit(130);
        }
        stopper.stop();
    })?;

    let choice = match ctx.global.color {
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
        ColorWhen::Auto => anstream::ColorChoice::Auto,
    };
    let mut printer = Printer {
        json: ctx.global.json,
        quiet: ctx.global.quiet,
        poll: opts.poll,
        terminal: io::stdout().is_terminal(),
        out: anstream::AutoStream::new(io::stdout(), choice),
        stopper: watch.stopper(),
        closed: false,
    };
    let bar = Bar::new(!ctx.global.quiet && !ctx.global.json);
    watch.run(&bar, &mut |c| printer.print(&c))?;
    Ok(Exit::Ok)
}
