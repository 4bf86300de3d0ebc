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

/// A Google Contacts export (`contacts.csv`).
pub fn google(shown: &str, text: &str) -> anyhow::Result<Parsed> {
    let mut parsed = Parsed::default();
    let text = text.trim_start_matches('\u{feff}');
    let (headers, rows) = rows(shown, text, 0, &mut parsed)?;
    for (line, row) in rows {
        let get = |k: &str| row.get(k).map_or("", |s| s.as_str());
        let origin = format!("{shown}:{line}");
        let mut c = Contact {
            origin: origin.clone(),
            ..Contact::default()
        };
        let mut used: Vec<&str> = vec![];
        let take = |k: &'static str, used: &mut Vec<&'static str>| {
            used.push(k);
            get(k)
        };
        let old = headers.iter().any(|h| h == "Given Name");
        c.name = if old {
            let n = take("Name", &mut used).trim().to_string();
            let parts = [
                take("Given Name", &mut used),
                take("Additional Name", &mut used),
                take("Family Name", &mut used),
            ];
            if n.is_empty() { join_name(&parts) } else { n }
        } else {
            join_name(&[
                take("Name Prefix", &mut used),
                take("First Name", &mut used),
                take("Middle Name", &mut used),
                take("Last Name", &mut used),
                take("Name Suffix", &mut used),
            ])
        };
        if c.name.is_empty() {
            // an organisation-only row is named by its organisation
            c.name = join_name(&[get("Organization Name"), get("Organization 1 - Name")]);
        }
        for a in multi(take("Nickname", &mut used)) {
            c.add("aliases", a);
        }
        for k in ["Organization Name", "Organization 1 - Name"] {
            c.add("company", take(k, &mut used));
        }
        for k in ["Organization Title", "Organization 1 - Title"] {
            c.add("role", take(k, &mut used));
        }
        let bday = take("Birthday", &mut used).trim();
        if !bday.is_empty() {
            match birthday(bday, None) {
                Some(b) => c.add("birthday", &b),
                None => c.add("google_props", &format!("Birthday: {bday}")),
            }
        }
        let note = take("Notes", &mut used).replace("\r\n", "\n");
        if !note.trim().is_empty() {
            c.note = Some(note.trim().to_string());
        }
        if !take("Photo", &mut used).trim().is_empty() {
            parsed.photos += 1;
        }
        for k in ["Labels", "Group Membership"] {
            for l in multi(take(k, &mut used)) {
                let l = l.trim_start_matches("* ");
                if l != "myContacts" {
                    c.add("tags", l);
                }
            }
        }
        for h in &headers {
            let (key, hit) = if h.starts_with("E-mail ") && h.ends_with(" - Value") {
                ("email", true)
            } else if h.starts_with("Phone ") && h.ends_with(" - Value") {
                ("phone", true)
            } else if h.starts_with("Website ") && h.ends_with(" - Value") {
                ("url", true)
            } else {
                ("", false)
            };
            if hit {
                for v in multi(get(h)) {
                    c.add(key, v);
                }
            }
        }
        c.add("location", take("Address 1 - City", &mut used));
        for h in &headers {
            let v = get(h).trim();
            let mapped = used.contains(&h.as_str())
                || (h.ends_with(" - Value")
                    && (h.starts_with("E-mail ")
                        || h.starts_with("Phone ")
                        || h.starts_with("Website ")));
            if !v.is_empty() && !mapped {
                c.add("google_props", &format!("{h}: {v}"));
            }
        }
        if c.name.is_empty() {
            parsed.skipped.push(Skip {
                origin,
                why: "the row has no name".into(),
            });
            continue;
        }
        let id = match c.emails().first() {
            Some(e) => format!("google:{e}"),
            None => format!("google:{}", slug(&c.name)),
        };
        c.id = Some((IMPORT_ID, id));
        parsed.contacts.push(c);
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
