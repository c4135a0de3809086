import "server-only";
import type { FunctionInfo, SqlWords } from "../types";

/**
 * Keywords and common functions of Databricks SQL, for the editor's
 * completion. Kept here rather than read from the warehouse: `SHOW FUNCTIONS`
 * would start a stopped warehouse only to complete a word. Signatures follow
 * the Databricks SQL reference.
 */

const KEYWORDS = `ADD ALL ALTER ANALYZE AND ANTI ANY AS ASC BETWEEN BY CACHE CASE CAST CATALOG CATALOGS COLUMN
COLUMNS COMMENT CREATE CROSS CUBE CURRENT DATABASE DELETE DESC DESCRIBE DISTINCT DROP ELSE END ESCAPE
EXCEPT EXISTS EXPLAIN EXTERNAL FALSE FILTER FIRST FOLLOWING FOR FROM FULL FUNCTION GRANT GROUP GROUPING
HAVING IF ILIKE IN INNER INSERT INTERSECT INTERVAL INTO IS JOIN LATERAL LAST LEFT LIKE LIMIT LOCATION
MERGE MATCHED NATURAL NOT NULL NULLS OFFSET ON OPTIMIZE OR ORDER OUTER OVER OVERWRITE PARTITION
PARTITIONED PIVOT PRECEDING QUALIFY RANGE REPLACE RIGHT RLIKE ROLLUP ROW ROWS SCHEMA SCHEMAS SELECT SEMI
SET SETS SHOW SOME TABLE TABLES TABLESAMPLE TBLPROPERTIES TEMPORARY THEN TO TRUE TRUNCATE UNBOUNDED
UNION UNPIVOT UPDATE USE USING VALUES VIEW VIEWS WHEN WHERE WINDOW WITH ZORDER`.split(/\s+/);

