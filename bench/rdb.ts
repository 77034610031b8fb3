/**
 * Throughput of the RDB codec (src/persist/): CRC64 and LZF in MB/s, and writing then reading a
 * file of N keys (small strings, and a mix of every type) in seconds and keys/s. In-process, no
 * I/O: the file stays in memory.
 *
 *   bun bench/rdb.ts [keys=1000000]
 */
import { crc64 } from "../src/persist/crc64.ts";
import { LzfCompressor, lzfDecompress } from "../src/persist/lzf.ts";
import { RdbReader, RdbWriter, type RdbLoadLimits } from "../src/persist/rdb.ts";
import type { Value } from "../src/store/keyspace.ts";
import { RedisHash } from "../src/store/types/hash.ts";
import { List } from "../src/store/types/list.ts";
import { RedisSet } from "../src/store/types/set.ts";
import { SortedSet } from "../src/store/types/sorted-set.ts";

const keys = Number(process.argv[2] ?? 1_000_000);
const limits: RdbLoadLimits = {
  "hash-max-listpack-entries": 512,
  "hash-max-listpack-value": 64,
  "set-max-intset-entries": 512,
  "zset-max-listpack-entries": 128,
  "zset-max-listpack-value": 64,
};

function time<T>(label: string, run: () => T): T {
  const start = performance.now();
  const result = run();
  console.log(`${label}: ${((performance.now() - start) / 1000).toFixed(3)} s`);
  return result;
}

function rate(label: string, bytes: number, run: () => void): void {
  run(); // warm up
  const start = performance.now();
  const rounds = 5;
  for (let i = 0; i < rounds; i++) run();
  const seconds = (performance.now() - start) / 1000;
  console.log(`${label}: ${((bytes * rounds) / seconds / 1e6).toFixed(0)} MB/s`);
}

// CRC64 and LZF over 32 MB of text-like data.
const text = Buffer.alloc(32 << 20);
for (let i = 0; i < text.length; i++) text[i] = 97 + ((i * 7 + (i >> 5)) % 26);
rate("crc64", text.length, () => void crc64(text));
const compressor = new LzfCompressor();
const compressed = new Uint8Array(text.length + 16);
let compressedSize = 0;
rate("lzf compress", text.length, () => {
  compressedSize = compressor.compress(text, text.length, compressed, text.length - 4);
});
rate("lzf decompress", text.length, () => void lzfDecompress(compressed.subarray(0, compressedSize), text.length));

function writeFile(values: (i: number) => Value, count: number): Uint8Array {
  const writer = new RdbWriter({ compression: true, checksum: true });
  const chunks: Uint8Array[] = [];
  writer.header([["redis-ver", "7.0.15"], ["redis-bits", 64]]);
  writer.selectDb(0, count, 0);
  for (let i = 0; i < count; i++) {
    writer.key(`key:${i}`, values(i), i % 10 === 0 ? 1_900_000_000_000 + i : undefined);
    if (writer.pending > 1 << 20) chunks.push(writer.take());
  }
  writer.finish();
  chunks.push(writer.take());
  return Buffer.concat(chunks);
}

function readFile(file: Uint8Array): number {
  const reader = new RdbReader(file, { checksum: true, config: limits });
  let count = 0;
  for (let item = reader.next(); item !== undefined; item = reader.next()) if (item.kind === "key") count++;
  return count;
}

function bench(label: string, values: (i: number) => Value, count: number): void {
  const file = time(`write ${count} ${label}`, () => writeFile(values, count));
  console.log(`  file: ${(file.length / 1e6).toFixed(1)} MB`);
  const read = time(`read ${count} ${label}`, () => readFile(file));
  if (read !== count) throw new Error(`read ${read} keys of ${count}`);
}

bench("small strings", (i) => (i % 3 === 0 ? String(i) : `value-${i}`), keys);

// A mix: strings, small lists, sets, hashes and sorted sets.
const list = new List(["a", "b", "1", "2", "hello world"]);
const intset = RedisSet.intset();
for (const member of ["1", "2", "3", "100000"]) intset.add(member, 512);
const hash = new RedisHash();
for (let i = 0; i < 8; i++) hash.set(`field${i}`, `value${i}`, limits);
const zset = new SortedSet();
for (let i = 0; i < 8; i++) zset.add(`member${i}`, i * 1.5, 0, limits);
const mixed = [list, intset, hash, zset];
bench("mixed values", (i) => (i % 5 === 4 ? `string ${i}` : mixed[i % 5]!), Math.floor(keys / 4));
