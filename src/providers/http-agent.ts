// undici's Agent and its request API, without the rest of undici's index (fetch, WebSocket, the
// mocks, the caches), which the gateway never uses. The index does what is done here: it puts the
// API's methods on the Dispatcher prototype. These are undici's own files, not its public entry:
// package.json pins undici's exact version, so an update that moves them is a deliberate one, and
// every test that reaches a provider fails at once if they moved.
import Agent from 'undici/lib/dispatcher/agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';

Object.assign(Dispatcher.prototype, api);

export { Agent };
