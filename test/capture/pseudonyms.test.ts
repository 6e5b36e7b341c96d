import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leaks, scrub } from "../../src/capture/anonymise.ts";
import { CaptureHttp, retryAfterMs } from "../../src/capture/http.ts";
import { Pseudonyms } from "../../src/capture/pseudonyms.ts";

const local = fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,12}$/);
const domain = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,8}\.(com|io|co\.uk|onmicrosoft\.com)$/);
const email = fc
  .tuple(local, domain, fc.constantFrom("", " ", "  "), fc.constantFrom("", " "))
  .map(([l, d, a, b]) => `${a}${l}@${d}${b}`);
const norm = (e: string) => e.trim().toLowerCase();

describe("pseudonyms", () => {
  it("keep exactly the email equalities that decide identity mapping (case-insensitive), and whitespace", () => {
    fc.assert(
      fc.property(fc.array(email, { minLength: 2, maxLength: 12 }), (emails) => {
        const p = new Pseudonyms();
        const mapped = emails.map((e) => p.email(e));
        for (let i = 0; i < emails.length; i++) {
          expect(/^\s*/.exec(mapped[i])![0]).toBe(/^\s*/.exec(emails[i])![0]);
          expect(/\s*$/.exec(mapped[i])![0]).toBe(/\s*$/.exec(emails[i])![0]);
          for (let j = 0; j < emails.length; j++)
            expect(norm(mapped[i]) === norm(mapped[j])).toBe(norm(emails[i]) === norm(emails[j]));
        }
      }),
    );
  });

  it("give a B2B guest's #EXT# UPN the pseudonym of the email it encodes", () => {
    fc.assert(
      fc.property(local, domain, (l, d) => {
        const p = new Pseudonyms();
        const mail = p.email(`${l}@${d}`).toLowerCase();
        const upn = p.upn(`${l}_${d}#EXT#@contoso.onmicrosoft.com`).toLowerCase();
        const [ml, md] = mail.split("@");
        expect(upn).toBe(`${ml}_${md}#ext#@${p.domain("contoso.onmicrosoft.com").toLowerCase()}`);
      }),
    );
  });

  it("are injective per kind, stable for the same secret, and different for another", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 2, maxLength: 50 }),
        (titles) => {
          const p = new Pseudonyms();
          const out = titles.map((t) => p.of("title", t));
          expect(new Set(out).size).toBe(titles.length);
          const again = new Pseudonyms({ ...p.mapping, values: {} });
          expect(titles.map((t) => again.of("title", t))).toEqual(out);
        },
      ),
    );
    const a = new Pseudonyms().of("person", "Alice Smith");
    const b = new Pseudonyms().of("person", "Alice Smith");
    expect(a === b).toBe(false);
  });

  it("keep Atlassian's default group names and scrub ids out of free text", () => {
    const p = new Pseudonyms();
    expect(p.group("confluence-users")).toBe("confluence-users");
    const id = "557058:0f0e0d0c-aaaa-4bbb-8ccc-000000000001";
    const mapped = p.of("accountId", id);
    expect(mapped).toMatch(/^557058:[0-9a-f-]{36}$/);
    expect(scrub(`account ${id}: HTTP 404 (ann@contoso.com)`, p)).toBe(
      `account ${mapped}: HTTP 404 (${p.email("ann@contoso.com")})`,
    );
    expect(leaks({ detail: `seen ann@contoso.com` }, p)).toEqual(['domain "contoso.com"']);
    expect(leaks({ detail: p.email("ann@contoso.com") }, p)).toEqual([]);
  });
});

describe("capture HTTP client", () => {
  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs("20")).toBe(20_000);
    expect(retryAfterMs("1.5")).toBe(1500);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:30 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(
      30_000,
    );
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });

  it("never retries a 4xx it was not told to tolerate, and refuses oversized bodies", async () => {
    let calls = 0;
    const http = new CaptureHttp({
      fetch: async () => {
        calls++;
        return new Response("x".repeat(100), { status: calls === 1 ? 401 : 200 });
      },
      maxBodyBytes: 50,
      sleep: async () => {},
    });
    await expect(http.getJson("https://example.invalid/a")).rejects.toThrow(/HTTP 401/);
    expect(calls).toBe(1);
    await expect(http.getJson("https://example.invalid/b")).rejects.toThrow(/larger than 50 bytes/);
  });

  it("gives up when Retry-After asks for longer than the limit", async () => {
    const http = new CaptureHttp({
      fetch: async () => new Response("", { status: 429, headers: { "retry-after": "3600" } }),
      maxWaitMs: 60_000,
      sleep: async () => {},
    });
    await expect(http.getJson("https://example.invalid/a")).rejects.toThrow(/asks to wait 3600 s/);
  });
});
