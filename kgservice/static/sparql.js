/* A small SPARQL tokenizer and highlighter (no dependencies).
 * SparqlText.highlight(text) -> HTML with <span class="tok-…"> around tokens.
 * SparqlText.form(text) -> "select" | "ask" | "construct" | "describe" | "update" | null.
 * SparqlText.withPrefixes(text, {prefix: iri}) -> text with PREFIX lines for the known prefixes it
 *   uses without declaring.
 */
(function (global) {
  "use strict";
  var KEYWORDS = ("SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED PREFIX BASE DISTINCT REDUCED " +
    "OPTIONAL FILTER UNION MINUS GRAPH SERVICE SILENT BIND VALUES AS ORDER BY ASC DESC LIMIT OFFSET " +
    "GROUP HAVING NOT EXISTS IN UNDEF TRUE FALSE INSERT DELETE DATA LOAD CLEAR DROP CREATE ADD MOVE " +
    "COPY WITH USING DEFAULT ALL INTO TO SEPARATOR").split(" ");
  var FUNCTIONS = ("STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT " +
    "STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY " +
    "HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF " +
    "STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM " +
    "MIN MAX AVG SAMPLE GROUP_CONCAT").split(" ");
  var kw = {}, fn = {};
  KEYWORDS.forEach(function (k) { kw[k] = true; });
  FUNCTIONS.forEach(function (f) { fn[f] = true; });

  // One alternative per token class; the first group that matched names the class.
  var TOKEN = new RegExp([
    "(#[^\\n]*)",                                                    // 1 comment
    "(\"\"\"[\\s\\S]*?(?:\"\"\"|$)|'''[\\s\\S]*?(?:'''|$)" +
      "|\"(?:[^\"\\\\\\n]|\\\\.)*\"?|'(?:[^'\\\\\\n]|\\\\.)*'?)",    // 2 string (unclosed too)
    "(<[^<>\"{}|^`\\\\\\s]*>)",                                      // 3 IRI
    "([?$][A-Za-z0-9_\\u00B7-\\uFFFF]+)",                            // 4 variable
    "((?:[A-Za-z\\u00C0-\\uFFFF][\\w.\\-\\u00B7-\\uFFFF]*)?:[\\w\\-.%\\u00B7-\\uFFFF]*)", // 5 prefixed name
    "(\\d+(?:\\.\\d*)?(?:[eE][+-]?\\d+)?|\\.\\d+)",                  // 6 number
    "([A-Za-z_][A-Za-z_0-9]*)",                                      // 7 word
  ].join("|"), "g");

  function escapeHtml(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function classOf(m) {
    if (m[1] !== undefined) return "com";
    if (m[2] !== undefined) return "str";
    if (m[3] !== undefined) return "iri";
    if (m[4] !== undefined) return "var";
    if (m[5] !== undefined) return "pname";
    if (m[6] !== undefined) return "num";
    var word = m[7], up = word.toUpperCase();
    if (word === "a" || kw[up]) return "kw";
    if (fn[up]) return "fn";
    return null;
  }

  function highlight(text) {
    var out = [], last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      out.push(escapeHtml(text.slice(last, m.index)));
      var cls = classOf(m);
      out.push(cls ? '<span class="tok-' + cls + '">' + escapeHtml(m[0]) + "</span>" : escapeHtml(m[0]));
      last = TOKEN.lastIndex;
    }
    out.push(escapeHtml(text.slice(last)));
    return out.join("");
  }

  // The query form: the first keyword after the prologue (comments, strings, IRIs skipped).
  function form(text) {
    var m, expectIri = false;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      if (m[1] !== undefined || m[3] !== undefined || m[5] !== undefined) continue;
      if (m[7] === undefined) return null;
      var up = m[7].toUpperCase();
      if (up === "PREFIX" || up === "BASE") continue;
      if (up === "SELECT" || up === "ASK" || up === "CONSTRUCT" || up === "DESCRIBE") return up.toLowerCase();
      if (/^(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)$/.test(up)) return "update";
      return null;
    }
    return null;
  }

  // The prefixes a query declares and those its prefixed names use (comments, strings, IRIs skipped).
  function prefixes(text) {
    var m, declared = {}, used = {}, afterPrefix = false;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      if (m[5] !== undefined) {
        var name = m[5].slice(0, m[5].indexOf(":"));
        if (afterPrefix) declared[name] = true; else used[name] = true;
      }
      afterPrefix = m[7] !== undefined && m[7].toUpperCase() === "PREFIX";
    }
    return { declared: declared, used: used };
  }

  // The query with a PREFIX line for each known prefix it uses and does not declare.
  function withPrefixes(text, known) {
    var p = prefixes(text), lines = [];
    Object.keys(known).forEach(function (name) {
      if (p.used[name] && !p.declared[name]) lines.push("PREFIX " + name + ": <" + known[name] + ">");
    });
    return lines.length ? lines.join("\n") + "\n" + text : text;
  }

  global.SparqlText = { highlight: highlight, form: form, escapeHtml: escapeHtml, prefixes: prefixes,
                        withPrefixes: withPrefixes };
})(window);
