# 1 000 000 iterations of float arithmetic with sqrt.
import math

def main():
    total = 0.0
    for i in range(1_000_000):
        x = i * 0.5 + 1.0
        total += math.sqrt(x) / (x + 1.0) + x * 0.000001
    print(round(total, 3))

main()
