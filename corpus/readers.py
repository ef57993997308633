"""Turn text and HTML into plain lines; the segmenter never sees a file format (PDF: corpus.pdf).

Each reader returns `Line`s: the text of one line and, where the source marks it, its heading level
(HTML <h1>..<h6>), so the segmenter can trust real headings more than numbered prose.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .hygiene import clean_line, normalise, untable


class ReadError(Exception):
    """A file that cannot be turned into text; the message is one line for the user."""


class NotAMeeting(ReadError):
    """A well-formed file of a known kind that holds no meeting (a meeting list, an attachment)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"not a meeting: {what}")


@dataclass(frozen=True)
class Line:
    text: str
    heading: int = 0
    page: int | None = None  # the PDF page (1-based) the line stands on
    number: int | None = None  # its line number (1-based) in a text file


def decode_text(data: bytes, html: bool = False) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; refuse binary data."""
    if not data.strip():
        raise ReadError("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise ReadError("binary data, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        declared = _declared_charset(data) if html else None
        try:
            text = data.decode(declared or "cp1252")
        except (UnicodeDecodeError, LookupError):
            text = data.decode("latin-1")
    control = len(_CONTROL.findall(text, 0, 8192))
    if control > 0.02 * min(len(text), 8192):
        raise ReadError("binary data, not text")
    return text


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _declared_charset(data: bytes) -> str | None:
    match = re.search(rb"charset=['\"]?([A-Za-z0-9_-]+)", data[:4096])
    return match.group(1).decode("ascii") if match else None


def text_lines(text: str) -> list[Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = normalise(text)  # once for the whole text: most have nothing to rewrite
    return [Line(untable(line) if "|" in line else line, number=n) for n, line in enumerate(text.split("\n"), start=1)]


_DROP_TAGS = ("script", "style", "nav", "footer", "header", "noscript", "form", "button", "aside", "iframe", "svg")
_BLOCK_TAGS = ("p", "div", "li", "tr", "section", "article", "main", "br", "dd", "dt", "blockquote", "pre",
               "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6")
_BANNER = re.compile(r"cookie|consent|banner|breadcrumb|skip-?link|menu|navbar", re.I)


def html_lines(markup: str) -> list[Line]:
    """Visible text of the page body, one line per block, headings marked with their level."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is None:
            continue
        marks = " ".join(v for name in ("class", "id", "role") for v in tag.get_attribute_list(name) if v)
        if _BANNER.search(marks) and tag.name not in ("body", "main", "html"):
            tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    lines: list[Line] = []
    for block in _blocks(root):
        lines.append(block)
    return lines


def _blocks(root) -> list[Line]:
    """Walk the tree; text inside one block element becomes one line (cells joined by tabs)."""
    from bs4 import NavigableString, Tag

    out: list[Line] = []
    buffer: list[str] = []

    def flush() -> None:
        text = " ".join(clean_line("".join(buffer)).split())
        if text:
            out.append(Line(text))
        buffer.clear()

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if child.__class__.__name__ in ("Comment", "Doctype", "ProcessingInstruction", "Declaration"):
                    continue
                buffer.append(str(child))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if re.fullmatch(r"h[1-6]", name):
                    flush()
                    text = " ".join(clean_line(child.get_text(" ")).split())
                    if text:
                        out.append(Line(text, heading=int(name[1])))
                    out.append(Line(""))
                elif name in ("td", "th"):
                    buffer.append(child.get_text(" ") + "\t")
                elif name == "br":
                    flush()
                elif name in _BLOCK_TAGS:
                    flush()
                    walk(child)
                    flush()
                    if name in ("p", "table", "ul", "ol", "section", "div"):
                        out.append(Line(""))
                else:
                    walk(child)

    walk(root)
    flush()
    return out


_NO_JOIN_NEXT = {"og", "eller", "samt", "til", "som", "men"}
_BROKEN_END = re.compile(r"[a-zæøå]-$")
_LOWER_START = re.compile(r"[a-zæøå]")


def join_hyphenated(lines: list[Line]) -> list[Line]:
    """Rejoin words broken across line ends (`behand-` / `lingen`), but keep `sundheds- og`.

    The rest of the broken word is pulled up onto the first line, so line structure stays intact.
    """
    texts: list[str | None] = [line.text for line in lines]
    for i in range(len(texts) - 1):
        text, following = texts[i], texts[i + 1]
        if text is None or following is None:
            continue
        nxt = following.lstrip()
        if not _BROKEN_END.search(text) or not _LOWER_START.match(nxt):
            continue
        head, _, rest = nxt.partition(" ")
        if head in _NO_JOIN_NEXT:
            continue
        texts[i] = text[:-1] + head
        texts[i + 1] = rest or None
    return [line if text == line.text else replace(line, text=text)
            for text, line in zip(texts, lines, strict=True) if text is not None]
