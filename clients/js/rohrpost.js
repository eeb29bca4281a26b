/**
 * rohrpost.js: a dependency-free rohrpost client for browsers (and node 20+ with a global
 * WebSocket), with the public API of rohrpost-js 0.6, that also resumes.
 *
 * On top of rohrpost-js it remembers the last event id each group saw (or, before its first
 * event, the `position` the relay's subscribe reply named) and, after a reconnect,
 * subscribes again with `since`, so the relay replays what was missed; it skips
 * an event a group has already seen; it emits `recovered` or `not-recovered` after each
 * resuming subscribe; it asks for the token on every request (`token` may be a function,
 * and `setToken()` replaces it); it reconnects with jittered exponential backoff.
 *
 * @module rohrpost
 */

/** Options a client starts with; the constructor's `config` overrides each. */
const DEFAULT_CONFIG = Object.freeze({
  /** Milliseconds between pings; no message at all between two pings closes the socket. */
  pingInterval: 5000,
  /** The JWT sent as `auth_jwt`: a string, or a function called for each request. */
  token: '',
  /** Reconnect delays: full jitter over `initialDelay` doubling up to `maxDelay` (ms). */
  backoff: Object.freeze({ initialDelay: 500, maxDelay: 30000 }),
  /** The WebSocket class; defaults to the global one. */
  WebSocket: undefined
})

/** How long a `call()` waits for its reply unless `opts.timeout` says otherwise (ms). */
const DEFAULT_CALL_TIMEOUT = 2000

/** `WebSocket.OPEN`, spelled out so no WebSocket class is needed to read it. */
const SOCKET_OPEN = 1

/**
 * The delay before reconnect attempt `attempt` (0 for the first): a random time between 0
 * and `initialDelay * 2^attempt`, capped at `maxDelay` ("full jitter"), so clients that
 * lost the same relay do not all come back at once.
 *
 * @param {number} attempt reconnect attempts since the last connection that worked
 * @param {{initialDelay?: number, maxDelay?: number}} [backoff] bounds in milliseconds
 * @param {() => number} [random] a source of numbers in [0, 1)
 * @returns {number} milliseconds to wait
 */
export function backoffDelay (attempt, backoff = {}, random = Math.random) {
  const initialDelay = backoff.initialDelay ?? DEFAULT_CONFIG.backoff.initialDelay
  const maxDelay = backoff.maxDelay ?? DEFAULT_CONFIG.backoff.maxDelay
  const ceiling = Math.min(maxDelay, initialDelay * 2 ** Math.max(0, attempt))
  return random() * ceiling
}

/**
 * The name the relay gives the group `{type, id}`: `type-id`, or `type` with no id.
 * rohrpost-js keys a group's listeners the same way (`${type}-${id}`).
 *
 * @param {{type: string, id?: string|number}} group
 * @returns {string}
 */
export function groupName (group) {
  return group.id === undefined || group.id === null ? `${group.type}` : `${group.type}-${group.id}`
}

/**
 * A minimal event emitter: `on`, `once`, `off`, `emit`, and the names rohrpost-js apps
 * know from node's EventEmitter. An `error` nobody listens to is dropped, not thrown.
 */
class Emitter {
  constructor () {
    this._listeners = new Map()
  }

  /** Calls `listener` with the arguments of each `emit(name, ...)`. */
  on (name, listener) {
    if (!this._listeners.has(name)) this._listeners.set(name, [])
    this._listeners.get(name).push(listener)
    return this
  }

  /** Calls `listener` for the next `emit(name, ...)` only. */
  once (name, listener) {
    const wrapper = (...args) => {
      this.off(name, wrapper)
      listener.apply(this, args)
    }
    wrapper.listener = listener
    return this.on(name, wrapper)
  }

  /** Removes `listener` (or, without one, every listener) of `name`. */
  off (name, listener) {
    const listeners = this._listeners.get(name)
    if (!listeners) return this
    const index = listener === undefined
      ? -1
      : listeners.findIndex((entry) => entry === listener || entry.listener === listener)
    if (listener === undefined) listeners.length = 0
    else if (index >= 0) listeners.splice(index, 1)
    if (listeners.length === 0) this._listeners.delete(name)
    return this
  }

  /** Calls the listeners of `name` in order; returns whether there were any. */
  emit (name, ...args) {
    const listeners = this._listeners.get(name)
    if (!listeners) return false
    for (const listener of [...listeners]) listener.apply(this, args)
    return true
  }

