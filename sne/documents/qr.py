"""Draw a QR code as vector squares on a reportlab canvas (sharp at any scan resolution)."""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_Q
from reportlab.pdfgen.canvas import Canvas

#: Quiet zone around the code, in modules (the QR standard asks for 4).
QUIET_ZONE = 4

#: Fixed data mask. Choosing the best of the 8 masks is 80 % of qrcode's time (about 5 ms a
#: code); any mask is valid for decoders, and the round-trip tests scan every document.
MASK_PATTERN = 2


def qr_matrix(text: str) -> list[list[bool]]:
    """Return the module matrix of ``text`` (error correction Q, no quiet zone)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=0, mask_pattern=MASK_PATTERN)
    code.add_data(text, optimize=0)  # one alphanumeric segment: our payloads are built for it
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    return matrix


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> float:
    """Draw ``text`` as a QR code whose modules fill ``size`` points from (x, y) bottom-left.

    The quiet zone is painted white around it, outside the square. Returns the
    width of one module in points.
    """
    matrix = qr_matrix(text)
    count = len(matrix)
    module = size / count
    quiet = QUIET_ZONE * module
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x - quiet, y - quiet, size + 2 * quiet, size + 2 * quiet, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    # In module units with y downwards from the top-left corner, every rectangle has integer
    # coordinates: written directly as PDF operators, one per horizontal run of dark modules,
    # which is several times faster than reportlab's path objects. Rows are 1.04 modules high
    # so that anti-aliased rasterisers leave no light seam between them.
    canvas.transform(module, 0, 0, -module, x, y + size)
    operators = []
    for row_index, row in enumerate(matrix):
        start = -1
        for column, dark in enumerate([*row, False]):
            if dark and start < 0:
                start = column
            elif not dark and start >= 0:
                operators.append(f"{start} {row_index} {column - start} 1.04 re")
                start = -1
    operators.append("f")
    canvas.addLiteral("\n".join(operators))
    canvas.restoreState()
    return module
