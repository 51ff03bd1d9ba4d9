#!/usr/bin/env python3
"""Generate a benchmark site that both forklar and Hugo build from the same files.

Usage: gen_site.py N DIR [--seed S] [--jobs J]

Writes DIR/site.toml (forklar), DIR/hugo.toml and DIR/layouts/ (Hugo),
DIR/assets/style.css (Hugo's stylesheet, fingerprinted like forklar's),
DIR/content/*.md (N articles) and DIR/content/background/*.md (40 entries).

Standard library only. The output depends only on N and the seed: the same
arguments give byte-identical files. DIR/content is emptied first so that a
smaller N never leaves stale articles behind.
"""

import argparse
import multiprocessing
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HUGO_TEMPLATE_DIR = os.path.join(HERE, "hugo")

# --------------------------------------------------------------------------
# Word material. Real Norwegian Bokmål words, many with æ, ø and å.
# --------------------------------------------------------------------------

WORDS = """
og i på for med til som er det av en et at ikke har var de om fra men
år regjeringen landet byen folk mennesker saken spørsmålet økonomien
miljøet været været ønsket første største siste tidligere senere nå
også blant etter før under over gjennom mellom uten mot hvor når
kommunen fylket stortinget domstolen politiet myndighetene partiet
lederen ministeren forskeren eksperten innbyggerne velgerne bøndene
fiskerne sjøen fjorden fjellet skogen øya kysten grensen nordområdene
kraftprisen strømmen vannkraften vindkraften oljen gassen havbruket
laksen skatten budsjettet gjelden renten inflasjonen lønnen prisene
boligene leiemarkedet sykehuset skolen barnehagen eldreomsorgen
helsekøen legevakten ambulansen beredskapen forsvaret øvelsen
avtalen forhandlingene forslaget vedtaket høringen utredningen
rapporten undersøkelsen målingen tallene veksten nedgangen økningen
endringen løsningen utfordringen konflikten krisen støtten kritikken
dømt vedtatt foreslått avvist godkjent utsatt økt redusert styrket
svekket bygget stengt åpnet flyttet kjøpt solgt betalt lånt spart
mener sier viser peker advarer krever ønsker forventer frykter håper
vurderer foreslår avviser støtter kritiserer forklarer bekrefter
åpenbart tydelig særlig nærmest omtrent drøyt knapt hele halve
norske svenske danske europeiske amerikanske russiske kinesiske
lokale nasjonale internasjonale offentlige private økonomiske
politiske sosiale grønne blå røde små store nye gamle lange korte
høye lave sterke svake viktige vanskelige mulige umulige nødvendige
våren sommeren høsten vinteren måneden uken døgnet kvelden morgenen
tiåret århundret framtiden fortiden nåtiden hverdagen søndag lørdag
gården bygda tettstedet hovedstaden havnen flyplassen jernbanen
veien broen tunnelen ferjen bilen bussen toget flyet sykkelen
ansvar tillit makt frihet sikkerhet likestilling mangfold velferd
næringslivet arbeidsplassene ledigheten pensjonen trygden sparingen
forbrukerne kundene eierne aksjonærene styret direktøren fagforeningen
streiken lønnsoppgjøret tariffen overenskomsten kompromisset flertallet
mindretallet opposisjonen koalisjonen samarbeidet uenigheten
dårlig bra godt vel nok mye lite mer mindre mest minst flere færre
kjøpekraft kostnadene inntektene utgiftene tilskuddet avgiften
kvoten lisensen tillatelsen søknaden klagen dommen anken straffen
bøtene påtalen vitnet forsvareren aktoratet lagmannsretten høyesterett
""".split()

CONNECTORS = ["og", "men", "samtidig som", "fordi", "selv om", "mens", "slik at", "etter at"]

