"""Reading interfaceNuu files without a database: samples, anomalies with their paths, guards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sne.errors import ValidationError
from sne.interchange import TAILLE_MAX, aligner, ecrire, lire
from sne.services import formulaire
from tests.samples import ANOMALIES_NUU
from tests.samples import sample_nuu as sample

DL = "/interfaceNuu/demande/demandeLogement"
PP = f"{DL}/personnePhysique"

MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<interfaceNuu xmlns="http://nuu.application.i2/" versionInterface="{version}">
  <entete><typeFichier>{type}</typeFichier><dateFichier>2027-02-15</dateFichier></entete>
  <demande><demandeLogement>{corps}</demandeLogement></demande>
</interfaceNuu>
"""


def fichier_ren(corps: str, *, type_: str = "REN", version: str = "02.01") -> bytes:
    return MINIMAL.format(version=version, type=type_, corps=corps).encode()


def anomalies(contenu: bytes) -> list[tuple[str, str]]:
    return [(a.code, a.chemin) for a in lire(contenu).anomalies]


def test_household_sample_gives_the_whole_document() -> None:
    fichier = lire(sample("cre_menage_cotitulaire_enfants.xml"))
    assert fichier.anomalies == ()
    assert (fichier.version, fichier.type_fichier, fichier.date_fichier) == (
        "02.01",
        "CRE",
        date(2026, 3, 16),
    )
    assert (fichier.guichet, fichier.date_creation, fichier.numero) == (
        "G1301",
        date(2026, 3, 16),
        None,
    )
    doc = fichier.document
    assert doc is not None
    assert [p["role"] for p in doc["personnes"]] == [
        "demandeur",
        "cotitulaire",
        "a_charge",
        "a_charge",
        "a_naitre",
        "garde_alternee",
    ]
    demandeur, cotitulaire = doc["personnes"][:2]
    assert [(r["type"], r["montant_mensuel"]) for r in demandeur["ressources"]] == [
        ("SAL", Decimal("1780.00")),
        ("PAR", Decimal("210.00")),
        ("AF", Decimal("148.52")),
    ]
    assert [r["type"] for r in cotitulaire["ressources"]] == ["SAL", "PAV"]
    assert doc["personnes"][4]["date_naissance_prevue"] == date(2026, 7, 22)
    assert (doc["logement_actuel"], doc["logement_actuel_loyer"], doc["motifs"]) == (
        "LP",
        Decimal("890.00"),
        ["13", "09"],
    )
    assert doc["communes_souhaitees"] == ["13055", "13005", "13002"]
    assert doc["consentement_sms"] is True and doc["demande_elargie"] is True
    # The document is complete for the services: it validates as is.
    formulaire.valider(doc, date_depot=date(2026, 3, 16))


def test_legal_person_sample_in_version_0200() -> None:
    fichier = lire(sample("cre_personne_morale.xml"))
    assert fichier.anomalies == ()
    doc = fichier.document
    assert doc is not None
    assert (doc["type_demandeur"], doc["raison_sociale"], doc["siret"]) == (
        "morale",
        "Association Habitat Solidaire Provence",
        "41234567800029",
    )
    assert "consentement_sms" not in doc  # 02.00 cannot say it
    assert doc["motifs"] == [] and doc["situation_familiale"] is None
    assert [p["role"] for p in doc["personnes"]] == ["demandeur"]
    formulaire.valider(doc, date_depot=date(2026, 3, 10))


@pytest.mark.parametrize(
    ("nom", "attendu"),
    [
        ("crs_separation.xml", ("CRS", None, "0130326000001G1301")),
        ("mod_changement_identite.xml", ("MOD", "0130326000001G1301", None)),
        ("ren_renouvellement.xml", ("REN", "0130326000001G1301", None)),
        ("rad_attribution.xml", ("RAD", "0130326000001G1301", None)),
        ("ren_sans_num_guichet.xml", ("REN", "0130326000001G1301", None)),
        ("extrait_sans_type_fichier.xml", (None, "0130326000001G1301", None)),
    ],
)
def test_other_samples_read_without_anomaly(nom: str, attendu: tuple[str, str, str]) -> None:
    fichier = lire(sample(nom))
    assert fichier.anomalies == ()
    assert (fichier.type_fichier, fichier.numero, fichier.numero_origine) == attendu


