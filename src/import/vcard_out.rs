//! Contact notes as vCards (4.0 or 3.0), written by hand: no crate in the
//! tree writes vCard with its escaping, 75-octet folding and CRLF line ends
//! (the `ical` crate only reads them). A property kept verbatim in
//! `vcard_props` by an import is written back as it came, so an export
//! imported again changes nothing. Pure.

use std::collections::BTreeMap;

use crate::import::vcard::{split_escaped, unescape};
use crate::vault::cadence::Birthday;

/// The vCard versions `export vcard` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V3,
    V4,
}

/// The UID of a note without `vcard_uid`: derived from its vault-relative
/// path, so it stays the same from one export to the next.
pub fn derived_uid(path: &str) -> String {
    let h = blake3::hash(path.as_bytes()).to_hex();
    format!("rapport-{}", &h[..32])
}

/// A UID as a file name: letters, digits, `-`, `_`, `.` and `@`; anything else `_`.
pub fn file_name(uid: &str) -> String {
    let s: String = uid
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}.vcf", s.trim_start_matches('.'))
}

/// Escape a text value (`\`, `,`, `;`, newlines).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Append `line` folded at 75 octets (never inside a character), with CRLF.
fn push_folded(out: &mut String, line: &str) {
    let mut rest = line;
    let mut width = 75;
    loop {
        if rest.len() <= width {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = width;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // the leading space counts
        width = 74;
    }
}

/// The property name of a content line (without its group).
fn prop_name(line: &str) -> String {
    let end = line.find([';', ':']).unwrap_or(line.len());
    let name = &line[..end];
    name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase()
}

/// The decoded value of a content line, as an import reads it for its field.
fn prop_value(line: &str, name: &str) -> String {
    let mut quoted = false;
    let at = line.char_indices().find(|(_, c)| {
        if *c == '"' {
            quoted = !quoted;
        }
        *c == ':' && !quoted
    });
    let raw = at.map_or("", |(i, _)| &line[i + 1..]);
    let v = unescape(raw).trim().to_string();
    match name {
        "TEL" => v.strip_prefix("tel:").unwrap_or(&v).to_string(),
        "EMAIL" => v.strip_prefix("mailto:").unwrap_or(&v).to_string(),
        "ORG" => unescape(split_escaped(raw, ';')[0]).trim().to_string(),
        _ => v,
    }
}

/// Whether a kept `vcard_props` line still says what the note says: an
/// `EMAIL`, `TEL` or `URL` line while its value is in the field, an `ORG`
/// or `TITLE` line while it names the note's company or role; any other
/// line always. Export writes the live lines only.
pub fn live(line: &str, values: &BTreeMap<String, Vec<String>>) -> bool {
    let get = |k: &str| values.get(k).map_or(&[][..], Vec::as_slice);
    let n = prop_name(line);
    let val = prop_value(line, &n);
    match n.as_str() {
        "EMAIL" => get("email").contains(&val),
        "TEL" => get("phone").contains(&val),
        "URL" => get("url").contains(&val),
        "ORG" => get("company").first() == Some(&val),
        "TITLE" => get("role").first() == Some(&val),
        _ => true,
    }
}

/// A vCard being written for one note's front-matter values.
struct CardWriter<'a> {
    out: String,
    values: &'a BTreeMap<String, Vec<String>>,
    /// The note's kept `vcard_props` lines.
    props: &'a [String],
}

impl<'a> CardWriter<'a> {
    /// Append one content line (folded, CRLF).
    fn line(&mut self, s: &str) {
        push_folded(&mut self.out, s);
    }

