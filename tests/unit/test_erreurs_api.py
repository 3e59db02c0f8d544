"""The API maps domain refusals to HTTP statuses by their stable code, never by their text."""

from __future__ import annotations

import pytest

from guichet_portal.api.problemes import statut_de
from sne.acteurs import Acteur
from sne.errors import HORS_TERRITOIRE, Forbidden

AGENT = Acteur(utilisateur_id=1, login="agent", role="agent_guichet", territoire_code="075")


def test_another_territory_carries_a_stable_code_and_reads_as_not_found() -> None:
    with pytest.raises(Forbidden) as refus:
        AGENT.exiger("modifier", "069")
    assert refus.value.code == HORS_TERRITOIRE
    assert statut_de(refus.value) == 404


def test_a_role_that_may_not_act_is_a_plain_refusal() -> None:
    with pytest.raises(Forbidden) as refus:
        AGENT.exiger("gerer_territoires")
    assert refus.value.code == "NON_AUTORISE"
    assert statut_de(refus.value) == 403


def test_the_message_text_does_not_decide_the_status() -> None:
    refus = Forbidden("Votre compte est rattaché au territoire 075 : autre chose.")
    assert statut_de(refus) == 403
