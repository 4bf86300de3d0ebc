//! What an import would do to the vault: each source contact matched to a
//! note (by source id, then email, then folded name and alias) or planned
//! as a new one, with the field-level changes. Ambiguity either way (two
//! contacts for one note, one contact for two notes) is reported and left
//! alone. Pure: notes, state and contacts in, the plan out.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::Value;

use crate::edit::EditError;
use crate::edit::frontmatter::{set, set_list};
use crate::import::vcard_out::{derived_uid, live};
use crate::import::{Contact, IMPORT_ID, Owner, Shape, Skip, VCARD_UID, key_info};
use crate::vault::names::name_folds;

/// A contact note as the import sees it.
#[derive(Debug, Clone)]
pub struct Existing {
    pub path: String,
    pub name: String,
    /// Name, aliases and file stem.
    pub keys: Vec<String>,
    /// The front matter's string and string-list values (empty ones left out).
    pub values: BTreeMap<String, Vec<String>>,
}

/// A contact note as the import sees it, from its parsed note and text; a
/// note whose front matter does not parse has no values (and is matched by
/// name only, never written: the editor refuses it).
pub fn existing(n: &crate::vault::note::Note, text: &str) -> Existing {
    let mut values = crate::edit::frontmatter::mapping(text)
        .ok()
        .flatten()
        .map(|m| values_of(&m))
        .unwrap_or_default();
    values
        .entry("name".to_string())
        .or_insert_with(|| vec![n.name.clone()]);
    let mut keys = vec![n.name.clone()];
    keys.extend(n.facts.aliases.iter().cloned());
    keys.push(n.stem().to_string());
    Existing {
        path: n.path.clone(),
        name: n.name.clone(),
        keys,
        values,
    }
}

/// The front-matter values of a parsed mapping, as the import compares them.
pub fn values_of(map: &serde_norway::Mapping) -> BTreeMap<String, Vec<String>> {
    use serde_norway::Value as Y;
    let text = |v: &Y| match v {
        Y::String(s) => Some(s.trim().to_string()),
        Y::Number(n) => Some(n.to_string()),
        Y::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let Y::String(k) = k else { continue };
        let vs: Vec<String> = match v {
            Y::Sequence(s) => s.iter().filter_map(text).collect(),
            v => text(v).into_iter().collect(),
        };
        let vs: Vec<String> = vs.into_iter().filter(|s| !s.is_empty()).collect();
        if !vs.is_empty() {
            out.insert(k.clone(), vs);
        }
    }
    out
}

/// What the imports last wrote, per source id (`vcard_uid:…`, `import_id:…`)
/// and key: a shared value that still equals it was not edited by the user.
pub type State = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// One change of one key.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub key: String,
    /// The note's value before (`null` when it had none).
    pub from: Value,
    pub to: Value,
    /// How it is written.
    #[serde(skip)]
    pub write: Vec<String>,
}

/// A value the note has that differs from the source's and stays (the user wrote it).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Kept {
    pub key: String,
    pub note: Value,
    pub source: Value,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Unchanged,
    Ambiguous,
    Skip,
}

/// The plan for one source contact (or skipped card / row).
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub source: String,
    pub name: String,
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// How the note was found: `id`, `email` or `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<Kept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
    /// The source id, for the state.
    #[serde(skip)]
    pub id: Option<String>,
    /// The source's values, for the state.
    #[serde(skip)]
    pub values: Vec<(&'static str, Vec<String>)>,
    /// A new note's free text.
    #[serde(skip)]
    pub note: Option<String>,
}

impl Entry {
    fn bare(c: &Contact, action: Action) -> Entry {
        Entry {
            source: c.origin.clone(),
            name: c.name.clone(),
            action,
            path: None,
            matched_by: None,
            changes: vec![],
            kept: vec![],
            why: None,
            candidates: vec![],
            id: c.id.as_ref().map(|(k, v)| format!("{k}:{v}")),
            values: all_values(c),
            note: c.note.clone(),
        }
    }

    pub fn skipped(s: &Skip) -> Entry {
        Entry {
            source: s.origin.clone(),
            name: String::new(),
            action: Action::Skip,
            path: None,
            matched_by: None,
            changes: vec![],
            kept: vec![],
            why: Some(s.why.clone()),
            candidates: vec![],
            id: None,
            values: vec![],
            note: None,
        }
    }
}

