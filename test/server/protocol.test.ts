import { describe, expect, test } from "bun:test";
import { useDifferential } from "../helpers/differential.ts";
import { encodeCommand } from "../helpers/resp.ts";

const d = useDifferential();

/** Sends raw bytes to both servers; returns each one's replies until it closes, and whether it closed. */
async function sendRaw(input: string, replies: number): Promise<[string, string]> {
  const [redis, bunredis] = await d.connect();
  redis.sendRaw(input);
  bunredis.sendRaw(input);
  const collect = async (connection: typeof redis) => {
    let text = "";
    for (let i = 0; i < replies; i++) text += await connection.read();
    await connection.untilClosed();
    return text;
  };
  return Promise.all([collect(redis), collect(bunredis)]);
}

describe("protocol errors: Redis's reply, then the connection closes", () => {
  const cases: [string, string][] = [
    ["bad multibulk length", "*x\r\n"],
    ["leading zero", "*01\r\n$4\r\nPING\r\n"],
    ["expected $", "*1\r\n+PING\r\n"],
    ["negative bulk length", "*1\r\n$-5\r\n"],
    ["bulk length over proto-max-bulk-len", "*1\r\n$536870913\r\n"],
    ["unbalanced quotes", 'ECHO "abc\r\n'],
    ["quote followed by text", "ECHO 'a'b\r\n"],
    ["too big inline request", "x".repeat(70_000)],
    ["too big mbulk count", `*${"1".repeat(70_000)}`],
  ];
  for (const [name, input] of cases) {
    test(name, async () => {
      if (d.skip) return;
      const [fromRedis, fromBunredis] = await sendRaw(input, 1);
      expect(fromRedis).toStartWith("-ERR Protocol error");
      expect(fromBunredis).toBe(fromRedis);
    });
  }

  test("commands before the bad one in the same write are answered first", async () => {
    if (d.skip) return;
    const [fromRedis, fromBunredis] = await sendRaw("PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n!x\r\n", 3);
    expect(fromBunredis).toBe(fromRedis);
  });

  test("a protocol error closes only that connection", async () => {
    if (d.skip) return;
    const [, bystander] = await d.connect();
    await sendRaw("*x\r\n", 1);
    expect(await bystander.call("PING")).toBe("+PONG\r\n");
  });
});

describe("pipelining and inline commands", () => {
  test("1000 pipelined commands in one write, answered in order", async () => {
    if (d.skip) return;
    const [redis, bunredis] = await d.connect();
    const batch = Buffer.concat(Array.from({ length: 1000 }, (_, i) => encodeCommand(["ECHO", `v${i}`])));
    redis.sendRaw(batch);
    bunredis.sendRaw(batch);
    for (let i = 0; i < 1000; i++) expect(await bunredis.read()).toBe(await redis.read());
  });

  test("inline commands with quotes, as telnet sends them", async () => {
    if (d.skip) return;
    const [redis, bunredis] = await d.connect();
    const input = 'PING\r\necho "a\\x00b\\n" \r\n\r\n  ping   \'x y\'\nECHO \'\'\r\n';
    redis.sendRaw(input);
    bunredis.sendRaw(input);
    for (let i = 0; i < 4; i++) expect(await bunredis.read()).toBe(await redis.read());
  });
});
