/**
 * Requests for the API target, from the OpenAPI document the server serves (GET /api/v1/openapi.json, made from
 * the zod schemas the routes parse with): for operation op and input i, a deterministic request (seed, i) whose
 * path ids, query parameters, headers and body follow the operation's schemas, then one to three of its parts
 * made hostile: control characters (NUL, ESC sequences, bidi, lone surrogates, line separators), LIKE and path
 * metacharacters, strings past their bounds, numbers at the extremes of JSON and of 32/64-bit integers, the wrong
 * JSON type, a required field missing, extra fields (`__proto__` among them), deep nesting, broken or truncated
 * JSON, duplicate keys, other Content-Types and Content-Encodings, repeated or unknown query parameters, raw
 * percent-escapes; raw-body routes get the engine targets' archives and captures. Pure: no I/O.
 */
import { rng } from "./targets";

export type Schema = Record<string, unknown>;
export type Operation = {
  method: string;
  /** the path template: /api/v1/incidents/{id}/evidence/{evidenceId} */
  path: string;
  access: string;
  params: Array<{ name: string; in: "path" | "query" | "header"; required: boolean; schema: Schema }>;
  body?: { required: boolean; types: string[]; schema?: Schema };
};

export type ApiRequest = {
  method: string;
  /** path and query, already encoded */
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  /** the op's template, for the per-route report */
  op: string;
  /** what was made hostile */
  notes: string[];
};

const enc = new TextEncoder();
type R = () => number;
const pick = <T>(r: R, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: R, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** every /api/v1 operation of the document, $refs resolved */
export function operations(doc: Record<string, unknown>): Operation[] {
  const out: Operation[] = [];
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  for (const [p, item] of Object.entries(paths)) {
    if (!p.startsWith("/api/v1/")) continue;
    for (const [method, o] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const params = ((o.parameters ?? []) as Array<Record<string, unknown>>).map((x) => deref(doc, x)).map((x) => ({
        name: String(x.name), in: x.in as "path" | "query" | "header", required: x.required === true, schema: deref(doc, (x.schema ?? {}) as Schema),
      }));
      const rb = o.requestBody ? deref(doc, o.requestBody as Schema) : undefined;
      const content = (rb?.content ?? {}) as Record<string, { schema?: Schema }>;
      const types = Object.keys(content);
      out.push({
        method: method.toUpperCase(), path: p, access: String(o["x-access"] ?? "public"), params,
        ...(rb ? { body: { required: rb.required === true, types, ...(content["application/json"]?.schema ? { schema: content["application/json"].schema } : {}) } } : {}),
      });
    }
  }
  return out;
}

function deref(doc: Record<string, unknown>, s: Schema): Schema {
  let cur = s;
  for (let k = 0; k < 20 && typeof cur?.$ref === "string"; k++) {
    const parts = (cur.$ref as string).replace(/^#\//, "").split("/");
    cur = parts.reduce<unknown>((o, p) => (o as Record<string, unknown>)?.[p], doc) as Schema;
  }
  return cur ?? {};
}

// ------------------------------------------------------------------ hostile values

export const HOSTILE_STRINGS = [
  "\u0000", "a\u0000b", "\u0007\u001b[2J\u001b]0;pwned\u0007", "\u001b[31mred", "\u202e\u2066evil\u2069", "\ud800", "x\udfffy",
  "\u2028\u2029", "\ufeff", "\r\n\r\nX-Injected: 1", "%", "_", "%_%\\", "' OR '1'='1' --", "\"; DROP TABLE incidents; --",
  "../../../etc/passwd", "..%2f..%2f", "/", "\\", "", " ", "\t", "null", "NaN", "-1", "1e309", "0x10", "🧨".repeat(50),
  "<script>alert(1)</script>", "${7*7}{{7*7}}", "a".repeat(201), "é".repeat(5000), "x".repeat(70_000),
  "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "0000-00-00T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
  "2024-02-30T00:00:00Z", "-000001-01-01T00:00:00Z", "admin", "responder", "viewer", "root",
];
export const HOSTILE_NUMBERS = [0, -0, -1, 1, 0.5, -1.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, 1e21, 1e308, -1e308, 5e-324];
const WRONG_TYPES: unknown[] = [null, true, false, 0, -1, 1e308, "", "x", [], [null], {}, { a: 1 }, [[[[]]]], "\u0000"];

function gen(r: R, s: Schema, depth = 0): unknown {
  if (depth > 6) return null;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum)) return pick(r, s.enum as unknown[]);
  for (const k of ["anyOf", "oneOf"] as const) if (Array.isArray(s[k])) return gen(r, pick(r, s[k] as Schema[]), depth + 1);
  if (Array.isArray(s.allOf)) return Object.assign({}, ...(s.allOf as Schema[]).map((x) => gen(r, x, depth + 1) as object));
  const type = Array.isArray(s.type) ? pick(r, s.type as string[]) : (s.type as string | undefined);
  switch (type) {
    case "string": {
      const f = s.format as string | undefined;
      if (f === "uuid") return uuid(r);
      if (f === "date-time") return new Date(Date.UTC(2026, 11, 7, int(r, 0, 23), int(r, 0, 59), int(r, 0, 59))).toISOString();
      if (f === "email") return `fuzz${int(r, 0, 1e6)}@example.test`;
      if (f === "uri" || f === "url") return `https://example.test/${int(r, 0, 1e6)}`;
      const min = Number(s.minLength ?? 1);
      const max = Math.min(Number(s.maxLength ?? 40), 40);
      const words = ["node-1", "eth0", "syn flood", "dns", "kube-proxy", "conntrack", "10.0.0.1", "pod", "svc", "drop"];
      let v = pick(r, words);
      while (v.length < min) v += ` ${pick(r, words)}`;
      return v.slice(0, Math.max(min, max));
    }
    case "integer":
    case "number": {
      const lo = Number(s.minimum ?? (s.exclusiveMinimum !== undefined ? Number(s.exclusiveMinimum) + 1 : 0));
      const hi = Number(s.maximum ?? (s.exclusiveMaximum !== undefined ? Number(s.exclusiveMaximum) - 1 : lo + 100));
      return int(r, lo, Math.min(hi, lo + 1000));
    }
    case "boolean":
      return r() < 0.5;
    case "null":
      return null;
    case "array": {
      const n = int(r, Number(s.minItems ?? 0), Math.min(Number(s.maxItems ?? 3), 3));
      return Array.from({ length: n }, () => gen(r, (s.items ?? {}) as Schema, depth + 1));
    }
    case "object":
    default: {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const req = new Set((s.required ?? []) as string[]);
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(props)) if (req.has(k) || r() < 0.6) o[k] = gen(r, v, depth + 1);
      return o;
    }
  }
}

