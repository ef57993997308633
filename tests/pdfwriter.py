"""A minimal PDF writer for test documents: Helvetica text pages, optional running header and footer.

Tests write their own PDFs with it, so no PDF in the test suite is copied from elsewhere. By default
every line, blank ones included, is a text line (`T*`); with `positioned=True` each line is placed on
its own like publishers' PDFs (blank lines are only vertical space), and a line given as
`Bold("...")` is set in Helvetica-Bold at `size`.
"""
from __future__ import annotations


class Bold(str):
    """A heading line, set in bold (positioned PDFs only)."""


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _page_ops(lines: list[str], positioned: bool) -> list[bytes]:
    if not positioned:
        ops = [b"BT /F1 11 Tf 14 TL 50 800 Td"]
        for line in lines:
            ops.append(b"(" + _escape(line) + b") Tj T*")
        ops.append(b"ET")
        return ops
    ops, y = [], 800.0
    for line in lines:
        if not line:
            y -= 9
            continue
        font, size = (b"/F2", 12) if isinstance(line, Bold) else (b"/F1", 10)
        ops.append(b"BT %s %d Tf 1 0 0 1 50 %.1f Tm (" % (font, size, y) + _escape(line) + b") Tj ET")
        y -= 13
    return ops


def make_pdf(pages: list[list[str]], header: str | None = None, footer: bool = True,
             positioned: bool = False) -> bytes:
    """One list of lines per page; `header` repeats on every page, `Side N af M` closes each page."""
    font_id = 3
    page_ids = []
    next_id = 5
    page_objects: list[tuple[int, bytes]] = []
    for n, lines in enumerate(pages, start=1):
        shown = ([header, ""] if header else []) + list(lines)
        ops = _page_ops(shown, positioned)
        if footer:
            ops.append(b"BT /F1 9 Tf 270 30 Td (" + _escape(f"Side {n} af {len(pages)}") + b") Tj ET")
        stream = b"\n".join(ops)
        content_id, page_id = next_id, next_id + 1
        next_id += 2
        page_objects.append((content_id, b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"))
        page_objects.append((page_id, (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R /F2 4 0 R >> >> "
            b"/Contents %d 0 R >>" % (font_id, content_id)
        )))
        page_ids.append(page_id)
    objects = [
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % p for p in page_ids) + b"] /Count %d >>" % len(page_ids)),
        (3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
        (4, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"),
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


def make_scanned_pdf(pages: list[list[str]], dpi: int = 150) -> bytes:
    """An image-only PDF (no text layer), as a scanner makes it: each page's lines drawn on an A4 image."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=dpi // 5)
    images = []
    for lines in pages:
        image = Image.new("L", (dpi * 827 // 100, dpi * 1169 // 100), 255)
        draw = ImageDraw.Draw(image)
        y = dpi
        for line in lines:
            draw.text((dpi, y), line, font=font, fill=0)
            y += dpi * 2 // 5
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()
