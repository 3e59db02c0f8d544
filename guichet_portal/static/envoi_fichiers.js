// Progress bar of a file upload form (progressive enhancement: without JavaScript the form
// posts as usual). A form with data-progression="<id of a progress bar>" is sent with
// XMLHttpRequest so that the bar follows the bytes sent; the answer then replaces the page.
"use strict";

document.querySelectorAll("form[data-progression]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    var barre = document.getElementById(form.dataset.progression);
    if (!barre || !window.FormData) {
      return;
    }
    event.preventDefault();
    var groupe = document.getElementById(form.dataset.progression + "-groupe");
    var texte = document.getElementById(form.dataset.progression + "-texte");
    groupe.hidden = false;
    var requete = new XMLHttpRequest();
    requete.open("POST", form.action || window.location.href);
    requete.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        var pourcent = Math.round((100 * e.loaded) / e.total);
        barre.value = pourcent;
        barre.textContent = pourcent + " %";
        texte.textContent = pourcent < 100
          ? "Envoi : " + pourcent + " %"
          : "Fichiers envoyés, vérification en cours…";
      }
    });
    var adresse = form.action || window.location.href;
    requete.addEventListener("load", function () {
      if (requete.responseURL && requete.responseURL !== adresse) {
        // Redirected after success (a deposit's page): go there as the form would have.
        window.location.assign(requete.responseURL);
        return;
      }
      // The same page answered (results, or the fields to correct): show it in place.
      document.open();
      document.write(requete.responseText);
      document.close();
      window.scrollTo(0, 0); // the messages about each file sit at the top
    });
    requete.addEventListener("error", function () {
      texte.textContent = "L'envoi a échoué : vérifiez la connexion puis recommencez.";
    });
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    requete.send(new FormData(form));
  });
});