def test_real_format_household_reads_every_part() -> None:
    """The sample written as real files are (ns1 prefix, 02.00, offset time) reads whole."""
    fichier = lire(sample("cre_format_reel_menage_complet.xml"))
    assert fichier.anomalies == ()
    assert (fichier.version, fichier.date_fichier) == ("02.00", date(2026, 3, 16))
    assert fichier.document is not None
    doc = formulaire.valider(fichier.document, date_depot=date(2026, 3, 16))
    adresse = ("adresse_etranger", "adresse_numero", "adresse_ligne1", "code_postal")
    assert [doc[c] for c in (*adresse, "commune_insee")] == [
        False,
        "8",
        "rue Félix Pyat",
        "13003",
        "13203",
    ]
    assert [doc[f"revenu_fiscal_{c}"] for c in ("annee_n1", "n1", "annee_n2", "n2")] == [
        2025,
        14250,
        2024,
        None,
    ]
    actuel = ("", "_loyer", "_habitants", "_categorie", "_type", "_surface", "_proprietaire")
    assert [doc[f"logement_actuel{c}"] for c in actuel] == [
        "LP",
        Decimal("820.00"),
        4,
        "A",
        "T2",
        46,
        False,
    ]
    demandeur, cotitulaire, fils, mere, *naissances, garde = doc["personnes"]
    assert (demandeur["nom_naissance"], demandeur["nom_usage"]) == ("Lefèvre", "Haddad")
    assert (demandeur["travail_code_postal"], demandeur["travail_commune_insee"]) == (
        "13002",
        "13202",
    )
    assert demandeur["employeur"] == "Boulangerie du Vieux-Port"
    assert (cotitulaire["lien"], cotitulaire["situation_familiale"]) == ("M", "M")
    assert (cotitulaire["revenu_fiscal_annee_n1"], cotitulaire["revenu_fiscal_n2"]) == (
        2025,
        20950,
    )
    assert [(p["lien"], p["sexe"]) for p in (fils, mere)] == [("E", "M"), ("P", "F")]
    # The dependants' resources are listed once by the applicant: the first dependant keeps them.
    assert fils["ressources"] == [{"type": "AMV", "montant_mensuel": Decimal("961.08")}]
    assert [p["date_naissance_prevue"] for p in naissances] == [date(2026, 8, 10)] * 2
    assert (garde["nom_naissance"], garde["sexe"], garde["co_parentalite"]) == (None, "F", "G")


def test_official_codes_are_read_as_they_are_written() -> None:
    ancien = sample("cre_format_reel_menage_complet.xml").replace(
        b'<ns1:civilite code="2"/>', b'<ns1:civilite code="3"/>'
    )
    fichier = lire(ancien)
    assert fichier.anomalies == () and fichier.document is not None
    assert fichier.document["personnes"][0]["civilite"] == "3"  # Mademoiselle, old files
    attribution = lire(sample("rad_attribution.xml")).donnees_radiation or {}
    assert (attribution["logement_zus_qpv"], attribution["accord_collectif"]) == ("ZUSOUI", "ACD")


@pytest.mark.parametrize(
    "nom",
    [
        "cre_format_reel_menage_complet.xml",
        "cre_menage_cotitulaire_enfants.xml",
        "cre_handicap_complet.xml",
        "cre_personne_morale.xml",
        "crs_separation.xml",
        "mod_changement_identite.xml",
        "extrait_sans_type_fichier.xml",
    ],
)
def test_every_sample_written_back_reads_the_same(nom: str) -> None:
    fichier = lire(sample(nom))
    assert fichier.anomalies == () and fichier.document is not None
    contenu = ecrire(
        fichier.document,
        type_fichier="MOD",
        version=fichier.version or "02.01",
        date_fichier=date(2026, 3, 16),
        guichet="G1301",
        numero="0130326000001G1301",
    )
    relu = lire(contenu)
    assert relu.anomalies == () and relu.document is not None
    depot = date(2026, 3, 16)
    attendu = formulaire.valider(fichier.document, date_depot=depot)
    assert formulaire.valider(relu.document, date_depot=depot) == attendu


