import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, picked at random just below the
 * kernel's ephemeral range (as the Swift tests' LoopbackPort does): outgoing connections
 * and port-0 binds take ports from that range, so none of them can take this port while
 * a relay under test is down between a kill and its restart.
 *
 * @returns {Promise<number>}
 */
export async function freePort () {
  const start = ephemeralRangeStart()
  if (start !== null && start > 2048) {
    const low = Math.max(1024, start - 12000)
    for (let tries = 0; tries < 100; tries++) {
      const port = low + Math.floor(Math.random() * (start - low))
      if (await canBind(port)) return port
    }
  }
  return bindAndRelease(0)
}

/** The first port of net.ipv4.ip_local_port_range, or null. */
function ephemeralRangeStart () {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0])
    return Number.isInteger(first) ? first : null
  } catch {
    return null
  }
}

async function canBind (port) {
  try {
    await bindAndRelease(port)
    return true
  } catch {
    return false
  }
}

/** Binds 127.0.0.1:`port`, releases it, and returns the port bound. */
function bindAndRelease (port) {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const bound = server.address().port
      server.close(() => resolve(bound))
    })
  })
}