TAGS = [
    "Økonomi", "Politikk", "Klima", "Miljø", "Energi", "Strømpris", "Helse",
    "Skole", "Utdanning", "Forsvar", "Sikkerhet", "Justis", "Rettssaker",
    "Samferdsel", "Jernbane", "Luftfart", "Fiskeri", "Havbruk", "Landbruk",
    "Bolig", "Renter", "Inflasjon", "Arbeidsliv", "Streik", "Pensjon",
    "Skatt", "Statsbudsjettet", "Stortinget", "Regjeringen", "Kommunene",
    "Fylkene", "Nordområdene", "Svalbard", "Sápmi", "Innvandring",
    "Integrering", "Kultur", "Idrett", "Medier", "Teknologi",
    "Kunstig intelligens", "Personvern", "Forskning", "Romfart", "Vær",
    "Flom", "Skogbrann", "Beredskap", "EU", "NATO", "FN", "Russland",
    "Ukraina", "Kina", "USA", "Midtøsten", "Afrika", "Sentral-Asia",
    "Norden", "Bistand",
]

# key, title, aliases. Aliases are distinctive words that the article text mentions.
BACKGROUND = [
    ("nato", "NATO", ["NATO", "Atlanterhavspakten", "Den nordatlantiske traktatorganisasjonen"]),
    ("fn", "De forente nasjoner", ["FN", "De forente nasjoner", "Sikkerhetsrådet"]),
    ("eu", "Den europeiske union", ["EU", "Den europeiske union", "Unionen"]),
    ("eos", "EØS-avtalen", ["EØS", "EØS-avtalen", "Det europeiske økonomiske samarbeidsområdet"]),
    ("stortinget", "Stortinget", ["Stortinget", "nasjonalforsamlingen"]),
    ("norges-bank", "Norges Bank", ["Norges Bank", "sentralbanken"]),
    ("oljefondet", "Statens pensjonsfond utland", ["oljefondet", "Statens pensjonsfond utland", "SPU"]),
    ("handlingsregelen", "Handlingsregelen", ["handlingsregelen"]),
    ("statnett", "Statnett", ["Statnett", "systemoperatøren"]),
    ("nve", "NVE", ["NVE", "Norges vassdrags- og energidirektorat"]),
    ("equinor", "Equinor", ["Equinor", "Statoil"]),
    ("nav", "NAV", ["NAV", "Arbeids- og velferdsforvaltningen"]),
    ("lo", "LO", ["LO", "Landsorganisasjonen"]),
    ("nho", "NHO", ["NHO", "Næringslivets Hovedorganisasjon"]),
    ("ssb", "Statistisk sentralbyrå", ["SSB", "Statistisk sentralbyrå"]),
    ("helse-sor-ost", "Helse Sør-Øst", ["Helse Sør-Øst", "det regionale helseforetaket"]),
    ("fhi", "Folkehelseinstituttet", ["FHI", "Folkehelseinstituttet"]),
    ("pst", "PST", ["PST", "Politiets sikkerhetstjeneste"]),
    ("okokrim", "Økokrim", ["Økokrim"]),
    ("hoyesterett", "Høyesterett", ["Høyesterett"]),
    ("sametinget", "Sametinget", ["Sametinget", "Sámediggi"]),
    ("svalbardtraktaten", "Svalbardtraktaten", ["Svalbardtraktaten", "Paris-traktaten"]),
    ("kvotesystemet", "Kvotesystemet i fiskeriene", ["kvotesystemet", "fiskekvotene"]),
    ("lakseskatten", "Grunnrenteskatt på havbruk", ["lakseskatten", "grunnrenteskatten"]),
    ("parisavtalen", "Parisavtalen", ["Parisavtalen", "klimaavtalen"]),
    ("klimakvoter", "Klimakvoter", ["klimakvoter", "kvotemarkedet"]),
    ("nord-pool", "Nord Pool", ["Nord Pool", "kraftbørsen"]),
    ("stromstotten", "Strømstøtten", ["strømstøtten", "strømstøtteordningen"]),
    ("nye-veier", "Nye Veier", ["Nye Veier"]),
    ("bane-nor", "Bane NOR", ["Bane NOR"]),
    ("avinor", "Avinor", ["Avinor"]),
    ("forsvarsbudsjettet", "Forsvarsbudsjettet", ["forsvarsbudsjettet", "toprosentmålet"]),
    ("heimevernet", "Heimevernet", ["Heimevernet", "HV"]),
    ("udi", "UDI", ["UDI", "Utlendingsdirektoratet"]),
    ("imdi", "IMDi", ["IMDi", "Integrerings- og mangfoldsdirektoratet"]),
    ("nrk", "NRK", ["NRK", "Norsk rikskringkasting"]),
    ("datatilsynet", "Datatilsynet", ["Datatilsynet"]),
    ("forskningsradet", "Forskningsrådet", ["Forskningsrådet", "Norges forskningsråd"]),
    ("kommunereformen", "Kommunereformen", ["kommunereformen", "kommunesammenslåingene"]),
    ("regionreformen", "Regionreformen", ["regionreformen", "fylkessammenslåingene"]),
]

