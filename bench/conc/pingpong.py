# Ping-pong: 200 000 round trips between two asyncio tasks. asyncio has no
# unbuffered channel: two Queue(maxsize=1) play the part, and since each side
# waits for the other's reply the hand-offs are the same as a rendezvous.
# None closes the ping queue.
import asyncio


async def ponger(ping, pong):
    while True:
        v = await ping.get()
        if v is None:
            return
        await pong.put(v + 1)


async def main():
    ping = asyncio.Queue(maxsize=1)
    pong = asyncio.Queue(maxsize=1)
    task = asyncio.create_task(ponger(ping, pong))
    total = 0
    for i in range(200000):
        await ping.put(i)
        total += await pong.get()
    await ping.put(None)
    await task
    print(total)


asyncio.run(main())
