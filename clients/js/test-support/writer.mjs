import { spawn } from 'node:child_process'

/**
 * One `psql` session that runs each statement it is given as its own transaction, as an
 * application writing rows would, while the test does other things.
 */
export class Writer {
  constructor (databaseURL) {
    this._child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', databaseURL], {
      stdio: ['pipe', 'ignore', 'pipe']
    })
    this._errors = ''
    this._child.stderr.on('data', (chunk) => { this._errors += chunk })
    this._exit = new Promise((resolve) => this._child.once('exit', resolve))
  }

  /** Queues `sql` (one statement, no trailing semicolon) for the session. */
  write (sql) {
    this._child.stdin.write(`${sql};\n`)
  }

  /** Ends the session once every statement ran; fails if one did not. */
  async end () {
    this._child.stdin.end()
    const code = await this._exit
    if (code !== 0) throw new Error(`the writer's psql exited with ${code}: ${this._errors}`)
  }
}
