//! `brief NAME` and `plan [--capacity N] [--days D]`: built by `brief`,
//! with notes about the person's interests (found by search) as things to
//! share.

use crate::brief::{
    Brief, Planned, Suggestion, brief as make_brief, brief_with, plan as make_plan, plan_part,
    plan_with, rank,
};
use crate::cli::Ctx;
use crate::cli::args::{BriefArgs, PlanArgs};
use crate::cli::exit::Exit;
use crate::cli::render::{BOLD, DIM, MAGENTA, YELLOW};
use crate::concepts::Concepts;
use crate::followup::DueOptions;
use crate::index::SyncMode;
use crate::ledger::{Way, exchanges};
use crate::session::{Session, whole_model};
use crate::topics::Partners;
use crate::vault::names::fold;
use crate::vault::note::Note;

/// A plain note about one of the person's interests that they were not
/// given yet: something to share. `note_at` reads a hit's note (it may
/// leave out contacts, which are passed over).
fn share(
    s: &Session,
    note_at: impl Fn(&str) -> anyhow::Result<Option<Note>>,
    n: &Note,
) -> anyhow::Result<Option<Suggestion>> {
    let given: Vec<String> = exchanges(n)
        .into_iter()
        .filter(|x| x.way == Way::Gave)
        .map(|x| fold(&x.text))
        .collect();
    for interest in n.facts.interests.iter().take(3) {
        let q = format!("\"{}\"", interest.replace('"', ""));
        let Ok(hits) = s.search(&q, 10) else { continue };
        for h in hits {
            let Some(note) = note_at(&h.path)? else {
                continue;
            };
            if note.is_contact || given.iter().any(|g| g.contains(&fold(&note.name))) {
                continue;
            }
            return Ok(Some(Suggestion {
                kind: "share",
                text: format!("share {}", note.name),
                reason: format!("a note about {interest}, not given yet"),
                path: Some(note.path.clone()),
            }));
        }
    }
    Ok(None)
}

/// The brief of the contact `name` means, with something to share among
/// its suggestions.
fn make(s: &Session, name: &str) -> anyhow::Result<Brief> {
    let concepts = Concepts::with_user(&s.config.concepts);
    let (today, cadence) = (s.today(), s.config.default_cadence);
    // the whole model, or the note with the notes its log depends on and
    // the introduction found from the index (`Session::one_note`,
    // `Session::partner`): the same brief is made of both
    let (mut b, sh) = if whole_model() {
        let notes = s.notes()?;
        let n = s.resolve(&notes, name)?;
        let i = notes.iter().position(|x| x.path == n.path).unwrap_or(0);
        let b = make_brief(&notes, i, today, cadence, &concepts);
        let found = |p: &str| Ok(notes.iter().find(|x| x.path == p).cloned());
        (b, share(s, found, n)?)
    } else {
        let (notes, i) = s.one_note(name, false)?;
        let partner = s.partner(&notes[i], &concepts)?;
        let b = brief_with(&notes, i, today, cadence, partner);
        let plain = |p: &str| match s.is_contact_at(p)? {
            true => Ok(None),
            false => Ok(s.note_at(p)?),
        };
        let sh = share(s, plain, &notes[i])?;
        (b, sh)
    };
    if let Some(sh) = sh {
        b.suggestions.insert(1.min(b.suggestions.len()), sh);
    }
    b.suggestions.truncate(3);
    Ok(b)
}

