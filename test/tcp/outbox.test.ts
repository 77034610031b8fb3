import { expect, test } from "bun:test";
import type { Socket } from "bun";
import { Outbox } from "../../src/tcp/outbox.ts";

/** A socket whose kernel takes at most `room` bytes per write, recording what it took. */
function fakeSocket(room: number) {
  const taken: number[] = [];
  let halfClosed = false;
  const socket = {
    room,
    // Bun's socket.write(data, byteOffset, byteLength)
    write(bytes: Uint8Array, offset = 0, length = bytes.byteLength - offset) {
      const n = Math.min(socket.room, length);
      taken.push(...bytes.subarray(offset, offset + n));
      return n;
    },
    shutdown() {
      halfClosed = true;
    },
  };
  return { socket: socket as unknown as Socket<unknown> & { room: number }, taken, halfClosed: () => halfClosed };
}

test("what the kernel did not take is queued, sent on drain, and counted", () => {
  const { socket, taken } = fakeSocket(3);
  const outbox = new Outbox();
  outbox.write(socket, Buffer.from("abcdef"));
  expect(outbox.pending).toBe(3);
  outbox.write(socket, Buffer.from("gh"));
  expect(outbox.pending).toBe(5);
  socket.room = 100;
  outbox.flush(socket);
  expect(outbox.pending).toBe(0);
  expect(Buffer.from(taken).toString()).toBe("abcdefgh");
});

test("transient bytes (a prefix of a reused buffer) are copied when queued, so the caller may reuse its buffer", () => {
  const { socket, taken } = fakeSocket(2);
  const outbox = new Outbox();
  const reused = Buffer.from("123456");
  outbox.writeTransient(socket, reused, 4);
  expect(outbox.pending).toBe(2);
  reused.write("xxxxxx");
  socket.room = 100;
  outbox.flush(socket);
  expect(Buffer.from(taken).toString()).toBe("1234");
  // All taken at once: nothing is queued.
  outbox.writeTransient(socket, reused, 3);
  expect(outbox.pending).toBe(0);
  expect(Buffer.from(taken).toString()).toBe("1234xxx");
});

test("endWhenDrained half-closes only after the queue is empty", () => {
  const { socket, halfClosed } = fakeSocket(1);
  const outbox = new Outbox();
  outbox.write(socket, Buffer.from("abc"));
  outbox.endWhenDrained(socket);
  expect(halfClosed()).toBe(false);
  socket.room = 100;
  outbox.flush(socket);
  expect(halfClosed()).toBe(true);
});
