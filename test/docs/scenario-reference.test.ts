import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { jsonSchema } from "../../src/scenarios/json-schema.ts";

/**
 * docs/scenario-reference.md against the scenario schema (the zod schema, as JSON Schema): every
 * key its YAML examples use exists where they use it, every key in a short example in the prose
 * exists somewhere, and every key of the schema is mentioned.
 */

const DOC = "docs/scenario-reference.md";
const text = readFileSync(DOC, "utf8");

type Node = {
  $ref?: string;
  anyOf?: Node[];
  oneOf?: Node[];
  allOf?: Node[];
  type?: string | string[];
  properties?: Record<string, Node>;
  additionalProperties?: boolean | Node;
  items?: Node;
  prefixItems?: Node[];
};

const root = jsonSchema("scenario") as Node & { $defs?: Record<string, Node> };
const defs = root.$defs ?? {};

/** The plain alternatives a node stands for ($refs followed, anyOf/oneOf/allOf flattened). */
function variants(node: Node): Node[] {
  if (node.$ref) return variants(defs[node.$ref.replace("#/$defs/", "")]);
  const alternatives = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])];
  const own = node.type || node.properties || node.items || alternatives.length === 0 ? [node] : [];
  return [...own, ...alternatives.flatMap(variants)];
}

const isType = (node: Node, type: string) => node.type === type || node.type?.includes(type);
/** A node that constrains nothing (free JSON such as a Graph request body). */
const isAny = (node: Node) => !node.type && !node.properties && !node.items && !node.$ref;

/** Problems with `value` (a YAML example) under `node`, each with its path. */
function check(value: unknown, node: Node, path: string): string[] {
  const options = variants(node);
  if (options.some(isAny)) return [];
  if (Array.isArray(value)) {
    const items = options
      .filter((o) => isType(o, "array"))
      .flatMap((o) => [...(o.prefixItems ?? []), ...(o.items ? [o.items] : [])]);
    if (items.length === 0) return [];
    return value.flatMap((v, i) => check(v, { anyOf: items }, `${path}[${i}]`));
  }
  if (value === null || typeof value !== "object") return [];
  const objects = options.filter((o) => isType(o, "object") || o.properties);
  if (objects.length === 0) return [`${path}: a mapping where the schema has none`];
  return Object.entries(value).flatMap(([key, v]) => {
    const at = path ? `${path}.${key}` : key;
    const named = objects.flatMap((o) => (o.properties?.[key] ? [o.properties[key]] : []));
    if (named.length > 0) return check(v, { anyOf: named }, at);
    const open = objects.flatMap((o) =>
      o.additionalProperties === undefined || o.additionalProperties === true
        ? [{}]
        : o.additionalProperties === false
          ? []
          : [o.additionalProperties],
    );
    return open.length > 0 ? check(v, { anyOf: open }, at) : [`${at}: not a key of the scenario schema`];
  });
}

/** Every key of a parsed YAML example, at any depth. */
function exampleKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(exampleKeys);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...exampleKeys(v)]);
}

/** Every property name in a schema. */
function allKeys(node: Node, into = new Set<string>()): Set<string> {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    into.add(name);
    allKeys(child, into);
  }
  const children = [
    ...(node.anyOf ?? []),
    ...(node.oneOf ?? []),
    ...(node.allOf ?? []),
    ...(node.prefixItems ?? []),
    ...(node.items ? [node.items] : []),
    ...(typeof node.additionalProperties === "object" ? [node.additionalProperties] : []),
  ];
  for (const child of children) allKeys(child, into);
  return into;
}

const schemaKeys = allKeys({ anyOf: [root, ...Object.values(defs)] });

/** Parsed YAML documents, with the parser's own errors (duplicate keys included). */
function yamlValues(source: string): { values: unknown[]; errors: string[] } {
  const docs = parseAllDocuments(source);
  return {
    values: docs.map((d) => d.toJS()),
    errors: docs.flatMap((d) => d.errors.map((e) => e.message.split("\n")[0])),
  };
}

const blocks = [...text.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((m) => ({
  line: text.slice(0, m.index).split("\n").length + 1,
  source: m[1],
}));
const stepSchema = (root.properties as Record<string, Node>).steps.items as Node;
const generatorFile = jsonSchema("generator") as Node;

/** A list is a list of steps; a mapping is (part of) a scenario file, or a generator spec file. */
function problemsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((step, i) => check(step, stepSchema, `step[${i}]`));
  const keys = value && typeof value === "object" ? Object.keys(value) : [];
  return check(value, keys.length === 1 && keys[0] === "generator" ? generatorFile : root, "");
}

describe(DOC, () => {
  it("its YAML examples are valid YAML and use only keys the schema has, where it has them", () => {
    expect(blocks.length).toBeGreaterThan(10);
    const problems = blocks.flatMap(({ line, source }) => {
      const { values, errors } = yamlValues(source);
      const misplaced = values.flatMap(problemsOf);
      return [...errors, ...misplaced].map((p) => `${DOC}:${line}: ${p}`);
    });
    expect(problems).toEqual([]);
  });

  it("the check finds keys where the schema does not have them", () => {
    expect(problemsOf({ users: 40, spaces: 4 })).toEqual([
      "users: not a key of the scenario schema",
      "spaces: not a key of the scenario schema",
    ]);
    expect(problemsOf({ site: { generator: { users: 40, spaces: ["WIKI"] } } })).toEqual([]);
    expect(
      problemsOf([
        {
          crawl: {
            mode: "full",
            during: { afterListing: "ENG", confluence: { renameGroup: { group: "eng", too: "x" } } },
          },
        },
      ]),
    ).toEqual(["step[0].crawl.during.confluence.renameGroup.too: not a key of the scenario schema"]);
    expect(problemsOf([{ expect: { requests: [{ service: "graph", budget: 2 }] } }])).toEqual([
      "step[0].expect.requests[0].budget: not a key of the scenario schema",
    ]);
  });

  it("short examples in its prose (`key: value`) name keys the schema has", () => {
    // Prose outside code blocks and outside the TypeScript API section (its options are not keys).
    const prose = text.replace(/^```[\s\S]*?^```/gm, "").replace(/^### From TypeScript[\s\S]*?(?=^## )/m, "");
    const spans = [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
    const unknown = spans.flatMap((span) => {
      // `key: value` or `{ key: value, … }`; `$repeat` is a placeholder in free JSON bodies.
      if (!/^\{?\s*[A-Za-z][\w]*:\s+\S/.test(span) || span.includes("$repeat")) return [];
      const { values, errors } = yamlValues(span.replace(/…/g, ""));
      if (errors.length > 0) return [];
      return exampleKeys(values[0])
        .filter((k) => !schemaKeys.has(k))
        .map((k) => `${k} in \`${span}\``);
    });
    expect(unknown).toEqual([]);
  });

  it("mentions every key of the scenario schema", () => {
    const words = new Set(text.match(/[A-Za-z$][\w$-]*/g));
    const missing = [...schemaKeys].filter((k) => !words.has(k)).sort();
    expect(missing).toEqual([]);
  });
});
