#!/usr/bin/env bash
# The fault suite (README "Fault drills"): packaged paysync instances on a throwaway PostgreSQL
# cluster (port 5433, created if missing), a bounded callback load, and one fault per drill:
# SIGKILL and SIGTERM of an instance, PostgreSQL stopped and started, the downstream target down,
# a provider's status API hanging. Prints the table (also in target/fault-suite.txt); instance
# logs are in target/fault-suite/<drill>/paysync.log. Run as root (it starts and stops the drill cluster).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/drill-postgres.sh ensure
export PAYSYNC_TEST_POSTGRES_URL="${PAYSYNC_TEST_POSTGRES_URL:-jdbc:postgresql://127.0.0.1:5432/test}"
./mvnw -q -DskipTests package
./mvnw -q test-compile failsafe:integration-test failsafe:verify -Dit.test=FaultSuiteIT
cat target/fault-suite.txt