HEADINGS = [
    "Hva har skjedd?", "Hvorfor nå?", "Hva betyr det for deg?", "Bakgrunnen",
    "Dette er uenigheten", "Hva skjer videre?", "Tallene bak", "Hvem bestemmer?",
    "Kritikken", "Slik gjør de det i Sverige", "Historien", "Det økonomiske bildet",
    "Hva sier ekspertene?", "Hvor står partiene?", "Følgene for kommunene",
    "Det er dette det handler om", "Tre ting å følge med på", "Hva vet vi ikke?",
    "Reaksjonene", "Et langt forløp", "Hva koster det?", "Spørsmålene som gjenstår",
    "Slik påvirkes næringslivet", "Det internasjonale bildet", "Veien hit",
    "Hvem rammes?", "Løsningene som diskuteres", "Juridisk sett", "På bakkeplan",
    "Hva må til?",
]

FIRST_NAMES = ["Kari", "Ola", "Ingrid", "Håkon", "Solveig", "Bjørn", "Åse", "Jørgen",
               "Sigrid", "Øystein", "Marit", "Pål", "Ragnhild", "Tore", "Astrid",
               "Ævar", "Liv", "Geir", "Tone", "Ståle"]
LAST_NAMES = ["Nordmann", "Hansen", "Bråten", "Løvås", "Sæther", "Østby", "Haugen",
              "Aasen", "Grønli", "Kvåle", "Strøm", "Bjørnstad", "Dahl", "Lien",
              "Fjærli", "Håland", "Sørensen", "Moe", "Ødegård", "Våge"]
ROLES = ["forsker", "professor", "seniorøkonom", "sjeføkonom", "rådgiver",
         "generalsekretær", "førsteamanuensis", "leder", "statssekretær", "ordfører"]
ORGS = ["NUPI", "Universitetet i Oslo", "NTNU", "Universitetet i Bergen", "Frischsenteret",
        "SINTEF", "Fafo", "Handelshøyskolen BI", "Norges miljø- og biovitenskapelige universitet",
        "UiT Norges arktiske universitet", "Forbrukerrådet", "Naturvernforbundet"]
PUBLISHERS = ["NRK", "NTB", "Aftenposten", "VG", "Dagbladet", "E24", "Dagens Næringsliv",
              "Bergens Tidende", "Adresseavisen", "Nordlys", "Reuters", "AP", "BBC",
              "Klassekampen", "Morgenbladet"]
SOURCE_KINDS = ["Intervju med", "Rapport fra", "Pressemelding fra", "Nyhetsartikkel i",
                "Kronikk i", "Analyse fra", "Tall fra"]

ASCII_MAP = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a",
                           "á": "a", "é": "e"})


def ascii_slug(text):
    text = text.translate(ASCII_MAP).lower()
    out, dash = [], False
    for ch in text:
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_list(items):
    return "[" + ", ".join(toml_str(i) for i in items) + "]"


# --------------------------------------------------------------------------
# Text generation
# --------------------------------------------------------------------------

