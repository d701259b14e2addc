#!/usr/bin/env python3
"""A delaying TCP proxy for latency benchmarks (tc netem is not available here).

Every chunk read from one side is written to the other side `delay` ms later, in each
direction, so a request/response round trip costs 2 x delay. Chunks are queued with their
due time, so a stream is delayed, not throttled: pipelined data keeps flowing.

Usage: proxy.py --target HOST:PORT [--listen HOST:PORT] [--delay-ms MS] [--port-file F]
Prints "listening PORT" on stdout (port 0 = pick a free one) and runs until killed.
For a 20 ms RTT use --delay-ms 10.
"""
import argparse
import asyncio
import sys
import time


async def pump(reader, writer, delay):
    queue = asyncio.Queue()

    async def sender():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()

    task = asyncio.create_task(sender())
    try:
        while True:
            data = await reader.read(65536)
            await queue.put((time.monotonic() + delay, data or None))
            if not data:
                break
        await task
    except (ConnectionError, asyncio.CancelledError):
        task.cancel()


async def handle(client_r, client_w, target, delay):
    try:
        server_r, server_w = await asyncio.open_connection(*target)
    except OSError:
        client_w.close()
        return
    try:
        await asyncio.gather(pump(client_r, server_w, delay), pump(server_r, client_w, delay))
    except Exception:  # a broken peer ends only its own connection
        pass
    finally:
        for w in (client_w, server_w):
            try:
                w.close()
            except Exception:
                pass


def split_hostport(text):
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


async def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--target", required=True)
    p.add_argument("--listen", default="127.0.0.1:0")
    p.add_argument("--delay-ms", type=float, default=10.0)
    p.add_argument("--port-file")
    args = p.parse_args(argv)
    target = split_hostport(args.target)
    host, port = split_hostport(args.listen)
    delay = args.delay_ms / 1000.0
    server = await asyncio.start_server(lambda r, w: handle(r, w, target, delay), host, port)
    real_port = server.sockets[0].getsockname()[1]
    if args.port_file:
        with open(args.port_file, "w") as f:
            f.write(f"{real_port}\n")
    print(f"listening {real_port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main(sys.argv[1:]))
    except KeyboardInterrupt:
        pass
