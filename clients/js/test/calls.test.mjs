// call() and pings against a real relay, with SQL functions as custom handlers.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import RohrpostClient from '../rohrpost.js'
import { prepareItems } from '../test-support/items.mjs'
import { PostgresCluster, psql } from '../test-support/postgres.mjs'
import { RelayProcess, sleep } from '../test-support/relay.mjs'
import { record, waitUntil } from '../test-support/wait.mjs'

const HANDLERS = `
CREATE SCHEMA api;
CREATE FUNCTION api.add(claims jsonb, data jsonb) RETURNS jsonb LANGUAGE sql
  AS $$ SELECT jsonb_build_object('sum', (data->>'a')::int + (data->>'b')::int) $$;
CREATE FUNCTION api.slow(claims jsonb, data jsonb) RETURNS jsonb LANGUAGE sql
  AS $$ SELECT jsonb_build_object('slept', pg_sleep(1) IS NULL) $$;
CREATE FUNCTION api.fail(claims jsonb, data jsonb) RETURNS jsonb LANGUAGE plpgsql
  AS $$ BEGIN RAISE EXCEPTION 'no such thing'; END $$;`

let cluster, relay
before(async () => {
  cluster = await PostgresCluster.start()
  const database = await cluster.createDatabase()
  await prepareItems(database)
  await psql(database, HANDLERS)
  relay = await RelayProcess.start(database, ['--sql-handlers', 'api'])
})
after(async () => {
  await relay?.stop()
  await cluster?.stop()
})

function connect (t, config) {
  const client = new RohrpostClient(relay.url, config)
  t.after(() => client.close())
  return client
}

test('call resolves with the reply data of a handler', async (t) => {
  const client = connect(t)
  // Made before the socket is open: it waits for it.
  assert.deepEqual(await client.call('add', { a: 2, b: 40 }), { sum: 42 })
})

test('call rejects with the relay\'s error text', async (t) => {
  const client = connect(t)
  await assert.rejects(client.call('frobnicate', {}), (error) => error === "Unknown message type 'frobnicate'.")
  await assert.rejects(client.call('fail', {}), (error) => typeof error === 'string' && error.includes('no such thing'))
})

test('call rejects after its timeout when no reply comes in time', async (t) => {
  const client = connect(t)
  await waitUntil(() => client.socketState === 'open', { what: 'open' })
  const started = Date.now()
  await assert.rejects(client.call('slow', {}, { timeout: 200 }), { message: 'call timed out' })
  const waited = Date.now() - started
  assert.ok(waited >= 190 && waited < 900, `waited ${waited} ms`)
  // The late reply is not mistaken for anything else, and the client goes on working.
  const seen = record(client, ['error'])
  await sleep(1000)
  assert.deepEqual(await client.call('add', { a: 1, b: 1 }), { sum: 2 })
  assert.equal(seen.error.length, 1, 'the late reply is reported as unexpected')
})

test('call ping echoes its data as the relay answers pings', async (t) => {
  const client = connect(t)
  assert.deepEqual(await client.call('ping', { a: 1 }), { a: 1 })
  assert.deepEqual(await client.call('ping', [1, 2]), { data: [1, 2] })
})

test('the client pings every pingInterval and emits pong for each reply', async (t) => {
  const client = connect(t, { pingInterval: 150 })
  const seen = record(client, ['ping', 'pong', 'closed'])
  await sleep(700)
  assert.ok(seen.ping.length >= 3 && seen.ping.length <= 6, `${seen.ping.length} pings`)
  assert.ok(seen.pong.length >= seen.ping.length - 1, `${seen.pong.length} pongs for ${seen.ping.length} pings`)
  assert.equal(seen.closed.length, 0)
})

test('a relay that stops answering is given up after a ping interval, and reconnected to', async (t) => {
  const client = connect(t, { pingInterval: 200, backoff: { initialDelay: 50, maxDelay: 200 } })
  const seen = record(client, ['open', 'closed', 'reconnecting'])
  await waitUntil(() => seen.open.length === 1, { what: 'open' })
  relay.signal('SIGSTOP') // the socket stays open, but nothing comes back
  try {
    await waitUntil(() => seen.closed.length >= 1, { timeout: 2000, what: 'the silent socket closed' })
    assert.equal(seen.closed[0][0].reason, 'ping timeout')
  } finally {
    relay.signal('SIGCONT')
  }
  await waitUntil(() => seen.open.length === 2, { timeout: 5000, what: 'a new connection', state: () => seen })
  assert.deepEqual(await client.call('add', { a: 3, b: 4 }), { sum: 7 })
})
