/* mutualaid's only script (~1 KB; pages work without it). A GET form marked data-swap="ID" fetches its
   results into the element with that id instead of reloading the whole page, and keeps the address
   bar in step. The server answers a request carrying "HX-Request: true" with the results fragment only. */
(function () {
  "use strict";
  if (!window.fetch || !window.URLSearchParams || !window.history.pushState) return;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var id = form.getAttribute("data-swap");
    var target = id && document.getElementById(id);
    if (!target || (form.getAttribute("method") || "get").toLowerCase() !== "get") return;
    event.preventDefault();
    var url = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "") query.append(name, value); // no "?page=&category=&…": only what was chosen
    });
    url.search = query.toString();
    target.setAttribute("aria-busy", "true");
    fetch(url.href, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        target.innerHTML = html;
        target.removeAttribute("aria-busy");
        window.history.pushState({ swapped: true }, "", url.href);
      })
      .catch(function () {
        window.location.assign(url.href);
      });
  });
  window.addEventListener("popstate", function () {
    window.location.reload();
  });
})();
