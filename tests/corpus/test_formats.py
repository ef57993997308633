"""Each publisher format read from its own structure, on invented files written the way the systems write them."""
import json
from textwrap import dedent

import pytest
from click.testing import CliRunner

import corpus
from corpus.readers import ReadError
from search.cli import EXIT_FILES_FAILED, main
from tests.conftest import SAMPLE

GOOD = SAMPLE / "2024-03-14_horsens-klyngen_faglig-strategisk-gruppe.txt"


def outline(m):
    return [(i.number, i.title) for i in m.items]


def firstagenda_json() -> dict:
    def felt(html):
        return {"Navn": "", "Html": html, "Tekst": "", "Id": "x", "Link": None, "DocumentId": None}

    return {
        "Id": "4f1c",
        "TillaegsDagsorden": False,
        "Udvalg": {"Id": "u1", "Navn": "Ældre- og Sundhedsudvalget", "Historisk": False},
        "Moede": {"Dato": "2025-02-10T16:00:00+01:00", "Navn": "Referat", "Sted": "Mødelokale 2",
                  "Moededeltagere": [{"Name": "Karen Holm", "Absent": False}, {"Name": "Ib Lund", "Absent": True}]},
        "Dagsordenpunkter": [
            {"Punktnummer": "1", "Navn": "Godkendelse af dagsorden", "SagsNummer": "25-000101", "Bilag": [],
             "Felter": [felt("<div><h3>Beslutning</h3><span>Godkendt.</span></div>")]},
            {"Punktnummer": "2", "Navn": "Demensstrategi 2025-2028", "SagsNummer": "24-009876",
             "Bilag": [{"Navn": "Bilag 1. Udkast til demensstrategi", "Id": "b1"}],
             "Felter": [felt(dedent("""\
                 <div><h3>Beslutning</h3><span><div>Indstillingen blev godkendt.</div></span></div>
                 <h3>Fremstilling</h3><span class='ukendt'><h3>Sagsprocedure</h3><div>Udvalget.</div>
                 <h3>Indstilling</h3><div><em>Forvaltningen indstiller, at strategien godkendes.</em></div>
                 <h3>Sagsbeskrivelse</h3><div>Strategien samler indsatserne for borgere med demens.</div>
                 <h3>Økonomiske konsekvenser</h3><div>Ingen.</div></span>"""))]},
            {"Punktnummer": "3", "Navn": "Lukket: Personsag", "SagsNummer": "25-000555", "Bilag": [],
             "Felter": [felt("")]},
            {"Punktnummer": "4", "Navn": "Eventuelt", "SagsNummer": "25-000102", "Bilag": [],
             "Felter": [{"Navn": "Beslutning", "Html": "<p>Intet.</p>", "Tekst": ""},
                        {"Navn": "Indstilling", "Html": "", "Tekst": "At punktet drøftes."}]},
        ],
    }


def test_firstagenda_json(tmp_path):
    path = tmp_path / "moede.json"
    path.write_text(json.dumps(firstagenda_json(), ensure_ascii=False), "utf-8")
    m = corpus.read(path)
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Demensstrategi 2025-2028"), ("3", "Personsag"),
                          ("4", "Eventuelt")]
    assert m.items[3].section_map() == {"beslutning": "Intet.", "indstilling": "At punktet drøftes."}
    assert (m.body, m.date, m.kind, m.source_format) == ("Ældre- og Sundhedsudvalget", "2025-02-10", "referat",
                                                        "firstagenda-json")
    assert m.cluster is None and m.participants == ("Karen Holm",)
    item = m.items[1]
    assert item.case_numbers == ("24-009876",)
    assert tuple(a.name for a in item.attachments) == ("Udkast til demensstrategi",)
    sections = item.section_map()
    assert sections["beslutning"] == "Indstillingen blev godkendt."
    assert "strategien godkendes" in sections["indstilling"]
    assert "borgere med demens" in sections["sagsfremstilling"]
    assert "Sagsprocedure" in sections["tekst"] and "Sagsprocedure" not in sections["beslutning"]
    assert "Økonomiske konsekvenser" not in sections["sagsfremstilling"]
    assert item.outcome == "godkendt"
    assert m.items[2].closed and not m.items[1].closed


