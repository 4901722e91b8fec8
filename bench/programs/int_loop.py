# A 10 000 000-iteration integer loop over local variables.
def main():
    total = 0
    for i in range(10_000_000):
        total += (i * 3 + 1) % 7 - 2
    print(total)

main()