N_WORDS = len(WORDS)
WORD_BITS = N_WORDS.bit_length()


def words_of(rng, n):
    """n words, as `[rng.choice(WORDS) for _ in range(n)]` picks them (the same
    draws, so the same output), without two calls a word: at 100,000
    articles the generator spends most of its time here."""
    getrandbits = rng.getrandbits
    out = []
    for _ in range(n):
        r = getrandbits(WORD_BITS)
        while r >= N_WORDS:
            r = getrandbits(WORD_BITS)
        out.append(WORDS[r])
    return out


def sentence(rng, lo=6, hi=16, extra=None):
    n = rng.randint(lo, hi)
    words = words_of(rng, n)
    if extra:
        words.insert(rng.randint(1, len(words)), extra)
    if n > 9 and rng.random() < 0.5:
        cut = rng.randint(3, n - 3)
        words[cut] = words[cut] + ","
        if rng.random() < 0.5:
            words.insert(cut + 1, rng.choice(CONNECTORS))
    s = " ".join(words)
    return s[0].upper() + s[1:] + rng.choice([".", ".", ".", ".", "?"] if rng.random() < 0.1 else ["."])


def count_words(text):
    return len(text.split())


def title_for(seed, i):
    """Title and slug of article i, derivable from (seed, i) alone so that other
    articles can link to it without generating it."""
    rng = random.Random(f"{seed}:title:{i}")
    w = words_of(rng, rng.randint(3, 6))
    # make sure titles carry Norwegian letters
    if not any(c in "æøåÆØÅ" for c in "".join(w)):
        w.append(rng.choice(["på Østlandet", "i Tromsø", "for bøndene", "i år", "i Bodø",
                             "på Sørlandet", "for små bedrifter", "i nærmiljøet"]))
    title = " ".join(w)
    title = title[0].upper() + title[1:]
    slug = f"{ascii_slug(' '.join(w[:3]))}-{i:06d}"
    return title, slug


def date_for(rng):
    # uniform over 2015-01-01 .. 2024-12-31
    year = rng.randint(2015, 2024)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    hour = rng.randint(6, 22)
    minute = rng.choice([0, 0, 15, 30, 45])
    offset = "+02:00" if 4 <= month <= 9 else "+01:00"
    return year, month, day, f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00{offset}"


