"""Deterministic synthetic minutes in the real layout, for benchmarks and crash tests.

Each file is one meeting in TXT with a header, participants and numbered items with Indstilling,
Sagsfremstilling and Beslutning sections. The vocabulary grows with the corpus, as real Danish does:
new compounds are glued from a base lexicon (with linking -s- and -e-) at a rate that follows Heaps'
law, so a bigger corpus has a bigger term dictionary, not just more copies of the same words.

With `attachment_pages`, each item lists one attachment (`Bilag:` `Bilag 1 - Notat <meeting>-<n>`) and
its PDF of that many pages lies beside the minutes; its text mixes the minutes' words with a vocabulary
of its own (ATTACHMENT_WORDS), so a query can find words that are only in attachments.
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Protocol

CLUSTERS = [
    ("Gødstrup-klyngen", ["Herning", "Holstebro", "Lemvig", "Struer"], "Regionshospitalet Gødstrup"),
    ("Midtklyngen", ["Silkeborg", "Skive", "Viborg"], "Hospitalsenhed Midt"),
    ("Horsens-klyngen", ["Horsens", "Hedensted", "Odder", "Skanderborg"], "Regionshospitalet Horsens"),
    ("Sundhedsklynge Midt", ["Aalborg", "Jammerbugt"], "Aalborg Universitetshospital"),
    ("Sundhedsklynge Nord", ["Hjørring", "Frederikshavn", "Brønderslev"], "Regionshospital Nordjylland"),
    ("Køge-klyngen", ["Køge", "Greve", "Roskilde", "Solrød"], "Sjællands Universitetshospital"),
    ("OUH's klynge", ["Odense", "Nyborg", "Svendborg", "Assens"], "Odense Universitetshospital"),
]
FORUMS = ["Klyngestyregruppe", "Faglig Strategisk Gruppe", "Faglig Operativ Gruppe Voksen Somatik",
          "Faglig Operativ Gruppe Børn og Unge", "Direktørforum"]
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december"]
HEADS = ["aftale", "plan", "forløb", "indsats", "team", "model", "strategi", "ordning", "samarbejde", "projekt",
         "pulje", "koordinering", "tilbud", "evaluering", "opfølgning", "implementering", "rapport", "analyse"]
MODIFIERS = ["sundhed", "genoptræning", "pleje", "hjem", "akut", "psykiatri", "læge", "børn", "unge", "ældre",
             "rehabilitering", "medicin", "kronik", "diabetes", "demens", "overvægt", "forebyggelse", "udskrivning",
             "indlæggelse", "kommune", "hospital", "praksis", "borger", "patient", "pårørende", "vagt", "tele",
             "video", "data", "kvalitet", "ledelse", "rekruttering", "uddannelse", "økonomi", "visitation",
             "sygepleje", "ernæring", "træning", "lunge", "hjerte", "kræft", "misbrug", "bolig", "social"]
LINKS = ["", "s", "e"]
WORDS = ("at gruppen drøfter status og giver input til det videre arbejde med fokus på sammenhæng for borgeren "
         "mellem kommuner hospital og almen praksis hvor erfaringerne viser at der er behov for en fælles indsats "
         "og bedre koordinering i overgangene samt opfølgning på data og økonomi i klyngen").split()
ATTACHMENT_WORDS = ("budgetramme anlægsudgift driftsbevilling tilskudsmodel lønsumsstigning aktivitetsbudget "
                    "takstberegning kapacitetsanalyse belægningsprocent ventetidsgaranti normeringsberegning "
                    "udgiftsprognose kvalitetsindikator benchmarkrapport risikovurdering").split()
PAGE_LINES = 40  # lines of about 8 words: an attachment page of some 320 words
OUTCOMES = ["Godkendt.", "Taget til efterretning.", "Drøftet; sagen genoptages på næste møde.",
            "Godkendt med de bemærkninger, der fremkom på mødet.", "Udsat.", "Tiltrådt."]


class Words(Protocol):
    """What attachment_pdf needs of a vocabulary (the benchmark gives it a fixed word)."""

    def word(self) -> str: ...


class Vocabulary:
    """Compounds appear as the corpus grows: about K * n^0.6 distinct ones after n draws."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words: list[str] = []
        self.draws = 0

    def word(self) -> str:
        self.draws += 1
        target = int(4 * self.draws ** 0.6) + 1
        if len(self.words) < target:
            a, b = self.rng.choice(MODIFIERS), self.rng.choice(MODIFIERS + HEADS)
            link = "" if a.endswith("e") else self.rng.choice(LINKS)
            self.words.append(a + link + b + self.rng.choice(["", "", "en", "et", "er"]))
        return self.rng.choice(self.words) if self.rng.random() < 0.8 else self.words[-1]


