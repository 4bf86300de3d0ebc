//! Deterministic synthetic vault generator for benchmarks and stress tests.
//!
//! ```text
//! cargo run --profile dist --example gen_vault -- DIR N [--seed S] [--force]
//! ```
//!
//! Writes `N` Markdown notes of roughly 1–2 KB below `DIR`:
//!
//! - contact notes with YAML front matter (every field of SPEC §2: name,
//!   aliases, tags, company, role, field, interests, training, location, email,
//!   birthday with and without year, met, last/next contact, cadence, status,
//!   plus a few unknown extra fields and YAML comments) in `people/bNNN/`
//!   buckets of 500 notes each;
//! - exactly one note in 200 (every index `i` with `i % 200 == 199`) is a
//!   meeting note *without* front matter, written to `notes/`.
//!
//! Bodies mix German and English sentences built from word lists (German
//! compounds from prefix × head, English verbs and nouns in several forms), so
//! the index sees a realistic vocabulary of several thousand distinct words.
//! Each contact has 2–8 dated log entries, 0–3 open items (some dated, some
//! done) and 0–4 wiki links to other generated contacts (by name, alias, file
//! stem or `[[Name|label]]`).
//!
//! Names are unique per note (first × last name, then middle initials, then a
//! number). Every note is generated from its own PRNG stream (splitmix64-seeded
//! xorshift64*) derived from the seed and the note's index, so the output is
//! byte-identical for the same `N` and seed regardless of how many threads
//! write it.
//!
//! `DIR` is created if missing; if it exists and is not empty the generator
//! refuses (exit code 2) unless `--force` is given, in which case it writes
//! into it, overwriting files of the same name and leaving other files alone.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

/// Contact notes per `people/bNNN/` folder.
const BUCKET: usize = 500;
/// One note in this many has no front matter.
const PLAIN_EVERY: usize = 200;
const DEFAULT_SEED: u64 = 42;

const USAGE: &str = concat!(
    "usage: gen_vault DIR N [--seed S] [--force]\n",
    "  DIR       output folder (created if missing; must be empty unless --force)\n",
    "  N         number of notes to write\n",
    "  --seed S  PRNG seed (default 42); same N and seed give identical output\n",
    "  --force   write into a non-empty DIR",
);

// ---------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------

#[rustfmt::skip]
const FIRST: &[&str] = &[
    "Anna", "Jonas", "Lena", "Lukas", "Mia", "Leon", "Hannah", "Felix", "Lea", "Paul", "Sophie",
    "Maximilian", "Emma", "Elias", "Marie", "Noah", "Laura", "Finn", "Julia", "Ben", "Katrin",
    "Jürgen", "Björn", "Jörg", "Ute", "Günter", "Bärbel", "Sören", "Dörte", "Uwe", "Heike",
    "Matthias", "Stefan", "Sabine", "Andreas", "Claudia", "Thomas", "Petra", "Michael", "Birgit",
    "Markus", "Susanne", "Christian", "Nicole", "Tobias", "Anja", "Florian", "Kerstin", "Sebastian",
    "Franziska", "Moritz", "Greta", "Henrik", "Frieda", "Ole", "Merle", "Jannik", "Wiebke", "Hauke",
    "Imke", "Malte", "Swantje", "Torben", "Frauke", "Till", "Nele", "Oliver", "Amelia", "James",
    "Charlotte", "Harry", "Olivia", "George", "Emily", "Jack", "Isla", "William", "Grace", "Samuel",
    "Chloe", "Daniel", "Ruby", "Joseph", "Evie", "David", "Rachel", "Ella", "Henry", "Alice",
    "Oscar", "Freya", "Arthur", "Florence", "Edward", "Imogen", "Zoë", "Åsa", "Ingrid", "Lars",
    "Astrid", "Nils", "Sigrid", "Erik", "Karin", "Mats", "Yusuf", "Elif", "Mehmet", "Ayşe", "Piotr",
    "Agnieszka", "Tomasz", "Marta", "Luca", "Giulia", "Mateo", "Lucía", "Camille", "Amara", "Kofi",
    "Chidi", "Priya", "Arjun", "Mei", "Hiroshi", "Aiko",
];

#[rustfmt::skip]
const LAST: &[&str] = &[
    "Schmidt", "Müller", "Weber", "Schneider", "Fischer", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner",
    "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann",
    "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller",
    "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller", "Günther", "Frank",
    "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster",
    "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher", "Krämer", "Vogt", "Stein",
    "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas", "Schreiber", "Graf",
    "Dietrich", "Ziegler", "Kuhn", "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Voigt", "Sauer",
    "Arnold", "Wolff", "Pfeiffer", "Petersen", "Jansen", "Hansen", "Nielsen", "Carstensen",
    "Thomsen", "Paulsen", "Clausen", "Lindqvist", "Solberg", "Andersson", "Johansson", "Berg",
    "Strauß", "Großmann", "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson",
    "Davies", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
    "Hall", "Wood", "Jackson", "Clarke", "Turner", "Hill", "Cooper", "Ward", "Morris", "Moore",
    "Harris", "Brooks", "Okafor", "Adeyemi", "Kowalski", "Nowak", "Demir", "Yılmaz", "Kaya",
    "Rossi", "Bianchi", "García", "Fernández", "Dubois", "Laurent", "Moreau", "Tanaka", "Sato",
    "Patel", "Sharma", "Nguyen", "Kim",
];

/// Middle initials used once the first × last combinations are exhausted.
const MIDDLE: &[char] = &[
    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'T', 'W',
];

