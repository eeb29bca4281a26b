// What the journal holds and what a client was given, in one shape, for comparing them.
import assert from 'node:assert/strict'

import { psql } from './postgres.mjs'

/** Short delays, so a test does not wait seconds for a reconnect. */
export const FAST_BACKOFF = { initialDelay: 50, maxDelay: 400 }

/** `[id, kind, row id]` of each event of `group` as the journal has it, in order. */
export async function journalEvents (database, group) {
  const text = await psql(database, `SELECT position, kind, object->>'id' FROM rohrpost.read_group_events('${group}', 0, 100000)`)
  return text.split('\n').filter(Boolean).map((line) => {
    const [position, kind, id] = line.split('|')
    return [Number(position), kind, Number(id)]
  })
}

/** `[id, kind, row id]` of each event a group listener was given as `(err, data, id)`. */
export function received (emissions) {
  return emissions.map(([error, data, id]) => {
    assert.equal(error, null)
    return [id, data.type, data.object.id]
  })
}