def _sentence(rng: random.Random, vocab: Vocabulary, n: int) -> str:
    words = [rng.choice(WORDS) if rng.random() < 0.7 else vocab.word() for _ in range(n)]
    return " ".join(words).capitalize() + "."


def attachment_name(tag: str, n: int) -> str:
    return f"Bilag 1 - Notat {tag}-{n}"


def attachment_pdf(rng: random.Random, vocab: Words, pages: int) -> bytes:
    from tests.pdfwriter import make_pdf

    def line() -> str:
        return " ".join(rng.choice(ATTACHMENT_WORDS) if rng.random() < 0.05 else
                        rng.choice(WORDS) if rng.random() < 0.7 else vocab.word() for _ in range(8))

    return make_pdf([[line() for _ in range(PAGE_LINES)] for _ in range(pages)])


def meeting_text(rng: random.Random, vocab: Vocabulary, items: int, tag: str = "",
                 attachments: bool = False) -> tuple[str, int]:
    cluster, towns, hospital = rng.choice(CLUSTERS)
    forum = rng.choice(FORUMS)
    year = rng.randint(2015, 2026)
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    lines = [f"Referat {forum} {cluster}", "", f"Mødedato: {day}. {MONTHS[month - 1]} {year} kl. 9.00-12.00",
             f"Sted: {hospital}", "", "Deltagere:"]
    lines += [f"{rng.choice(['Anne', 'Bo', 'Mette', 'Søren', 'Lise', 'Jens'])} "
              f"{rng.choice(['Holm', 'Dam', 'Krogh', 'Vinther'])}, direktør, {t} Kommune" for t in towns]
    lines += [f"Hospitalsdirektør, {hospital}", ""]
    hour = 9
    for n in range(1, items + 1):
        topic = vocab.word()
        title = f"{rng.choice(['Status på', 'Godkendelse af', 'Orientering om', 'Drøftelse af'])} {topic} i {cluster}"
        lines += [f"{n}. {title} (kl. {hour}.{(n * 5) % 60:02d}-{hour}.{(n * 5 + 5) % 60:02d})", "", "Indstilling",
                  _sentence(rng, vocab, 12), "", "Sagsfremstilling"]
        lines += [_sentence(rng, vocab, rng.randint(15, 30)) for _ in range(rng.randint(4, 9))]
        if attachments:
            lines += ["", "Bilag", attachment_name(tag, n)]
        lines += ["", "Beslutning", rng.choice(OUTCOMES) + " " + _sentence(rng, vocab, 10), ""]
    return "\n".join(lines) + "\n", items


def generate(folder: str | Path, items: int, seed: int = 7, per_file: int = 10,
             attachment_pages: int = 0) -> list[Path]:
    """Write meetings holding `items` agenda items in total into `folder` (files in subfolders of 500),
    with an attachment PDF of `attachment_pages` pages per item when that is set."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    folder = Path(folder)
    written: list[Path] = []
    made = 0
    while made < items:
        count = min(items - made, rng.randint(per_file - 3, per_file + 3))
        tag = f"m{len(written):06d}"
        text, count = meeting_text(rng, vocab, count, tag, bool(attachment_pages))
        path = folder / f"batch{len(written) // 500:03d}" / f"meeting{len(written):06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        for n in range(1, count + 1 if attachment_pages else 1):
            pdf = attachment_pdf(rng, vocab, attachment_pages)
            (path.parent / f"{attachment_name(tag, n)}.pdf").write_bytes(pdf)
        written.append(path)
        made += count
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--attachments", type=int, default=0, help="attachment PDF pages per item")
    args = parser.parse_args()
    files = generate(args.folder, args.items, args.seed, attachment_pages=args.attachments)
    print(f"wrote {len(files)} files with {args.items} items to {args.folder}")


if __name__ == "__main__":
    main()
