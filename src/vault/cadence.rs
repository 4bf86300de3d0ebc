//! Dates and spans as written in notes: ISO dates (also with a time of day),
//! birthdays without a year (`--03-14`, `03-14`), and keep-in-touch spans
//! (`10d`, `6w`, `3mo`, `1y`, `2 weeks`, `30`, `monthly`, `monatlich`).

use std::fmt;

use jiff::civil::Date;
use jiff::{Span, ToSpan};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A keep-in-touch rhythm: a count of days, weeks, months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cadence {
    pub count: i32,
    pub unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Day,
    Week,
    Month,
    Year,
}

impl Cadence {
    /// Parse `10d`, `6w`, `3mo`, `3m`, `1y`, `2 weeks`, `1 month`, a bare
    /// number of days (`30`), or a word (`monthly`, `vierteljährlich`).
    pub fn parse(s: &str) -> Result<Cadence, String> {
        let t = s.trim().to_lowercase();
        if let Some(c) = word(&t) {
            return Ok(c);
        }
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() {
            return Err(format!(
                "{s:?} is not a span like 10d, 6w, 3mo, 1y, 30 (days) or monthly"
            ));
        }
        let unit_str = t[digits.len()..].trim();
        let unit = match unit_str {
            "" | "d" | "day" | "days" | "tag" | "tage" => Unit::Day,
            "w" | "wk" | "week" | "weeks" | "woche" | "wochen" => Unit::Week,
            "m" | "mo" | "mon" | "month" | "months" | "monat" | "monate" => Unit::Month,
            "y" | "yr" | "year" | "years" | "j" | "jahr" | "jahre" => Unit::Year,
            _ => {
                return Err(format!(
                    "{s:?} has an unknown unit {unit_str:?} (d, w, mo, y)"
                ));
            }
        };
        let count: i32 = digits.parse().map_err(|_| format!("{s:?} is too large"))?;
        let max = match unit {
            Unit::Day => 36_600,
            Unit::Week => 5_200,
            Unit::Month => 1_200,
            Unit::Year => 100,
        };
        if count == 0 || count > max {
            return Err(format!("{s:?} is out of range"));
        }
        Ok(Cadence { count, unit })
    }

    pub fn span(&self) -> Span {
        let n = i64::from(self.count);
        match self.unit {
            Unit::Day => n.days(),
            Unit::Week => n.weeks(),
            Unit::Month => n.months(),
            Unit::Year => n.years(),
        }
    }

    /// `date + self`, clamping at month ends (Jan 31 + 1mo = Feb 28/29).
    pub fn after(&self, date: Date) -> Option<Date> {
        date.checked_add(self.span()).ok()
    }

    /// `date - self`.
    pub fn before(&self, date: Date) -> Option<Date> {
        date.checked_sub(self.span()).ok()
    }
}

/// A rhythm named by a word, English or German (`t` is lowercase and trimmed).
/// German words may spell umlauts out (`jaehrlich`).
fn word(t: &str) -> Option<Cadence> {
    let t = t
        .replace('ä', "ae")
        .replace('ö', "oe")
        .replace('ü', "ue")
        .replace('-', "");
    let (count, unit) = match t.as_str() {
        "daily" | "taeglich" => (1, Unit::Day),
        "weekly" | "woechentlich" => (1, Unit::Week),
        "biweekly" | "fortnightly" | "zweiwoechentlich" => (2, Unit::Week),
        "monthly" | "monatlich" => (1, Unit::Month),
        "quarterly" | "vierteljaehrlich" | "quartalsweise" => (3, Unit::Month),
        "semiannually" | "semiannual" | "halfyearly" | "halbjaehrlich" => (6, Unit::Month),
        "yearly" | "annually" | "annual" | "jaehrlich" => (1, Unit::Year),
        _ => return None,
    };
    Some(Cadence { count, unit })
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let u = match self.unit {
            Unit::Day => "d",
            Unit::Week => "w",
            Unit::Month => "mo",
            Unit::Year => "y",
        };
        write!(f, "{}{}", self.count, u)
    }
}

