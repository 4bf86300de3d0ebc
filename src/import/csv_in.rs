//! Google Contacts CSV (the current layout and the older one) and LinkedIn
//! `Connections.csv` into [`Contact`]s, read with the `csv` crate. A row
//! that does not have the header's number of fields is skipped and named by
//! its line. Pure.

use std::collections::BTreeMap;

use anyhow::bail;

use crate::import::vcard::birthday;
use crate::import::{Contact, IMPORT_ID, Parsed, Skip};
use crate::vault::names::slug;

/// Google's separator of several values in one cell.
const MULTI: &str = " ::: ";

/// A CSV row: its line in the file and its column → value map.
type Row = (usize, BTreeMap<String, String>);

/// The rows of `text` (from its header line on) as column → value maps,
/// with each row's line in the file; bad rows become skips.
fn rows(
    shown: &str,
    text: &str,
    line_offset: usize,
    parsed: &mut Parsed,
) -> anyhow::Result<(Vec<String>, Vec<Row>)> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match r.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => bail!("{shown}: cannot read the CSV header: {e}"),
    };
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match r.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = rec.position().map_or(0, |p| p.line() as usize) + line_offset;
                let map = headers
                    .iter()
                    .cloned()
                    .zip(rec.iter().map(str::to_string))
                    .collect();
                out.push((line, map));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize) + line_offset;
                let why = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("the row has {len} fields, the header {expected_len}"),
                    _ => e.to_string(),
                };
                parsed.skipped.push(Skip {
                    origin: format!("{shown}:{line}"),
                    why,
                });
                if !matches!(
                    e.kind(),
                    csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                ) {
                    break;
                }
            }
        }
    }
    Ok((headers, out))
}

fn multi(v: &str) -> impl Iterator<Item = &str> {
    v.split(MULTI).map(str::trim).filter(|s| !s.is_empty())
}

fn join_name(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One Google row being read, with the columns a field took (the rest go
/// to `google_props`).
struct Cells<'a> {
    row: &'a BTreeMap<String, String>,
    used: Vec<&'static str>,
}

impl<'a> Cells<'a> {
    /// The cell under column `k` (empty when there is none).
    fn get(&self, k: &str) -> &'a str {
        self.row.get(k).map_or("", |s| s.as_str())
    }

    /// The cell under column `k`, marking the column as read into a field.
    fn take(&mut self, k: &'static str) -> &'a str {
        self.used.push(k);
        self.get(k)
    }
}

/// Is `h` an e-mail, phone or website value column (`E-mail 1 - Value`)?
/// Then the key its values go under.
fn list_column(h: &str) -> Option<&'static str> {
    if !h.ends_with(" - Value") {
        return None;
    }
    [
        ("E-mail ", "email"),
        ("Phone ", "phone"),
        ("Website ", "url"),
    ]
    .into_iter()
    .find(|(p, _)| h.starts_with(p))
    .map(|(_, k)| k)
}

/// The row's name: the older layout's `Name` (else its parts), the current
/// layout's name parts, or, for an organisation-only row, the organisation.
fn google_name(cells: &mut Cells, old: bool) -> String {
    let name = if old {
        let n = cells.take("Name").trim().to_string();
        let parts = [
            cells.take("Given Name"),
            cells.take("Additional Name"),
            cells.take("Family Name"),
        ];
        if n.is_empty() { join_name(&parts) } else { n }
    } else {
        join_name(&[
            cells.take("Name Prefix"),
            cells.take("First Name"),
            cells.take("Middle Name"),
            cells.take("Last Name"),
            cells.take("Name Suffix"),
        ])
    };
    if name.is_empty() {
        // an organisation-only row is named by its organisation
        return join_name(&[
            cells.get("Organization Name"),
            cells.get("Organization 1 - Name"),
        ]);
    }
    name
}

/// The row's named columns into `c`: nicknames, organisation and title,
/// birthday, notes and labels; a photo is only counted in `photos`.
fn google_fields(cells: &mut Cells, c: &mut Contact, photos: &mut usize) {
    for a in multi(cells.take("Nickname")) {
        c.add("aliases", a);
    }
    for k in ["Organization Name", "Organization 1 - Name"] {
        c.add("company", cells.take(k));
    }
    for k in ["Organization Title", "Organization 1 - Title"] {
        c.add("role", cells.take(k));
    }
    let bday = cells.take("Birthday").trim();
    if !bday.is_empty() {
        match birthday(bday, None) {
            Some(b) => c.add("birthday", &b),
            None => c.add("google_props", &format!("Birthday: {bday}")),
        }
    }
    let note = cells.take("Notes").replace("\r\n", "\n");
    if !note.trim().is_empty() {
        c.note = Some(note.trim().to_string());
    }
    if !cells.take("Photo").trim().is_empty() {
        *photos += 1;
    }
    for k in ["Labels", "Group Membership"] {
        for l in multi(cells.take(k)) {
            let l = l.trim_start_matches("* ");
            if l != "myContacts" {
                c.add("tags", l);
            }
        }
    }
}

