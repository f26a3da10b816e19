import type { TestProject } from "vitest/node";
import pg from "pg";
import { createDb } from "@bridle/db";

/**
 * Creates a fresh, migrated template database for this run on TEST_DATABASE_URL's server
 * (default: local PostgreSQL). Each test file clones it (CREATE DATABASE ... TEMPLATE), so files
 * never see each other's data. Everything is dropped at the end.
 */
export default async function setup(project: TestProject) {
  const admin = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const template = `bridle_tpl_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${template}`);
  const url = new URL(admin);
  url.pathname = `/${template}`;
  const handle = await createDb({ databaseUrl: url.toString(), poolSize: 1 });
  await handle.migrate();
  await handle.close();
  project.provide("adminDatabaseUrl", admin);
  project.provide("templateDatabase", template);
  return async () => {
    const rows = await client.query<{ datname: string }>(
      "select datname from pg_database where datname = $1 or datname like $2",
      [template, `${template}_f%`],
    );
    for (const r of rows.rows) await client.query(`drop database if exists ${r.datname} with (force)`);
    await client.end();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}
