//! `check`: every problem in the vault, as `path:line:col: severity[code]:
//! message` with the offending line and a caret; exit 1 when there are errors.
//!
//! The answer comes from the index: the problems recorded at sync and the
//! vault-wide rules answered from its terms (`index::problems`), reading
//! only the notes it shows, in path order, a batch at a time, printed as
//! they are read. With `RAPPORT_WHOLE_MODEL=1` it is computed over every
//! note instead; both feed the same rules (`checks`) and the same printing.

use std::cell::{Cell, RefCell};
use std::collections::{HashSet, VecDeque};

use serde::ser::{Error as _, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::checks::{
    Holders, NamesANote, SHARED, broken_links_of, contacts_hint, contacts_hint_for, duplicate,
    vault_problems,
};
use crate::cli::Ctx;
use crate::cli::exit::Exit;
use crate::cli::render::{BOLD, CYAN, Out, RED, YELLOW};
use crate::index::{Fact, IndexError, IndexView, NoteRef, Snapshot, SyncMode};
use crate::session::{Session, whole_model};
use crate::topics::link_key;
use crate::vault::note::{Code, Note, Problem, Severity};

/// Where `contacts_hint` is reported.
const CONFIG: &str = ".rapport/config.toml";

/// How many notes are read from the index at a time.
const BATCH: usize = 256;

/// An answer read from the index.
type Read<T> = Result<T, IndexError>;

#[derive(Serialize)]
struct Item {
    path: String,
    line: Option<usize>,
    column: Option<usize>,
    severity: Severity,
    code: Code,
    message: String,
    #[serde(skip)]
    source: Option<String>,
}

fn item(path: &str, p: Problem) -> Item {
    Item {
        path: path.to_string(),
        line: p.line,
        column: p.column,
        severity: p.severity,
        code: p.code,
        message: p.message,
        source: p.source,
    }
}

/// The order of the report: by path, line, code; equal places keep the
/// order the problems were found in.
fn order(a: &Item, b: &Item) -> std::cmp::Ordering {
    a.path
        .cmp(&b.path)
        .then(a.line.cmp(&b.line))
        .then(a.code.as_str().cmp(b.code.as_str()))
}

/// What found a problem, in the order they are found in (which equal
/// places keep): the note's own parse, the walk, the duplicate rule, the
/// link rule, the contacts hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    Note,
    Scan,
    Duplicate,
    Link,
    Config,
}

pub fn run(ctx: &mut Ctx) -> anyhow::Result<Exit> {
    let s = ctx.session(SyncMode::Sync)?;
    if whole_model() {
        let (items, notes) = whole(&s)?;
        let mut items = items.into_iter();
        return Ok(emit(&mut ctx.out, notes, &mut || Ok(items.next()))?);
    }
    let mut again = false;
    Ok(s.read_view(|v| {
        if again {
            // the first run met a damaged index: start the output over
            let g = &ctx.global;
            ctx.out = Out::new(g.json, g.quiet, g.color);
            if s.stale.is_some() {
                ctx.out.mark_stale();
            }
        }
        again = true;
        from_index(&s, v, &mut ctx.out)
    })?)
}

/// Every problem, computed over every note, in report order; and how many
/// notes there are.
fn whole(s: &Session) -> anyhow::Result<(Vec<Item>, usize)> {
    let notes = s.notes()?;
    let mut items: Vec<Item> = Vec::new();
    for n in &notes {
        for p in &n.problems {
            items.push(item(&n.path, p.clone()));
        }
    }
    for sp in &s.scan_problems {
        items.push(item(&sp.rel, sp.problem.clone()));
    }
    items.extend(
        vault_problems(&notes)
            .into_iter()
            .map(|f| item(&f.path, f.problem)),
    );
    if let Some(p) = contacts_hint(&notes, s.reading.selective()) {
        items.push(item(CONFIG, p));
    }
    items.sort_by(order);
    Ok((items, notes.len()))
}