  addListener (name, listener) { return this.on(name, listener) }
  removeListener (name, listener) { return this.off(name, listener) }
  removeAllListeners (name) {
    if (name === undefined) this._listeners.clear()
    else this._listeners.delete(name)
    return this
  }

  listenerCount (name) { return this._listeners.get(name)?.length ?? 0 }
}

/**
 * A rohrpost client on one WebSocket that reconnects until `close()`.
 *
 * Events: `open`, `closed` ({code, reason}), `reconnecting` ({attempt, delay}), `error`
 * (a text), `ping`, `pong`, `message` (each message received), `log`, `recovered` and
 * `not-recovered` (group name, group object), and one per group name with
 * `(err, data, id)`: `err` is null for an event (`data` is the message's `data`, `id` its
 * position), or the relay's refusal when a subscribe after a reconnect was refused.
 */
export class RohrpostClient extends Emitter {
  /**
   * Connects to `url` at once.
   *
   * @param {string} url e.g. `wss://example.com/ws/rohrpost/`
   * @param {{token?: string|(() => string), pingInterval?: number,
   *          backoff?: {initialDelay?: number, maxDelay?: number}, WebSocket?: Function}} [config]
   */
  constructor (url, config = {}) {
    super()
    this._config = Object.assign({}, DEFAULT_CONFIG, config)
    this._config.backoff = Object.assign({}, DEFAULT_CONFIG.backoff, config.backoff)
    this._url = url
    /** Groups by name: {group, since, lastId, confirmed, live, inFlight, waiters}. */
    this._subscriptions = new Map()
    /** Requests waiting for their reply, by id. */
    this._openRequests = new Map()
    /** Calls made while the socket was not open, sent once it is. */
    this._queuedCalls = []
    this._nextRequestId = 1
    this._attempt = 0
    this._normalClose = false
    this._reconnectTimer = null
    this._pingTimer = null
    this._createSocket()
  }

  /** Replaces the token; the next request sends it. A function is called per request. */
  setToken (token) {
    this._config.token = token
  }

  /** Closes the socket for good: no reconnect; requests waiting for a reply are rejected. */
  close () {
    this._normalClose = true
    clearTimeout(this._reconnectTimer)
    clearTimeout(this._pingTimer)
    if (this._socket) this._socket.close()
    this._rejectWaiting('Socket was closed')
  }

  /**
   * Subscribes to `group` (e.g. `{type: 'collection', id: 5}`), now or once connected, and
   * again after every reconnect (resuming from the last event seen). With `since` (e.g.
   * the position a page's data was read at), the first subscribe already resumes from it.
   *
   * @returns {Promise<{group: string, recovered?: boolean, position?: number}>} the relay's
   *   reply data (it may come late: the relay holds a subscribe while its database cannot be
   *   reached, and this client waits for it); listen
   *   with `on(reply.group, (err, data) => ...)`
   */
  subscribe (group) {
    if (this._normalClose) return Promise.reject(new Error('the client is closed'))
    const name = groupName(group)
    let subscription = this._subscriptions.get(name)
    if (!subscription) {
      subscription = {
        group: Object.assign({}, group), since: null, lastId: null,
        confirmed: false, live: false, inFlight: false, waiters: []
      }
      delete subscription.group.since
      if (typeof group.since === 'number') {
        subscription.since = group.since
        subscription.lastId = group.since
      }
      this._subscriptions.set(name, subscription)
    }
    return new Promise((resolve, reject) => {
      subscription.waiters.push({ resolve, reject })
      // A subscribe already on its way answers this one too (a second could race a resume).
      if (this.socketState === 'open' && !subscription.inFlight) this._sendSubscribe(name, subscription)
    })
  }

  /**
   * Unsubscribes from `group`; while disconnected it only forgets the group.
   *
   * @returns {Promise<object|undefined>} the relay's reply data
   */
  unsubscribe (group) {
    const name = groupName(group)
    const subscription = this._subscriptions.get(name)
    this._subscriptions.delete(name)
    if (subscription) this._settle(subscription.waiters, 'reject', 'Unsubscribed')
    if (this.socketState !== 'open') return Promise.resolve()
    return this._request('unsubscribe', { type: 'unsubscribe', auth_jwt: this._token(), data: group })
  }

