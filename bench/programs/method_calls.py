# 2 000 000 method calls on an instance of a small class.
class Counter:
    def __init__(self):
        self.count = 0

    def inc(self):
        self.count += 1

def main():
    c = Counter()
    for _ in range(2_000_000):
        c.inc()
    print(c.count)

main()
