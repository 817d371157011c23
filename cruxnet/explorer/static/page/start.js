/* cruxnet explorer, page/start.js: the page's start (MIT, part of cruxnet): the worldview
 * menus, the controls and clicks wired to their actions, and the first view (the link's, else
 * the page's own evidence); a network too large to compute says so instead. A link whose view
 * the model does not take (page/state.js, model/check.js) is refused as a whole: the page shows
 * its own view and says, in #message, what it refused.
 */
import {act, clickState, show, showPanels, undo} from "./actions.js";
import {$} from "./dom.js";
import {applyEditor, openEditor} from "./editor.js";
import {download} from "./reproduce.js";
import {clearNode, emptyState, readFragment} from "./state.js";

export function start(page) {
  const {DATA, M, svgRoot} = page;
  const {engine, worldviews, normalEvidence} = M;
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
  wvSel.addEventListener("change", () => act(page, (s) => ({...s, wv: Number(wvSel.value)})));
  cmpSel.addEventListener("change", () => act(page, (s) => ({...s, cmp: Number(cmpSel.value)})));
  for (const b of document.querySelectorAll("[data-mode]")) {
    b.addEventListener("click", () => { page.mode = b.dataset.mode; showPanels(page, page.current); });
  }
  svgRoot.addEventListener("click", (e) => {
    const row = e.target.closest("g.state");
    if (!row) return;
    const node = row.dataset.node, st = row.dataset.state;
    if (e.altKey) { act(page, (s) => clearNode(s, node)); return; }
    const how = e.shiftKey ? "do" : page.mode;
    if (how === "likelihood" || how === "mine") openEditor(page, node, how);
    else clickState(page, node, st, how);
  });
  $("#undo").addEventListener("click", () => undo(page));
  $("#clear-all").addEventListener("click", () => act(page, (s) => ({...emptyState(), wv: s.wv, cmp: s.cmp})));
  $("#download").addEventListener("click", () => download(page));
  $("#editor-apply").addEventListener("click", () => applyEditor(page));
  $("#editor-cancel").addEventListener("click", () => { $("#editor").hidden = true; });
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "z") { e.preventDefault(); undo(page); }
  });
  const own = () => Object.assign(emptyState(), normalEvidence(DATA.evidence));
  let initial, problem = "";
  try { initial = readFragment(location.hash, M) || own(); } catch (err) { initial = own(); problem = err.message; }
  try { show(page, initial); } catch (err) {
    show(page, own());
    problem = `the view in this link does not fit this page (${err.message || err}); showing the page's own view`;
  }
  if (problem) $("#message").textContent = problem;
  wvSel.value = String(page.state.wv);
  cmpSel.value = String(page.state.cmp);
  document.body.dataset.ready = "true";
}
