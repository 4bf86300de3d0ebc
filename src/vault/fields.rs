//! The front-matter fields rapport knows, declared once (docs/note-format.md,
//! "Fields"; docs/ARCHITECTURE.md, "Adding a field"). Each row says the key,
//! the keys other tools write for it, how its value is read, where its text is
//! searched, how `show` labels it and whether the built-in template writes it.
//! Front-matter parsing (`vault::frontmatter`), the `[fields]` config
//! mapping (`vault::reading`), the index document (`index::engine::sync`), `show` and
//! the built-in template (`edit::template`) all walk this table.

use std::sync::LazyLock;

use jiff::civil::Date;
use serde_norway::Value;

use crate::vault::cadence::{Birthday, Cadence, parse_date};
use crate::vault::model::{Code, Facts, Status};

/// A text group of the index: the search prefix (`interests:sailing`) and
/// the weight a match there carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    Name,
    Aliases,
    Tags,
    Interests,
    Training,
    Field,
    Role,
    Company,
    Location,
    Body,
    Extra,
}

impl Group {
    pub const ALL: [Group; 11] = [
        Group::Name,
        Group::Aliases,
        Group::Tags,
        Group::Interests,
        Group::Training,
        Group::Field,
        Group::Role,
        Group::Company,
        Group::Location,
        Group::Body,
        Group::Extra,
    ];

    /// The name used in queries and in `match` results.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Name => "name",
            Group::Aliases => "aliases",
            Group::Tags => "tags",
            Group::Interests => "interests",
            Group::Training => "training",
            Group::Field => "field",
            Group::Role => "role",
            Group::Company => "company",
            Group::Location => "location",
            Group::Body => "body",
            Group::Extra => "extra",
        }
    }

    /// A search prefix: the group's name, its singular, or `text` for the body.
    pub fn parse(s: &str) -> Option<Group> {
        let s = s.to_ascii_lowercase();
        let s = match s.as_str() {
            "alias" => "aliases",
            "tag" => "tags",
            "interest" => "interests",
            "text" => "body",
            other => other,
        };
        Group::ALL.into_iter().find(|g| g.as_str() == s)
    }

    /// Weight of a match in `match` and `topics` (docs/commands.md, "match"):
    /// interests most, then training and field, then tags, role and company,
    /// then the body; the other groups take no part.
    pub fn topic_weight(self) -> Option<f32> {
        match self {
            Group::Interests => Some(8.0),
            Group::Training | Group::Field => Some(4.0),
            Group::Tags | Group::Role | Group::Company => Some(2.0),
            Group::Body => Some(1.0),
            _ => None,
        }
    }

    /// The groups `match` and `topics` weigh, heaviest first (ties in
    /// [`Group::ALL`] order).
    pub fn topic_weights() -> &'static [(Group, f32)] {
        static W: LazyLock<Vec<(Group, f32)>> = LazyLock::new(|| {
            let mut w: Vec<(Group, f32)> = Group::ALL
                .into_iter()
                .filter_map(|g| g.topic_weight().map(|x| (g, x)))
                .collect();
            w.sort_by(|a, b| b.1.total_cmp(&a.1));
            w
        });
        &W
    }

    /// Boost of a match in `search`: a word in the name counts most.
    pub fn search_boost(self) -> Option<f32> {
        match self {
            Group::Name => Some(3.0),
            Group::Aliases => Some(2.5),
            Group::Interests => Some(2.0),
            Group::Training | Group::Field | Group::Tags => Some(1.5),
            _ => None,
        }
    }
}

/// Where a field's value lives in [`Facts`], which says how it is read.
#[derive(Clone, Copy)]
pub enum Slot {
    /// The note's name (not part of `Facts`).
    Name,
    /// One string.
    Text(
        fn(&Facts) -> &Option<String>,
        fn(&mut Facts) -> &mut Option<String>,
    ),
    /// A list of strings; a single value is a list of one.
    List(
        fn(&Facts) -> &Vec<String>,
        fn(&mut Facts) -> &mut Vec<String>,
    ),
    /// Like `List`, a leading `#` removed (`#friend` → `friend`).
    Tags(
        fn(&Facts) -> &Vec<String>,
        fn(&mut Facts) -> &mut Vec<String>,
    ),
    /// A date `YYYY-MM-DD` (a time after it is dropped).
    Date(
        fn(&Facts) -> &Option<Date>,
        fn(&mut Facts) -> &mut Option<Date>,
    ),
    Birthday,
    Cadence,
    Status,
    /// `true`/`yes` sets `status: paused` unless a status is given.
    Paused,
}