  /**
   * Sends a request of type `name` and resolves with its reply's `data`; rejects with the
   * reply's `error`, or with an Error after `opts.timeout` ms (2000 by default).
   */
  call (name, data, opts = {}) {
    if (this._normalClose) return Promise.reject(new Error('the client is closed'))
    const timeout = opts.timeout ?? DEFAULT_CALL_TIMEOUT
    return new Promise((resolve, reject) => {
      const entry = { kind: 'call', resolve, reject, timer: null, id: null }
      entry.timer = setTimeout(() => {
        if (entry.id !== null) this._openRequests.delete(entry.id)
        this._queuedCalls = this._queuedCalls.filter((queued) => queued.entry !== entry)
        reject(new Error('call timed out'))
      }, timeout)
      const send = () => {
        entry.id = this._nextRequestId++
        this._openRequests.set(entry.id, entry)
        this._send({ type: name, id: entry.id, auth_jwt: this._token(), data })
      }
      if (this.socketState === 'open') send()
      else this._queuedCalls.push({ entry, send })
    })
  }

  // ===========================================================================
  // Connection
  // ===========================================================================

  _createSocket () {
    const WebSocketClass = this._config.WebSocket || globalThis.WebSocket
    const socket = new WebSocketClass(this._url)
    this._socket = socket
    this.socketState = 'connecting'
    this._lastMessageAt = 0
    socket.onopen = () => this._onOpen(socket)
    socket.onmessage = (event) => this._onMessage(socket, event)
    socket.onclose = (event) => this._onClose(socket, event)
    // Browsers follow an error with a close event; node 20's WebSocket, when it cannot
    // connect, does not, so an error counts as the close.
    socket.onerror = () => this._onClose(socket, { code: 1006, reason: 'error' })
  }

  _onOpen (socket) {
    if (socket !== this._socket) return
    this.socketState = 'open'
    // Subscribes go out before `open` listeners run, so a listener that subscribes again
    // joins the resuming subscribe instead of racing it.
    for (const [name, subscription] of this._subscriptions) {
      if (!subscription.inFlight) this._sendSubscribe(name, subscription)
    }
    const queued = this._queuedCalls
    this._queuedCalls = []
    for (const { send } of queued) send()
    this._ping(socket)
    this.emit('open')
  }

  _onClose (socket, event) {
    if (socket !== this._socket || this.socketState === 'closed') return
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null
    this.socketState = 'closed'
    clearTimeout(this._pingTimer)
    this._dropOpenRequests()
    this.emit('closed', { code: event?.code, reason: event?.reason })
    if (this._normalClose) return
    const attempt = this._attempt++
    const delay = backoffDelay(attempt, this._config.backoff)
    this._reconnectTimer = setTimeout(() => {
      if (this._normalClose) return
      this.emit('reconnecting', { attempt: attempt + 1, delay })
      this._createSocket()
    }, delay)
  }

  /** Gives up on a socket that went silent: closes it and reconnects without waiting for
   * a closing handshake that a dead connection would never finish. */
  _abandon (socket) {
    this._onClose(socket, { code: 4000, reason: 'ping timeout' })
    socket.close()
  }

  /** Pings every `pingInterval`; a socket that sent nothing since the last ping is dead. */
  _ping (socket) {
    const pingSentAt = Date.now()
    this._send({ type: 'ping', id: this._pingRequest() })
    this.emit('ping')
    this._pingTimer = setTimeout(() => {
      if (socket !== this._socket || socket.readyState !== SOCKET_OPEN) return
      if (this._lastMessageAt < pingSentAt) this._abandon(socket)
      else this._ping(socket)
    }, this._config.pingInterval)
  }

  _pingRequest () {
    const id = this._nextRequestId++
    this._openRequests.set(id, { kind: 'ping' })
    return id
  }

  /** Requests in flight die with their socket; subscribes are sent again on reconnect. */
  _dropOpenRequests () {
    const requests = [...this._openRequests.values()]
    this._openRequests.clear()
    for (const subscription of this._subscriptions.values()) {
      subscription.live = false
      subscription.inFlight = false
    }
    for (const request of requests) {
      // A subscribe's promises stay with its group, for the subscribe the next socket sends.
      if (request.kind === 'unsubscribe') {
        request.resolve()
      } else if (request.kind === 'call') {
        clearTimeout(request.timer)
        request.reject('Socket was closed')
      }
    }
  }

  /** Rejects everything still waiting, for `close()`. */
  _rejectWaiting (reason) {
    this._dropOpenRequests()
    for (const { entry } of this._queuedCalls) {
      clearTimeout(entry.timer)
      entry.reject(reason)
    }
    this._queuedCalls = []
    for (const subscription of this._subscriptions.values()) this._settle(subscription.waiters, 'reject', reason)
  }

  // ===========================================================================
  // Requests
  // ===========================================================================

