//! How a vault's config changes the reading of its notes, applied to the
//! parsed notes (docs/config.md): which notes are contacts (`contacts`),
//! more keys for known fields (`[fields]`), tiers to cadences (`[tiers]`).
//! Pure: takes notes and config, returns notes.

use std::collections::BTreeMap;

use globset::GlobSet;

use crate::vault::cadence::Cadence;
use crate::vault::config::Config;
use crate::vault::fields::{Applied, apply_field};
use crate::vault::model::Note;
use crate::vault::names::fold;
use crate::vault::rules::{BadGlob, globs};

/// The fields `[fields]` may name.
pub const FIELDS: &[&str] = &[
    "name",
    "aliases",
    "tags",
    "interests",
    "training",
    "field",
    "company",
    "role",
    "location",
    "email",
    "met",
    "status",
    "tier",
    "last_contact",
    "next_contact",
    "snooze_until",
    "birthday",
    "cadence",
];

/// One `KEY:VALUE` selector.
#[derive(Debug, Clone)]
struct KeyValue {
    key: String,
    value: String,
}

/// The config's reading rules, compiled once.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    paths: Option<GlobSet>,
    keys: Vec<KeyValue>,
    selective: bool,
    fields: BTreeMap<String, Vec<String>>,
    tiers: BTreeMap<String, Cadence>,
    /// A fingerprint of the config parts above: the index stores notes as
    /// read by these rules, so a change to them rebuilds it.
    stamp: String,
}

/// A value as compared by a selector: folded, without `[[` `]]` and any
/// `|label` or `#heading` of a wiki link.
fn plain(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_prefix("[[")
        .and_then(|r| r.strip_suffix("]]"))
        .map_or(s, |inner| inner.split(['|', '#']).next().unwrap_or(inner));
    fold(s.trim_start_matches('#'))
}

/// A short hash of the config keys that change how notes read.
fn fingerprint(c: &Config) -> String {
    let mut h = blake3::Hasher::new();
    h.update(format!("{:?}", c.contacts).as_bytes());
    h.update(format!("{:?}", c.fields).as_bytes());
    h.update(format!("{:?}", c.tiers).as_bytes());
    h.finalize().to_hex()[..8].to_string()
}

impl Reading {
    pub fn new(c: &Config) -> Result<Reading, BadGlob> {
        let mut path_globs = Vec::new();
        let mut keys = Vec::new();
        for sel in &c.contacts {
            match sel.split_once(':') {
                Some((k, v)) if !k.contains('/') && !k.contains('*') && !k.trim().is_empty() => {
                    keys.push(KeyValue {
                        key: k.trim().to_string(),
                        value: plain(v),
                    });
                }
                _ => path_globs.push(sel.clone()),
            }
        }
        Ok(Reading {
            paths: if path_globs.is_empty() {
                None
            } else {
                Some(globs(&path_globs)?)
            },
            keys,
            selective: !c.contacts.is_empty(),
            fields: c.fields.clone(),
            tiers: c.tiers.clone(),
            stamp: fingerprint(c),
        })
    }

    /// The fingerprint of the rules, e.g. `a1b2c3d4`; empty for the default
    /// rules (no config).
    pub fn stamp(&self) -> &str {
        &self.stamp
    }

    /// Does the config choose the contacts (`contacts` set)?
    pub fn selective(&self) -> bool {
        self.selective
    }

    /// Apply the rules to one parsed note.
    pub fn apply(&self, n: &mut Note) {
        for (field, keys) in &self.fields {
            for key in keys {
                let Some(j) = n.facts.extra.remove(key) else {
                    continue;
                };
                let Ok(v) = serde_norway_value(&j) else {
                    n.facts.extra.insert(key.clone(), j);
                    continue;
                };
                let mut name = None;
                match apply_field(&mut n.facts, &mut name, field, &v) {
                    Applied::Done => {
                        if let Some(nm) = name.filter(|s| !s.trim().is_empty()) {
                            n.name = nm;
                        }
                        n.facts.sources.insert(field.clone(), key.clone());
                    }
                    _ => {
                        n.facts.extra.insert(key.clone(), j);
                    }
                }
            }
        }
        if let Some(t) = n.facts.tier.as_deref() {
            let from_tier = n.facts.cadence.is_none()
                || n.facts.sources.get("cadence").is_some_and(|s| s == "tier");
            if from_tier && let Some(c) = self.tiers.get(&t.trim().to_lowercase()) {
                n.facts.cadence = Some(*c);
            }
        }
        if self.selective && n.is_contact {
            n.is_contact = self.selects(n);
        }
    }

    /// Is the note one the `contacts` selectors name?
    fn selects(&self, n: &Note) -> bool {
        if self.paths.as_ref().is_some_and(|g| g.is_match(&n.path)) {
            return true;
        }
        if self.keys.is_empty() {
            return false;
        }
        let facts = serde_json::to_value(&n.facts).unwrap_or_default();
        self.keys.iter().any(|kv| {
            let v = facts
                .get(&kv.key)
                .or_else(|| n.facts.extra.get(&kv.key))
                .cloned()
                .unwrap_or_default();
            holds(&v, &kv.value)
        })
    }
}

