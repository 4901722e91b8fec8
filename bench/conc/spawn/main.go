// Spawn: 100 000 goroutines, each sends one value into a channel; main
// receives them all.
package main

import "fmt"

func sendOne(c chan<- int, i int) {
	c <- i
}

func main() {
	c := make(chan int, 1000)
	for i := 0; i < 100000; i++ {
		go sendOne(c, i)
	}
	total := 0
	for i := 0; i < 100000; i++ {
		total += <-c
	}
	fmt.Println(total)
}