  _token () {
    const token = this._config.token
    return typeof token === 'function' ? token() : token
  }

  _send (message) {
    const text = JSON.stringify(message)
    this._socket.send(text)
    this.emit('log', { direction: 'send', data: text })
  }

  /** Sends a request that a reply settles; returns the promise of the reply's data. */
  _request (kind, message) {
    return new Promise((resolve, reject) => {
      const id = this._nextRequestId++
      this._openRequests.set(id, { kind, resolve, reject })
      this._send(Object.assign({ id }, message))
    })
  }

  /** Subscribes `subscription`, with `since` when resuming: a group confirmed before, or
   * one subscribed with `since`. */
  _sendSubscribe (name, subscription) {
    const resuming = subscription.confirmed || subscription.since !== null
    const data = Object.assign({}, subscription.group)
    if (resuming && subscription.since !== null) data.since = subscription.since
    const id = this._nextRequestId++
    subscription.inFlight = true
    this._openRequests.set(id, { kind: 'subscribe', name, resuming })
    this._send({ type: 'subscribe', id, auth_jwt: this._token(), data })
  }

  // ===========================================================================
  // Messages
  // ===========================================================================

  _onMessage (socket, event) {
    if (socket !== this._socket) return
    this._lastMessageAt = Date.now()
    this._attempt = 0 // the relay talks: the next outage starts the backoff afresh
    let message
    try {
      message = JSON.parse(event.data)
    } catch (error) {
      this.emit('error', `cannot decode a message from the relay: ${error.message}`)
      return
    }
    this.emit('message', message)
    this.emit('log', { direction: 'receive', data: event.data })
    if (message === null || typeof message !== 'object') return
    // Events carry stream positions as ids, which may equal a request's id: type first.
    const request = message.type === 'subscription-update' || message.id === undefined
      ? undefined
      : this._openRequests.get(message.id)
    if (message.type === 'subscription-update' && message.data && message.error === undefined) {
      this._handleEvent(message)
    } else if (request) {
      this._openRequests.delete(message.id)
      this._handleReply(request, message)
    } else if (message.error !== undefined) {
      this.emit('error', message.error)
    } else {
      this.emit('error', `no saved request with id: ${message.id}`)
    }
  }

  _handleReply (request, message) {
    switch (request.kind) {
      case 'ping':
        this.emit('pong', message.data)
        return
      case 'subscribe':
        this._handleSubscribeReply(request, message)
        return
      case 'call':
        clearTimeout(request.timer)
      // falls through
      default:
        if (message.error !== undefined) request.reject(message.error)
        else request.resolve(message.data)
    }
  }

  _handleSubscribeReply (request, message) {
    const subscription = this._subscriptions.get(request.name)
    if (!subscription) return // unsubscribed meanwhile
    subscription.inFlight = false
    if (message.error !== undefined) {
      if (!subscription.live) this._subscriptions.delete(request.name)
      this._settle(subscription.waiters, 'reject', message.error)
      // A group the relay no longer lets this client resume hears why.
      if (subscription.confirmed && !subscription.live) this.emit(request.name, message.error)
      return
    }
    subscription.confirmed = true
    subscription.live = true
    const recovered = request.resuming && message.data?.recovered === true
    if (request.resuming && !recovered) {
      // Anything may have been missed (or the journal is another one): start afresh.
      subscription.lastId = null
      subscription.since = null
    }
    // The relay says after which position this subscription delivers every event: a
    // group resumes from there, or from a later event it saw. A relay that does not say
    // leaves a group that has seen no event without a position: after a reconnect it is
    // subscribed from now and reported not-recovered, never silently short of an event.
    const position = message.data?.position
    if (typeof position === 'number' && (subscription.since === null || position > subscription.since)) {
      subscription.since = position
    }
    this._settle(subscription.waiters, 'resolve', message.data)
    if (request.resuming) {
      this.emit(recovered ? 'recovered' : 'not-recovered', request.name, Object.assign({}, subscription.group))
    }
  }

  _handleEvent (message) {
    const name = message.data.group
    const id = message.id
    const subscription = this._subscriptions.get(name)
    if (typeof id === 'number' && subscription) {
      if (subscription.lastId !== null && id <= subscription.lastId) return // seen already
      subscription.lastId = id
      if (subscription.since === null || id > subscription.since) subscription.since = id
    }
    this.emit(name, null, message.data, id)
  }

  _settle (waiters, how, value) {
    for (const waiter of waiters.splice(0)) waiter[how](value)
  }
}

export default RohrpostClient
