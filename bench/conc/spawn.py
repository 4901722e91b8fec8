# Spawn: 100 000 asyncio tasks, each sends one value into a queue (the
# channel, capacity 1000); main receives them all.
import asyncio


async def send_one(c, i):
    await c.put(i)


async def main():
    c = asyncio.Queue(maxsize=1000)
    # Keep references to the tasks, as the asyncio documentation asks.
    tasks = [asyncio.create_task(send_one(c, i)) for i in range(100000)]
    total = 0
    for _ in range(100000):
        total += await c.get()
    print(total)
    del tasks


asyncio.run(main())