/// What the built-in template writes for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// Not written.
    No,
    /// `key:` with no value.
    Empty,
    /// `key: []`.
    EmptyList,
    /// `key: {{key}}`, filled in by `new` and `import`.
    Filled,
}

/// One known front-matter field.
pub struct FieldDef {
    /// The key rapport writes and documents.
    pub key: &'static str,
    /// Keys other tools write for it, read as this field (never written).
    pub aliases: &'static [&'static str],
    pub slot: Slot,
    /// The index group its text is searched under; `None`: not searched.
    pub group: Option<Group>,
    /// `show`'s label and its place in `show`'s list; `None`: shown elsewhere
    /// or not at all.
    pub show: Option<(&'static str, u8)>,
    pub template: Template,
}

macro_rules! text {
    ($m:ident) => {
        Slot::Text(|f| &f.$m, |f| &mut f.$m)
    };
}
macro_rules! list {
    ($m:ident) => {
        Slot::List(|f| &f.$m, |f| &mut f.$m)
    };
}
macro_rules! date {
    ($m:ident) => {
        Slot::Date(|f| &f.$m, |f| &mut f.$m)
    };
}

/// Every field, in the order the built-in template writes them.
pub const FIELDS: &[FieldDef] = &[
    FieldDef {
        key: "name",
        aliases: &[],
        slot: Slot::Name,
        group: Some(Group::Name),
        show: None,
        template: Template::Filled,
    },
    FieldDef {
        key: "aliases",
        aliases: &["alias"],
        slot: list!(aliases),
        group: Some(Group::Aliases),
        show: Some(("aliases", 1)),
        template: Template::EmptyList,
    },
    FieldDef {
        key: "tags",
        aliases: &["tag", "groups"],
        slot: Slot::Tags(|f| &f.tags, |f| &mut f.tags),
        group: Some(Group::Tags),
        show: Some(("tags", 7)),
        template: Template::Filled,
    },
    FieldDef {
        key: "company",
        aliases: &[],
        slot: text!(company),
        group: Some(Group::Company),
        show: Some(("company", 2)),
        template: Template::Empty,
    },
    FieldDef {
        key: "role",
        aliases: &[],
        slot: text!(role),
        group: Some(Group::Role),
        show: Some(("role", 3)),
        template: Template::Empty,
    },
    FieldDef {
        key: "field",
        aliases: &[],
        slot: list!(field),
        group: Some(Group::Field),
        show: Some(("field", 4)),
        template: Template::Filled,
    },
    FieldDef {
        key: "interests",
        aliases: &[],
        slot: list!(interests),
        group: Some(Group::Interests),
        show: Some(("interests", 5)),
        template: Template::Filled,
    },
    FieldDef {
        key: "training",
        aliases: &[],
        slot: list!(training),
        group: Some(Group::Training),
        show: Some(("training", 6)),
        template: Template::Empty,
    },
    FieldDef {
        key: "location",
        aliases: &[],
        slot: text!(location),
        group: Some(Group::Location),
        show: Some(("location", 8)),
        template: Template::Empty,
    },
    FieldDef {
        key: "email",
        aliases: &[],
        slot: list!(email),
        group: Some(Group::Extra),
        show: Some(("email", 9)),
        template: Template::Empty,
    },
    FieldDef {
        key: "phone",
        aliases: &[],
        slot: list!(phone),
        group: Some(Group::Extra),
        show: Some(("phone", 10)),
        template: Template::No,
    },
    FieldDef {
        key: "url",
        aliases: &[],
        slot: list!(url),
        group: Some(Group::Extra),
        show: Some(("url", 11)),
        template: Template::No,
    },
    FieldDef {
        key: "birthday",
        aliases: &["birthDate", "prm-birthday"],
        slot: Slot::Birthday,
        group: None,
        show: Some(("birthday", 12)),
        template: Template::Empty,
    },
    FieldDef {
        key: "met",
        aliases: &[],
        slot: text!(met),
        group: Some(Group::Extra),
        show: Some(("met", 13)),
        template: Template::Empty,
    },
    FieldDef {
        key: "last_contact",
        aliases: &["lastContact", "prm-last-contacted", "last_chat"],
        slot: date!(last_contact),
        group: None,
        show: None,
        template: Template::Empty,
    },
    FieldDef {
        key: "next_contact",
        aliases: &[],
        slot: date!(next_contact),
        group: None,
        show: None,
        template: Template::Empty,
    },
    FieldDef {
        key: "cadence",
        aliases: &["contactFrequency", "prm-cadence"],
        slot: Slot::Cadence,
        group: None,
        show: Some(("cadence", 14)),
        template: Template::Filled,
    },
    FieldDef {
        key: "tier",
        aliases: &["prm-tier"],
        slot: text!(tier),
        group: None,
        show: Some(("tier", 15)),
        template: Template::No,
    },
    FieldDef {
        key: "status",
        aliases: &[],
        slot: Slot::Status,
        group: Some(Group::Extra),
        show: Some(("status", 16)),
        template: Template::No,
    },
    FieldDef {
        key: "snooze_until",
        aliases: &["prm-snooze-until"],
        slot: date!(snooze_until),
        group: None,
        show: Some(("snoozed until", 17)),
        template: Template::No,
    },
    FieldDef {
        key: "paused",
        aliases: &["prm-paused"],
        slot: Slot::Paused,
        group: None,
        show: None,
        template: Template::No,
    },
    FieldDef {
        key: "vcard_uid",
        aliases: &[],
        slot: text!(vcard_uid),
        group: None,
        show: Some(("vcard uid", 18)),
        template: Template::No,
    },
];

