// Invitation links carry their token after "#", which browsers never send to a server or proxy. Put it in the
// form and post it at once; the address bar forgets it. Without JavaScript the page asks to paste the link.
(function () {
  var form = document.getElementById("invitation-open");
  var token = window.location.hash.slice(1);
  if (!form || !token) return;
  form.elements.token.value = decodeURIComponent(token);
  window.history.replaceState(null, "", window.location.pathname);
  form.submit();
})();
