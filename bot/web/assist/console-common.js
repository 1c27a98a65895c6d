/* 技能贯通助手 — what the agent-assist and review consoles share: safe DOM helpers, the
   toast, and the token dialog (the token kept in sessionStorage under the page's key). */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function toast(text, ms) {
    var t = $("toast"); t.textContent = text; t.classList.add("show");
    clearTimeout(toast.timer); toast.timer = setTimeout(function () { t.classList.remove("show"); }, ms);
  }

  /* The page's #token-dialog / #token-form / #token-input / #token-error; onSaved runs
     after a token is entered. */
  function tokenDialog(key, onSaved) {
    var session = window.sessionStorage;
    function ask(message) {
      $("token-error").textContent = message || "";
      $("token-input").value = "";
      var d = $("token-dialog");
      if (!d.open) { if (d.showModal) d.showModal(); else d.setAttribute("open", ""); }
      $("token-input").focus();
    }
    $("token-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var value = $("token-input").value.trim();
      if (!value) return;
      session.setItem(key, value);
      $("token-dialog").close ? $("token-dialog").close() : $("token-dialog").removeAttribute("open");
      onSaved();
    });
    return { get: function () { return session.getItem(key); }, ask: ask };
  }

  window.JinengConsole = { el: el, clear: clear, toast: toast, tokenDialog: tokenDialog };
})();
