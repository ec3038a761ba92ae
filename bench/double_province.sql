-- Twice the province in a partitioned copy of the full province (BENCHMARKS.md, "National scale
-- measured"): every household with its members and incomes, and every cadre, pairing, leave spell
-- and visit with its households, again under new ids (+10,000,000), in the same villages and units,
-- so that the compliance engine and the dashboard read twice the rows. Run it with psql -f, not as
-- one transaction (it ends with VACUUM).
SET session_replication_role = replica;
\timing on
INSERT INTO households_household (id, number, head_name, head_id_number, kind, resident_population, main_cause, other_causes,
                                  housing_safe, status, exit_year, updated_at, village_id)
  SELECT id + 10000000, 'D' || number, head_name, 'D' || substr(head_id_number, 2), kind, resident_population, main_cause,
         other_causes, housing_safe, status, exit_year, updated_at, village_id FROM households_household;
INSERT INTO households_member (id, id_number, name, relation, sex, birth_date, health, labour_ability, disability, schooling,
                               migrant_worker, left_behind_child, elderly_alone, household_id)
  SELECT id + 10000000, 'D' || substr(id_number, 2), name, relation, sex, birth_date, health, labour_ability, disability,
         schooling, migrant_worker, left_behind_child, elderly_alone, household_id + 10000000 FROM households_member;
INSERT INTO households_incomerecord (id, year, resident_population, total_income, operating_costs, taxes_and_fees, depreciation,
                                     survey_subsidy, gifts_outside, net_income, per_capita_income, household_id)
  SELECT id + 10000000, year, resident_population, total_income, operating_costs, taxes_and_fees, depreciation, survey_subsidy,
         gifts_outside, net_income, per_capita_income, household_id + 10000000 FROM households_incomerecord;
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
INSERT INTO visits_visit_households (visit_id, household_id)
  SELECT visit_id + 10000000, household_id + 10000000 FROM visits_visit_households;
INSERT INTO visits_visit_idempotency_keys SELECT idempotency_key, id FROM visits_visit WHERE id > 10000000 AND idempotency_key IS NOT NULL;
SELECT setval('visits_visit_id_seq', (SELECT MAX(id) FROM visits_visit) + 1, false);
SELECT setval(pg_get_serial_sequence('households_household', 'id'), (SELECT MAX(id) FROM households_household) + 1, false);
SELECT setval(pg_get_serial_sequence('households_member', 'id'), (SELECT MAX(id) FROM households_member) + 1, false);
SELECT setval(pg_get_serial_sequence('households_incomerecord', 'id'), (SELECT MAX(id) FROM households_incomerecord) + 1, false);
SELECT setval(pg_get_serial_sequence('pairing_cadre', 'id'), (SELECT MAX(id) FROM pairing_cadre) + 1, false);
SELECT setval(pg_get_serial_sequence('pairing_householdpairing', 'id'), (SELECT MAX(id) FROM pairing_householdpairing) + 1, false);
SELECT setval(pg_get_serial_sequence('pairing_leave', 'id'), (SELECT MAX(id) FROM pairing_leave) + 1, false);
VACUUM ANALYZE households_household; VACUUM ANALYZE households_member; VACUUM ANALYZE households_incomerecord;
VACUUM ANALYZE pairing_cadre; VACUUM ANALYZE pairing_householdpairing; VACUUM ANALYZE pairing_leave; VACUUM ANALYZE visits_visit;
VACUUM ANALYZE visits_visit_households;