FIRSTAGENDA_PAGE = dedent("""\
    <!DOCTYPE html><html lang="da"><head><title>Ældre- og Sundhedsudvalget - Mødelokale 2</title>
    <script>window.keys = {"x": "1. Ikke et punkt"};</script></head><body>
    <input id="apiurl" type="hidden" value="http://publication.firstagenda.com">
    <div class="title"><h1 class="green dato">Referat 10. februar 2025 kl. 16.00</h1></div>
    <table><tr><td>Udvalg:</td><td>Ældre- og Sundhedsudvalget</td></tr>
    <tr><td>Mødedato:</td><td><span class="dato">mandag den 10. februar 2025 kl. 16.00</span></td></tr>
    <tr><td>Mødested:</td><td>Mødelokale 2</td></tr></table>
    <table><tr><th>Punkt</th><th>Titel</th></tr>
    <tr class="punktrow"><td><span class="label label-default">1</span></td><td>
      <button class="overskrift-btn"><h2 class="overskrift">Godkendelse af dagsorden</h2></button>
      <div class="details"><span class="sagsnummer">EMN-2025-000101</span><div class="punkt"><h3></h3>
      <div><h3>Beslutninger</h3><span class="resume"><div>Godkendt.</div></span></div></div></div></td>
      <td><ul class="dropdown-menu"><li><a>Hent som PDF</a></li></ul></td></tr>
    <tr class="punktrow"><td><span class="label label-default">2</span></td><td>
      <button class="overskrift-btn"><h2 class="overskrift">Plan for rehabilitering på tværs af sektorer med
        genoptræning i eget hjem</h2></button>
      <div class="details"><span class="sagsnummer">EMN-2024-004321</span><div class="punkt"><h3></h3>
      <div><h3>Beslutninger</h3><span class="resume"><div>Udvalget tog orienteringen til efterretning.</div></span>
      <h3>Resume</h3><span class="resume"><div>Planen beskriver forløb efter udskrivning.</div></span>
      <h3>Indstilling</h3><span class="resume"><div>Det indstilles, at orienteringen tages til efterretning.</div></span>
      </div></div>
      <h3>Bilag</h3><ul><li><span class="label pdf-label">PDF</span>
      <a class="bilag-link" href="/vis/pdf/bilag/1">Plan for rehabilitering 2025</a></li></ul></div></td></tr>
    </table><footer>powered by FirstAgenda Publication</footer></body></html>
    """)


def test_firstagenda_page(tmp_path):
    path = tmp_path / "referat.html"
    path.write_text(FIRSTAGENDA_PAGE, "utf-8")
    m = corpus.read(path)
    assert outline(m) == [("1", "Godkendelse af dagsorden"),
                          ("2", "Plan for rehabilitering på tværs af sektorer med genoptræning i eget hjem")]
    assert (m.body, m.date, m.kind, m.source_format) == ("Ældre- og Sundhedsudvalget", "2025-02-10", "referat",
                                                        "firstagenda-html")
    item = m.items[1]
    assert item.case_numbers == ("EMN-2024-004321",)
    assert tuple(a.name for a in item.attachments) == ("Plan for rehabilitering 2025",)
    sections = item.section_map()
    assert sections["beslutning"] == "Udvalget tog orienteringen til efterretning."
    assert "orienteringen tages til efterretning" in sections["indstilling"]
    assert "Hent som PDF" not in item.body and "Ikke et punkt" not in item.body


FRONT_PAGE = dedent("""\
    <!DOCTYPE html><html><head><title>Forside - dagsordener og referater</title></head><body>
    <input id="apiurl" type="hidden" value="http://publication.firstagenda.com">
    <h1>Dagsordener og referater</h1><ul class="list-group">
    <li class="list-group-item"><a href="/moede/1">Ældre- og Sundhedsudvalget 10. februar 2025</a></li>
    <li class="list-group-item"><a href="/moede/2">Byrådet 26. februar 2025</a></li></ul>
    <a href="https://firstagenda.com">powered by FirstAgenda Publication</a></body></html>
    """)


