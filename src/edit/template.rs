//! The new-contact template: `.rapport/template.md` when the vault has one,
//! else the built-in one (`builtin`, from the field table). Placeholders `{{name}}`,
//! `{{field}}`, `{{interests}}`, `{{tags}}`, `{{cadence}}` and `{{today}}` are
//! filled in; inside the front matter as YAML (quoted when needed, lists as
//! `[a, b]`), in the body as plain text (lists joined by `, `). Pure.

use jiff::civil::Date;

use crate::edit::frontmatter::yaml_scalar;
use crate::edit::{lines, split_bom};
use crate::vault::fields::{FIELDS, Template};
use crate::vault::frontmatter::{Split, split};

/// The template used when the vault has no `.rapport/template.md`: the
/// fields the field table marks for it, in table order, then the heading and
/// the Log and Open sections.
pub fn builtin() -> String {
    let mut t = String::from("---\n");
    for f in FIELDS {
        match f.template {
            Template::No => continue,
            Template::Empty => t.push_str(&format!("{}:\n", f.key)),
            Template::EmptyList => t.push_str(&format!("{}: []\n", f.key)),
            Template::Filled => t.push_str(&format!("{0}: {{{{{0}}}}}\n", f.key)),
        }
    }
    t.push_str("---\n# {{name}}\n\n## Log\n\n## Open\n");
    t
}

/// What `new` was told about the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    pub name: String,
    pub field: Option<String>,
    pub interests: Vec<String>,
    pub tags: Vec<String>,
    pub cadence: Option<String>,
    pub today: Date,
}

fn yaml_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| yaml_scalar(s)).collect();
    format!("[{}]", parts.join(", "))
}

fn value(c: &NewContact, key: &str, yaml: bool) -> Option<String> {
    let scalar = |s: Option<&str>| match (s, yaml) {
        (None, _) => String::new(),
        (Some(s), true) => yaml_scalar(s),
        (Some(s), false) => s.to_string(),
    };
    let list = |v: &[String]| {
        if yaml { yaml_list(v) } else { v.join(", ") }
    };
    Some(match key {
        "name" => scalar(Some(&c.name)),
        "field" => scalar(c.field.as_deref()),
        "interests" => list(&c.interests),
        "tags" => list(&c.tags),
        "cadence" => scalar(c.cadence.as_deref()),
        "today" => c.today.to_string(),
        _ => return None,
    })
}

/// Fill in one line; unknown `{{…}}` stay as they are.
fn fill(line: &str, c: &NewContact, yaml: bool) -> (String, bool) {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    let mut any = false;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else {
            break;
        };
        let key = rest[open + 2..open + close].trim();
        match value(c, key, yaml) {
            Some(v) => {
                out.push_str(&rest[..open]);
                out.push_str(&v);
                any = true;
            }
            None => out.push_str(&rest[..open + close + 2]),
        }
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    (out, any)
}

/// The note text for `c` from `template`.
pub fn render(template: &str, c: &NewContact) -> String {
    let (bom, t) = split_bom(template);
    let yaml_range = match split(t) {
        Split::Block { yaml, .. } => {
            let start = t.find('\n').map_or(t.len(), |i| i + 1);
            start..start + yaml.len()
        }
        Split::None | Split::Unclosed => 0..0,
    };
    let mut out = String::with_capacity(t.len() + 64);
    out.push_str(bom);
    for l in lines(t, 0, t.len()) {
        let (filled, any) = fill(l.text, c, yaml_range.contains(&l.start));
        // a placeholder that came out empty leaves no trailing blanks behind
        out.push_str(if any {
            filled.trim_end_matches([' ', '\t'])
        } else {
            &filled
        });
        out.push_str(&t[l.end..l.next]);
    }
    out
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::{NewContact, builtin, render};
    use crate::vault::note::parse_note;

    fn contact() -> NewContact {
        NewContact {
            name: "Jürgen Müller".into(),
            field: Some("coaching".into()),
            interests: vec!["sailing".into(), "public speaking: the art".into()],
            tags: vec!["kiel".into()],
            cadence: Some("6w".into()),
            today: date(2026, 11, 26),
        }
    }

    #[test]
    fn builtin_parses_back() {
        let text = render(&builtin(), &contact());
        let n = parse_note("people/juergen-mueller.md", text.as_bytes()).note;
        assert!(n.problems.is_empty(), "{:?}\n{text}", n.problems);
        assert!(n.is_contact);
        assert_eq!(n.name, "Jürgen Müller");
        assert_eq!(n.facts.field, vec!["coaching"]);
        assert_eq!(
            n.facts.interests,
            vec!["sailing", "public speaking: the art"]
        );
        assert_eq!(n.facts.tags, vec!["kiel"]);
        assert_eq!(
            n.facts.cadence.map(|c| c.to_string()).as_deref(),
            Some("6w")
        );
        assert!(text.contains("\n# Jürgen Müller\n"));
        assert!(text.contains("\nfield: coaching\n"));
        assert!(!text.lines().any(|l| l.ends_with(' ')), "{text}");
    }

    #[test]
    fn builtin_is_the_documented_template() {
        assert_eq!(
            builtin(),
            "---\nname: {{name}}\naliases: []\ntags: {{tags}}\ncompany:\nrole:\nfield: {{field}}\ninterests: {{interests}}\ntraining:\nlocation:\nemail:\nbirthday:\nmet:\nlast_contact:\nnext_contact:\ncadence: {{cadence}}\n---\n# {{name}}\n\n## Log\n\n## Open\n"
        );
    }

    #[test]
    fn empty_values_and_odd_names() {
        let c = NewContact {
            name: "O'Brien: \"the\" boss #1".into(),
            field: None,
            interests: vec![],
            tags: vec![],
            cadence: None,
            today: date(2026, 11, 26),
        };
        let text = render(&builtin(), &c);
        let n = parse_note("people/o-brien.md", text.as_bytes()).note;
        assert!(n.problems.is_empty(), "{:?}\n{text}", n.problems);
        assert_eq!(n.name, c.name);
        assert!(text.contains("\nfield:\n"), "{text}");
        assert!(text.contains("\ninterests: []\n"), "{text}");
        assert!(text.contains("\n# O'Brien: \"the\" boss #1\n"), "{text}");
    }

    #[test]
    fn user_template_placeholders() {
        let t = "---\r\nname: {{name}}\r\ncreated: {{today}}\r\nkeep: {{unknown}}\r\n---\r\n# {{ name }}\r\nInterests: {{interests}}";
        let text = render(t, &contact());
        assert_eq!(
            text,
            "---\r\nname: Jürgen Müller\r\ncreated: 2026-11-26\r\nkeep: {{unknown}}\r\n---\r\n# Jürgen Müller\r\nInterests: sailing, public speaking: the art"
        );
    }
}
