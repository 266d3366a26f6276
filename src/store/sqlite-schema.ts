// The SQLite schema and its migrations. `PRAGMA user_version` records how many migrations a database
// has had; opening applies the rest in one transaction, so a database is never left half-migrated and
// older files upgrade in place. Append new migrations; never edit a shipped one.
import type { DatabaseSync } from 'node:sqlite';

export const migrations: string[] = [
  `
  CREATE TABLE keys (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    name TEXT,
    team TEXT,
    allowed_models TEXT NOT NULL,            -- JSON array of patterns
    budget_limit_units INTEGER,              -- null: no budget
    budget_period TEXT,
    budget_hard INTEGER,
    credits_units INTEGER,                   -- null: not on credits
    requests_per_minute INTEGER,
    tokens_per_minute INTEGER,
    expires_at INTEGER,
    metadata TEXT NOT NULL,                  -- JSON object of strings
    commercial_use INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX keys_team ON keys (team);

  -- Append-only. The rowid is the export cursor's tie-breaker.
  CREATE TABLE ledger (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    route_id TEXT,
    attempt INTEGER NOT NULL,
    key_id TEXT,
    team TEXT,
    model TEXT,
    provider TEXT,
    upstream_model TEXT,
    input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    cost_units INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    ttft_ms REAL,
    status INTEGER NOT NULL,
    error_class TEXT,
    billed INTEGER NOT NULL,
    group_id TEXT
  );
  CREATE INDEX ledger_at ON ledger (at);
  CREATE INDEX ledger_key_at ON ledger (key_id, at);

  -- Money held by requests in flight. owner is "pid:instance" so a restart can tell its own
  -- reservations from those of a process that died.
  CREATE TABLE reservations (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    amount_units INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    owner TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX reservations_key ON reservations (key_id, amount_units);
  -- No index on created_at: the table holds only what is in flight, so the periodic sweep scans it.

  -- Settled spend per key for every kind of period at once (period_start 0 for 'total'), so changing a
  -- key's budget period takes effect with the right history.
  CREATE TABLE spend (
    key_id TEXT NOT NULL,
    period TEXT NOT NULL,
    period_start INTEGER NOT NULL,
    spent_units INTEGER NOT NULL,
    PRIMARY KEY (key_id, period, period_start)
  ) WITHOUT ROWID;

  -- Request rows summed per UTC day and dimension; usage() reads this instead of the ledger. Absent
  -- dimensions are '' rather than NULL because NULLs never collide in a primary key, which would
  -- defeat the upsert.
  CREATE TABLE usage_daily (
    day TEXT NOT NULL,
    key_id TEXT NOT NULL,
    team TEXT NOT NULL,
    model TEXT NOT NULL,
    provider TEXT NOT NULL,
    requests INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    cost_units INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    PRIMARY KEY (day, key_id, team, model, provider)
  ) WITHOUT ROWID;
  -- Every index costs each settle a page write (~8 µs). A key's own usage is asked for often enough to
  -- earn one; a team's scans the days it spans, which the primary key already bounds.
  CREATE INDEX usage_daily_key ON usage_daily (key_id, day);
  `,
  `
  -- Side-by-side comparisons (issue 6): the whole result as JSON, plus the columns it is listed and
  -- filtered by. models and answered are JSON arrays of model names.
  CREATE TABLE comparisons (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    key_id TEXT,
    team TEXT,
    name TEXT,
    models TEXT NOT NULL,
    answered TEXT NOT NULL,
    result TEXT NOT NULL
  );
  CREATE INDEX comparisons_created ON comparisons (created_at);
  CREATE INDEX comparisons_team ON comparisons (team, created_at);

  -- People's votes on comparisons: winner is a model that answered, or 'tie'.
  CREATE TABLE comparison_votes (
    id INTEGER PRIMARY KEY,
    comparison_id TEXT NOT NULL REFERENCES comparisons (id),
    created_at INTEGER NOT NULL,
    winner TEXT NOT NULL,
    voter TEXT,
    note TEXT,
    key_id TEXT,
    team TEXT
  );
  CREATE INDEX comparison_votes_comparison ON comparison_votes (comparison_id, voter);
  `,
  `
  -- Reservations moved into the gateway's memory (see sqlite.ts): a crash can no longer leave money
  -- held, and a request costs one write transaction instead of two.
  DROP TABLE reservations;
  `,
  `
  -- What a row's call did besides generating: 'count_tokens' for a token count; NULL for every row
  -- before it, and for every call that generates.
  ALTER TABLE ledger ADD COLUMN operation TEXT;
  `,
  `
  -- Rows settled on the request path, moved into the ledger a few milliseconds later with every other
  -- request's of that time (sqlite-journal.ts): a commit here changes one page, not six or seven. No
  -- index, on purpose. source: the store (one per process) that wrote the row.
  CREATE TABLE ledger_journal (
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    route_id TEXT,
    attempt INTEGER NOT NULL,
    key_id TEXT,
    team TEXT,
    model TEXT,
    provider TEXT,
    upstream_model TEXT,
    input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    cost_units INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    ttft_ms REAL,
    status INTEGER NOT NULL,
    error_class TEXT,
    billed INTEGER NOT NULL,
    group_id TEXT,
    operation TEXT
  );
  `,
];

export function migrate(database: DatabaseSync): void {
  if (schemaVersion(database) === migrations.length) return;
  database.exec('BEGIN IMMEDIATE');
  try {
    // Read again under the write lock: another process may have migrated while we waited for it.
    const current = schemaVersion(database);
    if (current > migrations.length) {
      throw new Error(`the database schema is version ${current}, newer than this modelmux knows (${migrations.length}); upgrade modelmux`);
    }
    for (let version = current; version < migrations.length; version++) database.exec(migrations[version]);
    // PRAGMA takes no bound parameters; the value is our own integer.
    database.exec(`PRAGMA user_version = ${migrations.length}`);
    database.exec('COMMIT');
  } catch (error) {
    database.exec('ROLLBACK');
    throw error;
  }
}

function schemaVersion(database: DatabaseSync): number {
  return (database.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
}