/// Hobby horses, German and English, ~150.
#[rustfmt::skip]
const TOPICS: &[&str] = &[
    "sailing", "Segeln", "regattas", "Segelregatten", "chess", "Schach", "public speaking",
    "Rhetorik", "negotiation", "Verhandlung", "running", "Laufen", "marathon", "Halbmarathon",
    "trail running", "beekeeping", "Imkerei", "stoicism", "Stoizismus", "philosophy", "Philosophie",
    "meditation", "Achtsamkeit", "yoga", "climbing", "Bouldern", "cycling", "Radfahren",
    "gravel biking", "hiking", "Wandern", "swimming", "Freiwasserschwimmen", "rowing", "Rudern",
    "kayaking", "surfing", "Kitesurfen", "skiing", "football", "Fußball", "handball", "tennis",
    "golf", "photography", "Fotografie", "film photography", "painting", "Aquarellmalerei",
    "calligraphy", "Kalligrafie", "typography", "ceramics", "Töpfern", "woodworking",
    "Holzarbeiten", "gardening", "Gärtnern", "urban gardening", "cooking", "Kochen", "baking",
    "Brotbacken", "coffee", "Kaffee", "wine", "Wein", "craft beer", "jazz", "classical music",
    "Oper", "piano", "Klavier", "guitar", "Gitarre", "choir", "Chorsingen", "podcasts", "history",
    "Geschichte", "local history", "Stadtgeschichte", "genealogy", "Ahnenforschung", "astronomy",
    "Astronomie", "birdwatching", "Vogelbeobachtung", "sustainability", "Nachhaltigkeit",
    "climate tech", "Klimaschutz", "renewable energy", "Elektromobilität", "open source", "Rust",
    "Python", "machine learning", "künstliche Intelligenz", "data visualisation", "UX research",
    "design systems", "startups", "Gründung", "investing", "Geldanlage", "personal finance",
    "leadership", "Führung", "mentoring", "coaching", "Fortbildungen", "lifelong learning",
    "languages", "Sprachen", "Spanish", "Italienisch", "Japanese", "travel", "Reisen", "van life",
    "Camping", "board games", "Brettspiele", "Go", "Doppelkopf", "Skat", "crossword puzzles",
    "reading", "Lesen", "science fiction", "Krimis", "poetry", "Lyrik", "writing", "Schreiben",
    "journaling", "productivity", "Zeitmanagement", "parenting", "dogs", "Hunde", "Reiten",
    "theatre", "improv theatre", "stand-up comedy", "volunteering", "Ehrenamt", "Kommunalpolitik",
    "urban planning", "Architektur", "Holzbau", "tiny houses", "Wattwandern", "cold-water swimming",
    "Eisbaden", "Aikido", "Judo",
];

/// Fields ("Metier") with a few typical roles each.
#[rustfmt::skip]
const FIELDS: &[(&str, &[&str])] = &[
    ("coaching", &["Business-Coach", "Executive coach", "Trainerin", "Führungskräftetrainer"]),
    ("software engineering", &["Backend-Entwickler", "Software engineer", "Staff engineer", "CTO"]),
    ("design", &["Product designer", "UX-Designerin", "Art Director", "Illustrator"]),
    ("medicine", &["Ärztin", "General practitioner", "Anästhesist", "Kinderarzt"]),
    ("law", &["Rechtsanwalt", "Contracts lawyer", "Notarin", "Legal counsel"]),
    ("journalism", &["Redakteurin", "Journalist", "Podcast host", "Correspondent"]),
    ("education", &["Lehrer", "Dozentin", "Lecturer", "Schulleiter"]),
    ("sales", &["Key Account Manager", "Head of Partnerships", "Vertriebsleiterin"]),
    ("marketing", &["Marketing-Managerin", "Content strategist", "Brand manager"]),
    ("human resources", &["Personalreferentin", "Recruiter", "Head of People"]),
    ("finance", &["Controller", "Finanzberaterin", "Investment analyst"]),
    ("consulting", &["Unternehmensberater", "Management consultant", "Partner"]),
    ("architecture", &["Architektin", "Stadtplaner", "Landscape architect"]),
    ("research", &["Doktorandin", "Research scientist", "Postdoc"]),
    ("psychology", &["Psychotherapeutin", "Psychologe", "Counsellor"]),
    ("nursing", &["Pflegefachkraft", "Nurse practitioner", "Stationsleitung"]),
    ("public administration", &["Referentin", "Sachbearbeiter", "Policy advisor"]),
    ("non-profit", &["Projektkoordinatorin", "Fundraiser", "Programme manager"]),
    ("engineering", &["Maschinenbauingenieur", "Schiffbauingenieurin", "Electrical engineer"]),
    ("logistics", &["Disponent", "Supply chain manager", "Hafenlogistikerin"]),
    ("hospitality", &["Hotelier", "Restaurantleiterin", "Chef"]),
    ("arts", &["Musikerin", "Schauspieler", "Fotograf"]),
    ("product management", &["Product manager", "Produktmanagerin", "Product Owner"]),
    ("data science", &["Data scientist", "Data Engineer", "Analyst", "DevOps Engineer"]),
    ("real estate", &["Immobilienmaklerin", "Projektentwickler"]),
    ("energy", &["Energieberater", "Wind farm project manager"]),
    ("craft", &["Tischlerin", "Bootsbauer", "Goldschmiedin"]),
    ("sports", &["Segellehrer", "Personal trainer", "Lauftrainerin"]),
];

#[rustfmt::skip]
const TRAININGS: &[&str] = &[
    "NLP practitioner", "NLP Master", "Scrum Master", "Professional Scrum Product Owner",
    "Heilpraktiker Psychotherapie", "Systemischer Coach", "Mediator", "Mediationsausbildung",
    "Yachtmaster Offshore", "Sportbootführerschein See", "Sportküstenschifferschein",
    "Certified Kubernetes Administrator", "AWS Solutions Architect", "Data Science Bootcamp",
    "MBA (berufsbegleitend)", "Fachwirt", "Meisterschule", "Italienisch B1",
    "Spanish evening class", "Japanese for beginners", "Rhetorikseminar", "Toastmasters Pathways",
    "Design Thinking", "UX research certificate", "Projektmanagement (PMP)", "PRINCE2",
    "ITIL Foundation", "Zusatzweiterbildung Notfallmedizin", "Facharztweiterbildung",
    "Supervisor (DGSv)", "Erste-Hilfe-Ausbilder", "Lauftrainer-Lizenz", "Yoga teacher training",
    "Imkerkurs für Anfänger", "Sommelier course", "Barista course", "Datenjournalismus",
    "Trauerbegleitung", "Gebärdensprache", "Executive education in negotiation",
];

