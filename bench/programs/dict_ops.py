# 1 000 000 inserts into a mutable dict, then 1 000 000 lookups in a scrambled order.
def main():
    n = 1_000_000
    d = {}
    for i in range(n):
        d[i] = i * 2
    total = 0
    for i in range(n):
        total += d[(i * 7919) % n]
    print(total + len(d))

main()
