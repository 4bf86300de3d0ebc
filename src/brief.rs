//! Before a meeting and for the week (docs/commands.md, "brief", "plan"):
//! what to read in the minute before meeting someone, and who to reach out
//! to this week within a capacity. Pure over parsed notes.

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::concepts::Concepts;
use crate::followup::{
    BirthdayItem, DueOptions, DueReport, NextDue, Reason, days_between, due, next_due,
};
use crate::ledger::{Exchange, exchanges};
use crate::topics::{Partners, Person};
use crate::vault::cadence::Cadence;
use crate::vault::names::fold;
use crate::vault::note::{LogEntry, Note, OpenItem};

/// One way to give first, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// `introduce`, `share` or `answer`.
    pub kind: &'static str,
    pub text: String,
    pub reason: String,
    /// The contact or note it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Everything to read before meeting someone.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    pub path: String,
    pub name: String,
    pub role: Option<String>,
    pub company: Option<String>,
    pub field: Vec<String>,
    /// The first interest: what to ask about first.
    pub hobby_horse: Option<String>,
    pub interests: Vec<String>,
    pub training: Vec<String>,
    pub last_contact: Option<Date>,
    pub next_due: Option<NextDue>,
    /// The last three past log entries, newest first.
    pub recent: Vec<LogEntry>,
    /// Open items, dated ones first by date.
    pub open: Vec<OpenItem>,
    /// Gives and gets, newest first (at most five).
    pub exchanges: Vec<Exchange>,
    pub birthday: Option<BirthdayItem>,
    /// Log lines where they ask for something.
    pub asks: Vec<LogEntry>,
    pub suggestions: Vec<Suggestion>,
}

/// Words that mark an ask in a log line (English and German), or a `?`.
const ASK_WORDS: &[&str] = &[
    "wants",
    "want",
    "looking for",
    "needs",
    "sucht",
    "braucht",
    "möchte",
    "moechte",
    "would like",
];

/// Is a log line an open ask?
pub fn is_ask(text: &str) -> bool {
    if text.contains('?') {
        return true;
    }
    let t = fold(text);
    static FOLDED: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let words = FOLDED.get_or_init(|| ASK_WORDS.iter().map(|w| fold(w)).collect());
    words.iter().any(|w| t.contains(w.as_str()))
}

/// Is a log entry an ask written in this note (not one credited from a
/// journal)?
fn is_open_ask(e: &LogEntry) -> bool {
    e.source.is_none() && is_ask(&e.text)
}

/// Help with their latest ask: the suggestion a brief makes from it.
fn answer(a: &LogEntry) -> Suggestion {
    Suggestion {
        kind: "answer",
        text: format!("help with: {}", a.text),
        reason: format!("their ask of {}", a.date),
        path: None,
    }
}

/// What a brief of `n` suggests first when no introduction is asked for:
/// its latest ask ([`brief_with`]'s order), without the rest of a brief.
fn first_other_suggestion(n: &Note, today: Date) -> Option<Suggestion> {
    past_entries(n, today)
        .into_iter()
        .find(|e| is_open_ask(e))
        .map(answer)
}

/// The log entries of `n` up to `today`, latest first.
fn past_entries(n: &Note, today: Date) -> Vec<&LogEntry> {
    let mut past: Vec<&LogEntry> = n.log.iter().filter(|e| e.date <= today).collect();
    past.sort_by_key(|e| std::cmp::Reverse((e.date, e.line)));
    past
}

/// The brief of `notes[i]`.
pub fn brief(
    notes: &[Note],
    i: usize,
    today: Date,
    default_cadence: Option<Cadence>,
    concepts: &Concepts,
) -> Brief {
    brief_with(
        notes,
        i,
        today,
        default_cadence,
        Partners::new(notes, concepts).best(&notes[i].path),
    )
}

/// [`brief`] with the person to introduce them to already found.
pub fn brief_with(
    notes: &[Note],
    i: usize,
    today: Date,
    default_cadence: Option<Cadence>,
    partner: Option<(Person, Vec<String>)>,
) -> Brief {
    let n = &notes[i];
    let f = &n.facts;
    let past = past_entries(n, today);
    let recent: Vec<LogEntry> = past.iter().take(3).map(|e| (*e).clone()).collect();
    let asks: Vec<LogEntry> = past
        .iter()
        .filter(|e| is_open_ask(e))
        .take(3)
        .map(|e| (*e).clone())
        .collect();
    let mut open = n.open.clone();
    open.sort_by_key(|o| (o.due.is_none(), o.due, o.line));
    let mut ex = exchanges(n);
    ex.reverse();
    ex.truncate(5);
    let report = due(
        std::slice::from_ref(n),
        &DueOptions::window(today, 30, default_cadence),
    );
    let mut suggestions = Vec::new();
    // someone of the same field or concept, not yet introduced or linked
    if let Some((other, shared)) = partner {
        suggestions.push(Suggestion {
            kind: "introduce",
            text: format!("introduce {} to {}", n.name, other.name),
            reason: format!("both care about {}", shared.join(", ")),
            path: Some(other.path.clone()),
        });
    }
    suggestions.extend(asks.first().map(answer));
    Brief {
        path: n.path.clone(),
        name: n.name.clone(),
        role: f.role.clone(),
        company: f.company.clone(),
        field: f.field.clone(),
        hobby_horse: f.interests.first().cloned(),
        interests: f.interests.clone(),
        training: f.training.clone(),
        last_contact: n.last_contact(today),
        next_due: if f.is_inactive() {
            None
        } else {
            next_due(n, today, default_cadence)
        },
        recent,
        open,
        exchanges: ex,
        birthday: report.birthdays.into_iter().next(),
        asks,
        suggestions,
    }
}

