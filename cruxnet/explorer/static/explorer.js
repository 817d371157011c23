/* cruxnet explorer: the page (no dependencies; MIT, part of cruxnet).
 *
 * Reads the JSON in <script id="cruxnet-data">, runs CruxEngine (engine.js) on every action
 * and updates the SVG network drawn by cruxnet.netview in place. All text from model and
 * worldview files reaches the page through textContent or escaped attributes, never as HTML.
 *
 * window.cruxnet, for people who script the page and for tests:
 *   posterior(target, evidence)  P(target | evidence) at the point tables of the current
 *                                worldview (with "my view"), as {state: p}
 *   marginals(evidence)          every node's point beliefs, {node: {state: p}}
 *   interval(evidence)           {p, lo, hi, kept}: P(target = state of interest) and its
 *                                equal-tailed interval over the parameter draws
 *   targetDraws(evidence)        P(target = state of interest) in each draw (NaN: impossible)
 *   tableDraws(node, d0, d1)     the node's table in draws d0..d1-1 (entries in C order)
 *   swings(evidence)             the one-way table: [{node, low, high, lowState, highState}]
 *   state() / setState(s)        the page's state (worldview, compare, evidence, my view)
 *   worldviewFile()              the worldview file that reproduces the page, as text
 *   command()                    the cruxnet query command that reproduces P(target)
 *   undo()                       step back
 *   useWasm(on)                  draws through WebAssembly (default) or plain JavaScript
 *   profile(evidence, repeat)    ms of each part of an update (benchmarks/explorer.py)
 * evidence = {hard: {node: state}, do: {node: state}, likelihood: {node: {state: weight}}}
 */
"use strict";

