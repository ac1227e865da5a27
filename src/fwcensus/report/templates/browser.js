// The evidence browser. Each venue-year's papers are a JSON file in data/ beside the page (or
// a JSON script block of class "venue-data" inlined in it), loaded the first time a count,
// filter or search needs them and kept; a paper's detail is in its venue-year's detail file,
// loaded when one of its papers is opened. Every string from the data goes into the page through
// textContent or an attribute set by the DOM API, never through innerHTML; a URL is a link only
// when it is http(s).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("report-config").textContent);
  var ALL = config.allVenues;
  // Methods whose shares count a paper when its text or its own code says used (combined).
  var COMBINED = config.combinedMethods || [];
  var FILES = config.data.files;  // {venue, year, file, detail, papers, bytes, work_years}
  var PAGE = 50;
  var loads = {};  // file name -> Promise of its content
  var expanded = {};  // list file name -> Promise of its papers, completed
  var inline = {};  // file -> its script block, when the page carries the data
  var state = { measure: null, page: 0, list: [], serial: 0, opened: 0 };
  var $ = function (id) { return document.getElementById(id); };
  Array.prototype.forEach.call(document.querySelectorAll("script.venue-data"), function (b) {
    inline[b.dataset.file] = b;
  });

  function load(name) {
    if (!(name in loads)) {
      var block = inline[name];
      loads[name] = block ? Promise.resolve().then(function () {
        return JSON.parse(block.textContent);
      }) : fetch(config.data.dir + "/" + name).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status + " for " + name); }
        return response.json();
      });
      // A failed load is tried again the next time it is needed.
      loads[name].catch(function () { delete loads[name]; });
    }
    return loads[name];
  }
  // A venue-year's papers, each completed with what its file leaves out as the usual.
  function papers(entry) {
    if (!(entry.file in expanded)) {
      expanded[entry.file] = load(entry.file).then(function (list) {
        list.forEach(function (p) {
          p.v = entry.venue; p.y = entry.year; p.w = p.w || p.id; p.wy = p.wy || entry.year;
          p.arx = !!p.arx; p.f = !!p.f; p.x = !!p.x; p.p = p.p || null; p.m = p.m || {};
        });
        return list;
      });
      expanded[entry.file].catch(function () { delete expanded[entry.file]; });
    }
    return expanded[entry.file];
  }
  // The files holding a venue-year's papers; over all venues, those holding the year's works
  // (a preprint of 2018 whose venue version is of 2019 counts in 2019).
  function needed(venue, year) {
    var overAll = !venue || venue === ALL;
    return FILES.filter(function (f) {
      if (!overAll && f.venue !== venue) { return false; }
      if (!year) { return true; }
      return overAll ? f.work_years.indexOf(Number(year)) >= 0 : String(f.year) === String(year);
    });
  }
  // A paper's list record holds, per method, [family, role] of each framework named.
  function role(paper, method, family) {
    var best = "", rank = { used: 3, mentioned: 2, cited: 1 };
    (paper.m[method] || []).forEach(function (v) {
      if (v[0] === family && (rank[v[1]] || 0) > (rank[best] || 0)) { best = v[1]; }
    });
    return best;
  }
  function uses(p, method, family) { return p.x && role(p, method, family) === "used"; }
  function usesAny(p, method) {
    return p.x && (p.m[method] || []).some(function (v) { return v[1] === "used"; });
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
    one_of_two: function (p, m) { return counts(p, m, "pytorch") !== counts(p, m, "tensorflow"); },
    judged: function (p, m) { return judged(p, m); },
    framework: function (p, m, f) { return uses(p, m, f); },
    any_framework: function (p, m) { return usesAny(p, m); },
    // The landscape under a combined method: the text or the paper's own code says used.
    framework_combined: function (p, m, f) {
      return p.c ? (p.c.combined[m] || []).indexOf(f) >= 0 : uses(p, m, f);
    },
    any_framework_combined: function (p, m) {
      return p.c ? (p.c.combined[m] || []).length > 0 : usesAny(p, m);
    },
    named_not_used: function (p, m, f) { return uses(p, "substring-2019", f) && !uses(p, m, f); },
    // Named both (the 2019 study drops such a paper) and used exactly one of them.
    both_named_one_used: function (p, m) {
      return uses(p, "substring-2019", "pytorch") && uses(p, "substring-2019", "tensorflow") &&
        uses(p, m, "pytorch") !== uses(p, m, "tensorflow");
    },
    problem: function (p) { return !!p.p; },
    reason: function (p, m, reason) { return p.p === reason; },
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
  // What the filters (or the clicked count, which overrides venue, year and method) ask for.
  function query() {
    var q = { venue: $("f-venue").value, year: $("f-year").value, method: $("f-method").value,
              framework: $("f-framework").value, role: $("f-role").value,
              text: $("f-title").value.trim().toLowerCase(), measure: state.measure };
    if (q.measure) { q.venue = q.measure.venue; q.year = q.measure.year; q.method = q.measure.method; }
    q.overAll = !q.venue || q.venue === ALL;
    return q;
  }
  function matches(p, q) {
    if (q.year && String(q.overAll ? p.wy : p.y) !== String(q.year)) { return false; }
    if (q.measure && !MEASURES[q.measure.measure](p, q.method, q.measure.framework)) { return false; }
    if (q.framework) {
      var r = role(p, q.method, q.framework);
      if (!p.x || !r || (q.role && r !== q.role)) { return false; }
    } else if (q.role && !(p.m[q.method] || []).some(function (v) { return v[1] === q.role; })) {
      return false;
    }
    return !q.text || p.t.toLowerCase().indexOf(q.text) >= 0;
  }
  function select(papers, q) {
    var list = papers.filter(function (p) { return matches(p, q); });
    if (q.overAll) {
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
  // Nothing asked yet: load nothing (a store of all arXiv holds gigabytes of papers); any
  // filter, search or count lists papers.
  function idle() {
    return !state.measure && !$("f-venue").value && !$("f-year").value &&
      !$("f-framework").value && !$("f-role").value && !$("f-title").value.trim();
  }
  function setState(name) {
    $("browser").dataset.state = name;
    $("browser").setAttribute("aria-busy", String(name === "loading"));
  }
  // Select anew: load the files the question needs, then list. A later question wins over an
  // earlier one still loading.
  function refresh() {
    var mine = ++state.serial;
    state.page = 0;
    state.list = [];
    if (idle()) {
      draw(null, "Pick a venue or a year, search a title, or click any count to list its papers.");
      setState("ready");
      return;
    }
    var q = query(), entries = needed(q.venue, q.year);
    var total = entries.reduce(function (sum, f) { return sum + f.papers; }, 0);
    if (total > config.maxLoad) {
      draw(q, "That would load " + total + " papers: pick a venue or a year first.");
      setState("ready");
      return;
    }
    draw(q, "Loading " + total + " papers\u2026");
    setState("loading");
    Promise.all(entries.map(papers)).then(function (lists) {
      if (mine !== state.serial) { return; }
      state.list = select([].concat.apply([], lists), q);
      var n = state.list.length;
      draw(q, n + " paper" + (n === 1 ? "" : "s"));
      setState("ready");
    }).catch(function (err) {
      if (mine !== state.serial) { return; }
      draw(q, "Could not load the papers (" + err.message + ")." + (location.protocol === "file:" ?
        " A page opened as a file cannot read the files beside it: run fwcensus report --serve" +
        " and open the address it prints." : ""));
      setState("error");
    });
  }
  function draw(q, summary) {
    var m = q && q.measure, results = $("results"), total = state.list.length;
    $("measure").textContent = m ? ("Count: " + m.measure.replace(/_/g, " ") +
      (m.framework ? " " + m.framework : "") + ", " + m.venue + " " + m.year +
      ", method " + m.method + " (click Clear to drop it)") : "";
    $("summary").textContent = summary;
    results.replaceChildren();
    var pages = Math.max(1, Math.ceil(total / PAGE));
    state.page = Math.min(state.page, pages - 1);
    state.list.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (p) {
      var li = el("li");
      li.dataset.paperId = p.id;
      var b = el("button", p.t, "paper");
      b.type = "button";
      b.addEventListener("click", function () { openPaper(p); });
      li.appendChild(b);
      li.appendChild(el("span", " " + p.v + " " + p.y, "snippet"));
      results.appendChild(li);
    });
    $("page").textContent = total ? "page " + (state.page + 1) + " of " + pages : "";
    $("prev").disabled = state.page === 0;
    $("next").disabled = state.page >= pages - 1;
  }
  // A paper's detail (authors, links, sentences, code) is in its venue-year's detail file.
  function openPaper(p) {
    var d = $("detail"), mine = ++state.opened;
    var entry = FILES.filter(function (f) { return f.venue === p.v && f.year === p.y; })[0];
    d.dataset.state = "loading";
    d.replaceChildren(el("p", "Loading " + p.t + "\u2026", "snippet"));
    load(entry.detail).then(function (all) {
      if (mine !== state.opened) { return; }
      showPaper(Object.assign({}, p, all[String(p.id)]));
      d.dataset.state = "ready";
    }).catch(function (err) {
      if (mine !== state.opened) { return; }
      d.replaceChildren(el("p", "Could not load the paper (" + err.message + ")."));
      d.dataset.state = "error";
    });
  }
  function showPaper(p) {
    var d = $("detail");
    d.replaceChildren();
    d.dataset.paperId = p.id;
    d.appendChild(el("h3", p.t, "paper-title"));
    d.appendChild(el("div", JSON.parse(p.a || "[]").join(", "), "meta"));
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
  // The years on offer: a venue's own, or over all venues the years its works count in.
  function fillYears() {
    var years = {}, venue = $("f-venue").value;
    FILES.forEach(function (f) {
      if (venue && venue !== ALL && f.venue !== venue) { return; }
      (venue && venue !== ALL ? [f.year] : f.work_years).forEach(function (y) { years[y] = true; });
    });
    var sel = $("f-year"), keep = sel.value;
    sel.replaceChildren(el("option", "all"));
    sel.firstChild.value = "";
    Object.keys(years).sort().forEach(function (y) { var o = el("option", y); o.value = y; sel.appendChild(o); });
    sel.value = keep in years ? keep : "";
  }
  function changed() { state.measure = null; refresh(); }
  $("f-venue").addEventListener("change", function () { fillYears(); changed(); });
  ["f-year", "f-method", "f-framework", "f-role"].forEach(function (id) { $(id).addEventListener("change", changed); });
  $("f-title").addEventListener("input", changed);
  $("f-clear").addEventListener("click", function () {
    ["f-venue", "f-year", "f-framework", "f-role", "f-title"].forEach(function (id) { $(id).value = ""; });
    $("f-method").value = config.defaultMethod;
    fillYears(); changed();
  });
  function turn(by) {
    state.page += by;
    draw(query(), $("summary").textContent);
  }
  $("prev").addEventListener("click", function () { turn(-1); });
  $("next").addEventListener("click", function () { turn(1); });
  document.addEventListener("click", function (event) {
    var b = event.target.closest ? event.target.closest("button.count") : null;
    if (!b) { return; }
    state.measure = { venue: b.dataset.venue, year: b.dataset.year, method: b.dataset.method,
                      measure: b.dataset.measure, framework: b.dataset.framework };
    $("f-venue").value = b.dataset.venue === ALL ? "" : b.dataset.venue;
    fillYears();
    $("f-year").value = b.dataset.year;
    $("f-method").value = b.dataset.method;
    ["f-framework", "f-role", "f-title"].forEach(function (id) { $(id).value = ""; });
    refresh();
    $("evidence").scrollIntoView();
  });
  fillYears();
  refresh();
}());
