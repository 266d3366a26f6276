// Reads the request examples out of the Markdown docs, for docs-examples.test.ts: fenced curl
// commands (method, path, headers, body), `METHOD /path` blocks followed by a JSON body, JSON request
// bodies (`model` and `messages`), and JS/TS snippets that call the `openai` or `@anthropic-ai/sdk`
// client (each `.create({...})` call's argument, evaluated). A block preceded by
// `<!-- needs: real provider -->` is listed but not run; `<!-- expect: 404 -->` names the status.
// Inline `claude --model X` examples (Claude Code pointed at the gateway) are found too.

export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  language: string;
  text: string;
  /** From `<!-- needs: ... -->` just before the block. */
  needs: string | null;
  /** From `<!-- expect: NNN -->` just before the block. */
  expectedStatus: number | null;
}

export interface HttpExample {
  kind: 'http';
  method: string;
  /** Path and query, without the gateway's origin. */
  path: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface SdkExample {
  kind: 'sdk';
  client: 'openai' | 'anthropic';
  /** e.g. ['chat', 'completions', 'create'] */
  method: string[];
  argument: Record<string, unknown>;
  /** The `baseURL` the snippet points its client at, when it makes one. */
  baseUrl: string | null;
}

export type Example = HttpExample | SdkExample;

/** The gateway's default address, which the docs use and the test maps to its own gateway. */
export const documentedOrigins = ['http://127.0.0.1:4000', 'http://localhost:4000', '127.0.0.1:4000', 'localhost:4000'];

/** Every fenced block of a Markdown text. */
export function fencedBlocks(file: string, markdown: string): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^```(\S*)\s*$/.exec(lines[index]);
    if (!open) continue;
    const end = lines.findIndex((line, at) => at > index && /^```\s*$/.test(line));
    if (end === -1) throw new Error(`${file}:${index + 1}: a fenced block that never closes`);
    let before = index - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const comment = before >= 0 ? lines[before] : '';
    blocks.push({
      file,
      line: index + 1,
      language: open[1].toLowerCase(),
      text: lines.slice(index + 1, end).join('\n'),
      needs: /<!--\s*needs:\s*(.*?)\s*-->/.exec(comment)?.[1] ?? null,
      expectedStatus: Number(/<!--\s*expect:\s*(\d{3})\s*-->/.exec(comment)?.[1] ?? NaN) || null,
    });
    index = end;
  }
  return blocks;
}

/** An inline `claude --model X`: Claude Code pointed at the gateway, asking for model X. */
export interface ClaudeCodeExample {
  file: string;
  line: number;
  model: string;
}

export function claudeCodeExamples(file: string, markdown: string): ClaudeCodeExample[] {
  return markdown.split('\n').flatMap((text, index) => [...text.matchAll(/`claude --model (\S+?)`/g)].map((match) => ({ file, line: index + 1, model: match[1] })));
}

/** The requests a block shows; [] for a block that shows none (config, output, commands). Throws
 * when a block looks like a request example but cannot be read, so no example escapes the test. */
export function examplesIn(block: DocBlock): Example[] {
  const { text, language } = block;
  if (/^\s*curl\s/m.test(text)) return curlCommands(text).map(curlExample);
  const start = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*)\s*$/m.exec(text.split('\n')[0]);
  if (start) {
    const body = text.split('\n').slice(1).join('\n').trim();
    if (body !== '') JSON.parse(body);
    return [{ kind: 'http', method: start[1], path: start[2], headers: { 'content-type': 'application/json' }, body: body === '' ? null : body }];
  }
  if (language === 'json') return jsonBodyExample(text);
  if (['ts', 'js', 'typescript', 'javascript', 'mjs'].includes(language)) return sdkExamples(text);
  return [];
}

function jsonBodyExample(text: string): Example[] {
  const value = JSON.parse(text) as Record<string, unknown>;
  if (value === null || typeof value !== 'object' || typeof value.model !== 'string' || !Array.isArray(value.messages)) return [];
  return [{ kind: 'http', method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: text }];
}

/** Each `curl ...` command of a block, as shell words (continuation lines joined, quotes removed);
 * other commands (starting the gateway, say) are not requests. */
export function curlCommands(text: string): string[][] {
  return shellCommands(text.replace(/\\\n/g, ' ')).filter((command) => command[0] === 'curl');
}

