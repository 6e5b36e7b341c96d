import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  accountOfPerson,
  addressKey,
  documentedMapping,
  emailMatch,
  guestHomeAddress,
  mappingReaches,
  personOfEmail,
  sameAddress,
} from "../../src/scenarios/oracle/identity.ts";

const local = fc.stringMatching(/^[a-z][a-z0-9._-]{0,10}[a-z0-9]$/);
const domain = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}\.(com|io|org)$/);
const address = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`);
const whitespace = fc.constantFrom("", " ", "  ", "\t", "\n", " \t");
const randomCase = (s: string, flips: boolean[]) =>
  [...s].map((c, i) => (flips[i % Math.max(1, flips.length)] ? c.toUpperCase() : c)).join("");

describe("identity matching (the oracle's rules, docs/identity-matching.md)", () => {
  it("case and surrounding whitespace never change who an address is", () => {
    fc.assert(
      fc.property(
        address,
        whitespace,
        whitespace,
        fc.array(fc.boolean(), { minLength: 1 }),
        (a, pre, post, flips) => {
          const variant = `${pre}${randomCase(a, flips)}${post}`;
          expect(sameAddress(variant, a)).toBe(true);
          expect(addressKey(variant)).toBe(addressKey(addressKey(variant)));
          expect(emailMatch(variant, { userPrincipalName: a })).toBe("upn");
        },
      ),
    );
  });

  it("plus tags stay distinct addresses", () => {
    fc.assert(
      fc.property(address, local, (a, tag) => {
        const [l, d] = a.split("@");
        expect(sameAddress(`${l}+${tag}@${d}`, a)).toBe(false);
      }),
    );
  });

  it("Unicode: canonically equal forms (NFC/NFD) match; compatibility look-alikes (NFKC) do not", () => {
    const composed = "jos\u00e9@contoso.com";
    const decomposed = "jose\u0301@contoso.com";
    expect(sameAddress(composed, decomposed)).toBe(true);
    expect(sameAddress("\uff41lice@contoso.com", "alice@contoso.com")).toBe(false); // full-width a
    expect(sameAddress("", "")).toBe(false);
  });

  it("a guest UPN encodes its home address; the last underscore is the @", () => {
    fc.assert(
      fc.property(address, (a) => {
        const upn = `${a.replace("@", "_")}#EXT#@contoso.onmicrosoft.com`;
        expect(guestHomeAddress(upn)).toBe(a);
        expect(emailMatch(a.toUpperCase(), { userPrincipalName: upn })).toBe("guestUpn");
      }),
    );
    expect(guestHomeAddress("alice@contoso.com")).toBeUndefined();
  });

  it("the strongest match wins: UPN, then mail, then guest UPN; active before deactivated", () => {
    const accounts = [
      { email: "dave.smith@fabrikam.com", tag: "mail" },
      { email: "DSmith@contoso.com ", tag: "upn-inactive", active: false },
      { email: "dsmith@contoso.com", tag: "upn" },
    ];
    const user = { userPrincipalName: "dsmith@contoso.com", mail: "dave.smith@fabrikam.com" };
    expect(accountOfPerson(accounts, user)).toMatchObject({ by: "upn", account: { tag: "upn" } });
    expect(accountOfPerson(accounts.slice(0, 2), user)).toMatchObject({ account: { tag: "upn-inactive" } });
    expect(accountOfPerson(accounts.slice(0, 1), user)).toMatchObject({ by: "mail" });
    expect(personOfEmail([user], " Dave.Smith@Fabrikam.com")).toMatchObject({ by: "mail" });
  });

  it("documented mapping: the visible email is the UPN; hidden, deactivated and regex misses map nobody", () => {
    const account = {
      accountId: "557058:a",
      email: " Alice@Contoso.COM ",
      emailVisible: true,
      displayName: "Alice",
      publicName: "alice",
    };
    const mapped = documentedMapping({ source: "aad" }, account);
    expect(mapped).toEqual({ ok: true, target: "upn", value: "alice@contoso.com" });
    if (mapped.ok)
      expect(mappingReaches(mapped, { id: "x", userPrincipalName: "alice@contoso.com" })).toBe(true);
    expect(documentedMapping(undefined, { ...account, emailVisible: false })).toEqual({
      ok: false,
      cause: "hiddenEmail",
    });
    expect(documentedMapping(undefined, { ...account, active: false })).toEqual({
      ok: false,
      cause: "inactiveAccount",
    });
    const rule = {
      source: "nonAad" as const,
      property: "displayName" as const,
      pattern: "^(\\w+) (\\w+)$",
      formula: "{0}.{1}@contoso.com",
      target: "upn" as const,
    };
    expect(documentedMapping(rule, account)).toEqual({ ok: false, cause: "nonAadNoMatch" });
    expect(documentedMapping(rule, { ...account, displayName: "Alice Smith" })).toEqual({
      ok: true,
      target: "upn",
      value: "alice.smith@contoso.com",
    });
  });
});
