// The evidence browser. Data comes from the JSON script blocks of class "venue-data",
// parsed only when a venue is first needed. Every string from the data goes into the
// page through textContent or an attribute set by the DOM API, never through innerHTML; a URL
// is a link only when it is http(s).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("report-config").textContent);
  var ALL = config.allVenues;
  // Methods whose shares count a paper when its text or its own code says used (combined).
  var COMBINED = config.combinedMethods || [];
  var PAGE = 50;
  var cache = {};
  var state = { measure: null, page: 0, list: [] };
  var $ = function (id) { return document.getElementById(id); };

  function blocks() { return Array.prototype.slice.call(document.querySelectorAll("script.venue-data")); }
  function venuePapers(venue) {
    if (!(venue in cache)) {
      var block = blocks().filter(function (b) { return b.dataset.venue === venue; })[0];
      cache[venue] = block ? JSON.parse(block.textContent) : [];
    }
    return cache[venue];
  }
  function papersOf(venue) {
    if (venue && venue !== ALL) { return venuePapers(venue); }
    var out = [];
    blocks().forEach(function (b) { Array.prototype.push.apply(out, venuePapers(b.dataset.venue)); });
    return out;
  }
  function role(paper, method, family) {
    var best = "", rank = { used: 3, mentioned: 2, cited: 1 };
    (paper.m[method] || []).forEach(function (v) {
      if (v[1] === family && (rank[v[2]] || 0) > (rank[best] || 0)) { best = v[2]; }
    });
    return best;
  }
  function uses(p, method, family) { return p.x && role(p, method, family) === "used"; }
  function usesAny(p, method) {
    return p.x && (p.m[method] || []).some(function (v) { return v[2] === "used"; });
  }
  // The shares' "uses": the text, or, for a combined method, the text or the own code.
  function counts(p, method, family) {
    return uses(p, method, family) ||
      (COMBINED.indexOf(method) >= 0 && !!p.c && p.c.code.indexOf(family) >= 0);
  }
  function judged(p, method) { return p.x || (COMBINED.indexOf(method) >= 0 && !!p.c); }
  // One predicate per count of the tables: exactly the papers that count counted.
  var MEASURES = {
    listed: function () { return true; },
    fetched: function (p) { return p.f; },
    with_text: function (p) { return p.x; },
    pytorch: function (p, m) { return counts(p, m, "pytorch"); },
    tensorflow: function (p, m) { return counts(p, m, "tensorflow"); },
    both: function (p, m) { return counts(p, m, "pytorch") && counts(p, m, "tensorflow"); },
    neither: function (p, m) {
      return judged(p, m) && !counts(p, m, "pytorch") && !counts(p, m, "tensorflow");
    },
    pytorch_only: function (p, m) { return counts(p, m, "pytorch") && !counts(p, m, "tensorflow"); },
    tensorflow_only: function (p, m) { return counts(p, m, "tensorflow") && !counts(p, m, "pytorch"); },
    framework: function (p, m, f) { return uses(p, m, f); },
    any_framework: function (p, m) { return usesAny(p, m); },
    named_not_used: function (p, m, f) { return uses(p, "substring-2019", f) && !uses(p, m, f); },
    problem: function (p) { return !!p.p; },
    // The source table: papers whose own repository was read, and per framework what the
    // text, the code, or either of them says (p.c holds the code's and the combined verdicts).
    with_code: function (p) { return !!p.c; },
    src_text: function (p, m, f) { return !!p.c && uses(p, m, f); },
    src_code: function (p, m, f) { return !!p.c && p.c.code.indexOf(f) >= 0; },
    src_combined: function (p, m, f) { return !!p.c && (p.c.combined[m] || []).indexOf(f) >= 0; }
  };

  // Over all venues a work counts once (a venue paper and its preprint), in its venue's year.
  function onePerWork(list) {
    var seen = {}, out = [];
    list.forEach(function (p) { if (!seen[p.w]) { seen[p.w] = true; out.push(p); } });
    return out;
  }
  function select() {
    var venue = $("f-venue").value, year = $("f-year").value, method = $("f-method").value;
    var framework = $("f-framework").value, wanted = $("f-role").value;
    var text = $("f-title").value.trim().toLowerCase();
    var q = state.measure;
    if (q) { venue = q.venue; year = q.year; method = q.method; }
    var overAll = !venue || venue === ALL;
    var list = papersOf(venue).filter(function (p) {
      if (year && String(overAll ? p.wy : p.y) !== String(year)) { return false; }
      if (q && !MEASURES[q.measure](p, q.method, q.framework)) { return false; }
      if (framework) {
        var r = role(p, method, framework);
        if (!p.x || !r || (wanted && r !== wanted)) { return false; }
      } else if (wanted && !(p.m[method] || []).some(function (v) { return v[2] === wanted; })) {
        return false;
      }
      if (text && p.t.toLowerCase().indexOf(text) < 0) { return false; }
      return true;
    });
    if (overAll) {
      list.sort(function (a, b) { return (a.arx - b.arx) || (a.id - b.id); });
      list = onePerWork(list).sort(function (a, b) { return a.id - b.id; });
    }
    return list;
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function link(url, text) {
    if (typeof url === "string" && /^https?:\/\//i.test(url)) {
      var a = el("a", text);
      a.setAttribute("href", url);
      a.setAttribute("rel", "noopener noreferrer");
      return a;
    }
    return el("span", text);
  }
  // Nothing asked yet: list nothing rather than parse every venue's block on page load (a
  // store of all arXiv holds hundreds of MB of it); any filter, search or count lists papers.
  function idle() {
    return !state.measure && !$("f-venue").value && !$("f-year").value &&
      !$("f-framework").value && !$("f-role").value && !$("f-title").value.trim();
  }
  function render() {
    if (idle()) {
      state.list = [];
      $("measure").textContent = "";
      $("summary").textContent = "Pick a venue or a year, search a title, or click any count to list its papers.";
      $("results").replaceChildren();
      $("page").textContent = "";
      $("prev").disabled = $("next").disabled = true;
      return;
    }
    state.list = select();
    var q = state.measure, results = $("results"), total = state.list.length;
    $("measure").textContent = q ? ("Count: " + q.measure.replace(/_/g, " ") +
      (q.framework ? " " + q.framework : "") + ", " + q.venue + " " + q.year +
      ", method " + q.method + " (click Clear to drop it)") : "";
    $("summary").textContent = total + " paper" + (total === 1 ? "" : "s");
    results.replaceChildren();
    var pages = Math.max(1, Math.ceil(total / PAGE));
    state.page = Math.min(state.page, pages - 1);
    state.list.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (p) {
      var li = el("li");
      li.dataset.paperId = p.id;
      var b = el("button", p.t, "paper");
      b.type = "button";
      b.addEventListener("click", function () { showPaper(p); });
      li.appendChild(b);
      li.appendChild(el("span", " " + p.v + " " + p.y, "snippet"));
      results.appendChild(li);
    });
    $("page").textContent = "page " + (state.page + 1) + " of " + pages;
    $("prev").disabled = state.page === 0;
    $("next").disabled = state.page >= pages - 1;
  }
  function showPaper(p) {
    var d = $("detail");
    d.replaceChildren();
    d.dataset.paperId = p.id;
    d.appendChild(el("h3", p.t, "paper-title"));
    d.appendChild(el("div", (p.a || []).join(", "), "meta"));
    var where = el("div", p.v + " " + p.y + " ");
    if (p.u) { where.appendChild(link(p.u, "PDF")); where.appendChild(document.createTextNode(" ")); }
    if (p.pg) { where.appendChild(link(p.pg, "paper page")); }
    d.appendChild(where);
    if (p.p) { d.appendChild(el("div", "Not counted: " + p.p, "snippet")); }
    Object.keys(p.m).sort().forEach(function (method) {
      d.appendChild(el("h4", "Method " + method));
      var ul = el("ul");
      p.m[method].forEach(function (v) {
        var li = el("li");
        li.appendChild(el("span", v[0], "tag " + v[1]));
        li.appendChild(el("span", v[2], "role-" + v[2]));
        li.appendChild(document.createTextNode(" (confidence " + v[3] + ", " + v[4] +
          " hit" + (v[4] === 1 ? "" : "s") + (v[4] > v[5].length ? ", first " + v[5].length + " shown" : "") + ")"));
        var hits = el("ul");
        v[5].forEach(function (e) {
          var h = el("li", null, "evidence");
          var pageText = "page " + e[0];
          h.appendChild(p.u ? link(p.u + "#page=" + e[0], pageText) : el("span", pageText));
          h.appendChild(document.createTextNode(" \u00b7 " + (e[1] || "?") + " \u00b7 " + e[3] + ": "));
          h.appendChild(el("q", e[2], "sentence"));
          hits.appendChild(h);
        });
        li.appendChild(hits);
        ul.appendChild(li);
      });
      d.appendChild(ul);
    });
    if (!Object.keys(p.m).length) { d.appendChild(el("p", "No framework named in this paper's text.")); }
    if (p.k) { d.appendChild(codeLinks(p)); }
    if (p.r) {
      var head = el("h4", "Code repository ");
      head.appendChild(p.r.u ? link(p.r.u, p.r.n) : el("span", p.r.n));
      head.appendChild(document.createTextNode(" @ " + String(p.r.c || "").slice(0, 12)));
      d.appendChild(head);
      var repoList = el("ul", null, "repo-evidence");
      p.r.v.forEach(function (v) {
        var li = el("li");
        li.appendChild(el("span", v[0], "tag"));
        li.appendChild(el("span", v[1], "role-" + v[1]));
        li.appendChild(document.createTextNode(" (score " + v[2] + ", " + v[3] + " file signal" +
          (v[3] === 1 ? "" : "s") + (v[3] > v[4].length ? ", first " + v[4].length + " shown" : "") + ")"));
        var files = el("ul");
        v[4].forEach(function (e) {
          var h = el("li", null, "evidence");
          h.appendChild(el("code", e[0] + ":" + e[1]));
          h.appendChild(document.createTextNode(" \u00b7 " + e[3] + ": "));
          h.appendChild(el("q", e[2], "sentence"));
          files.appendChild(h);
        });
        li.appendChild(files);
        repoList.appendChild(li);
      });
      d.appendChild(repoList);
      d.appendChild(agreement(p));
    }
  }
  // Which code link was taken as the authors' own repository and why, and why every other was
  // not, as the repos stage decided (`inspect --repos` shows the same).
  function codeLinks(p) {
    var box = el("div", null, "code-links");
    var taken = p.k.filter(function (k) { return k[4]; })[0];
    box.appendChild(el("h4", taken ? "Code links: the authors' own is taken" :
      "Code links: none taken as the authors' own"));
    var ul = el("ul", null, "link-decisions");
    p.k.forEach(function (k) {
      var li = el("li", null, k[4] ? "taken" : "rejected");
      li.appendChild(el("span", k[4] ? "taken" : "rejected", "tag"));
      li.appendChild(link(k[0], k[1]));
      li.appendChild(document.createTextNode(" (" + k[2] + ", score " + k[3] + ") \u2014 " + k[5]));
      // A taken link's decision already lists its reasons; a rejected one's says only why not.
      if (!k[4] && k[6].length) { li.appendChild(el("div", k[6].join("; "), "snippet")); }
      ul.appendChild(li);
    });
    box.appendChild(ul);
    if (p.kn > p.k.length) { box.appendChild(el("div", "first " + p.k.length + " of " + p.kn + " links shown", "snippet")); }
    return box;
  }
  // The paper's text (evidence method) and its code side by side, as `inspect --repos` says it.
  function agreement(p) {
    var text = {}, code = {};
    (p.m.evidence || []).forEach(function (v) { if (v[2] === "used") { text[v[0]] = true; } });
    p.r.v.forEach(function (v) { if (v[1] === "used") { code[v[0]] = true; } });
    var names = Object.keys(Object.assign({}, text, code)).sort();
    var parts = names.map(function (fw) {
      return fw + " " + (text[fw] && code[fw] ? "both" : text[fw] ? "text only" : "code only");
    });
    var shared = names.some(function (fw) { return text[fw] && code[fw]; });
    var conflict = Object.keys(text).length && Object.keys(code).length && !shared;
    return el("p", "Text and code: " + (parts.join("; ") || "neither says used") +
      (conflict ? " \u2014 they disagree" : ""), conflict ? "conflict" : "agreement");
  }
  function fillYears() {
    var years = {}, venue = $("f-venue").value;
    blocks().forEach(function (b) {
      if (venue && venue !== ALL && b.dataset.venue !== venue) { return; }
      b.dataset.years.split(",").forEach(function (y) { if (y) { years[y] = true; } });
    });
    var sel = $("f-year"), keep = sel.value;
    sel.replaceChildren(el("option", "all"));
    sel.firstChild.value = "";
    Object.keys(years).sort().forEach(function (y) { var o = el("option", y); o.value = y; sel.appendChild(o); });
    sel.value = keep in years ? keep : "";
  }
  function changed() { state.measure = null; state.page = 0; render(); }
  $("f-venue").addEventListener("change", function () { fillYears(); changed(); });
  ["f-year", "f-method", "f-framework", "f-role"].forEach(function (id) { $(id).addEventListener("change", changed); });
  $("f-title").addEventListener("input", changed);
  $("f-clear").addEventListener("click", function () {
    ["f-venue", "f-year", "f-framework", "f-role", "f-title"].forEach(function (id) { $(id).value = ""; });
    $("f-method").value = config.defaultMethod;
    fillYears(); changed();
  });
  $("prev").addEventListener("click", function () { state.page -= 1; render(); });
  $("next").addEventListener("click", function () { state.page += 1; render(); });
  document.addEventListener("click", function (event) {
    var b = event.target.closest ? event.target.closest("button.count") : null;
    if (!b) { return; }
    state.measure = { venue: b.dataset.venue, year: b.dataset.year, method: b.dataset.method,
                      measure: b.dataset.measure, framework: b.dataset.framework };
    state.page = 0;
    $("f-venue").value = b.dataset.venue === ALL ? "" : b.dataset.venue;
    fillYears();
    $("f-year").value = b.dataset.year;
    $("f-method").value = b.dataset.method;
    ["f-framework", "f-role", "f-title"].forEach(function (id) { $(id).value = ""; });
    render();
    $("evidence").scrollIntoView();
  });
  fillYears();
  render();
}());
