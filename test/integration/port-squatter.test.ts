/**
 * A port taken by another process between our check and the server's bind: the start must not hand
 * out the other process's server (seen in CI: a suite's moto endpoint answered by a Temporal dev
 * server's internal gRPC port, every moto call failing with "Expected HTTP/"). Real moto, a real
 * squatting socket, /proc's view of who listens.
 */
import net from 'node:net';
import { EarlyExitError } from '../../src/local/child-server';
import { freePort } from '../../src/local/free-port';
import { startMoto } from '../../src/local/moto-server';
import { groupListensOn } from '../../src/local/port-owner';
import { toolchainPaths } from '../../src/local/toolchain-paths';

async function squat(port: number): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined); // probes hang up at once
    socket.end('\x00\x00\x12\x04not http at all');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

test('moto on a port someone else already listens on fails to start (EarlyExitError) instead of returning the squatter', async () => {
  const port = await freePort();
  const squatter = await squat(port);
  try {
    await expect(startMoto({ binary: toolchainPaths().motoServer, port })).rejects.toBeInstanceOf(EarlyExitError);
  } finally {
    await new Promise((r) => squatter.close(r));
  }
});

test("/proc says whose listener a port is: moto's own group, not this process's squatting socket", async () => {
  const moto = await startMoto({ binary: toolchainPaths().motoServer });
  const port = await freePort();
  const squatter = await squat(port);
  try {
    expect(groupListensOn(moto.pid, moto.port)).toBe(true);
    expect(groupListensOn(moto.pid, port)).toBe(false);
    const res = await fetch(`${moto.endpoint}/moto-api/data.json`);
    expect(res.ok).toBe(true);
  } finally {
    await new Promise((r) => squatter.close(r));
    await moto.stop();
  }
});
