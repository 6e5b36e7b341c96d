import fc from "fast-check";

/**
 * Mutations of valid credentials. Each yields the mutated `Authorization` value and whether it
 * really differs from the original once decoded (a base64url character swap that only touches the
 * unused low bits decodes to the same bytes and is not a forgery).
 */
export interface Mutated {
  header: string;
  changed: boolean;
  how: string;
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const json64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const decoded = (segments: string[]) =>
  segments.map((s) => Buffer.from(s, "base64url").toString("hex")).join(".");

/** A JWT bearer token (`Bearer a.b.c`) mutated in one of the ways a forger would try. */
export function mutatedJwt(header: string, other: string): fc.Arbitrary<Mutated> {
  const token = header.replace(/^Bearer\s+/i, "");
  const parts = token.split(".");
  const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString()) as Record<string, unknown>;
  const bearer = (segments: string[], how: string): Mutated => ({
    header: `Bearer ${segments.join(".")}`,
    changed: decoded(segments) !== decoded(parts),
    how,
  });
  const flip = fc
    .record({ segment: fc.integer({ min: 0, max: 2 }), at: fc.nat(), to: fc.constantFrom(...B64URL) })
    .map(({ segment, at, to }) => {
      const s = parts[segment];
      const i = at % s.length;
      const next = [...parts];
      next[segment] = s.slice(0, i) + to + s.slice(i + 1);
      return bearer(next, `flip ${segment}:${i}→${to}`);
    });
  const drop = fc.record({ segment: fc.integer({ min: 0, max: 2 }), at: fc.nat() }).map(({ segment, at }) => {
    const s = parts[segment];
    const i = at % s.length;
    const next = [...parts];
    next[segment] = s.slice(0, i) + s.slice(i + 1);
    return bearer(next, `drop ${segment}:${i}`);
  });
  const claim = fc
    .record({
      name: fc.constantFrom("tid", "aud", "iss", "appid", "oid", "exp", "nbf", "roles", "scp", "idtyp"),
      value: fc.oneof(
        fc.jsonValue({ maxDepth: 1 }),
        fc.constant(["ExternalConnection.ReadWrite.All", "ExternalItem.ReadWrite.All"]),
        fc.constant(4102444800),
      ),
    })
    .map(({ name, value }) =>
      bearer(
        [parts[0], json64({ ...claims, [name]: value }), parts[2]],
        `claim ${name}=${JSON.stringify(value)}`,
      ),
    );
  const algNone = fc.constant(bearer([json64({ alg: "none", typ: "JWT" }), parts[1], ""], "alg none"));
  const hs256 = fc.constant(bearer([json64({ alg: "HS256", typ: "JWT" }), parts[1], parts[2]], "alg HS256"));
  const otherParts = other.replace(/^Bearer\s+/i, "").split(".");
  const swapped = fc.constant(bearer([parts[0], parts[1], otherParts[2]], "signature of another token"));
  const truncated = fc
    .nat()
    .map((n) => bearer([parts[0], parts[1].slice(0, n % parts[1].length)], "two segments"));
  return fc.oneof(flip, drop, claim, algNone, hs256, swapped, truncated);
}

/** `Basic base64(email:token)` with the token part changed (the email is left alone: it is case-insensitive). */
export function mutatedBasic(header: string): fc.Arbitrary<Mutated> {
  const raw = Buffer.from(header.replace(/^Basic\s+/i, ""), "base64").toString();
  const colon = raw.indexOf(":");
  const email = raw.slice(0, colon);
  const token = raw.slice(colon + 1);
  const basic = (t: string, how: string): Mutated => ({
    header: `Basic ${Buffer.from(`${email}:${t}`).toString("base64")}`,
    changed: t !== token,
    how,
  });
  return fc.oneof(
    fc.record({ at: fc.nat(), to: fc.string({ minLength: 1, maxLength: 1 }) }).map(({ at, to }) => {
      const i = at % token.length;
      return basic(token.slice(0, i) + to + token.slice(i + 1), `flip ${i}`);
    }),
    fc.nat().map((n) => basic(token.slice(0, n % token.length), "prefix")),
    fc.string({ minLength: 1, maxLength: 3 }).map((s) => basic(token + s, "suffix")),
  );
}

/** An opaque bearer token with one character changed. */
export function mutatedOpaque(header: string): fc.Arbitrary<Mutated> {
  const token = header.replace(/^Bearer\s+/i, "");
  return fc.record({ at: fc.nat(), to: fc.constantFrom(...B64URL) }).map(({ at, to }) => {
    const i = at % token.length;
    const next = token.slice(0, i) + to + token.slice(i + 1);
    return { header: `Bearer ${next}`, changed: next !== token, how: `flip ${i}` };
  });
}
