//! `.rapport/config.toml`: optional, committed with the vault. Unknown keys are an
//! error naming the key. Pure: takes the text, returns values.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::vault::cadence::Cadence;
use crate::vault::model::DEFAULT_INACTIVE;
use crate::vault::names::fold;
use crate::vault::text::{line_of, line_start};

/// The parsed configuration with defaults applied.
#[derive(Debug, Clone)]
pub struct Config {
    pub default_cadence: Option<Cadence>,
    pub ignore: Vec<String>,
    pub window_days: i64,
    pub cold_after: Option<Cadence>,
    pub people_dir: String,
    /// `status` values that end follow-ups (compared folded).
    pub inactive_status: Vec<String>,
    /// Which notes are contacts: path globs or `KEY:VALUE`; empty: every
    /// note with front matter.
    pub contacts: Vec<String>,
    /// More keys to read as a known field: field → keys (`[fields]`).
    pub fields: BTreeMap<String, Vec<String>>,
    /// Tier → cadence, over the built-in defaults (`[tiers]`).
    pub tiers: BTreeMap<String, Cadence>,
    /// Links from dated notes count as contact.
    pub journal: bool,
    /// How many people `plan` puts in one week.
    pub weekly_capacity: usize,
    /// `[concepts]`: the vault's own concepts, key and other words, in key
    /// order (see `crate::concepts`).
    pub concepts: Vec<(String, Vec<String>)>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            default_cadence: None,
            ignore: Vec::new(),
            window_days: 14,
            cold_after: None,
            people_dir: "people".into(),
            inactive_status: DEFAULT_INACTIVE.iter().map(|s| s.to_string()).collect(),
            contacts: Vec::new(),
            fields: BTreeMap::new(),
            tiers: BTreeMap::new(),
            journal: true,
            weekly_capacity: 5,
            concepts: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    default_cadence: Option<String>,
    #[serde(default)]
    ignore: Vec<String>,
    window_days: Option<i64>,
    cold_after: Option<String>,
    people_dir: Option<String>,
    inactive_status: Option<Vec<String>>,
    #[serde(default)]
    contacts: Vec<String>,
    #[serde(default)]
    fields: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    tiers: BTreeMap<String, String>,
    journal: Option<bool>,
    weekly_capacity: Option<usize>,
    #[serde(default)]
    concepts: std::collections::BTreeMap<String, Vec<String>>,
}

/// A config file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
    pub line: Option<usize>,
}

impl Config {
    /// `people_dir` as a clean vault-relative folder ("" for the vault root);
    /// a folder outside the vault is an error.
    pub fn people_folder(&self) -> Result<String, ConfigError> {
        let d = self.people_dir.trim().replace('\\', "/");
        let parts: Vec<&str> = d
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        let absolute = d.starts_with('/') || d.as_bytes().get(1) == Some(&b':');
        if absolute || parts.contains(&"..") {
            return Err(ConfigError {
                message: format!(
                    ".rapport/config.toml: people_dir {d:?} must be a folder inside the vault"
                ),
                line: None,
            });
        }
        Ok(parts.join("/"))
    }

    /// Parse the text of `config.toml`.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let start = e.span().map(|s| s.start.min(text.len()));
            let line = start.map(|s| line_of(text, s));
            let mut message = e.message().trim().to_string();
            // a bad value's message ("invalid type: ...") does not say which key
            let key = start.and_then(|s| {
                let (k, _) = text[line_start(text, s)..].split_once('=')?;
                Some(k.trim().trim_matches('"').to_string())
            });
            if let Some(k) = key.filter(|k| !k.is_empty() && !message.contains(k.as_str())) {
                message = format!("{k}: {message}");
            }
            ConfigError { message, line }
        })?;
        let span = |field: &str, v: Option<String>| -> Result<Option<Cadence>, ConfigError> {
            match v {
                None => Ok(None),
                Some(s) => Cadence::parse(&s).map(Some).map_err(|e| ConfigError {
                    message: format!("{field}: {e}"),
                    line: None,
                }),
            }
        };
        let window_days = raw.window_days.unwrap_or(14);
        if !(0..=3660).contains(&window_days) {
            return Err(ConfigError {
                message: format!("window_days: {window_days} is out of range 0..=3660"),
                line: None,
            });
        }
        for field in raw.fields.keys() {
            if !crate::vault::reading::FIELDS.contains(&field.as_str()) {
                return Err(ConfigError {
                    message: format!(
                        "[fields]: {field:?} is not a field rapport knows; use one of {}",
                        crate::vault::reading::FIELDS.join(", ")
                    ),
                    line: None,
                });
            }
        }
        let mut tiers = BTreeMap::new();
        for (t, c) in raw.tiers {
            let c = span(&format!("[tiers] {t}"), Some(c))?;
            if let Some(c) = c {
                tiers.insert(t.trim().to_lowercase(), c);
            }
        }
        let concepts = check_concepts(raw.concepts)?;
        Ok(Config {
            concepts,
            journal: raw.journal.unwrap_or(true),
            weekly_capacity: raw.weekly_capacity.unwrap_or(5).max(1),
            contacts: raw.contacts,
            fields: raw.fields,
            tiers,
            default_cadence: span("default_cadence", raw.default_cadence)?,
            ignore: raw.ignore,
            window_days,
            cold_after: span("cold_after", raw.cold_after)?,
            people_dir: raw.people_dir.unwrap_or_else(|| "people".into()),
            inactive_status: match raw.inactive_status {
                Some(list) => list
                    .into_iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                None => Config::default().inactive_status,
            },
        })
    }
}

