//! Small pure helpers over note text: where a byte offset sits (line and
//! column) and how control characters are taken out of text that came from a
//! note before it goes somewhere that would act on them.
//!
//! Lines are counted the way the rest of rapport counts them: only `\n` ends
//! a line, so a CRLF file has the same line numbers as its LF twin and a lone
//! `\r` does not start a new line.

use std::borrow::Cow;

/// The byte offset where the line holding byte `at` of `text` starts (`at`
/// past the end counts as the end).
pub fn line_start(text: impl AsRef<[u8]>, at: usize) -> usize {
    let b = text.as_ref();
    let before = &b[..at.min(b.len())];
    before
        .iter()
        .rposition(|c| *c == b'\n')
        .map_or(0, |p| p + 1)
}

/// The 1-based line of byte `at` of `text` (`at` past the end counts as the
/// end): one more than the number of `\n` before it.
pub fn line_of(text: impl AsRef<[u8]>, at: usize) -> usize {
    let b = text.as_ref();
    b[..at.min(b.len())].iter().filter(|c| **c == b'\n').count() + 1
}

/// The number of lines in `text`: one more than its `\n` count (so an empty
/// text and a text ending in `\n` both have a last, empty line).
pub fn line_count(text: impl AsRef<[u8]>) -> usize {
    let b = text.as_ref();
    line_of(b, b.len())
}

/// The 1-based line and column of byte `at` of `text`. The column counts
/// characters, not bytes (a byte offset inside a character counts that
/// character as begun; undecodable bytes count one each).
pub fn line_col(text: impl AsRef<[u8]>, at: usize) -> (usize, usize) {
    let b = text.as_ref();
    let at = at.min(b.len());
    let start = line_start(b, at);
    let col = String::from_utf8_lossy(&b[start..at]).chars().count() + 1;
    (line_of(b, at), col)
}

/// The 1-based line and byte column of byte `at` of `text`, for bytes that
/// may not be text at all (an encoding error is reported by byte).
pub fn line_byte_col(text: impl AsRef<[u8]>, at: usize) -> (usize, usize) {
    let b = text.as_ref();
    let at = at.min(b.len());
    (line_of(b, at), at - line_start(b, at) + 1)
}

/// Whether `c` is a control character (Unicode general category Cc, so the
/// C0 set, DEL and the C1 set with its one-byte CSI U+009B) other than those
/// in `keep`.
pub fn is_control_except(c: char, keep: &[char]) -> bool {
    c.is_control() && !keep.contains(&c)
}

/// `s` with every control character not in `keep` replaced by `with`
/// (borrowed when there is none).
pub fn replace_controls<'a>(s: &'a str, keep: &[char], with: char) -> Cow<'a, str> {
    if !s.chars().any(|c| is_control_except(c, keep)) {
        return Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| if is_control_except(c, keep) { with } else { c })
        .collect::<String>()
        .into()
}

/// `s` with every run of whitespace (line breaks included) made one space and
/// none at either end: a list item or heading as one line of text.
pub fn squash_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `s` with every `<marker>XX` hex escape decoded to its byte (`%20` in a
/// link target, `=C3=BC` in quoted-printable); anything else kept as it is.
pub fn decode_hex_escapes(s: &str, marker: u8) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let hex = |c: u8| (c as char).to_digit(16);
    while i < b.len() {
        if b[i] == marker
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// How many characters of a user's text an error message quotes.
pub const EXCERPT_CHARS: usize = 60;

/// `s` for an error or warning message: at most [`EXCERPT_CHARS`]
/// characters, then `…`.
pub fn excerpt(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_CHARS) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_escapes_decode_by_their_marker() {
        use super::decode_hex_escapes;
        assert_eq!(decode_hex_escapes("a%20b%zz%4", b'%'), b"a b%zz%4".to_vec());
        assert_eq!(
            decode_hex_escapes("M=C3=BCller=", b'='),
            "Müller=".as_bytes().to_vec()
        );
        assert_eq!(decode_hex_escapes("", b'='), Vec::<u8>::new());
    }

    use super::*;

    #[test]
    fn lines_count_newlines_only() {
        let t = "a\nb\r\nc\rd\n";
        assert_eq!(line_of(t, 0), 1);
        assert_eq!(line_of(t, 1), 1, "the newline itself ends line 1");
        assert_eq!(line_of(t, 2), 2);
        // CRLF: the \r belongs to line 2, the next line starts after \n
        assert_eq!(line_of(t, 3), 2);
        assert_eq!(line_of(t, 5), 3);
        // a lone CR does not break a line
        assert_eq!(line_of(t, 7), 3);
        assert_eq!(line_of(t, t.len()), 4);
        assert_eq!(line_of(t, t.len() + 10), 4, "past the end is the end");
        assert_eq!(line_count(t), 4);
        assert_eq!(line_count(""), 1);
        assert_eq!(line_count("x"), 1);
        assert_eq!(line_start(t, 7), 5);
        assert_eq!(line_start(t, 0), 0);
        assert_eq!(line_start(t, t.len()), t.len());
    }

    #[test]
    fn columns_count_chars_or_bytes() {
        let t = "ab\nzé€x";
        // 'x' is byte 3 + 1 + 2 + 3 = 9 on line 2
        assert_eq!(line_col(t, 9), (2, 4));
        assert_eq!(line_byte_col(t, 9), (2, 7));
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, t.len()), (2, 5));
        assert_eq!(line_col(t, 100), (2, 5));
        // CRLF: the column of the first character after it is 1
        assert_eq!(line_col("a\r\nb", 3), (2, 1));
        // a lone CR is a character on the same line
        assert_eq!(line_col("a\rb", 2), (1, 3));
        // bytes that are not UTF-8 count one column each
        assert_eq!(line_col(b"\n\xff\xfex", 3), (2, 3));
        assert_eq!(line_byte_col(b"\n\xff\xfex", 3), (2, 3));
    }

    #[test]
    fn controls_are_replaced_except_those_kept() {
        let s = "a\tb\nc\u{1b}[2Jd\u{9b}e\u{7f}\r";
        assert_eq!(replace_controls(s, &[], ' '), "a b c [2Jd e  ");
        assert_eq!(replace_controls(s, &['\n', '\t'], '?'), "a\tb\nc?[2Jd?e??");
        assert!(matches!(
            replace_controls("plain é", &[], ' '),
            Cow::Borrowed(_)
        ));
        assert!(is_control_except('\u{9b}', &['\n']));
        assert!(!is_control_except('\n', &['\n']));
        assert!(!is_control_except('é', &[]));
    }

    #[test]
    fn whitespace_squashes_to_single_spaces() {
        assert_eq!(squash_whitespace("  a \t b\r\n c  "), "a b c");
        assert_eq!(squash_whitespace(""), "");
        // other control characters are not whitespace and stay
        assert_eq!(squash_whitespace("a\u{1b}b"), "a\u{1b}b");
    }
}
