-- EXPLAIN (ANALYZE, BUFFERS) of the two statements the host sends per `GET /Users?filter=userName eq` on PostgreSQL
-- (texts taken from pg_stat_activity during a lookup run), then table and checkpoint statistics. Run with psql against
-- a seeded throwaway cluster: psql "host=127.0.0.1 port=PORT user=postgres dbname=scim_cycle" -f benchmarks/cycle/pg-lookup-explain.sql
\timing off
SELECT current_setting('shared_buffers') sb, pg_size_pretty(pg_relation_size('ux_scim_users_tenant_normalized_user_name')) idx, pg_size_pretty(pg_relation_size('scim_users')) heap, pg_size_pretty(pg_total_relation_size('scim_users')) total, (select count(*) from scim_users) n;
PREPARE q(text, text) AS SELECT s.id, s.version, s.document FROM scim_users AS s WHERE s.tenant_id = $1 AND s.normalized_user_name = $2;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE q('load', 'SEED-777777@EXAMPLE.COM');
EXPLAIN (ANALYZE, BUFFERS) EXECUTE q('load', 'SEED-123457@EXAMPLE.COM');
EXPLAIN (ANALYZE, BUFFERS) EXECUTE q('load', 'SEED-5000@EXAMPLE.COM');
PREPARE k(text) AS SELECT s.key_id, s.actor, s.created_at, s.description, s.expires_at, s.first_used_at, s.hint, s.last_used_at, s.revoked_at, s.secret_hash, s.tenant_id FROM scim_api_keys AS s WHERE s.key_id = $1 LIMIT 1;
SELECT key_id AS kid FROM scim_api_keys LIMIT 1 \gset
EXPLAIN (ANALYZE, BUFFERS) EXECUTE k(:'kid');
SELECT relname, n_live_tup, n_dead_tup, last_autovacuum, last_autoanalyze, last_vacuum, last_analyze, autovacuum_count FROM pg_stat_user_tables WHERE relname IN ('scim_users','scim_provisioning_log','scim_api_keys','scim_user_emails');
SELECT checkpoints_timed, checkpoints_req, buffers_checkpoint, buffers_backend FROM pg_stat_bgwriter;
SELECT datname, blks_hit, blks_read, round(blks_hit*100.0/nullif(blks_hit+blks_read,0),2) hit_pct FROM pg_stat_database WHERE datname='scim_cycle';
