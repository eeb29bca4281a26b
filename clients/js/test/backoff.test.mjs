// The reconnect delay: full jitter over an exponential bound (pure, no relay needed).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { backoffDelay } from '../rohrpost.js'

const bounds = { initialDelay: 500, maxDelay: 30000 }

test('the bound doubles from initialDelay per attempt and stops at maxDelay', () => {
  const justBelowOne = () => 1 - Number.EPSILON
  const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 20, 2000].map((attempt) => Math.round(backoffDelay(attempt, bounds, justBelowOne)))
  assert.deepEqual(ceilings, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000])
})

test('the delay is the random fraction of the bound, from zero up', () => {
  assert.equal(backoffDelay(3, bounds, () => 0), 0)
  assert.equal(backoffDelay(3, bounds, () => 0.25), 1000)
})

test('delays are jittered and stay within [0, bound)', () => {
  for (const attempt of [0, 1, 4, 10]) {
    const bound = Math.min(bounds.maxDelay, bounds.initialDelay * 2 ** attempt)
    const delays = Array.from({ length: 200 }, () => backoffDelay(attempt, bounds))
    assert.ok(delays.every((delay) => delay >= 0 && delay < bound), `attempt ${attempt} within [0, ${bound})`)
    assert.ok(new Set(delays).size > 150, `attempt ${attempt} delays differ`)
    // Spread over the range, not bunched at one end (full jitter, not "bound plus a bit").
    assert.ok(Math.min(...delays) < bound * 0.2 && Math.max(...delays) > bound * 0.8)
  }
})

test('without bounds it uses 0.5 s doubling to 30 s', () => {
  assert.equal(Math.round(backoffDelay(0, undefined, () => 1 - Number.EPSILON)), 500)
  assert.equal(Math.round(backoffDelay(12, {}, () => 1 - Number.EPSILON)), 30000)
})
