/**
 * `samples.nyctaxi.trips`, shaped like real yellow-cab data so that a profile or
 * a chart of it shows something: card ≫ cash ≫ no charge and disputes, fares and
 * tips that follow distance and traffic, rush hours on weekdays and late nights
 * on weekends, busy Thursdays to Saturdays, Midtown and airport zones, and a few
 * outliers. Every choice is a hash of the row number, so a build always makes the
 * same rows.
 *
 * What careless code trips on stays: `trip_id` starts above 2^53, timestamps have
 * microseconds, fares are DECIMAL, `passenger_count` is NULL for 2% of trips and
 * `notes` is NULL but for four strings (quotes, commas, a newline, the empty
 * string, non-ASCII text).
 */
export function tripsSql(rows: number): string[] {
  return ["CREATE SCHEMA nyctaxi", `CREATE TABLE nyctaxi.trips AS\n${tripsSelect(rows)}`];
}

/** Trips by hour of day on weekdays (relative): quiet nights, the morning and evening rush. */
const WEEKDAY_HOURS = [
  160, 90, 60, 45, 55, 110, 260, 470, 560, 500, 430, 440, 470, 470, 500, 520, 560, 690, 760, 680, 560, 540, 490, 370,
];
/** On weekends: Friday and Saturday nights run late, mornings are slow, no rush. */
const WEEKEND_HOURS = [
  450, 380, 300, 220, 120, 80, 90, 130, 190, 280, 380, 450, 500, 520, 540, 540, 540, 550, 560, 550, 520, 520, 520, 500,
];
/** Passenger counts 0–6 (per 1,000 of the trips that record one). */
const PASSENGERS = [12, 720, 140, 38, 20, 40, 30];
/** Midtown and the busiest neighbourhoods: half of Manhattan's trips start or end in one of these. */
const BUSY_ZIPS = [
  10001, 10016, 10017, 10018, 10019, 10022, 10036, 10011, 10003, 10065, 10021, 10023, 10024, 10128, 10014, 10012,
];
/** Brooklyn, Queens and the Bronx. */
const OUTER_ZIPS = [
  11201, 11211, 11215, 11217, 11222, 11238, 11101, 11102, 11103, 11104, 11106, 11375, 11377, 11385, 10451, 10463,
];
const JFK = 11430;
const LGA = 11371;
/** Manhattan's zips are 10001–10282 (every number of that range is used). */
const manhattan = (zip: string) => `${zip} < 10300`;
const airport = (zip: string) => `${zip} IN (${JFK}, ${LGA})`;

/**
 * Draws are 16-bit INTEGERs (0–65535), so a choice is one comparison with a
 * threshold, not a modulo and a comparison.
 */
const DRAW = 65536;
/** True for `share` (0–1) of the rows. */
const chance = (draw: string, share: number) => `${draw} < ${Math.round(share * DRAW)}`;

/**
 * A CASE that picks one of `values` (by default 0, 1, 2…) with the given weights:
 * a balanced tree of comparisons, so a row takes about log2(n) of them, not n/2.
 */
function weighted(draw: string, weights: number[], values = weights.map((_, k) => k)): string {
  const total = weights.reduce((a, b) => a + b, 0);
  const bounds = weights.map((_, k) => weights.slice(0, k).reduce((a, b) => a + b, 0) / total);
  const pick = (from: number, to: number): string => {
    if (to - from === 1) return String(values[from]);
    const middle = (from + to) >> 1;
    return `CASE WHEN ${chance(draw, bounds[middle])} THEN ${pick(from, middle)} ELSE ${pick(middle, to)} END`;
  };
  return pick(0, weights.length);
}

/** A uniform DOUBLE in (0, 1). */
const uniform = (draw: string) => `((${draw} + 0.5) / ${DRAW})::DOUBLE`;
const list = (values: number[]) => `[${values.join(", ")}]`;

const [MANHATTAN_ZONE, OUTER_ZONE, JFK_ZONE, LGA_ZONE] = [0, 1, 2, 3];

/** A zip for a zone, from a random draw: half of Manhattan's in its busy zips, half anywhere in it. */
function zip(zone: string, draw: string): string {
  return `CASE ${zone} WHEN ${JFK_ZONE} THEN ${JFK} WHEN ${LGA_ZONE} THEN ${LGA}
      WHEN ${OUTER_ZONE} THEN ${list(OUTER_ZIPS)}[(1 + (${draw} & 15))::BIGINT]
      ELSE CASE WHEN ${draw} & 1 = 0 THEN ${list(BUSY_ZIPS)}[(1 + (${draw} >> 1 & 15))::BIGINT]
        ELSE 10001 + (${draw} >> 1) % 282 END END`;
}

/**
 * Layers, innermost first: the row's random draws; the day and hour; the zones;
 * the distance; the minutes; the fare, surcharges and payment; the tip; the
 * columns. The outlier draw picks 1 trip in 2,048 for each of four kinds: 0 left
 * town (40–160 miles), 1 lost its distance (trip_distance 0), 2 is a refund
 * (negative amounts), 3 left the meter running for hours.
 */
