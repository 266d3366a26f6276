// Judges favour answers by their place (the first, or the last, of a list), and a rule such as
// "the lowest number wins a tie" hands that place an edge of its own. So the answers are shown in a
// fresh random order on every request, and a choice among equals is drawn at random. The random
// source is passed in so tests can fix it.

/** A source of numbers in [0, 1), as Math.random. */
export type RandomSource = () => number;

/** A shuffled copy (Fisher-Yates). */
export function shuffled<T>(items: readonly T[], random: RandomSource): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

/** One of the items, drawn at random; the items must not be empty. */
export function pickOne<T>(items: readonly T[], random: RandomSource): T {
  return items[Math.min(items.length - 1, Math.floor(random() * items.length))];
}