#[rustfmt::skip]
const TAGS: &[&str] = &[
    "kiel", "hamburg", "berlin", "münchen", "london", "mentor", "mentee", "speaker", "alumni",
    "kunde", "client", "meetup", "verein", "ex-colleague", "conference", "podcast", "nachbar",
    "family-friend", "investor", "recruiter", "presse", "press", "segeln", "laufgruppe",
    "schachclub", "imkerverein", "toastmasters", "uni", "school", "startup", "freelancer", "vip",
    "intro-pending", "book-club", "stammtisch", "board", "volunteer", "remote",
];

#[rustfmt::skip]
const CITIES: &[&str] = &[
    "Kiel", "Hamburg", "Berlin", "München", "Köln", "Lübeck", "Flensburg", "Bremen", "Hannover",
    "Leipzig", "Dresden", "Frankfurt am Main", "Stuttgart", "Düsseldorf", "Münster", "Rostock",
    "Freiburg", "Nürnberg", "Göttingen", "Kassel", "Heidelberg", "Mainz", "Osnabrück", "Oldenburg",
    "Husum", "Eckernförde", "Lüneburg", "Potsdam", "Greifswald", "Zürich", "Wien", "Graz", "Basel",
    "London", "Manchester", "Edinburgh", "Bristol", "Dublin", "Amsterdam", "Rotterdam",
    "Copenhagen", "Aarhus", "Stockholm", "Göteborg", "Oslo", "Bergen", "Helsinki", "Gdańsk",
    "Kraków", "Lyon", "Paris", "Barcelona", "Lisbon", "Milano", "Tokyo",
];

#[rustfmt::skip]
const COMPANY_A: &[&str] = &[
    "Nordlicht", "Hafenkante", "Elbwerk", "Brightpath", "Förde", "Küstenwind", "Spreewerk",
    "Rheinwolke", "Northgate", "Fenwick", "Loomwork", "Brenner", "Möwe", "Leuchtturm", "Ankerplatz",
    "Seeblick", "Birkenhain", "Lindenhof", "Silverline", "Greenfield", "Kranich", "Falkenstein",
    "Sonnenberg", "Westwind", "Tidewater", "Bluefjord",
];

#[rustfmt::skip]
const COMPANY_B: &[&str] = &[
    "GmbH", "AG", "Ltd", "Consulting", "Labs", "& Partner", "Studio", "Digital", "Software",
    "Analytics", "Kommunikation", "Akademie", "Werft", "Medical", "Rechtsanwälte", "Media",
];

#[rustfmt::skip]
const EVENTS: &[&str] = &[
    "at Kieler Woche", "beim Rust-Meetup", "at Barcamp Hamburg", "auf einer Konferenz in Berlin",
    "at a Women in Tech evening", "auf einer Hochzeit von Freunden", "beim Segelkurs",
    "at the running club", "beim Schachturnier", "im Imkerverein", "at a design conference",
    "beim Elternabend", "beim Networking-Frühstück", "at Toastmasters", "im Zug nach München",
    "at a book reading", "auf der Buchmesse", "beim Stadtlauf", "at a hackathon", "beim Sommerfest",
    "at a legal tech conference", "im Coworking Space",
];

#[rustfmt::skip]
const BOOKS: &[&str] = &[
    "Meditations", "Schachnovelle", "Getting to Yes", "Never Split the Difference",
    "Der Steppenwolf", "Moby Dick", "Die Blechtrommel", "A Guide to the Good Life",
    "The Obstacle Is the Way", "Momo", "Der Zauberberg", "Deep Work", "Thinking, Fast and Slow",
    "Die Vermessung der Welt", "The Old Man and the Sea", "Das Parfum",
];

#[rustfmt::skip]
const COFFEE: &[&str] = &[
    "Flat White", "Espresso", "Cappuccino, Hafer", "schwarz", "tea only",
];

#[rustfmt::skip]
const CADENCES: &[&str] = &[
    "10d", "2w", "4w", "6w", "2mo", "3mo", "6mo", "1y", "2 weeks", "30d", "3 months",
];

#[rustfmt::skip]
const LOG_KINDS: &[&str] = &[
    "Kaffee", "Coffee", "Call", "Telefonat", "Lunch", "Mittagessen", "Email", "Video call",
    "Meetup", "Abendessen", "Spaziergang", "Drinks", "Konferenz", "Workshop",
];

#[rustfmt::skip]
const DE_PREFIX: &[&str] = &[
    "Projekt", "Kunden", "Team", "Vertriebs", "Marketing", "Produkt", "Software", "Daten",
    "Führungs", "Personal", "Budget", "Strategie", "Qualitäts", "Innovations", "Markt",
    "Kommunikations", "Verhandlungs", "Netzwerk", "Weiterbildungs", "Gesundheits", "Sicherheits",
    "Energie", "Umwelt", "Hafen", "Segel", "Lauf", "Schach", "Bienen", "Garten", "Reise",
    "Familien", "Forschungs", "Entwicklungs", "Beratungs", "Design", "Medien", "Rechts", "Finanz",
    "Kultur", "Sport", "Vereins", "Stadt", "Zukunfts", "Lern", "Wissens",
];

#[rustfmt::skip]
const DE_HEAD: &[&str] = &[
    "planung", "gespräch", "leitung", "entwicklung", "strategie", "analyse", "bericht", "konzept",
    "workshop", "termin", "projekt", "idee", "frage", "thema", "ziel", "runde", "kreis", "treffen",
    "vortrag", "seminar", "kurs", "buch", "artikel", "kontakt", "partner", "team", "plan", "modell",
    "system", "prozess", "methode", "ergebnis", "erfahrung", "wissen", "beratung", "kultur",
    "kosten", "zeit", "woche", "saison", "reise", "abend", "tag", "werkstatt", "verband",
    "netzwerk", "studie", "portal", "magazin", "podcast",
];

