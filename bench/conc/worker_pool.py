# Worker pool: 4 asyncio workers take 100 000 jobs from a jobs queue and send
# results to a results queue; main sums the results. asyncio.Queue cannot be
# closed in 3.11: the producer ends the jobs with one None per worker.
import asyncio


def work(j):
    return (j * j + 7 * j) % 1009


async def worker(jobs, results):
    while True:
        j = await jobs.get()
        if j is None:
            return
        await results.put(work(j))


async def produce(jobs, n, workers):
    for j in range(n):
        await jobs.put(j)
    for _ in range(workers):
        await jobs.put(None)


async def main():
    n = 100000
    jobs = asyncio.Queue(maxsize=100)
    results = asyncio.Queue(maxsize=100)
    tasks = [asyncio.create_task(worker(jobs, results)) for _ in range(4)]
    tasks.append(asyncio.create_task(produce(jobs, n, 4)))
    total = 0
    for _ in range(n):
        total += await results.get()
    await asyncio.gather(*tasks)
    print(total)


asyncio.run(main())
