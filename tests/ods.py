"""Read an ODS spreadsheet back (odfpy) to check exported figures: rows of cell values."""

from __future__ import annotations

import io

from odf.namespaces import OFFICENS
from odf.opendocument import load
from odf.table import TableCell, TableRow


def lignes_ods(contenu: bytes) -> list[list[object]]:
    """Each row's values: floats for numeric cells, text otherwise."""
    document = load(io.BytesIO(contenu))
    lignes = []
    for rangee in document.spreadsheet.getElementsByType(TableRow):
        valeurs: list[object] = []
        for cellule in rangee.getElementsByType(TableCell):
            if cellule.getAttrNS(OFFICENS, "value-type") == "float":
                valeurs.append(float(cellule.getAttrNS(OFFICENS, "value")))
            else:
                valeurs.append(str(cellule))
        lignes.append(valeurs)
    return lignes