#[rustfmt::skip]
const DE_ADJ: &[&str] = &[
    "spannend", "schwierig", "neu", "alt", "mutig", "klug", "entspannt", "gestresst", "offen",
    "neugierig", "begeistert", "skeptisch", "zufrieden", "müde", "motiviert", "hilfsbereit",
];

#[rustfmt::skip]
const EN_VERBS: &[&str] = &[
    "talk", "discuss", "launch", "finish", "start", "mention", "share", "present", "visit",
    "explore", "organise", "improve", "prepare", "review", "publish", "design", "restructure",
    "negotiate", "celebrate", "complete", "consider", "deliver", "develop", "edit", "enjoy",
    "evaluate", "explain", "follow", "gather", "host", "imagine", "introduce", "invite", "join",
    "learn", "listen", "manage", "moderate", "mentor", "miss", "move", "open", "pitch", "plan",
    "practise", "produce", "question", "recommend", "record", "recover", "rehearse", "renovate",
    "research", "restore", "sail", "schedule", "search", "test", "train", "travel", "try", "update",
    "volunteer", "wait", "walk", "want", "wonder", "work", "worry", "help", "coach", "struggle",
    "support", "apply", "study", "rethink",
];

#[rustfmt::skip]
const EN_NOUNS: &[&str] = &[
    "project", "idea", "book", "article", "talk", "workshop", "conference", "client", "team",
    "startup", "course", "exam", "certificate", "podcast", "episode", "boat", "race", "club",
    "garden", "hive", "apiary", "marathon", "route", "trip", "journey", "company", "product",
    "prototype", "proposal", "budget", "contract", "deal", "offer", "partner", "mentor",
    "colleague", "friend", "neighbour", "family", "daughter", "son", "house", "flat", "office",
    "studio", "kitchen", "recipe", "bakery", "café", "restaurant", "library", "museum",
    "exhibition", "concert", "festival", "season", "summer", "winter", "weekend", "holiday",
    "meeting", "call", "email", "newsletter", "blog", "essay", "chapter", "story", "question",
    "answer", "problem", "solution", "plan", "strategy", "habit", "routine", "goal", "change",
    "job", "career", "interview", "promotion", "salary", "raise", "manager", "board", "network",
    "community", "meetup", "event", "panel", "speech", "slide", "deck", "presentation",
    "negotiation", "argument", "opening", "tournament", "game", "move", "puzzle", "camera", "photo",
    "lens", "painting", "sketch", "font", "typeface", "poster", "website", "app", "platform",
    "system", "server", "database", "feature", "release", "bug", "test", "review", "paper", "study",
    "experiment", "lab", "patient", "clinic", "shift", "court", "case", "client", "lawyer",
    "journalist", "editor", "deadline", "story", "interviewee", "reader", "audience", "speaker",
    "sailor", "runner", "beekeeper", "player", "coach", "trainer",
];

#[rustfmt::skip]
const EN_ADJ: &[&str] = &[
    "new", "old", "tricky", "exciting", "brave", "quiet", "busy", "small", "huge", "local",
    "remote", "fresh", "strange", "lovely", "useful", "ambitious", "careful", "generous", "curious",
    "honest", "sustainable", "digital", "analog", "wooden", "weekly", "annual", "first", "second",
    "final", "open", "hidden", "practical", "theoretical", "stoic", "nervous", "calm", "clever",
    "patient", "complex", "simple",
];

// ---------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xorshift64* generator; one independent stream per note.
struct Rng(u64);

impl Rng {
    fn for_note(seed: u64, index: usize) -> Self {
        let s = splitmix64(seed ^ splitmix64(index as u64 ^ 0xA5A5_5A5A_0F0F_F0F0));
        Rng(if s == 0 { 0x2545_F491_4F6C_DD1D } else { s })
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n < 2^32).
    fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T: ?Sized>(&mut self, xs: &'a [&'a T]) -> &'a T {
        xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------
// Dates (days since 1970-01-01, proleptic Gregorian)
// ---------------------------------------------------------------------------

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[derive(Clone, Copy)]
struct Day(i64);

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Maps a note index to a unique person, independent of `N`.
struct Namer {
    seed: u64,
    combos: usize,
    mul: usize,
    add: usize,
}

enum AliasStyle {
    /// `aliases: [first.last, "@first_last"]`
    Both,
    /// `aliases: first.last` (a single string)
    Handle,
    None,
}

struct Person {
    first: &'static str,
    last: &'static str,
    middle: Option<char>,
    number: usize,
}

impl Namer {
    fn new(seed: u64) -> Self {
        let combos = FIRST.len() * LAST.len();
        let mut mul = 7919 + (splitmix64(seed) % 1000) as usize;
        while gcd(mul, combos) != 1 {
            mul += 1;
        }
        let add = (splitmix64(seed ^ 0xDEAD_BEEF) % combos as u64) as usize;
        Namer {
            seed,
            combos,
            mul,
            add,
        }
    }

    /// Which aliases note `index` carries. Derived from a hash of the index,
    /// not from the note's own stream, so that links to it can use an alias.
    fn alias_style(&self, index: usize) -> AliasStyle {
        match splitmix64(self.seed ^ splitmix64(index as u64 ^ 0x00A1_1A5E)) % 10 {
            0..=5 => AliasStyle::Both,
            6 | 7 => AliasStyle::Handle,
            _ => AliasStyle::None,
        }
    }

    fn person(&self, index: usize) -> Person {
        let k = (index % self.combos * self.mul + self.add) % self.combos;
        let round = index / self.combos;
        let slots = MIDDLE.len() + 1;
        let m = round % slots;
        Person {
            first: FIRST[k % FIRST.len()],
            last: LAST[k / FIRST.len()],
            middle: if m == 0 { None } else { Some(MIDDLE[m - 1]) },
            number: round / slots,
        }
    }
}

