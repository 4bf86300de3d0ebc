//! Contacts from address books: vCard (2.1, 3.0, 4.0), Google Contacts CSV
//! and LinkedIn `Connections.csv`, read into one [`Contact`] shape and
//! planned against the vault's notes (`plan`); `vcard_out` writes vCards
//! back. Pure except for [`read_inputs`], which reads the files named on
//! the command line; writing is the command's job (`cli/cmd/import.rs`).

pub mod csv_in;
pub mod plan;
pub mod vcard;
pub mod vcard_out;

use std::fs;
use std::path::Path;

use anyhow::{anyhow, bail};

/// How a key's value is written in the front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One value.
    Scalar,
    /// A list, written as a scalar when it has one value (email, phone, url).
    Multi,
    /// Always a list.
    List,
}

/// Who owns a key's value once it is in a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The user may write it too: an import fills it when the note lacks it,
    /// and changes it only while it still holds what an import last wrote.
    Shared,
    /// Only imports write it: brought in line with the source on every import.
    Import,
}

/// Every front-matter key an import writes, with its shape and owner. The
/// field table registers these; nothing else is written.
pub const KEYS: &[(&str, Shape, Owner)] = &[
    ("name", Shape::Scalar, Owner::Shared),
    ("aliases", Shape::List, Owner::Shared),
    ("company", Shape::Scalar, Owner::Shared),
    ("role", Shape::Scalar, Owner::Shared),
    ("email", Shape::Multi, Owner::Shared),
    ("phone", Shape::Multi, Owner::Shared),
    ("url", Shape::Multi, Owner::Shared),
    ("location", Shape::Scalar, Owner::Shared),
    ("birthday", Shape::Scalar, Owner::Shared),
    ("tags", Shape::List, Owner::Shared),
    ("met", Shape::Scalar, Owner::Shared),
    ("field", Shape::List, Owner::Shared),
    ("interests", Shape::List, Owner::Shared),
    ("training", Shape::List, Owner::Shared),
    ("cadence", Shape::Scalar, Owner::Shared),
    // the source's id: how the next import finds the note again
    (VCARD_UID, Shape::Scalar, Owner::Import),
    (IMPORT_ID, Shape::Scalar, Owner::Import),
    // what the source says that rapport has no field for, kept verbatim
    ("vcard_rev", Shape::Scalar, Owner::Import),
    ("vcard_props", Shape::List, Owner::Import),
    ("google_props", Shape::List, Owner::Import),
    ("linkedin_props", Shape::List, Owner::Import),
];

/// The id key of vCards.
pub const VCARD_UID: &str = "vcard_uid";
/// The id key of Google and LinkedIn rows (`google:…`, `linkedin:…`).
pub const IMPORT_ID: &str = "import_id";

/// The shape and owner of `key` (`None` for a key imports never write).
pub fn key_info(key: &str) -> Option<(Shape, Owner)> {
    KEYS.iter().find(|k| k.0 == key).map(|k| (k.1, k.2))
}

/// One contact read from a source, before it meets the vault.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    /// Where it came from: `contacts.vcf:12` (file and first line).
    pub origin: String,
    /// The name (`FN`, else built from the name parts).
    pub name: String,
    /// The source id key (`vcard_uid` or `import_id`) and value.
    pub id: Option<(&'static str, String)>,
    /// Front-matter values in [`KEYS`] order of first appearance; lists keep
    /// the source's order.
    pub fields: Vec<(&'static str, Vec<String>)>,
    /// Free text (vCard `NOTE`, Google `Notes`) for the body of a new note.
    pub note: Option<String>,
}

impl Contact {
    /// Add `value` to key `key` (trimmed; empty values and repeats are left out).
    pub fn add(&mut self, key: &'static str, value: &str) {
        let v = value.trim();
        if v.is_empty() {
            return;
        }
        match self.fields.iter_mut().find(|(k, _)| *k == key) {
            Some((_, vs)) => {
                let scalar = matches!(key_info(key), Some((Shape::Scalar, _)));
                if !scalar && !vs.iter().any(|x| x == v) {
                    vs.push(v.to_string());
                }
            }
            None => self.fields.push((key, vec![v.to_string()])),
        }
    }

    /// The values of `key`.
    pub fn get(&self, key: &str) -> &[String] {
        self.fields
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(&[], |(_, v)| v.as_slice())
    }

    /// Emails, lowercased, for matching.
    pub fn emails(&self) -> Vec<String> {
        self.get("email").iter().map(|e| e.to_lowercase()).collect()
    }
}

/// A card or row that could not be read; the rest of its file is imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub origin: String,
    pub why: String,
}