/** Shell words, one list per line: single quotes verbatim, double quotes with \\ escapes, # comments. */
function shellCommands(text: string): string[][] {
  const commands: string[][] = [[]];
  let word: string | null = null;
  const flush = (): void => {
    if (word !== null) commands[commands.length - 1].push(word);
    word = null;
  };
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (character === '\n') {
      flush();
      commands.push([]);
    } else if (character === ' ' || character === '\t') flush();
    else if (character === '#' && word === null) {
      while (index + 1 < text.length && text[index + 1] !== '\n') index++;
    } else if (character === "'") {
      const end = text.indexOf("'", index + 1);
      if (end === -1) throw new Error('an unclosed single quote');
      word = (word ?? '') + text.slice(index + 1, end);
      index = end;
    } else if (character === '"') {
      let value = '';
      for (index++; index < text.length && text[index] !== '"'; index++) value += text[index] === '\\' ? text[++index] : text[index];
      word = (word ?? '') + value;
    } else word = (word ?? '') + (character === '\\' ? text[++index] : character);
  }
  flush();
  return commands.filter((command) => command.length > 0);
}

function curlExample(words: string[]): HttpExample {
  const headers: Record<string, string> = {};
  let method: string | null = null;
  let url: string | null = null;
  let body: string | null = null;
  for (let index = 1; index < words.length; index++) {
    const word = words[index];
    const value = (): string => {
      if (index + 1 >= words.length) throw new Error(`curl ${word} without a value`);
      return words[++index];
    };
    if (word === '-X' || word === '--request') method = value();
    else if (word === '-H' || word === '--header') {
      const header = value();
      const colon = header.indexOf(':');
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (['-d', '--data', '--data-raw', '--data-binary'].includes(word)) body = value();
    else if (word === '--json') {
      body = value();
      headers['content-type'] ??= 'application/json';
      headers.accept ??= 'application/json';
    } else if (['-s', '-S', '-sS', '-N', '--no-buffer', '--silent', '--show-error', '-i', '--fail'].includes(word)) continue;
    else if (!word.startsWith('-') && url === null) url = word;
    else throw new Error(`curl option ${word} is not understood by the docs test`);
  }
  if (url === null) throw new Error('a curl command without a URL');
  const origin = documentedOrigins.find((candidate) => url!.startsWith(candidate + '/'));
  if (origin === undefined) throw new Error(`curl ${url}: not the gateway's documented address (${documentedOrigins.join(' or ')})`);
  return { kind: 'http', method: method ?? (body === null ? 'GET' : 'POST'), path: url.slice(origin.length), headers, body };
}

/** Each `<client>.<path>.create({...})` of a snippet, with the client it runs on. */
function sdkExamples(text: string): SdkExample[] {
  const usesSdk = /from ['"](openai|@anthropic-ai\/sdk)['"]|\bclient\.|\banthropic\./.test(text);
  if (!usesSdk) return [];
  const clients = new Map<string, 'openai' | 'anthropic'>([['client', 'openai'], ['openai', 'openai'], ['anthropic', 'anthropic']]);
  for (const match of text.matchAll(/(?:const|let)\s+(\w+)\s*=\s*new\s+(OpenAI|Anthropic)\s*\(/g)) clients.set(match[1], match[2] === 'OpenAI' ? 'openai' : 'anthropic');
  const baseUrl = /baseURL:\s*['"]([^'"]+)['"]/.exec(text)?.[1] ?? null;
  const examples: SdkExample[] = [];
  for (const match of text.matchAll(/\b(\w+)((?:\.\w+)+)\.create\(/g)) {
    const client = clients.get(match[1]);
    if (client === undefined) continue;
    const open = match.index + match[0].length - 1;
    const argument = new Function(`return (${text.slice(open + 1, closingParenthesis(text, open))});`)() as Record<string, unknown>;
    examples.push({ kind: 'sdk', client, method: [...match[2].slice(1).split('.'), 'create'], argument, baseUrl });
  }
  if (examples.length === 0) throw new Error('a snippet that uses an SDK client but makes no .create({...}) call the docs test can run');
  return examples;
}

/** Index of the `)` closing the `(` at `open`, skipping strings and comments. */
function closingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const character = text[index];
    if (character === '/' && text[index + 1] === '/') index = text.indexOf('\n', index);
    else if (character === "'" || character === '"' || character === '`') {
      for (index++; text[index] !== character; index++) if (text[index] === '\\') index++;
    } else if (character === '(') depth++;
    else if (character === ')' && --depth === 0) return index;
  }
  throw new Error('an SDK call whose parenthesis never closes');
}
