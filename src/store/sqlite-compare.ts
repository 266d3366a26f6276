// Comparisons in the SQLite store: saved whole as JSON with the columns they are listed by, votes in
// their own table, and per-model win rates folded from the votes. Comparisons are made by people, a
// few a day, so win rates are computed on demand from the vote tallies rather than kept as rollups.
import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';
import type { Prepare } from './sqlite-usage.ts';
import type { ComparisonQuery, ComparisonRecord, NewVote, VoteRecord, WinRateQuery, WinRateRow } from './store.ts';

type ResultRecord = { [column: string]: SQLOutputValue };

export function saveComparison(prepare: Prepare, record: ComparisonRecord): void {
  prepare('INSERT INTO comparisons (id, created_at, key_id, team, name, models, answered, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    record.id, record.createdAt, record.keyId, record.team, record.name, JSON.stringify(record.models), JSON.stringify(record.answered), JSON.stringify(record.result),
  );
}

export function findComparison(prepare: Prepare, id: string): ComparisonRecord | null {
  const row = prepare('SELECT * FROM comparisons WHERE id = ?').get(id);
  return row === undefined ? null : comparisonFromRow(row);
}

/** Saved order breaks ties between comparisons saved in the same millisecond (rowid grows with each insert). */
export function listComparisons(prepare: Prepare, query: ComparisonQuery): ComparisonRecord[] {
  const where: string[] = [];
  const values: SQLInputValue[] = [];
  if (query.keyId !== undefined) {
    where.push('key_id = ?');
    values.push(query.keyId);
  }
  if (query.team !== undefined) {
    where.push('team = ?');
    values.push(query.team);
  }
  if (query.after !== undefined) {
    // An unknown cursor matches nothing rather than starting over from the newest.
    where.push('(created_at, rowid) < (SELECT created_at, rowid FROM comparisons WHERE id = ?)');
    values.push(query.after);
  }
  const sql = `SELECT * FROM comparisons${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
  return prepare(sql).all(...values, query.limit).map(comparisonFromRow);
}

/** Runs inside the store's transaction: the replaced vote and the new one change together. */
export function addVote(prepare: Prepare, vote: NewVote): VoteRecord | null {
  if (prepare('SELECT 1 FROM comparisons WHERE id = ?').get(vote.comparisonId) === undefined) return null;
  if (vote.voter !== null) prepare('DELETE FROM comparison_votes WHERE comparison_id = ? AND voter = ?').run(vote.comparisonId, vote.voter);
  const result = prepare('INSERT INTO comparison_votes (comparison_id, created_at, winner, voter, note, key_id, team) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    vote.comparisonId, vote.createdAt, vote.winner, vote.voter, vote.note, vote.keyId, vote.team,
  );
  return { ...vote, id: Number(result.lastInsertRowid) };
}

export function listVotes(prepare: Prepare, comparisonId: string): VoteRecord[] {
  return prepare('SELECT * FROM comparison_votes WHERE comparison_id = ? ORDER BY id').all(comparisonId).map((row) => ({
    id: Number(row.id),
    comparisonId: String(row.comparison_id),
    createdAt: Number(row.created_at),
    winner: String(row.winner),
    voter: text(row.voter),
    note: text(row.note),
    keyId: text(row.key_id),
    team: text(row.team),
  }));
}

export function queryWinRates(prepare: Prepare, query: WinRateQuery): WinRateRow[] {
  const where = ['1 = 1'];
  const values: SQLInputValue[] = [];
  for (const [column, value] of [['c.key_id = ?', query.keyId], ['c.team = ?', query.team], ['c.created_at >= ?', query.from], ['c.created_at < ?', query.to]] as const) {
    if (value === undefined) continue;
    where.push(column);
    values.push(value);
  }
  const tallies = prepare(
    `SELECT c.id AS id, c.answered AS answered, v.winner AS winner, count(*) AS votes FROM comparisons c JOIN comparison_votes v ON v.comparison_id = c.id`
    + ` WHERE ${where.join(' AND ')} GROUP BY c.id, v.winner ORDER BY c.id`,
  ).all(...values);
  const comparisons = new Map<string, { answered: string[]; votes: Map<string, number> }>();
  for (const tally of tallies) {
    const id = String(tally.id);
    let comparison = comparisons.get(id);
    if (!comparison) comparisons.set(id, (comparison = { answered: JSON.parse(String(tally.answered)) as string[], votes: new Map() }));
    comparison.votes.set(String(tally.winner), Number(tally.votes));
  }
  return foldWinRates([...comparisons.values()]);
}

/** Win rates from each voted comparison's answered models and vote tally; best rate first. */
export function foldWinRates(comparisons: { answered: string[]; votes: Map<string, number> }[]): WinRateRow[] {
  const rows = new Map<string, WinRateRow>();
  for (const { answered, votes } of comparisons) {
    const most = Math.max(...votes.values());
    const leaders = [...votes.entries()].filter(([, count]) => count === most).map(([choice]) => choice);
    const winner = leaders.length === 1 && leaders[0] !== 'tie' ? leaders[0] : null;
    for (const model of new Set(answered)) {
      let row = rows.get(model);
      if (!row) rows.set(model, (row = { model, comparisons: 0, wins: 0, ties: 0, losses: 0, votes: 0, winRate: 0 }));
      row.comparisons++;
      row.votes += votes.get(model) ?? 0;
      if (winner === null) row.ties++;
      else if (winner === model) row.wins++;
      else row.losses++;
    }
  }
  for (const row of rows.values()) row.winRate = row.wins / row.comparisons;
  return [...rows.values()].sort((left, right) => right.winRate - left.winRate || right.comparisons - left.comparisons || left.model.localeCompare(right.model));
}

function comparisonFromRow(row: ResultRecord): ComparisonRecord {
  return {
    id: String(row.id),
    createdAt: Number(row.created_at),
    keyId: text(row.key_id),
    team: text(row.team),
    name: text(row.name),
    models: JSON.parse(String(row.models)) as string[],
    answered: JSON.parse(String(row.answered)) as string[],
    result: JSON.parse(String(row.result)) as Record<string, unknown>,
  };
}

function text(value: SQLOutputValue): string | null {
  return value === null ? null : String(value);
}
