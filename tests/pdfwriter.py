"""A minimal PDF writer for test documents: Helvetica text pages, optional running header and footer.

Tests write their own PDFs with it, so no PDF in the test suite is copied from elsewhere.
"""
from __future__ import annotations


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(pages: list[list[str]], header: str | None = None, footer: bool = True) -> bytes:
    """One list of lines per page; `header` repeats on every page, `Side N af M` closes each page."""
    objects: list[bytes] = []
    font_id = 3
    page_ids = []
    next_id = 4
    page_objects: list[tuple[int, bytes]] = []
    for n, lines in enumerate(pages, start=1):
        shown = ([header, ""] if header else []) + list(lines)
        ops = [b"BT /F1 11 Tf 14 TL 50 800 Td"]
        for line in shown:
            ops.append(b"(" + _escape(line) + b") Tj T*")
        ops.append(b"ET")
        if footer:
            ops.append(b"BT /F1 9 Tf 270 30 Td (" + _escape(f"Side {n} af {len(pages)}") + b") Tj ET")
        stream = b"\n".join(ops)
        content_id, page_id = next_id, next_id + 1
        next_id += 2
        page_objects.append((content_id, b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"))
        page_objects.append((page_id, (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
            b"/Contents %d 0 R >>" % (font_id, content_id)
        )))
        page_ids.append(page_id)
    objects = [
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % p for p in page_ids) + b"] /Count %d >>" % len(page_ids)),
        (3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
    ] + page_objects
    objects.sort()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for obj_id, body in objects:
        offsets[obj_id] = len(out)
        out += b"%d 0 obj\n" % obj_id + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for obj_id, _ in objects:
        out += b"%010d 00000 n \n" % offsets[obj_id]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