impl Person {
    fn name(&self) -> String {
        let mut s = String::with_capacity(32);
        s.push_str(self.first);
        if let Some(c) = self.middle {
            s.push(' ');
            s.push(c);
            s.push('.');
        }
        s.push(' ');
        s.push_str(self.last);
        if self.number > 0 {
            s.push(' ');
            s.push_str(&(self.number + 1).to_string());
        }
        s
    }

    /// Social-media style handle (`@zoe_jones`), unique because the name is.
    /// (No "Last, First" form: a comma would read as a list separator.)
    fn handle(&self) -> String {
        format!("@{}", slug(&self.name(), '_'))
    }
}

/// ASCII file-name slug: umlauts transliterated, words joined with `sep`.
fn slug(name: &str, sep: char) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut pending_sep = false;
    for ch in name.chars().flat_map(char::to_lowercase) {
        let rep: &str = match ch {
            'ä' => "ae",
            'ö' | 'ø' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'å' => "aa",
            'é' | 'è' | 'ë' | 'ê' => "e",
            'á' | 'à' | 'â' => "a",
            'í' | 'ı' | 'ì' => "i",
            'ó' | 'ò' => "o",
            'ú' => "u",
            'ş' | 'ś' => "s",
            'ç' | 'ć' => "c",
            'ń' => "n",
            'ł' => "l",
            c if c.is_ascii_alphanumeric() => {
                if pending_sep && !out.is_empty() {
                    out.push(sep);
                }
                pending_sep = false;
                out.push(c);
                continue;
            }
            _ => {
                pending_sep = true;
                continue;
            }
        };
        if pending_sep && !out.is_empty() {
            out.push(sep);
        }
        pending_sep = false;
        out.push_str(rep);
    }
    out
}

// ---------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------

fn de_compound(rng: &mut Rng) -> String {
    let mut s = String::from(rng.pick(DE_PREFIX));
    s.push_str(rng.pick(DE_HEAD));
    s
}

fn en_verb(rng: &mut Rng, form: usize) -> String {
    let v = rng.pick(EN_VERBS);
    let stem = v.strip_suffix('e');
    match form {
        0 => v.to_string(),
        1 => {
            if let Some(b) = v
                .strip_suffix('y')
                .filter(|b| !b.ends_with(['a', 'e', 'o', 'u']))
            {
                format!("{b}ies")
            } else if v.ends_with("sh") || v.ends_with("ss") || v.ends_with("ch") {
                format!("{v}es")
            } else {
                format!("{v}s")
            }
        }
        2 => {
            if let Some(b) = v
                .strip_suffix('y')
                .filter(|b| !b.ends_with(['a', 'e', 'o', 'u']))
            {
                format!("{b}ied")
            } else if stem.is_some() {
                format!("{v}d")
            } else {
                format!("{v}ed")
            }
        }
        _ => match stem {
            Some(b) => format!("{b}ing"),
            None => format!("{v}ing"),
        },
    }
}

fn en_noun(rng: &mut Rng, plural: bool) -> String {
    let n = rng.pick(EN_NOUNS);
    if !plural {
        return n.to_string();
    }
    if let Some(b) = n
        .strip_suffix('y')
        .filter(|b| !b.ends_with(['a', 'e', 'o', 'u']))
    {
        format!("{b}ies")
    } else if n.ends_with('s') || n.ends_with("sh") || n.ends_with("ch") {
        format!("{n}es")
    } else {
        format!("{n}s")
    }
}

/// What a note's sentences can talk about.
struct Ctx<'a> {
    interests: &'a [&'static str],
    field: &'static str,
    city: &'static str,
    first: &'static str,
    german: usize,
}

impl Ctx<'_> {
    fn topic(&self, rng: &mut Rng) -> &'static str {
        if self.interests.is_empty() || rng.chance(25) {
            rng.pick(TOPICS)
        } else {
            self.interests[rng.below(self.interests.len())]
        }
    }
}

