// Whole requests for the fuzz test, one group per endpoint (or family of endpoints): method, path
// with a query, headers, credentials and body. `{key}` and `{comparison}` in a path stand for ids
// the test makes before fuzzing; the credential is named here and filled in when sent.
import fc from 'fast-check';
import { bodies, modelName, providerIds } from './fuzz-bodies.ts';
import { oddText } from './fuzz-values.ts';

/** Who the request says it is: the admin key, the virtual key with a budget, rate limits and an
 * allow-list (`limited`), a revoked key, a made-up key shaped like ours, or nothing. */
export type Credential = 'admin' | 'limited' | 'revoked' | 'garbage' | 'none';

/** How the credential is sent; only `bearer`, `lower` and `api-key` (and `basic+api-key`) carry it. */
export type CredentialStyle = 'bearer' | 'lower' | 'api-key' | 'basic+api-key' | 'basic' | 'bare-bearer';

export const carriesKey: ReadonlySet<CredentialStyle> = new Set(['bearer', 'lower', 'api-key', 'basic+api-key']);

/** A broken HTTP request, sent over a raw socket (see fuzz-client.ts). */
export type Corruption = 'space-in-header-name' | 'control-in-header-value' | 'bad-content-length' | 'two-content-lengths' | 'length-and-chunked' | 'bad-chunk-size' | 'bad-version' | 'huge-header' | 'utf8-header-name' | 'folded-header';

export const corruptions: readonly Corruption[] = ['space-in-header-name', 'control-in-header-value', 'bad-content-length', 'two-content-lengths', 'length-and-chunked', 'bad-chunk-size', 'bad-version', 'huge-header', 'utf8-header-name', 'folded-header'];

export interface FuzzRequest {
  group: string;
  method: string;
  /** Path and query, percent-encoded where the generator meant it to be. */
  path: string;
  credential: Credential;
  style: CredentialStyle;
  headers: [string, string][];
  /** A JSON value (markers and all), raw text, or no body. */
  body: { json: unknown } | { text: string } | null;
  corruption: Corruption | null;
}

export type Mode = 'open' | 'keyed';

const headerText = fc.oneof(
  { arbitrary: oddText, weight: 2 },
  { arbitrary: fc.constantFrom('', ' ', 'true', 'false', '1', '-1', '1e308', 'NaN', '9000000000000000', 'x'.repeat(5_000), '2023-06-01', 'a,b', '*'), weight: 3 },
);

const namedHeader: fc.Arbitrary<[string, string]> = fc.tuple(
  fc.constantFrom(
    'x-modelmux-strict',
    'x-modelmux-commercial-use',
    ...providerIds.map((id) => `x-modelmux-key-${id}`),
    'x-modelmux-key-',
    'x-modelmux-internal',
    'x-modelmux-fusion-id',
    'x-modelmux-whatever',
    'x-request-id',
    'x-session-id',
    'anthropic-version',
    'anthropic-beta',
    'openai-beta',
    'accept',
    'accept-encoding',
    'user-agent',
    'x-forwarded-for',
    'cookie',
  ),
  headerText,
);