function uuid(r: R): string {
  const h = () => int(r, 0, 15).toString(16);
  const s = Array.from({ length: 32 }, h).join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

function hostile(r: R, s: Schema | undefined): { value: unknown; note: string } {
  const type = s ? (Array.isArray(s.type) ? s.type[0] : s.type) : undefined;
  const k = r();
  if (k < 0.45) return { value: pick(r, HOSTILE_STRINGS), note: "hostile string" };
  if (k < 0.7) return { value: pick(r, HOSTILE_NUMBERS), note: "extreme number" };
  if (k < 0.9) return { value: pick(r, WRONG_TYPES), note: `wrong type for ${String(type ?? "?")}` };
  const deep: unknown[] = [];
  let cur = deep;
  for (let d = 0; d < int(r, 50, 3000); d++) {
    const n: unknown[] = [];
    cur.push(n);
    cur = n;
  }
  return { value: deep, note: "deep nesting" };
}

/** makes one to three leaves, fields or shapes of a JSON value hostile */
function mutateJson(r: R, v: unknown, s: Schema | undefined, notes: string[]): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    const h = hostile(r, s);
    notes.push(h.note);
    return h.value;
  }
  const o = { ...(v as Record<string, unknown>) };
  const props = ((s?.properties ?? {}) as Record<string, Schema>);
  const keys = [...new Set([...Object.keys(o), ...Object.keys(props)])];
  const op = r();
  if (op < 0.15 && keys.length) {
    const key = pick(r, keys);
    delete o[key];
    notes.push(`field ${key} missing`);
  } else if (op < 0.3) {
    const key = pick(r, ["__proto__", "constructor", "prototype", "id", "createdAt", "role", "clusterId", "authorId", "x".repeat(300), "\u0000", "extra"]);
    Object.defineProperty(o, key, { value: r() < 0.5 ? pick(r, WRONG_TYPES) : { polluted: true }, enumerable: true, configurable: true, writable: true });
    notes.push(`extra field ${JSON.stringify(key.slice(0, 20))}`);
  } else if (keys.length) {
    const n = int(r, 1, 3);
    for (let j = 0; j < n; j++) {
      const key = pick(r, keys);
      const sub = props[key];
      const cur = o[key] ?? gen(r, sub ?? {});
      o[key] = cur !== null && typeof cur === "object" && r() < 0.5 ? mutateJson(r, cur, sub, notes) : (() => {
        const h = hostile(r, sub);
        notes.push(`${key}: ${h.note}`);
        return h.value;
      })();
    }
  } else {
    const h = hostile(r, s);
    notes.push(`whole body: ${h.note}`);
    return h.value;
  }
  return o;
}

