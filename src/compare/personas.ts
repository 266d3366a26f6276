// The review panel of a comparison: judge personas, each reading the answers through its own rubric.
// The default panel of five covers the questions a team asks before choosing a model: does it work,
// what is wrong with it, will it last, does it read well, and is it worth the money.

export interface Persona {
  /** Short and unique within a panel: letters, digits, ".", "_" and "-". */
  name: string;
  /** What this persona weighs, in plain words; it becomes the persona's instructions. */
  rubric: string;
  /** Shown each answer's cost and price figures (the founder weighs value for money). */
  seesCost: boolean;
}

export const personaNamePattern = /^[A-Za-z0-9._-]{1,40}$/;
export const maxPersonas = 8;
export const maxRubricLength = 2_000;

export const defaultPanel: readonly Persona[] = [
  {
    name: 'builder',
    rubric:
      'You build and ship software. Judge whether the answer works and can be used as it stands: is it correct, does it do what was asked, '
      + 'and could someone act on it today without fixing or filling in pieces first? Code must run as written; steps must be followable in order.',
    seesCost: false,
  },
  {
    name: 'skeptic',
    rubric:
      'You look for what is wrong. Find factual errors, bugs, missing cases, unstated assumptions and claims stronger than the evidence for them. '
      + 'Score an answer down for anything it gets wrong, leaves out or overclaims; an answer that is honest about its limits beats one that bluffs.',
    seesCost: false,
  },
  {
    name: 'futurist',
    rubric:
      'You think about a year from now. Judge whether the approach holds up as needs grow: more users, more data, changed requirements, '
      + 'someone else maintaining it. Score down dead ends, shortcuts that will have to be undone, and choices that stop scaling.',
    seesCost: false,
  },
  {
    name: 'creator',
    rubric:
      'You care about how it reads. Judge clarity, structure, tone and form: is it the right length for the question, easy to follow, '
      + 'well organised, free of padding, and pitched at the person who asked?',
    seesCost: false,
  },
  {
    name: 'founder',
    rubric:
      'You pay the bill. Weigh what each answer is worth against what it cost; its cost and the price per million tokens are given with it. '
      + 'A slightly weaker answer at a fraction of the price can be the better buy, and an expensive answer has to earn its premium.',
    seesCost: true,
  },
];

/** `compare:` in modelmux.yaml, as the configuration loader reads it. */
export interface CompareConfig {
  /** The model the personas run on; null: the first compared model that answered. */
  judge: string | null;
  /** Named panels; `default` replaces the built-in panel of five. */
  panels: Record<string, Persona[]>;
}

export const defaultCompareConfig: CompareConfig = { judge: null, panels: {} };
