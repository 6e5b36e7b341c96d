import { describe, expect, it } from "vitest";
import { Interner } from "../../src/util/interner.ts";

describe("Interner", () => {
  it("hands out the first value kept under a key", () => {
    const interner = new Interner<{ n: number }>();
    const first = { n: 1 };
    expect(interner.intern("a", first)).toBe(first);
    expect(interner.intern("a", { n: 1 })).toBe(first);
    expect(interner.intern("b", { n: 2 })).toEqual({ n: 2 });
  });

  it("gives up on keys that rarely repeat and then hands every value back as it is", () => {
    const interner = new Interner<string>(8);
    for (let i = 0; i < 8; i++) interner.intern(`title ${i}`, `title ${i}`);
    expect(interner.active).toBe(true);
    const fresh = "title 3";
    expect(interner.intern("title 9", "title 9")).toBe("title 9");
    expect(interner.active).toBe(false);
    expect(interner.intern("title 3", fresh)).toBe(fresh);
    interner.clear();
    expect(interner.active).toBe(true);
  });

  it("keeps going while most keys repeat", () => {
    const interner = new Interner<number>(4);
    for (let i = 0; i < 100; i++) interner.intern(`space ${i % 3}`, i);
    for (let i = 0; i < 5; i++) interner.intern(`new ${i}`, i);
    expect(interner.active).toBe(true);
    expect(interner.intern("space 2", -1)).toBe(2);
  });
});
