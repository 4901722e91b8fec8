// Worker pool: 4 workers take 100 000 jobs from a jobs channel and send
// results to a results channel; main sums the results.
package main

import "fmt"

func work(j int) int {
	return (j*j + 7*j) % 1009
}

func worker(jobs <-chan int, results chan<- int) {
	for j := range jobs {
		results <- work(j)
	}
}

func produce(jobs chan<- int, n int) {
	for j := 0; j < n; j++ {
		jobs <- j
	}
	close(jobs)
}

func main() {
	n := 100000
	jobs := make(chan int, 100)
	results := make(chan int, 100)
	for w := 0; w < 4; w++ {
		go worker(jobs, results)
	}
	go produce(jobs, n)
	total := 0
	for i := 0; i < n; i++ {
		total += <-results
	}
	fmt.Println(total)
}