/// What one source file gave.
#[derive(Debug, Default)]
pub struct Parsed {
    pub contacts: Vec<Contact>,
    pub skipped: Vec<Skip>,
    /// Photos left out (never inlined into a note).
    pub photos: usize,
}

impl Parsed {
    pub fn extend(&mut self, other: Parsed) {
        self.contacts.extend(other.contacts);
        self.skipped.extend(other.skipped);
        self.photos += other.photos;
    }
}

/// The formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Vcard,
    Google,
    Linkedin,
}

/// The format of a file's text: a vCard starts with `BEGIN:VCARD`; a CSV
/// with LinkedIn's `First Name,Last Name,URL` header (after its `Notes:`
/// preamble) or Google's columns.
pub fn detect(text: &str) -> Option<Format> {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.len() >= 11 && t[..11].eq_ignore_ascii_case("BEGIN:VCARD") {
        return Some(Format::Vcard);
    }
    for line in t.lines().take(20) {
        let l = line.trim_start_matches('\u{feff}');
        if l.starts_with("First Name,Last Name,") && l.contains("URL") {
            return Some(Format::Linkedin);
        }
        let google_new = l.starts_with("First Name,") && l.contains("E-mail 1 - Value");
        let google_old = l.starts_with("Name,Given Name,");
        if google_new || google_old {
            return Some(Format::Google);
        }
    }
    None
}

/// One input file's text and the name it is reported by.
pub struct Input {
    pub shown: String,
    pub text: String,
}

/// The files behind the command line's FILE|DIR arguments: a folder gives
/// its `.vcf` files (a vdir), sorted. Text that is not UTF-8 is read as
/// Latin-1 (old vCard 2.1 exports).
pub fn read_inputs(paths: &[std::path::PathBuf]) -> anyhow::Result<Vec<Input>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = fs::metadata(p).map_err(|e| anyhow!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            let mut files: Vec<_> = fs::read_dir(p)
                .map_err(|e| anyhow!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.extension().is_some_and(|x| {
                        x.eq_ignore_ascii_case("vcf") || x.eq_ignore_ascii_case("vcard")
                    })
                })
                .collect();
            files.sort();
            if files.is_empty() {
                bail!("{}: no .vcf files in this folder", p.display());
            }
            for f in files {
                out.push(read_one(&f)?);
            }
        } else {
            out.push(read_one(p)?);
        }
    }
    Ok(out)
}

fn read_one(p: &Path) -> anyhow::Result<Input> {
    let bytes = fs::read(p).map_err(|e| anyhow!("{}: {e}", p.display()))?;
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    };
    Ok(Input {
        shown: p.display().to_string(),
        text,
    })
}

/// Parse one input in `format` (detected when `None`).
pub fn parse(input: &Input, format: Option<Format>) -> anyhow::Result<Parsed> {
    let f = match format.or_else(|| detect(&input.text)) {
        Some(f) => f,
        None => bail!(
            "{}: not a vCard, Google Contacts CSV or LinkedIn Connections.csv (give --format)",
            input.shown
        ),
    };
    Ok(match f {
        Format::Vcard => vcard::parse(&input.shown, &input.text),
        Format::Google => csv_in::google(&input.shown, &input.text)?,
        Format::Linkedin => csv_in::linkedin(&input.shown, &input.text)?,
    })
}

#[cfg(test)]
mod tests {
    use super::{Format, detect};

    #[test]
    fn detects_formats() {
        assert_eq!(detect("\u{feff}BEGIN:VCARD\r\n"), Some(Format::Vcard));
        assert_eq!(detect("begin:vcard\n"), Some(Format::Vcard));
        assert_eq!(
            detect("Notes:\n\"When exporting…\"\n\nFirst Name,Last Name,URL,Email Address\n"),
            Some(Format::Linkedin)
        );
        assert_eq!(
            detect(
                "\u{feff}First Name,Middle Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value\n"
            ),
            Some(Format::Google)
        );
        assert_eq!(
            detect("Name,Given Name,Additional Name\n"),
            Some(Format::Google)
        );
        assert_eq!(detect("a,b,c\n"), None);
    }
}
