// Included by page.html: JupyterHub's own scripts (home, spawn pending, token, the admin panel) write English
// texts after the page is built; each exact text of this list is replaced by its French, as soon as it appears.
(function () {
  "use strict";
  var FR = {
    "Start My Server": "Démarrer mon serveur", "Stop My Server": "Arrêter mon serveur", "My Server": "Mon serveur",
    "Your server is stopping": "Votre serveur s'arrête", "Start your default server": "Démarrer votre serveur",
    "Stopping...": "Arrêt en cours…", "Stopping server...": "Arrêt du serveur en cours…",
    "Server stopped successfully!": "Le serveur est arrêté.", "Error stopping server": "Le serveur ne s'est pas arrêté",
    "Stop Server": "Arrêter le serveur", "Start Server": "Démarrer le serveur", "Never": "Jamais",
    "Server requested": "Serveur demandé", "Spawning server...": "Démarrage du serveur…",
    "Server ready": "Serveur prêt", "Requested via token page": "Demandé depuis la page des jetons",
    "Error": "Erreur", "OK": "OK", "The error": "L'erreur",
    // the admin panel (admin-react.js)
    "Start All": "Tout démarrer", "Stop All": "Tout arrêter", "Shutdown Hub": "Arrêter le hub",
    "Add Users": "Ajouter des personnes", "Manage Groups": "Gérer les groupes", "Add User": "Ajouter",
    "User": "Personne", "Admin": "Administration", "Server": "Serveur", "Last Activity": "Dernière activité",
    "Running": "En marche", "Actions": "Actions", "Edit User": "Modifier", "Spawn Page": "Page de démarrage",
    "Search users...": "Chercher une personne…", "Search users": "Chercher une personne",
    "Only active servers": "Seulement les serveurs en marche", "active servers": "serveurs en marche",
    "Displaying": "Affichage", "Previous": "Précédent", "Next": "Suivant", "Items per page:": "Lignes par page :",
    "Access Server": "Ouvrir le serveur", "Delete User": "Supprimer la personne", "Apply": "Appliquer",
    "Back": "Retour", "Cancel": "Annuler", "Create Group": "Créer un groupe", "Add Group": "Ajouter un groupe",
    "Groups": "Groupes", "Group Name": "Nom du groupe", "Edit Group": "Modifier le groupe", "Delete Group": "Supprimer le groupe",
    "Members": "Membres", "Add new members": "Ajouter des membres", "Add user": "Ajouter", "Remove": "Retirer",
    "Group properties": "Propriétés du groupe", "Properties": "Propriétés", "Add Item": "Ajouter une ligne",
    "Username": "Nom", "usernames separated by line": "un nom par ligne", "Admin?": "Administration ?",
    "Delete": "Supprimer", "Save": "Enregistrer", "Create Users": "Créer", "Toggle dark mode": "Passer en thème clair ou sombre",
    "Sort by": "Trier par", "No users found.": "Aucune personne trouvée.", "Nothing to show": "Rien à afficher",
    "Logout": "Se déconnecter", "Login": "Se connecter", "Home": "Mon espace", "Token": "Jetons d'accès",
    "Services": "Autres outils", "Close": "Fermer", "Toggle navigation": "Afficher ou cacher le menu",
    "Edit": "Modifier", "Loading...": "Chargement…", "Loading": "Chargement", "Start": "Démarrer", "Stop": "Arrêter",
    "Stop server": "Arrêter le serveur", "Start server": "Démarrer le serveur", "Shutdown": "Arrêter",
    "View": "Voir", "Hide": "Cacher", "Name": "Nom", "Created": "Créé", "Updated": "Mis à jour", "Status": "État",
    "Ready": "Prêt", "Pending": "En attente", "Stopped": "Arrêté", "Started": "Démarré", "URL": "Adresse",
    "Server name": "Nom du serveur", "Last activity": "Dernière activité",
    "Only Active Servers": "Seulement les serveurs en marche", "Search Users": "Chercher une personne",
    "Server Start Time": "Démarré", "Profile": "Profil", "Create": "Créer", "Delete user": "Supprimer la personne",
    "Add by username": "Ajouter par nom", "group name...": "nom du groupe…", "updated username": "nouveau nom",
    "New Group": "Nouveau groupe", "Manage group members": "Gérer les membres du groupe",
    "Manage group properties": "Gérer les propriétés du groupe", "Key": "Clé", "Value": "Valeur",
    "Activity": "Activité", "Displaying": "Affichage", "Items per page:": "Lignes par page :",
    "Start all default servers on the current page": "Démarrer tous les serveurs de cette page",
    "Stop all servers including named servers on the current page": "Arrêter tous les serveurs de cette page",
    "check to only show running servers, otherwise show all": "cocher pour ne montrer que les serveurs en marche",
    "Could not update groups list.": "Impossible de mettre à jour la liste des groupes.",
    "Could not update users list.": "Impossible de mettre à jour la liste des personnes.",
    "Failed to create group.": "Le groupe n'a pas pu être créé.", "Failed to create user.": "La personne n'a pas pu être ajoutée.",
    "Failed to delete group.": "Le groupe n'a pas pu être supprimé.", "Failed to edit group.": "Le groupe n'a pas pu être modifié.",
    "Failed to edit user.": "La personne n'a pas pu être modifiée.", "Failed to start servers.": "Les serveurs n'ont pas pu démarrer.",
    "Failed to stop servers.": "Les serveurs n'ont pas pu s'arrêter.", "Failed to update users.": "Les personnes n'ont pas pu être mises à jour.",
    "Failed to update user list.": "Impossible de mettre à jour la liste des personnes.",
    "Failed to update group list.": "Impossible de mettre à jour la liste des groupes.",
    "pagination-limit": "Lignes par page", "user-search": "Chercher une personne"
  };
  var ATTRS = ["title", "aria-label", "placeholder", "value", "alt"];
  // moment's relative times ("2 hours ago"), in the admin panel and elsewhere
  var AGO = [[/^a few seconds ago$/, "il y a quelques secondes"], [/^a minute ago$/, "il y a une minute"],
    [/^(\d+) minutes ago$/, "il y a $1 minutes"], [/^an hour ago$/, "il y a une heure"],
    [/^(\d+) hours ago$/, "il y a $1 heures"], [/^a day ago$/, "il y a un jour"], [/^(\d+) days ago$/, "il y a $1 jours"],
    [/^in a few seconds$/, "dans quelques secondes"], [/^in (\d+) (minutes|hours|days)$/, "dans $1 $2"],
    [/^of (\d+)$/, "sur $1"], [/^Editing user (.+)$/, "Modifier la personne $1"], [/^Editing Group (.+)$/, "Modifier le groupe $1"]];

  function french(text) {
    var t = text.trim();
    if (!t) return null;
    if (Object.prototype.hasOwnProperty.call(FR, t)) return text.replace(t, FR[t]);
    for (var i = 0; i < AGO.length; i++) if (AGO[i][0].test(t)) return text.replace(t, t.replace(AGO[i][0], AGO[i][1]));
    return null;
  }

  function translate(node) {
    if (node.nodeType === 3) {
      var f = french(node.nodeValue);
      if (f !== null && f !== node.nodeValue) node.nodeValue = f;
      return;
    }
    if (node.nodeType !== 1 || node.tagName === "SCRIPT" || node.tagName === "STYLE") return;
    for (var a = 0; a < ATTRS.length; a++) {
      var v = node.getAttribute(ATTRS[a]);
      if (v && !(ATTRS[a] === "value" && node.tagName !== "INPUT" && node.tagName !== "BUTTON")) {
        var fv = french(v);
        if (fv !== null && fv !== v) node.setAttribute(ATTRS[a], fv);
      }
    }
    // the admin panel's buttons that open a person's details have no name (axe: button-name, critical)
    var controls = node.getAttribute("aria-controls") || "";
    if (node.tagName === "BUTTON" && /-collapse$/.test(controls) && !node.textContent.trim() && !node.getAttribute("aria-label")) {
      node.setAttribute("aria-label", "Détails de " + controls.replace(/-collapse$/, ""));
    }
    for (var c = node.firstChild; c; c = c.nextSibling) translate(c);
  }

  function start() {
    translate(document.body);
    new MutationObserver(function (changes) {
      changes.forEach(function (m) {
        if (m.type === "characterData") translate(m.target);
        else if (m.type === "attributes") translate(m.target);
        else m.addedNodes.forEach(translate);
      });
    }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                               attributeFilter: ATTRS});
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
