/* The query page: editor, examples, run via fetch to /sparql, results table, downloads, share link. */
(function () {
  "use strict";
  var app = document.getElementById("query-app");
  if (!app) return;
  var root = app.getAttribute("data-root") || "/";
  var base = app.getAttribute("data-base") || "";
  var textarea = document.getElementById("query");
  var pre = document.getElementById("highlight");
  var statusEl = document.getElementById("status");
  var resultsEl = document.getElementById("results");
  var examples = JSON.parse(document.getElementById("examples-data").textContent || "[]");
  var known = JSON.parse(document.getElementById("prefixes-data").textContent || "{}");

  function paint() {
    // A trailing newline needs a character after it, or the <pre> is one line short.
    pre.innerHTML = SparqlText.highlight(textarea.value) + "\n ";
    pre.scrollTop = textarea.scrollTop;
    pre.scrollLeft = textarea.scrollLeft;
    updateLinks();
  }

  function kindOf(q) {
    var f = SparqlText.form(q);
    return f === "construct" || f === "describe" ? "graph" : "results";
  }

  // What is sent: the editor's text with the PREFIX lines it needs.
  function fullQuery() {
    return SparqlText.withPrefixes(textarea.value, known);
  }

  function updateLinks() {
    var q = fullQuery(), kind = kindOf(q);
    var links = document.querySelectorAll("#downloads a[data-format]");
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      a.hidden = a.getAttribute("data-kind") !== kind;
      a.href = root + "sparql?query=" + encodeURIComponent(q) + "&format=" + a.getAttribute("data-format");
    }
    var view = document.getElementById("view");  // a SELECT's server-drawn table and chart
    view.hidden = SparqlText.form(q) !== "select";
    view.href = root + "query/view?query=" + encodeURIComponent(q);
    document.getElementById("share").href = shareUrl(textarea.value);
  }

  function shareUrl(q) {
    return root + "query?query=" + encodeURIComponent(q);
  }

  function localHref(iri) {
    if (base && iri.indexOf(base) === 0) {
      var rest = iri.slice(base.length);
      if (/^(id|def|graph)\//.test(rest)) return root + rest;
    }
    return iri;
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // An IRI as its prefixed name (the longest matching namespace), else whole.
  function curie(iri) {
    var best = null;
    Object.keys(known).forEach(function (p) {
      var ns = known[p];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length && (!best || ns.length > known[best].length)) best = p;
    });
    return best ? best + ":" + iri.slice(known[best].length) : iri;
  }

  // An IRI is a link; with a label (?xLabel) the label is the link's text and the IRI stays visible beside it.
  function termNode(term, label) {
    if (!term) return document.createTextNode("");
    if (term.type === "uri") {
      var link = el("a", { href: localHref(term.value), title: term.value }, label ? label.value : curie(term.value));
      if (!label) return link;
      var both = document.createDocumentFragment();
      both.appendChild(link);
      both.appendChild(document.createTextNode(" "));
      both.appendChild(el("span", { "class": "iri" }, curie(term.value)));
      return both;
    }
    if (term.type === "bnode") return el("span", { "class": "bnode" }, "_:" + term.value);
    var span = el("span", { "class": "literal" }, term.value);
    var wrap = document.createDocumentFragment();
    wrap.appendChild(span);
    if (term["xml:lang"]) wrap.appendChild(el("span", { "class": "lang" }, "@" + term["xml:lang"]));
    return wrap;
  }

  function renderSelect(data) {
    resultsEl.innerHTML = "";
    if (typeof data.boolean === "boolean") {
      resultsEl.appendChild(el("p", { "class": "boolean" }, "ASK → " + data.boolean));
      setStatus("done", false);
      return;
    }
    var vars = data.head.vars || [];
    // ?xLabel is shown as the text of ?x's link (its IRI beside it), not as a column of its own.
    var shown = vars.filter(function (v) {
      return !(/Label$/.test(v) && vars.indexOf(v.slice(0, -5)) >= 0);
    });
    var table = el("table", { "class": "results" });
    var head = table.createTHead().insertRow();
    shown.forEach(function (v) { head.appendChild(el("th", null, "?" + v)); });
    var body = table.createTBody();
    data.results.bindings.forEach(function (row) {
      var tr = body.insertRow();
      shown.forEach(function (v) {
        var td = tr.insertCell();
        var label = vars.indexOf(v + "Label") >= 0 ? row[v + "Label"] : undefined;
        if (row[v]) td.appendChild(termNode(row[v], label));
        else if (label) td.appendChild(termNode(label));
      });
    });
    resultsEl.appendChild(table);
    setStatus(data.results.bindings.length + " rows", false);
  }

  // N-Triples lines to a subject / predicate / object table.
  var NT_TERM = /<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?/g;
  function unescapeNt(s) {
    return s.replace(/\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\(.)/g, function (_, u, U, c) {
      if (u) return String.fromCharCode(parseInt(u, 16));
      if (U) return String.fromCodePoint(parseInt(U, 16));
      return { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" }[c] || c;
    });
  }
  function renderTriples(text) {
    resultsEl.innerHTML = "";
    var table = el("table", { "class": "results" });
    var head = table.createTHead().insertRow();
    ["subject", "predicate", "object"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    var body = table.createTBody(), n = 0;
    text.split("\n").forEach(function (line) {
      if (!line.trim()) return;
      var terms = [], m;
      NT_TERM.lastIndex = 0;
      while ((m = NT_TERM.exec(line)) !== null && terms.length < 3) {
        if (m[1] !== undefined) terms.push({ type: "uri", value: m[1] });
        else if (m[2] !== undefined) terms.push({ type: "bnode", value: m[2] });
        else terms.push({ type: "literal", value: unescapeNt(m[3]), "xml:lang": m[4] });
      }
      var tr = body.insertRow();
      terms.forEach(function (t) { tr.insertCell().appendChild(termNode(t)); });
      n++;
    });
    resultsEl.appendChild(table);
    setStatus(n + " triples", false);
  }

  function setStatus(text, failed) {
    statusEl.textContent = text;
    statusEl.className = failed ? "failed" : "";
  }

  function run() {
    var q = fullQuery();
    var kind = kindOf(q);
    history.replaceState(null, "", shareUrl(textarea.value));
    setStatus("running…", false);
    var accept = kind === "graph" ? "application/n-triples" : "application/sparql-results+json";
    return fetch(root + "sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
      body: "query=" + encodeURIComponent(q),
    }).then(function (resp) {
      if (!resp.ok) {
        return resp.text().then(function (t) {
          var msg = t;
          try { msg = JSON.parse(t).error.message; } catch (e) { /* not the envelope */ }
          resultsEl.innerHTML = "";
          resultsEl.appendChild(el("pre", { "class": "error" }, msg));
          setStatus("failed (" + resp.status + ")", true);
        });
      }
      // an answer past the row cap is refused (too_many_rows, above), never cut: what arrives is whole
      return kind === "graph" ? resp.text().then(renderTriples) : resp.json().then(renderSelect);
    }).catch(function (err) {
      setStatus("failed: " + err, true);
    });
  }

  textarea.addEventListener("input", paint);
  textarea.addEventListener("scroll", function () {
    pre.scrollTop = textarea.scrollTop;
    pre.scrollLeft = textarea.scrollLeft;
  });
  textarea.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
    else if (e.key === "Tab") {
      e.preventDefault();
      var s = textarea.selectionStart;
      textarea.setRangeText("  ", s, textarea.selectionEnd, "end");
      paint();
    }
  });
  document.getElementById("query-form").addEventListener("submit", function (e) {
    e.preventDefault();
    run();
  });
  var buttons = document.querySelectorAll("button[data-example]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () {
      var ex = examples[Number(this.getAttribute("data-example"))];
      textarea.value = ex.text;
      paint();
      textarea.focus();
    });
  }

  var params = new URLSearchParams(window.location.search);
  if (params.has("query")) textarea.value = params.get("query");
  paint();
  if (app.getAttribute("data-auto-run") === "true" || params.has("query")) run();
})();
