-- Twice the province's compliance inputs in a partitioned copy of the full province (BENCHMARKS.md, "National
-- scale measured"): every cadre, pairing, leave spell and visit again under new ids (+10,000,000), in
-- the same units; the pairings' households are numbered past the real ones (the province's compliance never reads households).
SET session_replication_role = replica;
\timing on
INSERT INTO pairing_cadre (id, id_number, name, rank, category, phone, user_id, unit_id)
  SELECT id + 10000000, 'D' || substr(id_number, 2), name, rank, category, phone, NULL, unit_id FROM pairing_cadre;
INSERT INTO pairing_householdpairing (id, start, "end", end_reason, cadre_id, household_id, successor_id)
  SELECT id + 10000000, start, "end", end_reason, cadre_id + 10000000, household_id + 10000000, successor_id + 10000000
  FROM pairing_householdpairing;
INSERT INTO pairing_leave (id, start, "end", reason, cadre_id)
  SELECT id + 10000000, start, "end", reason, cadre_id + 10000000 FROM pairing_leave;
INSERT INTO visits_visit (id, start, "end", stayed, tasks, help_given, notes, idempotency_key, created_at, cadre_id,
                          created_by_id, latitude, location_accuracy, longitude)
  SELECT id + 10000000, start, "end", stayed, tasks, help_given, notes,
         CASE WHEN idempotency_key IS NULL THEN NULL ELSE gen_random_uuid() END, created_at, cadre_id + 10000000,
         created_by_id, latitude, location_accuracy, longitude
  FROM visits_visit;
INSERT INTO visits_visit_idempotency_keys SELECT idempotency_key, id FROM visits_visit WHERE id > 10000000 AND idempotency_key IS NOT NULL;
SELECT setval('visits_visit_id_seq', (SELECT MAX(id) FROM visits_visit) + 1, false);
ANALYZE pairing_cadre; ANALYZE pairing_householdpairing; ANALYZE pairing_leave; ANALYZE visits_visit;