/// One person in the outreach plan.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    pub path: String,
    pub name: String,
    /// 0 for the coming `days`, 1 for the period after, …
    pub week: usize,
    /// Why now: the reasons, most pressing first.
    pub why: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Suggestion>,
    #[serde(skip)]
    score: f64,
}

/// The outreach plan: every contact due within `days` (follow-ups,
/// birthdays, promised items, never contacted), most pressing first by how
/// overdue they are relative to their cadence; at most `capacity` a period,
/// the rest spread over the periods after. Stable for the same input.
pub fn plan(
    notes: &[Note],
    today: Date,
    days: i64,
    capacity: usize,
    default_cadence: Option<Cadence>,
    concepts: &Concepts,
) -> Vec<Planned> {
    let mut partners = Partners::new(notes, concepts);
    let found: Result<_, std::convert::Infallible> =
        plan_with(notes, today, days, capacity, default_cadence, |i| {
            Ok(partners.best(&notes[i].path))
        });
    found.unwrap_or_else(|never| match never {})
}

/// [`plan`] over `notes` that hold at least every contact with a row in
/// the window (the rows are the same as over the whole vault), with the
/// person to introduce `notes[i]` to found by `partner` (over every note,
/// as [`Partners::best`] finds them), asked only when nothing else is
/// suggested.
pub fn plan_with<E>(
    notes: &[Note],
    today: Date,
    days: i64,
    capacity: usize,
    default_cadence: Option<Cadence>,
    partner: impl FnMut(usize) -> Result<Option<(Person, Vec<String>)>, E>,
) -> Result<Vec<Planned>, E> {
    let mut list = plan_part(notes, today, days, default_cadence, partner)?;
    rank(&mut list, capacity);
    Ok(list)
}

/// The entries of [`plan_with`] for the contacts of `notes`, each with its
/// suggestion, not ranked: a long plan is made a part of the listed notes
/// at a time and ranked once ([`rank`]). An entry depends on its own note
/// only, so the parts make the same entries as the whole.
pub fn plan_part<E>(
    notes: &[Note],
    today: Date,
    days: i64,
    default_cadence: Option<Cadence>,
    partner: impl FnMut(usize) -> Result<Option<(Person, Vec<String>)>, E>,
) -> Result<Vec<Planned>, E> {
    let report = due(notes, &DueOptions::window(today, days, default_cadence));
    let mut list = reasons(notes, &report, today, default_cadence);
    suggest(&mut list, notes, today, partner)?;
    Ok(list)
}

/// Most pressing first (then by name and path), and the week each one
/// falls in at `capacity` people a week.
pub fn rank(list: &mut [Planned], capacity: usize) {
    list.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.path.cmp(&b.path))
    });
    let capacity = capacity.max(1);
    for (rank, p) in list.iter_mut().enumerate() {
        p.week = rank / capacity;
    }
}

/// One entry per person in the `due` report, with every reason to reach
/// out and the score of the most pressing one: overdue follow-ups by how
/// far past their cadence, birthdays, promised items; unsorted.
fn reasons(
    notes: &[Note],
    report: &DueReport,
    today: Date,
    default_cadence: Option<Cadence>,
) -> Vec<Planned> {
    let mut by_path: std::collections::BTreeMap<String, Planned> = Default::default();
    let mut add = |path: &str, name: &str, score: f64, why: String| {
        let e = by_path.entry(path.to_string()).or_insert_with(|| Planned {
            path: path.to_string(),
            name: name.to_string(),
            week: 0,
            why: vec![],
            suggestion: None,
            score: f64::MIN,
        });
        e.score = e.score.max(score);
        e.why.push(why);
    };
    let by_path_index: HashMap<&str, &Note> = notes.iter().map(|n| (n.path.as_str(), n)).collect();
    let cadence_days = |path: &str| -> f64 {
        by_path_index
            .get(path)
            .and_then(|n| n.facts.cadence().or(default_cadence))
            .and_then(|c| c.after(today))
            .map_or(30.0, |d| days_between(today, d).max(1) as f64)
    };
    for f in &report.followups {
        let over = -f.days as f64;
        let (score, why) = match f.reason {
            Reason::NeverContacted => (1.0, "never contacted".to_string()),
            _ if f.days < 0 => (
                1.0 + over / cadence_days(&f.path),
                format!("{} days overdue", -f.days),
            ),
            _ => (
                over / cadence_days(&f.path),
                if f.days == 0 {
                    "due today".to_string()
                } else {
                    format!("due in {} days", f.days)
                },
            ),
        };
        add(&f.path, &f.name, score, why);
    }
    for b in &report.birthdays {
        add(&b.path, &b.name, 3.0, format!("birthday {}", b.date));
    }
    for o in &report.open {
        if let Some(d) = o.due {
            let d_s = d.to_string();
            let text = o.text.strip_prefix(d_s.as_str()).unwrap_or(&o.text).trim();
            add(&o.path, &o.name, 2.0, format!("promised by {d}: {text}"));
        }
    }
    by_path.into_values().collect()
}

