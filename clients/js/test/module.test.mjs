// rohrpost.js is one self-contained ES module that a browser can load as it is.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import RohrpostClient, * as rohrpost from '../rohrpost.js'

const source = readFileSync(new URL('../rohrpost.js', import.meta.url), 'utf8')

test('it imports nothing and uses no node-only globals', () => {
  assert.doesNotMatch(source, /^\s*import\s/m)
  assert.doesNotMatch(source, /\brequire\s*\(|\bprocess\.|\bBuffer\b|\b__dirname\b/)
})

test('the client is the default export, as in rohrpost-js, and a named one too', () => {
  assert.equal(typeof RohrpostClient, 'function')
  assert.equal(rohrpost.RohrpostClient, RohrpostClient)
  assert.deepEqual(Object.keys(rohrpost).sort(), ['RohrpostClient', 'backoffDelay', 'default', 'groupName'])
})

test('groups are named as the relay names them', () => {
  assert.equal(rohrpost.groupName({ type: 'collection', id: 5 }), 'collection-5')
  assert.equal(rohrpost.groupName({ type: 'todo', id: 'a b' }), 'todo-a b')
  assert.equal(rohrpost.groupName({ type: 'todo' }), 'todo')
})
