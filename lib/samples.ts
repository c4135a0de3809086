import { tripsSql } from "./samples-trips";

/**
 * SQL that generates the built-in warehouse's sample data, deterministically
 * (hashes of row numbers, no downloads). It runs inside a database attached as
 * `samples`, so names are schema-qualified only. Tests regenerate the same rows
 * to check results independently of the app.
 */
export function sampleDataSql(tripsRows: number): string[] {
  return [...tripsSql(tripsRows), ...tpchSql(), ...demoSql()];
}

const NATIONS: [number, string, number][] = [
  [0, "ALGERIA", 0],
  [1, "ARGENTINA", 1],
  [2, "BRAZIL", 1],
  [3, "CANADA", 1],
  [4, "EGYPT", 4],
  [5, "ETHIOPIA", 0],
  [6, "FRANCE", 3],
  [7, "GERMANY", 3],
  [8, "INDIA", 2],
  [9, "INDONESIA", 2],
  [10, "IRAN", 4],
  [11, "IRAQ", 4],
  [12, "JAPAN", 2],
  [13, "JORDAN", 4],
  [14, "KENYA", 0],
  [15, "MOROCCO", 0],
  [16, "MOZAMBIQUE", 0],
  [17, "PERU", 1],
  [18, "CHINA", 2],
  [19, "ROMANIA", 3],
  [20, "SAUDI ARABIA", 4],
  [21, "VIETNAM", 2],
  [22, "RUSSIA", 3],
  [23, "UNITED KINGDOM", 3],
  [24, "UNITED STATES", 1],
];

/** A TPC-H-like schema at scale factor 0.1 (15k customers, 150k orders, ~600k line items). */
function tpchSql(): string[] {
  const nations = NATIONS.map(([k, n, r]) => `(${k}, '${n}', ${r}, 'nation ${n.toLowerCase()}')`).join(", ");
  return [
    "CREATE SCHEMA tpch",
    `CREATE TABLE tpch.region (r_regionkey INTEGER PRIMARY KEY, r_name VARCHAR NOT NULL, r_comment VARCHAR)`,
    `INSERT INTO tpch.region VALUES (0, 'AFRICA', 'region africa'), (1, 'AMERICA', 'region america'),
      (2, 'ASIA', 'region asia'), (3, 'EUROPE', 'region europe'), (4, 'MIDDLE EAST', 'region middle east')`,
    `CREATE TABLE tpch.nation (n_nationkey INTEGER PRIMARY KEY, n_name VARCHAR NOT NULL,
      n_regionkey INTEGER NOT NULL REFERENCES tpch.region (r_regionkey), n_comment VARCHAR)`,
    `INSERT INTO tpch.nation VALUES ${nations}`,
    `CREATE TABLE tpch.customer (c_custkey BIGINT PRIMARY KEY, c_name VARCHAR NOT NULL, c_address VARCHAR,
      c_nationkey INTEGER NOT NULL REFERENCES tpch.nation (n_nationkey), c_phone VARCHAR,
      c_acctbal DECIMAL(15,2), c_mktsegment VARCHAR, c_comment VARCHAR)`,
    `INSERT INTO tpch.customer
SELECT k, 'Customer#' || lpad(k::VARCHAR, 9, '0'), 'Street ' || (hash(k) % 9999)::VARCHAR || ', Apt ' || (hash(k + 1) % 99)::VARCHAR,
  (hash(k) % 25)::INTEGER, lpad((10 + hash(k) % 25)::VARCHAR, 2, '0') || '-' || (100 + hash(k + 2) % 900)::VARCHAR || '-' || (1000 + hash(k + 3) % 9000)::VARCHAR,
  ((hash(k + 4) % 1099999) / 100.0 - 999.99)::DECIMAL(15,2),
  ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'HOUSEHOLD', 'MACHINERY'][(1 + hash(k + 5) % 5)::BIGINT],
  'customer comment ' || k::VARCHAR
FROM range(1, 15001) t(k)`,
    `CREATE TABLE tpch.orders (o_orderkey BIGINT PRIMARY KEY, o_custkey BIGINT NOT NULL REFERENCES tpch.customer (c_custkey),
      o_orderstatus VARCHAR, o_totalprice DECIMAL(15,2), o_orderdate DATE, o_orderpriority VARCHAR,
      o_clerk VARCHAR, o_shippriority INTEGER, o_comment VARCHAR)`,
    `INSERT INTO tpch.orders
SELECT k, 1 + hash(k) % 15000, ['F', 'O', 'P'][(1 + hash(k + 1) % 3)::BIGINT],
  ((hash(k + 2) % 50000000) / 100.0 + 850)::DECIMAL(15,2),
  DATE '1992-01-01' + (hash(k + 3) % 2405)::INTEGER,
  ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'][(1 + hash(k + 4) % 5)::BIGINT],
  'Clerk#' || lpad((1 + hash(k + 5) % 1000)::VARCHAR, 9, '0'), 0, 'order comment ' || k::VARCHAR
FROM range(1, 150001) t(k)`,
    `CREATE TABLE tpch.lineitem (l_orderkey BIGINT NOT NULL REFERENCES tpch.orders (o_orderkey), l_partkey BIGINT,
      l_suppkey BIGINT, l_linenumber INTEGER NOT NULL, l_quantity DECIMAL(15,2), l_extendedprice DECIMAL(15,2),
      l_discount DECIMAL(15,2), l_tax DECIMAL(15,2), l_returnflag VARCHAR, l_linestatus VARCHAR,
      l_shipdate DATE, l_commitdate DATE, l_receiptdate DATE, l_shipinstruct VARCHAR, l_shipmode VARCHAR,
      l_comment VARCHAR, PRIMARY KEY (l_orderkey, l_linenumber))`,
    `INSERT INTO tpch.lineitem
SELECT o_orderkey, 1 + hash(o_orderkey, n) % 20000, 1 + hash(o_orderkey, n, 1) % 1000, n::INTEGER,
  (1 + hash(o_orderkey, n, 2) % 50)::DECIMAL(15,2),
  ((1 + hash(o_orderkey, n, 2) % 50) * (900 + hash(o_orderkey, n, 3) % 100000 / 100.0))::DECIMAL(15,2),
  ((hash(o_orderkey, n, 4) % 11) / 100.0)::DECIMAL(15,2), ((hash(o_orderkey, n, 5) % 9) / 100.0)::DECIMAL(15,2),
  ['R', 'A', 'N'][(1 + hash(o_orderkey, n, 6) % 3)::BIGINT], ['O', 'F'][(1 + hash(o_orderkey, n, 7) % 2)::BIGINT],
  o_orderdate + (1 + hash(o_orderkey, n, 8) % 121)::INTEGER,
  o_orderdate + (30 + hash(o_orderkey, n, 9) % 61)::INTEGER,
  o_orderdate + (2 + hash(o_orderkey, n, 8) % 150)::INTEGER,
  ['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'][(1 + hash(o_orderkey, n, 10) % 4)::BIGINT],
  ['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'][(1 + hash(o_orderkey, n, 11) % 7)::BIGINT],
  'line comment ' || o_orderkey::VARCHAR || '-' || n::VARCHAR
FROM tpch.orders, range(1, 2 + (hash(o_orderkey) % 7)::BIGINT) r(n)`,
  ];
}

