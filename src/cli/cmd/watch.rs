//! `watch [--poll [INTERVAL]] [--ics FILE [--days N]]`: keep the index live,
//! printing one line (or one JSON object) per change as it happens, and keep
//! an exported calendar current; Ctrl-C or SIGTERM commits what is pending
//! and exits 0.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use anstyle::Style;

use crate::cli::Ctx;
use crate::cli::args::WatchArgs;
use crate::cli::exit::Exit;
use crate::cli::render::{Bar, CYAN, DIM, GREEN, RED, YELLOW};
use crate::edit::atomic::overwrite;
use crate::ics::{CalendarInput, calendar};
use crate::index::SyncMode;
use crate::session::{self, Session, Vault};
use crate::watch::{Change, DEBOUNCE, DEFAULT_POLL, Options, Stopper, Watch};

/// Prints each change the moment it happens. A closed stdout (`| head`)
/// ends the watch quietly.
struct Printer {
    /// Told about every commit when `--ics` is on.
    ics: Option<Sender<()>>,
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
            crate::cli::render::say(&format!("warning: {message}"));
            return;
        }
        if let Change::Committed = c {
            if let Some(tx) = &self.ics {
                let _ = tx.send(());
            }
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
                Change::Warning { .. } | Change::Committed => return,
            }
        };
        // paths are anyone's file names: no control characters reach the terminal
        let line = crate::cli::render::safe_line(&line, true);
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

/// How often `--ics` looks at the clock: the calendar shows overdue items on
/// today, so it is rewritten when the date changes even if no note did.
const ICS_CLOCK: Duration = Duration::from_secs(60);
/// How soon a calendar that could not be written is tried again.
const ICS_RETRY: Duration = Duration::from_secs(5);

/// The calendar file `watch --ics` keeps current.
struct IcsFile {
    path: PathBuf,
    days: i64,
    options: session::Options,
    /// What was last written (or found there), to skip identical rewrites.
    last: Option<String>,
}

impl IcsFile {
    /// Write the calendar of the index as it is now, when it differs from
    /// what the file holds.
    fn write(&mut self, mode: SyncMode) -> anyhow::Result<()> {
        self.options.mode = mode;
        let s = Session::open_quiet(&self.options)?;
        let notes = s.notes()?;
        let text = calendar(&CalendarInput::from_notes(
            &notes,
            s.today(),
            self.days,
            s.config.default_cadence,
        ));
        if self.last.as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        overwrite(
            &self.path,
            text.as_bytes(),
            &self.path.display().to_string(),
        )?;
        self.last = Some(text);
        Ok(())
    }

    /// Rewrite after each commit (coalescing a burst) and when the date
    /// changes, until the watch drops its sender; then write once more.
    fn keep(mut self, rx: Receiver<()>) -> JoinHandle<()> {
        std::thread::spawn(move || {
            let mut day = session::today(self.options.today);
            // a failed write (disk full) is tried again soon, not only at
            // the next commit
            let mut failed = false;
            loop {
                let wait = if failed { ICS_RETRY } else { ICS_CLOCK };
                let dirty = match rx.recv_timeout(wait) {
                    Ok(()) => true,
                    Err(RecvTimeoutError::Timeout) => failed,
                    Err(RecvTimeoutError::Disconnected) => break,
                };
                while rx.try_recv().is_ok() {}
                let now = session::today(self.options.today);
                if dirty || now != day {
                    day = now;
                    failed = !self.write_or_warn();
                }
            }
            self.write_or_warn();
        })
    }

    /// Write, or warn on stderr; whether it was written.
    fn write_or_warn(&mut self) -> bool {
        match self.write(SyncMode::NoSync) {
            Ok(()) => true,
            Err(e) => {
                crate::cli::render::say(&format!("warning: --ics: {}", crate::cli::one_line(&e)));
                false
            }
        }
    }
}

fn ics_file(ctx: &Ctx, path: &Path, days: i64) -> anyhow::Result<IcsFile> {
    if days < 0 {
        anyhow::bail!("--days must not be negative");
    }
    let mut f = IcsFile {
        path: path.to_path_buf(),
        days,
        options: ctx.options(SyncMode::Sync),
        last: std::fs::read_to_string(path).ok(),
    };
    // a path that cannot be written is an error now, not a warning later
    f.write(SyncMode::Sync)?;
    Ok(f)
}

/// How long events settle: `DEBOUNCE`, or `RAPPORT_WATCH_DEBOUNCE_MS`
/// (docs/commands.md, "watch").
fn debounce() -> anyhow::Result<Duration> {
    const VAR: &str = "RAPPORT_WATCH_DEBOUNCE_MS";
    match std::env::var(VAR) {
        Err(_) => Ok(DEBOUNCE),
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(ms) if (1..=60_000).contains(&ms) => Ok(Duration::from_millis(ms)),
            _ => Err(anyhow::anyhow!(
                "{VAR}={v:?}: expected milliseconds from 1 to 60000"
            )),
        },
    }
}

pub fn run(ctx: &mut Ctx, a: WatchArgs) -> anyhow::Result<Exit> {
    let WatchArgs { poll, ics, days } = a;
    let Vault {
        root,
        rules,
        reading,
        ..
    } = Vault::resolve(ctx.global.vault.as_deref())?;
    let opts = Options {
        poll: poll.map(|p| p.unwrap_or(DEFAULT_POLL)),
        debounce: debounce()?,
    };
    let ics = ics.map(|p| ics_file(ctx, &p, days)).transpose()?;
    let again = root.clone();
    let watch = Watch::new(&root, rules, reading, opts).with_reload(Box::new(move || {
        Vault::load(again.clone())
            .map(|v| (v.rules, v.reading))
            .map_err(|e| e.to_string())
    }));

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

    let choice = crate::cli::render::colour_choice(ctx.global.color);
    let (ics_tx, keeper) = match ics {
        Some(f) => {
            let (tx, rx) = mpsc::channel();
            (Some(tx), Some(f.keep(rx)))
        }
        None => (None, None),
    };
    let mut printer = Printer {
        ics: ics_tx,
        json: ctx.global.json,
        quiet: ctx.global.quiet,
        poll: opts.poll,
        terminal: io::stdout().is_terminal(),
        out: anstream::AutoStream::new(io::stdout(), choice),
        stopper: watch.stopper(),
        closed: false,
    };
    let bar = Bar::new(!ctx.global.quiet && !ctx.global.json);
    let ran = watch.run(&bar, &mut |c| printer.print(&c));
    // the last commit's calendar is written before we exit
    drop(printer);
    if let Some(k) = keeper {
        let _ = k.join();
    }
    ran?;
    Ok(Exit::Ok)
}
