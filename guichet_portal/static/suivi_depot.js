// Live progress of a professional deposit: poll the small JSON route every two seconds and
// reload the page once the lot is finished (so the table of dossiers shows). Without
// JavaScript, the page's "Actualiser l'état" link does the same by hand.
"use strict";

(function () {
  var bloc = document.getElementById("suivi-depot");
  if (!bloc || bloc.dataset.fini === "oui") {
    return;
  }
  var barre = document.getElementById("suivi-pages");
  var statut = document.getElementById("suivi-statut");
  function lire() {
    fetch(bloc.dataset.etat, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (reponse) { return reponse.json(); })
      .then(function (etat) {
        barre.max = Math.max(etat.pages_total, 1);
        barre.value = etat.pages_faites;
        barre.textContent = etat.pages_faites + " sur " + etat.pages_total;
        statut.textContent = "État : " + etat.statut_libelle + " — " + etat.pages_faites +
          " page(s) sur " + etat.pages_total + ", " + etat.dossiers_rattaches +
          " dossier(s) rattaché(s), " + etat.dossiers_en_attente + " en attente";
        if (etat.fini) {
          window.location.reload();
        } else {
          window.setTimeout(lire, 2000);
        }
      })
      .catch(function () { window.setTimeout(lire, 5000); });
  }
  window.setTimeout(lire, 1000);
})();
