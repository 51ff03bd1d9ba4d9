#!/usr/bin/env python3
"""Generates a forklar site of N articles in DIR, deterministically.

    python3 scripts/gen_site.py N DIR

Writes DIR/site.toml, DIR/content/background/csto.md and N articles
DIR/content/sak-0001.md ... with Norwegian text, headings, a list, a table,
tags from a fixed set, background = ["csto"], a small [[timeline]] and one
[[quotes]] entry. The same N always gives the same bytes (fixed seed).
Standard library only.
"""

import random
import sys
from pathlib import Path

SEED = 20220106
TAGS = ["Kasakhstan", "CSTO", "Russland", "Energi", "Protester", "Sentral-Asia", "Økonomi", "Politikk"]
WORDS = (
    "regjeringen protestene prisen gass byen landet president opprøret soldatene "
    "demonstrantene nyhetsbyrået forskeren situasjonen internett unntakstilstand "
    "alliansen Almaty Astana Moskva flyplassen politiet økonomien eksporten olje "
    "uran valget makten eliten familien sikkerhetsrådet befolkningen krisen"
).split()
VERBS = "sier melder viser betyr krever stanser øker faller møter advarer".split()
HEADINGS = ["Hva har skjedd?", "Hvorfor nå?", "Hvem styrer?", "Hva betyr det for Russland?",
            "Hva skjer videre?", "Bakgrunnen for uroen"]


def sentence(rng):
    n = rng.randint(6, 14)
    words = [rng.choice(WORDS) for _ in range(n)]
    words.insert(rng.randint(1, n - 1), rng.choice(VERBS))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def article(i, rng):
    tags = rng.sample(TAGS, 2)
    day = 1 + i % 28
    month = 1 + (i // 28) % 12
    lines = [
        "+++",
        f'title = "Forklaring nummer {i}: {rng.choice(HEADINGS).rstrip("?")}"',
        f"date = 2022-{month:02d}-{day:02d}",
        f'lead = "{sentence(rng)}"',
        "tags = [" + ", ".join(f'"{t}"' for t in tags) + "]",
        'background = ["csto"]',
        "",
        "[[timeline]]",
        'date = "2022-01-02"',
        'title = "Protestene begynner i Zjanaozen"',
        "",
        "[[timeline]]",
        'date = "2022-01-05T14:00+06:00"',
        f'title = "{sentence(rng)}"',
        'source = "Reuters"',
        "",
        "[[quotes]]",
        f'text = "{sentence(rng)}"',
        'speaker = "Helge Blakkisrud"',
        'role = "forsker"',
        'organisation = "NUPI"',
        'source = "VG"',
        "+++",
        "",
        paragraph(rng),
        "",
    ]
    for heading in rng.sample(HEADINGS, 2):
        lines += [f"## {heading}", "", paragraph(rng), ""]
    lines += [f"- {sentence(rng)}" for _ in range(3)]
    lines += [
        "",
        "| År | Hendelse | Kilde |",
        "| --- | --- | --- |",
    ]
    for year in (1991, 2002, 2019, 2022):
        lines.append(f"| {year} | {sentence(rng)} | NTB |")
    lines += ["", paragraph(rng), ""]
    return "\n".join(lines)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_site.py N DIR")
    n, root = int(sys.argv[1]), Path(sys.argv[2])
    rng = random.Random(SEED)
    (root / "content" / "background").mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(
        'title = "Forklart (generert)"\n'
        'description = "Et generert nettsted for målinger"\n'
        'base_url = "https://forklar.example.org/"\n'
        'language = "nb"\n'
        'authors = ["Redaksjonen"]\n',
        encoding="utf-8",
    )
    (root / "content" / "background" / "csto.md").write_text(
        "+++\n"
        'title = "CSTO"\n'
        'aliases = ["CSTO", "ODKB"]\n'
        'summary = "Organisasjonen for kollektiv sikkerhet er en militærallianse ledet av Russland."\n'
        "\n[[facts]]\nlabel = \"Grunnlagt\"\nvalue = \"2002\"\n"
        "+++\n\nCSTO ble grunnlagt i 2002 og har seks medlemsland.\n",
        encoding="utf-8",
    )
    for i in range(1, n + 1):
        (root / "content" / f"sak-{i:04d}.md").write_text(article(i, rng), encoding="utf-8")


if __name__ == "__main__":
    main()
