/* cruxnet explorer, engine/names.js: objects keyed by node, state and worldview names (no DOM;
 * MIT, part of cruxnet).
 *
 * Names come from model files, and "constructor", "toString", "__proto__", "hasOwnProperty" or
 * "valueOf" are legal names there. An ordinary object keyed by names answers for names it was
 * never given ({}.constructor is Object, "toString" in {} is true) and takes obj["__proto__"] =
 * x as a new prototype, not a key. So every object the page keys by names has no prototype
 * (nameMap, nameTree), and every lookup by name asks for an own property only (has, get),
 * whatever object it is given (a caller's plain object included).
 */

const hasOwn = Object.prototype.hasOwnProperty;

/** Whether obj holds the key name itself (never through a prototype). */
export function has(obj, name) {
  return obj !== null && obj !== undefined && hasOwn.call(obj, name);
}

/** obj's own value for name, or undefined. */
export function get(obj, name) {
  return has(obj, name) ? obj[name] : undefined;
}

/** A map without a prototype, from [name, value] pairs (later pairs win). */
export function nameMap(entries) {
  const out = Object.create(null);
  if (entries) for (const [k, v] of entries) out[k] = v;
  return out;
}

/** A plain object's own entries ([] for anything that is not an object). */
export function ownEntries(obj) {
  return obj !== null && typeof obj === "object" ? Object.entries(obj) : [];
}

/** A JSON value (JSON.parse's result) with every object, at any depth, copied to a map without
 *  a prototype; arrays copied, other values as they are. JSON.parse makes "__proto__" an own
 *  key, which Object.entries gives and the copy keeps as a key. */
export function nameTree(value) {
  if (Array.isArray(value)) return value.map(nameTree);
  if (value === null || typeof value !== "object") return value;
  const out = Object.create(null);
  for (const [k, v] of Object.entries(value)) out[k] = nameTree(v);
  return out;
}
