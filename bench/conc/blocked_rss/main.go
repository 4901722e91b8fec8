// Blocked goroutines: N goroutines (first argument, default 100 000) all
// blocked at once on one channel, which main closes once every goroutine has
// started. Peak RSS is measured from outside (/usr/bin/time -f %M).
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func waiter(gate <-chan int, started, finished *sync.WaitGroup, count *int64) {
	started.Done()
	for range gate {
	}
	atomic.AddInt64(count, 1)
	finished.Done()
}

func main() {
	n := 100000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	gate := make(chan int)
	var started, finished sync.WaitGroup
	var count int64
	started.Add(n)
	finished.Add(n)
	for i := 0; i < n; i++ {
		go waiter(gate, &started, &finished, &count)
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond)
	close(gate)
	finished.Wait()
	fmt.Println(atomic.LoadInt64(&count))
}
