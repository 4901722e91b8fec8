# Build a 200 000-piece string with `s += piece`, then print its length.
def main():
    s = ""
    for i in range(200_000):
        s += str(i)
    print(len(s))

main()