/// The report from the index, written to `out` as it is read.
fn from_index(s: &Session, v: &IndexView, out: &mut Out) -> Read<Exit> {
    let snap = v.snapshot()?;
    let notes = snap.note_count();
    let mut extras: Vec<(Origin, Item)> = s
        .scan_problems
        .iter()
        .map(|sp| (Origin::Scan, item(&sp.rel, sp.problem.clone())))
        .collect();
    let groups = snap.shared_terms(Fact::Names, SHARED, |h: &mut Holders<String>, p| h.add(p))?;
    extras.extend(
        groups
            .iter()
            .filter_map(|(key, h)| duplicate(key, h))
            .map(|f| (Origin::Duplicate, item(&f.path, f.problem))),
    );
    let contacts = snap.count_with(Fact::Kind, "contact")?;
    if let Some(p) = contacts_hint_for(contacts, notes, s.reading.selective()) {
        extras.push((Origin::Config, item(CONFIG, p)));
    }
    // stable: the problems of one path keep the order they were found in
    extras.sort_by(|a, b| a.1.path.cmp(&b.1.path));
    let (dangling, mut todo) = snap.dangling()?;
    for sev in ["error", "warning"] {
        todo.extend(snap.notes_with(Fact::Problems, sev)?);
    }
    todo.sort_by(|a, b| a.path.cmp(&b.path));
    todo.dedup_by(|a, b| a.path == b.path);
    let mut stream = Stream {
        snap: &snap,
        session: s,
        todo: todo.into_iter(),
        batch: VecDeque::new(),
        extras: extras.into(),
        dangling: Dangling(dangling),
        ready: VecDeque::new(),
    };
    emit(out, notes, &mut || stream.next())
}

/// The link keys no note answers to: a link names a note unless its key
/// is one of them.
struct Dangling(HashSet<String>);

impl NamesANote for Dangling {
    fn names_a_note(&self, target: &str) -> bool {
        !self.0.contains(&link_key(target))
    }
}

/// The report in order: the notes to show, read a batch at a time, merged
/// by path with the problems found without reading notes.
struct Stream<'a, 'v> {
    snap: &'a Snapshot<'v>,
    session: &'a Session,
    /// The notes still to read, by path.
    todo: std::vec::IntoIter<NoteRef>,
    batch: VecDeque<Note>,
    /// Problems of the walk, the duplicate rule and the hint, by path.
    extras: VecDeque<(Origin, Item)>,
    dangling: Dangling,
    /// The rest of the current path's problems, in order.
    ready: VecDeque<Item>,
}

impl Stream<'_, '_> {
    fn next(&mut self) -> Read<Option<Item>> {
        loop {
            if let Some(i) = self.ready.pop_front() {
                return Ok(Some(i));
            }
            if self.batch.is_empty() {
                let refs: Vec<NoteRef> = self.todo.by_ref().take(BATCH).collect();
                for mut n in self.snap.read(&refs)? {
                    self.session.finish(&mut n);
                    self.batch.push_back(n);
                }
            }
            let note = match (self.batch.front(), self.extras.front()) {
                (None, None) => return Ok(None),
                (Some(n), Some((_, e))) => n.path <= e.path,
                (n, _) => n.is_some(),
            };
            let note = if note { self.batch.pop_front() } else { None };
            self.path_group(note);
        }
    }

    /// The problems of the next path (the note's, when it is read, and the
    /// others found there), in report order, into `ready`.
    fn path_group(&mut self, note: Option<Note>) {
        let mut group: Vec<(Origin, Item)> = Vec::new();
        let path = match note {
            Some(n) => {
                group.extend(
                    broken_links_of(&n, &self.dangling)
                        .into_iter()
                        .map(|f| (Origin::Link, item(&f.path, f.problem))),
                );
                group.extend(
                    n.problems
                        .into_iter()
                        .map(|p| (Origin::Note, item(&n.path, p))),
                );
                n.path
            }
            None => match self.extras.front() {
                Some((_, i)) => i.path.clone(),
                None => return,
            },
        };
        while self.extras.front().is_some_and(|(_, i)| i.path == path) {
            group.extend(self.extras.pop_front());
        }
        group.sort_by(|a, b| order(&a.1, &b.1).then(a.0.cmp(&b.0)));
        self.ready.extend(group.into_iter().map(|(_, i)| i));
    }
}

