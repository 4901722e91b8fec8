# Parallel CPU: fib(27) twice, first sequentially in the main thread, then in
# two threads at once (threading, not asyncio: asyncio tasks never run in
# parallel; threads do not either, because of the GIL). Prints a checksum,
# then the speedup (sequential time / parallel time, monotonic clock).
import threading
import time


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def main():
    t0 = time.monotonic()
    a = fib(27)
    b = fib(27)
    t1 = time.monotonic()
    results = [0, 0]

    def run(k):
        results[k] = fib(27)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    t2 = time.monotonic()
    print(a + b + results[0] + results[1])
    seq, par = t1 - t0, t2 - t1
    print(f"speedup {seq / par:.2f} seq_ms {seq * 1000.0:.1f} par_ms {par * 1000.0:.1f}")


main()
