"""The one entry point the workers call: a dossier's PDF in, its classified, size-checked pieces out.

``traiter_dossier`` reads each page once at about 150 dpi (or its text layer),
OCRs only what is needed to decide (the top third first, the whole page only
when the top third settles nothing; a page that reads like text upside down
is read again turned, and written turned), cuts the pages into pieces, classifies
each piece, brings it under 2 MB with the recompression ladder, writes it to
``out_dir`` and finally makes the dossier fit in 18 MB by pushing its largest
pieces further down the ladder. The dossier PDF is never modified.

``traiter_televersement`` does the same for one piece an applicant uploaded
(public portal): the upload checks of ``scanning.upload``, then classification.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from scanning import blank, classify, cut, ocr, upload
from scanning.compress import (
    ECHELLE,
    LIMITE_PIECE,
    Compression,
    Lisibilite,
    rang_etape,
    recompresser,
)
from scanning.errors import ScanError
from scanning.pages import BatchReader, format_de
from scanning.plan import type_piece

#: A recompressed page is unreadable when its heading score falls under this share of the original's.
PART_SCORE_MIN = 0.5
#: ... or its mean OCR confidence drops by more than this many points.
CHUTE_CONFIANCE_MAX = 20.0
#: A page read with at least this many words, all below this mean confidence, is tried upside down.
MOTS_ENVERS = 5
CONFIANCE_ENVERS = 50.0
#: First-page probability of a heading page of the same type as the page before it.
MEME_TYPE = 0.7
#: Pages OCR'd per tesseract run (its start-up, 0.1 s, is about 40 % of a top-third read).
LOT_OCR = 16


@dataclass(frozen=True)
class PieceTraitee:
    """One piece of a dossier: its pages, type, status, file and what was done to it."""

    rang: int  # 1-based
    pages: tuple[int, ...]  # 0-based indices in the dossier PDF
    type: str | None  # plan de classement code; a suggestion only when "a_qualifier"
    confiance: float
    statut: str  # "classee", "a_qualifier" or "rejetee"
    motif_rejet: str | None
    fichier: Path | None
    taille_originale: int
    taille: int
    traitement: tuple[str, ...]
    sensible: bool


@dataclass(frozen=True)
class DossierTraite:
    """A dossier cut into pieces, with its totals and French anomalies."""

    pdf: Path
    pieces: tuple[PieceTraitee, ...]
    pages: int
    taille_originale: int
    taille: int
    anomalies: tuple[str, ...]

    @property
    def a_qualifier(self) -> int:
        """Count the pieces a person must qualify."""
        return sum(1 for p in self.pieces if p.statut == "a_qualifier")

    @property
    def rejetees(self) -> int:
        """Count the rejected pieces."""
        return sum(1 for p in self.pieces if p.statut == "rejetee")


@dataclass(frozen=True)
class LecturePage:
    """What was learnt about one page: its best reading and first-page probability."""

    lecture: ocr.Lecture | None
    debut: float
    rotation: int = 0  # 180 when the page was scanned upside down


def lire_pages(pdf: Path) -> list[LecturePage]:
    """Read every page of ``pdf`` just enough to cut and classify it."""
    if format_de(pdf) != "pdf":
        raise ScanError("pas_un_pdf", "Le dossier doit être un fichier PDF.")
    with BatchReader(pdf) as verification:  # refuses a damaged or protected PDF in French
        if verification.page_count == 0:
            return []
    couches = ocr.couches_texte(pdf)
    resultat: list[LecturePage] = []
    with BatchReader(pdf) as reader:
        for debut in range(0, len(couches), LOT_OCR):
            images: list[tuple[int, Image.Image, float]] = []
            lot: dict[int, LecturePage] = {}
            for index in range(debut, min(debut + LOT_OCR, len(couches))):
                couche = couches[index]
                if couche is not None:
                    lot[index] = LecturePage(couche, classify.probabilite_debut(couche.texte))
                    continue
                lue = reader.page(index, dpi=ocr.OCR_DPI)
                if lue.image is None:
                    lot[index] = LecturePage(None, classify.probabilite_debut(None))
                elif blank.mesurer(lue.image).blanche:
                    lot[index] = LecturePage(None, classify.probabilite_debut(None, blanche=True))
                else:
                    images.append((index, lue.image, lue.dpi))
            lot.update(lire_images(images))
            resultat.extend(lot[index] for index in sorted(lot))
    return _meme_type_que_la_precedente(resultat)


def _meme_type_que_la_precedente(lectures: list[LecturePage]) -> list[LecturePage]:
    """Make a heading page of the same type as the page before less sure to start a piece.

    Three payslips in a row are three pieces, but a continuation page whose running
    header repeats the title ("Livret de famille — Enfants") and whose "Page 2/2" was
    not read looks the same; lowered to ``MEME_TYPE``, such a page still starts a
    piece without a declared count, and is the first merged when the count asks.
    """
    resultat = list(lectures)
    precedent: str | None = None
    for index, lue in enumerate(lectures):
        if lue.lecture is None:
            continue
        code = classify.classer(lue.lecture.texte).type
        if index and code is not None and code == precedent and lue.debut > MEME_TYPE:
            resultat[index] = LecturePage(lue.lecture, MEME_TYPE, lue.rotation)
        precedent = code
    return resultat


def lire_image(image: Image.Image, dpi: float) -> LecturePage:
    """OCR one page just enough to decide (see ``lire_images``)."""
    if blank.mesurer(image).blanche:
        return LecturePage(None, classify.probabilite_debut(None, blanche=True))
    return lire_images([(0, image, dpi)])[0]


def _decide(lecture: ocr.Lecture) -> bool:
    """Tell whether a top-of-page reading settles the page (a continuation, or a heading)."""
    return classify.est_suite(lecture.texte) or classify.classer(lecture.texte).statut == "classee"


def lire_images(pages: list[tuple[int, Image.Image, float]]) -> dict[int, LecturePage]:
    """OCR non-blank pages in as few tesseract runs as possible, reading only what decides.

    First the top third of every page; pages whose words are many but all doubtful
    have their top third read again turned by 180°; the whole page is read only for
    pages still undecided (and turned when it too reads like text upside down).
    """
    hauts = ocr.lire_hauts([(image, dpi) for _, image, dpi in pages])
    rotation = {index: 0 for index, _, _ in pages}
    lues = {index: haut for (index, _, _), haut in zip(pages, hauts, strict=True)}
    envers = [(i, im, d) for i, im, d in pages if not _decide(lues[i]) and _a_l_envers(lues[i])]
    tournees = ocr.lire_hauts([(image.rotate(180), dpi) for _, image, dpi in envers])
    for (index, _, _), tournee in zip(envers, tournees, strict=True):
        if tournee.confiance > lues[index].confiance + 15:
            lues[index], rotation[index] = tournee, 180
    entieres = [
        (index, image.rotate(rotation[index]) if rotation[index] else image, dpi)
        for index, image, dpi in pages
        if not _decide(lues[index]) and not _a_l_envers(lues[index])
    ]
    relues = ocr.lire_pages_entieres([(image, dpi) for _, image, dpi in entieres])
    for (index, _, _), relue in zip(entieres, relues, strict=True):
        lues[index] = relue
    # A card photocopied upside down leaves the top third empty: only the whole page shows it.
    encore = [(i, im, d) for i, im, d in entieres if not rotation[i] and _a_l_envers(lues[i])]
    retournees = ocr.lire_pages_entieres([(image.rotate(180), dpi) for _, image, dpi in encore])
    for (index, _, _), retournee in zip(encore, retournees, strict=True):
        if retournee.confiance > lues[index].confiance + 15:
            lues[index], rotation[index] = retournee, 180
    return {
        index: LecturePage(lue, classify.probabilite_debut(lue.texte), rotation[index])
        for index, lue in lues.items()
    }


def _a_l_envers(lecture: ocr.Lecture) -> bool:
    """Tell whether a reading looks like text seen upside down: many words, all doubtful."""
    return lecture.mots >= MOTS_ENVERS and lecture.confiance < CONFIANCE_ENVERS


def controle_lisibilite(reference: ocr.Lecture | None, type_code: str | None) -> Lisibilite | None:
    """Build the check that a recompressed first page reads about as well as the original."""
    if reference is None or reference.source == "texte":
        return None

    def lisible(image: Image.Image, dpi: float) -> bool:
        """Tell whether ``image`` still reads: heading keywords and OCR confidence hold."""
        if reference.source == "ocr_haut":
            relue = ocr.lire_haut(image, dpi)
        else:
            relue = ocr.lire_page(image, dpi)
        if relue.confiance < reference.confiance - CHUTE_CONFIANCE_MAX:
            return False
        if type_code is None:
            return relue.mots >= PART_SCORE_MIN * reference.mots
        avant = classify.scores(reference.texte).get(type_code, 0.0)
        apres = classify.scores(relue.texte).get(type_code, 0.0)
        return apres >= PART_SCORE_MIN * avant

    return lisible


def _classer_piece(lectures: list[LecturePage], pages: tuple[int, ...]) -> classify.Classement:
    """Classify a piece from its first page, adding later pages' text when undecided."""
    premiere = lectures[pages[0]].lecture
    decision = classify.classer(premiere.texte if premiere else "")
    if decision.statut == "classee" or len(pages) == 1:
        return decision
    lues = [lectures[i].lecture for i in pages]
    return classify.classer("\n".join(lue.texte for lue in lues if lue is not None))


