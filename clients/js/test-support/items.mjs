import { psql } from './postgres.mjs'
import { relayCommand } from './relay.mjs'

/**
 * Prepares `databaseURL` the way a user would: `rohrpost-relay migrate`, a table
 * `public.item (id serial, title text)`, and
 * `rohrpost-relay watch public.item --group 'item-{id}' --group 'all-items'`.
 */
export async function prepareItems (databaseURL) {
  await relayCommand(databaseURL, ['migrate'])
  await psql(databaseURL, 'CREATE TABLE public.item (id serial PRIMARY KEY, title text NOT NULL)')
  await relayCommand(databaseURL, ['watch', 'public.item', '--group', 'item-{id}', '--group', 'all-items'])
}