impl Serialize for Cadence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cadence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cadence, D::Error> {
        let s = String::deserialize(d)?;
        Cadence::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Parse an ISO date `YYYY-MM-DD` (surrounding whitespace allowed), also
/// with a time of day after it: `2026-11-01T14:30`, `2026-11-01 14:30:00`,
/// with fractional seconds and a zone (`Z`, `+01:00`, `-0500`). The date is
/// the one written; the time and zone are checked, then dropped (no zone
/// conversion: `2026-11-01T23:30-05:00` is Nov 1).
pub fn parse_date(s: &str) -> Result<Date, String> {
    let t = s.trim();
    let bad = || format!("{s:?} is not a date YYYY-MM-DD (optionally with a time, THH:MM)");
    let (day, time) = match t.get(..10) {
        Some(d) if t.len() == 10 => (d, None),
        Some(d) => (d, Some(&t[10..])),
        None => return Err(bad()),
    };
    let b = day.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape {
        return Err(bad());
    }
    if let Some(rest) = time {
        let rest = rest
            .strip_prefix(['T', 't'])
            .or_else(|| rest.strip_prefix(' ').map(str::trim_start))
            .ok_or_else(bad)?;
        if !time_of_day(rest) {
            return Err(format!("{s:?} has an invalid time of day after the date"));
        }
    }
    day.parse::<Date>()
        .map_err(|_| format!("{s:?} is not a valid date YYYY-MM-DD"))
}

/// `HH:MM`, `HH:MM:SS`, `HH:MM:SS.fff`, each optionally followed by a zone
/// (`Z`, `+HH:MM`, `+HHMM`, `+HH`, also after a space).
fn time_of_day(t: &str) -> bool {
    let two = |s: &str, max: u32| -> bool {
        s.len() == 2
            && s.bytes().all(|c| c.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let (clock, zone) = match t.find(['Z', 'z', '+', '-', ' ']) {
        Some(i) => (&t[..i], t[i..].trim_start()),
        None => (t, ""),
    };
    let (hms, frac) = match clock.split_once(['.', ',']) {
        Some((a, f)) => (a, Some(f)),
        None => (clock, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let clock_ok = match parts.as_slice() {
        [h, m] => two(h, 23) && two(m, 59) && frac.is_none(),
        [h, m, sec] => two(h, 23) && two(m, 59) && two(sec, 60),
        _ => false,
    } && frac
        .is_none_or(|f| !f.is_empty() && f.len() <= 9 && f.bytes().all(|c| c.is_ascii_digit()));
    let zone_ok = match zone {
        "" | "Z" | "z" => true,
        z => match z.strip_prefix(['+', '-']) {
            Some(o) => match o.split_once(':') {
                Some((h, m)) => two(h, 23) && two(m, 59),
                None if o.len() == 4 => two(&o[..2], 23) && two(&o[2..], 59),
                None => two(o, 23),
            },
            None => false,
        },
    };
    clock_ok && zone_ok
}

/// A leading ISO date at the start of `text`, and the rest after it.
pub fn leading_date(text: &str) -> Option<(Date, &str)> {
    let t = text.trim_start();
    let head = t.get(..10)?;
    let b = head.as_bytes();
    let shape = b.iter().enumerate().all(|(i, c)| {
        if i == 4 || i == 7 {
            *c == b'-'
        } else {
            c.is_ascii_digit()
        }
    });
    if !shape {
        return None;
    }
    if let Some(next) = t[10..].chars().next()
        && (next.is_ascii_digit() || next == '-')
    {
        return None;
    }
    let d = head.parse::<Date>().ok()?;
    Some((
        d,
        t[10..]
            .trim_start_matches([':', ' ', '\t', '–', '—'])
            .trim_start(),
    ))
}

/// A birthday: month and day, with the year when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Birthday {
    pub year: Option<i16>,
    pub month: i8,
    pub day: i8,
}

impl Birthday {
    /// `1985-03-14` (also with a time, see [`parse_date`]), or without a
    /// year `--03-14` or `03-14`.
    pub fn parse(s: &str) -> Result<Birthday, String> {
        let t = s.trim();
        let no_year = t
            .strip_prefix("--")
            .or_else(|| (t.len() == 5 && t.as_bytes().get(2) == Some(&b'-')).then_some(t));
        if let Some(md) = no_year {
            // validate against a leap year so --02-29 is allowed
            let d = parse_date(&format!("2000-{md}")).map_err(|_| {
                format!("{s:?} is not a birthday like 1985-03-14, --03-14 or 03-14")
            })?;
            return Ok(Birthday {
                year: None,
                month: d.month(),
                day: d.day(),
            });
        }
        let d = parse_date(t)
            .map_err(|_| format!("{s:?} is not a birthday like 1985-03-14, --03-14 or 03-14"))?;
        Ok(Birthday {
            year: Some(d.year()),
            month: d.month(),
            day: d.day(),
        })
    }

    /// The birthday's date in `year` (Feb 29 falls on Feb 28 in non-leap years).
    pub fn in_year(&self, year: i16) -> Option<Date> {
        Date::new(year, self.month, self.day)
            .ok()
            .or_else(|| Date::new(year, self.month, self.day - 1).ok())
    }

    /// The next occurrence on or after `today`.
    pub fn next_on_or_after(&self, today: Date) -> Option<Date> {
        let this = self.in_year(today.year())?;
        if this >= today {
            Some(this)
        } else {
            self.in_year(today.year().checked_add(1)?)
        }
    }
}

impl fmt::Display for Birthday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(y) => write!(f, "{:04}-{:02}-{:02}", y, self.month, self.day),
            None => write!(f, "--{:02}-{:02}", self.month, self.day),
        }
    }
}

impl Serialize for Birthday {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Birthday {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Birthday, D::Error> {
        let s = String::deserialize(d)?;
        Birthday::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::{Birthday, Cadence, Unit, leading_date, parse_date};

