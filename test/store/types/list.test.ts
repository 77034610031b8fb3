import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { List } from "../../../src/store/types/list.ts";

describe("List (ring-buffer deque)", () => {
  test("pushes and pops at both ends, wrapping around the ring", () => {
    const list = new List();
    for (let i = 0; i < 5; i++) list.pushHead(`h${i}`);
    for (let i = 0; i < 5; i++) list.pushTail(`t${i}`);
    expect(list.toArray()).toEqual(["h4", "h3", "h2", "h1", "h0", "t0", "t1", "t2", "t3", "t4"]);
    expect(list.length).toBe(10);
    expect(list.popHead()).toBe("h4");
    expect(list.popTail()).toBe("t4");
    expect(list.at(0)).toBe("h3");
    expect(list.at(7)).toBe("t3");
    list.set(7, "x");
    expect(list.at(7)).toBe("x");
  });

  test("popping an empty list gives undefined", () => {
    const list = new List();
    expect(list.popHead()).toBeUndefined();
    expect(list.popTail()).toBeUndefined();
    expect(list.length).toBe(0);
  });

  test("type, encoding (Redis 7.0 lists are always quicklist) and copy", () => {
    const list = new List(["a", "b"]);
    expect(list.type).toBe("list");
    expect(list.encoding()).toBe("quicklist");
    const copy = list.copy();
    copy.pushTail("c");
    list.set(0, "z");
    expect(list.toArray()).toEqual(["z", "b"]);
    expect(copy.toArray()).toEqual(["a", "b", "c"]);
  });

  test("binary strings are kept as they are", () => {
    const list = new List(["\x00\xff\r\n", ""]);
    expect(list.toArray()).toEqual(["\x00\xff\r\n", ""]);
  });

  test("insert and removeAt shift the shorter side", () => {
    const list = new List(["a", "b", "c", "d", "e"]);
    list.insert(1, "x");
    list.insert(5, "y");
    list.insert(0, "first");
    list.insert(list.length, "last");
    expect(list.toArray()).toEqual(["first", "a", "x", "b", "c", "d", "y", "e", "last"]);
    list.removeAt(1);
    list.removeAt(6);
    expect(list.toArray()).toEqual(["first", "x", "b", "c", "d", "y", "last"]);
    expect(list.indexOf("c")).toBe(3);
    expect(list.indexOf("nope")).toBe(-1);
  });

  test("removeMatches from the head, the tail, or all", () => {
    const make = () => new List(["a", "b", "a", "c", "a", "a"]);
    let list = make();
    expect(list.removeMatches("a", 2)).toBe(2);
    expect(list.toArray()).toEqual(["b", "c", "a", "a"]);
    list = make();
    expect(list.removeMatches("a", -3)).toBe(3);
    expect(list.toArray()).toEqual(["a", "b", "c"]);
    list = make();
    expect(list.removeMatches("a", 0)).toBe(4);
    expect(list.toArray()).toEqual(["b", "c"]);
    expect(list.removeMatches("zz", 0)).toBe(0);
  });

  test("trim and clear", () => {
    const list = new List(["a", "b", "c", "d", "e"]);
    list.trim(1, 3);
    expect(list.toArray()).toEqual(["b", "c", "d"]);
    list.clear();
    expect(list.length).toBe(0);
    list.pushTail("again");
    expect(list.toArray()).toEqual(["again"]);
  });

  test("a drained list gives its memory back", () => {
    const list = new List();
    for (let i = 0; i < 10_000; i++) list.pushTail(String(i));
    expect(list.capacity).toBeGreaterThanOrEqual(10_000);
    for (let i = 0; i < 9_990; i++) list.popHead();
    expect(list.capacity).toBeLessThanOrEqual(64);
    expect(list.toArray()).toEqual(["9990", "9991", "9992", "9993", "9994", "9995", "9996", "9997", "9998", "9999"]);
  });

  test("O(1) ends: a million pushes and pops stay fast", () => {
    const list = new List();
    const start = performance.now();
    for (let i = 0; i < 1_000_000; i++) {
      list.pushHead("x");
      if (i % 3 === 0) list.popTail();
    }
    expect(performance.now() - start).toBeLessThan(2000);
    expect(list.length).toBe(666_666);
  });

  test("behaves as an array model under random operations", () => {
    type Op =
      | { op: "pushHead" | "pushTail"; value: string }
      | { op: "popHead" | "popTail" }
      | { op: "insert" | "set"; at: number; value: string }
      | { op: "removeAt"; at: number }
      | { op: "trim"; from: number; to: number }
      | { op: "removeMatches"; value: string; count: number };
    const value = fc.constantFrom("a", "b", "c");
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constantFrom("pushHead" as const, "pushTail" as const), value }),
      fc.record({ op: fc.constantFrom("popHead" as const, "popTail" as const) }),
      fc.record({ op: fc.constantFrom("insert" as const, "set" as const), at: fc.nat(40), value }),
      fc.record({ op: fc.constant("removeAt" as const), at: fc.nat(40) }),
      fc.record({ op: fc.constant("trim" as const), from: fc.nat(40), to: fc.nat(40) }),
      fc.record({ op: fc.constant("removeMatches" as const), value, count: fc.integer({ min: -3, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const list = new List();
        const model: string[] = [];
        for (const step of ops) {
          switch (step.op) {
            case "pushHead":
              list.pushHead(step.value);
              model.unshift(step.value);
              break;
            case "pushTail":
              list.pushTail(step.value);
              model.push(step.value);
              break;
            case "popHead":
              expect(list.popHead()).toBe(model.shift()!);
              break;
            case "popTail":
              expect(list.popTail()).toBe(model.pop()!);
              break;
            case "insert": {
              const at = step.at % (model.length + 1);
              list.insert(at, step.value);
              model.splice(at, 0, step.value);
              break;
            }
            case "set":
              if (model.length === 0) break;
              list.set(step.at % model.length, step.value);
              model[step.at % model.length] = step.value;
              break;
            case "removeAt":
              if (model.length === 0) break;
              list.removeAt(step.at % model.length);
              model.splice(step.at % model.length, 1);
              break;
            case "trim": {
              if (model.length === 0) break;
              const from = Math.min(step.from, step.to) % model.length;
              const to = Math.min(Math.max(step.from, step.to), model.length - 1);
              list.trim(from, to);
              model.splice(to + 1);
              model.splice(0, from);
              break;
            }
            case "removeMatches": {
              let removed = 0;
              const limit = step.count === 0 ? Infinity : Math.abs(step.count);
              if (step.count >= 0) {
                for (let i = 0; i < model.length && removed < limit; ) {
                  if (model[i] === step.value) {
                    model.splice(i, 1);
                    removed++;
                  } else i++;
                }
              } else {
                for (let i = model.length - 1; i >= 0 && removed < limit; i--) {
                  if (model[i] === step.value) {
                    model.splice(i, 1);
                    removed++;
                  }
                }
              }
              expect(list.removeMatches(step.value, step.count)).toBe(removed);
              break;
            }
          }
          expect(list.length).toBe(model.length);
        }
        expect(list.toArray()).toEqual(model);
        for (let i = 0; i < model.length; i++) expect(list.at(i)).toBe(model[i]!);
      }),
      { numRuns: 300 },
    );
  });
});
