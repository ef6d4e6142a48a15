/* Proof of work for anonymous forms (core/proofofwork.py). A form marked data-proof carries a signed
   challenge; before it is sent, this finds a counter whose SHA-256 with the challenge starts with the
   challenge's number of zero bits. Without this script (or without WebCrypto) the form is sent as is
   and counts against the plain limit. */
(function () {
  "use strict";
  if (!window.crypto || !window.crypto.subtle || !window.TextEncoder) return;
  function bitsOf(challenge) {
    try {
      var payload = JSON.parse(atob(challenge.split(":")[0].replace(/-/g, "+").replace(/_/g, "/")));
      return payload.b || 0;
    } catch (e) {
      return -1;
    }
  }
  function zeros(buffer) {
    var bytes = new Uint8Array(buffer), n = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { n += 8; continue; }
      return n + Math.clz32(bytes[i]) - 24;
    }
    return n;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-proof")) return;
    var challenge = form.elements.proof_challenge, solution = form.elements.proof_solution;
    if (!challenge || !solution || solution.value) return;
    var bits = bitsOf(challenge.value);
    if (bits < 0) return;
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    form.setAttribute("aria-busy", "true");
    var encoder = new TextEncoder();
    (async function () {
      for (var counter = 0; ; counter++) {
        var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge.value + ":" + counter));
        if (zeros(digest) >= bits) return counter;
      }
    })().then(function (counter) {
      solution.value = String(counter);
      form.submit();
    }, function () {
      form.submit();
    });
  });
})();