function tripsSelect(rows: number): string {
  const jfkManhattan = `(pickup_zip = ${JFK} AND ${manhattan("dropoff_zip")} OR dropoff_zip = ${JFK} AND ${manhattan("pickup_zip")})`;
  const anyAirport = `(${airport("pickup_zip")} OR ${airport("dropoff_zip")})`;
  const anyManhattan = `(${manhattan("pickup_zip")} OR ${manhattan("dropoff_zip")})`;
  return `SELECT
  (9007199254740993 + i)::BIGINT AS trip_id,
  CASE WHEN ${chance("r16", 0.28)} THEN 1 ELSE 2 END AS vendor_id,
  pickup AS tpep_pickup_datetime,
  pickup + to_microseconds((minutes * 60000000)::BIGINT) AS tpep_dropoff_datetime,
  CASE WHEN h3 % 50 = 0 THEN NULL ELSE ${weighted("r15", PASSENGERS)} END AS passenger_count,
  CASE WHEN outlier = 1 THEN 0 ELSE round(distance * 100) / 100 END AS trip_distance,
  (fare_cents / 100)::DECIMAL(10,2) AS fare_amount,
  (round(tip_cents) / 100)::DECIMAL(10,2) AS tip_amount,
  ((fare_cents + round(tip_cents) + surcharge_cents) / 100)::DECIMAL(12,2) AS total_amount,
  payment_type,
  (h1 % 97 = 0) AS store_and_fwd_flag,
  pickup_zip,
  dropoff_zip,
  CASE h1 % 1000
    WHEN 0 THEN 'Driver said: "no, thanks", then left'
    WHEN 1 THEN ''
    WHEN 2 THEN E'Two lines:\\nsecond, with comma'
    WHEN 3 THEN 'Café – Zürich → 東京 🚕'
    ELSE NULL END AS notes
FROM (
  -- The tip: on cards only (cash tips go unrecorded), mostly the screen's 20/25/30% buttons.
  SELECT *, CASE WHEN payment_type <> 'Credit card' THEN 0 ELSE (fare_cents + surcharge_cents) * CASE
      WHEN ${chance("r13", 0.11)} THEN 0 WHEN ${chance("r13", 0.56)} THEN 0.2 WHEN ${chance("r13", 0.74)} THEN 0.25
      WHEN ${chance("r13", 0.81)} THEN 0.3 ELSE 0.05 + 0.35 * ${uniform("r14")} END END AS tip_cents
  FROM (
    -- The metered fare ($3 + $3.50 a mile + $0.70 a minute below 12 mph) or JFK–Manhattan's
    -- flat $70; surcharges (rush hour or night, MTA and improvement, congestion, airport);
    -- the payment: fewer cash trips to and from airports, more in the outer boroughs and at night.
    -- Money in whole cents (DOUBLE), made DECIMAL once at the end.
    SELECT *,
      sign * round(CASE WHEN ${jfkManhattan} THEN 7000
        ELSE 300 + 350 * distance + 70 * greatest(minutes - distance * 5, 0) END) AS fare_cents,
      sign * (150
        + CASE WHEN NOT weekend AND hour BETWEEN 16 AND 19 THEN 250 WHEN hour >= 20 OR hour < 6 THEN 100 ELSE 0 END
        + CASE WHEN ${anyManhattan} THEN 250 ELSE 0 END
        + CASE WHEN ${airport("pickup_zip")} THEN 175 ELSE 0 END) AS surcharge_cents,
      CASE
        WHEN outlier = 2 THEN CASE WHEN r12 & 1 = 0 THEN 'Dispute' ELSE 'No charge' END
        WHEN ${chance("r12", 0.01)} THEN 'No charge'
        WHEN ${chance("r12", 0.017)} THEN 'Dispute'
        WHEN r12 < CASE WHEN ${anyAirport} THEN ${Math.round(0.127 * DRAW)}
          WHEN NOT (${manhattan("pickup_zip")} AND ${manhattan("dropoff_zip")}) THEN ${Math.round(0.317 * DRAW)}
          WHEN hour < 5 THEN ${Math.round(0.277 * DRAW)} ELSE ${Math.round(0.202 * DRAW)} END THEN 'Cash'
        ELSE 'Credit card' END AS payment_type
    FROM (
      -- Minutes: the distance at the hour's speed (in tenths of mph, times a tenths factor: faster on
      -- the highways to the airports and out of town), give or take 30%, plus getting in and out.
      SELECT *, CASE WHEN outlier = 2 THEN -1 ELSE 1 END AS sign,
        1.5 + distance * 6000 / (CASE
            WHEN hour < 6 THEN 200 WHEN NOT weekend AND (hour BETWEEN 7 AND 9 OR hour BETWEEN 16 AND 19) THEN 80
            WHEN hour BETWEEN 10 AND 15 AND NOT weekend THEN 105 WHEN hour BETWEEN 10 AND 15 THEN 120 ELSE 130 END
          * CASE WHEN ${anyAirport} OR outlier = 0 THEN 18 ELSE 10 END) * (0.7 + 0.6 * ${uniform("r9")})
        + CASE WHEN outlier = 3 THEN 480 + 960 * ${uniform("r10")} ELSE 0 END AS minutes
      FROM (
        -- Miles, between the two zones: airports are far, most Manhattan trips short with a long tail.
        SELECT *, CASE
          WHEN outlier = 0 THEN 40 + 120 * u
          WHEN ${airport("pickup_zip")} AND ${airport("dropoff_zip")} THEN 10.5 + 2 * u
          WHEN pickup_zip = ${JFK} OR dropoff_zip = ${JFK} THEN CASE WHEN ${anyManhattan} THEN 15.5 + 5 * u ELSE 7 + 9 * u END
          WHEN pickup_zip = ${LGA} OR dropoff_zip = ${LGA} THEN CASE WHEN ${anyManhattan} THEN 8 + 3.5 * u ELSE 3.5 + 6 * u END
          WHEN pickup_zip = dropoff_zip THEN 0.3 + 0.9 * u
          WHEN ${manhattan("pickup_zip")} AND ${manhattan("dropoff_zip")} THEN 0.4 - 1.7 * ln(1 - u)
          ELSE 1.5 - 3.5 * ln(1 - u) END AS distance
        FROM (
          SELECT *, ${zip("pickup_zone", "r5")} AS pickup_zip, ${zip("dropoff_zone", "r7")} AS dropoff_zip
          FROM (
            -- Zones: 5.5% of pickups at JFK, 3.5% at LaGuardia, 8% in the outer boroughs, the rest
            -- in Manhattan; from an airport, mostly into Manhattan.
            SELECT *,
              ${weighted("r4", [55, 35, 80, 830], [JFK_ZONE, LGA_ZONE, OUTER_ZONE, MANHATTAN_ZONE])} AS pickup_zone,
              CASE WHEN ${chance("r4", 0.09)} THEN CASE WHEN ${chance("r6", 0.8)} THEN ${MANHATTAN_ZONE} ELSE ${OUTER_ZONE} END
                ELSE ${weighted("r6", [25, 30, 100, 845], [JFK_ZONE, LGA_ZONE, OUTER_ZONE, MANHATTAN_ZONE])} END AS dropoff_zone,
              ${uniform("r8")} AS u,
              CASE WHEN r11 < 128 THEN r11 & 3 END AS outlier,
              TIMESTAMP '2024-01-01' + to_microseconds(day * 86400000000 + hour * 3600000000 + (h2 % 3600000000)::BIGINT) AS pickup
            FROM (
              SELECT *, CASE WHEN weekend THEN ${weighted("r3", WEEKEND_HOURS)} ELSE ${weighted("r3", WEEKDAY_HOURS)} END AS hour
              FROM (
                SELECT *, day % 7 >= 5 AS weekend
                FROM (
                  -- A day of 2024 (which starts on a Monday); a fifth of Sundays' trips move to the
                  -- Friday before, some of Mondays' to the Saturday before, of Tuesdays' to Thursday.
                  SELECT *, CASE
                    WHEN d % 7 = 6 AND ${chance("r2", 0.2)} THEN d - 2
                    WHEN d % 7 = 0 AND d >= 7 AND ${chance("r2", 0.15)} THEN d - 2
                    WHEN d % 7 = 1 AND d < 364 AND ${chance("r2", 0.1)} THEN d + 2
                    ELSE d END AS day
                  FROM (SELECT *, r1 % 366 AS d FROM (${draws(rows)})))))))))))`;
}

/**
 * The row number and its random draws: h1–h3 as the first generator had them
 * (notes, the store-and-forward flag, NULL passenger counts, the time within the
 * hour) and r1–r16, 16-bit slices of four more hashes (a hash per draw took
 * twice as long). Not hash(i, k): DuckDB combines hashes with an XOR, so those
 * would all be one draw; negative inputs never meet h1–h3's.
 */
function draws(rows: number): string {
  const hashes = Array.from({ length: 4 }, (_, k) => `hash(-1 - (i * 4 + ${k})) AS g${k + 1}`).join(", ");
  const slices = Array.from(
    { length: 16 },
    (_, k) => `(g${(k >> 2) + 1} >> ${16 * (k & 3)} & 65535)::INTEGER AS r${k + 1}`,
  ).join(", ");
  return `SELECT i, h1, h2, h3, ${slices}
    FROM (SELECT i, hash(i) AS h1, hash(i + 7919) AS h2, hash(i * 31 + 17) AS h3, ${hashes} FROM range(${Math.trunc(rows)}) t(i))`;
}