    #[test]
    fn dates_with_a_time_are_their_calendar_date() {
        let nov1 = date(2026, 11, 1);
        for s in [
            "2026-11-01",
            " 2026-11-01 ",
            "2026-11-01T14:30",
            "2026-11-01t14:30",
            "2026-11-01 14:30",
            "2026-11-01  14:30",
            "2026-11-01T14:30:00",
            "2026-11-01T14:30:59.123",
            "2026-11-01T14:30:00Z",
            "2026-11-01T14:30Z",
            "2026-11-01T14:30:00+01:00",
            "2026-11-01T23:30:00-05:00",
            "2026-11-01T00:30+0100",
            "2026-11-01T14:30+01",
            "2026-11-01 14:30:00 +01:00",
            "2026-11-01T23:59:60Z",
        ] {
            assert_eq!(parse_date(s), Ok(nov1), "{s}");
        }
        for bad in [
            "",
            "2026-11",
            "2026-11-1",
            "2026-11-01T",
            "2026-11-01T25:00",
            "2026-11-01T14:60",
            "2026-11-01T14",
            "2026-11-01T14:30:00+25:00",
            "2026-11-01T14:30 PST",
            "2026-11-01x14:30",
            "2026-11-01 at noon",
            "2026-11-01T14:30.5",
            "2026-02-30T10:00",
            "12.10.2026",
            "2026-11-01T14:30:00+01:00:00",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn birthday_forms() {
        let rows: &[(&str, Option<i16>, i8, i8)] = &[
            ("1985-03-14", Some(1985), 3, 14),
            ("1985-03-14T00:00", Some(1985), 3, 14),
            ("--03-14", None, 3, 14),
            ("03-14", None, 3, 14),
            (" 04-15 ", None, 4, 15),
            ("02-29", None, 2, 29),
        ];
        for (s, year, month, day) in rows {
            let b = Birthday::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!((b.year, b.month, b.day), (*year, *month, *day), "{s}");
        }
        for bad in [
            "04-31", "13-01", "4-15", "--4-15", "0415", "04/15", "--02-30",
        ] {
            assert!(Birthday::parse(bad).is_err(), "{bad}");
        }
        // shown in the one no-year form
        assert_eq!(
            Birthday::parse("04-15").map(|b| b.to_string()),
            Ok("--04-15".to_string())
        );
    }

    #[test]
    fn cadence_table() {
        let ok: &[(&str, i32, Unit)] = &[
            ("10d", 10, Unit::Day),
            ("6w", 6, Unit::Week),
            ("3mo", 3, Unit::Month),
            ("3m", 3, Unit::Month),
            ("1y", 1, Unit::Year),
            ("2 weeks", 2, Unit::Week),
            ("1 month", 1, Unit::Month),
            (" 4 Wochen ", 4, Unit::Week),
            // a bare number is days (YAML `cadence: 30` arrives as "30")
            ("30", 30, Unit::Day),
            (" 7 ", 7, Unit::Day),
            // words, English and German, any case
            ("daily", 1, Unit::Day),
            ("Weekly", 1, Unit::Week),
            ("biweekly", 2, Unit::Week),
            ("bi-weekly", 2, Unit::Week),
            ("fortnightly", 2, Unit::Week),
            ("MONTHLY", 1, Unit::Month),
            ("quarterly", 3, Unit::Month),
            ("semiannually", 6, Unit::Month),
            ("semi-annually", 6, Unit::Month),
            ("yearly", 1, Unit::Year),
            ("annually", 1, Unit::Year),
            ("täglich", 1, Unit::Day),
            ("wöchentlich", 1, Unit::Week),
            ("zweiwöchentlich", 2, Unit::Week),
            ("Monatlich", 1, Unit::Month),
            ("vierteljährlich", 3, Unit::Month),
            ("halbjährlich", 6, Unit::Month),
            ("jährlich", 1, Unit::Year),
            ("JÄHRLICH", 1, Unit::Year),
            ("jaehrlich", 1, Unit::Year),
        ];
        for (s, n, u) in ok {
            assert_eq!(
                Cadence::parse(s),
                Ok(Cadence {
                    count: *n,
                    unit: *u
                }),
                "{s}"
            );
        }
        for bad in [
            "",
            "w",
            "0",
            "0d",
            "6x",
            "often",
            "-3d",
            "99999999999d",
            "36601",
            "weeklyish",
            "every week",
            "1.5",
        ] {
            assert!(Cadence::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn month_end_arithmetic_clamps() {
        let c = Cadence::parse("1mo").expect("valid");
        assert_eq!(c.after(date(2026, 1, 31)), Some(date(2026, 2, 28)));
        assert_eq!(c.after(date(2028, 1, 31)), Some(date(2028, 2, 29)));
    }

    #[test]
    fn birthdays() {
        let b = Birthday::parse("--02-29").expect("valid");
        assert_eq!(b.year, None);
        assert_eq!(b.in_year(2027), Some(date(2027, 2, 28)));
        assert_eq!(b.in_year(2028), Some(date(2028, 2, 29)));
        assert!(Birthday::parse("1985-02-30").is_err());
        let b = Birthday::parse("1985-03-14").expect("valid");
        assert_eq!(
            b.next_on_or_after(date(2026, 11, 26)),
            Some(date(2027, 3, 14))
        );
    }

    #[test]
    fn leading_dates() {
        assert_eq!(
            leading_date("2026-10-12 Coffee: talk").map(|(d, r)| (d, r.to_string())),
            Some((date(2026, 10, 12), "Coffee: talk".to_string()))
        );
        assert_eq!(leading_date("2026-10-123 x"), None);
        assert_eq!(leading_date("2026-13-01 x"), None);
        assert_eq!(leading_date("Coffee 2026-10-12"), None);
    }
}