def test_radiation_sample_gives_the_data_radier_takes() -> None:
    fichier = lire(sample("rad_attribution.xml"))
    assert fichier.motif_radiation == "RADATT"
    assert fichier.donnees_radiation == {
        "commentaire": "Bail signé en agence Nord le 01/09/2026.",
        "logement_adresse": "4 allée des Pins, bâtiment C, appartement 12",
        "logement_code_postal": "13013",
        "logement_commune": "Marseille",
        "logement_rpls": "RPLS0013-000451",
        "logement_zus_qpv": "ZUSOUI",
        "logement_surface": 81,
        "logement_typologie": "T4",
        "reservataire": "PPRIOR",
        "statut_dalo": "NON",
        "accord_collectif": "ACD",
        "date_bail": date(2026, 9, 1),
        "bailleur": "Habitat Marseille Provence",
    }


@pytest.mark.parametrize("nom", sorted(ANOMALIES_NUU))
def test_each_broken_sample_gives_its_anomalies(nom: str) -> None:
    assert anomalies(sample(nom)) == ANOMALIES_NUU[nom]


def test_anomaly_texts_are_french_and_name_the_culprit() -> None:
    textes = [str(a) for a in lire(sample("erreur_code_inconnu.xml")).anomalies]
    assert textes[0] == (
        f"[CODE_INCONNU] {PP}/demandeur/civilite/@code : code civilité « 4 » inconnu "
        "(codes admis : 1, 2, 3)"
    )
    assert "« 1302 » inconnu (code INSEE sur 5 caractères)" in textes[2]
    (texte,) = lire(sample("erreur_0200_consentement_sms.xml")).anomalies
    assert (
        texte.message == "élément « consentementSms » inconnu en version 02.00 (introduit en 02.01)"
    )
    (illisible,) = lire(sample("erreur_pas_du_xml.csv")).anomalies
    assert illisible.message.startswith("le fichier n'est pas un XML bien formé (ligne 1")


def test_doctype_is_refused_in_any_encoding() -> None:
    """The byte search misses UTF-16; expat's doctype handler still refuses before expansion."""
    texte = sample("erreur_doctype_entites.xml").decode("utf-8").replace("UTF-8", "UTF-16")
    assert anomalies(texte.encode("utf-16")) == [("DOCTYPE_INTERDIT", "/")]


def test_oversized_file_is_refused_unread() -> None:
    contenu = b"<a>" + b" " * TAILLE_MAX + b"</a>"
    assert anomalies(contenu) == [("FICHIER_TROP_GROS", "/")]
    assert anomalies(b"") == [("FICHIER_ILLISIBLE", "/")]


def test_header_problems() -> None:
    assert anomalies(fichier_ren("", type_="SUP")) == [
        ("TYPE_FICHIER_NON_PRIS_EN_CHARGE", "/interfaceNuu/entete/typeFichier")
    ]
    # An unknown type or version does not stop the reading: the body's anomalies follow.
    assert anomalies(fichier_ren("", type_="XYZ")) == [
        ("TYPE_FICHIER_INCONNU", "/interfaceNuu/entete/typeFichier"),
        ("ELEMENT_MANQUANT", f"{DL}/numGuichet"),
        ("ELEMENT_MANQUANT", f"{DL}/personnePhysique"),
        ("ELEMENT_MANQUANT", f"{DL}/logementRecherche"),
    ]
    sans_version = fichier_ren("").replace(b' versionInterface="02.01"', b"")
    assert anomalies(sans_version) == [
        ("VERSION_INCONNUE", "/interfaceNuu/@versionInterface"),
        ("ELEMENT_MANQUANT", f"{DL}/numUnique"),
        ("ELEMENT_MANQUANT", f"{DL}/numGuichet"),
    ]
    mauvaise_racine = fichier_ren("").replace(b"interfaceNuu", b"interfaceSne")
    assert anomalies(mauvaise_racine) == [("RACINE_INCORRECTE", "/interfaceSne")]
    mauvaise_date = fichier_ren(
        "<numUnique>0130326000001G1301</numUnique><numGuichet>G1301</numGuichet>"
    ).replace(b"2027-02-15", b"15/02/2027")
    assert anomalies(mauvaise_date) == [("VALEUR_INVALIDE", "/interfaceNuu/entete/dateFichier")]


