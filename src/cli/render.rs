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
/// quiet error, not many, and a command that fails prints no half answer),
/// unless the command said it [`Out::streams`]: then it is written in
/// blocks as it is made.
pub struct Out {
    pub json: bool,
    pub quiet: bool,
    /// Resolved once (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`, a terminal or
    /// not): without colour no escape codes are made, so none are stripped.
    choice: anstream::ColorChoice,
    buf: String,
    /// The answer may miss changes: JSON documents say `"stale": true`.
    stale: std::cell::Cell<bool>,
    /// Write `buf` out whenever it holds a block ([`Out::streams`]).
    streaming: bool,
    /// What writing out met: a closed pipe ends the output quietly, any
    /// other error is reported by [`Out::flush`].
    written: io::Result<()>,
}

/// How much streamed output is collected before it is written.
const BLOCK: usize = 64 * 1024;

impl Out {
    pub fn new(json: bool, quiet: bool, color: ColorWhen) -> Out {
        let choice = colour_choice(color);
        Out {
            json,
            quiet,
            choice,
            buf: String::new(),
            stale: std::cell::Cell::new(false),
            streaming: false,
            written: Ok(()),
        }
    }

    /// From here on, write the output in blocks as it is made: for an
    /// answer that may run to megabytes (every row of `due` on a big vault),
    /// once nothing that could fail is left to do. A pipe closed early
    /// (`| head`) stops the writing quietly.
    pub fn streams(&mut self) {
        self.streaming = true;
    }

    pub fn line(&mut self, s: impl AsRef<str>) {
        let colour = self.choice != anstream::ColorChoice::Never;
        push_terminal_safe(&mut self.buf, s.as_ref(), colour);
        self.buf.push('\n');
        self.write_block();
    }

    /// Write what is collected when streaming and a block is full.
    fn write_block(&mut self) {
        if self.streaming && self.buf.len() >= BLOCK {
            self.write_out();
        }
    }

