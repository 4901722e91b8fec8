# 1 000 000 appends to a list, then a loop summing its items.
def main():
    xs = []
    for i in range(1_000_000):
        xs.append(i)
    total = 0
    for x in xs:
        total += x
    print(total)

main()
