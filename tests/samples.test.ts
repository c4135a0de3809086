import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleDataSql } from "@/lib/samples";
import { prepareTempDataDir } from "./support/env";

/**
 * samples.nyctaxi.trips as the built-in warehouse generates it (20,000 trips, the
 * size most test files use): shaped like real taxi data, with its tricky values,
 * and the same rows on every build.
 */
const ROWS = 20_000;
const dataDir = prepareTempDataDir(ROWS);
let warehouse: DuckDBInstance;

beforeAll(async () => {
  const { openWarehouse } = await import("@/lib/server/engines/duckdb/warehouse");
  warehouse = await openWarehouse({
    dir: path.join(dataDir, "warehouse"),
    memoryLimit: "100MB",
    threads: 2,
    tripsRows: ROWS,
  });
});
afterAll(() => warehouse.closeSync());

/** One row of `sql` over the trips (as `trips`), every value as DuckDB's text. */
async function one(sql: string): Promise<Record<string, string | null>> {
  return (await all(sql))[0];
}

async function all(sql: string): Promise<Record<string, string | null>[]> {
  const connection = await warehouse.connect();
  try {
    const reader = await connection.runAndReadAll(
      `WITH trips AS (SELECT * FROM samples.nyctaxi.trips) SELECT COLUMNS(*)::VARCHAR FROM (${sql})`,
    );
    return reader.getRowObjectsJson() as Record<string, string | null>[];
  } finally {
    connection.closeSync();
  }
}
const num = (value: string | null | undefined) => Number(value);