/// The `[concepts]` table: no empty word, no word (folded) in two concepts.
fn check_concepts(
    table: std::collections::BTreeMap<String, Vec<String>>,
) -> Result<Vec<(String, Vec<String>)>, ConfigError> {
    let mut owner: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (key, members) in table {
        let key = key.trim().to_string();
        let bad = |message: String| ConfigError {
            message,
            line: None,
        };
        if fold(&key).is_empty() {
            return Err(bad("concepts: a concept needs a name".into()));
        }
        let mut kept = Vec::new();
        for (i, w) in std::iter::once(&key).chain(members.iter()).enumerate() {
            let f = fold(w);
            if f.is_empty() {
                return Err(bad(format!("concepts: {key:?} has an empty word")));
            }
            match owner.get(&f) {
                Some(k) if *k == key => {
                    return Err(bad(format!("concepts: {key:?} has {:?} twice", w.trim())));
                }
                Some(k) => {
                    return Err(bad(format!(
                        "concepts: {:?} is in both {k:?} and {key:?}",
                        w.trim()
                    )));
                }
                None => {
                    owner.insert(f, key.clone());
                }
            }
            if i > 0 {
                kept.push(w.trim().to_string());
            }
        }
        out.push((key, kept));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::Config;

    #[test]
    fn parses_known_keys_and_rejects_unknown() {
        let c = Config::parse(
            "default_cadence = \"3mo\"\nignore = [\"templates/\"]\nwindow_days = 7\n",
        )
        .expect("valid");
        assert_eq!(c.window_days, 7);
        assert!(c.default_cadence.is_some());
        let e = Config::parse("cadense = \"1w\"\n").expect_err("unknown key");
        assert!(e.message.contains("cadense"), "{}", e.message);
        assert_eq!(e.line, Some(1));
        assert!(Config::parse("default_cadence = \"often\"").is_err());
        let e = Config::parse("ignore = []\nwindow_days = \"x\"\n").expect_err("bad type");
        assert!(e.message.starts_with("window_days: "), "{}", e.message);
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn inactive_status_list() {
        let rows: &[(&str, &[&str])] = &[
            (
                "",
                &["archived", "paused", "inactive", "dormant", "deceased"],
            ),
            (
                "inactive_status = [\"Ruhend\", \" gone \", \"\"]\n",
                &["Ruhend", "gone"],
            ),
            ("inactive_status = []\n", &[]),
        ];
        for (text, want) in rows {
            let c = Config::parse(text).expect("valid");
            assert_eq!(c.inactive_status, *want, "{text}");
        }
        let e = Config::parse("inactive_status = \"archived\"\n").expect_err("not a list");
        assert!(e.message.starts_with("inactive_status: "), "{}", e.message);
    }

    #[test]
    fn concepts_table() {
        let c = Config::parse(
            "[concepts]\n\"Baltic Sea\" = [\"Ostsee\", \" Baltikum \"]\nsailing = []\n",
        )
        .expect("valid");
        assert_eq!(
            c.concepts,
            vec![
                (
                    "Baltic Sea".to_string(),
                    vec!["Ostsee".to_string(), "Baltikum".to_string()]
                ),
                ("sailing".to_string(), vec![]),
            ]
        );
        assert!(Config::parse("").expect("empty").concepts.is_empty());
        for (text, want) in [
            (
                "[concepts]\na = [\"x\"]\nb = [\"X\"]\n",
                "\"X\" is in both \"a\" and \"b\"",
            ),
            ("[concepts]\na = [\"A\"]\n", "\"a\" has \"A\" twice"),
            ("[concepts]\na = [\" \"]\n", "\"a\" has an empty word"),
            ("[concepts]\na = \"x\"\n", "expected a sequence"),
        ] {
            let e = Config::parse(text).expect_err(text);
            assert!(e.message.contains(want), "{text}: {}", e.message);
        }
    }
}