def test_structure_problems_are_all_listed() -> None:
    corps = (
        "<numUnique>0130326000001G130</numUnique>"
        "<numGuichet>1301</numGuichet><numGuichet>G1301</numGuichet>"
        '<dateCreationDemande code="x">2026-02-30</dateCreationDemande>'
        '<autre:extension xmlns:autre="urn:editeur">1</autre:extension>'
        "<personnePhysique/>"
    )
    assert anomalies(fichier_ren(corps)) == [
        ("ELEMENT_INCONNU", f"{DL}/extension"),
        ("ELEMENT_REPETE", f"{DL}/numGuichet"),
        ("ELEMENT_INTERDIT", f"{DL}/personnePhysique"),
        ("NUMERO_INVALIDE", f"{DL}/numUnique"),
        ("VALEUR_INVALIDE", f"{DL}/numGuichet"),
        ("ATTRIBUT_INCONNU", f"{DL}/dateCreationDemande/@code"),
        ("VALEUR_INVALIDE", f"{DL}/dateCreationDemande"),
    ]


def test_each_file_type_has_its_mandatory_elements() -> None:
    assert anomalies(fichier_ren("")) == [
        ("ELEMENT_MANQUANT", f"{DL}/numUnique"),
        ("ELEMENT_MANQUANT", f"{DL}/numGuichet"),
    ]
    assert anomalies(fichier_ren("<numGuichet>G1301</numGuichet>", type_="CRS")) == [
        ("ELEMENT_MANQUANT", f"{DL}/numUniqueOrigine"),
        ("ELEMENT_MANQUANT", f"{DL}/justification"),
        ("ELEMENT_MANQUANT", f"{DL}/personnePhysique"),
        ("ELEMENT_MANQUANT", f"{DL}/logementRecherche"),
    ]
    assert anomalies(
        fichier_ren(
            "<numUnique>0130326000001G1301</numUnique><numGuichet>G1301</numGuichet>"
            "<radiation><commentaire>x</commentaire></radiation>",
            type_="RAD",
        )
    ) == [("ELEMENT_MANQUANT", f"{DL}/radiation/motif")]


def test_a_cre_carries_no_number_and_values_are_checked() -> None:
    texte = sample("cre_menage_cotitulaire_enfants.xml").decode()
    texte = texte.replace(
        "<nuu:numGuichet>", "<nuu:numUnique>0130326000001G1301</nuu:numUnique><nuu:numGuichet>"
    )
    texte = texte.replace(
        "<nuu:montantMensuelLoyer>890.00</nuu:montantMensuelLoyer>",
        "<nuu:montantMensuelLoyer>890,00</nuu:montantMensuelLoyer>",
    )
    texte = texte.replace(
        "<nuu:demandeElargie>true</nuu:demandeElargie>",
        "<nuu:demandeElargie>oui</nuu:demandeElargie>",
    )
    texte = texte.replace('<nuu:ressource code="PAV"/>', '<nuu:ressource code="SAL"/>')
    assert anomalies(texte.encode()) == [
        ("ELEMENT_INTERDIT", f"{DL}/numUnique"),
        (
            "CODE_INCONNU",
            f"{PP}/listeCotitulaire/cotitulaire[1]/listeRessourceVersee/detailRessource[1]"
            "/ressource/@code",
        ),
        ("VALEUR_INVALIDE", f"{PP}/logementActuel/montantMensuelLoyer"),
        ("VALEUR_INVALIDE", f"{DL}/logementRecherche/demandeElargie"),
    ]


def test_service_keys_map_back_to_element_paths() -> None:
    fichier = lire(sample("cre_menage_cotitulaire_enfants.xml"))
    assert fichier.chemin("email") == f"{PP}/demandeur/mel"
    assert fichier.chemin("logement_actuel") == (
        f"{PP}/logementActuel/listeModeleLogement/modeleLogement"
    )
    assert fichier.chemin("motifs") == f"{PP}/listeMotif"
    assert fichier.chemin("personnes[2].lien") == (
        f"{PP}/listeCotitulaire/cotitulaire[1]/lienDemandeur/@code"
    )
    assert fichier.chemin("personnes[2].ressources[2].montant_mensuel") == (
        f"{PP}/listeCotitulaire/cotitulaire[1]/listeRessourceVersee/detailRessource[1]/montant"
    )
    assert fichier.chemin("personnes[5].date_naissance_prevue") == (
        f"{PP}/personneANaitre[1]/dateNaissancePrevue"
    )
    assert fichier.chemin("personnes[6]") == f"{PP}/listePersonneEnGarde/personneEnGarde[1]"
    assert fichier.chemin("personnes") == PP
    assert fichier.chemin("inconnue") == DL
    radiation = lire(sample("rad_attribution.xml"))
    assert radiation.chemin("logement_surface") == f"{DL}/radiation/logementAttribue/surface"


