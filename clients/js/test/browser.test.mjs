// rohrpost.js in headless Chromium, imported by a page as an ES module: it receives
// events and resumes after the relay is killed, as it does in node.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { BrowserPage } from '../test-support/browser.mjs'
import { prepareItems } from '../test-support/items.mjs'
import { PostgresCluster, psql } from '../test-support/postgres.mjs'
import { RelayProcess } from '../test-support/relay.mjs'
import { waitUntil, withoutPosition } from '../test-support/wait.mjs'

let cluster
before(async () => { cluster = await PostgresCluster.start() })
after(async () => { await cluster?.stop() })

test('in a browser page: events arrive, and after a relay kill and restart the missed ones too', async (t) => {
  const database = await cluster.createDatabase()
  await prepareItems(database)
  const relay = await RelayProcess.start(database)
  t.after(() => relay.stop())
  const page = await BrowserPage.open(relay.url)
  t.after(() => page.close())
  const kinds = (kind) => page.reports.filter((report) => report.kind === kind)
  const titles = () => kinds('event').map(({ detail }) => detail.data.object.title)
  const state = () => ({ reports: page.reports, chromium: page.log })

  await waitUntil(() => kinds('subscribed').length === 1, { timeout: 15000, what: 'the page to subscribe', state })
  assert.deepEqual(withoutPosition(kinds('subscribed')[0].detail), { group: 'all-items' })
  await psql(database, "INSERT INTO item (title) VALUES ('one'), ('two')")
  await waitUntil(() => titles().length === 2, { what: 'two events', state })

  await relay.kill()
  await psql(database, "INSERT INTO item (title) VALUES ('while away')")
  await psql(database, "UPDATE item SET title = 'changed while away' WHERE id = 1")
  await relay.start()
  await waitUntil(() => kinds('recovered').length === 1, { timeout: 10000, what: 'recovered', state })
  await psql(database, "INSERT INTO item (title) VALUES ('after')")
  await waitUntil(() => titles().length === 5, { what: 'five events', state })

  assert.deepEqual(titles(), ['one', 'two', 'while away', 'changed while away', 'after'])
  assert.deepEqual(kinds('recovered')[0].detail, ['all-items', { type: 'all-items' }])
  assert.deepEqual(kinds('not-recovered'), [])
  const ids = kinds('event').map(({ detail }) => detail.id)
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b))
  assert.ok(kinds('event').every(({ detail }) => detail.err === null))
})
