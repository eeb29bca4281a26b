import { createHmac } from 'node:crypto'

/**
 * An HS256 JWT of `claims` signed with `secret`, as an application would issue for the
 * relay's `--jwt-secret`.
 *
 * @param {object} claims e.g. `{sub: 'alice', groups: ['item-*'], exp: ...}`
 * @param {string} secret
 * @returns {string}
 */
export function signToken (claims, secret) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`
  const signature = createHmac('sha256', secret).update(unsigned).digest('base64url')
  return `${unsigned}.${signature}`
}

/** Seconds since 1970, for `exp`. */
export function nowInSeconds () {
  return Math.floor(Date.now() / 1000)
}
