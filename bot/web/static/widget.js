/*! 技能贯通助手 — website help widget.
 * Embed:  <script src="https://HOST/webhooks/web/widget.js" data-server="https://HOST"></script>
 * Optional attributes: data-open="true" (start opened), data-socket-path="/socket.io".
 * Talks to Rasa's socket.io channel (events user_uttered / bot_uttered, session_request /
 * session_confirm). Bot and user text is only ever inserted as text nodes (never innerHTML).
 * Citations such as 《百色市实施细则》第八条 become <details> whose body is the article text
 * from /webhooks/web/articles.json (generated from the rules engine's knowledge base).
 */
(function () {
  "use strict";
  if (window.JinengWidget) return;
  var script = document.currentScript || (function () {
    var all = document.querySelectorAll("script[src*='widget.js']");
    return all[all.length - 1];
  })();
  var scriptUrl = new URL(script.getAttribute("src"), document.baseURI);
  var server = (script.getAttribute("data-server") || scriptUrl.origin).replace(/\/+$/, "");
  var base = new URL("./", scriptUrl).href;               // …/webhooks/web/
  var socketPath = script.getAttribute("data-socket-path") || "/socket.io";
  var startOpen = script.getAttribute("data-open") === "true";

  var KEY_SESSION = "jineng.web.session_id";
  var KEY_LOG = "jineng.web.transcript";
  var MAX_LOG = 80;
  var QUICK = ["我能评什么职称？", "申报时间", "申报费用", "需要什么材料", "转人工"];
  var T = {
    title: "技能贯通助手",
    subtitle: "高技能人才与专业技术人才职业发展贯通政策咨询",
    placeholder: "请输入您的问题，如：我是技师，干了三年，能评什么？",
    send: "发送", open: "政策咨询", close: "收起", restart: "新对话",
    hello: "您好！我是技能贯通助手。告诉我您的技能等级或职称、取得年限和所在地区，我来帮您看看能评什么、依据哪一条。",
    offline: "连接中断，正在重连…", typing: "正在查询政策…", noText: "（未找到条文原文）",
    citeHint: "点击查看条文"
  };

  function store(kind) { try { return window[kind]; } catch (e) { return null; } }
  var local = store("localStorage");
  function load(key, fallback) {
    try { var v = local && local.getItem(key); return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; }
  }
  function save(key, value) { try { local && local.setItem(key, JSON.stringify(value)); } catch (e) { /* full or blocked */ } }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  // ---- citations -------------------------------------------------------------------
  var articles = {};   // "《百色市实施细则》第八条" -> text
  var articlesReady = fetch(base + "articles.json", { credentials: "omit" })
    .then(function (r) { return r.ok ? r.json() : { docs: {}, articles: [] }; })
    .then(function (data) {
      (data.articles || []).forEach(function (a) {
        var short = (data.docs || {})[a.doc];
        if (short) articles[short + a.article] = a.text;
      });
    })
    .catch(function () { /* citations still render, without their text */ });

  var CN = "〇零一二三四五六七八九十百";
  var CITE = new RegExp("《[^《》\\s]{2,20}》(?:第[" + CN + "]+条|[" + CN + "]+(?![" + CN + "]*条))" +
                        "(?:（[" + CN + "]+）)*\\d*(?:（[" + CN + "]+）)*", "g");
  var URL_RE = /https?:\/\/[A-Za-z0-9.\-_~:/?#@!$&'*+,;=%]+/g;

  function articleText(citation) {
    // A sub-item (第七条（四）) falls back to its article (第七条), then outward.
    var key = citation;
    while (key) {
      if (articles[key] != null) return articles[key];
      var shorter = key.replace(/(（[^（）]+）|\d+)$/, "");
      if (shorter === key) break;
      key = shorter;
    }
    return null;
  }

  function appendLinkified(parent, text) {
    var last = 0, m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text))) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = el("a", "jn-link", m[0]);
      a.href = m[0]; a.target = "_blank"; a.rel = "noopener noreferrer nofollow";
      parent.appendChild(a);
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function citationNode(citation) {
    var details = el("details", "jn-cite");
    var summary = el("summary", "jn-cite-title", citation);
    summary.title = T.citeHint;
    details.appendChild(summary);
    var quote = el("blockquote", "jn-cite-text");
    var text = articleText(citation);
    quote.textContent = text == null ? T.noText : text;
    details.appendChild(quote);
    return details;
  }

  function renderRich(parent, text) {
    var last = 0, m;
    CITE.lastIndex = 0;
    while ((m = CITE.exec(text))) {
      if (m.index > last) appendLinkified(parent, text.slice(last, m.index));
      parent.appendChild(citationNode(m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) appendLinkified(parent, text.slice(last));
  }

  // ---- UI ----------------------------------------------------------------------------
  var host = el("div"); host.id = "jineng-widget";
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var css = el("link"); css.rel = "stylesheet"; css.href = base + "widget.css";
  root.appendChild(css);

  var launcher = el("button", "jn-launcher", T.open);
  launcher.type = "button"; launcher.setAttribute("aria-label", T.title + " " + T.open);
  var panel = el("section", "jn-panel");
  panel.setAttribute("role", "dialog"); panel.setAttribute("aria-label", T.title);
  var header = el("header", "jn-header");
  var titles = el("div", "jn-titles");
  titles.appendChild(el("h2", "jn-title", T.title));
  titles.appendChild(el("p", "jn-subtitle", T.subtitle));
  var restart = el("button", "jn-restart", T.restart); restart.type = "button";
  var close = el("button", "jn-close", "×"); close.type = "button"; close.setAttribute("aria-label", T.close);
  header.appendChild(titles); header.appendChild(restart); header.appendChild(close);
  var status = el("div", "jn-status"); status.setAttribute("role", "status");
  var log = el("ol", "jn-log"); log.setAttribute("aria-live", "polite");
  var quick = el("div", "jn-quick");
  var form = el("form", "jn-form");
  var input = el("textarea", "jn-input");
  input.rows = 1; input.placeholder = T.placeholder; input.maxLength = 500;
  input.setAttribute("aria-label", T.placeholder);
  var send = el("button", "jn-send", T.send); send.type = "submit";
  form.appendChild(input); form.appendChild(send);
  panel.appendChild(header); panel.appendChild(status); panel.appendChild(log);
  panel.appendChild(quick); panel.appendChild(form);
  root.appendChild(launcher); root.appendChild(panel);

  function setOpen(open) {
    panel.classList.toggle("jn-open", open);
    launcher.classList.toggle("jn-hidden", open);
    if (open) { input.focus({ preventScroll: true }); scrollDown(); }
  }
  launcher.addEventListener("click", function () { setOpen(true); });
  close.addEventListener("click", function () { setOpen(false); });

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  var transcript = load(KEY_LOG, []);
  var typing = null;

  function showQuick(buttons) {
    quick.textContent = "";
    buttons.forEach(function (b) {
      var btn = el("button", "jn-chip", b.title);
      btn.type = "button";
      btn.addEventListener("click", function () { ask(b.payload || b.title, b.title); });
      quick.appendChild(btn);
    });
  }
  var defaultQuick = QUICK.map(function (q) { return { title: q, payload: q }; });

  function addMessage(who, text, remember) {
    var item = el("li", "jn-msg jn-" + who);
    var bubble = el("div", "jn-bubble");
    if (who === "bot") renderRich(bubble, text); else bubble.textContent = text;
    item.appendChild(bubble);
    log.insertBefore(item, typing && typing.parentNode === log ? typing : null);
    if (remember) {
      transcript.push({ who: who, text: text });
      if (transcript.length > MAX_LOG) transcript = transcript.slice(-MAX_LOG);
      save(KEY_LOG, transcript);
    }
    scrollDown();
  }

  function setTyping(on) {
    if (on && !typing) {
      typing = el("li", "jn-msg jn-bot jn-typing");
      typing.appendChild(el("div", "jn-bubble", T.typing));
      log.appendChild(typing);
      scrollDown();
    } else if (!on && typing) {
      typing.remove(); typing = null;
    }
  }

  function replay() {
    log.textContent = "";
    addMessage("bot", T.hello, false);
    transcript.forEach(function (m) { addMessage(m.who, m.text, false); });
    showQuick(defaultQuick);
  }

  // ---- socket.io ---------------------------------------------------------------------
  var sessionId = load(KEY_SESSION, null);
  var confirmed = false, pending = [], socket = null, typingTimer = null;

  function connect() {
    socket = window.io(server, { path: socketPath, reconnectionDelayMax: 10000 });
    socket.on("connect", function () {
      status.textContent = ""; panel.classList.remove("jn-offline");
      socket.emit("session_request", { session_id: sessionId });
    });
    socket.on("session_confirm", function (id) {
      var sid = typeof id === "string" ? id : (id && id.session_id);
      if (sid) { sessionId = sid; save(KEY_SESSION, sid); }
      confirmed = true;
      host.setAttribute("data-session-id", sessionId || "");
      while (pending.length) emitMessage(pending.shift());
    });
    socket.on("disconnect", function () {
      confirmed = false; status.textContent = T.offline; panel.classList.add("jn-offline");
    });
    socket.on("bot_uttered", function (msg) {
      clearTimeout(typingTimer); setTyping(false);
      if (!msg) return;
      if (typeof msg.text === "string" && msg.text) addMessage("bot", msg.text, true);
      if (msg.quick_replies && msg.quick_replies.length) {
        showQuick(msg.quick_replies.map(function (q) { return { title: String(q.title), payload: String(q.payload) }; }));
      } else if (msg.text) {
        showQuick(defaultQuick);
      }
    });
  }

  function emitMessage(text) {
    socket.emit("user_uttered", { message: text, session_id: sessionId });
  }

  function ask(message, shown) {
    var text = String(message || "").trim();
    if (!text) return;
    addMessage("user", shown || text, true);
    setTyping(true);
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { setTyping(false); }, 30000);
    if (socket && confirmed) emitMessage(text); else pending.push(text);
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    ask(text);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit")); }
  });
  restart.addEventListener("click", function () {
    transcript = []; save(KEY_LOG, transcript);
    sessionId = null; try { local && local.removeItem(KEY_SESSION); } catch (e) { /* ignore */ }
    confirmed = false;
    if (socket) socket.emit("session_request", { session_id: null });
    replay();
  });

  function loadClient() {
    if (window.io) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = base + "vendor/socket.io.min.js";
      s.onload = resolve; s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function start() {
    document.body.appendChild(host);
    replay();
    setOpen(startOpen);
    articlesReady.then(function () {
      // Citations rendered before the articles arrived get their text now.
      Array.prototype.forEach.call(log.querySelectorAll("details.jn-cite"), function (d) {
        var text = articleText(d.querySelector("summary").textContent);
        if (text != null) d.querySelector("blockquote").textContent = text;
      });
    });
    loadClient().then(connect, function () { status.textContent = T.offline; });
  }

  window.JinengWidget = { open: function () { setOpen(true); }, close: function () { setOpen(false); }, ask: ask };
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
