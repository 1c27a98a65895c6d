/* 技能贯通助手 — agent-assist console. All caller/bot text goes in as text nodes only. */
(function () {
  "use strict";
  var API = "/webhooks/assist/";
  var KEY_TOKEN = "jineng.assist.token";
  var KEY_CALL = "jineng.assist.conversation_id";
  var STATUS = { eligible: "可以申报", not_yet: "暂不能申报", ineligible: "不符合条件", undecided: "待确认" };
  var KIND = { title: "职称", skill: "职业技能评价" };
  var PATH = { regular: "常规晋升", green_channel: "绿色通道", exception: "破格" };
  var TYPE = { ask: "追问", confirm: "核实", reply: "答复" };

  var $ = function (id) { return document.getElementById(id); };
  var session = window.sessionStorage;
  var labels = { facts: {}, values: {}, docs: {} };
  var articles = {};
  var busy = Promise.resolve();

  var common = window.JinengConsole;  // console-common.js: DOM helpers, toast, token dialog
  var el = common.el, clear = common.clear;
  function toast(text) { common.toast(text, 2000); }
  function newId() {
    var a = new Uint8Array(8); (window.crypto || window.msCrypto).getRandomValues(a);
    return "call-" + Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // ---- token -------------------------------------------------------------------------
  var tokenDialog = common.tokenDialog(KEY_TOKEN, function () { $("line-input").focus(); });
  function token() { return tokenDialog.get(); }
  function askToken(message) { tokenDialog.ask(message); }
  $("logout").addEventListener("click", function () { session.removeItem(KEY_TOKEN); askToken(); });

  function post(path, body) {
    return fetch(API + path, {
      method: "POST", credentials: "omit",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + (token() || "") },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.status === 401) { session.removeItem(KEY_TOKEN); askToken("令牌无效，请重新输入"); throw new Error("401"); }
      if (!r.ok) return r.json().catch(function () { return {}; }).then(function (j) { throw new Error(j.error || ("HTTP " + r.status)); });
      return r.status === 204 ? null : r.json();
    });
  }

  // ---- call --------------------------------------------------------------------------
  function conversationId() { return session.getItem(KEY_CALL); }
  function newCall() {
    session.setItem(KEY_CALL, newId());
    $("conversation-id").textContent = conversationId();
    clear($("lines")); $("line-error").textContent = "";
    render(null);
    $("line-input").focus();
  }
  $("new-call").addEventListener("click", newCall);

  $("line-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = $("line-input").value.trim();
    if (!text) return;
    if (!token()) { askToken(); return; }
    $("line-input").value = "";
    var item = el("li", "pending", text);
    $("lines").appendChild(item);
    var id = conversationId();
    busy = busy.then(function () {
      return post("analyze", { conversation_id: id, text: text }).then(function (res) {
        item.classList.remove("pending");
        if (id === conversationId()) render(res);
        $("line-error").textContent = "";
      }).catch(function (err) {
        item.classList.add("failed");
        $("line-error").textContent = err.message === "401" ? "令牌无效，本句未分析，请输入令牌后重新提交" : "分析失败：" + err.message;
      });
    });
  });
  $("line-input").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("line-form").requestSubmit(); }
  });

  // ---- rendering ---------------------------------------------------------------------
  function valueText(key, value) {
    if (typeof value === "boolean") return value ? "是" : "否";
    if (Array.isArray(value)) return value.join("、");
    if ((labels.values[key] || {})[value]) return labels.values[key][value];
    if (typeof value === "number" && /_years$/.test(key)) return value + "年";
    if (typeof value === "number" && /_year$/.test(key)) return value + "年";
    return String(value);
  }
  function citeText(c) { return (labels.docs[c.doc] || c.doc) + c.article; }
  function citationNodes(citations) {
    var wrap = el("div", "citations");
    (citations || []).forEach(function (c) {
      var d = el("details", "cite");
      d.appendChild(el("summary", null, citeText(c)));
      var text = articles[c.doc + "|" + c.article] || articles[c.doc + "|" + c.article.replace(/（[^（）]+）$/, "")];
      d.appendChild(el("blockquote", null, text || "（条文原文见政策文件）"));
      wrap.appendChild(d);
    });
    return wrap;
  }

  function render(res) {
    var profile = $("profile"), ask = $("ask"), decision = $("decision"), reply = $("reply");
    clear(profile); clear(ask); clear(decision); clear(reply);
    var p = (res && res.profile) || {};
    var keys = Object.keys(p);
    if (!keys.length) profile.appendChild(el("dt", "empty", "尚未识别到信息"));
    keys.forEach(function (k) {
      var row = el("div", "fact"); row.setAttribute("data-fact", k);
      row.appendChild(el("dt", null, labels.facts[k] || k));
      row.appendChild(el("dd", null, valueText(k, p[k])));
      profile.appendChild(row);
    });
    var sug = (res && res.suggestions) || [];
    var asks = sug.filter(function (s) { return s.type === "ask" || s.type === "confirm"; });
    var replies = sug.filter(function (s) { return s.type === "reply"; });
    if (!asks.length) ask.appendChild(el("li", "empty", res ? "暂无需要追问的信息" : "—"));
    asks.forEach(function (s) { ask.appendChild(suggestionNode(s)); });
    if (!replies.length) reply.appendChild(el("li", "empty", res ? "信息不足，先追问" : "—"));
    replies.forEach(function (s) { reply.appendChild(suggestionNode(s)); });

    var d = res && res.decision;
    if (!d || (!d.options.length && !d.blockers.length)) { decision.appendChild(el("p", "empty", "—")); return; }
    d.options.forEach(function (o) {
      var box = el("article", "option status-" + o.status);
      var head = el("h3");
      head.appendChild(el("span", "badge", STATUS[o.status] || o.status));
      head.appendChild(document.createTextNode(" " + (KIND[o.kind] || o.kind) + " · " + o.level +
        " · " + (PATH[o.path] || o.path) + (o.status === "not_yet" && o.earliest_year ? " · " + o.earliest_year + "年起" : "")));
      box.appendChild(head);
      box.appendChild(citationNodes(o.citations));
      if (o.assumptions && o.assumptions.length) {
        box.appendChild(el("p", "assume", "推定：" + o.assumptions.map(function (a) { return labels.facts[a.fact] || a.fact; }).join("；")));
      }
      decision.appendChild(box);
    });
    d.blockers.forEach(function (b) {
      var box = el("article", "option blocker");
      var head = el("h3");
      head.appendChild(el("span", "badge", "限制"));
      head.appendChild(document.createTextNode(" " + b.applies_to.map(function (k) { return KIND[k] || k; }).join("、") +
        (b.until_year ? " · 至" + b.until_year + "年解除" : "")));
      box.appendChild(head);
      if (b.explanation) box.appendChild(el("p", null, b.explanation));
      box.appendChild(citationNodes(b.citations));
      decision.appendChild(box);
    });
  }

  function suggestionNode(s) {
    var li = el("li", "suggestion type-" + s.type);
    li.setAttribute("data-type", s.type);
    if (s.fact) li.setAttribute("data-fact", s.fact);
    var head = el("div", "s-head");
    head.appendChild(el("span", "badge", TYPE[s.type] || s.type));
    if (s.label) head.appendChild(el("span", "s-label", s.label));
    var btn = el("button", "copy", "复制"); btn.type = "button";
    btn.addEventListener("click", function () { copy(s, btn); });
    head.appendChild(btn);
    li.appendChild(head);
    li.appendChild(el("p", "s-text", s.text));
    return li;
  }

  // ---- copy --------------------------------------------------------------------------
  function fallbackCopy(text) {
    var ta = el("textarea"); ta.value = text; ta.setAttribute("readonly", "");
    ta.style.position = "fixed"; ta.style.top = "-1000px";
    document.body.appendChild(ta); ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }
  function writeClipboard(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }
  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return "fnv1a32:" + ("0000000" + h.toString(16)).slice(-8);
  }
  function textHash(text) {
    if (window.crypto && crypto.subtle && window.isSecureContext) {
      return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buf) {
        return "sha256:" + Array.prototype.map.call(new Uint8Array(buf), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      });
    }
    return Promise.resolve(fnv1a(text));
  }
  function copy(s, btn) {
    writeClipboard(s.text).then(function () {
      btn.textContent = "已复制"; btn.classList.add("done");
      setTimeout(function () { btn.textContent = "复制"; btn.classList.remove("done"); }, 1500);
      return textHash(s.text).then(function (h) {
        var body = { conversation_id: conversationId(), suggestion_type: s.type, text_hash: h };
        if (s.fact) body.fact = s.fact;
        return post("copied", body);
      }).then(function () { toast("已复制，可直接粘贴"); });
    }).catch(function (err) {
      if (err && err.message !== "401") toast("复制失败，请手动选择文字复制");
    });
  }

  // ---- start -------------------------------------------------------------------------
  busy = fetch(API + "labels").then(function (r) { return r.json(); }).then(function (l) { labels = l; }).catch(function () {});
  fetch("/webhooks/web/articles.json").then(function (r) { return r.ok ? r.json() : { articles: [] }; }).then(function (j) {
    (j.articles || []).forEach(function (a) { articles[a.doc + "|" + a.article] = a.text; });
  }).catch(function () {});
  if (conversationId()) $("conversation-id").textContent = conversationId(); else newCall();
  if (!token()) askToken();
})();
