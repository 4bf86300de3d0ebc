//! vCard 2.1, 3.0 and 4.0 into [`Contact`]s. The `ical` crate splits each
//! content line into name, parameters and value; around it this module
//! frames the cards (with their line numbers, so a broken card is skipped
//! and named), unfolds lines without losing the space a fold may start with,
//! joins and decodes vCard 2.1's quoted-printable soft line breaks and its
//! `CHARSET`, turns 2.1's bare parameters (`TEL;CELL:`) into `TYPE=`, and
//! unescapes values. Pure.

use std::io::Cursor;

use ical::property::{Property, PropertyParser};

use crate::import::{Contact, Parsed, Skip, VCARD_UID};

/// A logical (unfolded) line and the physical line it starts on.
struct Logical {
    text: String,
    line: usize,
}

/// Is this line's value quoted-printable (2.1: `ENCODING=QUOTED-PRINTABLE` or a bare `QUOTED-PRINTABLE`)?
fn is_qp(head: &str) -> bool {
    head.split(';').skip(1).any(|p| {
        let p = p.trim();
        p.eq_ignore_ascii_case("QUOTED-PRINTABLE")
            || p.eq_ignore_ascii_case("ENCODING=QUOTED-PRINTABLE")
    })
}

/// The part of a content line before its value: up to the first `:` outside quotes.
fn head_end(line: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// Unfold: a line starting with a space or tab continues the previous one
/// (that one character removed); a quoted-printable value ending in `=`
/// goes on on the next line.
fn logical_lines(text: &str) -> Vec<Logical> {
    let mut out: Vec<Logical> = Vec::new();
    let mut qp_open = false;
    for (i, raw) in text.split('\n').enumerate() {
        let l = raw.strip_suffix('\r').unwrap_or(raw);
        let l = if i == 0 {
            l.trim_start_matches('\u{feff}')
        } else {
            l
        };
        if let Some(last) = out.last_mut() {
            if qp_open {
                last.text.pop(); // the soft break's `=`
                last.text.push_str(l);
                qp_open = l.ends_with('=');
                continue;
            }
            if let Some(rest) = l.strip_prefix([' ', '\t']) {
                last.text.push_str(rest);
                continue;
            }
        }
        if l.trim().is_empty() {
            qp_open = false;
            continue;
        }
        qp_open = head_end(l).is_some_and(|e| is_qp(&l[..e])) && l.ends_with('=');
        out.push(Logical {
            text: l.to_string(),
            line: i + 1,
        });
    }
    out
}

/// 2.1 allows parameters without a name (`TEL;WORK;VOICE:`, `NOTE;QUOTED-PRINTABLE:`);
/// name them so the line parser reads them.
fn name_bare_params(line: &str) -> String {
    let Some(end) = head_end(line) else {
        return line.to_string();
    };
    let (head, value) = line.split_at(end);
    if !head.contains(';') {
        return line.to_string();
    }
    let mut parts = head.split(';');
    let mut out = parts.next().unwrap_or("").to_string();
    for p in parts {
        if p.is_empty() {
            continue;
        }
        out.push(';');
        if p.contains('=') {
            out.push_str(p);
        } else if ["QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"]
            .iter()
            .any(|e| p.eq_ignore_ascii_case(e))
        {
            out.push_str("ENCODING=");
            out.push_str(p);
        } else {
            out.push_str("TYPE=");
            out.push_str(p);
        }
    }
    out.push_str(value);
    out
}

fn param<'a>(p: &'a Property, key: &str) -> Option<&'a [String]> {
    p.params
        .as_ref()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_slice())
}

/// Decode quoted-printable `=XX` escapes to bytes.
fn qp_decode(s: &str) -> Vec<u8> {
    crate::vault::text::decode_hex_escapes(s, b'=')
}

