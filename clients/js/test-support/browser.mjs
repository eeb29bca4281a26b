import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const modulePath = join(dirname(fileURLToPath(import.meta.url)), '..', 'rohrpost.js')

/**
 * The page Chromium runs: it imports rohrpost.js as an app would, subscribes to
 * `all-items`, and POSTs each thing the client tells it to /report, numbered (fetches
 * may overtake each other).
 */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>rohrpost.js in a browser</title>
<script type="module">
import RohrpostClient from '/rohrpost.js'
let sequence = 0
const report = (kind, detail) => fetch('/report', {
  method: 'POST', body: JSON.stringify({ sequence: sequence++, kind, detail })
})
const relay = new URLSearchParams(location.search).get('relay')
const client = new RohrpostClient(relay, { backoff: { initialDelay: 50, maxDelay: 400 } })
for (const name of ['open', 'closed', 'recovered', 'not-recovered']) {
  client.on(name, (...args) => report(name, args))
}
client.on('all-items', (err, data, id) => report('event', { err, data, id }))
client.subscribe({ type: 'all-items' }).then(
  (reply) => report('subscribed', reply),
  (error) => report('refused', String(error)))
</script>
`

/** Where Debian's (or the given) Chromium is. */
function chromiumExecutable () {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/local/bin/chromium', '/snap/bin/chromium']
  const found = candidates.find((path) => path && existsSync(path))
  if (!found) throw new Error('chromium is not installed and rohrpost.js is tested in it: apt-get install -y chromium (or set CHROMIUM)')
  return found
}

/**
 * Headless Chromium running the page above against a relay, in real time, with a small
 * HTTP server of ours serving the page and rohrpost.js and collecting its reports.
 */
export class BrowserPage {
  constructor () {
    /** What the page reported so far, in the order it happened: `{kind, detail}`. */
    this._reports = []
  }

  /** The reports in the order the page made them. */
  get reports () {
    return [...this._reports].sort((a, b) => a.sequence - b.sequence)
  }

  /** Serves the page and opens it in Chromium, connected to `relayURL`. */
  static async open (relayURL) {
    const page = new BrowserPage()
    await page._serve()
    page._launch(`http://127.0.0.1:${page._server.address().port}/?relay=${encodeURIComponent(relayURL)}`)
    return page
  }

  _serve () {
    this._server = createServer((request, response) => {
      if (request.method === 'POST' && request.url === '/report') {
        let body = ''
        request.on('data', (chunk) => { body += chunk })
        request.on('end', () => {
          this._reports.push(JSON.parse(body))
          response.end()
        })
      } else if (request.url === '/rohrpost.js') {
        response.setHeader('content-type', 'text/javascript')
        response.end(readFileSync(modulePath))
      } else {
        response.setHeader('content-type', 'text/html')
        response.end(PAGE)
      }
    })
    return new Promise((resolve) => this._server.listen(0, '127.0.0.1', resolve))
  }

  _launch (url) {
    this._profile = mkdtempSync(join(tmpdir(), 'rohrpost-js-chromium.'))
    // Root needs --no-sandbox; the debugging port keeps headless Chromium running the page
    // in real time instead of loading it and exiting.
    this._chromium = spawn(chromiumExecutable(), [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${this._profile}`,
      '--remote-debugging-port=0', url
    ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true })
    this._log = ''
    this._chromium.stderr.on('data', (chunk) => { this._log = (this._log + chunk).slice(-4000) })
    this._exited = new Promise((resolve) => this._chromium.once('exit', resolve))
  }

  /** Chromium's last words, for a failing test. */
  get log () {
    return this._log
  }

  /** Ends Chromium and the server. */
  async close () {
    // SIGTERM lets Chromium end and reap its helpers; its whole group is killed only if
    // it does not, since an orphaned helper would become nobody's zombie.
    this._chromium.kill('SIGTERM')
    let timer
    const ended = await Promise.race([
      this._exited.then(() => true),
      new Promise((resolve) => { timer = setTimeout(resolve, 3000, false) })
    ])
    clearTimeout(timer)
    if (!ended) {
      try {
        process.kill(-this._chromium.pid, 'SIGKILL')
      } catch {}
      await this._exited
    }
    await new Promise((resolve) => this._server.close(resolve))
    // A helper of Chromium's may still write into the profile for a moment after the main
    // process exits (rmdir then fails with ENOTEMPTY): retry rather than fail the test.
    // Past the retries (seen in CI), the profile is left in /tmp rather than fail a test whose
    // assertions all passed.
    try {
      rmSync(this._profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
    } catch (error) {
      if (error.code !== 'ENOTEMPTY') throw error
    }
  }
}