pub fn brief(ctx: &mut Ctx, a: BriefArgs) -> anyhow::Result<Exit> {
    let BriefArgs { name } = a;
    let s = ctx.session(SyncMode::Sync)?;
    let b = make(&s, name.as_str())?;
    if ctx.out.json {
        ctx.out.json(&b);
        return Ok(Exit::Ok);
    }
    let o = &mut ctx.out;
    let mut head = vec![b.role.clone(), b.company.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    head.extend(b.field.iter().cloned());
    o.line(format!(
        "{}  {}  {}",
        o.styled(BOLD, &b.name),
        head.join(" · "),
        o.styled(MAGENTA, &b.path)
    ));
    if let Some(h) = &b.hobby_horse {
        let rest: Vec<&str> = b.interests.iter().skip(1).map(String::as_str).collect();
        let more = if rest.is_empty() {
            String::new()
        } else {
            format!(" (also {})", rest.join(", "))
        };
        o.line(format!("  ask about   {h}{more}"));
    }
    if !b.training.is_empty() {
        o.line(format!("  training    {}", b.training.join(", ")));
    }
    o.line(format!(
        "  last        {}",
        b.last_contact
            .map_or("no contact recorded".into(), |d| d.to_string())
    ));
    if let Some(bd) = &b.birthday {
        let l = o.styled(
            YELLOW,
            &format!("  birthday    {} (in {} days)", bd.date, bd.days),
        );
        o.line(l);
    }
    for e in &b.recent {
        o.line(format!("  {}  {}", e.date, e.text));
    }
    if !b.open.is_empty() {
        o.line(o.styled(BOLD, "Open"));
        for it in &b.open {
            o.line(format!("  - [ ] {}", it.text));
        }
    }
    if !b.exchanges.is_empty() {
        o.line(o.styled(BOLD, "Gave and got"));
        for x in &b.exchanges {
            o.line(format!("  {}  {}  {}", x.date, x.way.word(), x.text));
        }
    }
    if !b.suggestions.is_empty() {
        o.line(o.styled(BOLD, "Give first"));
        for sg in &b.suggestions {
            o.line(format!(
                "  {}  {}",
                sg.text,
                o.styled(DIM, &format!("({})", sg.reason))
            ));
        }
    }
    Ok(Exit::Ok)
}

/// The notes `due` read back slim (follow-up facts and the log with its
/// journal credit), whole: the suggestions read every fact.
fn whole_notes(s: &Session, slim: Vec<Note>) -> anyhow::Result<Vec<Note>> {
    let mut out = Vec::with_capacity(slim.len());
    for n in slim {
        out.push(match s.note_at(&n.path)? {
            Some(mut whole) => {
                whole.log = n.log;
                whole
            }
            None => n,
        });
    }
    Ok(out)
}

/// A plan listing many contacts: the listed ones as the due columns read
/// them (their follow-up facts and log: all a plan reads of them) and
/// every introduction from one [`Partners`] over the index's cast of
/// contacts; the whole model when the index cannot tell.
fn long_plan(
    s: &Session,
    window: &DueOptions,
    capacity: usize,
    concepts: &Concepts,
) -> anyhow::Result<Vec<Planned>> {
    let (today, days, cadence) = (window.today, window.days, window.default_cadence);
    // each part of the listed notes made into its entries and dropped
    if let Some(cast) = s.intro_cast(concepts)? {
        let mut partners = Partners::of(&cast, concepts);
        let made = s.due_parts(window, Vec::new, |list, part| {
            let entries: Result<_, std::convert::Infallible> =
                plan_part(&part, today, days, cadence, |i| {
                    Ok(partners.best(&part[i].path))
                });
            list.extend(entries.unwrap_or_else(|never| match never {}));
        })?;
        if let Some(mut list) = made {
            rank(&mut list, capacity);
            return Ok(list);
        }
    }
    Ok(make_plan(
        &s.notes()?,
        today,
        days,
        capacity,
        cadence,
        concepts,
    ))
}

/// Up to this many listed contacts, `plan` answers from the index.
const PLAN_FROM_INDEX: usize = 32;

/// `plan --json`: its keys in alphabetical order, as they always were.
#[derive(serde::Serialize)]
struct PlanDoc<'a> {
    capacity: usize,
    days: i64,
    plan: Sorted<'a>,
    today: jiff::civil::Date,
}

/// The plan's entries with their keys in alphabetical order, each made a
/// JSON value only as it is written (a long plan is never copied whole).
struct Sorted<'a>(&'a [Planned]);

impl serde::Serialize for Sorted<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for p in self.0 {
            seq.serialize_element(&serde_json::to_value(p).map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

pub fn plan(ctx: &mut Ctx, a: PlanArgs) -> anyhow::Result<Exit> {
    let PlanArgs { capacity, days } = a;
    if !(1..=366).contains(&days) {
        anyhow::bail!("--days must be 1 to 366");
    }
    let s = ctx.session(SyncMode::Sync)?;
    let capacity = capacity.unwrap_or(s.config.weekly_capacity).max(1);
    let concepts = Concepts::with_user(&s.config.concepts);
    let (today, cadence) = (s.today(), s.config.default_cadence);
    // a short plan from the index: the listed contacts from the columns and
    // each one's introduction from the index (a few ms each); a long one
    // finds every introduction in one pass over the index's cast
    let window = DueOptions::window(today, days, cadence);
    let list = match s.due_notes_at_most(&window, PLAN_FROM_INDEX)? {
        Some(listed) => {
            let listed = whole_notes(&s, listed)?;
            plan_with(&listed, today, days, capacity, cadence, |i| {
                s.partner(&listed[i], &concepts)
            })?
        }
        None => long_plan(&s, &window, capacity, &concepts)?,
    };
    let exit = if list.is_empty() {
        Exit::NothingFound
    } else {
        Exit::Ok
    };
    // the plan is made; on a big vault it lists thousands
    ctx.out.streams();
    if ctx.out.json {
        ctx.out.json(&PlanDoc {
            capacity,
            days,
            plan: Sorted(&list),
            today: s.today(),
        });
        return Ok(exit);
    }
    let o = &mut ctx.out;
    if list.is_empty() {
        if !o.quiet {
            o.line(format!("No one to reach out to in the next {days} days."));
        }
        return Ok(exit);
    }
    let mut week = usize::MAX;
    for p in &list {
        if p.week != week {
            week = p.week;
            let title = if week == 0 {
                format!("This week (next {days} days)")
            } else {
                let from = s.today().saturating_add(
                    jiff::Span::new().days(days * i64::try_from(week).unwrap_or(0)),
                );
                format!("From {from}")
            };
            o.line(o.styled(BOLD, &title));
        }
        o.line(format!(
            "  {}  {}  {}",
            o.styled(BOLD, &p.name),
            p.why.join("; "),
            o.styled(MAGENTA, &p.path)
        ));
        if let Some(sg) = &p.suggestion {
            o.line(format!(
                "      {}",
                o.styled(DIM, &format!("give first: {}", sg.text))
            ));
        }
    }
    Ok(exit)
}