/// Does a front-matter value equal `want` or hold it in its list?
fn holds(v: &serde_json::Value, want: &str) -> bool {
    match v {
        serde_json::Value::String(s) => plain(s) == want,
        serde_json::Value::Array(a) => a.iter().any(|x| holds(x, want)),
        serde_json::Value::Number(n) => n.to_string() == want,
        serde_json::Value::Bool(b) => b.to_string() == want,
        _ => false,
    }
}

/// A stored JSON value as the YAML value the field readers take.
fn serde_norway_value(j: &serde_json::Value) -> Result<serde_norway::Value, serde_norway::Error> {
    serde_norway::to_value(j)
}

#[cfg(test)]
mod tests {
    use super::Reading;
    use crate::vault::config::Config;
    use crate::vault::note::parse_note;

    fn read(config: &str, path: &str, text: &str) -> crate::vault::note::Note {
        let c = Config::parse(config).expect("config");
        let r = Reading::new(&c).expect("reading");
        let mut n = parse_note(path, text.as_bytes()).note;
        r.apply(&mut n);
        n
    }

    #[test]
    fn contacts_selectors() {
        // (config, path, front matter, is contact)
        let rows: &[(&str, &str, &str, bool)] = &[
            ("", "help/page.md", "title: Page", true),
            (
                "contacts = [\"people/\"]",
                "help/page.md",
                "title: Page",
                false,
            ),
            ("contacts = [\"people/\"]", "people/a.md", "name: A", true),
            (
                "contacts = [\"tags:person\"]",
                "x/a.md",
                "tags: [Person, kiel]",
                true,
            ),
            (
                "contacts = [\"tags:person\"]",
                "x/a.md",
                "tags: [kiel]",
                false,
            ),
            (
                "contacts = [\"type:contact\"]",
                "x/a.md",
                "type: Contact",
                true,
            ),
            (
                "contacts = [\"categories:People\"]",
                "x/a.md",
                "categories: [\"[[People]]\"]",
                true,
            ),
            ("contacts = [\"people/\"]", "people/a.md", "", false),
        ];
        for (config, path, fm, want) in rows {
            let text = if fm.is_empty() {
                "no front matter\n".to_string()
            } else {
                format!("---\n{fm}\n---\nbody\n")
            };
            assert_eq!(
                read(config, path, &text).is_contact,
                *want,
                "{config} {path} {fm}"
            );
        }
    }

    #[test]
    fn fields_and_tiers_from_config() {
        let n = read(
            "[fields]\nlast_contact = [\"zuletzt\", \"last_seen\"]\n[tiers]\nA = \"1w\"\n",
            "a.md",
            "---\nname: A\nzuletzt: 2026-11-01\nprm-tier: A\n---\n",
        );
        assert_eq!(
            n.facts.last_contact.map(|d| d.to_string()).as_deref(),
            Some("2026-11-01")
        );
        assert_eq!(
            n.facts.sources.get("last_contact").map(String::as_str),
            Some("zuletzt")
        );
        assert!(!n.facts.extra.contains_key("zuletzt"));
        assert_eq!(
            n.facts.cadence.map(|c| c.to_string()).as_deref(),
            Some("1w")
        );
        // built-in tier default without a [tiers] entry
        let n = read("", "b.md", "---\nname: B\nprm-tier: C\n---\n");
        assert_eq!(
            n.facts.cadence.map(|c| c.to_string()).as_deref(),
            Some("3mo")
        );
        // a written cadence wins over the tier
        let n = read(
            "[tiers]\nC = \"1w\"\n",
            "c.md",
            "---\nprm-tier: C\ncadence: 2m\n---\n",
        );
        assert_eq!(
            n.facts.cadence.map(|c| c.to_string()).as_deref(),
            Some("2mo")
        );
    }

    #[test]
    fn other_tools_fields_are_read() {
        let n = read(
            "",
            "a.md",
            "---\nname: A\nlastContact: 2026-10-01\ncontactFrequency: 30\nbirthDate: 1990-04-15\ngroups: [work]\nprm-snooze-until: 2026-12-24\nprm-paused: true\n---\n",
        );
        let f = &n.facts;
        assert_eq!(
            f.last_contact.map(|d| d.to_string()).as_deref(),
            Some("2026-10-01")
        );
        assert!(f.cadence.is_some());
        assert!(f.birthday.is_some());
        assert_eq!(f.tags, vec!["work".to_string()]);
        assert_eq!(
            f.snooze_until.map(|d| d.to_string()).as_deref(),
            Some("2026-12-24")
        );
        assert_eq!(f.status.as_ref().map(|s| s.as_str()), Some("paused"));
        assert_eq!(
            f.sources.get("last_contact").map(String::as_str),
            Some("lastContact")
        );
        let n = read(
            "",
            "b.md",
            "---\nname: B\nlast_chat: 2026-11-01T14:30\n---\n",
        );
        assert_eq!(
            n.facts.last_contact.map(|d| d.to_string()).as_deref(),
            Some("2026-11-01")
        );
    }
}
