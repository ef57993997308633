"""The three readers give the segmenter the same items; encodings, HTML chrome and PDF page furniture."""
from textwrap import dedent

import pytest

import corpus
from corpus.readers import ReadError, decode_text
from tests.conftest import SAMPLE, write
from tests.pdfwriter import make_pdf

MINUTES = dedent("""\
    Referat Faglig Strategisk Gruppe Horsens-klyngen
    Mødedato: 14. marts 2024 kl. 13.00

    1. Godkendelse af dagsorden

    Beslutning
    Godkendt.

    2. Rekruttering af sygeplejersker på tværs af sektorer (kl. 13.05-13.30)

    Indstilling
    At gruppen drøfter rekruttering.

    Beslutning
    Arbejdsgruppe nedsættes.

    3. Eventuelt

    Referat
    Intet.
    """)
EXPECTED = [("1", "Godkendelse af dagsorden"), ("2", "Rekruttering af sygeplejersker på tværs af sektorer"),
            ("3", "Eventuelt")]


def outline(m):
    return [(i.number, i.title) for i in m.items]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_text_encodings(tmp_path, encoding):
    m = corpus.read(write(tmp_path / "m.txt", MINUTES, encoding))
    assert outline(m) == EXPECTED
    assert m.cluster == "Horsens-klyngen" and m.date == "2024-03-14"
    assert "Mødedato" not in m.items[0].body and "nedsættes" in m.items[1].body


def test_html_drops_chrome_and_uses_headings(tmp_path):
    html = dedent("""\
        <html><head><title>Referat</title><style>p{color:red}</style>
        <script>var x = "1. Ikke et punkt";</script></head><body>
        <nav><a href="/">Forside</a><a href="/moeder">2. Møder</a></nav>
        <div class="cookie-consent">Vi bruger cookies. Accepter</div>
        <main>
        <h1>Referat Faglig Strategisk Gruppe Horsens-klyngen</h1>
        <p>Mødedato: 14. marts 2024 kl. 13.00</p>
        <h2>1. Godkendelse af dagsorden</h2><h3>Beslutning</h3><p>Godkendt.</p>
        <h2>2. Rekruttering af sygeplejersker på tværs af sektorer (kl. 13.05-13.30)</h2>
        <h3>Indstilling</h3><p>At gruppen drøfter rekruttering.</p>
        <table><tr><td>Kommune</td><td>Stillinger</td></tr><tr><td>Horsens</td><td>12</td></tr></table>
        <h3>Beslutning</h3><p>Arbejdsgruppe nedsættes.</p>
        <h2>3. Eventuelt</h2><h3>Referat</h3><p>Intet.</p>
        </main><footer>Region Midtjylland · Skottenborg 26</footer></body></html>
        """)
    m = corpus.read(write(tmp_path / "m.html", html))
    assert outline(m) == EXPECTED
    text = " ".join(i.body for i in m.items)
    assert "cookies" not in text and "Skottenborg" not in text and "Ikke et punkt" not in text
    assert "Horsens" in m.items[1].section_map()["indstilling"]


def test_html_without_headings_uses_the_text(tmp_path):
    body = "".join(f"<p>{line}</p>" for line in MINUTES.splitlines())
    m = corpus.read(write(tmp_path / "m.htm", f"<html><body>{body}</body></html>"))
    assert outline(m) == EXPECTED


def test_html_in_windows_1252_with_declared_charset(tmp_path):
    html = '<html><head><meta charset="windows-1252"></head><body><p>' + MINUTES.replace("\n", "</p><p>") + "</p></body></html>"
    m = corpus.read(write(tmp_path / "m.html", html, "cp1252"))
    assert outline(m) == EXPECTED


def test_pdf_headers_footers_and_hyphenation(tmp_path):
    lines = MINUTES.splitlines()
    page1 = lines[:12] + ["Gruppen drøfter rekruttering af sygeplejersker og social- og sundheds-",
                          "assistenter i hjemmeplejen."]
    pdf = make_pdf([page1, lines[12:]], header="Horsens-klyngen - Faglig Strategisk Gruppe")
    m = corpus.read(write_bytes(tmp_path / "m.pdf", pdf))
    assert outline(m) == EXPECTED
    text = " ".join(i.body for i in m.items)
    assert "Side 1 af 2" not in text and "Horsens-klyngen - Faglig" not in text
    assert "sundhedsassistenter" in text
    assert "social- og" in text


def test_sample_renditions_parse():
    for path in sorted(SAMPLE.iterdir()):
        m = corpus.read(path)
        assert len(m.items) >= 3 and m.cluster and m.date and not m.warnings, path


def test_ocr_damaged_text_still_segments(tmp_path):
    text = dedent("""\
         13. juni 2023

        Referat KLYNGESTYREGRUPPEM@DE MIDTKLYNGEN

        Tidspunkt: Den 7. juni 2023 kl. 08:30 - 11.30
        Mgdeleder: Mette Andreassen

        1. Velkomst og godkendelse af dagsorden (kl. 08:30-
        08:40)

        Indstilling
        e At Klyngestyregruppen godkender dagsordenen

        Referat
        Dagsorden blev godkendt.

        2. Sundhedsaftalen i hgring v. formandsskabet (10:35-10:45)

        Indstilling
        e At klyngestyregruppen orienterer hinanden om hgringen

        Beslutning:
        e Orienteringen blev taget til efterretning.
        12
         3. Orientering fra gvrige mgdefora (kl. 10:45-10:55)

        Referat
        Ingen bemaerkninger.
        """)
    m = corpus.read(write(tmp_path / "ocr.txt", text))
    assert [(i.number, i.title) for i in m.items] == [
        ("1", "Velkomst og godkendelse af dagsorden"), ("2", "Sundhedsaftalen i hgring"),
        ("3", "Orientering fra gvrige mgdefora")]
    assert (m.cluster, m.forum, m.date) == ("Midtklyngen", "Klyngestyregruppe", "2023-06-07")


def write_bytes(path, data):
    path.write_bytes(data)
    return path


def test_decode_refuses_binary():
    with pytest.raises(ReadError, match="binary"):
        decode_text(bytes(range(256)) * 4)
    with pytest.raises(ReadError, match="empty"):
        decode_text(b"  \n ")
