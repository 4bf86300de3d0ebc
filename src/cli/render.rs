//! Turning answers into output: JSON, aligned tables, colour (via anstream,
//! which honours NO_COLOR and strips styles off a non-terminal), relative days.

use std::io::{self, IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::cli::args::ColorWhen;
use crate::index::engine::sync::Progress;
use crate::vault::text::is_control_except;

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const RED: Style = AnsiColor::Red.on_default().bold();
pub const YELLOW: Style = AnsiColor::Yellow.on_default();
pub const GREEN: Style = AnsiColor::Green.on_default();
pub const MAGENTA: Style = AnsiColor::Magenta.on_default();
pub const CYAN: Style = AnsiColor::Cyan.on_default();
pub const MATCH: Style = AnsiColor::Red.on_default().bold();
pub const PLAIN: Style = Style::new();

/// The version of the JSON documents' shapes; bumped when a field changes
/// meaning or goes away (new fields do not bump it).
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// `--color` resolved for stdout (`NO_COLOR`, `CLICOLOR_FORCE`, a terminal
/// or not), once for every command.
pub fn colour_choice(color: ColorWhen) -> anstream::ColorChoice {
    match color {
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
        ColorWhen::Auto => anstream::AutoStream::choice(&io::stdout()),
    }
}

/// Collected output, written in one go at the end (so a closed pipe is one
/// quiet error, not many).
pub struct Out {
    pub json: bool,
    pub quiet: bool,
    /// Resolved once (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`, a terminal or
    /// not): without colour no escape codes are made, so none are stripped.
    choice: anstream::ColorChoice,
    buf: String,
    /// The answer may miss changes: JSON documents say `"stale": true`.
    stale: std::cell::Cell<bool>,
}

impl Out {
    pub fn new(json: bool, quiet: bool, color: ColorWhen) -> Out {
        let choice = colour_choice(color);
        Out {
            json,
            quiet,
            choice,
            buf: String::new(),
            stale: std::cell::Cell::new(false),
        }
    }

    pub fn line(&mut self, s: impl AsRef<str>) {
        let colour = self.choice != anstream::ColorChoice::Never;
        push_terminal_safe(&mut self.buf, s.as_ref(), colour);
        self.buf.push('\n');
    }

    /// Text exactly as given, no newline added (calendars, scripts, man pages).
    pub fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    pub fn styled(&self, style: Style, s: &str) -> String {
        if style == PLAIN || s.is_empty() || self.choice == anstream::ColorChoice::Never {
            return s.to_string();
        }
        format!("{style}{s}{style:#}")
    }

    pub fn json<T: Serialize>(&mut self, v: &T) {
        // every document says first which shape it has (docs/json.md), and
        // whether it may miss changes; the fields keep their order
        let s = serde_json::to_string_pretty(v).map(|body| {
            let mut head = format!("{{\n  \"schema_version\": {JSON_SCHEMA_VERSION}");
            if self.stale.get() {
                head.push_str(",\n  \"stale\": true");
            }
            match body.strip_prefix("{\n") {
                Some(rest) => format!("{head},\n{rest}"),
                None if body == "{}" => format!("{head}\n}}"),
                None => body,
            }
        });
        let s = s.unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        self.line(s);
    }

    /// The answers of this command may miss recent changes.
    pub fn mark_stale(&self) {
        self.stale.set(true);
    }

    /// Write everything to stdout. A closed pipe (`| head`) is not an error.
    pub fn flush(self) -> io::Result<()> {
        let out = io::stdout().lock();
        let r = if self.choice == anstream::ColorChoice::Never {
            let mut s = out;
            s.write_all(self.buf.as_bytes()).and_then(|()| s.flush())
        } else {
            let mut s = anstream::AutoStream::new(out, self.choice);
            s.write_all(self.buf.as_bytes()).and_then(|()| s.flush())
        };
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }

    /// A table: rows of styled cells, columns padded to the widest cell.
    pub fn table(&mut self, rows: &[Vec<(String, Style)>]) {
        let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0; ncols];
        for r in rows {
            // a row's last cell is not padded: its width is never used
            for (i, (c, _)) in r.iter().enumerate().take(r.len().saturating_sub(1)) {
                widths[i] = widths[i].max(c.width());
            }
        }
        // one line buffer for the whole table; a cell is copied, not
        // styled into a new string, when it has no colour
        let mut line = String::new();
        for r in rows {
            line.clear();
            for (i, (c, st)) in r.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                if *st == PLAIN || c.is_empty() || self.choice == anstream::ColorChoice::Never {
                    line.push_str(c);
                } else {
                    line.push_str(&self.styled(*st, c));
                }
                if i + 1 < r.len() {
                    let pad = widths[i].saturating_sub(c.width());
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            let colour = self.choice != anstream::ColorChoice::Never;
            push_terminal_safe(&mut self.buf, line.trim_end(), colour);
            self.buf.push('\n');
        }
    }

    /// `text` with the byte ranges highlighted.
    pub fn highlight(&self, text: &str, ranges: &[std::ops::Range<usize>]) -> String {
        let mut out = String::new();
        let mut pos = 0;
        for r in ranges {
            if r.start < pos
                || r.end > text.len()
                || !text.is_char_boundary(r.start)
                || !text.is_char_boundary(r.end)
            {
                continue;
            }
            out.push_str(&text[pos..r.start]);
            out.push_str(&self.styled(MATCH, &text[r.clone()]));
            pos = r.end;
        }
        out.push_str(&text[pos..]);
        out
    }
}

/// Is `params` (of `ESC [ params m`) made only of what rapport's own styles
/// write: reset, bold, dim, the eight colours? (Not conceal, blink, reverse.)
fn own_sgr(params: &str) -> bool {
    params
        .split(';')
        .all(|p| p.is_empty() || matches!(p.parse::<u8>(), Ok(0..=2 | 22 | 30..=37 | 39 | 90..=97)))
}

/// Append `s` with every control character that could move the cursor,
/// retitle the window, hide text or ring the bell (a note is anyone's text: a
/// shared or merged vault) shown as `␛`/U+FFFD, keeping line breaks, tabs and,
/// when `colour` is on, colour codes of the kinds rapport itself writes.
fn push_terminal_safe(buf: &mut String, s: &str, colour: bool) {
    // every C0 and C1 control (the one-byte CSI U+009B is one) but \n and \t
    let risky = |c: char| is_control_except(c, &['\n', '\t']);
    if !s.chars().any(risky) {
        buf.push_str(s);
        return;
    }
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}'
            && colour
            && let Some(sgr) = rest.get(1..).and_then(|r| r.strip_prefix('['))
        {
            let params = sgr.len()
                - sgr
                    .trim_start_matches(|c: char| c.is_ascii_digit() || c == ';')
                    .len();
            if sgr[params..].starts_with('m') && own_sgr(&sgr[..params]) {
                let n = 2 + params + 1;
                buf.push_str(&rest[..n]);
                rest = &rest[n..];
                continue;
            }
        }
        match c {
            '\u{1b}' => buf.push('\u{241b}'),
            c if risky(c) => buf.push('\u{fffd}'),
            c => buf.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
}

/// Text for a one-line message on stderr, with no control characters.
pub fn terminal_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_terminal_safe(&mut out, &s.replace(['\n', '\r'], " "), false);
    out
}

