//! `due` (and the due part of `plan`) from columns: the follow-up facts of
//! every note are kept as fast fields at sync ([`add_due_facts`]); a report
//! evaluates the rules (`followup::Window`) on those columns, one segment at
//! a time with its alive bitset, and loads only the notes that have a row,
//! with the journal entries that can decide their last contact and talking
//! point. The rows themselves are then computed by the same code as for the
//! whole model (`followup::due` over the loaded notes).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::civil::Date;
use tantivy::columnar::Column;
use tantivy::schema::Value;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, Searcher, SegmentReader, TantivyDocument, Term};

use crate::followup::{DueOptions, RuleFacts, Window};
use crate::index::IndexView;
use crate::index::engine::doc::NoteDoc;
use crate::index::engine::schema::{DueFields, Fields};
use crate::index::engine::terms::live_docs;
use crate::index::error::{Result, io_err, tv_err};
use crate::journal::{credits, credits_target};
use crate::topics::link_key;
use crate::vault::cadence::{Birthday, Cadence, Unit};
use crate::vault::model::{Facts, LogEntry, Note, OpenItem, Status, status_key};
use crate::vault::names::fold;

/// A date as the number `YYYYMMDD`: ordered as the dates are.
fn date_num(d: Date) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

fn num_date(v: i64) -> Option<Date> {
    let (y, md) = (v.div_euclid(10_000), v.rem_euclid(10_000));
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(md / 100).ok()?,
        i8::try_from(md % 100).ok()?,
    )
    .ok()
}

fn cadence_num(c: Cadence) -> u64 {
    let unit = match c.unit {
        Unit::Day => 0,
        Unit::Week => 1,
        Unit::Month => 2,
        Unit::Year => 3,
    };
    u64::try_from(c.count).unwrap_or(0) * 4 + unit
}

fn num_cadence(v: u64) -> Option<Cadence> {
    let unit = match v % 4 {
        0 => Unit::Day,
        1 => Unit::Week,
        2 => Unit::Month,
        _ => Unit::Year,
    };
    Some(Cadence {
        count: i32::try_from(v / 4).ok()?,
        unit,
    })
}

fn birthday_num(b: Birthday) -> u64 {
    let year = b
        .year
        .map_or(0, |y| u64::try_from(i32::from(y) + 10_000).unwrap_or(0));
    let month = u64::try_from(b.month).unwrap_or(0);
    let day = u64::try_from(b.day).unwrap_or(0);
    (year << 9) | (month << 5) | day
}

fn num_birthday(v: u64) -> Option<Birthday> {
    let year = v >> 9;
    Some(Birthday {
        year: match year {
            0 => None,
            y => Some(i16::try_from(i64::try_from(y).ok()? - 10_000).ok()?),
        },
        month: i8::try_from((v >> 5) & 0xf).ok()?,
        day: i8::try_from(v & 0x1f).ok()?,
    })
}

/// Write the follow-up facts of a note as read (`n`) into its document.
pub fn add_due_facts(fields: &Fields, n: &Note, doc: &mut NoteDoc) {
    let c = &fields.due;
    let f = &n.facts;
    doc.add_u64(c.contact, u64::from(n.is_contact));
    let dates = [
        (c.last, f.last_contact),
        (c.next, f.next_contact),
        (c.snooze, f.snooze_until),
        (c.dated, n.dated),
    ];
    for (field, d) in dates {
        if let Some(d) = d {
            doc.add_i64(field, date_num(d));
        }
    }
    for e in &n.log {
        doc.add_i64(c.logs, date_num(e.date));
    }
    for d in n.open.iter().filter_map(|o| o.due) {
        doc.add_i64(c.open_due, date_num(d));
    }
    doc.add_u64(c.open_count, n.open.len() as u64);
    if let Some(cad) = f.cadence() {
        doc.add_u64(c.cadence, cadence_num(cad));
    }
    if let Some(b) = f.birthday() {
        doc.add_u64(c.birthday, birthday_num(b));
    }
    if let Some(s) = f.status.as_ref().map(Status::key).filter(|s| !s.is_empty()) {
        doc.add_text(c.status, &s);
    }
}

/// What the rows of the `due` report read of a stored note (`meta`): its
/// name, keys, follow-up facts, log and open items. Read instead of the whole
/// model, the rest of the JSON is skipped, not allocated.
#[derive(serde::Deserialize)]
struct Slim {
    path: String,
    name: String,
    is_contact: bool,
    facts: SlimFacts,
    log: Vec<LogEntry>,
    open: Vec<OpenItem>,
}