/** text-level damage JSON.stringify cannot produce */
function damageText(r: R, text: string, notes: string[]): string {
  const op = int(r, 0, 7);
  notes.push(["truncated JSON", "trailing garbage", "BOM", "1e400 number", "duplicate key", "not JSON", "empty body", "NUL byte in JSON"][op]!);
  switch (op) {
    case 0: return text.slice(0, int(r, 0, Math.max(0, text.length - 1)));
    case 1: return `${text}${pick(r, ["}", "]", ",", "x", "\u0000", " {}"])}`;
    case 2: return `\ufeff${text}`;
    case 3: return text.replace(/-?\d+(\.\d+)?/, pick(r, ["1e400", "-1e400", "-0", "00012", "1.7976931348623159e308"]));
    case 4: return text.startsWith("{") && text.length > 2 ? `${text.slice(0, -1)},"title":${pick(r, ["1", "null", "\"\\u0000\"", "{}"])}}` : `{"a":1,"a":2}`;
    case 5: return pick(r, ["title=x&severity=sev1", "<xml/>", "undefined", "'single'", "{a:1}", "[1,2,", "\"\\ud800\""]);
    case 6: return "";
    default: return text.replace(/"/, "\"\u0000");
  }
}

export type IdPool = (collection: string) => string[];

/** encodeURIComponent, with a lone surrogate (which it refuses) sent as the bytes of its CESU-8 form: invalid UTF-8 */
export function encodeComponent(s: string): string {
  const marked = s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\u0000LONE\u0000");
  return encodeURIComponent(marked).replace(/%00LONE%00/g, "%ED%A0%80");
}

/** the collection a path parameter's ids belong to: the segment before it, or the name (evidenceId → evidence) */
export function collectionOf(template: string, param: string): string {
  const segs = template.split("/");
  const at = segs.indexOf(`{${param}}`);
  if (param !== "id") return param.replace(/Id$/, "").toLowerCase() === "user" ? "users" : param.replace(/Id$/, "").toLowerCase();
  return at > 0 ? segs[at - 1]! : param;
}

/**
 * Request i of one operation. `ids` gives real ids of the fixtures and of what earlier requests created;
 * `rawBody(r)` gives bytes for raw-body routes (archives, captures, text). About one request in six is left valid.
 */
