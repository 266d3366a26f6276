// The context-window filter: a prompt goes only where it fits, counted with the model's tokenizer
// where the gateway has it and with a conservative bound elsewhere, so that scripts and formats
// dense in tokens (Chinese, Japanese, JSON) are not sent where they cannot fit.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Catalog } from '../src/routing/catalog.ts';
import type { Offer } from '../src/routing/catalog.ts';
import { modelConfig, providerAt } from '../src/config/providers.ts';
import { defaultTimeouts } from '../src/config/types.ts';
import { ProviderRegistry } from '../src/providers/registry.ts';
import { exclusionReason } from '../src/routing/filters.ts';
import { needsOf } from '../src/routing/needs.ts';

const window = 1_000;
const config = providerAt('openai-compatible', 'local', 'http://127.0.0.1:9/v1', defaultTimeouts);
config.models = [modelConfig({ id: 'gpt-4o-mini', contextWindow: window }), modelConfig({ id: 'some-open-model', contextWindow: window })];
const registry = new ProviderRegistry([config]);
const catalog = new Catalog(null, registry.providers);
after(() => registry.close());

const offerOf = (id: string): Offer => catalog.find(id)!.offers[0];

function reason(id: string, content: string): string | null {
  const body = { model: id, messages: [{ role: 'user', content }] };
  const needs = needsOf('openai-chat', body, Buffer.byteLength(JSON.stringify(body)));
  return exclusionReason(offerOf(id), { needs, preferences: null, commercialUse: false });
}

// 1,540 characters of Chinese: 1,100 tokens in o200k, but 385 by characters ÷ 4.
const chinese = '网关在把请求发送给提供商之前，需要估计提示词的长度。如果估计过低，请求就会被发往上下文窗口装不下它的模型，提供商随后返回错误，用户只能重试。'.repeat(22);
// 3,937 characters of English: 900 tokens in o200k, 1,085 by the bound.
const english = 'Before a request leaves the gateway, it has to guess how long the prompt is, and a guess too low sends it where it cannot fit. '.repeat(31);

describe('the context-window filter', () => {
  test('a Chinese prompt too long for the window is kept away from it, whatever the tokenizer', () => {
    assert.match(reason('gpt-4o-mini', chinese) ?? '', /does not fit its context window of 1000 tokens/);
    assert.match(reason('some-open-model', chinese) ?? '', /does not fit its context window of 1000 tokens/);
  });

  test('an OpenAI model gets what its own tokenizer says fits; an unknown one only what surely fits', () => {
    assert.equal(reason('gpt-4o-mini', english), null);
    assert.match(reason('some-open-model', english) ?? '', /the prompt \(~\d+ tokens, estimated\) does not fit/);
  });

  test('a short prompt is let through without counting', () => {
    assert.equal(reason('some-open-model', 'hello'), null);
  });
});