/// Write the report: every item `next` gives, then (not with `--json`) the
/// summary over `notes` notes.
fn emit(out: &mut Out, notes: usize, next: &mut dyn FnMut() -> Read<Option<Item>>) -> Read<Exit> {
    let counts = Counts::default();
    if out.json {
        let failed = RefCell::new(None);
        out.json(&Report {
            next: RefCell::new(next),
            counts: &counts,
            failed: &failed,
        });
        if let Some(e) = failed.into_inner() {
            return Err(e);
        }
    } else {
        while let Some(i) = next()? {
            counts.add(&i);
            print_item(out, &i);
        }
        if !out.quiet {
            let (errors, all) = (counts.errors.get(), counts.all.get());
            let warnings = all - errors;
            if all == 0 {
                out.line(format!("{notes} notes checked, no problems"));
            } else {
                out.line(format!(
                    "{notes} notes checked: {errors} errors, {warnings} warnings"
                ));
            }
        }
    }
    Ok(if counts.errors.get() > 0 {
        Exit::NothingFound
    } else {
        Exit::Ok
    })
}

#[derive(Default)]
struct Counts {
    all: Cell<usize>,
    errors: Cell<usize>,
}

impl Counts {
    fn add(&self, i: &Item) {
        self.all.set(self.all.get() + 1);
        if i.severity == Severity::Error {
            self.errors.set(self.errors.get() + 1);
        }
    }
}

/// `{"problems": [...]}`, the array written item by item as `next` gives
/// them; a failed read stops it and is left in `failed`.
struct Report<'a> {
    next: RefCell<&'a mut dyn FnMut() -> Read<Option<Item>>>,
    counts: &'a Counts,
    failed: &'a RefCell<Option<IndexError>>,
}

impl Serialize for Report<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Report", 1)?;
        st.serialize_field("problems", &Items(self))?;
        st.end()
    }
}

/// The array of a [`Report`].
struct Items<'r, 'a>(&'r Report<'a>);

impl Serialize for Items<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut next = r.next.borrow_mut();
        let mut seq = s.serialize_seq(None)?;
        loop {
            match next() {
                Ok(Some(i)) => {
                    r.counts.add(&i);
                    seq.serialize_element(&i)?;
                }
                Ok(None) => break,
                Err(e) => {
                    let message = e.to_string();
                    *r.failed.borrow_mut() = Some(e);
                    return Err(S::Error::custom(message));
                }
            }
        }
        seq.end()
    }
}
/// One problem: `path:line:col: severity[code]: message`, then the
/// offending line with a caret under the column when there is one.
fn print_item(o: &mut Out, i: &Item) {
    let loc = match (i.line, i.column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", i.path),
        (Some(l), None) => format!("{}:{l}", i.path),
        _ => i.path.clone(),
    };
    let sev = match i.severity {
        Severity::Error => o.styled(RED, &format!("error[{}]", i.code)),
        Severity::Warning => o.styled(YELLOW, &format!("warning[{}]", i.code)),
    };
    o.line(format!("{}: {sev}: {}", o.styled(BOLD, &loc), i.message));
    if let (Some(src), Some(line)) = (&i.source, i.line) {
        let num = line.to_string();
        let pad = " ".repeat(num.len());
        o.line(format!(" {} {src}", o.styled(CYAN, &format!("{num} |"))));
        if let Some(col) = i.column {
            let caret_pad: String = src
                .chars()
                .take(col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            o.line(format!(
                " {} {caret_pad}{}",
                o.styled(CYAN, &format!("{pad} |")),
                o.styled(RED, "^")
            ));
        }
    }
}
