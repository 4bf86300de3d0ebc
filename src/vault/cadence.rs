//! Dates and spans as written in notes: ISO dates, birthdays without a year
//! (`--03-14`), and keep-in-touch spans (`10d`, `6w`, `3mo`, `1y`, `2 weeks`).

use std::fmt;

use jiff::civil::Date;
use jiff::{Span, ToSpan};
use serde::{Serialize, Serializer};

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
    /// Parse `10d`, `6w`, `3mo`, `3m`, `1y`, `2 weeks`, `1 month`, `P6W`-free forms.
    pub fn parse(s: &str) -> Result<Cadence, String> {
        let t = s.trim().to_lowercase();
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() {
            return Err(format!("{s:?} is not a span like 10d, 6w, 3mo or 1y"));
        }
        let unit_str = t[digits.len()..].trim();
        let unit = match unit_str {
            "d" | "day" | "days" | "tag" | "tage" => Unit::Day,
            "w" | "wk" | "week" | "weeks" | "woche" | "wochen" => Unit::Week,
            "m" | "mo" | "mon" | "month" | "months" | "monat" | "monate" => Unit::Month,
            "y" | "yr" | "year" | "years" | "j" | "jahr" | "jahre" => Unit::Year,
            "" => return Err(format!("{s:?} has no unit (d, w, mo, y)")),
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

/// Parse an ISO date `YYYY-MM-DD` (surrounding whitespace allowed).
pub fn parse_date(s: &str) -> Result<Date, String> {
    let t = s.trim();
    if t.len() != 10 {
        return Err(format!("{s:?} is not a date YYYY-MM-DD"));
    }
    t.parse::<Date>()
        .map_err(|_| format!("{s:?} is not a valid date YYYY-MM-DD"))
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
    /// `1985-03-14` or `--03-14`.
    pub fn parse(s: &str) -> Result<Birthday, String> {
        let t = s.trim();
        if let Some(md) = t.strip_prefix("--") {
            // validate against a leap year so --02-29 is allowed
            let d = parse_date(&format!("2000-{md}"))
                .map_err(|_| format!("{s:?} is not a birthday like 1985-03-14 or --03-14"))?;
            return Ok(Birthday {
                year: None,
                month: d.month(),
                day: d.day(),
            });
        }
        let d = parse_date(t)
            .map_err(|_| format!("{s:?} is not a birthday like 1985-03-14 or --03-14"))?;
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

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::{Birthday, Cadence, Unit, leading_date};

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
        for bad in ["", "w", "6", "0d", "6x", "often", "-3d", "99999999999d"] {
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
