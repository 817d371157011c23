/* cruxnet explorer, page/panels.js: the text beside the picture, rewritten for a view (MIT,
 * part of cruxnet): P(target) and its interval, the evidence list (each item with a "clear"
 * button that calls onClear(node)), the command, the crux table, the comparison table, and
 * the buttons' states. Text from model files goes in through textContent only.
 */
import {get} from "../engine/names.js";
import {$} from "./dom.js";
import {fmt, pct} from "./format.js";
import {command} from "./reproduce.js";

export function panels(page, view, onClear) {
  const {DATA, M} = page;
  const {nodes, index, target, soi, worldviews} = M;
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
    b.addEventListener("click", () => onClear(node));
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
  $("#command").textContent = command(page, s);
  const canDownload = Boolean(get(DATA.sources, worldviews[s.wv].name));
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
  $("#undo").disabled = page.history.length === 0;
  for (const b of document.querySelectorAll("[data-mode]")) b.classList.toggle("active", b.dataset.mode === page.mode);
}