def person(rng):
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def article(seed, i, n, all_parts=False):
    rng = random.Random(f"{seed}:article:{i}")
    title, slug = title_for(seed, i)
    year, month, day, date = date_for(rng)
    lead = sentence(rng, 12, 22) + " " + sentence(rng, 8, 14)
    tags = rng.sample(TAGS, rng.randint(2, 4))
    bg = rng.sample(BACKGROUND, 2)

    fm = ["+++",
          f"title = {toml_str(title)}",
          f"date = {date}",
          f"lead = {toml_str(lead)}",
          f"tags = {toml_list(tags)}",
          f"background = {toml_list([b[0] for b in bg])}",
          ""]
    # The other explainer parts come from a random stream of their own, so the
    # rest of the article is the same with or without them.
    parts_rng = random.Random(f"{seed}:parts:{i}")
    live = parts_rng.random() < 0.05
    if all_parts:
        fm[-1:] = plain_parts(parts_rng, date, live) + [""]
    # timeline: 4-6 events in the months before the article, in order
    events = []
    for _ in range(rng.randint(4, 6)):
        back = rng.randint(0, 720)
        events.append(back)
    events.sort(reverse=True)
    import datetime as _dt
    base = _dt.date(year, month, day)
    for back in events:
        d = base - _dt.timedelta(days=back)
        fm += ["[[timeline]]",
               f'date = "{d.isoformat()}"',
               f"title = {toml_str(sentence(rng, 4, 8)[:-1])}",
               f"text = {toml_str(sentence(rng, 8, 16))}",
               ""]
    speaker = person(rng)
    role = rng.choice(ROLES)
    org = rng.choice(ORGS)
    quote_text = sentence(rng, 10, 20)
    fm += ["[[quotes]]",
           f"text = {toml_str(quote_text)}",
           f"speaker = {toml_str(speaker)}",
           f"role = {toml_str(role)}",
           f"organisation = {toml_str(org)}",
           f"source = {toml_str(rng.choice(PUBLISHERS))}",
           ""]
    for _ in range(2):
        pub = rng.choice(PUBLISHERS)
        fm += ["[[sources]]",
               f"title = {toml_str(rng.choice(SOURCE_KINDS) + ' ' + pub + ': ' + sentence(rng, 4, 8)[:-1].lower())}",
               f"publisher = {toml_str(pub)}",
               ""]
    if all_parts:
        fm += table_parts(parts_rng, date, live)
    fm[-1] = "+++"

    # ---- body ----
    # the loop below overshoots by up to one paragraph (~70 words): aim low
    target = rng.randint(600, 820)
    n_sections = rng.randint(3, 5)
    headings = rng.sample(HEADINGS, n_sections)
    # links: 3-6, mix of site paths and example.org
    n_links = rng.randint(3, 6)
    links = []
    for k in range(n_links):
        if n > 1 and (k % 2 == 0 or rng.random() < 0.3):
            j = rng.randrange(n - 1)
            if j >= i:
                j += 1
            links.append((title_for(seed, j)[0].lower(), f"/{title_for(seed, j)[1]}/"))
        else:
            links.append((" ".join(rng.choice(WORDS) for _ in range(3)),
                          f"https://example.org/{ascii_slug(rng.choice(WORDS))}/{rng.randint(1, 99999)}"))
    # alias mentions: every alias of the article's background entries once,
    # plus an alias of one unrelated entry (forklar links only the article's own)
    mentions = [a for b in bg for a in b[2]] + [rng.choice(rng.choice(BACKGROUND)[2])]
    rng.shuffle(mentions)

    # fixed blocks, placed into sections
    list_block = "\n".join(f"- {sentence(rng, 3, 9)}" for _ in range(rng.randint(3, 5)))
    table_rows = ["| År | Beløp (mrd. kr) | Endring |", "| --- | ---: | ---: |"]
    y0 = rng.randint(2010, 2019)
    for r in range(rng.randint(3, 5)):
        table_rows.append(f"| {y0 + r} | {rng.randint(10, 900)},{rng.randint(0, 9)} | "
                          f"{rng.choice(['+', '−'])}{rng.randint(0, 30)},{rng.randint(0, 9)} % |")
    table_block = "\n".join(table_rows)
    bq_speaker = person(rng)
    quote_block = (f"> «{sentence(rng, 10, 18)}»\n>\n"
                   f"> — {bq_speaker}, {rng.choice(ROLES)} ved {rng.choice(ORGS)}")
    blocks = [list_block, table_block, quote_block]

    # paragraphs: plan roughly target words over intro + sections
    paragraphs = []  # list of (section_index or -1, text)
    words_so_far = (count_words(list_block) + count_words(table_block)
                    + count_words(quote_block) + sum(count_words(h) for h in headings))
    link_iter = iter(links)
    mention_iter = iter(mentions)
    sec = -1
    para_count = 0
    while words_so_far < target:
        sents = []
        for _ in range(rng.randint(2, 5)):
            extra = None
            r = rng.random()
            if r < 0.35:
                m = next(mention_iter, None)
                if m:
                    extra = m
            elif r < 0.7:
                ln = next(link_iter, None)
                if ln:
                    extra = f"[{ln[0]}]({ln[1]})"
            sents.append(sentence(rng, extra=extra))
        text = " ".join(sents)
        words_so_far += count_words(text)
        paragraphs.append((sec, text))
        para_count += 1
        # advance section every few paragraphs
        if sec < n_sections - 1 and (para_count >= 2 and rng.random() < 0.5):
            sec += 1
            para_count = 0
    # leftovers (links/mentions not yet used) go into a final paragraph
    rest_links = [f"[{t}]({u})" for t, u in link_iter]
    rest_mentions = list(mention_iter)
    extras = rest_links + rest_mentions
    if extras:
        paragraphs.append((n_sections - 1, " ".join(sentence(rng, 5, 9, extra=e) for e in extras)))

    # assemble: intro paragraphs (sec -1), then each section with its paragraphs,
    # with the list/table/quote blocks spread over the sections
    block_at = {}
    for k, b in enumerate(blocks):
        block_at.setdefault(k % n_sections, []).append(b)
    out = []
    for s in range(-1, n_sections):
        if s >= 0:
            out.append(f"## {headings[s]}")
        ps = [p for sec_i, p in paragraphs if sec_i == s]
        if s >= 0 and not ps:
            ps = [sentence(rng) + " " + sentence(rng)]
        bl = block_at.get(s, [])
        # a block after the first paragraph of the section
        if ps:
            out.append(ps[0])
        out.extend(bl)
        out.extend(ps[1:])
    body = "\n\n".join(out) + "\n"
    return slug, "\n".join(fm) + "\n\n" + body