/// One line of output made terminal-safe as [`Out::line`] makes it, for
/// output that does not go through `Out` (`watch`'s running lines).
pub fn safe_line(s: &str, colour: bool) -> String {
    let mut out = String::with_capacity(s.len());
    push_terminal_safe(&mut out, s, colour);
    out
}

/// Print `rapport: <message>` on stderr, made terminal-safe: every message
/// rapport prints there (errors, warnings, notices) goes through here, since
/// they name notes and quote their text.
pub fn say(message: &str) {
    eprintln!("rapport: {}", terminal_safe(message));
}

/// "today", "tomorrow", "in 5 days", "yesterday", "9 days overdue".
pub fn rel_days(days: i64, past_word: &str) -> String {
    match days {
        0 => "today".into(),
        1 => "tomorrow".into(),
        -1 if past_word == "ago" => "yesterday".into(),
        d if d > 1 => format!("in {d} days"),
        -1 => format!("1 day {past_word}"),
        d => format!("{} days {past_word}", -d),
    }
}

/// "3 days ago", "today".
pub fn ago(days: i64) -> String {
    match days {
        0 => "today".into(),
        1 => "yesterday".into(),
        d if d < 0 => format!("in {} days", -d),
        d if d < 60 => format!("{d} days ago"),
        d if d < 730 => format!("{} months ago", d / 30),
        d => format!("{} years ago", d / 365),
    }
}

