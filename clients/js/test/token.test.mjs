// Tokens against a relay that checks JWTs: the current one goes with every request.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import RohrpostClient from '../rohrpost.js'
import { prepareItems } from '../test-support/items.mjs'
import { nowInSeconds, signToken } from '../test-support/jwt.mjs'
import { PostgresCluster, psql } from '../test-support/postgres.mjs'
import { RelayProcess } from '../test-support/relay.mjs'
import { record, waitUntil, withoutPosition } from '../test-support/wait.mjs'

const secret = randomBytes(36).toString('base64') // 48 characters
let cluster, database, relay
before(async () => {
  cluster = await PostgresCluster.start()
  database = await cluster.createDatabase()
  await prepareItems(database)
  relay = await RelayProcess.start(database, ['--auth', 'jwt', '--jwt-secret', secret])
})
after(async () => {
  await relay?.stop()
  await cluster?.stop()
})

/** A token that may subscribe to `groups` for `seconds`. */
function token (groups, seconds = 600, extra = {}) {
  return signToken({ sub: 'alice', groups, exp: nowInSeconds() + seconds, ...extra }, secret)
}

/** The requests the client sent, parsed, from its `log` events. */
function sentRequests (seen) {
  return seen.log.map(([entry]) => entry).filter(({ direction }) => direction === 'send')
    .map(({ data }) => JSON.parse(data)).filter((request) => 'auth_jwt' in request) // pings carry none
}

test('a token function is called for each request and what it returns is sent', async (t) => {
  const issued = []
  const client = new RohrpostClient(relay.url, {
    token: () => {
      issued.push(token(['item-*'], 600, { n: issued.length }))
      return issued.at(-1)
    }
  })
  t.after(() => client.close())
  const seen = record(client, ['log'])
  assert.deepEqual(withoutPosition(await client.subscribe({ type: 'item', id: 1 })), { group: 'item-1' })
  assert.deepEqual(await client.call('ping', { a: 1 }), { a: 1 })
  await client.unsubscribe({ type: 'item', id: 1 })
  assert.equal(issued.length, 3)
  assert.deepEqual(sentRequests(seen).map(({ type, auth_jwt: jwt }) => [type, jwt]),
    [['subscribe', issued[0]], ['ping', issued[1]], ['unsubscribe', issued[2]]])
})

test('setToken replaces the token for the next request', async (t) => {
  const client = new RohrpostClient(relay.url, { token: token(['other-*']) })
  t.after(() => client.close())
  await assert.rejects(client.subscribe({ type: 'item', id: 1000 }), (error) => error === 'ACCESS_DENIED')
  client.setToken(token(['item-1000']))
  assert.deepEqual(withoutPosition(await client.subscribe({ type: 'item', id: 1000 })), { group: 'item-1000' })
  const seen = record(client, ['item-1000'])
  await psql(database, "INSERT INTO item (id, title) VALUES (1000, 'mine')")
  await waitUntil(() => seen['item-1000'].length === 1, { what: 'the event of item-1000' })
})

test('when its token expires the client reconnects with a fresh one from the function and resumes', async (t) => {
  let calls = 0
  const client = new RohrpostClient(relay.url, {
    // The first token lasts a second or two; the relay closes the connection then (4401).
    token: () => token(['all-items'], ++calls === 1 ? 2 : 600),
    backoff: { initialDelay: 50, maxDelay: 200 }
  })
  t.after(() => client.close())
  const seen = record(client, ['all-items', 'closed', 'recovered'])
  await client.subscribe({ type: 'all-items' })
  await psql(database, "INSERT INTO item (title) VALUES ('before expiry')")
  await waitUntil(() => seen['all-items'].length === 1, { what: 'the first event' })
  await waitUntil(() => seen.closed.length === 1, { timeout: 4000, what: 'the close at expiry' })
  assert.equal(seen.closed[0][0].code, 4401)
  await psql(database, "INSERT INTO item (title) VALUES ('after expiry')")
  await waitUntil(() => seen['all-items'].length === 2, { timeout: 4000, what: 'the event written after expiry', state: () => seen })
  assert.deepEqual(seen['all-items'].map(([, data]) => data.object.title), ['before expiry', 'after expiry'])
  assert.deepEqual(seen.recovered.map(([group]) => group), ['all-items'])
  assert.equal(calls, 2)
})