def plain_parts(rng, date, live):
    """«Kort fortalt», «Dette vet vi» and «Dette vet vi ikke»; on one article in
    twenty, a live blog that has ended (`live`)."""
    fm = [f"summary = {toml_list([sentence(rng, 8, 14) for _ in range(rng.randint(3, 4))])}",
          f"known = {toml_list([sentence(rng, 6, 12) for _ in range(rng.randint(2, 4))])}",
          f"unknown = {toml_list([sentence(rng, 6, 12) for _ in range(rng.randint(1, 3))])}",
          f"known_as_of = {date}"]
    if live:
        fm += ["live = true", f"live_until = {date[:11]}23:00:00{date[19:]}"]
    return fm


def table_parts(rng, date, live):
    """Key figures, questions and answers, on one article in ten a correction,
    and the updates of a live article."""
    fm = []
    for _ in range(rng.randint(2, 4)):
        fm += ["[[key_figures]]",
               f"number = {rng.randint(2, 99999)}",
               f"label = {toml_str(sentence(rng, 3, 7)[:-1].lower())}",
               f"as_of = {date[:10]}",
               f"source = {toml_str(rng.choice(PUBLISHERS))}",
               ""]
    for _ in range(rng.randint(2, 3)):
        fm += ["[[questions]]",
               f"question = {toml_str(sentence(rng, 4, 8)[:-1] + '?')}",
               f"answer = {toml_str(sentence(rng, 12, 24) + ' ' + sentence(rng, 8, 16))}",
               ""]
    if rng.random() < 0.1:
        fm += ["[[corrections]]",
               f"date = {date[:10]}",
               f"text = {toml_str(sentence(rng, 10, 18))}",
               ""]
    if live:
        # three updates within the hour
        hour, offset = date[11:13], date[19:]
        for minute in (5, 20, 40):
            fm += ["[[updates]]",
                   f"time = {date[:11]}{hour}:{minute:02d}:00{offset}",
                   f"text = {toml_str(sentence(rng, 10, 20))}",
                   ""]
    return fm


def background_entry(seed, key, title, aliases):
    rng = random.Random(f"{seed}:background:{key}")
    summary = f"{title} " + sentence(rng, 8, 14)[0].lower() + sentence(rng, 8, 14)[1:] + " " + sentence(rng, 8, 14)
    fm = ["+++",
          f"title = {toml_str(title)}",
          f"aliases = {toml_list(aliases)}",
          f"summary = {toml_str(summary)}",
          ""]
    labels = ["Grunnlagt", "Hovedkontor", "Ansatte", "Leder", "Budsjett", "Lovgrunnlag"]
    for label in rng.sample(labels, rng.randint(2, 4)):
        if label == "Grunnlagt":
            value = str(rng.randint(1814, 2015))
        elif label == "Ansatte":
            value = f"om lag {rng.randint(50, 20000)}"
        elif label == "Leder":
            value = person(rng)
        elif label == "Budsjett":
            value = f"{rng.randint(1, 90)} mrd. kr"
        else:
            value = rng.choice(["Oslo", "Tromsø", "Stavanger", "Bergen", "Trondheim", "Brussel"]) \
                if label == "Hovedkontor" else sentence(rng, 3, 5)[:-1]
        fm += ["[[facts]]", f"label = {toml_str(label)}", f"value = {toml_str(value)}", ""]
    fm[-1] = "+++"
    body = "\n\n".join(" ".join(sentence(rng) for _ in range(rng.randint(3, 5)))
                       for _ in range(rng.randint(2, 4)))
    return "\n".join(fm) + "\n\n" + body + "\n"