def traiter_dossier(
    pdf: Path,
    out_dir: Path,
    *,
    declared_documents: int | None = None,
    limite_piece: int = 2_000_000,
    limite_dossier: int = 18_000_000,
) -> DossierTraite:
    """Cut, classify and size-check the pieces of dossier ``pdf``; write them to ``out_dir``."""
    lectures = lire_pages(pdf)
    decoupage = cut.decouper([lp.debut for lp in lectures], declared_documents)
    anomalies: list[str] = [decoupage.anomalie] if decoupage.anomalie else []
    out_dir.mkdir(parents=True, exist_ok=True)
    rotations = {i: lp.rotation for i, lp in enumerate(lectures) if lp.rotation}
    decisions: list[classify.Classement] = []
    compressions: list[Compression] = []
    for pages in decoupage.pieces:
        decision = _classer_piece(lectures, pages)
        decisions.append(decision)
        controle = controle_lisibilite(lectures[pages[0]].lecture, decision.type)
        compressions.append(
            recompresser(pdf, pages, limite_piece, lisible=controle, rotations=rotations)
        )
    compressions = _tenir_dossier(
        pdf, decoupage, lectures, decisions, compressions, limite_dossier, rotations
    )
    if any(c.motif and "dossier" in c.motif for c in compressions):
        anomalies.append(
            f"Le dossier dépasse la limite de {limite_dossier / 1_000_000:.0f} Mo : "
            "des pièces ont été écartées pour la respecter."
        )
    pieces: list[PieceTraitee] = []
    for rang, (pages, decision, compression) in enumerate(
        zip(decoupage.pieces, decisions, compressions, strict=True), start=1
    ):
        fichier: Path | None = None
        if compression.donnees is not None:
            fichier = out_dir / f"piece-{rang:02d}.pdf"
            fichier.write_bytes(compression.donnees)
        statut = "rejetee" if compression.donnees is None else decision.statut
        pieces.append(
            PieceTraitee(
                rang=rang,
                pages=pages,
                type=decision.type,
                confiance=decision.confiance,
                statut=statut,
                motif_rejet=compression.motif,
                fichier=fichier,
                taille_originale=compression.taille_originale,
                taille=compression.taille if fichier else 0,
                traitement=compression.etapes,
                sensible=decision.type is not None and type_piece(decision.type).sensible,
            )
        )
    return DossierTraite(
        pdf=pdf,
        pieces=tuple(pieces),
        pages=len(lectures),
        taille_originale=sum(p.taille_originale for p in pieces),
        taille=sum(p.taille for p in pieces),
        anomalies=tuple(anomalies),
    )


