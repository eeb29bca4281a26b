/**
 * Waits until `condition()` is truthy, checking every 10 ms; fails after `timeout` ms
 * with a message that says what was awaited and, from `state()`, what there was.
 *
 * @param {() => any} condition
 * @param {{timeout?: number, what?: string, state?: () => any}} [options]
 */
export async function waitUntil (condition, { timeout = 5000, what = 'a condition', state } = {}) {
  const deadline = Date.now() + timeout
  for (;;) {
    const value = condition()
    if (value) return value
    if (Date.now() > deadline) {
      const seen = state ? `; had ${JSON.stringify(state())}` : ''
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${seen}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * Records every emission of each event `name` of `emitter`, as the argument lists.
 *
 * @returns {Record<string, any[][]>}
 */
export function record (emitter, names) {
  const seen = {}
  for (const name of names) {
    seen[name] = []
    emitter.on(name, (...args) => seen[name].push(args))
  }
  return seen
}

/** A subscribe reply's data without `position` (a number the relay adds), checked to be one. */
export function withoutPosition (data) {
  const { position, ...rest } = data
  if (typeof position !== 'number') throw new Error(`the subscribe reply names no position: ${JSON.stringify(data)}`)
  return rest
}