/// The field `key` names: its own key or one of its aliases.
pub fn field(key: &str) -> Option<&'static FieldDef> {
    FIELDS
        .iter()
        .find(|f| f.key == key || f.aliases.contains(&key))
}

/// The field `key` stands for, when it is another tool's key.
pub fn alias_of(key: &str) -> Option<&'static str> {
    FIELDS
        .iter()
        .find(|f| f.aliases.contains(&key))
        .map(|f| f.key)
}

/// What became of one front-matter value.
pub enum Applied {
    Done,
    /// The value cannot be read: (problem code, message).
    Bad(Code, String),
    /// Not a known field: kept as an extra key.
    Unknown,
}

/// A YAML scalar as trimmed text (numbers and booleans too); `None` for an
/// empty value, null, lists and maps.
pub fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar(&t.value),
        Value::Null | Value::Sequence(_) | Value::Mapping(_) => None,
    }
    .filter(|s| !s.is_empty())
}

/// A list field: a YAML list, a single string, or a comma-separated string.
pub fn list(v: &Value) -> Vec<String> {
    let items: Vec<String> = match v {
        Value::Sequence(items) => items.iter().filter_map(scalar).collect(),
        other => scalar(other).into_iter().collect(),
    };
    items
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Read `v` as the field `key` (a rapport key, not an alias) into `f` and
/// `name`.
pub fn apply_field(f: &mut Facts, name: &mut Option<String>, key: &str, v: &Value) -> Applied {
    let Some(def) = FIELDS.iter().find(|d| d.key == key) else {
        return Applied::Unknown;
    };
    let one = || scalar(v);
    match def.slot {
        Slot::Name => *name = scalar(v),
        Slot::Text(_, m) => *m(f) = scalar(v),
        Slot::Status => f.status = scalar(v).map(Status::new),
        Slot::List(_, m) => m(f).extend(list(v)),
        Slot::Tags(_, m) => m(f).extend(
            list(v)
                .into_iter()
                .map(|t| t.trim_start_matches('#').to_string())
                .filter(|t| !t.is_empty()),
        ),
        Slot::Paused => {
            if matches!(v, Value::Bool(true)) || one().is_some_and(|s| s == "true" || s == "yes") {
                f.status.get_or_insert_with(|| Status::new("paused"));
            }
        }
        Slot::Date(_, m) => match one().map(|s| parse_date(&s)) {
            None => {}
            Some(Ok(d)) => *m(f) = Some(d),
            Some(Err(e)) => return Applied::Bad(Code::Date, e),
        },
        Slot::Birthday => match one().map(|s| Birthday::parse(&s)) {
            None => {}
            Some(Ok(b)) => f.birthday = Some(b),
            Some(Err(e)) => return Applied::Bad(Code::Date, e),
        },
        Slot::Cadence => match one().map(|s| Cadence::parse(&s)) {
            None => {}
            Some(Ok(c)) => f.cadence = Some(c),
            Some(Err(e)) => return Applied::Bad(Code::Cadence, e),
        },
    }
    Applied::Done
}

/// A field's value as text, one string per item (`None` values left out):
/// what the index searches and `show` lists.
pub fn values(def: &FieldDef, f: &Facts) -> Vec<String> {
    match def.slot {
        Slot::Name | Slot::Paused => Vec::new(),
        Slot::Text(g, _) => g(f).iter().cloned().collect(),
        Slot::Status => f.status.iter().map(|s| s.as_str().to_string()).collect(),
        Slot::List(g, _) | Slot::Tags(g, _) => g(f).clone(),
        Slot::Date(g, _) => g(f).iter().map(Date::to_string).collect(),
        Slot::Birthday => f.birthday.iter().map(Birthday::to_string).collect(),
        Slot::Cadence => f.cadence.iter().map(Cadence::to_string).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::{FIELDS, Group, Template, field, values};
    use crate::vault::note::parse_note;

    #[test]
    fn keys_and_aliases_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for f in FIELDS {
            assert!(seen.insert(f.key), "{} twice", f.key);
            for a in f.aliases {
                assert!(seen.insert(a), "{a} twice");
            }
        }
        assert_eq!(field("lastContact").map(|f| f.key), Some("last_contact"));
        assert_eq!(field("interests").map(|f| f.key), Some("interests"));
        assert!(field("hobby").is_none());
    }

    #[test]
    fn lists_typed_values_and_aliases_read_through_the_table() {
        let text = "---\nname: Ada\nemail: [a@x.org, b@y.org]\nphone: +49 40 1234\nurl: https://ada.example\nbirthDate: 04-15\ncontactFrequency: 2 weeks\nvcard_uid: urn:uuid:1\nhobby: chess\n---\nbody\n";
        let n = parse_note("ada.md", text.as_bytes()).note;
        assert!(n.problems.is_empty(), "{:?}", n.problems);
        let f = &n.facts;
        assert_eq!(f.email, vec!["a@x.org", "b@y.org"]);
        assert_eq!(f.phone, vec!["+49 40 1234"]);
        assert_eq!(f.url, vec!["https://ada.example"]);
        assert_eq!(
            f.birthday.map(|b| b.to_string()).as_deref(),
            Some("--04-15")
        );
        assert_eq!(f.cadence.map(|c| c.to_string()).as_deref(), Some("2w"));
        assert_eq!(f.vcard_uid.as_deref(), Some("urn:uuid:1"));
        assert_eq!(
            f.sources.get("birthday").map(String::as_str),
            Some("birthDate")
        );
        assert!(f.extra.contains_key("hobby"));
        let email = field("email").map(|d| values(d, f));
        assert_eq!(
            email,
            Some(vec!["a@x.org".to_string(), "b@y.org".to_string()])
        );
        // a bad value is a problem with the table's code, the field left out
        let bad = parse_note(
            "b.md",
            b"---\nname: B\ncadence: often\nlast_contact: soon\n---\n",
        )
        .note;
        let codes: Vec<&str> = bad.problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, vec!["cadence", "date"]);
        assert!(bad.facts.cadence.is_none() && bad.facts.last_contact.is_none());
    }

    #[test]
    fn show_places_are_unique_and_groups_have_a_field() {
        let mut places: Vec<u8> = FIELDS.iter().filter_map(|f| f.show.map(|s| s.1)).collect();
        let n = places.len();
        places.sort_unstable();
        places.dedup();
        assert_eq!(places.len(), n);
        for g in Group::ALL {
            let fed = FIELDS.iter().any(|f| f.group == Some(g));
            assert!(fed || matches!(g, Group::Body | Group::Extra), "{g:?}");
        }
        assert!(FIELDS.iter().any(|f| f.template == Template::Filled));
    }
}