def _tenir_dossier(
    pdf: Path,
    decoupage: cut.Decoupage,
    lectures: list[LecturePage],
    decisions: list[classify.Classement],
    compressions: list[Compression],
    limite_dossier: int,
    rotations: dict[int, int],
) -> list[Compression]:
    """Push the largest pieces further down the ladder until the dossier fits its limit."""
    resultat = list(compressions)

    def total() -> int:
        """Sum the sizes of the pieces kept."""
        return sum(c.taille for c in resultat if c.donnees is not None)

    while total() > limite_dossier:
        gardees = [i for i, c in enumerate(resultat) if c.donnees is not None]
        plus_grosse = max(gardees, key=lambda i: resultat[i].taille)
        actuelle = resultat[plus_grosse]
        suivant = rang_etape(actuelle.etapes[-1]) + 1
        budget = actuelle.taille - (total() - limite_dossier)
        if suivant < len(ECHELLE) and budget > 0:
            pages = decoupage.pieces[plus_grosse]
            controle = controle_lisibilite(lectures[pages[0]].lecture, decisions[plus_grosse].type)
            nouvelle = recompresser(
                pdf, pages, budget, lisible=controle, depuis=suivant, rotations=rotations
            )
            if nouvelle.donnees is not None:
                resultat[plus_grosse] = Compression(
                    nouvelle.donnees,
                    actuelle.taille_originale,
                    nouvelle.taille,
                    actuelle.etapes + nouvelle.etapes,
                )
                continue
        resultat[plus_grosse] = Compression(
            None,
            actuelle.taille_originale,
            actuelle.taille_originale,
            actuelle.etapes,
            f"Pièce écartée : avec elle le dossier dépasserait la limite de "
            f"{limite_dossier / 1_000_000:.0f} Mo. L'original reste disponible pour un opérateur.",
        )
    return resultat


