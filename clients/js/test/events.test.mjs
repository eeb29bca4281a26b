// A client subscribed through rohrpost.js gets the row changes of a real relay.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import RohrpostClient from '../rohrpost.js'
import { prepareItems } from '../test-support/items.mjs'
import { PostgresCluster, psql } from '../test-support/postgres.mjs'
import { RelayProcess } from '../test-support/relay.mjs'
import { record, waitUntil, withoutPosition } from '../test-support/wait.mjs'

let cluster
before(async () => { cluster = await PostgresCluster.start() })
after(async () => { await cluster?.stop() })

/** A database with the watched item table, a relay on it, and a client of that relay. */
async function setUp (t, config = {}) {
  const database = await cluster.createDatabase()
  await prepareItems(database)
  const relay = await RelayProcess.start(database)
  t.after(() => relay.stop())
  const client = new RohrpostClient(relay.url, config)
  t.after(() => client.close())
  return { database, relay, client }
}

test('subscribe resolves with the group and its listener gets create, update and delete', async (t) => {
  const { database, client } = await setUp(t)
  // Subscribed before the socket is open, as an app does right after constructing.
  const reply = await client.subscribe({ type: 'item', id: 1 })
  assert.deepEqual(withoutPosition(reply), { group: 'item-1' })
  const seen = record(client, ['item-1'])

  await psql(database, "INSERT INTO item (title) VALUES ('first')")
  await psql(database, "UPDATE item SET title = 'renamed' WHERE id = 1")
  await psql(database, 'DELETE FROM item WHERE id = 1')
  await waitUntil(() => seen['item-1'].length === 3, { what: 'three events', state: () => seen })

  // Listeners get `(err, data)` as with rohrpost-js, and the event's id after them.
  const [created, updated, deleted] = seen['item-1']
  assert.deepEqual(created.slice(0, 2), [null, { type: 'create', group: 'item-1', object: { id: 1, title: 'first' } }])
  assert.deepEqual(updated.slice(0, 2), [null, { type: 'update', group: 'item-1', object: { id: 1, title: 'renamed', updated_fields: ['title'] } }])
  assert.deepEqual(deleted.slice(0, 2), [null, { type: 'delete', group: 'item-1', object: { id: 1, title: 'renamed' } }])
  const ids = seen['item-1'].map(([, , id]) => id)
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y))
  assert.equal(new Set(ids).size, 3)
})

test('a subscribe with since gets exactly the events after that position, then live ones', async (t) => {
  const { database, client } = await setUp(t)
  await psql(database, "INSERT INTO item (title) VALUES ('before')")
  const position = Number((await psql(database, 'SELECT rohrpost.settled_position()')).trim())
  await psql(database, "INSERT INTO item (title) VALUES ('missed')")
  const recovered = []
  client.on('recovered', (name) => recovered.push(name))
  const seen = record(client, ['all-items'])
  const reply = await client.subscribe({ type: 'all-items', since: position })
  assert.deepEqual(reply, { group: 'all-items', recovered: true, position })
  await psql(database, "INSERT INTO item (title) VALUES ('live')")
  await waitUntil(() => seen['all-items'].length === 2, { what: 'two creates', state: () => seen })
  assert.deepEqual(seen['all-items'].map(([, data]) => data.object.title), ['missed', 'live'])
  assert.deepEqual(recovered, ['all-items'])
})

test('a group without an id is keyed by its type alone', async (t) => {
  const { database, client } = await setUp(t)
  const reply = await client.subscribe({ type: 'all-items' })
  assert.equal(reply.group, 'all-items')
  const seen = record(client, ['all-items'])
  await psql(database, "INSERT INTO item (title) VALUES ('a'), ('b')")
  await waitUntil(() => seen['all-items'].length === 2, { what: 'two creates', state: () => seen })
  assert.deepEqual(seen['all-items'].map(([, data]) => data.object.title), ['a', 'b'])
})

test('after unsubscribe a group hears nothing more while other groups still do', async (t) => {
  const { database, client } = await setUp(t)
  await client.subscribe({ type: 'item', id: 1 })
  await client.subscribe({ type: 'all-items' })
  const seen = record(client, ['item-1', 'all-items'])
  await psql(database, "INSERT INTO item (title) VALUES ('x')")
  await waitUntil(() => seen['item-1'].length === 1 && seen['all-items'].length === 1, { what: 'the create in both groups', state: () => seen })

  const reply = await client.unsubscribe({ type: 'item', id: 1 })
  assert.deepEqual(reply, { group: 'item-1' })
  await psql(database, "UPDATE item SET title = 'y' WHERE id = 1")
  // The event reaching all-items shows the relay has sent whatever it would send.
  await waitUntil(() => seen['all-items'].length === 2, { what: 'the update in all-items', state: () => seen })
  assert.equal(seen['item-1'].length, 1)
})

test('a refused subscribe rejects with the relay\'s error text', async (t) => {
  const { client } = await setUp(t)
  await assert.rejects(client.subscribe({ type: '' }), (error) => {
    assert.match(error, /data\.type must be a non-empty string/)
    return true
  })
})

test('open and closed are emitted; close() stops reconnecting', async (t) => {
  const { client } = await setUp(t)
  const seen = record(client, ['open', 'closed', 'reconnecting'])
  await waitUntil(() => seen.open.length === 1, { what: 'open' })
  client.close()
  await waitUntil(() => seen.closed.length === 1, { what: 'closed' })
  await new Promise((resolve) => setTimeout(resolve, 700))
  assert.equal(seen.reconnecting.length, 0)
  assert.equal(client.socketState, 'closed')
})
