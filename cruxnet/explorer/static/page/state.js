/* cruxnet explorer, page/state.js: the page's state (MIT, part of cruxnet): {wv: worldview,
 * cmp: compared worldview or -1, hard, do, likelihood, mine}, copied on every action (so undo
 * keeps the old one) and carried in the link's #fragment as JSON. Its maps are keyed by node
 * (and, in a likelihood, state) names, so they have no prototype (engine/names.js): a node may be
 * called "constructor" or "__proto__".
 */
import {has, nameMap} from "../engine/names.js";
import {checkView} from "../model/check.js";

export const emptyState = () => ({wv: 0, cmp: -1, hard: nameMap(), do: nameMap(), likelihood: nameMap(), mine: nameMap()});

export function evidenceOf(s) { return {hard: s.hard, do: s.do, likelihood: s.likelihood}; }

/** What the state says of node `id`: "do", "observed", "likelihood", "stated" or "". */
export function markOf(s, id) {
  if (has(s.do, id)) return "do";
  if (has(s.hard, id)) return "observed";
  if (has(s.likelihood, id)) return "likelihood";
  if (has(s.mine, id)) return "stated";
  return "";
}

export function clearNode(s, node) {
  delete s.hard[node]; delete s.do[node]; delete s.likelihood[node]; delete s.mine[node];
  return s;
}

/** A copy of a state the page holds (already checked), in fresh maps without a prototype. */
export function copyState(s) {
  return {
    wv: s.wv, cmp: s.cmp, hard: nameMap(Object.entries(s.hard)), do: nameMap(Object.entries(s.do)),
    likelihood: nameMap(Object.entries(s.likelihood).map(([n, w]) => [n, nameMap(Object.entries(w))])),
    mine: nameMap(Object.entries(s.mine).map(([n, m]) => [n, m.slice()])),
  };
}

/** What checkView (model/check.js) checks a view against: the model's nodes and how many
 *  worldviews the page holds. */
export const viewModel = (M) => ({nodes: M.nodes, worldviews: M.worldviews.length});

/** The state a link's fragment (location.hash) carries, checked against the model as the
 *  command line checks its input (model/check.js), or null if it carries none. A fragment that
 *  is not JSON, or a view the model does not take, is an Error (the page then shows its own
 *  view and says why). */
export function readFragment(hash, M) {
  if (hash.length < 2) return null;
  let raw;
  try {
    raw = JSON.parse(decodeURIComponent(hash.slice(1)));
  } catch (e) {
    throw new Error("the view in this link could not be read; showing the page's own view");
  }
  try {
    return checkView(raw, viewModel(M));
  } catch (e) {
    throw new Error(`the view in this link does not fit this page (${e.message}); showing the page's own view`);
  }
}