/// Every value the contact brings: name, fields and id.
fn all_values(c: &Contact) -> Vec<(&'static str, Vec<String>)> {
    let mut v = vec![("name", vec![c.name.clone()])];
    v.extend(c.fields.iter().cloned());
    if let Some((k, id)) = &c.id {
        v.push((*k, vec![id.clone()]));
    }
    v
}

fn json_of(shape: Shape, vs: &[String]) -> Value {
    match (shape, vs) {
        (_, []) => Value::Null,
        (Shape::Scalar | Shape::Multi, [one]) => Value::String(one.clone()),
        (Shape::Scalar, [first, ..]) => Value::String(first.clone()),
        _ => Value::Array(vs.iter().cloned().map(Value::String).collect()),
    }
}

fn same(key: &str, shape: Shape, a: &[String], b: &[String]) -> bool {
    use crate::vault::cadence::{Birthday, parse_date};
    if let (Some(x), Some(y)) = (a.first(), b.first()) {
        // one date written two ways (`--04-15`, `04-15`) is the same date
        if key == "birthday"
            && let (Ok(x), Ok(y)) = (Birthday::parse(x), Birthday::parse(y))
        {
            return x == y;
        }
        if key == "met"
            && let (Ok(x), Ok(y)) = (parse_date(x), parse_date(y))
        {
            return x == y;
        }
    }
    match shape {
        Shape::Scalar => a.first() == b.first(),
        // the order of a list alone is no change worth a write
        _ => {
            a.len() == b.len() && {
                let x: BTreeSet<&String> = a.iter().collect();
                let y: BTreeSet<&String> = b.iter().collect();
                x == y
            }
        }
    }
}