    /// Write what is collected to stdout and forget it; after an error
    /// nothing more is written.
    fn write_out(&mut self) {
        if self.written.is_ok() && !self.buf.is_empty() {
            let out = io::stdout().lock();
            self.written = if self.choice == anstream::ColorChoice::Never {
                let mut s = out;
                s.write_all(self.buf.as_bytes()).and_then(|()| s.flush())
            } else {
                let mut s = anstream::AutoStream::new(out, self.choice);
                s.write_all(self.buf.as_bytes()).and_then(|()| s.flush())
            };
        }
        self.buf.clear();
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

    /// `v` as a pretty JSON document, made straight into the output (never
    /// a second copy of it: a long report's document runs to megabytes).
    pub fn json<T: Serialize>(&mut self, v: &T) {
        // every document says first which shape it has (docs/json.md), and
        // whether it may miss changes; the fields keep their order
        let mut head = format!("{{\n  \"schema_version\": {JSON_SCHEMA_VERSION}");
        if self.stale.get() {
            head.push_str(",\n  \"stale\": true");
        }
        let start = self.buf.len();
        let mut sink = JsonSink {
            out: self,
            head: Some(head),
            bytes: Vec::new(),
        };
        let made = serde_json::to_writer_pretty(&mut sink, v);
        sink.drain(true);
        if let Err(e) = made {
            // what was not written yet is taken back
            self.buf.truncate(start.min(self.buf.len()));
            self.buf.push_str(&format!("{{\"error\":\"{e}\"}}"));
        }
        self.buf.push('\n');
        self.write_block();
    }

    /// The answers of this command may miss recent changes.
    pub fn mark_stale(&self) {
        self.stale.set(true);
    }

    /// Write everything to stdout. A closed pipe (`| head`) is not an error.
    pub fn flush(mut self) -> io::Result<()> {
        self.write_out();
        match self.written {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }

    /// A table: rows of styled cells, columns padded to the widest cell.
    /// The rows are made twice, once to measure and once to write, so that
    /// a long table is never held whole (give an iterator that makes each
    /// row, not a list of them).
    pub fn table<R: AsRef<[(String, Style)]>>(&mut self, rows: impl Iterator<Item = R> + Clone) {
        let mut widths: Vec<usize> = Vec::new();
        for r in rows.clone() {
            let r = r.as_ref();
            if widths.len() < r.len() {
                widths.resize(r.len(), 0);
            }
            // a row's last cell is not padded: its width is never used
            for (i, (c, _)) in r.iter().enumerate().take(r.len().saturating_sub(1)) {
                widths[i] = widths[i].max(c.width());
            }
        }
        // one line buffer for the whole table; a cell is copied, not
        // styled into a new string, when it has no colour
        let mut line = String::new();
        for r in rows {
            let r = r.as_ref();
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
            self.write_block();
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

/// serde_json's output appended to [`Out`]'s buffer in blocks, made
/// terminal-safe, with the document's head put in after its opening brace.
struct JsonSink<'a> {
    out: &'a mut Out,
    /// Not placed yet: it goes in at the first block.
    head: Option<String>,
    bytes: Vec<u8>,
}

impl JsonSink<'_> {
    /// Move what is collected (at the `end`, all of it) into the output.
    fn drain(&mut self, end: bool) {
        if let Some(head) = self.head.take() {
            let first: Vec<u8> = self.bytes.drain(..self.bytes.len().min(2)).collect();
            let opening = match first.as_slice() {
                b"{\n" => format!("{head},\n"),
                b"{}" => format!("{head}\n}}"),
                other => String::from_utf8_lossy(other).into_owned(),
            };
            self.out.buf.push_str(&opening);
        }
        // an unfinished character stays for the next block
        let upto = match std::str::from_utf8(&self.bytes) {
            Ok(_) => self.bytes.len(),
            Err(e) if e.error_len().is_none() && !end => e.valid_up_to(),
            Err(_) => self.bytes.len(),
        };
        let text = String::from_utf8_lossy(&self.bytes[..upto]);
        let colour = self.out.choice != anstream::ColorChoice::Never;
        push_terminal_safe(&mut self.out.buf, &text, colour);
        self.bytes.drain(..upto);
        self.out.write_block();
    }
}

impl Write for JsonSink<'_> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.bytes.extend_from_slice(b);
        if self.bytes.len() >= BLOCK {
            self.drain(false);
        }
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
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
    if !may_be_risky(s) {
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

/// Does `s` hold a control character other than `\n` and `\t`? The same
/// answer as asking each character, read as bytes: the C0 set and DEL are
/// one byte each, and the C1 set is `0xC2 0x80..=0x9F` in UTF-8 (`0xC2` is
/// never a continuation byte). Every line of output is asked.
fn may_be_risky(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &x)| {
        (x < 0x20 && x != b'\n' && x != b'\t')
            || x == 0x7f
            || (x == 0xc2 && b.get(i + 1).is_some_and(|y| (0x80..=0x9f).contains(y)))
    })
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
    use super::{JSON_SCHEMA_VERSION, Out, ago, push_terminal_safe, rel_days};
    use crate::cli::args::ColorWhen;

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

    /// The document as one string, the way `Out::json` made it before it
    /// wrote in blocks.
    fn whole_document(v: &serde_json::Value, stale: bool) -> String {
        let body = serde_json::to_string_pretty(v).unwrap();
        let mut head = format!("{{\n  \"schema_version\": {JSON_SCHEMA_VERSION}");
        if stale {
            head.push_str(",\n  \"stale\": true");
        }
        let doc = match body.strip_prefix("{\n") {
            Some(rest) => format!("{head},\n{rest}"),
            None if body == "{}" => format!("{head}\n}}"),
            None => body,
        };
        let mut out = String::new();
        push_terminal_safe(&mut out, &doc, false);
        out.push('\n');
        out
    }

    #[test]
    fn json_made_in_blocks_is_the_whole_document() {
        // characters of two and four bytes and a C1 control across the
        // block boundaries (64 KiB), an empty object, an array, a scalar
        let long = "ü🚣\u{9b}x".repeat(20_000);
        let docs = [
            serde_json::json!({"name": "Ada", "items": [1, 2, 3]}),
            serde_json::json!({}),
            serde_json::json!([{"text": long.clone()}, {"text": "ü".repeat(70_000)}]),
            serde_json::json!({"text": long}),
            serde_json::json!("just a string"),
            serde_json::json!(7),
        ];
        for stale in [false, true] {
            for v in &docs {
                let mut o = Out::new(true, false, ColorWhen::Never);
                if stale {
                    o.mark_stale();
                }
                o.json(v);
                assert!(o.buf == whole_document(v, stale), "{:.80}", v.to_string());
            }
        }
    }

    #[test]
    fn a_character_split_between_writes_is_kept_whole() {
        use std::io::Write;
        let mut o = Out::new(true, false, ColorWhen::Never);
        let mut sink = super::JsonSink {
            out: &mut o,
            head: None,
            bytes: Vec::new(),
        };
        let text = format!("{}ü🚣", "a".repeat(super::BLOCK));
        let bytes = text.as_bytes();
        // the first block ends one byte into "ü"; the rest comes in pieces
        let cut = super::BLOCK + 1;
        sink.write_all(&bytes[..cut]).unwrap();
        sink.write_all(&bytes[cut..cut + 3]).unwrap();
        sink.write_all(&bytes[cut + 3..]).unwrap();
        sink.drain(true);
        assert!(o.buf == text);
    }

    #[test]
    fn risky_bytes_are_risky_characters() {
        let risky = |s: &str| {
            s.chars()
                .any(|c| super::is_control_except(c, &['\n', '\t']))
        };
        // every character up to U+0800 alone and between others
        for c in (0..0x800u32).filter_map(char::from_u32) {
            for s in [c.to_string(), format!("aé{c}🚣"), format!("{c}\u{c2a0}")] {
                assert_eq!(super::may_be_risky(&s), risky(&s), "{s:?}");
            }
        }
        assert!(!super::may_be_risky("Müller\tnbsp\u{a0} 🚣\n"));
        assert!(super::may_be_risky("x\u{9b}31m"));
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
