// Splits a merging judge's stream into its analysis and its final answer as the text arrives, so the
// final answer reaches the client as it is written while the analysis stays behind. The tag names
// carry the request's random part (see answer-blocks.ts), so no member answer can hold them, and the
// final answer's opening tag counts only once the analysis has closed, so a judge that names or
// quotes the tag inside its analysis does not start the answer early. The tags may be cut anywhere
// between deltas; a judge that writes no final tag still yields an answer (its whole text, less
// the analysis) once it ends.

/** The tag names (without brackets) the judge was asked to write. */
export interface SectionTags {
  analysis: string;
  finalAnswer: string;
}

export class FinalAnswerSplitter {
  private readonly analysisOpen: string;
  private readonly analysisClose: string;
  private readonly answerOpen: string;
  private readonly answerClose: string;
  private before = '';
  private held = '';
  private state: 'before' | 'inside' | 'after' = 'before';
  private emittedAny = false;

  constructor(tags: SectionTags) {
    this.analysisOpen = `<${tags.analysis}>`;
    this.analysisClose = `</${tags.analysis}>`;
    this.answerOpen = `<${tags.finalAnswer}>`;
    this.answerClose = `</${tags.finalAnswer}>`;
  }

  /** The part of the final answer this delta completes ('' while it is held or is analysis). */
  push(delta: string): string {
    if (this.state === 'after') return '';
    if (this.state === 'before') {
      this.before += delta;
      const start = this.answerStart();
      if (start === -1) return '';
      this.held = this.before.slice(start + this.answerOpen.length);
      this.before = this.before.slice(0, start);
      this.state = 'inside';
      return this.release(false);
    }
    this.held += delta;
    return this.release(false);
  }

  /** The judge finished: what is still held, or (without a final tag that counts) the whole answer. */
  end(): string {
    if (this.state === 'inside') return this.release(true);
    if (this.state === 'after') return '';
    this.state = 'after';
    const unclosed = this.unclosedAnswerStart();
    if (unclosed !== -1) {
      // The judge left its analysis open and went on to the answer: the answer is what follows.
      const rest = this.before.slice(unclosed + this.answerOpen.length);
      const close = rest.indexOf(this.answerClose);
      return (close === -1 ? rest : rest.slice(0, close)).trim();
    }
    const analysis = this.analysisSpan();
    const text = analysis === null ? this.before : this.before.slice(0, analysis.start) + this.before.slice(analysis.end);
    return text.split(this.answerOpen).join('').split(this.answerClose).join('').trim();
  }

  /** The analysis the judge wrote before its final answer; null when it wrote none. */
  analysis(): string | null {
    const span = this.analysisSpan();
    let text: string;
    if (span !== null) {
      const unclosed = this.state === 'after' ? this.unclosedAnswerStart() : -1;
      text = this.before.slice(span.start + this.analysisOpen.length, unclosed === -1 ? span.end - (span.closed ? this.analysisClose.length : 0) : unclosed);
    } else {
      // Without analysis tags, whatever came before the final answer is the analysis.
      text = this.state === 'before' ? '' : this.before;
    }
    text = text.trim();
    return text === '' ? null : text;
  }

  /** Where the final answer's opening tag starts once it counts: with no analysis opened before
   * it, or after the analysis closed. -1 until then. */
  private answerStart(): number {
    const analysisStart = this.before.indexOf(this.analysisOpen);
    const answerStart = this.before.indexOf(this.answerOpen);
    if (analysisStart === -1 || (answerStart !== -1 && answerStart < analysisStart)) return answerStart;
    const analysisEnd = this.before.indexOf(this.analysisClose, analysisStart + this.analysisOpen.length);
    if (analysisEnd === -1) return -1;
    return this.before.indexOf(this.answerOpen, analysisEnd + this.analysisClose.length);
  }

  /** The last opening tag of the answer inside an analysis that never closed; -1 when there is none. */
  private unclosedAnswerStart(): number {
    const span = this.analysisSpan();
    if (span === null || span.closed) return -1;
    const start = this.before.lastIndexOf(this.answerOpen);
    return start > span.start ? start : -1;
  }

  /** The analysis block in what came before the answer: from its opening tag to the end of its
   * closing tag, or to the end of the text when it never closed. */
  private analysisSpan(): { start: number; end: number; closed: boolean } | null {
    const start = this.before.indexOf(this.analysisOpen);
    if (start === -1) return null;
    const close = this.before.indexOf(this.analysisClose, start + this.analysisOpen.length);
    return close === -1 ? { start, end: this.before.length, closed: false } : { start, end: close + this.analysisClose.length, closed: true };
  }

  private release(final: boolean): string {
    const close = this.held.indexOf(this.answerClose);
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
      const keep = Math.max(partialTagLength(this.held, this.answerClose), this.held.length - this.held.trimEnd().length);
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
function partialTagLength(text: string, closeTag: string): number {
  for (let length = Math.min(closeTag.length - 1, text.length); length > 0; length--) {
    if (closeTag.startsWith(text.slice(text.length - length))) {
      // Held whitespace before the partial tag goes with it.
      const before = text.slice(0, text.length - length);
      return length + (before.length - before.trimEnd().length);
    }
  }
  return 0;
}
