import pg from "pg";

/** Drops a bench's throwaway database on `serverUrl`'s server (connections closed by force). */
export async function dropBenchDatabase(serverUrl: string, dbName: string): Promise<void> {
  const drop = new pg.Client({ connectionString: serverUrl });
  await drop.connect();
  try {
    await drop.query(`drop database if exists ${dbName} with (force)`);
  } finally {
    await drop.end();
  }
}

/** Runs a bench's `main` and exits: 0 when it finished, 1 with the error's stack when it failed. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
