/* cruxnet explorer, page/editor.js: the editor for a node's likelihood weights and "my view"
 * marginals (MIT, part of cruxnet).
 */
import {get, nameMap} from "../engine/names.js";
import {checkLikelihood, checkMarginal} from "../model/check.js";
import {act} from "./actions.js";
import {$} from "./dom.js";
import {clearNode} from "./state.js";

/** Open the editor for node's likelihood (kind "likelihood") or stated marginal ("mine"). */
export function openEditor(page, node, kind) {
  const {nodes, index} = page.M;
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
  const now = page.current.prior[i];
  n.states.forEach((st, k) => {
    const label = document.createElement("label");
    const span = document.createElement("span");
    span.textContent = st;
    const input = document.createElement("input");
    input.type = "number"; input.step = "any"; input.min = "0";
    input.dataset.state = st;
    if (kind === "likelihood") input.value = String(get(get(page.state.likelihood, node), st) ?? 1);
    else input.value = String(+((get(page.state.mine, node) || now)[k] * 100).toFixed(6));
    label.append(span, input);
    box.append(label);
  });
}

/** Check the editor's numbers and apply them (an action), or say what is wrong. The
 *  numbers pass the checks a link's do (model/check.js). */
export function applyEditor(page) {
  const {nodes, index} = page.M;
  const ed = $("#editor"), node = ed.dataset.node, kind = ed.dataset.kind;
  const n = nodes[index[node]];
  const values = nameMap();  // keyed by state names: "__proto__" is a key like any other
  for (const input of ed.querySelectorAll("input[data-state]")) {
    // An empty field (or text a number field does not take, which it empties) is no number.
    const x = input.value.trim() === "" ? NaN : Number(input.value);
    if (!(x >= 0) || !Number.isFinite(x)) { $("#message").textContent = `${node}: ${input.dataset.state}: a number >= 0, please`; return; }
    values[input.dataset.state] = x;
  }
  const total = Object.values(values).reduce((a, b) => a + b, 0);
  if (!(total > 0)) { $("#message").textContent = `${node}: at least one value must be > 0`; return; }
  if (kind === "mine" && Math.abs(total - 100) > 1e-6) {
    $("#message").textContent = `${node}: the percentages sum to ${+total.toFixed(6)}, not 100`;
    return;
  }
  const ok = act(page, (s) => {
    clearNode(s, node);
    if (kind === "likelihood") s.likelihood[node] = checkLikelihood(n, values);
    else s.mine[node] = checkMarginal(n, n.states.map((st) => values[st] / total), "my view");
    return s;
  });
  if (ok) ed.hidden = true;
}