def test_bad_files_of_each_format_fail_alone(tmp_path):
    """Each a one-line message and exit 1; the good file is still parsed."""
    data = json.dumps(firstagenda_json(), ensure_ascii=False).encode()
    files = {
        "forside.html": (FRONT_PAGE.encode(), "not a meeting: a FirstAgenda page without agenda items"),
        "afkortet.json": (data[: len(data) // 2], "damaged or truncated FirstAgenda JSON"),
        "andet.json": (b'{"Dagsordenpunkter": "ingen"}', "not a meeting"),
        "katalog.xml": (b"<?xml version='1.0'?><catalog><book id='1'>Bog</book></catalog>",
                        "not a meeting: XML that is not a known agenda export (root element <catalog>)"),
        "knust.xml": (b"\x00\x01 ikke xml", "damaged XML"),
    }
    for name, (content, _) in files.items():
        (tmp_path / name).write_bytes(content)
    result = CliRunner().invoke(main, ["parse", "--json", *(str(tmp_path / n) for n in files), str(GOOD)],
                                catch_exceptions=False)
    assert result.exit_code == EXIT_FILES_FAILED
    for name, (_, message) in files.items():
        errors = [line for line in result.stderr.splitlines() if name in line]
        assert len(errors) == 1 and message in errors[0], (name, result.stderr)
    assert "Traceback" not in result.stderr
    assert [m["file"] for m in json.loads(result.stdout)] == [str(GOOD)]


def test_content_decides_over_a_missing_suffix(tmp_path):
    path = tmp_path / "dagsorden"
    path.write_text(json.dumps(firstagenda_json(), ensure_ascii=False), "utf-8")
    assert corpus.read(path).source_format == "firstagenda-json"
    (tmp_path / "noter.md").write_text("punktrow firstagenda.com", "utf-8")
    with pytest.raises(ReadError, match=r"unsupported file type \.md"):
        corpus.read(tmp_path / "noter.md")


EDOC = dedent("""\
    <?xml version="1.0"?>
    <Meeting>
      <Committee>Social- og Sundhedsudvalget</Committee>
      <MeetingDate>03-09-2024 15:00:00</MeetingDate>
      <MeetingState>Referat endeligt godkendt</MeetingState>
      <MeetingAgendaTypes><MeetingAgendaType><AgendaType>Åben dagsorden</AgendaType>
      <FullText>Social- og Sundhedsudvalget&#xC;Referat</FullText>
      <MeetingAgendaItems>
        <MeetingAgendaItem><AgendaItemNumber>2</AgendaItemNumber>
          <Document><Title>Akutpladser i kommunal regi</Title>
            <Attachments><Attachment><Title>Notat om akutpladser</Title></Attachment></Attachments></Document>
          <FullText>2.\tAkutpladser i kommunal regi&#xC;

    Sagsnr.: 2024-1234
    Dok.nr.: 2024-5678

    Sammendrag
    Kommunen driver fire akutpladser.&#x1;

    Sagsfremstilling
    Pladserne er belagt 80 % af tiden.

    Indstilling
    Centret indstiller, at orienteringen tages til efterretning.

    Social- og Sundhedsudvalgets beslutning den 03.09.2024 Punkt 2
    Taget til efterretning
    </FullText></MeetingAgendaItem>
        <MeetingAgendaItem><AgendaItemNumber>1</AgendaItemNumber>
          <Document><Title>Meddelelser</Title></Document>
          <FullText>1.\tMeddelelser

    Sagsnr.: 2024-0001

    Social- og Sundhedsudvalgets beslutning den 03.09.2024 Punkt 1
    Taget til efterretning
    </FullText></MeetingAgendaItem>
      </MeetingAgendaItems></MeetingAgendaType>
      <MeetingAgendaType><AgendaType>Lukket dagsorden</AgendaType><MeetingAgendaItems>
        <MeetingAgendaItem><AgendaItemNumber>3</AgendaItemNumber><Document><Title>Personalesag</Title></Document>
          <FullText>3.\tPersonalesag</FullText></MeetingAgendaItem>
      </MeetingAgendaItems></MeetingAgendaType></MeetingAgendaTypes>
    </Meeting>
    """)


def test_edoc_export_with_invalid_character_references(tmp_path):
    path = tmp_path / "eDocAgendaPublishing.xml"
    path.write_text(EDOC, "utf-8")
    m = corpus.read(path)
    assert outline(m) == [("1", "Meddelelser"), ("2", "Akutpladser i kommunal regi"), ("3", "Personalesag")]
    assert (m.body, m.date, m.kind, m.source_format) == ("Social- og Sundhedsudvalget", "2024-09-03", "referat",
                                                        "edoc-xml")
    item = m.items[1]
    assert item.case_numbers == ("2024-1234",) and tuple(a.name for a in item.attachments) == ("Notat om akutpladser",)
    sections = item.section_map()
    assert sections["sagsfremstilling"] == "Pladserne er belagt 80 % af tiden."
    assert sections["beslutning"] == "Taget til efterretning" and item.outcome == "taget til efterretning"
    assert "fire akutpladser" in sections["resume"]
    assert [i.closed for i in m.items] == [False, False, True]


SBSYS = dedent("""\
    <?xml version="1.0" encoding="utf-8"?><Publication><Agendas><Agenda ID="MDR-1">
    <Meeting><Members><MeetingMember><Name>Bo Berg</Name></MeetingMember></Members>
    <When>12-03-2025 09:00:00</When></Meeting><Name>Styregruppe for sundhedsdata 12-03-2025</Name>
    <Committee ID="C1"><Name>Styregruppe for sundhedsdata</Name></Committee><Items>
    <Item><Caption>Sager til beslutning</Caption><IsPublic>true</IsPublic><Number>1</Number>
      <Fields><ItemField><Caption>Sager til beslutning</Caption><Content><![CDATA[]]></Content></ItemField></Fields></Item>
    <Item><Caption>Fælles datagrundlag</Caption><IsPublic>true</IsPublic><Number>1.1</Number>
      <Fields><ItemField><Caption>Fælles datagrundlag</Caption>
      <Content><![CDATA[<p>Oplæg om datagrundlaget.</p>]]></Content></ItemField>
      <ItemField><Caption>Beslutning</Caption><Content><![CDATA[<p>Godkendt.</p>]]></Content></ItemField></Fields>
      <Enclosures><Enclosure><Name>Datamodel</Name></Enclosure></Enclosures></Item>
    <Item><Caption>Adgang til journaler</Caption><IsPublic>true</IsPublic><Number>1.2</Number><Fields/></Item>
    <Item><Caption>Eventuelt</Caption><IsPublic>true</IsPublic><Number>2</Number><Fields/></Item>
    <Item><Caption>Lukket referat</Caption><IsPublic>false</IsPublic><Number>0</Number><Fields/></Item>
    <Item><Caption>Åbent referat</Caption><IsPublic>true</IsPublic><Number>0</Number><Fields/></Item>
    </Items></Agenda></Agendas></Publication>
    """)

SBSYS_OLD = dedent("""\
    <?xml version="1.0" encoding="utf-8" standalone="yes"?>
    <Publication><PublicationTypeAsEnum><![CDATA[Final]]></PublicationTypeAsEnum><Agendas><Agenda ID="7">
    <Meeting ID="3"><Members><MeetingMember><Name><![CDATA[Ane Dam (A)]]></Name></MeetingMember></Members>
    <When><![CDATA[21-11-2012 17:00:00]]></When></Meeting><Name><![CDATA[Ældrerådet]]></Name>
    <Committee><Name><![CDATA[Ældrerådet]]></Name></Committee><Items>
    <Item ID="1"><Caption><![CDATA[Høring om madservice]]></Caption><Case ID="9"><Number><![CDATA[12/345]]></Number></Case>
    <IsPublic><![CDATA[True]]></IsPublic><Number><![CDATA[1]]></Number><Fields>
    <ItemField><Caption><![CDATA[Sagsfremstilling]]></Caption>
      <Content><![CDATA[<p>Madservice udbydes p&aring; ny.&nbsp;Pris &oslash;ges.</p>]]></Content></ItemField>
    <ItemField><Caption><![CDATA[Beslutning]]></Caption><Content><![CDATA[]]></Content></ItemField></Fields></Item>
    <Item ID="2"><Caption><![CDATA[Orientering]]></Caption><IsPublic><![CDATA[True]]></IsPublic>
    <Number><![CDATA[2]]></Number><Fields/></Item>
    </Items><Enclosures><Enclosure><Name><![CDATA[Udbudsmateriale]]></Name><ItemNumber><![CDATA[1]]></ItemNumber>
    </Enclosure></Enclosures></Agenda></Agendas></Publication>
    """)


def test_sbsys_two_level_numbering_and_minutes_markers(tmp_path):
    path = tmp_path / "Publication12.xml"
    path.write_text(SBSYS, "utf-8")
    m = corpus.read(path)
    assert outline(m) == [("1.1", "Fælles datagrundlag"), ("1.2", "Adgang til journaler"), ("2", "Eventuelt")]
    assert [i.group for i in m.items] == ["1. Sager til beslutning", "1. Sager til beslutning", None]
    assert (m.body, m.date, m.source_format) == ("Styregruppe for sundhedsdata", "2025-03-12", "sbsys-xml")
    assert m.kind == "referat"  # the published minutes are listed as `0 Åbent referat`
    assert m.items[0].section_map() == {"tekst": "Oplæg om datagrundlaget.", "beslutning": "Godkendt."}
    assert tuple(a.name for a in m.items[0].attachments) == ("Datamodel",)


def test_sbsys_older_schema_with_cdata_html(tmp_path):
    path = tmp_path / "Publication3.xml"
    path.write_text(SBSYS_OLD, "utf-8")
    m = corpus.read(path)
    assert outline(m) == [("1", "Høring om madservice"), ("2", "Orientering")]
    assert (m.body, m.date) == ("Ældrerådet", "2012-11-21")
    item = m.items[0]
    assert item.section_map() == {"sagsfremstilling": "Madservice udbydes på ny. Pris øges."}
    assert item.case_numbers == ("12/345",) and tuple(a.name for a in item.attachments) == ("Udbudsmateriale",)


ACADRE = dedent("""\
    <?xml version="1.0"?>
    <root><table name="agenda"><fields><field name="name">Referat</field></fields>
    <table name="committee"><fields><field name="name">Sundhedsudvalget</field></fields></table>
    <table name="meeting"><fields><field name="date">2024-05-06 14:00</field></fields></table>
    <table name="agendaitemparents"><fields><field name="agitemid">11</field><field name="sort">212</field></fields></table>
    <table name="agendaitemparents"><fields><field name="agitemid">12</field><field name="sort">213</field></fields></table>
    <table name="agendaitem"><fields><field name="sysid">11</field><field name="name">Forebyggelsespakker. Status</field>
      <field name="caseno">24/1111</field><field name="accessname">Åben</field></fields>
      <table name="bullet"><fields><field name="bulletname">Sagsfremstilling</field>
        <field name="bulletcontent">&lt;p&gt;Status på pakkerne.&lt;/p&gt;</field></fields></table>
      <table name="bullet"><fields><field name="bulletname">Beslutning i Sundhedsudvalget den 06-05-2024</field>
        <field name="bulletcontent">&lt;p&gt;Godkendt.&lt;/p&gt;</field></fields></table>
      <table name="enclosure"><fields><field name="name">Statusnotat</field></fields></table></table>
    <table name="agendaitem"><fields><field name="sysid">12</field><field name="name">Klage over afgørelse</field>
      <field name="caseno">24/2222</field><field name="accessname">Lukket</field></fields></table>
    </table></root>
    """)


def test_acadre_agenda_xml(tmp_path):
    path = tmp_path / "agenda.xml"
    path.write_text(ACADRE, "utf-8")
    m = corpus.read(path)
    assert outline(m) == [("212", "Forebyggelsespakker. Status"), ("213", "Klage over afgørelse")]
    assert (m.body, m.date, m.kind, m.source_format) == ("Sundhedsudvalget", "2024-05-06", "referat", "acadre-xml")
    item = m.items[0]
    assert item.section_map() == {"sagsfremstilling": "Status på pakkerne.", "beslutning": "Godkendt."}
    assert item.case_numbers == ("24/1111",) and tuple(a.name for a in item.attachments) == ("Statusnotat",)
    assert [i.closed for i in m.items] == [False, True]


def make_docx(path):
    import docx

    document = docx.Document()
    document.add_heading("Referat Sundhedsudvalget", level=1)
    document.add_paragraph("Mødedato: 7. oktober 2024 kl. 15.00")
    document.add_heading("1. Godkendelse af dagsorden", level=2)
    document.add_paragraph("Beslutning")
    document.add_paragraph("Godkendt.")
    document.add_heading("2. Hjemmesygepleje om natten", level=2)
    document.add_paragraph("Indstilling")
    document.add_paragraph("At udvalget drøfter nattedækningen.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Distrikt", "Besøg"
    table.cell(1, 0).text, table.cell(1, 1).text = "Nord", "412"
    document.add_paragraph("Beslutning")
    document.add_paragraph("Drøftet.")
    document.save(path)
    return path


def test_docx(tmp_path):
    m = corpus.read(make_docx(tmp_path / "referat.docx"))
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Hjemmesygepleje om natten")]
    assert m.date == "2024-10-07" and m.source_format == "docx"
    sections = m.items[1].section_map()
    assert "nattedækningen" in sections["indstilling"] and "Nord 412" in sections["indstilling"]
    assert sections["beslutning"] == "Drøftet."


def _edoc_item(anchor, number, title, facts, fields):
    body = "".join(f'<div class="xsltHeader">{caption}: </div><div class="{caption}">{text}</div>'
                   for caption, text in fields)
    cells = "".join(f'<td><div class="xsltSubTitle">{fact}</div></td>' for fact in facts)
    return (f'<table class="xsltTitleTableBegin"><tr><td><div class="xsltTitle"><a name="{anchor}"></a>{number}. '
            f'</div></td><td class="xsltTitleText"><div class="xsltTitle">{title}</div></td></tr></table>'
            f'<table class="xsltTitleTableEnd"><tr>{cells}</tr></table>{body}')


EDOC_PAGE = (
    '<html xmlns:edoc="http://www.fujitsu.dk/agenda/xml/schemas/2009/03/31/"><head>'
    "<title>Sundhedsudvalget - Dagsorden - 3. juni 2025 kl. 15:00</title></head><body>"
    '<div class="xsltPrint"><div class="xsltOuter">'
    '<div class="xsltAgendaTitle">Dagsorden Sundhedsudvalget</div>'
    '<div class="xsltDateAndLocation">3. juni 2025 kl. 15:00 Mødested: Mødelokale 4</div>'
    '<table class="xsltListOfContentBegin"><tr><td><span class="xsltContentHeader">1. </span></td>'
    '<td><span class="xsltContentHeader"><a href="#a1">Træningstilbud til ældre</a></span></td></tr>'
    '<tr><td><span class="xsltContentHeader">2. </span></td>'
    '<td><span class="xsltContentHeader"><a href="#a2">Personalesag</a></span></td></tr></table>'
    '<div class="xsltItemsHeader">Åbne sager</div>'
    + _edoc_item("a1", 1, "Træningstilbud til ældre", ["Sagsnr.: 2025-001122", "Sagsbehandler: Eva Ny", "Åben"],
                 [("Præsentation", "Et nyt tilbud om holdtræning."), ("Forvaltningen foreslår", "At tilbuddet godkendes."),
                  ("Sagsbeskrivelse", "Tilbuddet gives i tre lokalcentre."),
                  ("Bilag", '<a class="xsltAttachment" href="x">Kravspecifikation.pdf</a>')])
    + '<div class="xsltItemsHeader">Lukkede sager</div>'
    + _edoc_item("a2", 2, "Personalesag", ["Sagsnr.: 2025-003344", "Sagsbehandler: Eva Ny", "Lukket"], [])
    + "</div></div></body></html>"
)


def test_edoc_agenda_page(tmp_path):
    path = tmp_path / "dagsorden.html"
    path.write_text(EDOC_PAGE, "utf-8")
    m = corpus.read(path)
    assert outline(m) == [("1", "Træningstilbud til ældre"), ("2", "Personalesag")]
    assert (m.body, m.date, m.kind, m.source_format) == ("Sundhedsudvalget", "2025-06-03", "dagsorden", "edoc-html")
    item = m.items[0]
    assert item.case_numbers == ("2025-001122",) and tuple(a.name for a in item.attachments) == ("Kravspecifikation",)
    sections = item.section_map()
    assert sections["indstilling"] == "At tilbuddet godkendes."
    assert "tre lokalcentre" in sections["sagsfremstilling"]
    assert [i.closed for i in m.items] == [False, True]


def test_docx_automatic_numbering_is_printed(tmp_path):
    """Items numbered by Word's list numbering carry no number in their text; the reader puts it back."""
    import docx

    document = docx.Document()
    document.add_paragraph("Referat Ældrerådet")
    document.add_paragraph("Mødedato: 2. april 2025")
    document.add_paragraph("Godkendelse af dagsorden", style="List Number")
    document.add_paragraph("Beslutning")
    document.add_paragraph("Godkendt.")
    document.add_paragraph("Madservice", style="List Number")
    document.add_paragraph("Beslutning")
    document.add_paragraph("Rådet ønsker flere valgmuligheder:")
    document.add_paragraph("varm mad hver dag", style="List Bullet")
    document.add_paragraph("Eventuelt", style="List Number")
    document.add_paragraph("Beslutning")
    document.add_paragraph("Intet.")
    path = tmp_path / "aeldreraad.docx"
    document.save(path)
    m = corpus.read(path)
    assert outline(m) == [("1", "Godkendelse af dagsorden"), ("2", "Madservice"), ("3", "Eventuelt")]
    assert "varm mad hver dag" in m.items[1].section_map()["beslutning"]


def test_docx_that_is_another_zip(tmp_path):
    import zipfile

    path = tmp_path / "referat.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("noter.txt", "1. Godkendelse af dagsorden")
    with pytest.raises(ReadError, match=r"^not a Word document"):
        corpus.read(path)
