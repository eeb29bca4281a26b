import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './ports.mjs'

const run = promisify(execFile)

/** Clusters to stop when the test process exits without its `after` hook having run. */
const running = new Set()
process.on('exit', () => {
  for (const cluster of running) cluster.destroySync()
})

/**
 * A throwaway PostgreSQL cluster on a free port of 127.0.0.1 in a temporary directory,
 * made with initdb and pg_ctl. As root, the server runs as the `postgres` OS user (it
 * refuses root) and owns the directory.
 */
export class PostgresCluster {
  constructor (directory, binDirectory, port) {
    this.directory = directory
    this.binDirectory = binDirectory
    this.port = port
    this._databases = 0
  }

  /** Creates a cluster and starts it; call `stop()` when done. */
  static async start () {
    const binDirectory = findBinDirectory()
    const directory = mkdtempSync(join(tmpdir(), 'rohrpost-js-pg.'))
    if (isRoot()) {
      const { uid, gid } = postgresUser()
      chownSync(directory, uid, gid)
    }
    await run(...asServerUser(join(binDirectory, 'initdb'), [
      '-D', join(directory, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'
    ]))
    let lastError
    // Another process may take the port before PostgreSQL binds it; try another one.
    for (let tries = 0; tries < 5; tries++) {
      const cluster = new PostgresCluster(directory, binDirectory, await freePort())
      try {
        await cluster._pgCtlStart()
        running.add(cluster)
        return cluster
      } catch (error) {
        lastError = error
        if (!cluster.log().includes('Address already in use')) break
      }
    }
    rmSync(directory, { recursive: true, force: true })
    throw lastError
  }

  /** The server log, to quote when something fails. */
  log () {
    try {
      return readFileSync(join(this.directory, 'postgres.log'), 'utf8')
    } catch {
      return '(no PostgreSQL log)'
    }
  }

  /** The URL of `database` on this cluster. */
  url (database = 'postgres') {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`
  }

  /** Creates a fresh database for one test and returns its URL. */
  async createDatabase () {
    const name = `test_${process.pid}_${++this._databases}`
    await psql(this.url(), `CREATE DATABASE ${name}`)
    return this.url(name)
  }

  /** Stops the server but keeps its data (`mode`: `fast` or `immediate`), for `restart`. */
  async halt (mode = 'fast') {
    await run(...asServerUser(join(this.binDirectory, 'pg_ctl'), ['stop', '-D', join(this.directory, 'data'), '-m', mode, '-w']))
  }

  /** Starts a server that `halt()` stopped, on the same port. */
  async restart () {
    await this._pgCtlStart()
  }

  /** Stops the server and removes its directory. */
  async stop () {
    running.delete(this)
    try {
      await run(...asServerUser(join(this.binDirectory, 'pg_ctl'), ['stop', '-D', join(this.directory, 'data'), '-m', 'immediate', '-w']))
    } finally {
      rmSync(this.directory, { recursive: true, force: true })
    }
  }

  /** `stop()` for an exiting process, which can wait for nothing. */
  destroySync () {
    spawnSync(...asServerUser(join(this.binDirectory, 'pg_ctl'), ['stop', '-D', join(this.directory, 'data'), '-m', 'immediate', '-w']))
    rmSync(this.directory, { recursive: true, force: true })
  }

  _pgCtlStart () {
    // No durability needed for throwaway data; it makes commits fast.
    const options = `-h 127.0.0.1 -p ${this.port} -k ${this.directory} -c max_connections=200 ` +
      '-c fsync=off -c synchronous_commit=off -c full_page_writes=off'
    return run(...asServerUser(join(this.binDirectory, 'pg_ctl'), [
      'start', '-D', join(this.directory, 'data'), '-l', join(this.directory, 'postgres.log'), '-w', '-t', '60', '-o', options
    ]))
  }
}

/**
 * Runs `sql` with psql against `url` and returns its unaligned output.
 *
 * @param {string} url
 * @param {string} sql
 * @returns {Promise<string>}
 */
export async function psql (url, sql) {
  const { stdout } = await run('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql])
  return stdout.trim()
}

function isRoot () {
  return typeof process.geteuid === 'function' && process.geteuid() === 0
}

function postgresUser () {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
  return { uid, gid }
}

/** `[command, args]` to run a PostgreSQL server program, as `postgres` when we are root. */
function asServerUser (command, args) {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]
}

/** Where initdb and pg_ctl are: `pg_config --bindir`, else Debian's path, else PATH. */
function findBinDirectory () {
  let reported = ''
  try {
    reported = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim()
  } catch {}
  for (const candidate of [reported, '/usr/lib/postgresql/15/bin']) {
    if (candidate && existsSync(join(candidate, 'initdb'))) return candidate
  }
  for (const directory of (process.env.PATH || '').split(':')) {
    if (directory && existsSync(join(directory, 'initdb'))) return directory
  }
  throw new Error('cannot find PostgreSQL\'s server programs (initdb, pg_ctl): install the postgresql package')
}