fn sentence(rng: &mut Rng, ctx: &Ctx<'_>, out: &mut String) -> std::fmt::Result {
    let t = ctx.topic(rng);
    if rng.chance(ctx.german) {
        match rng.below(12) {
            0 => write!(
                out,
                "Wir haben lange über {t} gesprochen, vor allem über {}.",
                de_compound(rng)
            ),
            1 => write!(
                out,
                "Aktuell beschäftigt sich {} mit {} und {}.",
                ctx.first,
                de_compound(rng),
                de_compound(rng)
            ),
            2 => write!(
                out,
                "Hat nach Tipps zu {t} gefragt, ich schicke etwas zum Thema {}.",
                de_compound(rng)
            ),
            3 => write!(
                out,
                "Steckenpferd: {t} — erzählt gern von {} und Co.",
                de_compound(rng)
            ),
            4 => write!(
                out,
                "Sucht Kontakte im Bereich {}, gern aus {}.",
                ctx.field, ctx.city
            ),
            5 => write!(
                out,
                "Nächstes Jahr vielleicht gemeinsam nach {}, Stichwort {}.",
                rng.pick(CITIES),
                de_compound(rng)
            ),
            6 => write!(
                out,
                "Wirkte {} wegen {}, aber {} beim Thema {t}.",
                rng.pick(DE_ADJ),
                de_compound(rng),
                rng.pick(DE_ADJ)
            ),
            7 => write!(
                out,
                "Interessiert sich sehr für {t}, liest viel über {}.",
                de_compound(rng)
            ),
            8 => write!(
                out,
                "Zur {} eher {}, bei {} ganz {}.",
                de_compound(rng),
                rng.pick(DE_ADJ),
                de_compound(rng),
                rng.pick(DE_ADJ)
            ),
            9 => write!(
                out,
                "Erzählte von Fortbildungen zu {t} und von {} in {}.",
                de_compound(rng),
                rng.pick(CITIES)
            ),
            10 => write!(
                out,
                "Braucht Hilfe bei {}; vielleicht passt jemand aus {}.",
                de_compound(rng),
                ctx.field
            ),
            _ => write!(
                out,
                "Freut sich über Artikel zu {t} und {}.",
                rng.pick(TOPICS)
            ),
        }
    } else {
        match rng.below(12) {
            0 => write!(
                out,
                "We talked about {t} and {} {}.",
                rng.pick(EN_ADJ),
                en_noun(rng, true)
            ),
            1 => write!(
                out,
                "{} is {} a {} {} at work.",
                ctx.first,
                en_verb(rng, 3),
                rng.pick(EN_ADJ),
                en_noun(rng, false)
            ),
            2 => write!(
                out,
                "Asked me about {t}; I promised to send a {} {}.",
                rng.pick(EN_ADJ),
                en_noun(rng, false)
            ),
            3 => write!(
                out,
                "Big fan of {t}, {} a {} last year.",
                en_verb(rng, 2),
                en_noun(rng, false)
            ),
            4 => write!(
                out,
                "Wants to meet people in {} around {}.",
                ctx.field, ctx.city
            ),
            5 => write!(
                out,
                "Recently {} the {} {} in {}.",
                en_verb(rng, 2),
                rng.pick(EN_ADJ),
                en_noun(rng, false),
                rng.pick(CITIES)
            ),
            6 => write!(
                out,
                "Still {} about the {} and the {}.",
                en_verb(rng, 3),
                en_noun(rng, false),
                en_noun(rng, true)
            ),
            7 => write!(
                out,
                "Hobby horse: {t}. Always {} {} about it.",
                en_verb(rng, 1),
                en_noun(rng, true)
            ),
            8 => write!(
                out,
                "The {} {} went well, the {} less so.",
                rng.pick(EN_ADJ),
                en_noun(rng, false),
                en_noun(rng, true)
            ),
            9 => write!(
                out,
                "Thinking about training in {t}; {} {} everything.",
                ctx.first,
                en_verb(rng, 1)
            ),
            10 => write!(
                out,
                "Needs {} for a {} {}.",
                en_noun(rng, true),
                rng.pick(EN_ADJ),
                en_noun(rng, false)
            ),
            _ => write!(out, "Happy to get articles on {t} or {}.", rng.pick(TOPICS)),
        }
    }
}

fn paragraph(rng: &mut Rng, ctx: &Ctx<'_>, sentences: usize, out: &mut String) -> std::fmt::Result {
    for k in 0..sentences {
        if k > 0 {
            out.push(' ');
        }
        sentence(rng, ctx, out)?;
    }
    out.push('\n');
    Ok(())
}

// ---------------------------------------------------------------------------
// Notes
// ---------------------------------------------------------------------------

fn is_plain(index: usize) -> bool {
    index % PLAIN_EVERY == PLAIN_EVERY - 1
}

/// Picks up to `count` distinct link targets among the contact notes.
fn link_targets(rng: &mut Rng, index: usize, n: usize, count: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(count);
    if n < 3 {
        return out;
    }
    for _ in 0..count {
        let mut j = rng.below(n);
        for _ in 0..4 {
            if j == index || is_plain(j) || out.contains(&j) {
                j = (j + 1) % n;
            }
        }
        if j != index && !is_plain(j) && !out.contains(&j) {
            out.push(j);
        }
    }
    out
}

/// Renders a wiki link to person `j` in one of the supported forms.
fn link(rng: &mut Rng, namer: &Namer, j: usize) -> String {
    let p = namer.person(j);
    match rng.below(10) {
        0..=4 => format!("[[{}]]", p.name()),
        5 | 6 => format!("[[{}|{}]]", p.name(), p.first),
        7 => format!("[[{}]]", slug(&p.name(), '-')),
        8 => match namer.alias_style(j) {
            AliasStyle::Both => format!("[[{}]]", p.handle()),
            AliasStyle::Handle => format!("[[{}]]", slug(&p.name(), '.')),
            AliasStyle::None => format!("[[{}]]", p.name()),
        },
        _ => format!("[[{}]]", p.name().to_lowercase()),
    }
}

fn yaml_list(out: &mut String, key: &str, items: &[String], style: usize) -> std::fmt::Result {
    match style {
        0 => {
            writeln!(out, "{key}:")?;
            for it in items {
                writeln!(out, "  - {it}")?;
            }
            Ok(())
        }
        1 => writeln!(out, "{key}: {}", items.join(", ")),
        _ => writeln!(out, "{key}: [{}]", items.join(", ")),
    }
}

