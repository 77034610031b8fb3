/**
 * A load generator for MULTI/EXEC, which redis-benchmark cannot send: CLIENTS connections each
 * keep one transaction in flight — MULTI, five SETs, EXEC — for SECONDS, and the transactions per
 * second are printed. Every reply is checked: the replies of one transaction have a fixed size
 * (+OK, five +QUEUED, *5 and five +OK), so a byte count both paces the clients and validates.
 * Usage: bun bench/transactions-load.ts PORT [CLIENTS=50] [SECONDS=3]
 */
const port = Number(process.argv[2]);
const clients = Number(process.argv[3] ?? 50);
const seconds = Number(process.argv[4] ?? 3);

function command(...args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${arg.length}\r\n${arg}\r\n`).join("")}`;
}

const EXPECTED = "+OK\r\n" + "+QUEUED\r\n".repeat(5) + "*5\r\n" + "+OK\r\n".repeat(5);

let completed = 0;
let running = true;
const sockets: Array<{ end(): void }> = [];
await Promise.all(
  Array.from({ length: clients }, async (_, id) => {
    const request = Buffer.from(command("MULTI") + [1, 2, 3, 4, 5].map((n) => command("SET", `tx:${id}:${n}`, "value-of-some-length")).join("") + command("EXEC"));
    let received = "";
    const socket = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data(socket, chunk) {
          received += chunk.toString("latin1");
          while (received.length >= EXPECTED.length) {
            if (!received.startsWith(EXPECTED)) throw new Error(`unexpected reply: ${JSON.stringify(received.slice(0, 80))}`);
            received = received.slice(EXPECTED.length);
            completed++;
            if (running) socket.write(request);
          }
        },
      },
    });
    sockets.push(socket);
    socket.write(request);
  }),
);
const start = performance.now();
await Bun.sleep(seconds * 1000);
running = false;
const elapsed = (performance.now() - start) / 1000;
console.log(Math.round(completed / elapsed));
for (const socket of sockets) socket.end();
process.exit(0);
