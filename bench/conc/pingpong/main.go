// Ping-pong: 200 000 round trips between two goroutines over two unbuffered
// channels. Each round trip is two rendezvous hand-offs (ping, then pong).
package main

import "fmt"

func ponger(ping <-chan int, pong chan<- int) {
	for v := range ping {
		pong <- v + 1
	}
}

func main() {
	ping := make(chan int)
	pong := make(chan int)
	go ponger(ping, pong)
	total := 0
	for i := 0; i < 200000; i++ {
		ping <- i
		total += <-pong
	}
	close(ping)
	fmt.Println(total)
}
