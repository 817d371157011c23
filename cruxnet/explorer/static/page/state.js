/* cruxnet explorer, page/state.js: the page's state (MIT, part of cruxnet): {wv: worldview,
 * cmp: compared worldview or -1, hard, do, likelihood, mine}, a plain object that is copied on
 * every action (so undo keeps the old one) and travels in the link's #fragment as JSON.
 */

export const emptyState = () => ({wv: 0, cmp: -1, hard: {}, do: {}, likelihood: {}, mine: {}});

export function evidenceOf(s) { return {hard: s.hard, do: s.do, likelihood: s.likelihood}; }

/** What the state says of node `id`: "do", "observed", "likelihood", "stated" or "". */
export function markOf(s, id) {
  if (id in s.do) return "do";
  if (id in s.hard) return "observed";
  if (id in s.likelihood) return "likelihood";
  if (id in s.mine) return "stated";
  return "";
}

export function clearNode(s, node) {
  delete s.hard[node]; delete s.do[node]; delete s.likelihood[node]; delete s.mine[node];
  return s;
}

export function copyState(s) { return JSON.parse(JSON.stringify(s)); }

/** The state a link's fragment (location.hash) carries, or null if it carries none. */
export function readFragment(hash) {
  if (hash.length < 2) return null;
  try {
    const s = JSON.parse(decodeURIComponent(hash.slice(1)));
    if (typeof s !== "object" || s === null || Array.isArray(s)) throw new Error("not a view");
    return {...emptyState(), ...s};
  } catch (e) {
    throw new Error("the view in this link could not be read; showing the page's own view");
  }
}