#[derive(serde::Deserialize)]
struct SlimFacts {
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    birthday: Option<Birthday>,
    #[serde(default)]
    last_contact: Option<Date>,
    #[serde(default)]
    next_contact: Option<Date>,
    #[serde(default)]
    snooze_until: Option<Date>,
    #[serde(default)]
    cadence: Option<Cadence>,
    #[serde(default)]
    status: Option<Status>,
}

impl Slim {
    fn note(self) -> Note {
        let f = self.facts;
        Note {
            path: self.path,
            name: self.name,
            is_contact: self.is_contact,
            facts: Facts {
                aliases: f.aliases,
                birthday: f.birthday,
                last_contact: f.last_contact,
                next_contact: f.next_contact,
                snooze_until: f.snooze_until,
                cadence: f.cadence,
                status: f.status,
                ..Facts::default()
            },
            log: self.log,
            open: self.open,
            done: 0,
            links: Vec::new(),
            problems: Vec::new(),
            dated: None,
            mentions: Vec::new(),
        }
    }
}

/// One segment's follow-up columns.
struct SegColumns {
    contact: Column<u64>,
    last: Column<i64>,
    logs: Column<i64>,
    next: Column<i64>,
    snooze: Column<i64>,
    cadence: Column<u64>,
    birthday: Column<u64>,
    open_due: Column<i64>,
    open_count: Column<u64>,
    dated: Column<i64>,
}

/// A note across segments: segment ordinal and doc id.
type Gid = u64;

/// Notes read back with their ids.
type Loaded = Vec<(Gid, Note)>;

fn gid(seg: usize, doc: DocId) -> Gid {
    ((seg as u64) << 32) | u64::from(doc)
}

fn addr(g: Gid) -> DocAddress {
    DocAddress::new((g >> 32) as u32, (g & 0xffff_ffff) as u32)
}

/// The columns and posting lists of one searcher, read for one report.
struct Columns<'a> {
    searcher: &'a Searcher,
    cols: Vec<SegColumns>,
    fields: &'a DueFields,
    keys: Field,
    mentions: Field,
    err: PathBuf,
    /// link key → the one alive note with that key (`None`: none or several).
    named: HashMap<String, Option<Gid>>,
}

impl<'a> Columns<'a> {
    fn new(view: &'a IndexView, searcher: &'a Searcher) -> Result<Columns<'a>> {
        let err = view.root.join(".rapport");
        let f = &view.fields.due;
        let name = |x: Field| view.fields.schema.get_field_name(x).to_string();
        let mut cols = Vec::new();
        for seg in searcher.segment_readers() {
            let ff = seg.fast_fields();
            let u = |x: Field| ff.u64(&name(x)).map_err(tv_err(&err));
            let i = |x: Field| ff.i64(&name(x)).map_err(tv_err(&err));
            cols.push(SegColumns {
                contact: u(f.contact)?,
                last: i(f.last)?,
                logs: i(f.logs)?,
                next: i(f.next)?,
                snooze: i(f.snooze)?,
                cadence: u(f.cadence)?,
                birthday: u(f.birthday)?,
                open_due: i(f.open_due)?,
                open_count: u(f.open_count)?,
                dated: i(f.dated)?,
            });
        }
        Ok(Columns {
            searcher,
            cols,
            fields: f,
            keys: view.fields.keys,
            mentions: view.fields.mentions,
            err,
            named: HashMap::new(),
        })
    }

    fn segs(&self) -> &'a [SegmentReader] {
        self.searcher.segment_readers()
    }

    /// Call `f` with every alive doc of segment `seg` that has `term`.
    fn each_posting(
        &self,
        seg: usize,
        field: Field,
        term: &str,
        mut f: impl FnMut(DocId),
    ) -> Result<()> {
        let reader = &self.segs()[seg];
        let inv = reader.inverted_index(field).map_err(tv_err(&self.err))?;
        let t = Term::from_field_text(field, term);
        let Some(p) = inv
            .read_postings(&t, IndexRecordOption::Basic)
            .map_err(io_err(&self.err))?
        else {
            return Ok(());
        };
        live_docs(reader, p, |d, _| f(d));
        Ok(())
    }

    /// The one alive note whose folded keys include `key` (the link
    /// resolution rule of `topics::LinkResolver`: several name nobody).
    fn named(&mut self, key: &str) -> Result<Option<Gid>> {
        if let Some(g) = self.named.get(key) {
            return Ok(*g);
        }
        let mut found: Vec<Gid> = Vec::new();
        for seg in 0..self.segs().len() {
            self.each_posting(seg, self.keys, key, |d| {
                if found.len() < 2 {
                    found.push(gid(seg, d));
                }
            })?;
        }
        let one = match found.as_slice() {
            [g] => Some(*g),
            _ => None,
        };
        self.named.insert(key.to_string(), one);
        Ok(one)
    }

    fn is_contact(&self, g: Gid) -> bool {
        let a = addr(g);
        self.cols[a.segment_ord as usize].contact.first(a.doc_id) == Some(1)
    }

    /// Per segment and doc: the latest date on or before `today` a dated
    /// note mentioning the contact gives it (journal credit), `i64::MIN`
    /// when none.
    fn credit(&mut self, today: i64) -> Result<Vec<Vec<i64>>> {
        let mut best: Vec<Vec<i64>> = self
            .segs()
            .iter()
            .map(|s| vec![i64::MIN; s.max_doc() as usize])
            .collect();
        for seg in 0..self.segs().len() {
            let inv = self.segs()[seg]
                .inverted_index(self.mentions)
                .map_err(tv_err(&self.err))?;
            let mut stream = inv.terms().stream().map_err(io_err(&self.err))?;
            while stream.advance() {
                let Ok(key) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let Some(target) = self.named(key)? else {
                    continue;
                };
                if !self.is_contact(target) {
                    continue;
                }
                let ta = addr(target);
                let dated = &self.cols[seg].dated;
                let mut top = best[ta.segment_ord as usize][ta.doc_id as usize];
                self.each_posting(seg, self.mentions, key, |d| {
                    if !credits_target(gid(seg, d), target, true) {
                        return;
                    }
                    if let Some(day) = dated.first(d).filter(|&v| v <= today) {
                        top = top.max(day);
                    }
                })?;
                best[ta.segment_ord as usize][ta.doc_id as usize] = top;
            }
        }
        Ok(best)
    }
}

