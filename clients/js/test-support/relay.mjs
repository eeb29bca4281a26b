import { execFile, execFileSync, spawn } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { freePort } from './ports.mjs'

const run = promisify(execFile)
const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/** Relays to kill when the test process exits without having stopped them. */
const running = new Set()
process.on('exit', () => {
  for (const relay of running) relay._child?.kill('SIGKILL')
})

let cachedBinary
/**
 * The relay executable: `RELAY_BINARY`, else `rohrpost-relay` in the directory that
 * `swift build --show-bin-path` names (CI builds before it runs these tests).
 */
export function relayBinary () {
  if (cachedBinary) return cachedBinary
  if (process.env.RELAY_BINARY) {
    cachedBinary = process.env.RELAY_BINARY
  } else {
    const binPath = execFileSync('swift', ['build', '--show-bin-path'], { cwd: repositoryRoot, encoding: 'utf8' }).trim()
    cachedBinary = join(binPath, 'rohrpost-relay')
  }
  return cachedBinary
}

/** The environment for a relay process: ours without ROHRPOST_* settings, plus `DATABASE_URL`. */
function relayEnvironment (databaseURL) {
  const environment = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('ROHRPOST_') && !key.startsWith('DATABASE_URL')) environment[key] = value
  }
  environment.DATABASE_URL = databaseURL
  return environment
}

/**
 * Runs a relay command that ends (`migrate`, `watch ...`) against `databaseURL`.
 *
 * @param {string} databaseURL
 * @param {string[]} args e.g. `['watch', 'public.item', '--group', 'item-{id}']`
 */
export async function relayCommand (databaseURL, args) {
  try {
    await run(relayBinary(), args, { env: relayEnvironment(databaseURL) })
  } catch (error) {
    throw new Error(`rohrpost-relay ${args.join(' ')} failed: ${error.stderr || error.message}`)
  }
}

/**
 * `rohrpost-relay serve` as a child process on a fixed port, so a test can kill it with
 * SIGKILL (no close frames, no cleanup) and start it again where clients reconnect.
 */
export class RelayProcess {
  constructor (databaseURL, port, args) {
    this.databaseURL = databaseURL
    this.port = port
    this.args = args
    this._child = null
    this._output = ''
  }

  /**
   * Starts a relay on a free port with `args` added to `serve` (and `--auth none` unless
   * they say `--auth`); waits until it is ready.
   */
  static async start (databaseURL, args = []) {
    const relay = new RelayProcess(databaseURL, await freePort(), args)
    await relay.start()
    return relay
  }

  /** The WebSocket URL clients connect to. */
  get url () {
    return `ws://127.0.0.1:${this.port}/ws/rohrpost/`
  }

  /** What the relay wrote to stdout and stderr, to quote when something fails. */
  get output () {
    return this._output
  }

  /** Starts (or starts again) the relay and waits until /readyz answers 200. */
  async start () {
    const child = spawn(relayBinary(), [
      'serve', '--port', String(this.port), '--log-level', 'warning',
      ...(this.args.includes('--auth') ? [] : ['--auth', 'none']), ...this.args
    ], { env: relayEnvironment(this.databaseURL), stdio: ['ignore', 'pipe', 'pipe'] })
    this._child = child
    running.add(this)
    let exited = false
    child.once('exit', () => { exited = true })
    child.stdout.on('data', (chunk) => { this._output += chunk })
    child.stderr.on('data', (chunk) => { this._output += chunk })
    const deadline = Date.now() + 30000
    while (Date.now() < deadline && !exited) {
      try {
        const response = await fetch(`http://127.0.0.1:${this.port}/readyz`)
        await response.arrayBuffer()
        // Whoever answered must be this process, not another server on the port.
        if (response.status === 200 && !exited) return
      } catch {}
      await sleep(25)
    }
    child.kill('SIGKILL')
    throw new Error(`rohrpost-relay did not become ready on port ${this.port}${exited ? ' (it exited)' : ''}:\n${this._output}`)
  }

  /** Ends the relay with SIGKILL and waits until it is gone. */
  async kill (signal = 'SIGKILL') {
    const child = this._child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const gone = new Promise((resolve) => child.once('exit', resolve))
    child.kill(signal)
    await gone
    running.delete(this)
  }

  /** Pauses (SIGSTOP) or resumes (SIGCONT) the relay: its sockets stay open but silent. */
  signal (name) {
    this._child.kill(name)
  }

  /** Stops the relay for good. */
  async stop () {
    await this.kill()
  }
}

/** Waits `ms` milliseconds. */
export function sleep (ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