/** A few rows of values that break careless code: precision, quoting, unicode, NULL vs empty. */
function demoSql(): string[] {
  return [
    "CREATE SCHEMA demo",
    `CREATE TABLE demo.tricky_values (
      id INTEGER PRIMARY KEY, label VARCHAR, big_id BIGINT, amount DECIMAL(38,10), happened_at TIMESTAMP,
      text_value VARCHAR, huge HUGEINT, ratio DOUBLE, day DATE, tags VARCHAR[], payload STRUCT(k VARCHAR, v INTEGER))`,
    `INSERT INTO demo.tricky_values VALUES
  (1, 'above 2^53', 9007199254740993, 1234567890123456789012345678.0123456789, TIMESTAMP '2024-02-29 23:59:59.999999', 'plain', 170141183460469231731687303715884105727, 0.1, DATE '2024-02-29', ['a', 'b'], {'k': 'x', 'v': 1}),
  (2, 'negative extremes', -9223372036854775808, -9999999999999999999999999999.9999999999, TIMESTAMP '1970-01-01 00:00:00.000001', 'comma, separated', -170141183460469231731687303715884105727, -1.7976931348623157e308, DATE '0001-01-01', [], {'k': '', 'v': NULL}),
  (3, 'quotes', 9223372036854775807, 0.0000000001, TIMESTAMP '2038-01-19 03:14:07.123456', 'she said "hi"', 0, 1e-300, DATE '9999-12-31', ['with,comma', 'with"quote'], NULL),
  (4, 'newlines', 1, 1.0000000000, TIMESTAMP '2000-01-01 00:00:00', E'line one\\nline two\\r\\nline three', 1, 0.0, NULL, NULL, {'k': 'multi\\nline', 'v': 2}),
  (5, 'unicode', 2, -0.5, TIMESTAMP '2024-06-01 12:00:00.5', 'Grüße – 東京 – مرحبا – 🚕🚀', 2, 3.141592653589793, DATE '2024-06-01', ['é', '漢字'], {'k': 'ü', 'v': 3}),
  (6, 'empty string', 3, 0, NULL, '', 3, NULL, NULL, [''], {'k': NULL, 'v': NULL}),
  (7, 'null', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (8, 'long text', 4, 42.4200000000, TIMESTAMP '2024-12-31 23:59:59.000001', repeat('long value ', 1000), 4, 2.5, DATE '2024-12-31', NULL, NULL),
  (9, 'looks like a formula', 5, 5, TIMESTAMP '2024-01-01 00:00:00.000010', '=HYPERLINK("http://example.invalid")', 5, 5, DATE '2024-01-01', NULL, NULL),
  (10, 'html', 6, 6, TIMESTAMP '2024-01-01 00:00:00.000100', '<script>alert(1)</script><b>bold</b>', 6, 6, DATE '2024-01-01', NULL, NULL)`,
  ];
}