/// Which statuses end follow-ups, per segment and doc.
fn inactive_docs(c: &Columns<'_>, inactive: &[String]) -> Result<Vec<Vec<bool>>> {
    let mut out: Vec<Vec<bool>> = c
        .segs()
        .iter()
        .map(|s| vec![false; s.max_doc() as usize])
        .collect();
    let mut keys: Vec<String> = inactive
        .iter()
        .map(|s| status_key(s))
        .filter(|s| !s.is_empty())
        .collect();
    keys.dedup();
    for (seg, flags) in out.iter_mut().enumerate() {
        for k in &keys {
            c.each_posting(seg, c.fields.status, k, |d| flags[d as usize] = true)?;
        }
    }
    Ok(out)
}

/// The latest of a note's own log dates on or before `today`.
fn own_log(col: &SegColumns, d: DocId, today: i64) -> Option<i64> {
    col.logs.values_for_doc(d).filter(|&v| v <= today).max()
}

/// What the rules of one segment's doc read, with its journal credit.
fn rule_facts(col: &SegColumns, d: DocId, today: i64, credit: i64) -> RuleFacts {
    let last = [col.last.first(d), own_log(col, d, today), Some(credit)]
        .into_iter()
        .flatten()
        .filter(|&v| v != i64::MIN)
        .max();
    RuleFacts {
        last: last.and_then(num_date),
        next_contact: col.next.first(d).and_then(num_date),
        snooze_until: col.snooze.first(d).and_then(num_date),
        cadence: col.cadence.first(d).and_then(num_cadence),
    }
}

/// Does doc `d` have a row in the report?
fn listed(w: &Window<'_>, col: &SegColumns, d: DocId, today: i64, credit: i64) -> bool {
    let facts = rule_facts(col, d, today, credit);
    let birthday = col.birthday.first(d).and_then(num_birthday);
    let dated = col.open_due.values_for_doc(d).count() as u64;
    let undated = col.open_count.first(d).unwrap_or(0).saturating_sub(dated);
    let open = col
        .open_due
        .values_for_doc(d)
        .map(num_date)
        .chain(std::iter::repeat_n(
            None,
            usize::try_from(undated).unwrap_or(0),
        ));
    w.lists(&facts, birthday, open)
}