/// A progress bar on stderr, only on a terminal.
pub struct Bar {
    bar: Option<ProgressBar>,
}

impl Bar {
    pub fn new(enabled: bool) -> Bar {
        Bar::labelled(enabled, "indexing", "notes")
    }

    /// A bar that says `msg` and counts `unit`s.
    pub fn labelled(enabled: bool, msg: &'static str, unit: &str) -> Bar {
        let on = enabled && io::stderr().is_terminal();
        Bar {
            bar: on.then(|| {
                let b = ProgressBar::hidden();
                b.set_style(
                    ProgressStyle::with_template(&format!(
                        "{{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit} ({{eta}})"
                    ))
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                b.set_message(msg);
                b
            }),
        }
    }
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        if let Some(b) = &self.bar {
            b.set_length(total as u64);
            b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }
    fn inc(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ago, push_terminal_safe, rel_days};

    #[test]
    fn terminal_safe_text() {
        let rows: &[(&str, &str)] = &[
            ("plain text", "plain text"),
            ("tab\tand\nbreak", "tab\tand\nbreak"),
            (
                "\u{1b}[1m\u{1b}[31mbold red\u{1b}[0m",
                "\u{1b}[1m\u{1b}[31mbold red\u{1b}[0m",
            ),
            // conceal, blink, reverse: not ours
            ("\u{1b}[8mhidden\u{1b}[0m", "\u{241b}[8mhidden\u{1b}[0m"),
            ("\u{1b}[5;7mx", "\u{241b}[5;7mx"),
            // a window title, a cursor move, a bell, a clear screen, C1 CSI
            ("\u{1b}]0;pwned\u{7}x", "\u{241b}]0;pwned\u{fffd}x"),
            ("a\u{1b}[2Ab", "a\u{241b}[2Ab"),
            ("\u{1b}[2J\u{1b}c", "\u{241b}[2J\u{241b}c"),
            ("\u{9b}31m", "\u{fffd}31m"),
            ("cr\roverwrite", "cr\u{fffd}overwrite"),
            ("ends in \u{1b}", "ends in \u{241b}"),
            ("Müller 🚣", "Müller 🚣"),
        ];
        for (input, want) in rows {
            let mut got = String::new();
            push_terminal_safe(&mut got, input, true);
            assert_eq!(&got, want, "{input:?}");
            // without colour, no escape at all gets through
            let mut plain = String::new();
            push_terminal_safe(&mut plain, input, false);
            assert!(!plain.contains('\u{1b}'), "{input:?}");
        }
    }

    #[test]
    fn relative_days() {
        assert_eq!(rel_days(0, "overdue"), "today");
        assert_eq!(rel_days(5, "overdue"), "in 5 days");
        assert_eq!(rel_days(-9, "overdue"), "9 days overdue");
        assert_eq!(rel_days(-1, "overdue"), "1 day overdue");
        assert_eq!(ago(45), "45 days ago");
        assert_eq!(ago(400), "13 months ago");
    }
}