export function makeRequest(op: Operation, seed: number, i: number, ids: IdPool, rawBody: (r: R, type: string) => Uint8Array, o: { valid?: boolean } = {}): ApiRequest {
  const r = rng(seed ^ 0x5bd1e995, i);
  const notes: string[] = [];
  const valid = r() < 0.17 || o.valid === true;
  // which parts to damage
  const parts = new Set<string>();
  if (!valid) {
    const choices = ["path", "query", "body", "body", "body", "headers", "text"];
    for (let k = int(r, 1, 2); k > 0; k--) parts.add(pick(r, choices));
  }
  // path
  let url = op.path;
  for (const p of op.params.filter((x) => x.in === "path")) {
    const pool = ids(collectionOf(op.path, p.name));
    let v = pool.length && r() < 0.9 ? pick(r, pool) : uuid(r);
    if (parts.has("path") && r() < 0.6) {
      v = pick(r, [...HOSTILE_STRINGS.slice(0, 30), "%00", "%ZZ", "%2e%2e", "a%2Fb", uuid(r).toUpperCase(), `${uuid(r)}x`, " ", "123", uuid(r).replace(/-/g, "")]);
      notes.push(`path ${p.name}: ${JSON.stringify(v).slice(0, 40)}`);
      url = url.replace(`{${p.name}}`, /^%/.test(v) || v === "a%2Fb" || v === "%2e%2e" ? v : encodeComponent(v));
    } else url = url.replace(`{${p.name}}`, encodeComponent(v));
  }
  // query
  const q: string[] = [];
  for (const p of op.params.filter((x) => x.in === "query")) {
    if (!p.required && r() < 0.5) continue;
    let v: unknown = gen(r, p.schema);
    if (p.name === "cursor") v = r() < 0.5 ? "" : Buffer.from(`${new Date().toISOString()}|${uuid(r)}`).toString("base64url");
    if (parts.has("query") && r() < 0.6) {
      const h = hostile(r, p.schema);
      v = h.value;
      notes.push(`query ${p.name}: ${h.note}`);
    }
    const s = typeof v === "string" ? v : JSON.stringify(v) ?? "";
    q.push(`${encodeComponent(p.name)}=${encodeComponent(s.slice(0, 10_000))}`);
    if (parts.has("query") && r() < 0.2) q.push(`${encodeComponent(p.name)}=${encodeComponent(pick(r, HOSTILE_STRINGS).slice(0, 1000))}`);
  }
  if (parts.has("query") && r() < 0.4) {
    q.push(pick(r, ["%ZZ=1", "a=%00", "x=%E0%A4%A", `${"k".repeat(3000)}=1`, "__proto__[x]=1", "limit=1&limit=2", "&&&=", "cursor=%C0%AF"]));
    notes.push("raw query");
  }
  if (q.length) url += `?${q.join("&")}`;
  // headers
  const headers: Record<string, string> = {};
  for (const p of op.params.filter((x) => x.in === "header")) {
    if (!p.required && r() < 0.4) continue;
    let v = String(gen(r, p.schema));
    if (parts.has("headers") && r() < 0.6) {
      v = pick(r, ["\u0001\u0007\u001b[2J", "x".repeat(9000), "../../etc/passwd", "é", "%00", " ", "a\u007fb", "ÿþ"]);
      notes.push(`header ${p.name} hostile`);
    }
    headers[p.name] = v;
  }
  if (/ingest/.test(op.path) || r() < 0.1) headers["idempotency-key"] = parts.has("headers") && r() < 0.5 ? pick(r, ["", "x".repeat(500), "\u0001", "é"]) : uuid(r);
  // body
  let body: Uint8Array | undefined;
  if (op.body) {
    const jsonRoute = op.body.types.includes("application/json");
    if (jsonRoute) {
      let v = gen(r, op.body.schema ?? {});
      if (parts.has("body")) v = mutateJson(r, v, op.body.schema, notes);
      let text = JSON.stringify(v) ?? "";
      if (parts.has("text")) text = damageText(r, text, notes);
      headers["content-type"] = "application/json";
      if (parts.has("headers") && r() < 0.5) {
        headers["content-type"] = pick(r, ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/jsonx", ""]);
        notes.push(`content-type ${headers["content-type"]}`);
      }
      body = enc.encode(text);
      if (!valid && r() < 0.05) {
        body = new Uint8Array(pick(r, [0, 1, 2, 10]) * 1024 * 1024 + 17).fill(0x20);
        notes.push("body over 1 MiB of spaces");
      }
    } else {
      const type = pick(r, op.body.types);
      body = rawBody(r, type);
      headers["content-type"] = parts.has("headers") && r() < 0.5 ? pick(r, ["application/json", "image/png", "", "application/zip", "text/plain"]) : type;
      if (parts.has("body")) notes.push(`raw body ${body.length} bytes as ${headers["content-type"]}`);
    }
    if (parts.has("headers") && r() < 0.3) {
      headers["content-encoding"] = pick(r, ["gzip", "br", "deflate", "identity", "gzip, gzip", "x-unknown"]);
      notes.push(`content-encoding ${headers["content-encoding"]} on a plain body`);
    }
    if (!op.body.required && !valid && r() < 0.1) body = undefined;
  }
  if (valid) notes.push("valid");
  return { method: op.method, url, headers, ...(body ? { body } : {}), op: `${op.method} ${op.path}`, notes };
}