/// What `due` asks of the columns besides its options: the vault's
/// inactive statuses, whether journals credit contacts, the most listed
/// contacts to read (more: none read) and the notes handed over at once.
pub struct Ask<'a> {
    pub inactive: &'a [String],
    pub journal: bool,
    pub at_most: usize,
    pub part: usize,
}

impl IndexView {
    /// The notes the `due` report for `o` has rows for, in path order, with
    /// the journal credit (when `ask.journal`) that decides their rows; the
    /// statuses in `ask.inactive` end follow-ups. `None` when changed notes
    /// are laid over the index (the caller reads the whole model then) or
    /// more than `ask.at_most` contacts have rows.
    pub fn due_notes(&self, o: &DueOptions, ask: &Ask) -> Result<Option<Vec<Note>>> {
        let mut all = Vec::new();
        let found = self.due_notes_in_parts(o, ask, &mut |part| {
            all.extend(part);
            Ok(())
        })?;
        all.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(found.then_some(all))
    }

    /// [`Self::due_notes`] handed to `f` in parts of at most `ask.part`
    /// notes (in index order; each part sorted by path), so that a long
    /// report holds its rows, not every listed note. `false` (and nothing
    /// handed) where `due_notes` answers `None`.
    pub fn due_notes_in_parts(
        &self,
        o: &DueOptions,
        ask: &Ask,
        f: &mut dyn FnMut(Vec<Note>) -> Result<()>,
    ) -> Result<bool> {
        let Ask {
            inactive,
            journal,
            at_most,
            part,
        } = *ask;
        if self.overlay.is_some() {
            return Ok(false);
        }
        let searcher = self.searcher();
        let mut c = Columns::new(self, &searcher)?;
        let today = date_num(o.today);
        let credit = if journal {
            c.credit(today)?
        } else {
            Vec::new()
        };
        let off = inactive_docs(&c, inactive)?;
        let w = Window::new(o);
        let mut picked: Vec<(Gid, i64)> = Vec::new();
        for (seg, reader) in c.segs().iter().enumerate() {
            let col = &c.cols[seg];
            let alive = reader.alive_bitset();
            for d in 0..reader.max_doc() {
                if alive.is_some_and(|a| a.is_deleted(d)) || off[seg][d as usize] {
                    continue;
                }
                // a document without the columns was not written by sync:
                // it is read, so that a damaged index is found as before
                let contact = col.contact.first(d);
                if contact == Some(0) {
                    continue;
                }
                let cr = credit.get(seg).map_or(i64::MIN, |v| v[d as usize]);
                if contact.is_none() || listed(&w, col, d, today, cr) {
                    picked.push((gid(seg, d), cr));
                }
            }
        }
        if picked.len() > at_most {
            return Ok(false);
        }
        for chunk in picked.chunks(part.max(1)) {
            let mut notes = self.load_credited(&mut c, chunk, today)?;
            notes.sort_by(|a, b| a.path.cmp(&b.path));
            f(notes)?;
        }
        Ok(true)
    }

    /// Load the picked contacts with the journal entries that can decide
    /// their last contact and talking point: those of their latest credited
    /// day, when it is not before their own latest log entry.
    fn load_credited(
        &self,
        c: &mut Columns<'_>,
        picked: &[(Gid, i64)],
        today: i64,
    ) -> Result<Vec<Note>> {
        let gids: Vec<Gid> = picked.iter().map(|&(g, _)| g).collect();
        let mut notes: Vec<Note> = Vec::with_capacity(picked.len());
        let mut slot: HashMap<Gid, usize> = HashMap::new();
        let mut sources: Vec<Gid> = Vec::new();
        for ((g, n), &(_, cr)) in self.load(c.searcher, &gids, true)?.into_iter().zip(picked) {
            let a = addr(g);
            let own = own_log(&c.cols[a.segment_ord as usize], a.doc_id, today);
            if cr != i64::MIN && own.is_none_or(|o| cr >= o) {
                self.sources_on(c, &n, cr, &mut sources)?;
                slot.insert(g, notes.len());
            }
            notes.push(n);
        }
        if sources.is_empty() {
            return Ok(notes);
        }
        sources.sort_unstable();
        sources.dedup();
        let mut loaded = self.load(c.searcher, &sources, false)?;
        loaded.sort_by(|a, b| a.1.path.cmp(&b.1.path));
        let mut named: HashMap<&str, Option<Gid>> = HashMap::new();
        for (_, n) in &loaded {
            for m in &n.mentions {
                named.insert(m.target.as_str(), c.named(&link_key(&m.target))?);
            }
        }
        let adds = credits(
            loaded.iter().map(|(g, n)| (*g, n)),
            |t| named.get(t).copied().flatten(),
            |g| c.is_contact(g),
        );
        for (t, e) in adds {
            if let Some(&i) = slot.get(&t) {
                notes[i].log.push(e);
            }
        }
        Ok(notes)
    }

