/** One challenge of a `WWW-Authenticate` header: its scheme and its parameters (names lower-cased). */
interface Challenge {
  scheme: string;
  params: Map<string, string>;
}

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * The claims of a Continuous Access Evaluation (or Conditional Access) claims challenge, decoded:
 * the JSON string that `getToken(scopes, { claims })` of `@azure/identity` wants, or `undefined`
 * when the header holds no such challenge.
 *
 * A resource that rejects a revoked token answers 401 with
 * `WWW-Authenticate: Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwgInZhbHVlIjoiMTYwNDEwNjY1MSJ9fX0="`;
 * this returns `{"access_token":{"nbf":{"essential":true, "value":"1604106651"}}}`.
 *
 * Tolerant of several challenges in one header (`Bearer ..., PoP ...`, or headers joined with
 * commas), of any case in scheme and parameter names, of quoted or bare values, of spaces around
 * `=`, and of base64 with or without padding, standard or URL-safe. Only a `Bearer` challenge
 * with `error="insufficient_claims"` and a `claims` parameter that decodes to a JSON object counts.
 */
export function parseClaimsChallenge(header: string | null | undefined): string | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  for (const challenge of parseChallenges(header)) {
    if (challenge.scheme.toLowerCase() !== 'bearer') continue;
    if (challenge.params.get('error') !== 'insufficient_claims') continue;
    const claims = decodeClaims(challenge.params.get('claims'));
    if (claims !== undefined) return claims;
  }
  return undefined;
}

function decodeClaims(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = value.trim().startsWith('{')
    ? value.trim()
    : Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Splits a header into its comma-separated elements, keeping commas inside quoted strings. */
function splitElements(header: string): string[] {
  const elements: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < header.length; index += 1) {
    const character = header[index] as string;
    if (quoted && character === '\\' && index + 1 < header.length) {
      current += character + header[index + 1];
      index += 1;
    } else if (character === '"') {
      quoted = !quoted;
      current += character;
    } else if (character === ',' && !quoted) {
      elements.push(current);
      current = '';
    } else current += character;
  }
  elements.push(current);
  return elements.map((element) => element.trim()).filter((element) => element !== '');
}

function unquote(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return trimmed;
}

function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let current: Challenge | undefined;
  for (const element of splitElements(header)) {
    const equals = element.indexOf('=');
    const head = (equals < 0 ? element : element.slice(0, equals)).trim();
    const space = head.search(/\s/);
    // `Scheme name=value` or a bare `Scheme` starts a challenge; `name=value` continues one.
    if (space > 0 || equals < 0) {
      const scheme = space > 0 ? head.slice(0, space) : head;
      if (!TOKEN.test(scheme)) continue;
      current = { scheme, params: new Map() };
      challenges.push(current);
      if (equals < 0) continue;
    }
    const name = head.slice(Math.max(space, 0)).trim().toLowerCase();
    if (current && TOKEN.test(name)) current.params.set(name, unquote(element.slice(equals + 1)));
  }
  return challenges;
}