def _lectures_televersement(depot: upload.Depot) -> list[LecturePage]:
    """The pages' readings of an upload: the legibility check's when it already classifies.

    A one-page piece whose first reading settles its type needs no second OCR run.
    """
    lecture = depot.lecture
    if depot.pages == 1 and lecture is not None and _decide(lecture):
        return [LecturePage(lecture, classify.probabilite_debut(lecture.texte))]
    return lire_pages(depot.fichier)


def traiter_televersement(
    fichier: Path, out_dir: Path, *, type_declare: str | None = None
) -> PieceTraitee:
    """Check, bring under 2 MB and classify one uploaded piece; a refusal is a rejected piece.

    The applicant's declared type stands when the text confirms it; when the text
    says something else, or nothing, the piece waits for an operator to qualify it.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    taille = fichier.stat().st_size if fichier.is_file() else 0
    try:
        depot = upload.verifier_depot(fichier, out_dir / "piece-01.pdf", limite=LIMITE_PIECE)
    except ScanError as erreur:
        return PieceTraitee(
            rang=1,
            pages=(),
            type=type_declare,
            confiance=0.0,
            statut="rejetee",
            motif_rejet=erreur.message,
            fichier=None,
            taille_originale=taille,
            taille=0,
            traitement=(),
            sensible=type_declare is not None and type_piece(type_declare).sensible,
        )
    lectures = _lectures_televersement(depot)
    decision = _classer_piece(lectures, tuple(range(len(lectures))))
    type_code, statut = decision.type, decision.statut
    if type_declare is not None:
        confirme = decision.statut == "classee" and decision.type == type_declare
        type_code = type_declare if decision.type in (None, type_declare) else decision.type
        statut = "classee" if confirme else "a_qualifier"
    return PieceTraitee(
        rang=1,
        pages=tuple(range(depot.pages)),
        type=type_code,
        confiance=decision.confiance,
        statut=statut,
        motif_rejet=None,
        fichier=depot.fichier,
        taille_originale=depot.taille_originale,
        taille=depot.taille,
        traitement=(f"format:{depot.format}", *depot.traitement),
        sensible=type_code is not None and type_piece(type_code).sensible,
    )
