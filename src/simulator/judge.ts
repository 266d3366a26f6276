// The simulator playing the gateway's own judges: a comparison's persona review, a fusion's best-of
// scoring and a fusion's merge. Those prompts ask for a format (JSON reviews, JSON scores, tagged
// analysis and final answer) that the generic filler text never meets, so a demo or a test on the
// simulator would show only "unreadable" verdicts. Recognised by the instructions the gateway
// writes (src/compare/panel.ts, src/fusion/prompts.ts); every score is a hash of the persona and the
// answer's text, so the same prompt gets the same verdict, whatever order the answers are shown in.

/** What the judge reads: the system instructions and the last user message. */
export interface JudgePrompt {
  system: string;
  user: string;
}

/** The judge's reply to a prompt the gateway wrote for a judge; null for any other prompt. */
export function judgeReply(prompt: JudgePrompt, model: string, generate: (question: string) => string): string | null {
  const { system } = prompt;
  // Cheap tests first: this runs for every simulated answer, the benchmark's included.
  if (system === '' || !system.includes('answer_')) return null;
  if (system.includes('on a review panel comparing answers') && system.includes('"reviews"')) return personaReview(prompt);
  if (!system.includes('You are the judge of a panel of AI models')) return null;
  if (system.includes('"scores"')) return bestOfScores(prompt);
  const tags = /between <(analysis_[0-9a-z]+)> and <\/analysis_[0-9a-z]+>/.exec(system);
  const final = /between <(final_answer_[0-9a-z]+)> and <\/final_answer_[0-9a-z]+>/.exec(system);
  if (tags === null || final === null) return null;
  return mergedAnswer(prompt, model, tags[1], final[1], generate);
}

interface ShownAnswer {
  label: string;
  text: string;
}

/** `{"reviews":[...]}`: a score, ship when it reaches `shipScore`, and a take, for every answer. */
function personaReview(prompt: JudgePrompt): string {
  const persona = /You are the (.+?) on a review panel/.exec(prompt.system)?.[1] ?? 'reviewer';
  const reviews = answersIn(prompt).map((answer) => {
    const score = scoreOf(`${persona}\n${answer.text}`);
    const verdict = score >= shipScore ? 'ship' : 'skip';
    return { answer: answer.label, score, verdict, take: takeOf(verdict, score) };
  });
  return JSON.stringify({ reviews }, null, 2);
}

/** `{"scores":[...],"best":N}` with the highest score as `best` (the first of a tie). */
function bestOfScores(prompt: JudgePrompt): string {
  const scores = answersIn(prompt).map((answer) => {
    const score = scoreOf(answer.text);
    return { answer: Number(answer.label), score, reason: reasonOf(score) };
  });
  const best = scores.reduce((leader, entry) => (entry.score > leader.score ? entry : leader), scores[0]);
  return JSON.stringify({ scores, best: best?.answer ?? 1 }, null, 2);
}

/** The analysis under its five headings, then a final answer to the conversation's last user turn. */
function mergedAnswer(prompt: JudgePrompt, model: string, analysisTag: string, finalTag: string, generate: (question: string) => string): string {
  const count = answersIn(prompt).length;
  const analysis = [
    `Consensus: the ${count} simulated answers agree that ${model} should reply to the user.`,
    'Contradictions: none worth settling; they differ only in wording.',
    'Coverage gaps: none; every answer covers the same ground.',
    'Unique insights: none; simulated answers carry no insight.',
    'Blind spots: all of them are filler text from the provider simulator.',
  ].join('\n');
  const question = lastUserTurn(prompt.user);
  const reply = prompt.system.includes('The user asked for JSON')
    ? JSON.stringify({ answer: generate(question).trim() })
    : generate(question).trim();
  return `<${analysisTag}>\n${analysis}\n</${analysisTag}>\n<${finalTag}>\n${reply}\n</${finalTag}>`;
}

/** Scores at or above this say ship: a little over half of the answers, so panels split. */
const shipScore = 60;

/** Every answer block in the user message, as `<answer_NONCE label="X">...</answer_NONCE>`. */
function answersIn(prompt: JudgePrompt): ShownAnswer[] {
  const tag = /<(answer_[0-9a-z]+) label=/.exec(prompt.system)?.[1];
  if (tag === undefined) return [];
  const pattern = new RegExp(`<${tag} label="([^"]*)">\\n([\\s\\S]*?)\\n</${tag}>`, 'g');
  return [...prompt.user.matchAll(pattern)].map((match) => ({ label: match[1], text: match[2] }));
}

/** The last `[user]` turn of the transcript the judge reads, or the whole message without one. */
function lastUserTurn(user: string): string {
  const conversation = /<(conversation_[0-9a-z]+)>\n([\s\S]*?)\n<\/conversation_[0-9a-z]+>/.exec(user);
  const transcript = conversation === null ? user : conversation[2];
  const start = transcript.lastIndexOf('[user]\n');
  if (start === -1) return transcript;
  const rest = transcript.slice(start + '[user]\n'.length);
  const next = rest.search(/\n\n\[(?:system|user|assistant|tool)\]\n/);
  return next === -1 ? rest : rest.slice(0, next);
}

/** 30 to 95: a spread wide enough that panels split and some answers are skipped. */
function scoreOf(seed: string): number {
  return 30 + (hash(seed) % 66);
}

const shipTakes = [
  'Simulated take: usable as it stands, and it answers what was asked.',
  'Simulated take: clear and to the point; worth shipping.',
  'Simulated take: solid enough to send to a user today.',
];

const skipTakes = [
  'Simulated take: too vague to act on without more work.',
  'Simulated take: it circles the question instead of answering it.',
  'Simulated take: misses what the asker most needs to know.',
];

function takeOf(verdict: 'ship' | 'skip', score: number): string {
  const takes = verdict === 'ship' ? shipTakes : skipTakes;
  return takes[score % takes.length];
}

function reasonOf(score: number): string {
  if (score >= 80) return 'simulated: complete and direct';
  if (score >= 60) return 'simulated: correct but thin';
  return 'simulated: vague and incomplete';
}

/** FNV-1a, 32 bits: stable across runs and platforms, unlike anything seeded by time. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}