fn contact_note(
    rng: &mut Rng,
    namer: &Namer,
    index: usize,
    n: usize,
    out: &mut String,
) -> std::fmt::Result {
    let person = namer.person(index);
    let name = person.name();
    let (field, roles) = FIELDS[rng.below(FIELDS.len())];
    let city = rng.pick(CITIES);
    let mut interests: Vec<&'static str> = Vec::with_capacity(5);
    for _ in 0..rng.range(1, 5) {
        let t = rng.pick(TOPICS);
        if !interests.contains(&t) {
            interests.push(t);
        }
    }
    let german = if rng.chance(55) { 80 } else { 25 };
    let ctx = Ctx {
        interests: &interests,
        field,
        city,
        first: person.first,
        german,
    };

    // Dates: last contact in 2025-01-01 ..= 2026-12-31.
    let d2025 = days_from_civil(2025, 1, 1);
    let last = d2025 + rng.range(0, 729);
    // The newest log entry is usually the last contact, sometimes later (stale field).
    let newest_log = if rng.chance(15) {
        last + rng.range(1, 40)
    } else {
        last
    };

    out.push_str("---\n");
    writeln!(out, "name: {name}")?;
    match namer.alias_style(index) {
        AliasStyle::Both => writeln!(
            out,
            "aliases: [{}, \"{}\"]",
            slug(&name, '.'),
            person.handle()
        )?,
        AliasStyle::Handle => writeln!(out, "aliases: {}", slug(&name, '.'))?,
        AliasStyle::None => {}
    }
    let mut tags: Vec<String> = Vec::new();
    for _ in 0..rng.range(0, 3) {
        let t = rng.pick(TAGS).to_string();
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    if !tags.is_empty() {
        if rng.chance(5) {
            writeln!(out, "tags: \"#{}\"", tags.join(", "))?;
        } else {
            yaml_list(out, "tags", &tags, if rng.chance(10) { 0 } else { 2 })?;
        }
    }
    if rng.chance(85) {
        writeln!(
            out,
            "company: {} {}",
            rng.pick(COMPANY_A),
            rng.pick(COMPANY_B)
        )?;
    }
    writeln!(out, "role: {}", rng.pick(roles))?;
    if rng.chance(15) {
        writeln!(out, "field: {field}    # Metier")?;
    } else {
        writeln!(out, "field: {field}")?;
    }
    let items: Vec<String> = interests.iter().map(|s| s.to_string()).collect();
    let style = match rng.below(20) {
        0 | 1 => 0,
        2 => 1,
        _ => 2,
    };
    yaml_list(out, "interests", &items, style)?;
    if rng.chance(65) {
        writeln!(out, "training: {}", rng.pick(TRAININGS))?;
    }
    writeln!(out, "location: {city}")?;
    if rng.chance(80) {
        let domain = ["org", "com", "net"][rng.below(3)];
        writeln!(out, "email: {}@example.{domain}", slug(&name, '.'))?;
    }
    if rng.chance(80) {
        let m = rng.range(1, 12);
        if rng.chance(12) {
            let d = rng.range(1, days_in_month(2000, m));
            writeln!(out, "birthday: --{m:02}-{d:02}")?;
        } else {
            let y = rng.range(1950, 2003);
            let d = rng.range(1, days_in_month(y, m));
            writeln!(out, "birthday: {y:04}-{m:02}-{d:02}")?;
        }
    }
    if rng.chance(60) {
        let met = Day(last - rng.range(30, 2000));
        writeln!(out, "met: {met} {}", rng.pick(EVENTS))?;
    }
    if rng.chance(88) {
        writeln!(out, "last_contact: {}", Day(last))?;
    }
    if rng.chance(35) {
        let next = if rng.chance(15) {
            last - rng.range(1, 30)
        } else {
            last + rng.range(7, 200)
        };
        if rng.chance(20) {
            writeln!(out, "next_contact: {}   # planned", Day(next))?;
        } else {
            writeln!(out, "next_contact: {}", Day(next))?;
        }
    }
    if rng.chance(70) {
        writeln!(out, "cadence: {}", rng.pick(CADENCES))?;
    }
    if rng.chance(4) {
        let status = if rng.chance(50) { "archived" } else { "paused" };
        writeln!(out, "status: {status}")?;
    }
    if rng.chance(12) {
        writeln!(out, "favourite_book: {}", rng.pick(BOOKS))?;
    }
    if rng.chance(10) {
        writeln!(out, "kids: {}", rng.range(0, 4))?;
    }
    if rng.chance(8) {
        writeln!(out, "coffee: {}", rng.pick(COFFEE))?;
    }
    out.push_str("---\n");

    // Body.
    writeln!(out, "# {name}\n")?;
    let count = rng.below(5);
    let links = link_targets(rng, index, n, count);
    let (body_links, open_links) = links.split_at(links.len().min(rng.range(0, 2) as usize));
    let sentences = rng.range(3, 5) as usize;
    paragraph(rng, &ctx, sentences, out)?;
    for &j in body_links {
        out.pop();
        let l = link(rng, namer, j);
        if rng.chance(ctx.german) {
            write!(out, " Kennt {l} aus {}.", rng.pick(CITIES))?;
        } else {
            write!(out, " Should meet {l} — both into {}.", ctx.topic(rng))?;
        }
        out.push('\n');
    }
    if rng.chance(60) {
        out.push('\n');
        let sentences = rng.range(2, 3) as usize;
        paragraph(rng, &ctx, sentences, out)?;
    }

    out.push_str("\n## Log\n");
    let entries = rng.range(2, 8) as usize;
    let mut dates = Vec::with_capacity(entries);
    let mut d = newest_log;
    for _ in 0..entries {
        dates.push(d);
        d -= rng.range(5, 120);
    }
    if rng.chance(10) {
        dates.reverse();
    }
    for day in dates {
        write!(out, "- {} {}: ", Day(day), rng.pick(LOG_KINDS))?;
        sentence(rng, &ctx, out)?;
        if rng.chance(30) {
            out.push(' ');
            sentence(rng, &ctx, out)?;
        }
        out.push('\n');
    }

    let open = rng.range(0, 3) as usize;
    if open > 0 || !open_links.is_empty() {
        out.push_str("\n## Open\n");
        for &j in open_links {
            let l = link(rng, namer, j);
            if rng.chance(40) {
                let due = Day(last + rng.range(-20, 90));
                writeln!(out, "- [ ] {due} introduce to {l}")?;
            } else {
                writeln!(out, "- [ ] {l} vorstellen ({})", ctx.topic(rng))?;
            }
        }
        for _ in 0..open {
            let done = rng.chance(20);
            out.push_str(if done { "- [x] " } else { "- [ ] " });
            if rng.chance(50) {
                write!(out, "{} ", Day(last + rng.range(-30, 120)))?;
            }
            let t = ctx.topic(rng);
            match rng.below(4) {
                0 => write!(out, "send the {} about {t}", en_noun(rng, false))?,
                1 => write!(out, "Buch über {t} schicken")?,
                2 => write!(out, "nach der {} fragen", de_compound(rng))?,
                _ => write!(
                    out,
                    "follow up on the {} {}",
                    rng.pick(EN_ADJ),
                    en_noun(rng, false)
                )?,
            }
            out.push('\n');
        }
    }
    Ok(())
}

fn plain_note(
    rng: &mut Rng,
    namer: &Namer,
    index: usize,
    n: usize,
    out: &mut String,
) -> std::fmt::Result {
    let day = Day(days_from_civil(2025, 1, 1) + rng.range(0, 729));
    let ctx = Ctx {
        interests: &[],
        field: FIELDS[rng.below(FIELDS.len())].0,
        city: rng.pick(CITIES),
        first: rng.pick(FIRST),
        german: 60,
    };
    writeln!(out, "# Meeting notes {day}: {}\n", de_compound(rng))?;
    let count = rng.below(5);
    let links = link_targets(rng, index, n, count);
    if !links.is_empty() {
        out.push_str("Attendees / Teilnehmende: ");
        for (k, &j) in links.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            out.push_str(&link(rng, namer, j));
        }
        out.push_str(" and me.\n\n");
    }
    let sentences = rng.range(5, 8) as usize;
    paragraph(rng, &ctx, sentences, out)?;
    out.push_str("\n## Notizen\n");
    for _ in 0..rng.range(5, 9) {
        out.push_str("- ");
        sentence(rng, &ctx, out)?;
        out.push('\n');
    }
    out.push_str("\n## Action items\n");
    for _ in 0..rng.range(1, 3) {
        writeln!(out, "- [ ] {} vorbereiten", de_compound(rng))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------

struct Args {
    dir: PathBuf,
    n: usize,
    seed: u64,
    force: bool,
}

enum Parsed {
    Run(Args),
    Help,
}

fn parse_args() -> Result<Parsed, String> {
    let mut positional = Vec::new();
    let mut seed = DEFAULT_SEED;
    let mut force = false;
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        match arg.to_str() {
            Some("-h" | "--help") => return Ok(Parsed::Help),
            Some("--force") => force = true,
            Some("--seed") => {
                let v = it.next().ok_or("--seed needs a value")?;
                seed = v
                    .to_str()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| format!("--seed: not a number: {}", v.to_string_lossy()))?;
            }
            Some(s) if s.starts_with("--seed=") => {
                let v = s.strip_prefix("--seed=").unwrap_or_default();
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not a number: {v}"))?;
            }
            Some(s) if s.starts_with('-') && s.len() > 1 => {
                return Err(format!("unknown option {s}"));
            }
            _ => positional.push(arg),
        }
    }
    let [dir, n] = <[_; 2]>::try_from(positional).map_err(|_| "expected DIR and N".to_string())?;
    let n = n
        .to_str()
        .and_then(|s| s.parse::<usize>().ok())
        .ok_or_else(|| format!("N: not a number: {}", n.to_string_lossy()))?;
    Ok(Parsed::Run(Args {
        dir: PathBuf::from(dir),
        n,
        seed,
        force,
    }))
}

