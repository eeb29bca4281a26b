// A database that goes away while rohrpost.js resumes (the relay's query connections
// terminated, PostgreSQL restarted) costs it nothing: the relay's reply waits for the
// database, every event arrives once, and nothing is reported not-recovered. And a group
// that has seen no event resumes from the position its subscribe reply named.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import RohrpostClient from '../rohrpost.js'
import { prepareItems } from '../test-support/items.mjs'
import { PostgresCluster, psql } from '../test-support/postgres.mjs'
import { RelayProcess, sleep } from '../test-support/relay.mjs'
import { record, waitUntil } from '../test-support/wait.mjs'
import { FAST_BACKOFF, journalEvents, received } from '../test-support/journal.mjs'

let cluster
before(async () => { cluster = await PostgresCluster.start() })
after(async () => { await cluster?.stop() })

test('resumes while the relay lost its query connections and while PostgreSQL restarts: every event, recovered', async (t) => {
  const database = await cluster.createDatabase()
  await prepareItems(database)
  const relay = await RelayProcess.start(database)
  t.after(() => relay.stop())
  // Pings every 300 ms: a relay silent for longer is given up, and the client reconnects.
  const client = new RohrpostClient(relay.url, { backoff: FAST_BACKOFF, pingInterval: 300 })
  t.after(() => client.close())
  const seen = record(client, ['all-items', 'recovered', 'not-recovered', 'reconnecting'])
  await client.subscribe({ type: 'all-items' })
  await psql(database, "INSERT INTO item (title) VALUES ('first')")
  await waitUntil(() => seen['all-items'].length === 1, { what: 'the first event' })

  // The client goes away (the relay freezes), `meanwhile` happens, the relay thaws, and the
  // client comes back and resumes on the same relay, whose query pool is the one to test.
  const awayAndBack = async (row, meanwhile) => {
    const reconnects = seen.reconnecting.length
    relay.signal('SIGSTOP')
    await psql(database, `INSERT INTO item (title) VALUES ('missed ${row}')`)
    await meanwhile()
    await waitUntil(() => seen.reconnecting.length > reconnects, { what: 'the client to give up the silent relay' })
    relay.signal('SIGCONT')
  }

  // The first resume opens the pool's connections.
  await awayAndBack(1, async () => {})
  await waitUntil(() => seen.recovered.length === 1, { timeout: 10000, what: 'the first resume', state: () => seen })

  // Then they are terminated: the next resume must not answer recovered: false.
  await awayAndBack(2, async () => {
    const terminated = await psql(cluster.url(),
      "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE application_name = 'rohrpost-relay query'")
    assert.ok(Number(terminated) >= 1, `the pool had connections to lose (${terminated})`)
  })
  await waitUntil(() => seen.recovered.length === 2, { timeout: 10000, what: 'the resume after the terminated connections', state: () => seen })

  // PostgreSQL stops while the client resumes: the reply waits until it is back.
  await awayAndBack(3, () => cluster.halt('fast'))
  await sleep(1500)
  assert.equal(seen.recovered.length, 2, 'no reply while the database is down')
  assert.deepEqual(seen['not-recovered'], [])
  await cluster.restart()
  await waitUntil(() => seen.recovered.length === 3, { timeout: 20000, what: 'the resume after the restart', state: () => seen })

  await psql(database, "INSERT INTO item (title) VALUES ('live')")
  await psql(database, 'SELECT rohrpost.settled_position()') // 'live' numbered by the relay's sequencer
  const expected = await journalEvents(database, 'all-items')
  await waitUntil(() => seen['all-items'].length >= expected.length, {
    timeout: 15000, what: `${expected.length} events`, state: () => received(seen['all-items'])
  })
  await sleep(300) // a duplicate would arrive by now
  assert.equal(expected.length, 5)
  assert.deepEqual(received(seen['all-items']), expected, 'each event once, in order')
  assert.deepEqual(seen['not-recovered'], [])
})

test('a group that has seen no event resumes from the position its subscribe reply named', async (t) => {
  const database = await cluster.createDatabase()
  await prepareItems(database)
  const relay = await RelayProcess.start(database)
  t.after(() => relay.stop())
  // An event the relay has delivered gives it a position to name.
  const observer = new RohrpostClient(relay.url)
  t.after(() => observer.close())
  const observed = record(observer, ['item-1'])
  await observer.subscribe({ type: 'item', id: 1 })
  await psql(database, "INSERT INTO item (title) VALUES ('before')")
  await waitUntil(() => observed['item-1'].length === 1, { what: 'the first event' })

  const client = new RohrpostClient(relay.url, { backoff: FAST_BACKOFF })
  t.after(() => client.close())
  const seen = record(client, ['item-2', 'all-items', 'recovered', 'not-recovered', 'log'])
  const reply = await client.subscribe({ type: 'item', id: 2 })
  assert.deepEqual(reply, { group: 'item-2', position: observed['item-1'][0][2] })
  await client.subscribe({ type: 'all-items' })

  // Row 2's event comes after the subscribe, before the newest event of the client's other
  // group, and while the client is away.
  await relay.kill()
  await psql(database, "INSERT INTO item (title) VALUES ('second')")
  await psql(database, "INSERT INTO item (title) VALUES ('third')")
  await relay.start()
  await waitUntil(() => seen.recovered.length === 2, { timeout: 10000, what: 'both groups resumed', state: () => seen })
  await waitUntil(() => seen['all-items'].length === 2, { what: 'rows 2 and 3', state: () => seen })
  assert.deepEqual(received(seen['item-2']), await journalEvents(database, 'item-2'))
  assert.equal(seen['item-2'].length, 1)
  assert.deepEqual(received(seen['all-items']), (await journalEvents(database, 'all-items')).slice(1))
  assert.deepEqual(seen['not-recovered'], [])
  const resubscribe = seen.log.map(([entry]) => entry).filter(({ direction }) => direction === 'send')
    .map(({ data }) => JSON.parse(data)).filter(({ type, data }) => type === 'subscribe' && data.type === 'item')
  assert.deepEqual(resubscribe.map(({ data }) => data.since), [undefined, reply.position])
})
