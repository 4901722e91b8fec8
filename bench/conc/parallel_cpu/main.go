// Parallel CPU: fib(27) twice, first sequentially in main, then in two
// goroutines at once. Prints a checksum, then the speedup (sequential time /
// parallel time, monotonic clock).
package main

import (
	"fmt"
	"time"
)

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func main() {
	t0 := time.Now()
	a := fib(27)
	b := fib(27)
	t1 := time.Now()
	rc := make(chan int)
	rd := make(chan int)
	go func() { rc <- fib(27) }()
	go func() { rd <- fib(27) }()
	c := <-rc
	d := <-rd
	t2 := time.Now()
	seq := t1.Sub(t0).Seconds()
	par := t2.Sub(t1).Seconds()
	fmt.Println(a + b + c + d)
	fmt.Printf("speedup %.2f seq_ms %.1f par_ms %.1f\n", seq/par, seq*1000, par*1000)
}
