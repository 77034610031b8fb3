import { describe, expect, test } from "bun:test";
import { useDifferential } from "../../helpers/differential.ts";

const d = useDifferential();

/** HELLO's reply with the client id (which differs between servers) blanked. */
const withoutId = (reply: string) => reply.replace(/:\d+\r\n\$4\r\nmode/, ":ID\r\n$4\r\nmode");

describe("connection commands match redis-server byte for byte", () => {
  test("PING and ECHO", async () => {
    await d.check([["PING"], ["ping", "hello"], ["PING", "a", "b"], ["ECHO", "x\x00\xff\r\n"], ["ECHO"], ["echo", ""]]);
  });

  test("SELECT", async () => {
    await d.check([["SELECT", "0"], ["SELECT", "15"], ["SELECT", "16"], ["SELECT", "-1"], ["SELECT", "x"], ["SELECT", "01"], ["SELECT", "1", "2"]]);
  });

  test("HELLO errors and options", async () => {
    await d.check([["HELLO", "4"], ["HELLO", "1"], ["HELLO", "x"], ["HELLO", "2", "SETNAME"], ["HELLO", "2", "FOO"], ["HELLO", "2", "SETNAME", "a b"], ["HELLO", "2", "AUTH", "bob", "x"]]);
    await d.check([{ args: ["HELLO", "3", "AUTH", "default", "x"], normalize: withoutId }]);
  });

  test("AUTH without a password configured", async () => {
    await d.check([["AUTH", "x"], ["AUTH", "default", "x"], ["AUTH", "bob", "x"], ["AUTH", "a", "b", "c"]]);
  });

  test("unknown commands and arity errors", async () => {
    await d.check([["NOSUCH"], ["nosuch", "a", "b"], ["x".repeat(200), "y".repeat(200)], ["ECHO", "a", "b"], ["GETX", "a\r\nb"], ["RESET"], ["QUIT", "x"]]);
  });

  test("HELLO replies by shape (id differs)", async () => {
    await d.check([{ args: ["HELLO", "2"], normalize: withoutId }, { args: ["HELLO", "3"], normalize: withoutId }, { args: ["HELLO"], normalize: withoutId }]);
  });

  test("QUIT replies OK and closes", async () => {
    if (d.skip) return;
    const [redis, bunredis] = await d.connect();
    expect(await bunredis.call("QUIT")).toBe(await redis.call("QUIT"));
    await Promise.all([redis.untilClosed(), bunredis.untilClosed()]);
  });
});
