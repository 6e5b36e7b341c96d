import { createHmac, randomBytes } from "node:crypto";

/**
 * Consistent, seeded pseudonyms. The same real value of the same kind always gets the same
 * pseudonym (within one mapping), different values never share one, and the keyed hash (HMAC with
 * a secret kept only in the customer's mapping file) means nobody can confirm a guessed name by
 * hashing it. The mapping (pseudonym → real) stays with the customer; it is what lets them read
 * an audit's findings back.
 */

export type PseudonymKind =
  | "site"
  | "uuid"
  | "accountId"
  | "person"
  | "local"
  | "domain"
  | "title"
  | "space"
  | "spaceKey"
  | "label"
  | "group"
  | "entraGroup"
  | "nickname"
  | "externalGroup"
  | "connection"
  | "text";

export interface MappingFile {
  format: "cgsim-capture-mapping";
  version: 1;
  /** Hex secret of the keyed hash. Whoever holds it can re-derive pseudonyms: keep it private. */
  secret: string;
  /** kind → real → pseudonym. */
  values: Partial<Record<PseudonymKind, Record<string, string>>>;
}

const ADJECTIVES =
  "amber brisk cedar dusky ember fallow gentle hazel ivory jade keen lunar mellow nimble olive plucky quiet russet sable tawny umber vivid willow xenial young zesty".split(
    " ",
  );
const NOUNS =
  "otter heron lynx marten finch badger egret ibis kestrel lemur mole newt osprey puffin quail raven stoat tapir urchin vole wren yak zebu gecko".split(
    " ",
  );

/** Default Atlassian group names carry no customer information and keep reports readable. */
const KEPT_GROUPS = new Set([
  "confluence-users",
  "confluence-administrators",
  "site-admins",
  "administrators",
  "users",
]);

export class Pseudonyms {
  readonly mapping: MappingFile;
  #used = new Map<PseudonymKind, Set<string>>();

  constructor(mapping?: MappingFile) {
    this.mapping = mapping ?? {
      format: "cgsim-capture-mapping",
      version: 1,
      secret: randomBytes(32).toString("hex"),
      values: {},
    };
    for (const [kind, values] of Object.entries(this.mapping.values))
      this.#used.set(kind as PseudonymKind, new Set(Object.values(values ?? {})));
  }

  /** The pseudonym of `real` as `kind`; created on first use. */
  of(kind: PseudonymKind, real: string): string {
    this.mapping.values[kind] ??= {};
    const table = this.mapping.values[kind];
    const known = table[real];
    if (known !== undefined) return known;
    const used = this.#used.get(kind) ?? new Set<string>();
    this.#used.set(kind, used);
    let candidate = "";
    for (let round = 0; ; round++) {
      candidate = this.#make(kind, real, this.#digest(kind, real, round), round);
      if (!used.has(candidate) && !(kind === "group" && KEPT_GROUPS.has(candidate))) break;
    }
    used.add(candidate);
    table[real] = candidate;
    return candidate;
  }

  /** Case-insensitive kinds map the lowercase form and give the result the original's case shape. */
  caseShaped(kind: PseudonymKind, real: string): string {
    return withCaseOf(real, this.of(kind, real.toLowerCase()));
  }

  /** An email with local part and domain mapped separately, case shape and outer whitespace kept. */
  email(real: string): string {
    if (real === "") return "";
    const lead = real.match(/^\s*/)?.[0] ?? "";
    const trail = real.match(/\s*$/)?.[0] ?? "";
    const core = real.trim();
    const at = core.lastIndexOf("@");
    if (at < 0) return `${lead}${this.caseShaped("local", core)}${trail}`;
    return `${lead}${this.caseShaped("local", core.slice(0, at))}@${this.domain(core.slice(at + 1))}${trail}`;
  }

  /** A UPN: B2B guests' `local_domain#EXT#@tenant` keeps its structure, both halves mapped like emails. */
  upn(real: string): string {
    const guest = /^(.*)_([^_@]+)#EXT#@(.+)$/i.exec(real);
    if (!guest) return this.email(real);
    const [, local, domain, tenant] = guest;
    return `${this.caseShaped("local", local)}_${this.domain(domain)}#EXT#@${this.domain(tenant)}`;
  }

  domain(real: string): string {
    const lower = real.toLowerCase();
    const suffix = lower.endsWith(".onmicrosoft.com") ? ".onmicrosoft.com" : ".example";
    return withCaseOf(real, `${this.of("domain", lower)}${suffix}`);
  }

  group(real: string): string {
    return KEPT_GROUPS.has(real.toLowerCase()) ? real : this.of("group", real);
  }

  #digest(kind: string, real: string, round: number): Buffer {
    return createHmac("sha256", Buffer.from(this.mapping.secret, "hex"))
      .update(`${kind}\u0000${real}\u0000${round}`)
      .digest();
  }

  #make(kind: PseudonymKind, real: string, h: Buffer, round: number): string {
    const word = `${ADJECTIVES[h[0] % ADJECTIVES.length]}-${NOUNS[h[1] % NOUNS.length]}`;
    const n = (h.readUInt16BE(2) % 900) + 100 + round;
    const hex = h.toString("hex");
    switch (kind) {
      case "uuid":
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
      case "accountId": {
        // Keep the id's shape (`557058:uuid`, 24 hex digits) so anything that parses it still can.
        const colon = real.indexOf(":");
        if (colon > 0) return `${real.slice(0, colon)}:${this.#make("uuid", real, h, round)}`;
        return hex.slice(0, Math.max(8, Math.min(real.length, 40)));
      }
      case "site":
        return `site-${word}-${n}`;
      case "person":
        return `${cap(ADJECTIVES[h[0] % ADJECTIVES.length])} ${cap(NOUNS[h[1] % NOUNS.length])} ${n}`;
      case "local":
        return `${word.replace("-", ".")}${n}`;
      case "domain":
        return `${word}${n}`;
      case "title":
        return `Page ${cap(word)} ${n}`;
      case "space":
        return `Space ${cap(word)} ${n}`;
      case "spaceKey":
        return real.startsWith("~") ? `~${hex.slice(0, 12)}` : `S${hex.slice(0, 6).toUpperCase()}`;
      case "label":
        return `label-${word}-${n}`;
      case "group":
        return `group-${word}-${n}`;
      case "entraGroup":
        return `Group ${cap(word)} ${n}`;
      case "nickname":
        return `${word.replace("-", "")}${n}`;
      case "externalGroup":
        return `xg${hex.slice(0, 16)}`;
      case "connection":
        return `conn${hex.slice(0, 12)}`;
      case "text":
        return `text-${hex.slice(0, 10)}`;
    }
  }
}

function cap(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** All lower stays lower, all upper becomes upper, anything else is capitalised. */
function withCaseOf(real: string, pseudonym: string): string {
  const letters = real.replace(/[^A-Za-z]/g, "");
  if (letters === "" || letters === letters.toLowerCase()) return pseudonym.toLowerCase();
  if (letters === letters.toUpperCase()) return pseudonym.toUpperCase();
  return pseudonym.charAt(0).toUpperCase() + pseudonym.slice(1);
}