    /// The values under `k` (none when the note lacks it).
    fn get(&self, k: &str) -> &'a [String] {
        self.values.get(k).map_or(&[][..], Vec::as_slice)
    }

    /// The first value under `k`.
    fn first(&self, k: &str) -> Option<&'a str> {
        self.get(k).first().map(String::as_str)
    }

    /// The values under `k` escaped and comma-joined.
    fn list(&self, k: &str) -> String {
        self.get(k)
            .iter()
            .map(|s| esc(s))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Whether a kept line stands for `prop` with value `val` (it still
    /// says the same as the note).
    fn covered(&self, prop: &str, val: &str) -> bool {
        self.props
            .iter()
            .any(|p| prop_name(p) == prop && prop_value(p, prop) == val && live(p, self.values))
    }

    /// `BEGIN`, `VERSION`, `PRODID`, `UID`, `FN`, `N` (the last word as the
    /// family name) and `NICKNAME`.
    fn head(&mut self, name: &str, uid: &str, v: Version) {
        self.line("BEGIN:VCARD");
        self.line(match v {
            Version::V4 => "VERSION:4.0",
            Version::V3 => "VERSION:3.0",
        });
        self.line("PRODID:-//rapport//EN");
        self.line(&format!("UID:{}", esc(uid)));
        self.line(&format!("FN:{}", esc(name)));
        let words: Vec<&str> = name.split_whitespace().collect();
        let (given, family) = match words.split_last() {
            Some((last, rest)) if !rest.is_empty() => (rest.join(" "), last.to_string()),
            _ => (String::new(), name.to_string()),
        };
        self.line(&format!("N:{};{};;;", esc(&family), esc(&given)));
        if !self.get("aliases").is_empty() {
            self.line(&format!("NICKNAME:{}", self.list("aliases")));
        }
    }

    /// `ORG`, `TITLE`, `EMAIL`, `TEL` and `URL`, each unless a kept line
    /// already stands for it.
    fn work_and_reach(&mut self) {
        if let Some(c) = self.first("company")
            && !self.covered("ORG", c)
        {
            self.line(&format!("ORG:{}", esc(c)));
        }
        if let Some(r) = self.first("role")
            && !self.covered("TITLE", r)
        {
            self.line(&format!("TITLE:{}", esc(r)));
        }
        for (key, prop) in [("email", "EMAIL"), ("phone", "TEL"), ("url", "URL")] {
            for val in self.get(key) {
                if !self.covered(prop, val) {
                    self.line(&format!("{prop}:{}", esc(val)));
                }
            }
        }
    }

    /// `BDAY` in the version's date form, and the location as an `ADR`
    /// when no address line is kept.
    fn birthday_and_place(&mut self, v: Version) {
        if let Some(b) = self.first("birthday").and_then(|b| Birthday::parse(b).ok()) {
            self.line(&match (b.year, v) {
                (Some(y), Version::V4) => format!("BDAY:{y:04}{:02}{:02}", b.month, b.day),
                (Some(y), Version::V3) => format!("BDAY:{y:04}-{:02}-{:02}", b.month, b.day),
                (None, Version::V4) => format!("BDAY:--{:02}{:02}", b.month, b.day),
                (None, Version::V3) => format!("BDAY:--{:02}-{:02}", b.month, b.day),
            });
        }
        if let Some(l) = self.first("location")
            && !self.props.iter().any(|p| prop_name(p) == "ADR")
        {
            self.line(&format!("ADR:;;;{};;;", esc(l)));
        }
    }

    /// `CATEGORIES` from the tags, rapport's own fields as `X-RAPPORT-…`,
    /// and `REV`.
    fn rapport_fields(&mut self) {
        if !self.get("tags").is_empty() {
            self.line(&format!("CATEGORIES:{}", self.list("tags")));
        }
        for (key, prop) in [
            ("interests", "X-RAPPORT-INTERESTS"),
            ("field", "X-RAPPORT-FIELD"),
            ("training", "X-RAPPORT-TRAINING"),
        ] {
            if !self.get(key).is_empty() {
                self.line(&format!("{prop}:{}", self.list(key)));
            }
        }
        if let Some(c) = self.first("cadence") {
            self.line(&format!("X-RAPPORT-CADENCE:{}", esc(c)));
        }
        if let Some(r) = self.first("vcard_rev") {
            self.line(&format!("REV:{}", esc(r)));
        }
    }

    /// The live kept lines as they came (never a second frame, UID or FN).
    fn kept_lines(&mut self) {
        for p in self.props {
            if live(p, self.values)
                && !matches!(
                    prop_name(p).as_str(),
                    "BEGIN" | "END" | "VERSION" | "UID" | "FN"
                )
            {
                self.line(p);
            }
        }
    }
}

/// One contact as a vCard. `values` are its front-matter values (strings
/// and string lists, as the import reads them).
pub fn card(name: &str, uid: &str, values: &BTreeMap<String, Vec<String>>, v: Version) -> String {
    let mut w = CardWriter {
        out: String::with_capacity(512),
        values,
        props: values.get("vcard_props").map_or(&[][..], Vec::as_slice),
    };
    w.head(name, uid, v);
    w.work_and_reach();
    w.birthday_and_place(v);
    w.rapport_fields();
    w.kept_lines();
    w.line("END:VCARD");
    w.out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{Version, card, derived_uid, file_name, push_folded};
    use crate::import::vcard::parse;

    #[test]
    fn folding_at_75_octets() {
        let mut out = String::new();
        let long = format!("NOTE:{}", "ü".repeat(60));
        push_folded(&mut out, &long);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), long);
    }

    #[test]
    fn card_reads_back() {
        let v: BTreeMap<String, Vec<String>> = [
            ("email", vec!["a@x.de", "b@x.de"]),
            ("company", vec!["Müller; Söhne, KG"]),
            ("birthday", vec!["04-15"]),
            ("tags", vec!["kiel", "a,b"]),
            ("interests", vec!["sailing"]),
            (
                "vcard_props",
                vec![
                    "item1.URL;TYPE=pref:https://x.de",
                    "item1.X-ABLABEL:_$!<HomePage>!$_",
                ],
            ),
            ("url", vec!["https://x.de"]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
        .collect();
        let text = card(
            "Anna Schmidt",
            &derived_uid("people/anna.md"),
            &v,
            Version::V4,
        );
        assert!(text.contains("BDAY:--0415\r\n"), "{text}");
        assert_eq!(text.matches("URL").count(), 1, "{text}");
        let p = parse("out.vcf", &text);
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        let c = &p.contacts[0];
        assert_eq!(c.name, "Anna Schmidt");
        for (k, want) in &v {
            assert_eq!(c.get(k), want.as_slice(), "{k}");
        }
        assert_eq!(file_name("a/b:c"), "a_b_c.vcf");
    }
}