/// One Google row into a contact with its `import_id` (by first email,
/// else by name); a row without a name is a skip.
fn google_row(
    origin: String,
    headers: &[String],
    row: &BTreeMap<String, String>,
    photos: &mut usize,
) -> Result<Contact, Skip> {
    let mut cells = Cells { row, used: vec![] };
    let old = headers.iter().any(|h| h == "Given Name");
    let mut c = Contact {
        origin: origin.clone(),
        name: google_name(&mut cells, old),
        ..Contact::default()
    };
    google_fields(&mut cells, &mut c, photos);
    for h in headers {
        if let Some(key) = list_column(h) {
            for v in multi(cells.get(h)) {
                c.add(key, v);
            }
        }
    }
    c.add("location", cells.take("Address 1 - City"));
    // every other non-empty cell is kept as `column: value`
    for h in headers {
        let v = cells.get(h).trim();
        let mapped = cells.used.contains(&h.as_str()) || list_column(h).is_some();
        if !v.is_empty() && !mapped {
            c.add("google_props", &format!("{h}: {v}"));
        }
    }
    if c.name.is_empty() {
        return Err(Skip {
            origin,
            why: "the row has no name".into(),
        });
    }
    let id = match c.emails().first() {
        Some(e) => format!("google:{e}"),
        None => format!("google:{}", slug(&c.name)),
    };
    c.id = Some((IMPORT_ID, id));
    Ok(c)
}

/// A Google Contacts export (`contacts.csv`).
pub fn google(shown: &str, text: &str) -> anyhow::Result<Parsed> {
    let mut parsed = Parsed::default();
    let text = text.trim_start_matches('\u{feff}');
    let (headers, rows) = rows(shown, text, 0, &mut parsed)?;
    for (line, row) in rows {
        let origin = format!("{shown}:{line}");
        match google_row(origin, &headers, &row, &mut parsed.photos) {
            Ok(c) => parsed.contacts.push(c),
            Err(s) => parsed.skipped.push(s),
        }
    }
    Ok(parsed)
}

/// `26 Jul 2025` (LinkedIn's `Connected On`) as `2025-07-26`.
fn connected_on(v: &str) -> Option<String> {
    jiff::civil::Date::strptime("%d %b %Y", v.trim())
        .ok()
        .map(|d| d.to_string())
}

/// A LinkedIn `Connections.csv`: a `Notes:` preamble, then the header.
pub fn linkedin(shown: &str, text: &str) -> anyhow::Result<Parsed> {
    let mut parsed = Parsed::default();
    let text = text.trim_start_matches('\u{feff}');
    let mut offset = 0;
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        if l.starts_with("First Name,") {
            break;
        }
        offset += 1;
        at += l.len();
    }
    if at >= text.len() {
        bail!("{shown}: no `First Name,Last Name,URL,…` header line");
    }
    let (headers, rows) = rows(shown, &text[at..], offset, &mut parsed)?;
    for (line, row) in rows {
        let get = |k: &str| row.get(k).map_or("", |s| s.trim());
        let origin = format!("{shown}:{line}");
        let mut c = Contact {
            origin: origin.clone(),
            name: join_name(&[get("First Name"), get("Last Name")]),
            ..Contact::default()
        };
        c.add("email", get("Email Address"));
        c.add("company", get("Company"));
        c.add("role", get("Position"));
        let url = get("URL");
        c.add("url", url);
        let on = get("Connected On");
        if !on.is_empty() {
            match connected_on(on) {
                Some(d) => c.add("met", &d),
                None => c.add("linkedin_props", &format!("Connected On: {on}")),
            }
        }
        const MAPPED: [&str; 7] = [
            "First Name",
            "Last Name",
            "URL",
            "Email Address",
            "Company",
            "Position",
            "Connected On",
        ];
        for h in &headers {
            let v = get(h);
            if !v.is_empty() && !MAPPED.contains(&h.as_str()) {
                c.add("linkedin_props", &format!("{h}: {v}"));
            }
        }
        if c.name.is_empty() {
            parsed.skipped.push(Skip {
                origin,
                why: "the row has no name".into(),
            });
            continue;
        }
        let profile = url
            .trim_end_matches('/')
            .rsplit_once("/in/")
            .map(|(_, s)| s.trim_end_matches('/').to_string());
        let id = match (profile, c.emails().first()) {
            (Some(p), _) if !p.is_empty() => format!("linkedin:{p}"),
            (_, Some(e)) => format!("linkedin:{e}"),
            _ => format!("linkedin:{}", slug(&c.name)),
        };
        c.id = Some((IMPORT_ID, id));
        parsed.contacts.push(c);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::{connected_on, linkedin};

    #[test]
    fn linkedin_preamble_and_dates() {
        assert_eq!(connected_on("26 Jul 2025").as_deref(), Some("2025-07-26"));
        let text = "Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\nAnna,Schmidt,https://www.linkedin.com/in/anna-schmidt-42,,Acme,CTO,26 Jul 2025\nBad,Row,x\n";
        let p = linkedin("c.csv", text).unwrap();
        assert_eq!(p.contacts.len(), 1);
        let c = &p.contacts[0];
        assert_eq!(c.get("met"), ["2025-07-26"]);
        assert!(c.get("email").is_empty());
        assert_eq!(
            c.id.as_ref().map(|i| i.1.as_str()),
            Some("linkedin:anna-schmidt-42")
        );
        assert_eq!(p.skipped.len(), 1);
        assert_eq!(p.skipped[0].origin, "c.csv:6");
    }
}
