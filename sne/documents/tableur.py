"""Tables as the pages show them, and their exports: CSV (semicolons, UTF-8) and ODS (odfpy)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

Valeur = str | int | float | Decimal | None


@dataclass(frozen=True)
class Tableau:
    """A titled table: headings, rows of values, and the file name its exports take."""

    titre: str
    entetes: tuple[str, ...]
    lignes: tuple[tuple[Valeur, ...], ...]
    nom_fichier: str
    #: Rule or note printed under the table and kept in the exports' last row.
    note: str = ""


def texte(valeur: Valeur) -> str:
    """A value as French readers write it (decimal comma, empty for none)."""
    if valeur is None:
        return ""
    if isinstance(valeur, float | Decimal):
        return f"{valeur:.1f}".replace(".", ",")
    return str(valeur)


def en_csv(tableau: Tableau) -> bytes:
    """The table as CSV with semicolons and a BOM, as French spreadsheets open it."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(tableau.entetes)
    for ligne in tableau.lignes:
        ecrivain.writerow([texte(v) for v in ligne])
    if tableau.note:
        ecrivain.writerow([tableau.note])
    return ("\ufeff" + tampon.getvalue()).encode("utf-8")


def _cellule(valeur: Valeur) -> TableCell:
    if isinstance(valeur, int | float | Decimal) and not isinstance(valeur, bool):
        cellule = TableCell(valuetype="float", value=str(valeur))
    else:
        cellule = TableCell(valuetype="string")
    cellule.addElement(P(text=texte(valeur)))
    return cellule


def en_ods(tableau: Tableau) -> bytes:
    """The table as an OpenDocument spreadsheet: numbers stay numbers."""
    document = OpenDocumentSpreadsheet()
    feuille = Table(name=tableau.titre[:31].replace("/", "-"))
    lignes: list[tuple[Valeur, ...]] = [tableau.entetes, *tableau.lignes]
    if tableau.note:
        lignes.append((tableau.note,))
    for ligne in lignes:
        rangee = TableRow()
        for valeur in ligne:
            rangee.addElement(_cellule(valeur))
        feuille.addElement(rangee)
    document.spreadsheet.addElement(feuille)
    tampon = io.BytesIO()
    document.write(tampon)
    return tampon.getvalue()


#: Export formats: media type of each.
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def exporter(tableau: Tableau, format_: str) -> bytes:
    """The table in ``format_`` (``csv`` or ``ods``)."""
    return en_ods(tableau) if format_ == "ods" else en_csv(tableau)
