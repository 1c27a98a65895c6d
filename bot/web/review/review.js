/* 技能贯通助手 — review console for the policy office. Message texts go in as text nodes only. */
(function () {
  "use strict";
  var API = "/webhooks/review/api/";
  var KEY_TOKEN = "jineng.review.token";
  var REFRESH_MS = 5000;
  var PATH = { regular: "常规晋升", green_channel: "绿色通道", exception: "破格", "—": "—" };
  var COLORS = ["#1f6feb", "#1a7f37", "#d97706", "#b42318", "#6f42c1", "#0b7285", "#9aa5b1", "#e8590c"];

  var $ = function (id) { return document.getElementById(id); };
  var session = window.sessionStorage;
  var vocab = { intents: [], facts: {}, reasons: {}, regions: {} };  // GET api/vocabulary
  var items = [];
  var selected = null;
  var charts = {};
  var lastFigures = null;

  var common = window.JinengConsole;  // console-common.js: DOM helpers, toast, token dialog
  var el = common.el, clear = common.clear;
  function toast(text) { common.toast(text, 2500); }

  // ---- token and requests -----------------------------------------------------------
  var tokenDialog = common.tokenDialog(KEY_TOKEN, function () { start(); });
  function token() { return tokenDialog.get(); }
  function askToken(message) { tokenDialog.ask(message); }
  $("logout").addEventListener("click", function () { session.removeItem(KEY_TOKEN); askToken(); });

  function call(method, path, body, as) {
    var init = { method: method, credentials: "omit", headers: { "Authorization": "Bearer " + (token() || "") } };
    if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(API + path, init).then(function (r) {
      if (r.status === 401) { session.removeItem(KEY_TOKEN); askToken("令牌无效，请重新输入"); throw new Error("401"); }
      if (!r.ok) return r.json().catch(function () { return {}; }).then(function (j) { throw new Error(j.error || ("HTTP " + r.status)); });
      if (r.status === 204) return null;
      return as === "text" ? r.text() : as === "blob" ? r.blob() : r.json();
    });
  }

  // ---- inbox -------------------------------------------------------------------------
  function loadInbox() {
    if (!token()) return Promise.resolve();
    var q = "inbox?limit=300";
    if ($("reason-filter").value) q += "&reason=" + encodeURIComponent($("reason-filter").value);
    if ($("unreviewed-only").checked) q += "&unreviewed=1";
    return call("GET", q).then(function (list) {
      items = list;
      $("updated").textContent = new Date().toLocaleTimeString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" });
      renderInbox();
    }).catch(function (err) { if (err.message !== "401") toast("读取失败：" + err.message); });
  }

  function reasonBadges(item) {
    var box = el("span", "meta");
    item.reasons.forEach(function (r) { box.appendChild(el("span", "reason r-" + r.code, r.label)); });
    if (item.annotation) box.appendChild(el("span", "done", item.annotation.out_of_scope ? "已标为范围外" : "已标注"));
    return box;
  }

  function renderInbox() {
    var list = $("inbox"); clear(list);
    $("inbox-count").textContent = String(items.length);
    if (!items.length) { list.appendChild(el("li", "empty", "暂无需要审阅的消息")); return; }
    items.forEach(function (item) {
      var li = el("li", "item" + (item.annotation ? " reviewed" : "") + (selected && selected.id === item.id ? " selected" : ""));
      li.dataset.id = item.id;
      li.tabIndex = 0;
      li.appendChild(el("p", "item-text", item.text || "（空消息）"));
      var meta = el("span", "meta");
      meta.appendChild(el("span", null, item.time.replace("T", " ").slice(0, 19)));
      meta.appendChild(el("span", null, "渠道 " + (item.channel || "—")));
      meta.appendChild(el("span", null, "用户 " + item.sender));
      li.appendChild(meta);
      li.appendChild(reasonBadges(item));
      li.addEventListener("click", function () { select(item.id); });
      li.addEventListener("keydown", function (e) { if (e.key === "Enter") select(item.id); });
      list.appendChild(li);
    });
    if (selected) {
      var fresh = items.filter(function (i) { return i.id === selected.id; })[0];
      if (fresh && JSON.stringify(fresh) !== JSON.stringify(selected)) { selected = fresh; renderDetail(); }
    }
  }

  function select(id) {
    selected = items.filter(function (i) { return i.id === id; })[0] || null;
    renderInbox(); renderDetail(); fillForm();
  }

  function renderDetail() {
    var box = $("detail"); clear(box);
    if (!selected) { box.appendChild(el("p", "empty", "在左侧选择一条消息")); return; }
    box.appendChild(reasonBadges(selected));
    var ol = el("ol", "context"), current = null;
    selected.context.forEach(function (line) {
      var li = el("li", line.who + (line.current ? " current" : "") + (line.who === "bot" && line.text.length > 120 ? " long" : ""));
      li.appendChild(el("span", "who", (line.who === "user" ? "用户" : "助手") + " · " + line.time.slice(11, 19)));
      li.appendChild(document.createTextNode(line.text));
      if (li.classList.contains("long")) { li.title = "点击展开"; li.addEventListener("click", function () { li.classList.toggle("open"); }); }
      if (line.current) current = li;
      ol.appendChild(li);
    });
    var scroller = el("div", "context-box"); scroller.appendChild(ol);
    box.appendChild(scroller);
    if (current) scroller.scrollTop = Math.max(0, current.offsetTop - scroller.offsetTop - 80);
    var conf = selected.confidence == null ? "—" : selected.confidence.toFixed(2);
    var nlu = "识别意图：" + (selected.intent || "—") + "（置信度 " + conf + "）";
    if (selected.entities.length) nlu += "；识别信息：" + selected.entities.map(function (e) { return e.entity + "=" + JSON.stringify(e.value); }).join("，");
    if (selected.dropped.length) nlu += "；被丢弃：" + selected.dropped.join("、");
    box.appendChild(el("p", "nlu", nlu));
  }

  // ---- annotation --------------------------------------------------------------------
  function option(value, text) { var o = el("option", null, text); o.value = value; return o; }

  function valueInput(key, value) {
    var spec = vocab.facts[key] || { type: "str", values: [] };
    var input;
    if (spec.type === "bool") {
      input = el("select"); input.appendChild(option("true", "是")); input.appendChild(option("false", "否"));
    } else if (spec.values.length && !spec.open) {
      input = el("select");
      spec.values.forEach(function (v) { input.appendChild(option(v, v)); });
    } else {
      input = el("input"); input.type = "text"; input.placeholder = spec.type === "str" ? "取值" : "数字";
    }
    input.className = "fact-value"; input.setAttribute("aria-label", "取值");
    if (value != null) input.value = String(value);
    return input;
  }

  function addFactRow(key, value, words) {
    var row = el("div", "fact-row");
    var keySelect = el("select", "fact-key"); keySelect.setAttribute("aria-label", "信息项");
    Object.keys(vocab.facts).forEach(function (k) { keySelect.appendChild(option(k, vocab.facts[k].label + "（" + k + "）")); });
    if (key) keySelect.value = key;
    var valueBox = valueInput(keySelect.value, value);
    var wordsInput = el("input", "fact-words"); wordsInput.type = "text"; wordsInput.placeholder = "原文中的词（可空）";
    wordsInput.setAttribute("aria-label", "原文中的词");
    if (words) wordsInput.value = words;
    var remove = el("button", null, "×"); remove.type = "button"; remove.title = "删除";
    keySelect.addEventListener("change", function () {
      var fresh = valueInput(keySelect.value, null); row.replaceChild(fresh, valueBox); valueBox = fresh;
    });
    remove.addEventListener("click", function () { row.parentNode.removeChild(row); });
    row.appendChild(keySelect); row.appendChild(valueBox); row.appendChild(wordsInput); row.appendChild(remove);
    $("fact-rows").appendChild(row);
  }

  function fillForm() {
    $("annotate-error").textContent = "";
    $("annotate-form").hidden = !selected; $("annotate-empty").hidden = !!selected;
    if (!selected) return;
    clear($("fact-rows"));
    var a = selected.annotation;
    $("intent-select").value = a && !a.out_of_scope ? a.intent : (vocab.intents.indexOf(selected.intent) >= 0 ? selected.intent : "");
    var facts = a ? a.entities : selected.entities;
    facts.forEach(function (f) {
      var words = (f.start != null && f.end != null) ? selected.text.slice(f.start, f.end) : "";
      addFactRow(f.entity, f.value, words);
    });
  }

  function typed(key, raw) {
    var spec = vocab.facts[key] || {};
    if (spec.type === "bool") return raw === "true";
    if (spec.type === "int" || spec.type === "number") { var n = Number(raw); return raw === "" || isNaN(n) ? raw : n; }
    return raw;
  }

  function sendAnnotation(body) {
    $("annotate-error").textContent = "";
    return call("POST", "annotations", body).then(function () {
      toast("已保存标注");
      return Promise.all([loadInbox(), loadExport()]);
    }).catch(function (err) { if (err.message !== "401") $("annotate-error").textContent = err.message; });
  }

  $("add-fact").addEventListener("click", function () { addFactRow(null, null, ""); });
  $("annotate-form").addEventListener("submit", function (e) {
    e.preventDefault();
    if (!selected) return;
    if (!$("intent-select").value) { $("annotate-error").textContent = "请选择正确的意图，或标为范围外"; return; }
    var facts = Array.prototype.map.call(document.querySelectorAll("#fact-rows .fact-row"), function (row) {
      var key = row.querySelector(".fact-key").value;
      var fact = { entity: key, value: typed(key, row.querySelector(".fact-value").value.trim()) };
      var words = row.querySelector(".fact-words").value.trim();
      if (words) fact.text = words;
      return fact;
    });
    sendAnnotation({ event_id: selected.id, intent: $("intent-select").value, facts: facts });
  });
  $("out-of-scope").addEventListener("click", function () {
    if (selected) sendAnnotation({ event_id: selected.id, out_of_scope: true });
  });

  function loadExport() {
    return call("GET", "export", undefined, "text").then(function (text) { $("export").textContent = text; })
      .catch(function () {});
  }

  // ---- figures -----------------------------------------------------------------------
  function chart(name, config) {
    if (charts[name]) charts[name].destroy();
    if (typeof Chart === "undefined") return;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    charts[name] = new Chart($("chart-" + name), config);
  }

  // groupOf: a column index, or a function of the row
  function stacked(rows, xIndex, groupOf, valueIndex, groupLabel) {
    var key = typeof groupOf === "function" ? groupOf : function (r) { return r[groupOf]; };
    var xs = [], groups = [];
    rows.forEach(function (r) {
      if (xs.indexOf(r[xIndex]) < 0) xs.push(r[xIndex]);
      if (groups.indexOf(key(r)) < 0) groups.push(key(r));
    });
    return {
      labels: xs,
      datasets: groups.map(function (g, i) {
        return { label: groupLabel ? groupLabel(g) : g, backgroundColor: COLORS[i % COLORS.length],
          data: xs.map(function (x) {
            return rows.filter(function (r) { return r[xIndex] === x && key(r) === g; })
              .reduce(function (s, r) { return s + r[valueIndex]; }, 0);
          }) };
      })
    };
  }

  function renderTable(name, table) {
    var panel = document.querySelector('.chart-panel[data-table="' + name + '"] .table-box');
    clear(panel);
    var t = el("table"), head = el("tr");
    table.columns.forEach(function (c) { head.appendChild(el("th", null, c)); });
    t.appendChild(head);
    table.rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (cell) { tr.appendChild(el("td", null, cell == null ? "—" : String(cell))); });
      t.appendChild(tr);
    });
    panel.appendChild(t);
    var csv = el("button", "csv", "下载 CSV"); csv.type = "button";
    csv.addEventListener("click", function () { downloadCsv(name); });
    panel.appendChild(csv);
  }

  function downloadCsv(name) {
    var q = "figures/" + name + ".csv?from=" + lastFigures.from + "&to=" + lastFigures.to;
    call("GET", q, undefined, "blob").then(function (blob) {
      var a = el("a"); a.href = URL.createObjectURL(blob);
      a.download = "review-" + name + "-" + lastFigures.from + "-" + lastFigures.to + ".csv";
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    }).catch(function (err) { if (err.message !== "401") toast("下载失败：" + err.message); });
  }

  function loadFigures() {
    var q = "figures";
    var from = $("range-from").value, to = $("range-to").value;
    if (from || to) q += "?from=" + encodeURIComponent(from) + "&to=" + encodeURIComponent(to);
    $("range-error").textContent = "";
    return call("GET", q).then(function (f) {
      lastFigures = f;
      $("range-from").value = f.from; $("range-to").value = f.to;
      var T = f.tables;
      var rates = $("rates"); clear(rates);
      T.rates.rows.forEach(function (r) {
        var box = el("div", "rate");
        box.appendChild(el("b", null, r[3] == null ? "—" : (r[3] * 100).toFixed(1) + "%"));
        box.appendChild(el("span", null, (r[0].indexOf("handoff") === 0 ? "转人工率" : "兜底率") + "（" + r[1] + " / " + r[2] + "）"));
        rates.appendChild(box);
      });
      var byDay = stacked(T.conversations.rows, 0, function (r) { return r[1] + " · " + (vocab.regions[r[2]] || r[2]); }, 3);
      chart("conversations", { type: "bar", data: byDay, options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } });
      chart("topics", { type: "bar", data: { labels: T.topics.rows.map(function (r) { return r[1]; }),
        datasets: [{ label: "问题数", backgroundColor: COLORS[0], data: T.topics.rows.map(function (r) { return r[2]; }) }] },
        options: { indexAxis: "y", plugins: { legend: { display: false } } } });
      chart("decisions", { type: "bar", data: stacked(T.decisions.rows, 1, 2, 3, function (g) { return PATH[g] || g; }),
        options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } });
      chart("first_answer", { type: "bar", data: { labels: T.first_answer.rows.map(function (r) { return String(r[0]); }),
        datasets: [{ label: "对话数", backgroundColor: COLORS[1], data: T.first_answer.rows.map(function (r) { return r[1]; }) }] },
        options: { plugins: { legend: { display: false } } } });
      Object.keys(T).forEach(function (name) { renderTable(name, T[name]); });
    }).catch(function (err) { if (err.message !== "401") $("range-error").textContent = err.message; });
  }
  $("range-form").addEventListener("submit", function (e) { e.preventDefault(); loadFigures(); });

  // ---- tabs and start ----------------------------------------------------------------
  function show(tab) {
    var inbox = tab === "inbox";
    $("view-inbox").hidden = !inbox; $("view-figures").hidden = inbox;
    $("tab-inbox").classList.toggle("active", inbox); $("tab-figures").classList.toggle("active", !inbox);
    $("tab-inbox").setAttribute("aria-selected", String(inbox)); $("tab-figures").setAttribute("aria-selected", String(!inbox));
    if (!inbox) loadFigures();
  }
  $("tab-inbox").addEventListener("click", function () { show("inbox"); });
  $("tab-figures").addEventListener("click", function () { show("figures"); });
  $("reason-filter").addEventListener("change", loadInbox);
  $("unreviewed-only").addEventListener("change", loadInbox);

  var started = false;
  function start() {
    call("GET", "vocabulary").then(function (v) {
      vocab = v;
      var intents = $("intent-select"); clear(intents);
      intents.appendChild(option("", "— 请选择 —"));
      v.intents.forEach(function (i) { intents.appendChild(option(i, i)); });
      var reasons = $("reason-filter");
      while (reasons.options.length > 1) reasons.remove(1);
      Object.keys(v.reasons).forEach(function (code) { reasons.appendChild(option(code, v.reasons[code])); });
      loadInbox(); loadExport();
      if (!started) { started = true; setInterval(function () { if (!document.hidden && !$("view-inbox").hidden) loadInbox(); }, REFRESH_MS); }
    }).catch(function (err) { if (err.message !== "401") toast("连接失败：" + err.message); });
  }
  if (token()) start(); else askToken();
})();