/// Bytes in a vCard 2.1 `CHARSET` (UTF-8 unless it names Latin-1 or Windows-1252).
fn decode_charset(bytes: Vec<u8>, charset: Option<&str>) -> String {
    let latin = charset.is_some_and(|c| {
        let c = c.to_ascii_uppercase();
        c.starts_with("ISO-8859-1") || c == "WINDOWS-1252" || c == "LATIN1" || c == "CP1252"
    });
    if !latin && let Ok(s) = String::from_utf8(bytes.clone()) {
        return s;
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Split a raw value at unescaped `sep`.
pub fn split_escaped(v: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in v.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == sep => {
                out.push(&v[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&v[start..]);
    out
}

/// Undo vCard text escapes: `\n`, `\,`, `\;`, `\\`.
pub fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

/// A property as one normalised content line (group, upper-case name,
/// parameters without the transfer encoding and charset, the raw decoded
/// value): how properties without a field are kept in `vcard_props`.
pub fn props_line(group: Option<&str>, name: &str, p: &Property, value: &str) -> String {
    let mut out = String::new();
    if let Some(g) = group {
        out.push_str(g);
        out.push('.');
    }
    out.push_str(&name.to_ascii_uppercase());
    for (k, vs) in p.params.iter().flatten() {
        if k.eq_ignore_ascii_case("ENCODING") || k.eq_ignore_ascii_case("CHARSET") {
            continue;
        }
        out.push(';');
        out.push_str(&k.to_ascii_uppercase());
        out.push('=');
        let vs: Vec<String> = vs
            .iter()
            .map(|v| {
                if v.contains([':', ';', ',']) {
                    format!("\"{v}\"")
                } else {
                    v.clone()
                }
            })
            .collect();
        out.push_str(&vs.join(","));
    }
    out.push(':');
    out.push_str(value);
    out
}

/// `BDAY` as rapport writes birthdays: `YYYY-MM-DD`, or `MM-DD` without a
/// year (`--0415`, `--04-15`, Apple's year 1604 with `X-APPLE-OMIT-YEAR`).
pub fn birthday(v: &str, omit_year: Option<&str>) -> Option<String> {
    let v = v.trim();
    let date = v.split('T').next().unwrap_or(v);
    let digits: String = date.chars().filter(|c| c.is_ascii_digit()).collect();
    let (year, md) = if let Some(rest) = date.strip_prefix("--") {
        let d: String = rest.chars().filter(|c| c.is_ascii_digit()).collect();
        if d.len() != 4 {
            return None;
        }
        (None, d)
    } else if digits.len() == 8 && date.chars().all(|c| c.is_ascii_digit() || c == '-') {
        let y = digits[..4].to_string();
        let y = if omit_year == Some(y.as_str()) {
            None
        } else {
            Some(y)
        };
        (y, digits[4..].to_string())
    } else {
        return None;
    };
    let out = match year {
        Some(y) => format!("{y}-{}-{}", &md[..2], &md[2..]),
        None => format!("{}-{}", &md[..2], &md[2..]),
    };
    crate::vault::cadence::Birthday::parse(&out)
        .ok()
        .map(|_| out)
}

/// Parse every card of one `.vcf` file; `shown` names it in origins.
pub fn parse(shown: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let lines = logical_lines(text);
    let mut i = 0;
    while i < lines.len() {
        let l = &lines[i];
        if !l.text.trim().eq_ignore_ascii_case("BEGIN:VCARD") {
            parsed.skipped.push(Skip {
                origin: format!("{shown}:{}", l.line),
                why: "a line outside BEGIN:VCARD … END:VCARD".into(),
            });
            // skip to the next card
            i += 1;
            while i < lines.len() && !lines[i].text.trim().eq_ignore_ascii_case("BEGIN:VCARD") {
                i += 1;
            }
            continue;
        }
        let start = i;
        let mut end = None;
        let mut j = i + 1;
        while j < lines.len() {
            let t = lines[j].text.trim();
            if t.eq_ignore_ascii_case("END:VCARD") {
                end = Some(j);
                break;
            }
            if t.eq_ignore_ascii_case("BEGIN:VCARD") {
                break;
            }
            j += 1;
        }
        let origin = format!("{shown}:{}", lines[start].line);
        let Some(end) = end else {
            parsed.skipped.push(Skip {
                origin,
                why: "the card has no END:VCARD".into(),
            });
            i = j;
            continue;
        };
        match card(&origin, &lines[start + 1..end]) {
            Ok((c, photos)) => {
                parsed.contacts.push(c);
                parsed.photos += photos;
            }
            Err(why) => parsed.skipped.push(Skip { origin, why }),
        }
        i = end + 1;
    }
    parsed
}

/// One property as a card reads it: the name apart from its group, the
/// value with its transfer encoding decoded.
struct Prop {
    p: Property,
    group: Option<String>,
    /// Upper-cased.
    name: String,
    /// The value as written, quoted-printable decoded but still escaped.
    raw: String,
    /// `raw` unescaped.
    plain: String,
    /// No group and no parameters beyond the transfer encoding (decoded).
    simple: bool,
}

impl Prop {
    /// Read `p`; `None` for binary data (photos, logos, base64 sounds and
    /// keys), which is counted with the photos and never kept.
    fn read(p: Property) -> Option<Prop> {
        let (group, name) = match p.name.rsplit_once('.') {
            Some((g, n)) => (Some(g.to_string()), n.to_ascii_uppercase()),
            None => (None, p.name.to_ascii_uppercase()),
        };
        let encoding = param(&p, "ENCODING")
            .and_then(|v| v.first())
            .map(|s| s.to_ascii_uppercase());
        if name == "PHOTO" || name == "LOGO" {
            return None;
        }
        let raw = p.value.clone().unwrap_or_default();
        let raw = if encoding.as_deref() == Some("QUOTED-PRINTABLE") {
            let cs = param(&p, "CHARSET")
                .and_then(|v| v.first())
                .map(String::as_str);
            decode_charset(qp_decode(&raw), cs)
        } else if matches!(encoding.as_deref(), Some("BASE64" | "B")) {
            return None;
        } else {
            raw
        };
        let plain = unescape(&raw);
        let simple = group.is_none()
            && p.params.iter().flatten().all(|(k, _)| {
                k.eq_ignore_ascii_case("ENCODING") || k.eq_ignore_ascii_case("CHARSET")
            });
        Some(Prop {
            p,
            group,
            name,
            raw,
            plain,
            simple,
        })
    }

    /// The property as a `vcard_props` line, kept for the export.
    fn line(&self) -> String {
        props_line(self.group.as_deref(), &self.name, &self.p, &self.raw)
    }
}

/// The ical parser's error for physical line `line` as a one-line reason.
fn prop_error(line: usize, e: impl std::fmt::Display) -> String {
    let msg = e.to_string();
    let msg = msg
        .split_once(": ")
        .filter(|(h, _)| h.starts_with("Line "))
        .map_or(msg.as_str(), |(_, m)| m)
        .trim_end_matches('.')
        .to_lowercase();
    format!("line {line}: {msg}")
}

/// The name an `N` value (family; given; additional; prefix; suffix) spells:
/// prefix, given, additional, family, suffix, the empty parts left out.
fn n_name(raw: &str) -> String {
    let parts: Vec<String> = split_escaped(raw, ';')
        .iter()
        .map(|s| unescape(s))
        .collect();
    let order = [3usize, 1, 2, 0, 4];
    let name: Vec<&str> = order
        .iter()
        .filter_map(|&i| parts.get(i).map(|s| s.trim()))
        .filter(|s| !s.is_empty())
        .collect();
    name.join(" ")
}

/// What a card has read so far.
struct CardState {
    c: Contact,
    photos: usize,
    /// The name the `N` property spells, for a card without `FN`.
    n_name: Option<String>,
    title_seen: bool,
    /// `ROLE` lines (as kept lines) and values: the first becomes the role
    /// when there is no `TITLE`.
    roles: Vec<(String, String)>,
    first_adr: bool,
    /// Lines kept whole in `vcard_props`, in card order.
    props: Vec<String>,
}

impl CardState {
    /// Take one property into the contact or the kept lines.
    fn take(&mut self, p: &Prop) {
        let c = &mut self.c;
        match p.name.as_str() {
            "BEGIN" | "END" | "VERSION" | "PRODID" => {}
            "FN" => c.name = p.plain.trim().to_string(),
            "N" => self.n_name = Some(n_name(&p.raw)),
            "UID" => {
                if !p.plain.trim().is_empty() {
                    c.id = Some((VCARD_UID, p.plain.trim().to_string()));
                }
            }
            "REV" => c.add("vcard_rev", &p.plain),
            "NOTE" => self.note(&p.plain),
            "NICKNAME" => self.list("aliases", &p.raw),
            "CATEGORIES" => self.list("tags", &p.raw),
            "ORG" => {
                let parts = split_escaped(&p.raw, ';');
                c.add("company", &unescape(parts[0]));
                if parts.len() > 1 && parts[1..].iter().any(|s| !s.trim().is_empty()) || !p.simple {
                    self.props.push(p.line());
                }
            }
            "TITLE" => {
                self.title_seen = true;
                c.add("role", &p.plain);
                self.keep_unless_simple(p);
            }
            "ROLE" => self.roles.push((p.line(), p.plain.clone())),
            "EMAIL" | "TEL" | "URL" => self.contact_point(p),
            "ADR" => self.adr(p),
            "BDAY" => {
                let omit = param(&p.p, "X-APPLE-OMIT-YEAR")
                    .and_then(|v| v.first())
                    .map(String::as_str);
                match birthday(&p.plain, omit) {
                    Some(b) => c.add("birthday", &b),
                    None => self.props.push(p.line()),
                }
            }
            "X-RAPPORT-INTERESTS" => self.list("interests", &p.raw),
            "X-RAPPORT-FIELD" => self.list("field", &p.raw),
            "X-RAPPORT-TRAINING" => self.list("training", &p.raw),
            "X-RAPPORT-CADENCE" => c.add("cadence", &p.plain),
            _ => self.props.push(p.line()),
        }
    }

    /// Keep `p`'s whole line unless it is simple (its value alone says it all).
    fn keep_unless_simple(&mut self, p: &Prop) {
        if !p.simple {
            self.props.push(p.line());
        }
    }

    /// Add each comma-separated value of `raw` under `key`.
    fn list(&mut self, key: &'static str, raw: &str) {
        split_escaped(raw, ',')
            .iter()
            .for_each(|s| self.c.add(key, &unescape(s)));
    }

    /// A `NOTE`: its text joins the free text, after a blank line.
    fn note(&mut self, plain: &str) {
        let plain = plain.replace("\r\n", "\n");
        let t = plain.trim();
        if !t.is_empty() {
            self.c.note = Some(match self.c.note.take() {
                Some(n) => format!("{n}\n\n{t}"),
                None => t.to_string(),
            });
        }
    }

    /// An `EMAIL`, `TEL` or `URL`, without its `mailto:` or `tel:` scheme.
    fn contact_point(&mut self, p: &Prop) {
        let v = p.plain.trim();
        let (key, v) = match p.name.as_str() {
            "EMAIL" => ("email", v.strip_prefix("mailto:").unwrap_or(v)),
            "TEL" => ("phone", v.strip_prefix("tel:").unwrap_or(v)),
            _ => ("url", v),
        };
        self.c.add(key, v);
        self.keep_unless_simple(p);
    }

    /// An `ADR`: the first one's town is the location; an address that is
    /// only a town is all in `location`, any other is kept whole.
    fn adr(&mut self, p: &Prop) {
        let parts = split_escaped(&p.raw, ';');
        if self.first_adr {
            if let Some(loc) = parts.get(3) {
                self.c.add("location", &unescape(loc));
            }
            self.first_adr = false;
        }
        let only_town = parts
            .iter()
            .enumerate()
            .all(|(i, s)| i == 3 || s.trim().is_empty());
        if !(p.simple && only_town) {
            self.props.push(p.line());
        }
    }

    /// The contact once every property is read: the role from `ROLE` when
    /// there was no `TITLE`, the name from `N` when there was no `FN`
    /// (whitespace collapsed), the kept lines last.
    fn finish(mut self) -> Result<(Contact, usize), String> {
        let c = &mut self.c;
        for (line, plain) in self.roles {
            if self.title_seen {
                self.props.push(line);
            } else {
                c.add("role", &plain);
                self.title_seen = true;
            }
        }
        if c.name.is_empty() {
            c.name = self.n_name.unwrap_or_default();
        }
        c.name = c.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if c.name.is_empty() {
            return Err("the card has no name (FN or N)".into());
        }
        for line in self.props {
            c.add("vcard_props", &line);
        }
        Ok((self.c, self.photos))
    }
}

/// One card's properties (between BEGIN and END) into a contact; the photo count beside it.
fn card(origin: &str, lines: &[Logical]) -> Result<(Contact, usize), String> {
    let joined: String = lines
        .iter()
        .map(|l| name_bare_params(&l.text) + "\n")
        .collect();
    let mut st = CardState {
        c: Contact {
            origin: origin.to_string(),
            ..Contact::default()
        },
        photos: 0,
        n_name: None,
        title_seen: false,
        roles: Vec::new(),
        first_adr: true,
        props: Vec::new(),
    };
    for (k, prop) in PropertyParser::from_reader(Cursor::new(joined)).enumerate() {
        let line = lines.get(k).map_or(0, |l| l.line);
        let p = prop.map_err(|e| prop_error(line, e))?;
        match Prop::read(p) {
            Some(p) => st.take(&p),
            None => st.photos += 1,
        }
    }
    st.finish()
}

#[cfg(test)]
mod tests {
    use super::{birthday, parse};

    #[test]
    fn birthdays() {
        let rows: &[(&str, Option<&str>, Option<&str>)] = &[
            ("1985-04-15", None, Some("1985-04-15")),
            ("19850415", None, Some("1985-04-15")),
            ("--0415", None, Some("04-15")),
            ("--04-15", None, Some("04-15")),
            ("1604-04-15", Some("1604"), Some("04-15")),
            ("1985-04-15T00:00:00Z", None, Some("1985-04-15")),
            ("--1315", None, None),
            ("soon", None, None),
        ];
        for (v, omit, want) in rows {
            assert_eq!(birthday(v, *omit).as_deref(), *want, "{v}");
        }
    }

    #[test]
    fn android_21_quoted_printable_and_bare_params() {
        let text = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\nTEL;CELL:+49 170 1234567\r\nNOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Gr=FC=DFe aus=\r\n Kiel=0D=0Aund mehr\r\nEND:VCARD\r\n";
        let p = parse("a.vcf", text);
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        let c = &p.contacts[0];
        assert_eq!(c.name, "Jürgen Müller");
        assert_eq!(c.get("phone"), ["+49 170 1234567"]);
        assert_eq!(c.get("vcard_props"), ["TEL;TYPE=CELL:+49 170 1234567"]);
        assert_eq!(c.note.as_deref(), Some("Grüße aus Kiel\nund mehr"));
    }

    #[test]
    fn folded_line_keeps_its_space_and_broken_card_is_named() {
        let text = "BEGIN:VCARD\nVERSION:3.0\nFN:Anna\n  Schmidt\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Bob\nno colon here\nEND:VCARD\nBEGIN:VCARD\nFN:Carla\nEND:VCARD\n";
        let p = parse("b.vcf", text);
        let names: Vec<&str> = p.contacts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Anna Schmidt", "Carla"]);
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(p.skipped[0].origin, "b.vcf:6");
        assert!(p.skipped[0].why.contains("line 9"), "{}", p.skipped[0].why);
    }
}