fn bucket_dir(root: &Path, bucket: usize) -> PathBuf {
    root.join("people").join(format!("b{bucket:03}"))
}

/// Writes every note of one bucket; returns the bytes written.
fn write_bucket(
    root: &Path,
    namer: &Namer,
    args: &Args,
    bucket: usize,
    buf: &mut String,
) -> io::Result<u64> {
    let dir = bucket_dir(root, bucket);
    std::fs::create_dir_all(&dir)?;
    let mut bytes = 0u64;
    let end = ((bucket + 1) * BUCKET).min(args.n);
    for index in bucket * BUCKET..end {
        buf.clear();
        let mut rng = Rng::for_note(args.seed, index);
        let path = if is_plain(index) {
            plain_note(&mut rng, namer, index, args.n, buf).map_err(io::Error::other)?;
            root.join("notes").join(format!("meeting-{index:06}.md"))
        } else {
            contact_note(&mut rng, namer, index, args.n, buf).map_err(io::Error::other)?;
            dir.join(format!("{}.md", slug(&namer.person(index).name(), '-')))
        };
        std::fs::write(&path, buf.as_bytes())
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        bytes += buf.len() as u64;
    }
    Ok(bytes)
}

fn run(args: &Args) -> io::Result<()> {
    let start = Instant::now();
    std::fs::create_dir_all(args.dir.join("notes"))?;
    let namer = Namer::new(args.seed);
    let buckets = args.n.div_ceil(BUCKET);
    let threads = std::thread::available_parallelism()
        .map_or(4, |p| p.get())
        .clamp(1, 16)
        .min(buckets.max(1));
    let next = AtomicUsize::new(0);
    let total = AtomicU64::new(0);
    std::thread::scope(|scope| -> io::Result<()> {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| -> io::Result<()> {
                    let mut buf = String::with_capacity(4096);
                    loop {
                        let bucket = next.fetch_add(1, Ordering::Relaxed);
                        if bucket >= buckets {
                            return Ok(());
                        }
                        let bytes = write_bucket(&args.dir, &namer, args, bucket, &mut buf)?;
                        total.fetch_add(bytes, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join()
                .map_err(|_| io::Error::other("worker thread panicked"))??;
        }
        Ok(())
    })?;
    let bytes = total.load(Ordering::Relaxed);
    println!(
        "wrote {} notes ({} KiB, avg {} B) to {} in {:.2?} (seed {})",
        args.n,
        bytes / 1024,
        bytes.checked_div(args.n as u64).unwrap_or(0),
        args.dir.display(),
        start.elapsed(),
        args.seed
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Parsed::Run(a)) => a,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("gen_vault: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match std::fs::read_dir(&args.dir) {
        Ok(mut entries) => {
            if entries.next().is_some() && !args.force {
                eprintln!(
                    "gen_vault: {} exists and is not empty (use --force to write into it)",
                    args.dir.display()
                );
                return ExitCode::from(2);
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => {
            eprintln!("gen_vault: {}: {e}", args.dir.display());
            return ExitCode::from(2);
        }
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_vault: {e}");
            ExitCode::from(2)
        }
    }
}