/// Gives each person one suggestion: the first of their brief other than
/// an introduction, else the best introduction across the vault.
fn suggest<E>(
    list: &mut [Planned],
    notes: &[Note],
    today: Date,
    mut partner: impl FnMut(usize) -> Result<Option<(Person, Vec<String>)>, E>,
) -> Result<(), E> {
    let index: HashMap<&str, usize> = notes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.path.as_str(), i))
        .collect();
    for p in list.iter_mut() {
        let Some(&i) = index.get(p.path.as_str()) else {
            continue;
        };
        p.suggestion = match first_other_suggestion(&notes[i], today) {
            Some(s) => Some(s),
            None => partner(i)?.map(|(other, shared)| Suggestion {
                kind: "introduce",
                text: format!("introduce {} to {}", notes[i].name, other.name),
                reason: format!("both care about {}", shared.join(", ")),
                path: Some(other.path),
            }),
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::{brief, is_ask, plan};
    use crate::concepts::Concepts;
    use crate::vault::note::parse_note;

    fn notes(files: &[(&str, &str)]) -> Vec<crate::vault::note::Note> {
        files
            .iter()
            .map(|(p, t)| parse_note(p, t.as_bytes()).note)
            .collect()
    }

    #[test]
    fn asks() {
        for (t, want) in [
            ("wants negotiation books", true),
            ("sucht eine Wohnung in Kiel", true),
            ("any tips for Lisbon?", true),
            ("Coffee at the harbour", false),
        ] {
            assert_eq!(is_ask(t), want, "{t}");
        }
    }

    #[test]
    fn plan_respects_capacity_and_spreads_everyone() {
        let mut files = Vec::new();
        for i in 0..12 {
            files.push((
                format!("p{i:02}.md"),
                format!(
                    "---\nname: P{i:02}\ncadence: 1mo\nlast_contact: 2026-{:02}-01\n---\n",
                    1 + i % 10
                ),
            ));
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let n = notes(&refs);
        let c = Concepts::default();
        let p = plan(&n, date(2026, 11, 26), 7, 5, None, &c);
        // every contact due is planned in some week, at most 5 a week
        assert_eq!(p.len(), 12);
        for w in 0..3 {
            assert!(p.iter().filter(|x| x.week == w).count() <= 5);
        }
        // the most overdue first: last contacted in January (p00, p10)
        assert!(p[0].name == "P00" || p[0].name == "P10", "{:?}", p[0]);
        // stable
        let again = plan(&n, date(2026, 11, 26), 7, 5, None, &c);
        let a: Vec<&str> = p.iter().map(|x| x.name.as_str()).collect();
        let b: Vec<&str> = again.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn brief_sections() {
        let n = notes(&[
            (
                "anna.md",
                "---\nname: Anna\nrole: Trainer\ninterests: [sailing, chess]\nbirthday: 1990-12-05\n---\n## Log\n- 2026-11-20 gave: book X\n- 2026-11-10 wants negotiation books\n- 2026-10-01 Coffee\n## Open\n- [ ] send the slides\n- [ ] 2026-11-30 call back\n",
            ),
            ("bo.md", "---\nname: Bo\ninterests: [sailing]\n---\n"),
        ]);
        let b = brief(&n, 0, date(2026, 11, 26), None, &Concepts::default());
        assert_eq!(b.hobby_horse.as_deref(), Some("sailing"));
        assert_eq!(b.recent.len(), 3);
        assert_eq!(b.open[0].text, "2026-11-30 call back");
        assert_eq!(b.exchanges.len(), 1);
        assert!(b.birthday.is_some());
        assert_eq!(b.asks.len(), 1);
        assert_eq!(b.suggestions[0].kind, "introduce");
        assert_eq!(b.suggestions[1].kind, "answer");
    }
}
