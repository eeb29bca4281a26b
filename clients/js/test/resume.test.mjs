// Across a relay killed with SIGKILL and started again, rohrpost.js resumes every group
// from the last event it saw: each event once, in order; or it says the backlog is gone.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import RohrpostClient from '../rohrpost.js'
import { prepareItems } from '../test-support/items.mjs'
import { PostgresCluster, psql } from '../test-support/postgres.mjs'
import { RelayProcess, sleep } from '../test-support/relay.mjs'
import { record, waitUntil } from '../test-support/wait.mjs'
import { FAST_BACKOFF, journalEvents, received } from '../test-support/journal.mjs'
import { Writer } from '../test-support/writer.mjs'

let cluster
before(async () => { cluster = await PostgresCluster.start() })
after(async () => { await cluster?.stop() })

test('a relay killed and restarted while rows change: every event once, in order, and recovered', async (t) => {
  const database = await cluster.createDatabase()
  await prepareItems(database)
  const relay = await RelayProcess.start(database)
  t.after(() => relay.stop())
  const client = new RohrpostClient(relay.url, { backoff: FAST_BACKOFF })
  t.after(() => client.close())
  const seen = record(client, ['all-items', 'item-50', 'recovered', 'not-recovered', 'reconnecting'])
  // Subscribing in every `open`, as rohrpost-js's README does: the subscribe joins the
  // client's own resuming one instead of racing it.
  client.on('open', () => client.subscribe({ type: 'all-items' }))

  const rows = 150
  let relayKilled
  const killed = new Promise((resolve) => { relayKilled = resolve })
  const writer = new Writer(database)
  const writing = (async () => {
    for (let row = 1; row <= rows; row++) {
      if (row === 50) await killed // rows 50 and on commit after the kill
      writer.write(`INSERT INTO item (title) VALUES ('row ${row}')`)
      if (row % 3 === 0) writer.write(`UPDATE item SET title = 'changed' WHERE id = ${row - 1}`)
      if (row % 10 === 0) writer.write(`DELETE FROM item WHERE id = ${row - 5}`)
      await sleep(4)
    }
    await writer.end()
  })()

  await waitUntil(() => seen['all-items'].length >= 5, { what: 'the first events' })
  // A group that sees no event before the outage resumes from what the client saw elsewhere.
  await client.subscribe({ type: 'item', id: 50 })
  await waitUntil(() => seen['all-items'].length >= 20, { what: 'twenty events' })
  await relay.kill()
  relayKilled()
  await sleep(500) // rows go on changing while no relay runs
  await relay.start()
  await writing

  await psql(database, 'SELECT rohrpost.settled_position()') // the last rows numbered by the relay's sequencer
  const expected = await journalEvents(database, 'all-items')
  await waitUntil(() => seen['all-items'].length >= expected.length, {
    timeout: 15000, what: `${expected.length} events`, state: () => seen['all-items'].length
  })
  await sleep(300) // a duplicate would arrive by now
  assert.ok(seen.reconnecting.length >= 1, 'the client reconnected')
  assert.ok(expected.some(([, kind, id]) => kind === 'create' && id === 60), 'rows were written after the kill')
  assert.deepEqual(received(seen['all-items']), expected, 'each event once, in order')
  assert.deepEqual(received(seen['item-50']), await journalEvents(database, 'item-50'))
  assert.deepEqual(seen.recovered.map(([group]) => group).sort(), ['all-items', 'item-50'])
  assert.deepEqual(seen['not-recovered'], [])
})

test('a resume beyond what the relay sends gives not-recovered, then live events', async (t) => {
  const database = await cluster.createDatabase()
  await prepareItems(database)
  const relay = await RelayProcess.start(database, ['--max-resume-events', '3'])
  t.after(() => relay.stop())
  const client = new RohrpostClient(relay.url, { backoff: FAST_BACKOFF })
  t.after(() => client.close())
  const seen = record(client, ['all-items', 'recovered', 'not-recovered', 'reconnecting', 'log'])
  await client.subscribe({ type: 'all-items' })
  await psql(database, "INSERT INTO item (title) VALUES ('seen')")
  await waitUntil(() => seen['all-items'].length === 1, { what: 'the first event' })

  await relay.kill()
  // More events than one resume may send: the relay cannot replay them.
  for (let row = 0; row < 5; row++) await psql(database, "INSERT INTO item (title) VALUES ('missed')")
  await relay.start()
  await waitUntil(() => seen['not-recovered'].length === 1, { what: 'not-recovered', state: () => seen })
  assert.deepEqual(seen['not-recovered'], [['all-items', { type: 'all-items' }]])
  assert.deepEqual(seen.recovered, [])
  const subscribes = seen.log.map(([entry]) => entry).filter(({ direction }) => direction === 'send')
    .map(({ data }) => JSON.parse(data)).filter(({ type }) => type === 'subscribe')
  const firstId = seen['all-items'][0][2]
  assert.deepEqual(subscribes.map(({ data }) => data), [{ type: 'all-items' }, { type: 'all-items', since: firstId }],
    'the second subscribe resumed from the event seen')

  await psql(database, "INSERT INTO item (title) VALUES ('live')")
  await waitUntil(() => seen['all-items'].some(([, data]) => data.object.title === 'live'), { what: 'the live event', state: () => seen })
  // The restarted relay is also the sequencer: the missed rows are numbered just after it
  // starts, so some may come live after the not-recovered reply; none twice.
  const ids = seen['all-items'].map(([, , id]) => id)
  assert.equal(new Set(ids).size, ids.length, `an event came twice: ${ids}`)

  // Each delay while the relay was away stayed within its attempt's doubling bound.
  assert.ok(seen.reconnecting.length >= 1)
  for (const [{ attempt, delay }] of seen.reconnecting) {
    assert.ok(delay >= 0 && delay < Math.min(FAST_BACKOFF.maxDelay, FAST_BACKOFF.initialDelay * 2 ** (attempt - 1)), `attempt ${attempt}: ${delay} ms`)
  }
})