describe("samples.nyctaxi.trips keeps its tricky values", () => {
  it("has the same columns and types, every row, and trip ids above 2^53", async () => {
    const columns = await all("SELECT column_name, column_type FROM (DESCRIBE samples.nyctaxi.trips)");
    expect(columns.map((c) => `${c.column_name} ${c.column_type}`)).toEqual([
      "trip_id BIGINT",
      "vendor_id INTEGER",
      "tpep_pickup_datetime TIMESTAMP",
      "tpep_dropoff_datetime TIMESTAMP",
      "passenger_count INTEGER",
      "trip_distance DOUBLE",
      "fare_amount DECIMAL(10,2)",
      "tip_amount DECIMAL(10,2)",
      "total_amount DECIMAL(12,2)",
      "payment_type VARCHAR",
      "store_and_fwd_flag BOOLEAN",
      "pickup_zip INTEGER",
      "dropoff_zip INTEGER",
      "notes VARCHAR",
    ]);
    expect(await one("SELECT count(*) AS n, min(trip_id) AS first, max(trip_id) AS last FROM trips")).toEqual({
      n: String(ROWS),
      first: "9007199254740993",
      last: String(9007199254740993n + BigInt(ROWS - 1)),
    });
  });

  it("has NULLs, microseconds, the four awkward notes and both flags", async () => {
    const row = await one(`SELECT
      count(*) FILTER (passenger_count IS NULL) AS null_passengers,
      count(*) FILTER (microsecond(tpep_pickup_datetime) % 1000 <> 0) AS micros,
      count(DISTINCT store_and_fwd_flag) AS flags,
      count(*) FILTER (payment_type IS NULL OR pickup_zip IS NULL OR fare_amount IS NULL) AS other_nulls
      FROM trips`);
    expect(num(row.null_passengers)).toBeGreaterThan(ROWS * 0.01);
    expect(num(row.micros)).toBeGreaterThan(ROWS * 0.9);
    expect(row.flags).toBe("2");
    expect(row.other_nulls).toBe("0");
    const notes = await all("SELECT DISTINCT notes FROM trips WHERE notes IS NOT NULL");
    expect(notes.map((n) => n.notes).sort()).toEqual([
      "",
      "Café – Zürich → 東京 🚕",
      'Driver said: "no, thanks", then left',
      "Two lines:\nsecond, with comma",
    ]);
    expect(await one("SELECT count(*) AS n FROM trips WHERE tpep_dropoff_datetime <= tpep_pickup_datetime")).toEqual({
      n: "0",
    });
  });

  it("is the same table on every build, whatever the threads", async () => {
    const db = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false", threads: "1" });
    const connection = await db.connect();
    try {
      await connection.run("ATTACH ':memory:' AS again");
      await connection.run("USE again");
      for (const statement of sampleDataSql(ROWS).slice(0, 2)) await connection.run(statement);
      await connection.run(`ATTACH '${path.join(dataDir, "warehouse", "samples.duckdb")}' AS built (READ_ONLY)`);
      const differ = await connection.runAndReadAll(`SELECT
        (SELECT count(*) FROM (FROM built.nyctaxi.trips EXCEPT ALL FROM again.nyctaxi.trips)) +
        (SELECT count(*) FROM (FROM again.nyctaxi.trips EXCEPT ALL FROM built.nyctaxi.trips)) AS n`);
      expect(differ.getRowsJson()).toEqual([["0"]]);
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });
});

describe("samples.nyctaxi.trips is shaped like real taxi data", () => {
  it("is paid mostly by card, then cash, and tipped on cards only", async () => {
    const shares = await all(
      "SELECT payment_type, count(*) / sum(count(*)) OVER () AS share, avg(tip_amount) AS tip FROM trips GROUP BY 1 ORDER BY 2 DESC",
    );
    expect(shares.map((s) => s.payment_type)).toEqual(["Credit card", "Cash", "No charge", "Dispute"]);
    expect(num(shares[0].share)).toBeGreaterThan(0.6);
    expect(num(shares[1].share)).toBeGreaterThan(0.1);
    expect(num(shares[1].share)).toBeGreaterThan(3 * num(shares[2].share));
    expect(num(shares[0].tip)).toBeGreaterThan(2);
    expect(num(shares[1].tip)).toBe(0);
    // Card tips cluster on the 20/25/30% buttons.
    const buttons =
      await one(`SELECT count(*) FILTER (round(tip_amount / (total_amount - tip_amount), 2) IN (0.2, 0.25, 0.3))
      / count(*) AS share FROM trips WHERE payment_type = 'Credit card' AND fare_amount > 5`);
    expect(num(buttons.share)).toBeGreaterThan(0.5);
  });

  it("has rush hours on weekdays, late nights on weekends and busy Fridays", async () => {
    const hours = await one(`SELECT
      count(*) FILTER (dayofweek(tpep_pickup_datetime) BETWEEN 1 AND 5 AND hour(tpep_pickup_datetime) IN (8, 17, 18)) / 3 AS rush,
      count(*) FILTER (dayofweek(tpep_pickup_datetime) BETWEEN 1 AND 5 AND hour(tpep_pickup_datetime) IN (2, 3, 4)) / 3 AS night,
      count(*) FILTER (dayofweek(tpep_pickup_datetime) IN (0, 6) AND hour(tpep_pickup_datetime) IN (0, 1, 2)) / 2 AS weekend_late,
      count(*) FILTER (dayofweek(tpep_pickup_datetime) BETWEEN 1 AND 5 AND hour(tpep_pickup_datetime) IN (0, 1, 2)) / 5 AS weekday_late,
      count(*) FILTER (dayname(tpep_pickup_datetime) = 'Friday') AS friday,
      count(*) FILTER (dayname(tpep_pickup_datetime) = 'Sunday') AS sunday
      FROM trips`);
    expect(num(hours.rush)).toBeGreaterThan(4 * num(hours.night));
    expect(num(hours.weekend_late)).toBeGreaterThan(2 * num(hours.weekday_late));
    expect(num(hours.friday)).toBeGreaterThan(1.2 * num(hours.sunday));
  });

  it("charges by distance and time: longer trips and the rush hour cost more", async () => {
    const fares = await one(`SELECT
      corr(fare_amount, trip_distance) FILTER (trip_distance BETWEEN 0.1 AND 30 AND fare_amount BETWEEN 0 AND 200) AS by_distance,
      avg(fare_amount / trip_distance) FILTER (trip_distance BETWEEN 1 AND 3 AND dayofweek(tpep_pickup_datetime) BETWEEN 1 AND 5
        AND hour(tpep_pickup_datetime) IN (8, 17, 18)) AS rush_per_mile,
      avg(fare_amount / trip_distance) FILTER (trip_distance BETWEEN 1 AND 3 AND hour(tpep_pickup_datetime) IN (1, 2, 3, 4)) AS night_per_mile,
      corr(tip_amount, fare_amount) FILTER (payment_type = 'Credit card' AND fare_amount < 200) AS tip_by_fare
      FROM trips`);
    expect(num(fares.by_distance)).toBeGreaterThan(0.8);
    expect(num(fares.rush_per_mile)).toBeGreaterThan(1.1 * num(fares.night_per_mile));
    expect(num(fares.tip_by_fare)).toBeGreaterThan(0.6);
  });

  it("has busy zones, airports far away and dear, and Manhattan short trips", async () => {
    const top = (await all("SELECT pickup_zip FROM trips GROUP BY 1 ORDER BY count(*) DESC LIMIT 3")).map(
      (z) => z.pickup_zip,
    );
    expect(top[0]).toBe("11430");
    expect(top).toContain("11371");
    const zones = await one(`SELECT
      avg(fare_amount) FILTER (pickup_zip = 11430 AND fare_amount > 0) AS jfk,
      avg(fare_amount) FILTER (pickup_zip < 10300 AND dropoff_zip < 10300 AND fare_amount > 0) AS manhattan,
      median(trip_distance) FILTER (pickup_zip < 10300 AND dropoff_zip < 10300) AS manhattan_miles,
      count(DISTINCT pickup_zip) AS zips
      FROM trips`);
    expect(num(zones.jfk)).toBeGreaterThan(3 * num(zones.manhattan));
    expect(num(zones.manhattan_miles)).toBeLessThan(3);
    expect(num(zones.zips)).toBeGreaterThan(250);
  });

  it("has a few outliers of each kind", async () => {
    const outliers = await one(`SELECT
      count(*) FILTER (fare_amount < 0 AND total_amount < 0) AS refunds,
      count(*) FILTER (trip_distance = 0 AND fare_amount > 0) AS no_distance,
      count(*) FILTER (trip_distance > 40) AS out_of_town,
      count(*) FILTER (tpep_dropoff_datetime - tpep_pickup_datetime > INTERVAL 6 HOUR) AS meter_left_on
      FROM trips`);
    for (const count of Object.values(outliers)) {
      expect(num(count)).toBeGreaterThan(0);
      expect(num(count)).toBeLessThan(ROWS * 0.002);
    }
  });
});

describe("a warehouse with a small memory limit", () => {
  it("still builds its sample catalog on first start, and keeps the limit for members' SQL", async () => {
    // 64MB ran out of memory building the catalog's keys: the build, a child
    // process, takes what it needs; the warehouse then holds to its limit.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakebook-small-warehouse-"));
    const { openWarehouse } = await import("@/lib/server/engines/duckdb/warehouse");
    const small = await openWarehouse({ dir, memoryLimit: "64MB", threads: 2, tripsRows: 1000 });
    const connection = await small.connect();
    try {
      const reader = await connection.runAndReadAll(
        "SELECT current_setting('memory_limit') AS memory, (SELECT count(*) FROM samples.nyctaxi.trips)::VARCHAR AS trips",
      );
      expect(reader.getRowObjectsJson()).toEqual([{ memory: "61.0 MiB", trips: "1000" }]);
    } finally {
      connection.closeSync();
      small.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
