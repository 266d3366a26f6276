// Splits a merging judge's stream into its analysis and its final answer as the text arrives, so the
// final answer reaches the client as it is written while the analysis stays behind. The tags may be
// cut anywhere between deltas; a judge that writes no <final_answer> tag still yields an answer
// (its whole text, less any analysis block) once it ends.

const openTag = '<final_answer>';
const closeTag = '</final_answer>';
const analysisPattern = /<analysis>([\s\S]*?)(?:<\/analysis>|$)/;

export class FinalAnswerSplitter {
  private before = '';
  private held = '';
  private state: 'before' | 'inside' | 'after' = 'before';
  private emittedAny = false;

  /** The part of the final answer this delta completes ('' while it is held or is analysis). */
  push(delta: string): string {
    if (this.state === 'after') return '';
    if (this.state === 'before') {
      this.before += delta;
      const start = this.before.indexOf(openTag);
      if (start === -1) return '';
      this.held = this.before.slice(start + openTag.length);
      this.before = this.before.slice(0, start);
      this.state = 'inside';
      return this.release(false);
    }
    this.held += delta;
    return this.release(false);
  }

  /** The judge finished: what is still held, or (without tags) the whole answer. */
  end(): string {
    if (this.state === 'inside') return this.release(true);
    if (this.state === 'before') {
      this.state = 'after';
      return this.before.replace(/<analysis>[\s\S]*?(<\/analysis>|$)/, '').trim();
    }
    return '';
  }

  /** The analysis the judge wrote before its final answer; null when it wrote none. */
  analysis(): string | null {
    const match = analysisPattern.exec(this.before);
    const text = (match ? match[1] : this.state === 'before' ? '' : this.before).trim();
    return text === '' ? null : text;
  }

  private release(final: boolean): string {
    const close = this.held.indexOf(closeTag);
    let ready: string;
    if (close !== -1) {
      ready = this.held.slice(0, close).trimEnd();
      this.held = '';
      this.state = 'after';
    } else if (final) {
      ready = this.held.trimEnd();
      this.held = '';
      this.state = 'after';
    } else {
      // Keep back what may be the start of the closing tag, and trailing blank space before it.
      const keep = Math.max(partialTagLength(this.held), this.held.length - this.held.trimEnd().length);
      ready = this.held.slice(0, this.held.length - keep);
      this.held = this.held.slice(this.held.length - keep);
    }
    if (!this.emittedAny) {
      ready = ready.trimStart();
      if (ready === '') return '';
    }
    if (ready !== '') this.emittedAny = true;
    return ready;
  }
}

/** Length of the longest end of `text` that begins the closing tag. */
function partialTagLength(text: string): number {
  for (let length = Math.min(closeTag.length - 1, text.length); length > 0; length--) {
    if (closeTag.startsWith(text.slice(text.length - length))) {
      // Held whitespace before the partial tag goes with it.
      const before = text.slice(0, text.length - length);
      return length + (before.length - before.trimEnd().length);
    }
  }
  return 0;
}
