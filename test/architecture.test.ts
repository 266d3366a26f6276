// The shape docs/architecture.md describes, held by a test: the HTTP layer (src/http/) is imported by
// nothing below it (only the command line, above it, starts it), the folders of src/ import one
// another without a cycle, and a function longer than 80 lines says why in a comment just above it.
// These three hold for every file under src/, its tests too. One rule is about the engine
// underneath rather than the layout: no function literal is assigned straight to a property (see
// the test for why); it holds for the code that runs, not its tests.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const maxLines = 80;

/** Every .ts file under src/, its tests too, as a path relative to src/. */
function sourceFiles(folder = src): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(src, path)] : [];
  });
}

const files = sourceFiles().map((path) => ({ path, text: readFileSync(join(src, path), 'utf8'), isTest: path.endsWith('.test.ts') }));

/** The src/ files a file imports (imports, dynamic imports and re-exports with a relative path). */
function importsOf(path: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'|^import\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/gm)) {
    const target = relative(src, resolve(dirname(join(src, path)), match[1] ?? match[2] ?? match[3]));
    if (!target.startsWith('..')) found.push(target);
  }
  return found;
}

const folderOf = (path: string): string => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '.');

describe('the shape of src/', () => {
  test('the files were found', () => {
    const code = files.filter((file) => !file.isTest).length;
    assert.ok(code > 100, `only ${code} files (tests aside) under ${src}`);
    assert.ok(files.filter((file) => file.isTest).length > 50, 'the tests under src/ were not found');
  });

  // The command line is the one layer above it (`serve` starts the gateway).
  test('nothing outside the HTTP layer imports from it', () => {
    const offenders = files.flatMap(({ path, text }) =>
      folderOf(path) === 'http' || folderOf(path) === 'cli' ? [] : importsOf(path, text).filter((target) => folderOf(target) === 'http').map((target) => `${path} -> ${target}`));
    assert.deepEqual(offenders, []);
  });

  test('the folders import one another without a cycle', () => {
    const edges = new Map<string, Set<string>>();
    for (const { path, text } of files) {
      for (const target of importsOf(path, text)) {
        const [from, to] = [folderOf(path), folderOf(target)];
        if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (folder: string, trail: string[]): void => {
      if (state.get(folder) === 'done') return;
      if (state.get(folder) === 'open') return void cycles.push([...trail.slice(trail.indexOf(folder)), folder].join(' -> '));
      state.set(folder, 'open');
      for (const next of edges.get(folder) ?? []) visit(next, [...trail, folder]);
      state.set(folder, 'done');
    };
    for (const folder of edges.keys()) visit(folder, []);
    assert.deepEqual(cycles, []);
  });

  test(`a function over ${maxLines} lines says why just above it`, () => {
    const unexplained = files.flatMap(({ path, text }) => longFunctions(text).filter((fn) => !fn.explained).map((fn) => `${path}:${fn.line} (${fn.lines} lines)`));
    assert.deepEqual(unexplained, []);
  });

  // V8's parser marks a function literal written as the right side of a property assignment
  // (`object.name = () => ...`) to be allocated in the old generation, as it would a method set up
  // once. Made per request, such a closure is garbage in the old generation that young-generation
  // collections never look at, so everything it reaches (the request's context, its response, its
  // buffers) survives each scavenge and is promoted, until the next full collection: with one
  // `context.finish = (last) => ...` per request the gateway promoted 0.3 to 0.6 MB at every
  // scavenge, at one connection. The same closure made first in a local and then assigned is not.
  test('no function literal is assigned straight to a property', () => {
    const offenders = files.filter((file) => !file.isTest).flatMap(({ path, text }) => literalsAssignedToProperties(text).map((line) => `${path}:${line}`));
    assert.deepEqual(offenders, []);
  });

  test('the check for such assignments finds them', () => {
    const caught = [
      'context.finish = (last) => {',
      'x.y ??= async (a: number): Promise<void> => {};',
      'this.z =\n  function () {};',
      'map[key] = value => value;',
      'o.a = <T>(x: T): { y: T } => ({ y: x });',
      'o.b = (callback: (x: number) => void, n = f()) => callback(n);',
      'o.c = ((x) => x) as Mapper;',
    ];
    assert.deepEqual(literalsAssignedToProperties(caught.join('\n')), [1, 2, 3, 5, 6, 7, 8]);
    const passed = ['const finish = (last) => end(last);', 'context.finish = finish;', '// object.name = () => ...', 'if (a.b === (c) => d) {}', "const finish: RequestContext['finish'] = (last) => end(last);"];
    assert.deepEqual(literalsAssignedToProperties(passed.join('\n')), []);
  });
});

/** Lines where a property is assigned a function literal (comments aside). */
function literalsAssignedToProperties(text: string): number[] {
  // A property (`.name` or `[key]`), an assignment, then a function, an arrow with or without type
  // parameters (its parameters may hold one level of parentheses), possibly in parentheses.
  const assignment = /(?:\.[A-Za-z_$#][\w$]*|\])\s*(?:\?\?|\|\||&&)?=(?!=)\s*\(?\s*(?:async\s*)?(?:function\b|(?:<[^<>]*>\s*)?\((?:[^()]|\([^()]*\))*\)\s*(?::[^=;()]+?)?=>|[A-Za-z_$][\w$]*\s*=>)/g;
  const lines: number[] = [];
  for (const match of text.matchAll(assignment)) {
    const start = text.lastIndexOf('\n', match.index) + 1;
    const before = text.slice(start, match.index);
    if (/^\s*(?:\/\/|\*|\/\*)/.test(before)) continue;
    // A declaration's type annotation (`const f: T['k'] = ...`) ends in `]` too.
    if (/^\s*(?:export\s+)?(?:const|let|var)\s+[\w$]+\s*:/.test(before)) continue;
    lines.push(text.slice(0, match.index).split('\n').length);
  }
  return lines;
}

/** A line that starts a function: a declaration (its signature may wrap), a method, or an arrow
 * function's block. */
const opensFunction = /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\b|^\s*(?:(?:public|private|protected|static|readonly|async|get|set)\s+)*[A-Za-z_$#][\w$]*\s*(?:<.*>)?\(.*\)(?:\s*:\s*.+)?\s*\{$|=>\s*\{$/;
const keywords = /^\s*(?:if|for|while|switch|catch|return|else|do|try)\b/;

/**
 * Functions longer than the limit, found by the layout the code is written in (the body closed on a
 * line of its own at the indent of the line that starts the function), and whether a comment ends
 * on the line just above each. A method's or an arrow function's signature is on one line here; a
 * declaration's may wrap.
 */
function longFunctions(text: string): { line: number; lines: number; explained: boolean }[] {
  const lines = text.split('\n');
  const found: { line: number; lines: number; explained: boolean }[] = [];
  lines.forEach((line, index) => {
    // A function on one line (or a declaration without a body) is short.
    if (!opensFunction.test(line) || keywords.test(line) || /[};]\s*$/.test(line)) return;
    const indent = /^\s*/.exec(line)![0];
    const close = lines.findIndex((candidate, at) => at > index && candidate.startsWith(`${indent}}`));
    if (close < 0) return;
    const length = close - index + 1;
    if (length <= maxLines) return;
    const above = lines[index - 1]?.trim() ?? '';
    found.push({ line: index + 1, lines: length, explained: above.startsWith('//') || above.endsWith('*/') });
  });
  return found;
}