def test_alignment_keeps_the_registered_order_of_persons_and_resources() -> None:
    fichier = lire(sample("cre_menage_cotitulaire_enfants.xml"))
    assert fichier.document is not None
    lus = fichier.document["personnes"]
    # Registered in another order: the custody child first after the applicant, the
    # co-holder's alimony before his salary, and the applicant's first names corrected.
    demandeur = {**lus[0], "prenoms": "Sophie"}
    cotitulaire = {**lus[1], "ressources": list(reversed(lus[1]["ressources"]))}
    enregistrees = [demandeur, lus[5], lus[3], cotitulaire, lus[2], lus[4]]
    aligne = aligner(fichier, enregistrees)
    assert aligne.document is not None
    personnes = aligne.document["personnes"]
    assert [p.get("prenoms") for p in personnes] == [
        "Sophie Laurence",
        "Awa",
        "Emma Chloé",
        "Moussa",
        "Lucas",
        None,
    ]
    assert [r["type"] for r in personnes[3]["ressources"]] == ["PAV", "SAL"]
    # Paths follow the persons and resources they belong to.
    assert aligne.chemin("personnes[2].prenoms") == (
        f"{PP}/listePersonneEnGarde/personneEnGarde[1]/prenom"
    )
    assert aligne.chemin("personnes[4].ressources[1].type") == (
        f"{PP}/listeCotitulaire/cotitulaire[1]/listeRessourceVersee/detailRessource[1]"
        "/ressource/@code"
    )
    # A newcomer goes last.
    sans_enfant = [p for p in enregistrees if p.get("prenoms") != "Lucas"]
    nouveau = aligner(fichier, sans_enfant).document
    assert nouveau is not None
    assert nouveau["personnes"][-1]["prenoms"] == "Lucas"


def test_an_address_abroad_needs_no_postal_code_and_a_commune_code_is_enough() -> None:
    texte = sample("cre_format_reel_menage_complet.xml").replace(
        b"<ns1:etranger>false</ns1:etranger>\n            <ns1:numero>8</ns1:numero>",
        b"<ns1:etranger>true</ns1:etranger>\n            <ns1:numero>8</ns1:numero>",
    )
    texte = texte.replace(b"<ns1:codePostal>13003</ns1:codePostal>\n", b"", 1)
    fichier = lire(texte)
    assert fichier.anomalies == () and fichier.document is not None
    doc = formulaire.valider(fichier.document, date_depot=date(2026, 3, 16))
    assert (doc["adresse_etranger"], doc["code_postal"], doc["commune"]) == (True, None, None)
    en_france = lire(texte.replace(b"<ns1:etranger>true</ns1:etranger>", b"", 1)).document
    with pytest.raises(ValidationError) as refus:
        formulaire.valider(en_france or {}, date_depot=date(2026, 3, 16))
    assert refus.value.problems == {"code_postal": "code postal obligatoire"}


def test_the_disability_sample_gives_every_official_code() -> None:
    fichier = lire(sample("cre_handicap_complet.xml"))
    assert fichier.anomalies == () and fichier.document is not None
    document = fichier.document
    assert (
        document["handicap_etat"],
        document["handicap_capacite_marche"],
        document["handicap_moteur"],
        document["handicap_sensoriel"],
    ) == ("STA", "1", "MI", None)
    assert document["handicap_aides_techniques"] == ["4"]
    assert document["handicap_equipements"] == ["2", "3", "4"]
    assert (document["handicap_logement_adapte"], document["handicap_fauteuil_roulant"]) == (
        "OUI",
        "OUI",
    )
    assert fichier.chemin("handicap_equipements").endswith("/handicap/listeEquipement")
