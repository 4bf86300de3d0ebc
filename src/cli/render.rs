//! Turning answers into output: JSON, aligned tables, colour (via anstream,
//! which honours NO_COLOR and strips styles off a non-terminal), relative days.

use std::io::{self, IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::cli::args::ColorWhen;
use crate::index::sync::Progress;

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const RED: Style = AnsiColor::Red.on_default().bold();
pub const YELLOW: Style = AnsiColor::Yellow.on_default();
pub const GREEN: Style = AnsiColor::Green.on_default();
pub const MAGENTA: Style = AnsiColor::Magenta.on_default();
pub const CYAN: Style = AnsiColor::Cyan.on_default();
pub const MATCH: Style = AnsiColor::Red.on_default().bold();
pub const PLAIN: Style = Style::new();

/// Collected output, written in one go at the end (so a closed pipe is one
/// quiet error, not many).
pub struct Out {
    pub json: bool,
    pub quiet: bool,
    color: ColorWhen,
    buf: String,
}

impl Out {
    pub fn new(json: bool, quiet: bool, color: ColorWhen) -> Out {
        Out {
            json,
            quiet,
            color,
            buf: String::new(),
        }
    }

    pub fn line(&mut self, s: impl AsRef<str>) {
        self.buf.push_str(s.as_ref());
        self.buf.push('\n');
    }

    /// Text exactly as given, no newline added (calendars, scripts, man pages).
    pub fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    pub fn styled(&self, style: Style, s: &str) -> String {
        if style == PLAIN || s.is_empty() {
            return s.to_string();
        }
        format!("{style}{s}{style:#}")
    }

    pub fn json<T: Serialize>(&mut self, v: &T) {
        let s =
            serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        self.line(s);
    }

    /// Write everything to stdout. A closed pipe (`| head`) is not an error.
    pub fn flush(self) -> io::Result<()> {
        let choice = match self.color {
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
            ColorWhen::Auto => anstream::ColorChoice::Auto,
        };
        let mut s = anstream::AutoStream::new(io::stdout().lock(), choice);
        let r = s.write_all(self.buf.as_bytes()).and_then(|()| s.flush());
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
            for (i, (c, _)) in r.iter().enumerate() {
                widths[i] = widths[i].max(c.width());
            }
        }
        for r in rows {
            let mut line = String::new();
            for (i, (c, st)) in r.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                line.push_str(&self.styled(*st, c));
                if i + 1 < r.len() {
                    line.push_str(&" ".repeat(widths[i].saturating_sub(c.width())));
                }
            }
            self.line(line.trim_end());
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
        let on = enabled && io::stderr().is_terminal();
        Bar {
            bar: on.then(|| {
                let b = ProgressBar::hidden();
                b.set_style(
                    ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} notes ({eta})")
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                );
                b.set_message("indexing");
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
    use super::{ago, rel_days};

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