// name, signature, description
const FUNCTIONS: [string, string, string][] = [
  ["abs", "abs(expr) → numeric", "Absolute value"],
  ["add_months", "add_months(startDate DATE, numMonths INT) → DATE", "The date numMonths after startDate"],
  ["any_value", "any_value(expr) → same as expr", "Some value of expr in a group"],
  ["approx_count_distinct", "approx_count_distinct(expr [, relativeSD]) → BIGINT", "Estimated distinct values"],
  ["array_agg", "array_agg(expr) → ARRAY", "An array of the values in a group"],
  ["array_contains", "array_contains(array ARRAY, value) → BOOLEAN", "Whether the array holds value"],
  ["avg", "avg(expr) → DOUBLE", "Mean of the values in a group"],
  ["cast", "cast(expr AS type) → type", "Converts expr to type"],
  ["ceil", "ceil(expr [, targetScale]) → numeric", "Smallest number not less than expr"],
  ["coalesce", "coalesce(expr1, expr2 [, ...]) → common type", "The first argument that is not NULL"],
  ["collect_list", "collect_list(expr) → ARRAY", "An array of the values in a group"],
  ["collect_set", "collect_set(expr) → ARRAY", "An array of the distinct values in a group"],
  ["concat", "concat(expr1, expr2 [, ...]) → STRING", "Concatenation of the arguments"],
  ["concat_ws", "concat_ws(sep STRING [, expr ...]) → STRING", "Concatenation separated by sep"],
  ["count", "count(* | expr) → BIGINT", "Number of rows, or of values that are not NULL"],
  ["count_if", "count_if(cond BOOLEAN) → BIGINT", "Number of rows where cond is true"],
  ["current_catalog", "current_catalog() → STRING", "The current catalog"],
  ["current_date", "current_date() → DATE", "The date at the start of the query"],
  ["current_schema", "current_schema() → STRING", "The current schema"],
  ["current_timestamp", "current_timestamp() → TIMESTAMP", "The timestamp at the start of the query"],
  ["current_user", "current_user() → STRING", "The user running the statement"],
  ["date_add", "date_add(startDate DATE, numDays INT) → DATE", "The date numDays after startDate"],
  ["date_diff", "date_diff(unit, start, end) → BIGINT", "Difference between two timestamps in unit"],
  ["date_format", "date_format(expr TIMESTAMP, fmt STRING) → STRING", "A timestamp formatted with fmt"],
  ["date_sub", "date_sub(startDate DATE, numDays INT) → DATE", "The date numDays before startDate"],
  ["date_trunc", "date_trunc(unit STRING, expr TIMESTAMP) → TIMESTAMP", "Timestamp truncated to unit"],
  ["datediff", "datediff(endDate DATE, startDate DATE) → INT", "Days from startDate to endDate"],
  ["day", "day(expr DATE) → INT", "Day of the month"],
  ["dense_rank", "dense_rank() → INT", "Rank within the window, without gaps"],
  ["element_at", "element_at(arrayOrMap, indexOrKey) → element", "An element of an array or map"],
  ["explode", "explode(collection) → rows", "One row per element of an array or map"],
  ["first", "first(expr [, ignoreNull]) → same as expr", "The first value in a group"],
  ["floor", "floor(expr [, targetScale]) → numeric", "Largest number not greater than expr"],
  ["from_json", "from_json(jsonStr STRING, schema STRING [, options]) → STRUCT", "Parses JSON text"],
  ["from_unixtime", "from_unixtime(unixTime BIGINT [, fmt]) → STRING", "Seconds since the epoch as text"],
  ["get_json_object", "get_json_object(expr STRING, path STRING) → STRING", "A JSON value at path"],
  ["greatest", "greatest(expr1, expr2 [, ...]) → common type", "The largest argument"],
  ["hour", "hour(expr TIMESTAMP) → INT", "Hour of the timestamp"],
  ["if", "if(cond BOOLEAN, expr1, expr2) → common type", "expr1 if cond is true, else expr2"],
  ["ifnull", "ifnull(expr1, expr2) → common type", "expr2 if expr1 is NULL"],
  ["lag", "lag(expr [, offset [, default]]) → same as expr", "A value of an earlier row in the window"],
  ["last", "last(expr [, ignoreNull]) → same as expr", "The last value in a group"],
  ["lead", "lead(expr [, offset [, default]]) → same as expr", "A value of a later row in the window"],
  ["least", "least(expr1, expr2 [, ...]) → common type", "The smallest argument"],
  ["length", "length(expr) → INT", "Characters of a string, bytes of a binary"],
  ["lower", "lower(expr STRING) → STRING", "The string in lower case"],
  ["lpad", "lpad(expr STRING, len INT [, pad STRING]) → STRING", "Left-padded to len"],
  ["ltrim", "ltrim([trimStr ,] str STRING) → STRING", "Leading spaces removed"],
  ["make_date", "make_date(year INT, month INT, day INT) → DATE", "A date from its fields"],
  ["max", "max(expr) → same as expr", "Largest value in a group"],
  ["max_by", "max_by(expr1, expr2) → same as expr1", "expr1 of the row with the largest expr2"],
  ["md5", "md5(expr BINARY) → STRING", "MD5 digest as hex"],
  ["min", "min(expr) → same as expr", "Smallest value in a group"],
  ["min_by", "min_by(expr1, expr2) → same as expr1", "expr1 of the row with the smallest expr2"],
  ["minute", "minute(expr TIMESTAMP) → INT", "Minute of the timestamp"],
  ["month", "month(expr DATE) → INT", "Month of the date"],
  ["months_between", "months_between(expr1, expr2 [, roundOff]) → DOUBLE", "Months between two timestamps"],
  ["now", "now() → TIMESTAMP", "The timestamp at the start of the query"],
  ["nullif", "nullif(expr1, expr2) → same as expr1", "NULL if expr1 equals expr2, else expr1"],
  ["nvl", "nvl(expr1, expr2) → common type", "expr2 if expr1 is NULL"],
  ["percentile", "percentile(expr, percentage [, frequency]) → DOUBLE", "Exact percentile in a group"],
  ["percentile_approx", "percentile_approx(expr, percentage [, accuracy]) → same as expr", "Approximate percentile"],
  ["rank", "rank() → INT", "Rank within the window, with gaps"],
  ["regexp_extract", "regexp_extract(str STRING, regexp STRING [, idx INT]) → STRING", "A group of a regex match"],
  ["regexp_replace", "regexp_replace(str STRING, regexp STRING, rep STRING) → STRING", "Matches replaced"],
  ["replace", "replace(str STRING, search STRING [, replace STRING]) → STRING", "Occurrences replaced"],
  ["round", "round(expr [, targetScale INT]) → numeric", "Rounded half up to targetScale"],
  ["row_number", "row_number() → INT", "Number of the row within the window"],
  ["rpad", "rpad(expr STRING, len INT [, pad STRING]) → STRING", "Right-padded to len"],
  ["rtrim", "rtrim([trimStr ,] str STRING) → STRING", "Trailing spaces removed"],
  ["sha2", "sha2(expr BINARY, bitLength INT) → STRING", "SHA-2 digest as hex"],
  ["size", "size(expr) → INT", "Elements of an array or map"],
  ["split", "split(str STRING, regex STRING [, limit INT]) → ARRAY<STRING>", "Splits str around regex matches"],
  ["sqrt", "sqrt(expr DOUBLE) → DOUBLE", "Square root"],
  ["stddev", "stddev(expr) → DOUBLE", "Sample standard deviation in a group"],
  ["struct", "struct(expr1 [, ...]) → STRUCT", "A struct of the arguments"],
  ["substr", "substr(expr STRING, pos INT [, len INT]) → STRING", "Substring starting at pos"],
  ["substring", "substring(expr STRING, pos INT [, len INT]) → STRING", "Substring starting at pos"],
  ["sum", "sum(expr) → numeric", "Sum of the values in a group"],
  ["timestampadd", "timestampadd(unit, value, expr TIMESTAMP) → TIMESTAMP", "Timestamp moved by value units"],
  ["timestampdiff", "timestampdiff(unit, start, end) → BIGINT", "Difference between timestamps in unit"],
  ["to_date", "to_date(expr [, fmt STRING]) → DATE", "Text converted to a date"],
  ["to_json", "to_json(expr [, options]) → STRING", "A struct or array as JSON text"],
  ["to_timestamp", "to_timestamp(expr [, fmt STRING]) → TIMESTAMP", "Text converted to a timestamp"],
  ["trim", "trim([[BOTH | LEADING | TRAILING] [trimStr] FROM] str) → STRING", "Spaces removed at both ends"],
  ["try_cast", "try_cast(expr AS type) → type", "Converts expr to type, NULL when it cannot"],
  ["try_divide", "try_divide(dividend, divisor) → numeric", "Division, NULL when divisor is 0"],
  ["unix_timestamp", "unix_timestamp([expr [, fmt]]) → BIGINT", "Seconds since the epoch"],
  ["upper", "upper(expr STRING) → STRING", "The string in upper case"],
  ["uuid", "uuid() → STRING", "A random UUID"],
  ["variance", "variance(expr) → DOUBLE", "Sample variance in a group"],
  ["weekofyear", "weekofyear(expr DATE) → INT", "ISO week of the year"],
  ["year", "year(expr DATE) → INT", "Year of the date"],
];

export const DATABRICKS_WORDS: SqlWords = {
  keywords: KEYWORDS,
  functions: FUNCTIONS.map(([name, signature, description]): FunctionInfo => ({ name, signature, description })),
};
