#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for outage drills ("drills", port 5433, trust auth), separate from
# the shared one on 5432, which other builds use and which must never be stopped.
#   scripts/drill-postgres.sh ensure   create it if missing, start it, wait until it answers
#   scripts/drill-postgres.sh stop     stop it (fast shutdown: connections are cut, as in an outage)
#   scripts/drill-postgres.sh start    start it again
# Needs root (or the postgres user) and Debian's postgresql-common (pg_createcluster, pg_ctlcluster).
set -euo pipefail
PORT="${PAYSYNC_DRILL_PG_PORT:-5433}"
NAME=drills
VERSION="$(ls /etc/postgresql | sort -V | tail -n 1)"

ctl() {
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" "$@"
}

wait_ready() {
  for _ in $(seq 1 60); do
    pg_isready -h 127.0.0.1 -p "$PORT" -q && return 0
    sleep 0.5
  done
  echo "drill PostgreSQL on port $PORT did not start" >&2
  return 1
}

case "${1:-ensure}" in
  ensure)
    if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $NAME"; then
      pg_createcluster "$VERSION" "$NAME" -p "$PORT" -- --auth=trust >/dev/null
    fi
    pg_isready -h 127.0.0.1 -p "$PORT" -q || ctl start
    wait_ready
    ;;
  stop)
    ctl stop -m fast
    ;;
  start)
    ctl start
    wait_ready
    ;;
  *)
    echo "usage: $0 ensure|stop|start" >&2
    exit 2
    ;;
esac
