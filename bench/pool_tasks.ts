/**
 * The functions the Pool rows of `npm run bench` map, the same as
 * bench/cpython_managers.py's: a CPU-bound one (primes below n by trial
 * division) and a trivial one (the cost of the pool itself).
 */

/** How many primes are below n, by trial division: CPU only. */
export const primesBelow = (n: number): number => {
  let count = 0
  for (let k = 2; k < n; k++) {
    let prime = true
    for (let d = 2; d * d <= k; d++) {
      if (k % d === 0) {
        prime = false
        break
      }
    }
    if (prime) count++
  }
  return count
}

export const square = (x: number): number => x * x
