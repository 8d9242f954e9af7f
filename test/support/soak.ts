/**
 * One switch for the long runs: `npm run soak` sets SOAK=1 and the same
 * tests run at full size; `npm test` runs them small enough for CI.
 */
export const soak = process.env["SOAK"] === "1"

/** `small` in CI, `large` in the soak run. */
export const scale = <A>(small: A, large: A): A => (soak ? large : small)