(() => {
  const DATA = JSON.parse(document.getElementById("cruxnet-data").textContent);
  const model = DATA.model;
  // ------------------------------------------------------------------ the numbers (model.js)
  const M = CruxModel.create(DATA);
  const {engine, worldviews, normalEvidence, pointTables, nodes, ids, index, target, soi, D} = M;
  const cache = M.cache;
  const svgRoot = document.querySelector("#network svg");
  const $ = (sel) => document.querySelector(sel);
  const beliefsOf = (s, ev) => M.beliefs(s.wv, s.mine, ev);
  const targetDrawsOf = (s, ev) => M.targetDraws(s.wv, s.mine, ev);
  const swingsOf = (s, ev, known) => M.swings(s.wv, s.mine, ev, known);
  const tableDraws = (node, d0, d1) => M.tableDraws(state.wv, node, d0, d1);

  // ------------------------------------------------------------------ state
  const empty = () => ({wv: 0, cmp: -1, hard: {}, do: {}, likelihood: {}, mine: {}});
  let state = empty();
  let mode = "observe";
  const history = [];

  function evidenceOf(s) { return {hard: s.hard, do: s.do, likelihood: s.likelihood}; }

  // ------------------------------------------------------------------ drawing
  const COLOURS = DATA.colours;
  const BAR_W = DATA.geometry.bar_w, X_BAR = DATA.geometry.x_bar;
  const pct = (p) => (p >= 0.9995 || p === 0 ? `${(100 * p).toFixed(0)}%` : p < 0.001 ? "<0.1%" : `${(100 * p).toFixed(1)}%`);

  function markOf(s, id) {
    if (id in s.do) return "do";
    if (id in s.hard) return "observed";
    if (id in s.likelihood) return "likelihood";
    if (id in s.mine) return "stated";
    return "";
  }

  const SVGNS = "http://www.w3.org/2000/svg";
  function setBadge(g, mark, width) {
    const old = g.querySelector(":scope > g.badge");
    if ((old ? old.dataset.mark : "") === mark) return;  // unchanged
    if (old) old.remove();
    if (!mark) return;
    const text = {observed: "observed", likelihood: "likelihood", do: "do()", stated: "stated"}[mark];
    const bw = text.length * 6.4 + 8;
    const badge = document.createElementNS(SVGNS, "g");
    badge.setAttribute("class", "badge");
    badge.dataset.mark = mark;
    const r = document.createElementNS(SVGNS, "rect");
    for (const [k, v] of [["x", width - bw - 4], ["y", 4], ["width", bw], ["height", 13], ["rx", 3], ["fill", COLOURS.evidence[mark]]]) r.setAttribute(k, v);
    const t = document.createElementNS(SVGNS, "text");
    for (const [k, v] of [["x", width - bw / 2 - 4], ["y", 14], ["font-size", 10], ["text-anchor", "middle"], ["fill", "white"]]) t.setAttribute(k, v);
    t.textContent = text;
    badge.append(r, t);
    g.append(badge);
  }

  /** Set an attribute only when its value changes (null: remove it): a click rewrites only
   *  what moved, so the browser restyles and repaints less. */
  const written = new WeakMap();
  function set(el, name, value) {
    let seen = written.get(el);
    if (!seen) { seen = {}; written.set(el, seen); }
    if (seen[name] === value) return;
    seen[name] = value;
    if (value === null) el.removeAttribute(name);
    else el.setAttribute(name, value);
  }

  function draw(view) {
    const s = view.state;
    for (const g of svgRoot.querySelectorAll("g.node")) {
      const id = g.dataset.node, i = index[id], n = nodes[i];
      const mark = markOf(s, id);
      const box = g.querySelector(":scope > rect");
      const width = parseFloat(box.getAttribute("width"));
      let border = mark ? COLOURS.evidence[mark] : "#55595f";
      if (i === target) border = COLOURS.roles.outcome;
      set(box, "stroke", border);
      if (mark === "likelihood") set(box, "stroke-dasharray", "5,3");
      else set(box, "stroke-dasharray", null);
      setBadge(g, mark, width);
      const post = view.beliefs[i], pri = view.prior[i];
      let moved = false;
      for (let k = 0; k < post.length; k++) if (Math.abs(post[k] - pri[k]) > 0.005) moved = true;
      const other = view.compare ? view.compare[i] : null;
      g.querySelectorAll("g.state").forEach((row, k) => {
        const p = post[k];
        if (row.dataset.p !== String(p)) row.dataset.p = String(p);
        const observed = (mark === "observed" || mark === "do") && p > 0.999;
        const bar = row.querySelector("rect.belief");
        set(bar, "width", (BAR_W * p).toFixed(2));
        set(bar, "fill", observed ? COLOURS.evidence.observed : (COLOURS.roles[n.role] || "#3b7dd8"));
        const value = row.querySelector("text.value");
        if (value.textContent !== pct(p)) value.textContent = pct(p);
        const prior = row.querySelector("rect.prior");
        set(prior, "width", (BAR_W * pri[k]).toFixed(2));
        set(prior, "visibility", moved ? "visible" : "hidden");
        const line = row.querySelector("line.interval");
        const ci = view.whiskers && view.whiskers[i];
        if (ci) {
          set(line, "x1", (X_BAR + BAR_W * ci[k][0]).toFixed(2));
          set(line, "x2", (X_BAR + BAR_W * ci[k][1]).toFixed(2));
        }
        set(line, "visibility", ci ? "visible" : "hidden");
        const tick = row.querySelector("rect.compare");
        if (other) {
          set(tick, "x", (X_BAR + BAR_W * other[k] - 1).toFixed(2));
          row.dataset.diff = String(p - other[k]);
        } else delete row.dataset.diff;
        set(tick, "visibility", other ? "visible" : "hidden");
        const title = row.querySelector("title") || row.appendChild(document.createElementNS(SVGNS, "title"));
        const tip = `${n.label}: ${n.states[k]} ${pct(p)}` +
          (other ? ` (${worldviews[s.cmp].label}: ${pct(other[k])})` : "");
        if (title.textContent !== tip) title.textContent = tip;
      });
    }
    for (const path of svgRoot.querySelectorAll("path[data-edge]")) {
      const child = path.dataset.edge.split("->")[1];
      const cut = child in s.do;
      if (cut) { set(path, "stroke-dasharray", "4,3"); set(path, "opacity", "0.45"); }
      else { set(path, "stroke-dasharray", null); set(path, "opacity", "0.8"); }
    }
  }

  function fmt(p) { return Number.isFinite(p) ? p.toFixed(3) : "n/a"; }

  function panels(view) {
    const s = view.state;
    const tNode = nodes[target];
    $("#target-p").textContent = fmt(view.beliefs[target][soi]);
    $("#target-p").dataset.p = String(view.beliefs[target][soi]);
    const iv = view.interval;
    $("#target-ci").textContent = iv && Number.isFinite(iv.lo)
      ? `${Math.round(100 * DATA.ci_prob)}% interval over ${iv.kept} draws: ${fmt(iv.lo)} to ${fmt(iv.hi)}`
      : (DATA.limits.no_draws ? DATA.limits.message : "no parameter draws");
    $("#target-ci").dataset.lo = iv ? String(iv.lo) : "";
    $("#target-ci").dataset.hi = iv ? String(iv.hi) : "";
    $("#target-prior").textContent = `without the evidence: ${fmt(view.prior[target][soi])}` +
      (view.compare ? `; under ${worldviews[s.cmp].label}: ${fmt(view.compare[target][soi])}` : "");
    $("#target-label").textContent = `P(${tNode.label} = ${tNode.states[soi]})`;

    // Evidence list.
    const list = $("#evidence-list");
    list.replaceChildren();
    const add = (text, node) => {
      const li = document.createElement("li");
      const span = document.createElement("span");
      span.textContent = text;
      const b = document.createElement("button");
      b.textContent = "clear";
      b.className = "clear-node";
      b.dataset.node = node;
      b.addEventListener("click", () => act((st) => clearNode(st, node)));
      li.append(span, " ", b);
      list.append(li);
    };
    for (const [n, v] of Object.entries(s.hard)) add(`${n} = ${v} (observed)`, n);
    for (const [n, v] of Object.entries(s.do)) add(`do(${n} = ${v})`, n);
    for (const [n, w] of Object.entries(s.likelihood)) add(`${n}: likelihood ${Object.entries(w).map(([k, x]) => `${k} ${x}`).join(", ")}`, n);
    for (const [n, m] of Object.entries(s.mine)) add(`my view: P(${n}) = ${m.map((x, k) => `${nodes[index[n]].states[k]} ${pct(x)}`).join(", ")}`, n);
    if (!list.children.length) {
      const li = document.createElement("li");
      li.textContent = "none: click a state to observe it";
      list.append(li);
    }
    $("#command").textContent = command(s);
    const canDownload = Boolean(DATA.sources[worldviews[s.wv].name]);
    $("#download").disabled = !canDownload;
    $("#download").title = canDownload ? "A worldview file that reproduces this page"
      : "This worldview has no file to extend (a network file or tables built in Python): the command below reproduces the page";

    // Crux table.
    const body = $("#swings tbody");
    body.replaceChildren();
    for (const r of view.swings.slice(0, 12)) {
      const tr = document.createElement("tr");
      tr.dataset.node = r.node;
      const cells = [nodes[index[r.node]].label, `${fmt(r.low)} (${r.lowState})`, `${fmt(r.high)} (${r.highState})`, fmt(r.swing)];
      for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.append(td); }
      const td = document.createElement("td");
      const bar = document.createElement("div");
      bar.className = "swingbar";
      bar.style.marginLeft = `${(100 * r.low).toFixed(1)}%`;
      bar.style.width = `${Math.max(0.5, 100 * r.swing).toFixed(1)}%`;
      td.append(bar);
      tr.append(td);
      body.append(tr);
    }
    // Comparison table.
    const cmp = $("#compare-table tbody");
    cmp.replaceChildren();
    $("#compare-section").hidden = !view.compare;
    if (view.compare) {
      const rows = [];
      nodes.forEach((n, i) => n.states.forEach((st, k) => rows.push([n, st, view.beliefs[i][k], view.compare[i][k]])));
      rows.sort((a, b) => Math.abs(b[2] - b[3]) - Math.abs(a[2] - a[3]));
      for (const [n, st, a, b] of rows.slice(0, 15)) {
        const tr = document.createElement("tr");
        tr.dataset.node = n.id;
        for (const c of [`${n.label}: ${st}`, fmt(a), fmt(b), `${a - b >= 0 ? "+" : ""}${(100 * (a - b)).toFixed(1)} pts`]) {
          const td = document.createElement("td"); td.textContent = c; tr.append(td);
        }
        cmp.append(tr);
      }
    }
    $("#undo").disabled = history.length === 0;
    for (const b of document.querySelectorAll("[data-mode]")) b.classList.toggle("active", b.dataset.mode === mode);
  }

  // ------------------------------------------------------------------ actions
  function clearNode(s, node) {
    delete s.hard[node]; delete s.do[node]; delete s.likelihood[node]; delete s.mine[node];
    return s;
  }

  function copyState(s) { return JSON.parse(JSON.stringify(s)); }

  function compute(s) {
    const ev = evidenceOf(s);
    const res = beliefsOf(s, ev);
    if (!(res.pe > 0)) throw new Error("this evidence is impossible under the worldview (its probability is 0)");
    const key = `prior|${s.wv}|${JSON.stringify(s.mine)}`;
    if (!cache.has(key)) cache.set(key, beliefsOf(s, {}).beliefs);
    const prior = cache.get(key);
    const view = {state: s, beliefs: res.beliefs, prior, swings: swingsOf(s, ev, res)};
    if (s.cmp >= 0) view.compare = engine.beliefs(pointTables(s.cmp, s.mine), normalEvidence(ev)).beliefs;
    if (D && !DATA.limits.no_draws) {
      const per = targetDrawsOf(s, ev);
      const kept = per.filter((x) => !Number.isNaN(x)).length;
      const [lo, hi] = CruxEngine.equalTailed(Array.from(per), DATA.ci_prob);
      view.interval = {lo, hi, kept};
    }
    return view;
  }

  let current = null;
  function show(s) {
    const view = compute(s);
    state = s;
    current = view;
    draw(view);
    panels(view);
    const frag = "#" + encodeURIComponent(JSON.stringify(s));
    if (location.hash !== frag) history_replace(frag);
    $("#message").textContent = "";
    return view;
  }
  function history_replace(frag) {
    try { window.history.replaceState(null, "", frag); } catch (e) { location.hash = frag; }
  }

  /** Apply a change: on success it can be undone; on failure the page says why and stays. */
  function act(change) {
    const before = copyState(state);
    let next;
    try {
      next = change(copyState(state));
      show(next);
    } catch (err) {
      show(before);
      $("#message").textContent = String(err.message || err);
      return false;
    }
    history.push(before);
    return true;
  }

  function undo() {
    if (!history.length) return;
    show(history.pop());
  }

  function clickState(node, st, how) {
    act((s) => {
      if (how === "do") {
        const was = s.do[node];
        clearNode(s, node);
        if (was !== st) s.do[node] = st;
      } else if (how === "observe") {
        const was = s.hard[node];
        clearNode(s, node);
        if (was !== st) s.hard[node] = st;
      }
      return s;
    });
  }

  // Editor for likelihood weights and "my view" marginals.
  function openEditor(node, kind) {
    const i = index[node], n = nodes[i];
    const ed = $("#editor");
    ed.hidden = false;
    ed.dataset.node = node;
    ed.dataset.kind = kind;
    $("#editor-title").textContent = kind === "likelihood"
      ? `Likelihood of what you saw, per state of ${n.label}`
      : `My view: P(${n.label}) before any evidence, per state (percent)`;
    const box = $("#editor-fields");
    box.replaceChildren();
    // A stated marginal is about the prior: the editor starts from P(node) before the
    // evidence (with the views already stated), not from the posterior, so Apply unchanged
    // changes nothing rather than counting the evidence twice.
    const now = current.prior[i];
    n.states.forEach((st, k) => {
      const label = document.createElement("label");
      const span = document.createElement("span");
      span.textContent = st;
      const input = document.createElement("input");
      input.type = "number"; input.step = "any"; input.min = "0";
      input.dataset.state = st;
      if (kind === "likelihood") input.value = (state.likelihood[node] || {})[st] ?? 1;
      else input.value = String(+((state.mine[node] || now)[k] * 100).toFixed(6));
      label.append(span, input);
      box.append(label);
    });
  }

  function applyEditor() {
    const ed = $("#editor"), node = ed.dataset.node, kind = ed.dataset.kind;
    const values = {};
    for (const input of ed.querySelectorAll("input[data-state]")) {
      const x = Number(input.value);
      if (!(x >= 0) || !Number.isFinite(x)) { $("#message").textContent = `${node}: ${input.dataset.state}: a number >= 0, please`; return; }
      values[input.dataset.state] = x;
    }
    const total = Object.values(values).reduce((a, b) => a + b, 0);
    if (!(total > 0)) { $("#message").textContent = `${node}: at least one value must be > 0`; return; }
    if (kind === "mine" && Math.abs(total - 100) > 1e-6) {
      $("#message").textContent = `${node}: the percentages sum to ${+total.toFixed(6)}, not 100`;
      return;
    }
    const ok = act((s) => {
      clearNode(s, node);
      if (kind === "likelihood") s.likelihood[node] = values;
      else s.mine[node] = nodes[index[node]].states.map((st) => values[st] / total);
      return s;
    });
    if (ok) ed.hidden = true;
  }

  // ------------------------------------------------------------------ worldview file
  function yamlString(x) { return JSON.stringify(String(x)); }

  function worldviewFile(s) {
    s = s || state;
    const w = worldviews[s.wv];
    const base = DATA.sources[w.name];
    const lines = [
      `# Written by the cruxnet explorer (cruxnet ${DATA.version}), page ${DATA.hash}.`,
      "# It reproduces the page's beliefs with the evidence below:",
      `#   ${command(s, "my_view.yaml")}`,
      `worldview: ${yamlString(w.name + "_my_view")}`,
      `model: ${yamlString(model.name)}`,
      `extends: ${yamlString(base)}`,
    ];
    const stated = {};
    for (const [n, m] of Object.entries(w.extra_marginals || {})) stated[n] = m;
    for (const [n, m] of Object.entries(s.mine)) {
      stated[n] = {p: Object.fromEntries(m.map((x, k) => [nodes[index[n]].states[k], x])), ess: "exact"};
    }
    if (Object.keys(stated).length) {
      lines.push("marginals:");
      for (const [n, m] of Object.entries(stated)) {
        const p = Object.entries(m.p).map(([k, x]) => `${yamlString(k)}: ${x}`).join(", ");
        lines.push(`  ${yamlString(n)}: {p: {${p}}, ess: ${m.ess === "exact" ? "exact" : m.ess}}`);
      }
    }
    return lines.join("\n") + "\n";
  }

  /** The cruxnet query command that reproduces P(target) on the page: the worldview (or the
   *  downloaded file, with file), the evidence, my view as --marginal ... --marginal-ess exact
   *  (unless the file states it), the draws and seed. */
  function command(s, file) {
    s = s || state;
    const w = worldviews[s.wv];
    const parts = ["cruxnet", "query", ids[target]];
    if (model.file) parts.push("-m", model.file);
    const source = DATA.sources[w.name];
    if (file) parts.push("-w", file);
    else if (source) parts.push("-w", source);
    for (const [n, v] of Object.entries(s.hard)) parts.push("-e", `${n}=${v}`);
    for (const [n, v] of Object.entries(s.do)) parts.push("--do", `${n}=${v}`);
    for (const [n, wts] of Object.entries(s.likelihood)) parts.push("--likelihood", `${n}=${Object.entries(wts).map(([k, x]) => `${k}:${x}`).join(",")}`);
    if (!file && Object.keys(s.mine).length) {
      for (const [n, m] of Object.entries(s.mine)) parts.push("--marginal", `${n}=${m.map((x, k) => `${nodes[index[n]].states[k]}:${x}`).join(",")}`);
      parts.push("--marginal-ess", "exact");
    }
    if (D) parts.push("--draws", String(D), "--seed", String(DATA.seed));
    if (DATA.ess !== null && DATA.ess !== undefined) parts.push("--ess", String(DATA.ess));
    return parts.map((p) => (/^[\w.\-=:,/]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`)).join(" ");
  }

  function download() {
    const blob = new Blob([worldviewFile(state)], {type: "text/yaml"});
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "my_view.yaml";
    document.body.append(a);
    a.click();
    a.remove();
  }

  // ------------------------------------------------------------------ wiring
  function readFragment() {
    if (location.hash.length < 2) return null;
    try {
      const s = JSON.parse(decodeURIComponent(location.hash.slice(1)));
      if (typeof s !== "object" || s === null || Array.isArray(s)) throw new Error("not a view");
      return {...empty(), ...s};
    } catch (e) {
      throw new Error("the view in this link could not be read; showing the page's own view");
    }
  }

  function start() {
    if (!engine) {  // too large: say so instead of freezing
      $("#message").textContent = DATA.limits.message;
      for (const b of document.querySelectorAll("header button, header select")) b.disabled = true;
      document.body.dataset.ready = "true";
      return;
    }
    const wvSel = $("#worldview"), cmpSel = $("#compare");
    worldviews.forEach((w, k) => {
      const o = document.createElement("option"); o.value = String(k); o.textContent = w.label; wvSel.append(o);
      const c = document.createElement("option"); c.value = String(k); c.textContent = w.label; cmpSel.append(c);
    });
    wvSel.addEventListener("change", () => act((s) => ({...s, wv: Number(wvSel.value)})));
    cmpSel.addEventListener("change", () => act((s) => ({...s, cmp: Number(cmpSel.value)})));
    for (const b of document.querySelectorAll("[data-mode]")) {
      b.addEventListener("click", () => { mode = b.dataset.mode; panels(current); });
    }
    svgRoot.addEventListener("click", (e) => {
      const row = e.target.closest("g.state");
      if (!row) return;
      const node = row.dataset.node, st = row.dataset.state;
      if (e.altKey) { act((s) => clearNode(s, node)); return; }
      const how = e.shiftKey ? "do" : mode;
      if (how === "likelihood" || how === "mine") openEditor(node, how);
      else clickState(node, st, how);
    });
    $("#undo").addEventListener("click", undo);
    $("#clear-all").addEventListener("click", () => act((s) => ({...empty(), wv: s.wv, cmp: s.cmp})));
    $("#download").addEventListener("click", download);
    $("#editor-apply").addEventListener("click", applyEditor);
    $("#editor-cancel").addEventListener("click", () => { $("#editor").hidden = true; });
    document.addEventListener("keydown", (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "z") { e.preventDefault(); undo(); }
    });
    const own = () => Object.assign(empty(), normalEvidence(DATA.evidence));
    let initial, problem = "";
    try { initial = readFragment() || own(); } catch (err) { initial = own(); problem = err.message; }
    try { show(initial); } catch (err) {
      show(own());
      problem = `the view in this link does not fit this page (${err.message || err}); showing the page's own view`;
    }
    if (problem) $("#message").textContent = problem;
    wvSel.value = String(state.wv);
    cmpSel.value = String(state.cmp);
    document.body.dataset.ready = "true";
  }

  const api = {
    posterior(t, ev) {
      const i = index[t];
      if (i === undefined) throw new Error(`unknown node ${t}`);
      const res = beliefsOf(state, ev);
      if (!(res.pe > 0)) throw new Error("impossible evidence");
      return Object.fromEntries(nodes[i].states.map((st, k) => [st, res.beliefs[i][k]]));
    },
    marginals(ev) {
      const res = beliefsOf(state, ev);
      return Object.fromEntries(nodes.map((n, i) => [n.id, Object.fromEntries(n.states.map((st, k) => [st, res.beliefs[i][k]]))]));
    },
    targetDraws(ev) { return Array.from(targetDrawsOf(state, ev)); },
    interval(ev) { return M.interval(state.wv, state.mine, ev); },
    swings(ev) { return swingsOf(state, ev); },
    tableDraws,
    state() { return copyState(state); },
    setState(s) { return act(() => ({...empty(), ...copyState(s)})); },
    undo,
    worldviewFile() { return worldviewFile(state); },
    command() { return command(state); },
    /** Run the draws through WebAssembly (default, where available) or plain JavaScript. */
    useWasm(on) { if (engine) engine.useWasm = Boolean(on); return Boolean(engine && engine.wasmBytes && engine.useWasm); },
    target: ids[target], targetState: nodes[target].states[soi], draws: D,
    worldviews: worldviews.map((w) => w.name),
  };
  /** ms of each part of an update under ev (for benchmarks/explorer.py). */
  api.profile = (ev, repeat) => {
    const s = {...copyState(state), ...normalEvidence(ev)}, n = repeat || 1, out = {};
    const time = (name, f) => { const t0 = performance.now(); for (let r = 0; r < n; r++) f(); out[name] = (performance.now() - t0) / n; };
    time("beliefs", () => beliefsOf(s, evidenceOf(s)));
    time("swings", () => swingsOf(s, evidenceOf(s)));
    time("draws", () => targetDrawsOf(s, evidenceOf(s)));

    time("update", () => compute(s));
    return out;
  };
  window.cruxnet = api;
  start();
})();
