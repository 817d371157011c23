/* cruxnet explorer, model/evidence.js: evidence as the page and its callers give it, checked
 * against the model and copied (no DOM; MIT, part of cruxnet).
 */

/** {hard, do, likelihood} with every node and state checked (an Error names the first that
 *  the model does not have); a copy, so callers may change theirs. */
export function normalEvidence(ctx, ev) {
  const {nodes, index} = ctx;
  ev = ev || {};
  const out = {hard: {...(ev.hard || {})}, do: {...(ev.do || {})}, likelihood: {}};
  for (const [n, w] of Object.entries(ev.likelihood || {})) out.likelihood[n] = {...w};
  for (const kind of ["hard", "do", "likelihood"]) {
    for (const [n, v] of Object.entries(out[kind])) {
      if (!(n in index)) throw new Error(`unknown node ${n}`);
      const states = nodes[index[n]].states;
      if (kind === "likelihood") {
        for (const st of states) if (!(st in v)) throw new Error(`${n}: the likelihood must give every state (${st} is missing)`);
        for (const st of Object.keys(v)) if (!states.includes(st)) throw new Error(`${n}: unknown state ${st}`);
      } else if (!states.includes(v)) throw new Error(`${n}: unknown state ${v}`);
    }
  }
  return out;
}