const extraHeader: fc.Arbitrary<[string, string]> = fc.oneof(
  { arbitrary: namedHeader, weight: 24 },
  { arbitrary: fc.tuple(fc.constant('expect'), fc.constantFrom('100-continue', 'garbage', '')), weight: 1 },
  { arbitrary: fc.tuple(fc.constant('content-type'), fc.constantFrom('text/plain', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', '')), weight: 2 },
);

/** Faults the simulator plays on request (its `x-sim-*` headers reach it through the gateway). */
const faultHeaders: fc.Arbitrary<[string, string][]> = fc
  .tuple(fc.constantFrom('500', '503', '429', 'reset', 'cut', 'malformed', 'bogus'), fc.constantFrom('0', '1', '3'))
  .map(([fault, after]) => [['x-sim-fault', fault], ['x-sim-fault-after', after], ['x-sim-retry-after', '0']]);

const headers: fc.Arbitrary<[string, string][]> = fc
  .tuple(fc.array(extraHeader, { maxLength: 3 }), fc.oneof({ arbitrary: fc.constant(null), weight: 7 }, { arbitrary: faultHeaders, weight: 1 }))
  .map(([extra, faults]) => [...extra, ...(faults ?? [])]);

function credentials(mode: Mode): fc.Arbitrary<{ credential: Credential; style: CredentialStyle }> {
  const credential =
    mode === 'open'
      ? fc.constantFrom<Credential>('none', 'none', 'none', 'garbage')
      : fc.oneof(
          { arbitrary: fc.constantFrom<Credential>('admin', 'limited'), weight: 8 },
          { arbitrary: fc.constantFrom<Credential>('revoked', 'garbage', 'none'), weight: 2 },
        );
  const style = fc.oneof({ arbitrary: fc.constant<CredentialStyle>('bearer'), weight: 6 }, { arbitrary: fc.constantFrom<CredentialStyle>('lower', 'api-key', 'basic+api-key', 'basic', 'bare-bearer'), weight: 2 });
  return fc.record({ credential, style });
}

// Query strings: valid values, dates out of JavaScript's range, garbage, repeated names, and
// percent-encoding that does not decode.
const dateValue = fc.constantFrom('2026-01-01', '2026-01-01T00:00:00Z', '1700000000000', '0', '99999999999999999999', '8640000000000001', '+275760-09-13T00:00:00.001Z', '275760-09-14', '-271821-04-19', '1e308', '');
const brokenPercent = fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%ED%A0%BD', '%00', '%FF');

function queryValue(own: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: own.map(percentEncode), weight: 5 },
    { arbitrary: oddText.map(percentEncode), weight: 2 },
    { arbitrary: brokenPercent, weight: 1 },
  );
}

/** `name=value` pairs, names from the endpoint's own and a few strays, repeats allowed. */
function query(parameters: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const names = Object.keys(parameters);
  const pair = fc.oneof(
    { arbitrary: fc.constantFrom(...names).chain((name) => queryValue(parameters[name]).map((value) => `${name}=${value}`)), weight: 6 },
    { arbitrary: fc.tuple(oddText, oddText).map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`), weight: 1 },
    { arbitrary: fc.constantFrom('&', '=', 'a', '%', 'from', 'to=='), weight: 1 },
  );
  return fc.array(pair, { maxLength: 4 }).map((pairs) => (pairs.length === 0 ? '' : `?${pairs.join('&')}`));
}

/** Percent-encodes every byte of the UTF-8 form outside the unreserved set (a lone surrogate
 * becomes U+FFFD's bytes, as any client would send it). */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) out += /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

const oddSegment = fc.oneof(oddText.map(percentEncode), brokenPercent, fc.constantFrom('cmp_missing', 'key_missing', 'x'.repeat(80)));

/** One endpoint's requests: method and path (with query), and body when it takes one. */
interface Shape {
  method: string;
  path: string;
  body: FuzzRequest['body'];
}

function request(group: string, mode: Mode, shape: fc.Arbitrary<Shape>): fc.Arbitrary<FuzzRequest> {
  return fc.tuple(shape, credentials(mode), headers).map(([{ method, path, body }, { credential, style }, extra]) => ({ group, method, path, credential, style, headers: extra, body, corruption: null }));
}

const json = (arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<FuzzRequest['body']> =>
  fc.oneof({ arbitrary: arbitrary.map((value) => ({ json: value })), weight: 12 }, { arbitrary: rawBody, weight: 1 });

/** Bodies that are not JSON objects at all. */
const rawBody: fc.Arbitrary<FuzzRequest['body']> = fc.oneof(
  fc.constantFrom('', '{', '{"model":', 'null', '[]', '"text"', '\ufeff{"model":"test-model","messages":[]}', '{"model":"test-model"}{}', '{"a":1,"a":2}').map((text) => ({ text })),
  fc.constant(null),
);

const post = (path: string, body: fc.Arbitrary<unknown>): fc.Arbitrary<Shape> => json(body).map((payload) => ({ method: 'POST', path, body: payload }));
const get = (path: string, parameters: Record<string, fc.Arbitrary<string>> = {}): fc.Arbitrary<Shape> =>
  (Object.keys(parameters).length === 0 ? fc.constant('') : query(parameters)).map((search) => ({ method: 'GET', path: path + search, body: null }));

const usageQuery = { from: dateValue, to: dateValue, group_by: fc.constantFrom('model', 'key,team', 'day,provider', 'model,model', 'nope', ''), format: fc.constantFrom('csv', 'json', 'jsonl'), key: fc.constantFrom('{key}', 'key_missing'), team: fc.constantFrom('blue', '') };
const routeQuery = {
  model: modelName,
  order: fc.constantFrom('sim,claude', 'nope', ''),
  only: fc.constantFrom('sim', 'google,aws'),
  sort: fc.constantFrom('price', 'latency', 'nope'),
  max_price_prompt: fc.constantFrom('1', '-1', 'abc', '1e308', 'Infinity'),
  prompt_tokens: fc.constantFrom('10', '-1', '1e308', '9000000000000000', '1.5'),
  max_tokens: fc.constantFrom('10', '1e308'),
  tools: fc.constantFrom('true', '1', 'no'),
  models: fc.constantFrom('test-model,echo-model', ','),
  session: fc.constantFrom('s1', ''),
  allow_fallbacks: fc.constantFrom('false', 'true'),
  data_collection: fc.constantFrom('deny', 'maybe'),
};

export const knownPaths = [
  '/v1/chat/completions',
  '/v1/responses',
  '/v1/messages',
  '/v1/messages/count_tokens',
  '/v1/embeddings',
  '/v1/compare',
  '/v1/models',
  '/v1/route',
  '/v1/presets',
  '/v1/usage',
  '/health',
  '/admin/keys',
  '/admin/teams',
  '/admin/usage',
  '/admin/ledger',
];

/** Every group, by the name MODELMUX_FUZZ_ONLY takes, with its share of the runs. */
export const groups: Record<string, { weight: number; arbitrary: (mode: Mode) => fc.Arbitrary<FuzzRequest> }> = {
  chat: { weight: 3, arbitrary: (mode) => request('chat', mode, post('/v1/chat/completions', bodies.chat)) },
  responses: { weight: 2, arbitrary: (mode) => request('responses', mode, post('/v1/responses', bodies.responses)) },
  messages: { weight: 3, arbitrary: (mode) => request('messages', mode, post('/v1/messages', bodies.messages)) },
  count_tokens: { weight: 2, arbitrary: (mode) => request('count_tokens', mode, post('/v1/messages/count_tokens', bodies.countTokens)) },
  embeddings: { weight: 1, arbitrary: (mode) => request('embeddings', mode, post('/v1/embeddings', bodies.embeddings)) },
  compare: { weight: 1, arbitrary: (mode) => request('compare', mode, post('/v1/compare', bodies.compare)) },
  compare_store: {
    weight: 1,
    arbitrary: (mode) =>
      request(
        'compare_store',
        mode,
        fc.oneof(
          get('/v1/compare', { limit: fc.constantFrom('1', '100', '0', '101', '1e308', '-1', '1.5'), after: fc.constantFrom('{comparison}', 'cmp_missing'), team: fc.constantFrom('blue', '') }),
          get('/v1/compare/win-rates', { from: dateValue, to: dateValue, team: fc.constantFrom('blue', '') }),
          fc.oneof(fc.constant('{comparison}'), oddSegment).chain((id) => fc.oneof(get(`/v1/compare/${id}`), get(`/v1/compare/${id}/votes`), post(`/v1/compare/${id}/votes`, bodies.vote))),
        ),
      ),
  },
  models: {
    weight: 1,
    arbitrary: (mode) => request('models', mode, fc.oneof(get('/v1/models', { all: fc.constantFrom('true', 'false', '1') }), fc.oneof(modelName.map(percentEncode), oddSegment).chain((id) => get(`/v1/models/${id}`)))),
  },
  route: { weight: 1, arbitrary: (mode) => request('route', mode, get('/v1/route', routeQuery)) },
  presets: { weight: 0.3, arbitrary: (mode) => request('presets', mode, get('/v1/presets', { name: fc.constant('coding') })) },
  usage: { weight: 1, arbitrary: (mode) => request('usage', mode, get('/v1/usage', usageQuery)) },
  probes: { weight: 0.5, arbitrary: (mode) => request('probes', mode, fc.oneof(get('/health'), get('/ready'), get('/metrics', { name: fc.constant('x') }))) },
  admin_keys: {
    weight: 1.5,
    arbitrary: (mode) =>
      request(
        'admin_keys',
        mode,
        fc.oneof(
          post('/admin/keys', bodies.keyFields),
          get('/admin/keys', { team: fc.constantFrom('blue', '😀', ''), include_revoked: fc.constantFrom('true', 'false', 'yes') }),
          fc.oneof({ arbitrary: fc.constant('{key}'), weight: 3 }, { arbitrary: oddSegment, weight: 1 }).chain((id) =>
            fc.oneof(get(`/admin/keys/${id}`), json(bodies.keyFields).map((body) => ({ method: 'PATCH', path: `/admin/keys/${id}`, body })), fc.constant({ method: 'DELETE', path: `/admin/keys/${id}`, body: null })),
          ),
        ),
      ),
  },
  admin_reports: {
    weight: 1,
    arbitrary: (mode) => request('admin_reports', mode, fc.oneof(get('/admin/teams'), get('/admin/usage', usageQuery), get('/admin/ledger', usageQuery))),
  },
  methods: {
    weight: 1,
    arbitrary: (mode) =>
      request(
        'methods',
        mode,
        fc.record({
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'FOO'),
          path: fc.constantFrom(...knownPaths, '/chat/completions', '/responses', '/embeddings', '/models', '/v1/compare/win-rates', '/v1/messages/', '/v1/messages/x', '//v1/models', '/V1/CHAT/COMPLETIONS', '/v1/chat/completions/', '/admin/keys/x/y', '/v1/compare/x/votes/', '/', '*', '/%'),
          body: json(bodies.chat),
        }),
      ),
  },
  http: {
    weight: 1,
    arbitrary: (mode) =>
      fc
        .tuple(request('http', mode, fc.constantFrom(...knownPaths).chain((path) => post(path, bodies.chat))), fc.constantFrom(...corruptions))
        .map(([fuzzed, corruption]) => ({ ...fuzzed, corruption })),
  },
};
