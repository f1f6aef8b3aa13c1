-- The standard job (bench/standard.tariff) in SQLite: import, one query.
-- Run as: sqlite3 :memory: -cmd ".import --csv --skip 1 USAGE.csv usage" < peer_sqlite.sql
-- (bench/run creates the table first so the columns get INTEGER affinity).
-- Exact only because every quantity is a whole number: SQLite's integer
-- arithmetic is exact, its decimals are doubles (REAL).
WITH agg AS (
  SELECT account,
    SUM(CASE WHEN event = 'audio' THEN quantity ELSE 0 END) AS s0,
    SUM(CASE WHEN event = 'video' AND pixels <= 921600 THEN quantity ELSE 0 END) AS s1,
    SUM(CASE WHEN event = 'video' AND pixels > 921600 AND pixels <= 2073600 THEN quantity ELSE 0 END) AS s2,
    SUM(CASE WHEN event = 'video' AND pixels > 2073600 AND pixels <= 3686400 THEN quantity ELSE 0 END) AS s3,
    SUM(CASE WHEN event = 'video' AND pixels > 3686400 THEN quantity ELSE 0 END) AS s4,
    SUM(CASE WHEN event = 'message' THEN quantity ELSE 0 END) AS bytes,
    COUNT(DISTINCT user) AS mau
  FROM usage WHERE time LIKE '2026-03-%' GROUP BY account
), m AS (
  SELECT account, (s0 + 59) / 60 AS m0, (s1 + 59) / 60 AS m1, (s2 + 59) / 60 AS m2,
         (s3 + 59) / 60 AS m3, (s4 + 59) / 60 AS m4, bytes, mau FROM agg
), b AS (
  SELECT account, bytes, mau,
    MAX(m0 - 10000, 0) AS b0,
    MAX(m1 - MAX(10000 - m0, 0), 0) AS b1,
    MAX(m2 - MAX(10000 - m0 - m1, 0), 0) AS b2,
    MAX(m3 - MAX(10000 - m0 - m1 - m2, 0), 0) AS b3,
    MAX(m4 - MAX(10000 - m0 - m1 - m2 - m3, 0), 0) AS b4
  FROM m
), t AS (
  SELECT account,
    (b0 * 99 + 500) / 1000 + (b1 * 399 + 500) / 1000 + (b2 * 899 + 500) / 1000
    + (b3 * 1599 + 500) / 1000 + (b4 * 3599 + 500) / 1000
    + ((MIN(MAX(mau, 200), 5000) - 200) * 5000 + (MIN(MAX(mau, 5000), 10000) - 5000) * 4750
       + (MAX(mau, 10000) - 10000) * 4500 + 500) / 1000
    + (bytes * 9 + 500000000) / 1000000000 AS cents
  FROM b
)
SELECT 'account,total'
UNION ALL
SELECT * FROM (SELECT printf('%s,%d.%02d', account, cents / 100, cents % 100) FROM t ORDER BY account);
