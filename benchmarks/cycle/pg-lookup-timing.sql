-- psql "host=127.0.0.1 port=PORT user=postgres dbname=scim_cycle" -Atq -f benchmarks/cycle/pg-lookup-timing.sql  (one JSON line)
-- In-database cost of the host's userName eq query (same WHERE and columns), 20 000 random users of the population,
-- timed per statement inside one backend: no client, no network, no host process in the measure.
CREATE TEMP TABLE t (us double precision);
DO $$
DECLARE
  n int := (SELECT count(*) FROM scim_users WHERE tenant_id = 'load');
  started timestamptz; doc text; nm text;
BEGIN
  FOR k IN 1..22000 LOOP
    nm := 'SEED-' || floor(random() * n)::int || '@EXAMPLE.COM';
    started := clock_timestamp();
    SELECT s.document INTO doc FROM scim_users AS s WHERE s.tenant_id = 'load' AND s.normalized_user_name = nm;
    IF doc IS NULL THEN RAISE EXCEPTION 'not found: %', nm; END IF;
    IF k > 2000 THEN INSERT INTO t VALUES (extract(epoch FROM clock_timestamp() - started) * 1e6); END IF;
  END LOOP;
END $$;
SELECT json_build_object('mode', 'db-timing', 'users', (SELECT count(*) FROM scim_users), 'lookups', count(*),
  'p50_us', round(percentile_cont(0.5) WITHIN GROUP (ORDER BY us)::numeric, 1),
  'p99_us', round(percentile_cont(0.99) WITHIN GROUP (ORDER BY us)::numeric, 1),
  'mean_us', round(avg(us)::numeric, 1), 'loadavg', pg_read_file('/proc/loadavg')) FROM t;
