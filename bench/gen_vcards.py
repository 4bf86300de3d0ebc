#!/usr/bin/env python3
"""Write N generated vCards (3.0, one .vcf) for the import benchmark.

    bench/gen_vcards.py 10000 > /tmp/10k.vcf

Each card has a UID, FN/N, a nickname on every fifth, ORG, TITLE, two
emails (one typed), a typed phone, an Apple-style grouped URL with its
X-ABLabel, an address, a birthday (every seventh without a year),
CATEGORIES, a NOTE long enough to be folded, and REV. Deterministic."""

import random
import sys

FIRST = ["Anna", "Jürgen", "Lan", "Dana", "Eli", "Fatima", "Gustav", "Hanna", "Ivan", "Jonas",
         "Kim", "Lea", "Mia", "Noah", "Ola", "Pia", "Quentin", "Rosa", "Sven", "Tara"]
LAST = ["Schmidt", "Müller", "Nguyen", "Okafor", "Park", "Haddad", "Lind", "Weber", "Petrov",
        "Klein", "Osei", "Vogt", "Roth", "Berg", "Nordmann", "Krause", "Adams", "Silva"]
TOWNS = ["Kiel", "Lübeck", "Hamburg", "Berlin", "Köln", "München", "Bremen", "Rostock"]
TAGS = ["sailing", "conference", "family", "work", "school", "chess", "kiel"]


def fold(line):
    b = line.encode("utf-8")
    out, width = [], 75
    while len(b) > width:
        cut = width
        while cut > 0 and (b[cut] & 0xC0) == 0x80:
            cut -= 1
        out.append(b[:cut].decode("utf-8"))
        b = b[cut:]
        width = 74
    out.append(b.decode("utf-8"))
    return "\r\n ".join(out)


def card(i, rnd):
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    name = f"{first} {last} {i:05d}"
    user = f"{first.lower()}.{last.lower()}{i}".replace("ü", "ue")
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"UID:bench-{i:06d}",
        f"N:{last} {i:05d};{first};;;",
        f"FN:{name}",
    ]
    if i % 5 == 0:
        lines.append(f"NICKNAME:{first[:3]}{i}")
    lines += [
        f"ORG:Company {i % 700};Dept {i % 13}",
        f"TITLE:Role {i % 50}",
        f"EMAIL;type=INTERNET;type=WORK;type=pref:{user}@work.example",
        f"EMAIL:{user}@mail.example",
        f"TEL;type=CELL:+49 170 {i:07d}",
        f"item1.URL:https://example.org/{user}",
        "item1.X-ABLabel:_$!<HomePage>!$_",
        f"ADR;type=HOME:;;Street {i % 90};{rnd.choice(TOWNS)};;{20000 + i % 9000};Germany",
    ]
    month, day = 1 + i % 12, 1 + i % 28
    lines.append(f"BDAY:--{month:02d}{day:02d}" if i % 7 == 0 else f"BDAY:{1950 + i % 50}-{month:02d}-{day:02d}")
    lines.append("CATEGORIES:" + ",".join(rnd.sample(TAGS, 2)))
    lines.append(f"NOTE:Met {first} at event {i % 40}. " + "Talked about many things\\, at length. " * 3)
    lines.append(f"REV:2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z")
    lines.append("END:VCARD")
    return "".join(fold(l) + "\r\n" for l in lines)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    rnd = random.Random(15)
    out = sys.stdout.buffer
    for i in range(n):
        out.write(card(i, rnd).encode("utf-8"))


if __name__ == "__main__":
    main()
