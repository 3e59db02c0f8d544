// Deposit form of the digitisation console: refuse a file over the limit before sending it.
// The server checks the limit too; this only spares the operator a long upload for nothing.
(function () {
  "use strict";
  var formulaire = document.querySelector("form[data-max-octets]");
  if (!formulaire) {
    return;
  }
  var champ = formulaire.querySelector("input[type=file]");
  var message = document.getElementById("fichier-annonce");
  formulaire.addEventListener("submit", function (evenement) {
    var max = Number(formulaire.getAttribute("data-max-octets"));
    var fichier = champ && champ.files && champ.files[0];
    message.textContent = "";
    champ.removeAttribute("aria-invalid");
    if (fichier && fichier.size > max) {
      evenement.preventDefault();
      message.textContent = "Le fichier fait " + Math.ceil(fichier.size / 1e6) + " Mo : un lot déposé ici en fait au plus " +
        Math.floor(max / 1e6) + " Mo. Découpez-le en plusieurs fichiers.";
      champ.setAttribute("aria-invalid", "true");
      champ.focus();
    }
  });
})();
