"""Split a scanned batch at its QR separators and say what became of every page.

Contract of ``split_batch``: given a batch file (PDF or multi-page TIFF) and the
keyring that signs separators, return a ``Manifest`` in which every page has
exactly one role, grouped into envois (a bordereau starts one) and dossiers
(a fiche, or page 1 of an attestation, starts one), reconciled against what the
separators declare. It never raises for a bad file: the manifest then carries
``error`` (and no page when the file could not be opened at all). The file is
only read.

Three steps, each a small function:

1. ``_lire`` reads each page once, streamed, at about 100-150 dpi: QR codes
   (only a verified payload is a separator), blankness, and whether text lies
   sideways. A page that shows a QR code it cannot decode is read again at full
   resolution at once. A page that is blank once its QR codes are left out is
   a back showing a code through the paper (ours or not, mirrored or faint): a
   blank back, never a separator, so every separator page is a real front
   page. Sides are judged by what they hold, never by their position, so
   backs removed by the scanner, odd page counts and batches mixing simplex
   and duplex sheets need nothing special. Pages whose text lies sideways are
   then shown to tesseract's orientation detection (``scanning.orientation``).
2. ``_structurer`` walks the pages and builds envois and dossiers; a blank page
   right after a page with content is recorded as its back.
3. ``_rapprocher`` compares each dossier with its fiche and each sending with its
   bordereau. Where a separator was probably missed (pages over the fiche's
   count, pages after a bordereau and before any fiche), the boundary page is
   looked at again harder and the walk redone; what still does not reconcile goes
   to manual review as a whole. Nothing is merged into a neighbour silently.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image, ImageOps

from scanning import blank, orientation
from scanning.errors import ScanError
from scanning.manifest import (
    Anomaly,
    Dossier,
    DossierStatus,
    Envoi,
    Manifest,
    PageRecord,
    Role,
)
from scanning.pages import LECTURE_DPI, BatchReader, PageImage
from scanning.qr_payload import (
    AttestationPayload,
    BordereauPayload,
    FichePayload,
    Keyring,
    Payload,
    decode,
)
from scanning.qrread import CodeLu, decodeur

#: At most this many pages are looked at again harder in one batch (each costs ~0.1 s).
RELECTURES_MAX = 60

Lecteur = Callable[..., list[CodeLu]]


@dataclass(frozen=True)
class _Lue:
    """What reading a page taught us; small, so a 1,000-page batch costs nothing to keep."""

    index: int
    erreur: str | None = None
    blanche: bool = False
    separateur: Payload | None = None
    rotation: int = 0  # clockwise degrees that turn the page upright
    etranger: bool = False
    transparence: bool = False  # blank but for a QR code seen through the paper
    de_travers: bool = False  # text lying sideways: its orientation is to be detected
    suspect: str | None = None  # a QR code seen but not trusted: why
    indechiffre: bool = False  # a QR code was seen but its text could not be decoded
    relue: bool = False


@dataclass
class _Etat:
    """What the walk builds."""

    records: list[PageRecord] = field(default_factory=list)
    dossiers: list[Dossier] = field(default_factory=list)
    envois: list[Envoi] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    revue: set[int] = field(default_factory=set)  # dossiers an operator must look at
    a_relire: set[int] = field(default_factory=set)


def sha256_of(path: Path) -> str:
    """Hash the file in chunks (a batch can be hundreds of megabytes)."""
    empreinte = hashlib.sha256()
    with path.open("rb") as fichier:
        for bloc in iter(lambda: fichier.read(1 << 20), b""):
            empreinte.update(bloc)
    return empreinte.hexdigest()


def split_batch(
    path: Path, keyring: Keyring, *, decoder: str = "zxing", duplex: bool | None = None
) -> Manifest:
    """Split ``path`` and return its manifest.

    Sides are judged by content whatever ``duplex`` says; ``duplex`` False only
    stops blank pages being recorded as the backs of the pages before them.
    """
    debut = time.perf_counter()
    lire = decodeur(decoder)
    try:
        empreinte = sha256_of(path)
    except OSError as error:
        return Manifest(path.name, "", 0, (), error=f"Fichier illisible : {error}", decoder=decoder)
    try:
        reader = BatchReader(path)
    except ScanError as error:
        return Manifest(path.name, empreinte, 0, (), error=error.message, decoder=decoder)
    with reader:
        lues = [_lire(page, lire, keyring, reader) for page in reader.pages(LECTURE_DPI)]
        recto_verso = duplex is not False
        etat = _structurer(lues, recto_verso)
        relectures = 0
        while etat.a_relire and relectures < RELECTURES_MAX:
            for index in sorted(etat.a_relire):
                lues[index] = _relire(reader, index, lire, keyring)
                relectures += 1
            etat = _structurer(lues, recto_verso)
        debut_orientation = time.perf_counter()
        tournees = _orienter(reader, lues)
        if tournees:
            etat = _structurer(lues, recto_verso)
        orientation_s = time.perf_counter() - debut_orientation
    duree = time.perf_counter() - debut
    return Manifest(
        source=path.name,
        sha256=empreinte,
        page_count=len(lues),
        pages=tuple(etat.records),
        envois=tuple(etat.envois),
        dossiers=tuple(etat.dossiers),
        anomalies=tuple(etat.anomalies),
        decoder=decoder,
        stats={
            "seconds": round(duree, 3),
            "pages_per_s": round(len(lues) / duree, 1) if duree else 0.0,
            "relectures": relectures,
            "duplex": float(any(r.verso_of is not None for r in etat.records)),
            "pages_tournees": tournees,
            "orientation_seconds": round(orientation_s, 3),
        },
    )


# 1. Reading ------------------------------------------------------------------------------


def _lire(page: PageImage, lire: Lecteur, keyring: Keyring, reader: BatchReader) -> _Lue:
    """First look at a page; a QR code seen but not decoded earns a full-resolution look.

    A page whose text lies sideways is looked at again for codes turned by a quarter
    (a separator fed sideways), which the fast look does not search for.
    """
    lue = _analyser(page, lire(page.image) if page.image is not None else [], keyring)
    if lue.de_travers and page.image is not None:
        lue = _analyser(page, lire(page.image, tourner=True), keyring)
    if lue.indechiffre and lue.separateur is None:
        return _relire(reader, page.index, lire, keyring)
    return lue


def _analyser(page: PageImage, codes: list[CodeLu], keyring: Keyring) -> _Lue:
    """What the codes found on a page, and its ink, make of it."""
    if page.image is None:
        return _Lue(page.index, erreur=page.erreur or "Page illisible.")
    if not codes:
        mesure = blank.mesurer(page.image)
        return _Lue(page.index, blanche=mesure.blanche, de_travers=mesure.de_travers)
    boites = [code.boite for code in codes if code.boite is not None]
    if len(boites) == len(codes) and blank.mesurer(page.image, hors=boites).blanche:
        return _Lue(page.index, blanche=True, transparence=True)
    lue = _Lue(page.index)
    for code in codes:
        if code.texte is None:
            lue = replace(lue, suspect=lue.suspect or "QR code vu mais illisible", indechiffre=True)
            continue
        decode_ = decode(code.texte, keyring)
        if decode_.ok and lue.separateur is None:
            rotation = (-round(code.orientation / 90) * 90) % 360  # the code's quarter turn
            lue = replace(lue, separateur=decode_.payload, rotation=rotation, suspect=None)
        elif decode_.status == "etranger":
            lue = replace(lue, etranger=True)
        elif not decode_.ok and lue.separateur is None:
            lue = replace(lue, suspect=decode_.reason.rstrip(". "))
    return lue


def _relire(reader: BatchReader, index: int, lire: Lecteur, keyring: Keyring) -> _Lue:
    """Look again harder: full resolution, careful decoder, contrast, then each quarter enlarged."""
    page = reader.page(index, None)
    if page.image is None:
        return _Lue(index, erreur=page.erreur or "Page illisible.", relue=True)
    image = page.image
    largeur, hauteur = image.size
    quarts = [
        (int(largeur * g), int(hauteur * h), int(largeur * (g + 0.55)), int(hauteur * (h + 0.5)))
        for g, h in ((0.45, 0.0), (0.0, 0.0), (0.45, 0.5), (0.0, 0.5))
    ]
    essais: list[Callable[[], Image.Image]] = [
        lambda: image,
        lambda: ImageOps.autocontrast(image, cutoff=1),
        *[functools.partial(_agrandir, image, boite) for boite in quarts],
    ]
    meilleure = _Lue(index, relue=True)
    for rang, essai in enumerate(essais):
        codes = lire(essai(), soigneux=True)
        if rang >= 2:  # boxes in an enlarged quarter say nothing of the page
            codes = [replace(code, boite=None) for code in codes]
        lue = _analyser(page, codes, keyring)
        if lue.separateur is not None or lue.transparence:
            return replace(lue, relue=True)
        if lue.etranger or lue.suspect:
            meilleure = replace(lue, relue=True)
    if not (meilleure.etranger or meilleure.suspect):
        meilleure = replace(_analyser(page, [], keyring), relue=True)
    return meilleure


def _agrandir(image: Image.Image, boite: tuple[int, int, int, int]) -> Image.Image:
    """One quarter of the page, contrast stretched and enlarged by half."""
    morceau = ImageOps.autocontrast(image.crop(boite), cutoff=1)
    return morceau.resize(
        (morceau.width * 3 // 2, morceau.height * 3 // 2), Image.Resampling.BICUBIC
    )


def _orienter(reader: BatchReader, lues: list[_Lue]) -> int:
    """Detect the quarter turn of every sideways page that is no separator; return how many turn."""
    travers = [lue.index for lue in lues if lue.de_travers and lue.separateur is None]
    pages = [reader.page(index, LECTURE_DPI) for index in travers]
    lisibles = [page for page in pages if page.image is not None]
    tournees = 0
    for page, rotation in zip(
        lisibles,
        orientation.rotations([p.image for p in lisibles if p.image is not None], LECTURE_DPI),
        strict=True,
    ):
        if rotation:
            lues[page.index] = replace(lues[page.index], rotation=rotation)
            tournees += 1
    return tournees


# 2. Structure ----------------------------------------------------------------------------


def _structurer(lues: list[_Lue], duplex: bool) -> _Etat:
    etat = _Etat()
    sending: int | None = None
    dossier: int | None = None
    dernier_separateur: tuple[int, Payload] | None = None  # (page, payload) of the last one
    pages_depuis = 0  # non-blank pages since that separator
    for lue in lues:
        record = PageRecord(lue.index, Role.PIECE, rotation=lue.rotation)
        if lue.erreur is not None:
            record = replace(record, role=Role.ILLISIBLE, note=lue.erreur)
        elif lue.blanche:
            precedente = lues[lue.index - 1] if lue.index else None
            recto = precedente is not None and not precedente.blanche and not precedente.erreur
            note = "QR code vu par transparence, pas un séparateur" if lue.transparence else ""
            verso_of = lue.index - 1 if duplex and recto else None
            record = replace(record, role=Role.BLANCHE, verso_of=verso_of, note=note)
        elif lue.separateur is not None:
            payload = lue.separateur
            record = replace(record, qr="ok")
            double = (
                dernier_separateur is not None
                and dernier_separateur[1] == payload
                and pages_depuis == 0
            )
            if double:
                record = _double(etat, record, payload, sending, dossier, dernier_separateur)
            elif isinstance(payload, BordereauPayload):
                sending, dossier = len(etat.envois), None
                etat.envois.append(_sending(sending, lue.index, payload))
                record = replace(record, role=Role.BORDEREAU, sending=sending)
            else:
                if isinstance(payload, AttestationPayload):
                    sending = None  # an applicant's page 1 stands alone
                dossier = len(etat.dossiers)
                etat.dossiers.append(_dossier(dossier, lue.index, payload, sending))
                role = Role.FICHE if isinstance(payload, FichePayload) else Role.ATTESTATION
                record = replace(record, role=role, sending=sending, dossier=dossier)
                if sending is not None:
                    envoi = etat.envois[sending]
                    etat.envois[sending] = replace(envoi, dossiers=(*envoi.dossiers, dossier))
            if not double:
                dernier_separateur = (lue.index, payload)
                pages_depuis = 0
            etat.records.append(record)
            continue
        elif lue.suspect is not None:
            record = replace(
                record,
                role=Role.ILLISIBLE,
                qr="illisible",
                note=f"QR code non exploitable : {lue.suspect}",
            )
        elif lue.etranger:
            record = replace(record, role=Role.ETRANGER, qr="etranger")
        if record.role is Role.BLANCHE:
            record = replace(record, sending=sending, dossier=dossier)
        elif dossier is None:
            if record.role is Role.PIECE or record.role is Role.ETRANGER:
                record = replace(record, role=Role.ORPHELINE, sending=sending)
            else:
                record = replace(record, sending=sending)
            pages_depuis += 1
        else:
            record = replace(record, sending=sending, dossier=dossier)
            courant = etat.dossiers[dossier]
            etat.dossiers[dossier] = replace(courant, pages=(*courant.pages, lue.index))
            pages_depuis += 1
        if record.role is Role.ILLISIBLE:
            _illisible(etat, record)
        etat.records.append(record)
    _rapprocher(etat, lues)
    return etat


def _sending(index: int, page: int, payload: BordereauPayload) -> Envoi:
    return Envoi(
        index=index,
        bordereau_page=page,
        envoi=payload.envoi,
        guichet=payload.guichet,
        departement=payload.departement,
        declared_dossiers=payload.nb_dossiers,
        declared_pages=payload.nb_pages,
        date=payload.date.isoformat(),
    )


def _dossier(index: int, page: int, payload: Payload, sending: int | None) -> Dossier:
    if isinstance(payload, FichePayload):
        return Dossier(
            index=index,
            kind=Role.FICHE,
            numero=payload.numero,
            separator_page=page,
            pages=(),
            sending=sending,
            declared_pages=payload.nb_pages,
            declared_documents=payload.nb_documents,
            date=payload.date.isoformat(),
        )
    assert isinstance(payload, AttestationPayload)
    return Dossier(
        index=index,
        kind=Role.ATTESTATION,
        numero=payload.numero,
        separator_page=page,
        pages=(),
        date=payload.date_emission.isoformat(),
    )


def _double(
    etat: _Etat,
    record: PageRecord,
    payload: Payload,
    sending: int | None,
    dossier: int | None,
    premier: tuple[int, Payload] | None,
) -> PageRecord:
    """The same separator again right after itself: one sheet fed twice; it splits nothing."""
    role = {
        BordereauPayload: Role.BORDEREAU,
        FichePayload: Role.FICHE,
        AttestationPayload: Role.ATTESTATION,
    }[type(payload)]
    page_premier = premier[0] if premier else record.index
    etat.anomalies.append(
        Anomaly(
            "feuille_en_double",
            f"La page {record.index + 1} est la même feuille que la page {page_premier + 1} "
            "(numérisée deux fois) : elle est ignorée.",
            pages=(page_premier, record.index),
            dossier=dossier if role is not Role.BORDEREAU else None,
            sending=sending,
        )
    )
    return replace(
        record,
        role=role,
        sending=sending,
        dossier=dossier if role is not Role.BORDEREAU else None,
        note="feuille numérisée deux fois",
    )


def _illisible(etat: _Etat, record: PageRecord) -> None:
    """Report an unreadable page; the dossier it falls in goes to manual review."""
    if record.dossier is not None:
        etat.revue.add(record.dossier)
        ou = f" dans le dossier {etat.dossiers[record.dossier].numero}"
    else:
        ou = ""
    code = "qr_illisible" if record.qr == "illisible" else "page_illisible"
    etat.anomalies.append(
        Anomaly(
            code,
            f"Page {record.index + 1}{ou} : {record.note}. Si c'est un séparateur, les pages qui "
            "suivent appartiennent peut-être à un autre dossier : vérification nécessaire.",
            pages=(record.index,),
            dossier=record.dossier,
            sending=record.sending,
        )
    )


# 3. Reconciliation -----------------------------------------------------------------------


def _rapprocher(etat: _Etat, lues: list[_Lue]) -> None:
    """Compare what was found with what the separators declare; mark what needs a person."""
    _orphelines(etat, lues)
    for dossier in list(etat.dossiers):
        _rapprocher_dossier(etat, dossier, lues)
    for index in etat.revue:
        etat.dossiers[index] = replace(etat.dossiers[index], status=DossierStatus.REVUE)
    for sending in list(etat.envois):
        _rapprocher_envoi(etat, sending)
    separateurs = sum(
        1 for r in etat.records if r.role in (Role.BORDEREAU, Role.FICHE, Role.ATTESTATION)
    )
    if not lues:
        etat.anomalies.append(Anomaly("lot_vide", "Le lot ne contient aucune page."))
    elif separateurs == 0:
        etat.anomalies.append(
            Anomaly(
                "aucun_separateur",
                f"Aucun séparateur (bordereau, fiche récapitulative, attestation) n'a été trouvé "
                f"dans les {len(lues)} pages : tout le lot attend un opérateur.",
                pages=tuple(range(len(lues))),
            )
        )


def _orphelines(etat: _Etat, lues: list[_Lue]) -> None:
    """Pages outside any dossier: look again at the first of each run, then report the runs."""
    runs: list[list[int]] = []
    for record in etat.records:
        if record.role is Role.ORPHELINE:
            if (runs and runs[-1][-1] == record.index - 1) or (
                runs
                and all(
                    etat.records[i].role is Role.BLANCHE
                    for i in range(runs[-1][-1] + 1, record.index)
                )
            ):
                runs[-1].append(record.index)
            else:
                runs.append([record.index])
    for run in runs:
        if not lues[run[0]].relue:
            etat.a_relire.add(run[0])
        sending = etat.records[run[0]].sending
        ou = (
            f"après le bordereau de l'envoi {etat.envois[sending].envoi} et avant sa première fiche"
            if sending is not None
            else "avant tout séparateur"
        )
        etat.anomalies.append(
            Anomaly(
                "pages_orphelines",
                f"{len(run)} page(s) {ou} ({_plage(run)}) : elles ne sont rattachées à aucun "
                "dossier ; une fiche manque ou son QR code n'a pas pu être lu.",
                pages=tuple(run),
                sending=sending,
            )
        )


def _rapprocher_dossier(etat: _Etat, dossier: Dossier, lues: list[_Lue]) -> None:
    if dossier.declared_pages is None:
        if not dossier.pages:
            suivante = _page_suivante(etat, dossier.separator_page)
            code = "separateur_en_derniere_page" if suivante is None else "separateurs_consecutifs"
            etat.anomalies.append(
                Anomaly(
                    code,
                    f"Dossier {dossier.numero} : la page 1 de l'attestation (page "
                    f"{dossier.separator_page + 1}) n'est suivie d'aucune pièce.",
                    pages=(dossier.separator_page,),
                    dossier=dossier.index,
                )
            )
            etat.revue.add(dossier.index)
        return
    trouvees = 1 + len(dossier.pages)
    declarees = dossier.declared_pages
    if trouvees == declarees:
        return
    if trouvees < declarees:
        suivante = _page_suivante(etat, dossier.separator_page)
        if not dossier.pages and suivante is None:
            code, detail = "separateur_en_derniere_page", "la fiche est la dernière page du lot"
        elif not dossier.pages:
            code, detail = (
                "separateurs_consecutifs",
                "la fiche est suivie directement d'un autre séparateur",
            )
        else:
            code, detail = "pages_manquantes", f"{declarees - trouvees} page(s) manquent"
        message = (
            f"Dossier {dossier.numero} : la fiche annonce {declarees} pages, fiche comprise, "
            f"{trouvees} trouvée(s) ; {detail}."
        )
    else:
        frontiere = dossier.pages[declarees - 1]
        if not lues[frontiere].relue:
            etat.a_relire.add(frontiere)
        code = "pages_en_trop"
        message = (
            f"Dossier {dossier.numero} : la fiche annonce {declarees} pages, fiche comprise, "
            f"{trouvees} trouvées. À partir de la page {frontiere + 1}, les pages appartiennent "
            "probablement à un autre dossier (séparateur manqué ou fiche oubliée) : rien n'a été "
            "rattaché automatiquement."
        )
    etat.anomalies.append(
        Anomaly(code, message, pages=dossier.pages, dossier=dossier.index, sending=dossier.sending)
    )
    etat.revue.add(dossier.index)


def _rapprocher_envoi(etat: _Etat, sending: Envoi) -> None:
    dossiers = [etat.dossiers[i] for i in sending.dossiers]
    pages = 1 + sum(
        1
        for r in etat.records
        if r.sending == sending.index
        and r.role is not Role.BLANCHE
        and r.role is not Role.BORDEREAU
        and r.note != "feuille numérisée deux fois"
    )
    problemes = []
    if len(dossiers) != sending.declared_dossiers:
        problemes.append(
            f"le bordereau annonce {sending.declared_dossiers} dossier(s), {len(dossiers)} trouvé(s)"
        )
    if pages != sending.declared_pages:
        problemes.append(
            f"le bordereau annonce {sending.declared_pages} pages au total, {pages} trouvée(s)"
        )
    if not problemes:
        return
    etat.envois[sending.index] = replace(sending, status=DossierStatus.REVUE)
    etat.anomalies.append(
        Anomaly(
            "envoi_incomplet" if len(dossiers) < sending.declared_dossiers else "envoi_discordant",
            f"Envoi {sending.envoi} (guichet {sending.guichet}) : " + " ; ".join(problemes) + ".",
            pages=(sending.bordereau_page,),
            sending=sending.index,
        )
    )


def _page_suivante(etat: _Etat, index: int) -> int | None:
    """The next non-blank page after ``index`` (records built so far), if any."""
    for record in etat.records[index + 1 :]:
        if record.role is not Role.BLANCHE:
            return record.index
    return None


def _plage(pages: list[int]) -> str:
    if len(pages) == 1:
        return f"page {pages[0] + 1}"
    return f"pages {pages[0] + 1} à {pages[-1] + 1}"
