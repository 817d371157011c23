/* cruxnet explorer, page/reproduce.js: what reproduces the page outside it (MIT, part of
 * cruxnet): the cruxnet query command, and the worldview file (extending the shown worldview,
 * with "my view" as exact marginals) the Download button saves.
 */
import {get, nameMap} from "../engine/names.js";

function yamlString(x) { return JSON.stringify(String(x)); }

/** The worldview file that reproduces state s (default: the page's) as YAML text. */
export function worldviewFile(page, s) {
  const {DATA, M} = page;
  const {worldviews, nodes, index} = M;
  s = s || page.state;
  const w = worldviews[s.wv];
  const base = get(DATA.sources, w.name);
  const lines = [
    `# Written by the cruxnet explorer (cruxnet ${DATA.version}), page ${DATA.hash}.`,
    "# It reproduces the page's beliefs with the evidence below:",
    `#   ${command(page, s, "my_view.yaml")}`,
    `worldview: ${yamlString(w.name + "_my_view")}`,
    `model: ${yamlString(DATA.model.name)}`,
    `extends: ${yamlString(base)}`,
  ];
  const stated = nameMap();
  for (const [n, m] of Object.entries(w.extra_marginals || {})) stated[n] = m;
  for (const [n, m] of Object.entries(s.mine)) {
    stated[n] = {p: nameMap(m.map((x, k) => [nodes[index[n]].states[k], x])), ess: "exact"};
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
export function command(page, s, file) {
  const {DATA, M} = page;
  const {worldviews, nodes, index, ids, target, D} = M;
  const model = DATA.model;
  s = s || page.state;
  const w = worldviews[s.wv];
  const parts = ["cruxnet", "query", ids[target]];
  if (model.file) parts.push("-m", model.file);
  const source = get(DATA.sources, w.name);
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

/** Save the worldview file of the page's state as my_view.yaml. */
export function download(page) {
  const blob = new Blob([worldviewFile(page, page.state)], {type: "text/yaml"});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = "my_view.yaml";
  document.body.append(a);
  a.click();
  a.remove();
}
