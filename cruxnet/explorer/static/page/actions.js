/* cruxnet explorer, page/actions.js: what the reader does, as changes of the page's state
 * (MIT, part of cruxnet): show a state (compute its view, draw it, write the panels and the
 * link's fragment), act (a change that can be undone, or a message saying why it failed, the
 * page staying as it was), undo, a click on a state.
 */
import {get} from "../engine/names.js";
import {computeView} from "./compute.js";
import {$} from "./dom.js";
import {panels} from "./panels.js";
import {draw} from "./picture.js";
import {clearNode, copyState} from "./state.js";

/** The panels of view, whose "clear" buttons clear their node (an action). */
export function showPanels(page, view) {
  panels(page, view, (node) => act(page, (st) => clearNode(st, node)));
}

function replaceFragment(frag) {
  try { window.history.replaceState(null, "", frag); } catch (e) { location.hash = frag; }
}

export function show(page, s) {
  const view = computeView(page, s);
  page.state = s;
  page.current = view;
  draw(page, view);
  showPanels(page, view);
  const frag = "#" + encodeURIComponent(JSON.stringify(s));
  if (location.hash !== frag) replaceFragment(frag);
  $("#message").textContent = "";
  return view;
}

/** Apply a change: on success it can be undone; on failure the page says why and stays. */
export function act(page, change) {
  const before = copyState(page.state);
  let next;
  try {
    next = change(copyState(page.state));
    show(page, next);
  } catch (err) {
    show(page, before);
    $("#message").textContent = String(err.message || err);
    return false;
  }
  page.history.push(before);
  return true;
}

export function undo(page) {
  if (!page.history.length) return;
  show(page, page.history.pop());
}

/** A click on state st of node: observe it or set it by do() (again: clear it). */
export function clickState(page, node, st, how) {
  act(page, (s) => {
    if (how === "do") {
      const was = get(s.do, node);
      clearNode(s, node);
      if (was !== st) s.do[node] = st;
    } else if (how === "observe") {
      const was = get(s.hard, node);
      clearNode(s, node);
      if (was !== st) s.hard[node] = st;
    }
    return s;
  });
}
