import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, defaultConfig, loadConfig, parseCommandLine, parseMemory, PARAMS } from "../src/config.ts";
import { spawnServer, startServerProcess, tempDir } from "./helpers/process.ts";
import { RawClient } from "./helpers/net.ts";

describe("configuration (unit)", () => {
  test("defaults are the seed's: 0.0.0.0:6379", () => {
    const config = defaultConfig();
    expect(config.bind).toBe("0.0.0.0");
    expect(config.port).toBe(6379);
    expect(config["shutdown-timeout"]).toBe(10);
  });

  test("Redis's memory notation", () => {
    expect(parseMemory("1024")).toBe(1024);
    expect(parseMemory("1k")).toBe(1000);
    expect(parseMemory("1kb")).toBe(1024);
    expect(parseMemory("64MB")).toBe(64 * 1024 * 1024);
    expect(parseMemory("2g")).toBe(2e9);
    expect(parseMemory("1xb")).toBeUndefined();
    expect(parseMemory("-1")).toBeUndefined();
  });

  test("file, then flags; flags win", () => {
    const dir = tempDir();
    const path = join(dir, "my.toml");
    writeFileSync(path, 'port = 7000\nbind = "127.0.0.1"\necho-max-line-bytes = "1kb"\n');
    const config = loadConfig(parseCommandLine(["--config", path, "--port", "7001", "--mode=echo"]));
    expect(config.port).toBe(7001);
    expect(config.bind).toBe("127.0.0.1");
    expect(config["echo-max-line-bytes"]).toBe(1024);
  });

  test("each kind of bad value names file, key and reason", () => {
    const dir = tempDir();
    const cases: [string, RegExp][] = [
      ["nosuchkey = 1", /bad\.toml: unknown key "nosuchkey"/],
      ['port = "abc"', /bad\.toml: key "port": must be an integer from 0 to 65535/],
      ["port = 70000", /bad\.toml: key "port": must be an integer from 0 to 65535, got 70000/],
      ['mode = "http"', /bad\.toml: key "mode": must be one of redis, echo/],
      ["port = = 1", /bad\.toml: /],
    ];
    for (const [text, message] of cases) {
      const path = join(dir, "bad.toml");
      writeFileSync(path, text);
      expect(() => loadConfig(parseCommandLine(["--config", path]))).toThrow(message);
    }
    expect(() => loadConfig(parseCommandLine(["--config", join(dir, "missing.toml")]))).toThrow(ConfigError);
    expect(() => parseCommandLine(["--port"])).toThrow("--port needs a value");
  });

  test("README's configuration table lists every key", async () => {
    const text = await Bun.file(join(import.meta.dir, "../README.md")).text();
    for (const name of Object.keys(PARAMS)) expect(text).toContain(`| \`${name}\` |`);
  });

  test("redis.toml in the repository holds every key at its default", async () => {
    const config = loadConfig(parseCommandLine(["--config", join(import.meta.dir, "../redis.toml")]));
    expect(config).toEqual(defaultConfig());
    const text = await Bun.file(join(import.meta.dir, "../redis.toml")).text();
    for (const name of Object.keys(PARAMS)) expect(text).toMatch(new RegExp(`^${name} = `, "m"));
  });
});

describe("configuration errors stop start-up (real process)", () => {
  async function failsWith(args: string[], message: RegExp, cwd?: string): Promise<void> {
    const server = spawnServer(args, { cwd });
    expect(await server.exited).toBe(1);
    const lines = server.output.filter((line) => line.startsWith("bunredis:"));
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(message);
  }

  test("unknown key, wrong type, out of range, unreadable file, bad flag", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "redis.toml"), "port = 99999\n");
    await failsWith([], /redis\.toml: key "port": must be an integer from 0 to 65535, got 99999/, dir);
    await failsWith(["--config", join(dir, "nope.toml")], /nope\.toml: ENOENT|nope\.toml: .*no such file/i);
    await failsWith(["--nosuch", "1"], /command line: unknown key "nosuch"/);
    await failsWith(["--maxclients", "many"], /command line: key "maxclients": must be an integer/);
  });

  test("port in use", async () => {
    const { server, port } = await startServerProcess(["--mode", "echo", "--log-dir", ""]);
    await failsWith(["--port", String(port), "--bind", "127.0.0.1", "--log-dir", ""], new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`));
    server.kill();
    expect(await server.exited).toBe(0);
  });

  test("--help and --version exit 0", async () => {
    const help = spawnServer(["--help"]);
    expect(await help.exited).toBe(0);
    expect(help.text()).toContain("--shutdown-timeout");
    const version = spawnServer(["--version"]);
    expect(await version.exited).toBe(0);
    expect(version.text()).toMatch(/^bunredis \d+\.\d+\.\d+/);
  });

  test("no redis.toml: the defaults apply, flags still work", async () => {
    const { server, port } = await startServerProcess(["--mode", "echo", "--log-dir", ""], { cwd: tempDir() });
    const client = await RawClient.open(port);
    await client.write("defaults\n");
    await client.until(9);
    client.destroy();
    server.kill();
    expect(await server.exited).toBe(0);
  });
});
