# Blocked tasks: N asyncio tasks (first argument, default 100 000) all blocked
# at once on one gate, which main opens once every task has started (an
# asyncio.Event stands for the closed channel). Peak RSS is measured from
# outside (/usr/bin/time -f %M).
import asyncio
import sys


async def waiter(gate, counter):
    await gate.wait()
    counter[0] += 1


async def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    gate = asyncio.Event()
    counter = [0]
    tasks = [asyncio.create_task(waiter(gate, counter)) for _ in range(n)]
    await asyncio.sleep(0.05)  # every task runs up to gate.wait()
    gate.set()
    await asyncio.gather(*tasks)
    print(counter[0])


asyncio.run(main())
