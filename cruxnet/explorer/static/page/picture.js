/* cruxnet explorer, page/picture.js: the network picture (the SVG cruxnet.views.netview drew)
 * updated in place to a view (MIT, part of cruxnet): borders and badges for evidence, belief
 * bars, prior bars, interval whiskers, comparison ticks, cut edges under do(). Text from
 * model files goes in through textContent only.
 */
import {get, has, nameMap} from "../engine/names.js";
import {set} from "./dom.js";
import {pct} from "./format.js";
import {markOf} from "./state.js";

const SVGNS = "http://www.w3.org/2000/svg";

/** The child of each edge by the picture's data-edge ("parent->child"), from the model's own
 *  edges (a name may hold "->" itself), per model. */
const edgeChildren = new WeakMap();
function edgeChild(M) {
  let m = edgeChildren.get(M);
  if (!m) {
    m = nameMap(M.nodes.flatMap((n, i) => n.parents.map((j) => [`${M.ids[j]}->${M.ids[i]}`, M.ids[i]])));
    edgeChildren.set(M, m);
  }
  return m;
}

function setBadge(g, mark, width, colours) {
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
  for (const [k, v] of [["x", width - bw - 4], ["y", 4], ["width", bw], ["height", 13], ["rx", 3], ["fill", colours.evidence[mark]]]) r.setAttribute(k, v);
  const t = document.createElementNS(SVGNS, "text");
  for (const [k, v] of [["x", width - bw / 2 - 4], ["y", 14], ["font-size", 10], ["text-anchor", "middle"], ["fill", "white"]]) t.setAttribute(k, v);
  t.textContent = text;
  badge.append(r, t);
  g.append(badge);
}

export function draw(page, view) {
  const {DATA, M, svgRoot} = page;
  const {index, nodes, target, worldviews} = M;
  const COLOURS = DATA.colours;
  const BAR_W = DATA.geometry.bar_w, X_BAR = DATA.geometry.x_bar;
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
    setBadge(g, mark, width, COLOURS);
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
    const child = get(edgeChild(M), path.dataset.edge);
    const cut = child !== undefined && has(s.do, child);
    if (cut) { set(path, "stroke-dasharray", "4,3"); set(path, "opacity", "0.45"); }
    else { set(path, "stroke-dasharray", null); set(path, "opacity", "0.8"); }
  }
}