SITE_TOML = """title = "Forklart benk"
description = "Generert testnettsted for ytelsesmåling av forklar og Hugo – æøå"
base_url = "https://bench.example.org/"
language = "nb"
"""

HUGO_TOML = """baseURL = "https://bench.example.org/"
title = "Forklart benk"
languageCode = "nb"
defaultContentLanguage = "nb"
enableRobotsTXT = true
# forklar makes no redirect pages from `aliases` (they are alias words of a
# background entry), so Hugo must not either
disableAliases = true
# forklar has one feed of the 20 newest articles
rssLimit = 20
disableKinds = []

[params]
description = "Generert testnettsted for ytelsesmåling av forklar og Hugo – æøå"

[taxonomies]
tag = "tags"

[outputs]
home = ["html", "rss"]
section = ["html"]
taxonomy = ["html"]
term = ["html"]

[markup.goldmark.renderer]
# forklar keeps raw HTML: writers are trusted
unsafe = true

[markup.goldmark.extensions]
typographer = true
table = true
footnote = true
strikethrough = true
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def copy_hugo_files(root):
    """Copies bench/hugo/ (layouts/, assets/) into the site."""
    for dirpath, _, files in os.walk(HUGO_TEMPLATE_DIR):
        rel = os.path.relpath(dirpath, HUGO_TEMPLATE_DIR)
        for name in files:
            src = os.path.join(dirpath, name)
            dst = os.path.join(root, rel, name)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(src, dst)


def write_article(job):
    """Writes article i; returns its number of body words."""
    seed, i, n, root, all_parts = job
    slug, text = article(seed, i, n, all_parts)
    write(os.path.join(root, "content", f"{slug}.md"), text)
    return count_words(text.split("\n+++\n", 1)[1])


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("dir", help="site folder to write")
    ap.add_argument("--seed", default="1", help="random seed (default 1)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="processes writing articles (default: one a core)")
    ap.add_argument("--all-parts", action="store_true",
                    help="every explainer part: also a summary, known and unknown, key "
                         "figures, questions, corrections and (one in twenty) ended live updates")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    root = args.dir
    for sub in ("content", "layouts", "assets"):
        shutil.rmtree(os.path.join(root, sub), ignore_errors=True)
    os.makedirs(root, exist_ok=True)
    write(os.path.join(root, "site.toml"), SITE_TOML)
    write(os.path.join(root, "hugo.toml"), HUGO_TOML)
    copy_hugo_files(root)
    for key, title, aliases in BACKGROUND:
        write(os.path.join(root, "content", "background", f"{key}.md"),
              background_entry(args.seed, key, title, aliases))
    # Each article depends only on (seed, i, n), so workers can write them in
    # any order and the files are the same; 100,000 articles take minutes alone.
    jobs = [(args.seed, i, args.n, root, args.all_parts) for i in range(args.n)]
    if args.jobs > 1 and args.n >= 1000:
        with multiprocessing.Pool(args.jobs) as pool:
            total_words = sum(pool.imap_unordered(write_article, jobs, chunksize=250))
    else:
        total_words = sum(map(write_article, jobs))
    print(f"wrote {args.n} articles ({total_words} body words, "
          f"{total_words // args.n} per article on average) and {len(BACKGROUND)} "
          f"background entries to {root}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