/// The changes that bring note values `cur` in line with `c`'s, and the
/// values that stay because the user wrote them.
fn changes(
    values: &[(&'static str, Vec<String>)],
    cur: &BTreeMap<String, Vec<String>>,
    prev: Option<&BTreeMap<String, Vec<String>>>,
) -> (Vec<Change>, Vec<Kept>) {
    let (mut ch, mut kept) = (vec![], vec![]);
    for (key, src) in values {
        let Some((shape, owner)) = key_info(key) else {
            continue;
        };
        let now = cur.get(*key).map_or(&[][..], Vec::as_slice);
        if src.is_empty() || same(key, shape, now, src) {
            continue;
        }
        // kept vCard lines whose value the user has since removed from the
        // note are not written by an export, so their absence is no change
        if *key == "vcard_props" {
            let live: Vec<String> = now.iter().filter(|l| live(l, cur)).cloned().collect();
            if same(key, shape, &live, src) {
                continue;
            }
        }
        let ours = owner == Owner::Import
            || prev
                .and_then(|p| p.get(*key))
                .is_some_and(|p| same(key, shape, p, now));
        let to = if now.is_empty() || ours {
            src.clone()
        } else if shape != Shape::Scalar {
            // the user's list stays; what it lacks is added
            let mut u = now.to_vec();
            u.extend(src.iter().filter(|s| !now.contains(s)).cloned());
            if u.len() == now.len() {
                continue;
            }
            u
        } else {
            kept.push(Kept {
                key: key.to_string(),
                note: json_of(shape, now),
                source: json_of(shape, src),
            });
            continue;
        };
        ch.push(Change {
            key: key.to_string(),
            from: json_of(shape, now),
            to: json_of(shape, &to),
            write: to,
        });
    }
    (ch, kept)
}

/// Write `values` under `key` with the key's shape: a scalar, a list, or
/// (email, phone, url) a scalar when there is one value.
pub fn write_key(text: &str, key: &str, values: &[String]) -> Result<String, EditError> {
    let shape = key_info(key).map_or(Shape::List, |k| k.0);
    match (shape, values) {
        (Shape::Scalar, [v, ..]) | (Shape::Multi, [v]) => match set(text, key, v) {
            Err(EditError::Complex { .. }) => set_list(text, key, values),
            r => r,
        },
        _ => set_list(text, key, values),
    }
}

fn index_by(m: &mut HashMap<String, Vec<usize>>, k: impl Into<String>, i: usize) {
    let v = m.entry(k.into()).or_default();
    if !v.contains(&i) {
        v.push(i);
    }
}

/// The notes indexed by what a contact can be matched on: source id
/// (`vcard_uid:…`, `import_id:…`, and each note's derived UID), lower-cased
/// email, and folded name, alias or file stem.
struct Lookup<'a> {
    notes: &'a [Existing],
    by_id: HashMap<String, Vec<usize>>,
    by_email: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
}

/// Where one contact goes, before two contacts claiming one note are sorted out.
enum Target {
    /// An existing note (its index) and how it was found.
    Note(usize, &'static str),
    /// A new note at this vault-relative path.
    New(String),
    /// More than one candidate, or a match that cannot be trusted.
    Ambiguous(String, Vec<usize>),
    /// No usable file name for a new note.
    Unnamed,
}

/// One candidate is a match, several are ambiguous, none is no match.
fn pick(found: Vec<usize>, how: &'static str) -> Option<Target> {
    match found.as_slice() {
        [] => None,
        [one] => Some(Target::Note(*one, how)),
        _ => Some(Target::Ambiguous(
            format!("matches {} notes by {how}", found.len()),
            found,
        )),
    }
}

/// Add `i` to `found` unless it is there already.
fn push_new(found: &mut Vec<usize>, i: usize) {
    if !found.contains(&i) {
        found.push(i);
    }
}

impl<'a> Lookup<'a> {
    /// Index `notes` by id, email and name.
    fn new(notes: &'a [Existing]) -> Lookup<'a> {
        let mut l = Lookup {
            notes,
            by_id: HashMap::new(),
            by_email: HashMap::new(),
            by_name: HashMap::new(),
        };
        for (i, n) in notes.iter().enumerate() {
            for k in [VCARD_UID, IMPORT_ID] {
                for v in n.values.get(k).into_iter().flatten() {
                    index_by(&mut l.by_id, format!("{k}:{v}"), i);
                }
            }
            index_by(
                &mut l.by_id,
                format!("{VCARD_UID}:{}", derived_uid(&n.path)),
                i,
            );
            for e in n.values.get("email").into_iter().flatten() {
                index_by(&mut l.by_email, e.to_lowercase(), i);
            }
            for k in &n.keys {
                for f in name_folds(k) {
                    if !f.is_empty() {
                        index_by(&mut l.by_name, f, i);
                    }
                }
            }
        }
        l
    }

    /// The `vcard_uid` note `i` has, if any.
    fn uid_of(&self, i: usize) -> Option<&String> {
        self.notes[i].values.get(VCARD_UID).and_then(|v| v.first())
    }

    /// The note `c` names by its source id.
    fn match_id(&self, c: &Contact) -> Option<Target> {
        let hit =
            c.id.as_ref()
                .and_then(|(k, v)| self.by_id.get(&format!("{k}:{v}")))
                .cloned()
                .unwrap_or_default();
        pick(hit, "id")
    }

    /// The note that shares an email with `c`; a single match that already
    /// belongs to another card (a different `vcard_uid`) is ambiguous.
    fn match_email(&self, c: &Contact, uid: Option<&String>) -> Option<Target> {
        let mut found: Vec<usize> = vec![];
        for e in c.emails() {
            for &i in self.by_email.get(&e).into_iter().flatten() {
                push_new(&mut found, i);
            }
        }
        let t = pick(found, "email");
        if let (Some(Target::Note(i, _)), Some(u)) = (&t, uid)
            && let Some(other) = self.uid_of(*i)
            && other != u
        {
            return Some(Target::Ambiguous(
                format!(
                    "the email matches {} but it has vcard_uid {other}",
                    self.notes[*i].path
                ),
                vec![*i],
            ));
        }
        t
    }

    /// The note whose folded name, alias or stem equals one of `c`'s name
    /// or aliases, leaving out notes that are another card's.
    fn match_name(&self, c: &Contact, uid: Option<&String>) -> Option<Target> {
        let mut found: Vec<usize> = vec![];
        let mut names = vec![c.name.clone()];
        names.extend(c.get("aliases").iter().cloned());
        for n in &names {
            for f in name_folds(n) {
                for &i in self.by_name.get(&f).into_iter().flatten() {
                    // a note that is another card's is not this one
                    let other_card =
                        uid.is_some() && self.uid_of(i).is_some_and(|o| Some(o) != uid);
                    if !other_card {
                        push_new(&mut found, i);
                    }
                }
            }
        }
        pick(found, "name")
    }

    /// `c`'s target: by id, then email, then name, else a new note.
    fn target(&self, c: &Contact, new_path: &dyn Fn(&str) -> Option<String>) -> Target {
        let uid =
            c.id.as_ref()
                .filter(|(k, _)| *k == VCARD_UID)
                .map(|(_, v)| v);
        self.match_id(c)
            .or_else(|| self.match_email(c, uid))
            .or_else(|| self.match_name(c, uid))
            .unwrap_or_else(|| match new_path(&c.name) {
                Some(p) => Target::New(p),
                None => Target::Unnamed,
            })
    }

    /// The key two targets collide on: the note's path, or a new path
    /// lower-cased (file systems that fold case make them one file).
    fn claim_key(&self, t: &Target) -> Option<String> {
        match t {
            Target::Note(i, _) => Some(self.notes[*i].path.clone()),
            Target::New(p) => Some(p.to_lowercase()),
            _ => None,
        }
    }
}

/// The plan for `contacts` against `notes`. `new_path` gives a new contact's
/// vault-relative path from its name (`None`: no usable file name).
pub fn plan(
    contacts: &[Contact],
    notes: &[Existing],
    state: &State,
    new_path: &dyn Fn(&str) -> Option<String>,
) -> Vec<Entry> {
    let look = Lookup::new(notes);
    // first pass: each contact's target note (or a new path)
    let targets: Vec<Target> = contacts.iter().map(|c| look.target(c, new_path)).collect();
    // second pass: two contacts for one note (or one new path) are ambiguous
    let mut claims: HashMap<String, Vec<usize>> = HashMap::new();
    for (ci, t) in targets.iter().enumerate() {
        if let Some(key) = look.claim_key(t) {
            claims.entry(key).or_default().push(ci);
        }
    }
    let mut out = Vec::with_capacity(contacts.len());
    for (ci, (c, t)) in contacts.iter().zip(targets).enumerate() {
        let others = look
            .claim_key(&t)
            .and_then(|k| claims.get(&k))
            .filter(|o| o.len() > 1);
        out.push(match others {
            Some(others) => contested(contacts, ci, &t, others, notes),
            None => entry(c, t, notes, state),
        });
    }
    out
}

/// The entry for contact `ci` whose target other contacts of this import
/// (`others`, itself included) claim too: ambiguous, naming the others.
fn contested(
    contacts: &[Contact],
    ci: usize,
    t: &Target,
    others: &[usize],
    notes: &[Existing],
) -> Entry {
    let mut e = Entry::bare(&contacts[ci], Action::Ambiguous);
    let what = match t {
        Target::Note(i, _) => format!("match {}", notes[*i].path),
        _ => "would make the same new note".to_string(),
    };
    e.why = Some(format!("{} contacts in this import {what}", others.len()));
    e.candidates = others
        .iter()
        .filter(|&&o| o != ci)
        .map(|&o| contacts[o].origin.clone())
        .collect();
    if let Target::Note(i, _) = t {
        e.path = Some(notes[*i].path.clone());
    }
    e
}

/// The entry for contact `c` and its uncontested target.
fn entry(c: &Contact, t: Target, notes: &[Existing], state: &State) -> Entry {
    let mut e = Entry::bare(c, Action::Ambiguous);
    match t {
        Target::Ambiguous(why, found) => {
            e.why = Some(why);
            e.candidates = found.iter().map(|&i| notes[i].path.clone()).collect();
        }
        Target::Unnamed => {
            e.action = Action::Skip;
            e.why = Some(format!("cannot make a file name from {:?}", c.name));
        }
        Target::New(p) => {
            e.action = Action::Create;
            e.path = Some(p);
            e.changes = create_changes(&e.values);
        }
        Target::Note(i, how) => update(&mut e, c, &notes[i], how, state),
    }
    e
}

/// The changes that make a new note: every value but the name (the
/// template writes that).
fn create_changes(values: &[(&'static str, Vec<String>)]) -> Vec<Change> {
    values
        .iter()
        .filter(|(k, _)| *k != "name")
        .filter_map(|(k, v)| {
            let (shape, _) = key_info(k)?;
            Some(Change {
                key: k.to_string(),
                from: Value::Null,
                to: json_of(shape, v),
                write: v.clone(),
            })
        })
        .collect()
}

/// Fill `e` for contact `c` matched (`how`) to note `n`: an update with
/// the changes, or unchanged when there are none.
fn update(e: &mut Entry, c: &Contact, n: &Existing, how: &'static str, state: &State) {
    let mut values = e.values.clone();
    // an exported note's derived UID stands for the note itself
    if c.id.as_ref().is_some_and(|(k, v)| {
        *k == VCARD_UID && *v == derived_uid(&n.path) && !n.values.contains_key(VCARD_UID)
    }) {
        values.retain(|(k, _)| *k != VCARD_UID);
    }
    let prev = e.id.as_ref().and_then(|id| state.get(id));
    let (ch, kept) = changes(&values, &n.values, prev);
    e.action = if ch.is_empty() {
        Action::Unchanged
    } else {
        Action::Update
    };
    e.path = Some(n.path.clone());
    e.matched_by = Some(how);
    e.changes = ch;
    e.kept = kept;
    e.values = values;
}

/// The state after `entries` were carried out: for each source id whose note
/// was written, what the source said for each shared key the import did not
/// leave to the user.
pub fn next_state(mut state: State, entries: &[Entry]) -> State {
    for e in entries {
        let Some(id) = &e.id else { continue };
        // only a write makes values the import's (an unchanged note was left as it is)
        if !matches!(e.action, Action::Create | Action::Update) {
            continue;
        }
        let rec = state.entry(id.clone()).or_default();
        let kept: BTreeSet<&str> = e.kept.iter().map(|k| k.key.as_str()).collect();
        for (k, v) in &e.values {
            if kept.contains(k) || matches!(key_info(k), Some((_, Owner::Import)) | None) {
                continue;
            }
            // what the source said: a list the user had and the import only
            // added to holds more, so it stays the user's
            rec.insert(k.to_string(), v.clone());
        }
    }
    state
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{Action, Existing, State, plan};
    use crate::import::{Contact, VCARD_UID};

    fn note(path: &str, name: &str, vals: &[(&str, &[&str])]) -> Existing {
        Existing {
            path: path.into(),
            name: name.into(),
            keys: vec![name.into()],
            values: vals
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
                .collect(),
        }
    }

    fn contact(name: &str, uid: Option<&str>, email: Option<&str>) -> Contact {
        let mut c = Contact {
            origin: format!("x.vcf:{name}"),
            name: name.into(),
            id: uid.map(|u| (VCARD_UID, u.to_string())),
            ..Contact::default()
        };
        if let Some(e) = email {
            c.add("email", e);
        }
        c.add("company", "Acme");
        c
    }

    fn path(n: &str) -> Option<String> {
        Some(format!("people/{}.md", crate::vault::names::slug(n)))
    }

    #[test]
    fn matching_and_ambiguity() {
        let notes = vec![
            note(
                "people/anna.md",
                "Anna Schmidt",
                &[("email", &["anna@x.de"]), ("company", &["Old Co"])],
            ),
            note("people/bob.md", "Bob", &[("vcard_uid", &["u-bob"])]),
            note("people/bob-2.md", "Bob", &[]),
        ];
        let cs = vec![
            contact("Anna S.", Some("u-anna"), Some("ANNA@x.de")),
            contact("Robert", Some("u-bob"), None),
            contact("Bob", Some("u-other"), None),
            contact("Carla", None, None),
            contact("Dora", None, Some("d@x.de")),
            contact("Dora", None, Some("d2@x.de")),
        ];
        let p = plan(&cs, &notes, &State::new(), &path);
        let acts: Vec<Action> = p.iter().map(|e| e.action).collect();
        assert_eq!(
            acts,
            [
                Action::Update,
                Action::Update,
                Action::Update,
                Action::Create,
                Action::Ambiguous,
                Action::Ambiguous
            ]
        );
        // the user's company stays; the missing id and email are added
        assert_eq!(p[0].matched_by, Some("email"));
        assert!(p[0].kept.iter().any(|k| k.key == "company"));
        assert!(p[0].changes.iter().any(|c| c.key == "vcard_uid"));
        assert_eq!(p[1].matched_by, Some("id"));
        // "Bob" with another UID does not take bob.md (another card's) but bob-2.md
        assert_eq!(p[2].path.as_deref(), Some("people/bob-2.md"));
        // an import-owned value (as the state says) follows the source
        let mut state = State::new();
        state.insert(
            "vcard_uid:u-anna".into(),
            BTreeMap::from([("company".to_string(), vec!["Old Co".to_string()])]),
        );
        let p = plan(&cs[..1], &notes, &state, &path);
        assert!(!p[0].kept.iter().any(|k| k.key == "company"));
        assert!(
            p[0].changes
                .iter()
                .any(|c| c.key == "company" && c.to == "Acme")
        );
    }

    #[test]
    fn one_contact_two_notes() {
        let notes = vec![note("a/eve.md", "Eve", &[]), note("b/eve.md", "Eve", &[])];
        let p = plan(&[contact("Eve", None, None)], &notes, &State::new(), &path);
        assert_eq!(p[0].action, Action::Ambiguous);
        assert_eq!(p[0].candidates, ["a/eve.md", "b/eve.md"]);
    }
}