    /// The notes at `gids` (ascending), in that order: each segment's
    /// documents read in doc order through one store reader (a block is
    /// decompressed once), the segments on both cores when there are many;
    /// with `slim`, only what the report's rows read ([`Slim`]).
    fn load(&self, searcher: &Searcher, gids: &[Gid], slim: bool) -> Result<Loaded> {
        let mut runs: Vec<&[Gid]> = gids.chunk_by(|a, b| a >> 32 == b >> 32).collect();
        runs.sort_by_key(|r| std::cmp::Reverse(r.len()));
        let threads = if gids.len() > 2000 {
            runs.len().min(2)
        } else {
            1
        };
        let next = AtomicUsize::new(0);
        let parts: Mutex<Vec<Result<Loaded>>> = Mutex::new(Vec::new());
        std::thread::scope(|sc| {
            for _ in 0..threads {
                sc.spawn(|| {
                    while let Some(run) = runs.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let part = self.load_run(searcher, run, slim);
                        if let Ok(mut p) = parts.lock() {
                            p.push(part);
                        }
                    }
                });
            }
        });
        let mut out = Vec::with_capacity(gids.len());
        for part in parts.into_inner().unwrap_or_default() {
            out.append(&mut part?);
        }
        out.sort_unstable_by_key(|(g, _)| *g);
        Ok(out)
    }

    /// The notes of one segment's `run` of ids.
    fn load_run(&self, searcher: &Searcher, run: &[Gid], slim: bool) -> Result<Loaded> {
        let err = self.root.join(".rapport");
        let Some(&first) = run.first() else {
            return Ok(Vec::new());
        };
        let seg = &searcher.segment_readers()[addr(first).segment_ord as usize];
        let store = seg
            .get_store_reader(64)
            .map_err(|e| tv_err(&err)(e.into()))?;
        let mut out = Vec::with_capacity(run.len());
        for &g in run {
            let doc: TantivyDocument = store.get(addr(g).doc_id).map_err(tv_err(&err))?;
            let meta = doc
                .get_first(self.fields.meta)
                .and_then(|v| v.as_str())
                .unwrap_or("{}");
            // a slim read that fails is read in full for the error
            let n = match slim.then(|| serde_json::from_str::<Slim>(meta)) {
                Some(Ok(s)) => s.note(),
                _ => self.read_back(&doc, meta)?,
            };
            out.push((g, n));
        }
        Ok(out)
    }

    /// Add the dated notes of day `day` that mention `n` by one of its keys.
    fn sources_on(&self, c: &Columns<'_>, n: &Note, day: i64, out: &mut Vec<Gid>) -> Result<()> {
        let mut keys: Vec<String> = n.keys().into_iter().map(fold).collect();
        keys.sort();
        keys.dedup();
        for k in keys.iter().filter(|k| !k.is_empty()) {
            for seg in 0..c.segs().len() {
                c.each_posting(seg, c.mentions, k, |d| {
                    if c.cols[seg].dated.first(d) == Some(day) {
                        out.push(gid(seg, d));
                    }
                })?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn encodings_round_trip_and_order() {
        let days = [
            date(1999, 12, 31),
            date(2000, 1, 1),
            date(2026, 2, 28),
            date(-5, 3, 1),
        ];
        for d in days {
            assert_eq!(num_date(date_num(d)), Some(d));
        }
        let mut nums: Vec<i64> = days.iter().map(|&d| date_num(d)).collect();
        nums.sort();
        let mut sorted = days.to_vec();
        sorted.sort();
        assert_eq!(
            nums,
            sorted.iter().map(|&d| date_num(d)).collect::<Vec<_>>()
        );
        for s in ["10d", "6w", "3mo", "1y", "36600"] {
            let c = Cadence::parse(s).ok();
            assert_eq!(c.and_then(|c| num_cadence(cadence_num(c))), c, "{s}");
        }
        for s in ["1985-03-14", "--02-29", "0001-12-31"] {
            let b = Birthday::parse(s).ok();
            assert_eq!(b.and_then(|b| num_birthday(birthday_num(b))), b, "{s}");
        }
    }
}
