import { readFileSync, readdirSync } from "node:fs";
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

const PG_BACKGROUND = /: (checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher|archiver|stats collector)\s*$/;

/**
 * CPU time (ms) so far of a process; of the `postgres` processes serving `dbName` (backends and
 * autovacuum workers, told apart by their process titles) and of PostgreSQL's background processes
 * (WAL writer, checkpointer, ..., which other databases on the server use too); and of the whole
 * machine (busy, all cores), from /proc (Linux). Backends of other databases (other people's tests
 * on a shared server) count as "everything else". Null elsewhere.
 */
export function cpuSample(serverPid: number, dbName: string) {
  try {
    const tick = 10; // USER_HZ is 100 on Linux
    const procMs = (pid: number | string) => {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(f[11]) + Number(f[12])) * tick;
    };
    let postgres = 0;
    let pgBackground = 0;
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== "postgres") continue;
        const title = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trimEnd();
        if (title.includes(` ${dbName} `) || title.endsWith(` ${dbName}`)) postgres += procMs(pid);
        else if (!title.startsWith("postgres: ") || PG_BACKGROUND.test(title)) pgBackground += procMs(pid);
      } catch {
        // the process ended meanwhile
      }
    }
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    const total = cpu.reduce((a, b) => a + b, 0);
    const self = process.cpuUsage();
    return { server: procMs(serverPid), load: (self.user + self.system) / 1000, postgres, pgBackground, machineBusy: (total - idle) * tick, at: performance.now() };
  } catch {
    return null;
  }
}
export type CpuSample = NonNullable<ReturnType<typeof cpuSample>>;

/** A plain-text table: the first column left-aligned, the rest right-aligned. */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_h, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}
