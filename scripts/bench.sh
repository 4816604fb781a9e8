#!/usr/bin/env bash
# paysync benchmark (issue 9): callback intake against the machine's own ceilings, in one run.
#
#   scripts/bench.sh            # build, then PostgreSQL and H2 runs (about 31 minutes on the 2-core
#                               # machine: a minute of JIT warm-up per fresh JVM, and most cases wait
#                               # for the pipeline to finish the previous one's callbacks)
#
# Per database: (a) a constant-200 route on the same Vert.x platform-http engine and JVM (HTTP
# ceiling), (b) pgbench single-INSERT transactions on the same PostgreSQL (commit ceiling; once),
# (g) pgbench writing what paysync writes for one settled callback (bench/pgbench/settled-callback.sql:
# its inbox row, payment, idempotent key, history and outbox rows and delivery mark; one callback per
# transaction, on a database migrated like paysync's; once) — the database's own ceiling for settlement,
# (c) intake per provider, each on a drained pipeline, (d) a mixed five-provider load with 30 % repeats,
# then the same callbacks again (repeats only) — on a fresh instance and database, each starting once
# the pipeline has processed what came before it — (e) settlement of a burst of tracked payments: first callback to last
# downstream message; (f) a hand-rolled receiver (Spring MVC + JdbcTemplate, one INSERT … ON CONFLICT
# per callback, io.paysync.bench.MvcReceiver) in the same JVM, on the operations port, for the
# "2.5 times a hand-rolled receiver" target. Every case: a warm-up, then BENCH_DURATION seconds at
# BENCH_CONNECTIONS; every fresh JVM is first warmed up for its JIT (BENCH_JIT_WARMUP): (a) and (f)
# with their own load, (c), (d) and (e) after a mixed load, processed before they start.
# The report is appended to bench/results/<date>.md; logs go to target/bench/<time>/.
#
# Needs: root (installs Debian's wrk when missing), PostgreSQL on BENCH_PG_HOST:BENCH_PG_PORT with
# trust auth for BENCH_PG_USER. Uses its own databases paysync_bench, paysync_bench_pgbench and paysync_bench_settled
# (dropped and created afresh), never another.
#
# Settings (environment): BENCH_DURATION (20), BENCH_WARMUP (5), BENCH_CONNECTIONS (50),
# BENCH_THREADS (2), BENCH_BURST (20000), BENCH_DATABASES ("postgres h2"), BENCH_PROVIDERS (all five),
# BENCH_CASES ("a b g f c d e"), BENCH_PAYSYNC_ARGS (more --key=value settings for paysync), BENCH_SETTLE_WAIT
# (20: seconds a case waits for the pipeline to finish the previous one's work; the burst waits up to 240),
# BENCH_REPEATS_WAIT (600: the same for the cases (c) and (d), each of which starts on a drained pipeline),
# BENCH_JIT_WARMUP (60: seconds of load before (a), (f), the cases (c), (d) and (e) on a fresh JVM, for the JIT),
# BENCH_BURST_WARMUP (4000: a smaller burst of (e)'s shape before it; 0 for none),
# BENCH_JAVA_OPTS (the JVM options the README recommends), BENCH_SKIP_BUILD=1, BENCH_NOTE (a line for the report),
# BENCH_JFR=1 (a flight recording per database in the log directory), BENCH_RESULTS (another report file),
# BENCH_INTAKE_ONLY=1 (a diagnosis, not the benchmark: paysync without its payment pipeline, so (c) and (d)
# measure intake alone — recorded and acknowledged, never processed; CPU per callback until the case ends;
# only the cases a, b, f, c and d make sense then).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-5}
# a fresh JVM's JIT: C2 was still compiling at 0.25-0.45 of a core 20 s into the mixed load
# (2026-11-21, CPU per thread from /proc), less after 60 s
JIT_WARMUP=${BENCH_JIT_WARMUP:-60}
# (e)'s own path (tracking, then the final callbacks of tracked payments) compiled before it is measured
BURST_WARMUP=${BENCH_BURST_WARMUP:-4000}
CONNECTIONS=${BENCH_CONNECTIONS:-50}
THREADS=${BENCH_THREADS:-2}
BURST=${BENCH_BURST:-20000}
DATABASES=${BENCH_DATABASES:-postgres h2}
# the JVM options the README recommends (Run and test); BENCH_JAVA_OPTS= (empty) for the JVM's defaults
JAVA_OPTS=${BENCH_JAVA_OPTS--Xmx192m -XX:MaxMetaspaceSize=128m}
# glibc's malloc arenas (up to 8 per core by default) hold native memory the JVM has freed
export MALLOC_ARENA_MAX=${BENCH_MALLOC_ARENA_MAX-2}
PROVIDERS=${BENCH_PROVIDERS:-mypvit cinetpay ellypay virtualpay mvola}
CASES=${BENCH_CASES:-a b g f c d e}
PAYSYNC_ARGS=${BENCH_PAYSYNC_ARGS:-}
INTAKE_ONLY=${BENCH_INTAKE_ONLY:-}
if [[ "$INTAKE_ONLY" == 1 ]]; then
    PAYSYNC_ARGS="--camel.main.routes-exclude-pattern=**/payment-pipeline.camel.yaml${PAYSYNC_ARGS:+ $PAYSYNC_ARGS}"
fi
# how long a case waits for the pipeline to work off the previous case (the report says how long it waited)
SETTLE_WAIT=${BENCH_SETTLE_WAIT:-20}
# how long each (d) case waits for the pipeline to finish what came before it
REPEATS_WAIT=${BENCH_REPEATS_WAIT:-600}
PG_HOST=${BENCH_PG_HOST:-127.0.0.1}
PG_PORT=${BENCH_PG_PORT:-5432}
PG_USER=${BENCH_PG_USER:-postgres}
DB=paysync_bench
PGBENCH_DB=paysync_bench_pgbench
SETTLED_DB=paysync_bench_settled
PUBLIC_PORT=${BENCH_PUBLIC_PORT:-18080}
OPS_PORT=${BENCH_OPS_PORT:-18081}

# settings of the benchmark's paysync (test values, not credentials)
API_KEY=bench-key
OPS_PASSWORD=bench-ops
ELLYPAY_SIGNING_KEY=BENCH_ELLYPAY_SIGNING_KEY
CINETPAY_SECRET=BENCH_CINETPAY_SECRET

STAMP=$(date -u +%Y%m%d-%H%M%S)
LOGS="$ROOT/target/bench/$STAMP"
RESULTS_DIR="$ROOT/bench/results"
RESULTS=${BENCH_RESULTS:-"$RESULTS_DIR/$(date -u +%F).md"}
ROWS="$LOGS/rows.md"
mkdir -p "$LOGS" "$RESULTS_DIR"

export BENCH_LUA_DIR="$ROOT/bench/lua"
export BENCH_API_KEY=$API_KEY BENCH_ELLYPAY_SIGNING_KEY=$ELLYPAY_SIGNING_KEY BENCH_CINETPAY_SECRET=$CINETPAY_SECRET
PAYSYNC_PID=
WRK_PID=

say() { printf '%s %s\n' "$(date -u +%T)" "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }

cleanup() {
    if [[ -n "$WRK_PID" ]] && kill -0 "$WRK_PID" 2>/dev/null; then kill "$WRK_PID" 2>/dev/null || true; fi
    stop_paysync
}
trap cleanup EXIT

# ---------------------------------------------------------------- prerequisites

if ! command -v wrk >/dev/null; then
    say "installing wrk (Debian package)"
    apt-get install -y wrk >"$LOGS/apt.log" 2>&1 || { apt-get update >>"$LOGS/apt.log" 2>&1 && apt-get install -y wrk >>"$LOGS/apt.log" 2>&1; } \
        || die "could not install wrk, see $LOGS/apt.log"
fi
for tool in java psql pgbench createdb dropdb curl; do
    command -v "$tool" >/dev/null || die "$tool is missing"
done
psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -Atqc 'SELECT 1' >/dev/null \
    || die "PostgreSQL is not reachable on $PG_HOST:$PG_PORT as $PG_USER"

if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
    say "building the jar"
    ./mvnw -q -B -ntp -DskipTests package >"$LOGS/build.log" 2>&1 || die "build failed, see $LOGS/build.log"
fi
JAR=$(ls "$ROOT"/target/paysync-*.jar 2>/dev/null | grep -v original | head -1)
[[ -n "$JAR" ]] || die "no target/paysync-*.jar"

# ---------------------------------------------------------------- helpers

load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# processes using the CPU right now (over half a second, above 5 %), so that the report says what else ran
other_load() {
    top -b -n 2 -d 0.5 -w 200 | awk -v self="$PAYSYNC_PID" '/^top -/ {block++}
        block == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 > 5 && $12 != "top" {
            printf "%s%s %.0f%%", sep, ($1 == self ? "paysync" : $12 " " $1), $9; sep = ", "; n++}
        END {if (!n) printf "idle"}' || true
}

rss_mb() { awk '/^VmRSS/ {printf "%d", $2/1024}' "/proc/$PAYSYNC_PID/status" 2>/dev/null || echo "?"; }
peak_rss_mb() { awk '/^VmHWM/ {printf "%d", $2/1024}' "/proc/$PAYSYNC_PID/status" 2>/dev/null || echo "?"; }

# CPU time used so far, in clock ticks: "<paysync's JVM> <PostgreSQL>" (every live postgres process,
# plus what its exited backends used: the postmaster's children's times)
cpu_ticks() {
    local jvm pgsql postmaster
    jvm=$(awk '{print $14 + $15}' "/proc/$PAYSYNC_PID/stat" 2>/dev/null || echo 0)
    postmaster=$(pgrep -o -x postgres || true)
    # a backend may exit between pgrep and cat
    pgsql=$( { pgrep -x postgres | sed 's|.*|/proc/&/stat|' | xargs -r cat 2>/dev/null || true; } \
        | awk -v postmaster="$postmaster" '{s += $14 + $15 + ($1 == postmaster ? $16 + $17 : 0)} END {print s + 0}')
    echo "$jvm $pgsql"
}

# milliseconds of CPU per item between two cpu_ticks readings: "<paysync> / <PostgreSQL>"
cpu_per() {
    local before=($1) after=($2) items=$3 hz; hz=$(getconf CLK_TCK)
    awk -v j=$((after[0] - before[0])) -v p=$((after[1] - before[1])) -v n="$items" -v hz="$hz" \
        'BEGIN {printf "%.2f / %.2f", 1000 * j / hz / n, 1000 * p / hz / n}'
}

pg() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -v ON_ERROR_STOP=1 -Atq "$@"; }

metrics() { curl -sf -u "ops:$OPS_PASSWORD" "http://127.0.0.1:$OPS_PORT/actuator/prometheus"; }

# sum of a Prometheus series (all label sets matching the pattern)
metric_sum() { awk -v pattern="$1" '$0 ~ pattern && $1 !~ /^#/ {s += $NF} END {printf "%d", s}'; }

start_paysync() {
    local name=$1; shift
    local dir="$LOGS/$name"
    mkdir -p "$dir"
    local jfr=()
    if [[ "${BENCH_JFR:-}" == 1 ]]; then
        jfr=("-XX:StartFlightRecording=filename=$dir/paysync.jfr,settings=profile")
    fi
    say "starting paysync on $name"
    # sandbox off; each verifier gets what it needs; the unsigned providers' callbacks are taken as
    # final (no status API here to confirm them); CinetPay's checks go to a closed port (they fail
    # fast, off the intake path); reconciliation is kept out of the measurement; the downstream
    # target is the default log endpoint with its logger raised, so settlement measures paysync
    # shellcheck disable=SC2086
    (cd "$dir" && exec java $JAVA_OPTS "${jfr[@]}" -jar "$JAR" "$@" \
        --paysync.sandbox.enabled=false \
        --paysync.bench.ceiling-route=true --paysync.bench.mvc-receiver=true \
        --paysync.http.port="$PUBLIC_PORT" --paysync.http.host=127.0.0.1 --server.port="$OPS_PORT" \
        --paysync.api.key="$API_KEY" --paysync.ops.password="$OPS_PASSWORD" \
        --paysync.providers.ellypay.signing-key="$ELLYPAY_SIGNING_KEY" \
        --paysync.providers.cinetpay.secret-key="$CINETPAY_SECRET" \
        --paysync.providers.cinetpay.base-url=http://127.0.0.1:9 \
        --paysync.providers.cinetpay.apikey=bench --paysync.providers.cinetpay.site-id=123456 \
        --paysync.providers.mypvit.confirm-callbacks=false \
        --paysync.providers.mvola.confirm-callbacks=false \
        --paysync.providers.virtualpay.confirm-callbacks=false \
        --paysync.reconciliation.first-check-after=PT1H \
        --paysync.downstream.uri=log:paysync.payments \
        --logging.level.paysync.payments=WARN \
        $PAYSYNC_ARGS >"$dir/paysync.log" 2>&1) &
    PAYSYNC_PID=$!
    for _ in $(seq 1 180); do
        kill -0 "$PAYSYNC_PID" 2>/dev/null || die "paysync exited, see $dir/paysync.log"
        if curl -sf "http://127.0.0.1:$OPS_PORT/actuator/health/readiness" >/dev/null 2>&1; then
            say "paysync is ready (pid $PAYSYNC_PID, RSS $(rss_mb) MB)"
            return
        fi
        sleep 1
    done
    die "paysync did not become ready in 180 s"
}

stop_paysync() {
    if [[ -n "$PAYSYNC_PID" ]] && kill -0 "$PAYSYNC_PID" 2>/dev/null; then
        kill -TERM "$PAYSYNC_PID"
        for _ in $(seq 1 60); do kill -0 "$PAYSYNC_PID" 2>/dev/null || break; sleep 1; done
        kill -0 "$PAYSYNC_PID" 2>/dev/null && kill -KILL "$PAYSYNC_PID"
    fi
    PAYSYNC_PID=
}

# waits until the pipeline has processed what was acknowledged (PostgreSQL: no RECEIVED inbox row
# and no PENDING outbox row; H2: the pipeline and downstream counters stand still for 5 s)
settle() {
    local database=$1 limit=${2:-$SETTLE_WAIT} start=$SECONDS last="" still=0
    # without a pipeline nothing is ever processed: nothing to wait for
    [[ "$INTAKE_ONLY" == 1 ]] && limit=0
    while (( SECONDS - start < limit )); do
        if [[ "$database" == postgres ]]; then
            local open
            read -r open _ <<<"$(open_work postgres)"
            [[ "$open" == 0 ]] && break
        else
            local now
            now=$(metrics | awk '/^camel_exchanges_total\{.*routeId="payment-pipeline-apply"/ || /^paysync_downstream_deliveries_total/ {s += $NF} END {print s}')
            if [[ "$now" == "$last" ]]; then still=$((still + 1)); else still=0; last=$now; fi
            (( still >= 5 )) && break
        fi
        sleep 1
    done
    echo $((SECONDS - start))
}

# runs wrk; prints its BENCH_RESULT line's fields as shell assignments
wrk_run() {
    local seconds=$1 out=$2; shift 2
    env "$@" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 10s -s "$BENCH_LUA_DIR/callbacks.lua" \
        "http://127.0.0.1:${WRK_PORT:-$PUBLIC_PORT}" >"$out" 2>&1 || true
    wrk_result "$out"
}

# wrk with a quota per thread (BENCH_QUOTA): the threads stop after it, but wrk waits out -d, so it is
# told to finish (SIGINT) once every thread has left its marker. Starts it in the background.
wrk_quota_start() {
    local out=$1; shift
    WRK_DONE="$LOGS/done.$RANDOM"
    mkdir -p "$WRK_DONE"
    env "$@" BENCH_DONE_DIR="$WRK_DONE" wrk -t"$THREADS" -c"$CONNECTIONS" -d600s --timeout 10s \
        -s "$BENCH_LUA_DIR/callbacks.lua" "http://127.0.0.1:$PUBLIC_PORT" >"$out" 2>&1 &
    WRK_PID=$!
}

# waits for every thread's marker (at most $1 seconds), then stops wrk (not in a subshell: wrk is
# this shell's child)
wrk_quota_finish() {
    local limit=$1 start=$SECONDS
    while (( SECONDS - start < limit )); do
        (( $(ls "$WRK_DONE" | wc -l) >= THREADS )) && break
        sleep 0.2
    done
    kill -INT "$WRK_PID" 2>/dev/null || true
    wait "$WRK_PID" 2>/dev/null || true
    WRK_PID=
    rm -rf "$WRK_DONE"
}

# the BENCH_RESULT line of a wrk output as shell assignments
wrk_result() {
    grep '^BENCH_RESULT' "$1" | sed 's/^BENCH_RESULT //' | tr ' ' '\n' || die "wrk gave no result, see $1"
}

ms() { awk -v us="$1" 'BEGIN {printf "%.1f", us / 1000}'; }

CEILING_RPS=
PGBENCH_TPS=
SETTLED_TPS=
MVC_RPS=

# one measured case: warm-up, then the run; appends a table row
measure() {
    local database=$1 name=$2 mode=$3 prefix=$4; shift 4
    local out="$LOGS/$database/$name.wrk"
    local waited
    waited=$(settle "$database")
    local load; load=$(load_average)
    local others; others=$(other_load)
    local warmup=${CASE_WARMUP:-$WARMUP}
    # paysync's callbacks: the CPU they cost, the pipeline's work included (from the warm-up to the
    # pipeline done with them: every callback settled and delivered)
    local pipeline=""
    [[ "$mode" != ceiling && "$mode" != mvc ]] && pipeline=1
    local cpu0=""; [[ -n "$pipeline" ]] && cpu0=$(cpu_ticks)
    local warm_requests=0
    if (( warmup > 0 )); then
        warm_requests=$(wrk_run "$warmup" "$out.warmup" BENCH_MODE="$mode" BENCH_PREFIX="W$prefix" "$@" \
            | awk -F= '$1 == "requests" {print $2}')
    fi
    local requests duration_us p50_us p99_us max_us status_errors connect read write timeout p90_us
    eval "$(wrk_run "$DURATION" "$out" BENCH_MODE="$mode" BENCH_PREFIX="$prefix" "$@")"
    local cpu="-" drained=""
    if [[ -n "$pipeline" ]]; then
        drained=$(settle "$database" "$REPEATS_WAIT")
        if (( drained < REPEATS_WAIT )); then
            cpu=$(cpu_per "$cpu0" "$(cpu_ticks)" "$((${warm_requests:-0} + requests))")
            [[ "$database" == postgres ]] || cpu="${cpu% / *} / -"
        fi
        # (without a pipeline settle returns at once: CPU counted to the end of the case)
        if [[ "$INTAKE_ONLY" == 1 ]]; then drained="; intake only"; else drained="; pipeline done ${drained} s after"; fi
    fi
    local rps; rps=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN {printf "%.0f", r / (d / 1e6)}')
    local socket=$((connect + read + write + timeout))
    local of_ceiling="" of_pgbench="" of_settled="" of_mvc=""
    if [[ -n "$CEILING_RPS" && "$mode" != ceiling ]]; then
        of_ceiling=$(awk -v a="$rps" -v b="$CEILING_RPS" 'BEGIN {printf "%.0f %%", 100 * a / b}')
    fi
    if [[ -n "$PGBENCH_TPS" && "$database" == postgres && "$mode" != ceiling ]]; then
        of_pgbench=$(awk -v a="$rps" -v b="$PGBENCH_TPS" 'BEGIN {printf "%.0f %%", 100 * a / b}')
    fi
    if [[ -n "$SETTLED_TPS" && "$database" == postgres && -n "$pipeline" ]]; then
        of_settled=$(awk -v a="$rps" -v b="$SETTLED_TPS" 'BEGIN {printf "%.0f %%", 100 * a / b}')
    fi
    if [[ -n "$MVC_RPS" && "$mode" != ceiling && "$mode" != mvc ]]; then
        of_mvc=$(awk -v a="$rps" -v b="$MVC_RPS" 'BEGIN {printf "%.1f×", a / b}')
    fi
    [[ "$mode" == ceiling ]] && CEILING_RPS=$rps
    [[ "$mode" == mvc ]] && MVC_RPS=$rps
    say "$database $name: $rps req/s, p50 $(ms "$p50_us") ms, p99 $(ms "$p99_us") ms, non-2xx $status_errors, socket $socket, CPU ms per callback $cpu"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$database" "$name" "$rps" \
        "$(ms "$p50_us")" "$(ms "$p99_us")" "$(ms "$max_us")" "$status_errors" "$socket" "$(rss_mb)" \
        "${of_ceiling:--}" "${of_pgbench:--}" "${of_settled:--}" "${of_mvc:--}" "$cpu" "$load (waited ${waited} s$drained; $others)" >>"$ROWS"
}

# (b) pgbench: one INSERT per transaction, same clients, same duration
pgbench_case() {
    dropdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" --if-exists "$PGBENCH_DB"
    createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PGBENCH_DB"
    pg -d "$PGBENCH_DB" -c "CREATE TABLE bench_commit (id BIGSERIAL PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), body TEXT NOT NULL)"
    echo "INSERT INTO bench_commit (body) VALUES ('a callback of about this size, stored in one transaction');" >"$LOGS/pgbench.sql"
    local load; load=$(load_average)
    local others; others=$(other_load)
    pgbench -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -n -c "$CONNECTIONS" -j "$THREADS" -T "$WARMUP" -M prepared \
        -f "$LOGS/pgbench.sql" "$PGBENCH_DB" >"$LOGS/pgbench.warmup" 2>&1
    pgbench -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -n -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" -M prepared \
        -f "$LOGS/pgbench.sql" "$PGBENCH_DB" >"$LOGS/pgbench.out" 2>&1 || die "pgbench failed, see $LOGS/pgbench.out"
    PGBENCH_TPS=$(awk '/^tps/ {printf "%.0f", $3}' "$LOGS/pgbench.out")
    local latency; latency=$(awk '/latency average/ {print $4}' "$LOGS/pgbench.out")
    local failed; failed=$(awk '/number of failed transactions/ {print $5}' "$LOGS/pgbench.out")
    dropdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" --if-exists "$PGBENCH_DB"
    say "pgbench: $PGBENCH_TPS tps, latency average $latency ms"
    printf '| postgres | (b) pgbench INSERT ceiling | %s | %s (avg) | - | - | %s | - | - | - | - | - | - | - | %s (%s) |\n' \
        "$PGBENCH_TPS" "$latency" "${failed:-0}" "$load" "$others" >>"$ROWS"
}

# CPU time of the whole machine so far, in clock ticks (user, nice, system, irq, softirq)
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }

# (g) pgbench with what paysync writes for one settled callback, same clients, same duration; its CPU
# is the whole machine's (pgbench's client and PostgreSQL; paysync is idle meanwhile)
settled_ceiling_case() {
    dropdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" --if-exists "$SETTLED_DB"
    createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$SETTLED_DB"
    # paysync's migrations in version order, the PostgreSQL-only ones among them, as Flyway applies them
    local migration
    for migration in $(ls "$ROOT"/src/main/resources/db/migration/V*.sql "$ROOT"/src/main/resources/db/vendor/postgresql/V*.sql \
            | sed 's|.*/V\([0-9]*\)__.*|\1 &|' | sort -n | cut -d' ' -f2); do
        pg -d "$SETTLED_DB" -f "$migration" >/dev/null
    done
    local script="$ROOT/bench/pgbench/settled-callback.sql"
    local load; load=$(load_average)
    local others; others=$(other_load)
    pgbench -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -n -c "$CONNECTIONS" -j "$THREADS" -T "$WARMUP" -M prepared \
        -f "$script" "$SETTLED_DB" >"$LOGS/settled.warmup" 2>&1 || die "pgbench (g) failed, see $LOGS/settled.warmup"
    local ticks0; ticks0=$(machine_ticks)
    pgbench -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -n -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" -M prepared \
        -f "$script" "$SETTLED_DB" >"$LOGS/settled.out" 2>&1 || die "pgbench (g) failed, see $LOGS/settled.out"
    local ticks1; ticks1=$(machine_ticks)
    SETTLED_TPS=$(awk '/^tps/ {printf "%.0f", $3}' "$LOGS/settled.out")
    local latency; latency=$(awk '/latency average/ {print $4}' "$LOGS/settled.out")
    local failed; failed=$(awk '/number of failed transactions/ {print $5}' "$LOGS/settled.out")
    local count; count=$(awk '/number of transactions actually processed/ {split($6, n, "/"); print n[1]}' "$LOGS/settled.out")
    local delivered; delivered=$(pg -d "$SETTLED_DB" -c "SELECT COUNT(*) FROM outbox WHERE status = 'DELIVERED'")
    local cpu; cpu=$(awk -v t=$((ticks1 - ticks0)) -v n="$count" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", 1000 * t / hz / n}')
    dropdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" --if-exists "$SETTLED_DB"
    say "pgbench settled callbacks: $SETTLED_TPS per second, latency average $latency ms, $cpu ms of the machine's CPU each"
    printf '| postgres | (g) pgbench settled-callback ceiling | %s | %s (avg) | - | - | %s | - | - | - | - | - | - | %s (machine: pgbench and PostgreSQL) | %s (%s; %s payments delivered, warm-up included) |\n' \
        "$SETTLED_TPS" "$latency" "${failed:-0}" "$cpu" "$load" "$others" "$delivered" >>"$ROWS"
}

# "<open> <backlog>": events of the burst not yet delivered (of $2 in all) and the outbox backlog.
# On PostgreSQL read from the database, along the state indexes (callbacks not yet processed, events
# not yet delivered): the metrics endpoint would cost paysync a BCrypt check of the ops password per
# poll (tens of milliseconds of CPU, a fifth of the machine at five polls a second, seen in a flight
# recording), and counting the burst's wide inbox rows cost PostgreSQL 25 ms a poll. On H2 (locked
# by paysync) from the metrics, polled once a second.
open_work() {
    if [[ "$1" == postgres ]]; then
        pg -d "$DB" -F ' ' -c "SELECT (SELECT COUNT(*) FROM callback_inbox WHERE state = 'RECEIVED')
            + (SELECT COUNT(*) FROM outbox WHERE status = 'PENDING'), (SELECT COUNT(*) FROM outbox WHERE status = 'PENDING')"
    else
        local m; m=$(metrics) || return 1
        local delivered; delivered=$(metric_sum '^paysync_downstream_deliveries_total.*outcome="delivered"' <<<"$m")
        echo "$(( $2 - (delivered - DELIVERED0) ))" "$(metric_sum '^paysync_downstream_backlog' <<<"$m")"
    fi
}

# when every wrk thread had its quota answered (the newest marker's time, in ns), or nothing yet
acked_time() {
    (( $(ls "$WRK_DONE" | wc -l) >= THREADS )) || return 0
    stat -c %.9Y "$WRK_DONE"/* | sort -n | tail -1 | tr -d .
}

# a fresh JVM compiles the intake path and the pipeline first: a mixed load of JIT_WARMUP seconds;
# the case that follows waits until its callbacks are processed
jit_warmup() {
    local database=$1 case=$2 prefix=$3
    (( JIT_WARMUP > 0 )) || return 0
    wrk_run "$JIT_WARMUP" "$LOGS/$database/$case jit warm-up.wrk" BENCH_MODE=mixed BENCH_PREFIX="$prefix" \
        BENCH_DUP_RATE=0.3 >/dev/null
}

# (e) BURST payments tracked first (PUT /api/payments, like payments initiated elsewhere), then
# their final callbacks as fast as the connections go; time to the last downstream message
SETTLEMENT=()
settlement_case() {
    local database=$1 prefix=$2
    local per_thread=$((BURST / THREADS))
    local total=$((per_thread * THREADS))
    mkdir -p "$LOGS/$database"
    jit_warmup "$database" "(e)" "J$prefix"
    if (( BURST_WARMUP >= THREADS )); then
        # a smaller burst of the same shape (its own payments), settled before the measured one
        local warm=$((BURST_WARMUP / THREADS))
        wrk_quota_start "$LOGS/$database/track warm-up.wrk" BENCH_MODE=track BENCH_PREFIX="K$prefix" BENCH_QUOTA="$warm"
        wrk_quota_finish 300
        wrk_quota_start "$LOGS/$database/burst warm-up.wrk" BENCH_MODE=burst BENCH_PREFIX="K$prefix" BENCH_QUOTA="$warm"
        wrk_quota_finish 300
    fi
    # the burst starts on a drained pipeline: what it measures is its own settlement
    local waited; waited=$(settle "$database" 240)
    local requests duration_us p50_us p90_us p99_us max_us status_errors connect read write timeout
    wrk_quota_start "$LOGS/$database/track.wrk" BENCH_MODE=track BENCH_PREFIX="$prefix" BENCH_QUOTA="$per_thread"
    wrk_quota_finish 300
    eval "$(wrk_result "$LOGS/$database/track.wrk")"
    (( status_errors + connect + read + write + timeout == 0 )) || die "tracking the burst's payments failed, see $LOGS/$database/track.wrk"
    local backlog0=0
    DELIVERED0=0
    if [[ "$database" == postgres ]]; then
        read -r _ backlog0 <<<"$(open_work postgres)"
    else
        local m0; m0=$(metrics)
        DELIVERED0=$(metric_sum '^paysync_downstream_deliveries_total.*outcome="delivered"' <<<"$m0")
        backlog0=$(metric_sum '^paysync_downstream_backlog' <<<"$m0")
    fi
    local load; load=$(load_average)
    local others; others=$(other_load)
    local out="$LOGS/$database/burst.wrk"
    local cpu0; cpu0=$(cpu_ticks)
    local t0; t0=$(date +%s%N)
    wrk_quota_start "$out" BENCH_MODE=burst BENCH_PREFIX="$prefix" BENCH_QUOTA="$per_thread"
    local acked_at="" done_at="" backlog_peak=0 open backlog now
    local poll=0.5
    [[ "$database" == postgres ]] || poll=1
    while :; do
        sleep "$poll"
        now=$(date +%s%N)
        [[ -n "$acked_at" ]] || acked_at=$(acked_time)
        read -r open backlog <<<"$(open_work "$database" "$total")" || continue
        [[ -n "$open" ]] || continue
        # where the burst's work waits: ms since the first callback, callbacks not yet processed, events not yet delivered
        echo "$(( (now - t0) / 1000000 )) $(( open - backlog )) $backlog" >>"$LOGS/$database/burst.progress"
        (( backlog > backlog_peak )) && backlog_peak=$backlog
        if [[ -n "$acked_at" ]] && (( open <= 0 )); then done_at=$now; break; fi
        (( (now - t0) / 1000000000 > 300 )) && break
    done
    # the CPU the burst cost, per callback (a steadier measure than its duration on a shared machine)
    local cpu="-"
    [[ -n "$done_at" ]] && cpu=$(cpu_per "$cpu0" "$(cpu_ticks)" "$total")
    [[ "$database" == postgres ]] || cpu="${cpu% / *} / -"
    wrk_quota_finish 30
    eval "$(wrk_result "$out")"
    local socket=$((connect + read + write + timeout))
    local intake="-" settled="not within 300 s" drain="-"
    if [[ -n "$acked_at" ]]; then
        intake=$(awk -v a="$acked_at" -v b="$t0" -v n="$total" 'BEGIN {printf "%.1f s (%.0f callbacks/s)", (a-b)/1e9, n/((a-b)/1e9)}')
    fi
    if [[ -n "$done_at" ]]; then
        settled=$(awk -v a="$done_at" -v b="$t0" -v n="$total" 'BEGIN {printf "%.1f s (%.0f payments/s)", (a-b)/1e9, n/((a-b)/1e9)}')
        [[ -n "$acked_at" ]] && drain=$(awk -v a="$done_at" -v b="$acked_at" 'BEGIN {printf "%.1f s", (a-b)/1e9}')
    fi
    say "$database settlement of $total: acknowledged in $intake, delivered in $settled, drain after the burst $drain"
    SETTLEMENT+=("| $database | $total | $intake | $settled | $drain | $backlog_peak | $cpu | $(ms "$p50_us") / $(ms "$p99_us") | $status_errors / $socket | $(rss_mb) | $load (waited ${waited} s for the pipeline, outbox backlog at the start $backlog0; $others) |")
}

# ---------------------------------------------------------------- the runs

has() { [[ " $CASES " == *" $1 "* ]]; }

PEAKS=()
# starts paysync on a database of its own: PostgreSQL's paysync_bench created afresh, or H2 in a
# fresh working directory ($2 names the run's log directory)
start_on() {
    local database=$1 name=$2
    if [[ "$database" == postgres ]]; then
        dropdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" --if-exists "$DB"
        createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$DB"
        start_paysync "$name" --spring.datasource.url="jdbc:postgresql://$PG_HOST:$PG_PORT/$DB" \
            --spring.datasource.username="$PG_USER" --spring.datasource.password=
    else
        start_paysync "$name"   # the default: an H2 file database under ./data of its working directory
    fi
}

# what the instance left: rejected callbacks, callbacks not yet processed (or failed), events not yet
# delivered (PostgreSQL only: H2's file is paysync's)
leftovers() {
    pg -d "$DB" -F ' ' -c "SELECT (SELECT COUNT(*) FROM callback_inbox WHERE outcome <> 'ACCEPTED' AND outcome <> 'DUPLICATE'),
        (SELECT COUNT(*) FROM callback_inbox WHERE state IN ('RECEIVED', 'FAILED')),
        (SELECT COUNT(*) FROM outbox WHERE status <> 'DELIVERED')"
}

# the instance of the cases named is done: its peak RSS and what it left, then it stops
instance_ended() {
    local database=$1 cases=$2
    PEAKS+=("$database $cases: peak RSS $(peak_rss_mb) MB")
    if [[ "$database" == postgres ]]; then
        # the cases outrun the pipeline: what they leave is processed after a restart (not measured)
        PEAKS+=("postgres when $cases ended: rejected callbacks, callbacks not yet processed or failed, events not yet delivered: $(leftovers)")
    fi
    stop_paysync
}

run_database() {
    local database=$1
    local run; run=$(date +%s | tail -c 6)
    CEILING_RPS=
    MVC_RPS=
    if has a || has b || has g || has f || has c || has d; then
        start_on "$database" "$database"
        [[ "$database" == postgres ]] && has b && pgbench_case
        [[ "$database" == postgres ]] && has g && settled_ceiling_case
        # the ceiling and the hand-rolled receiver warmed up as long as paysync's intake (below)
        has a && CASE_WARMUP=$JIT_WARMUP measure "$database" "(a) constant 200 on the engine" ceiling "C$run"
        has f && CASE_WARMUP=$JIT_WARMUP WRK_PORT=$OPS_PORT measure "$database" "(f) hand-rolled MVC receiver (ops port)" mvc "F$run"
        if has c; then
            # compiled first, like (d) and (e); each provider starts once the pipeline has processed
            # what came before it (the JIT warm-up's and the previous provider's callbacks)
            jit_warmup "$database" "(c)" "K$run"
            for provider in $PROVIDERS; do
                SETTLE_WAIT=$REPEATS_WAIT measure "$database" "(c) $provider" "$provider" "P${run}${provider:0:2}"
            done
        fi
        local cases="(a)–(c)"
        if has d; then
            if has a || has f || has c; then
                # (d) on a fresh database and instance: the cases above outrun the pipeline, and the
                # repeats are compared with the mixed load on an equal footing, each started once the
                # pipeline has processed what came before it
                instance_ended "$database" "$cases"
                start_on "$database" "$database-mixed"
            fi
            cases="(d)"
            jit_warmup "$database" "(d)" "J$run"
            SETTLE_WAIT=$REPEATS_WAIT measure "$database" "(d) mixed, 30 % repeats" mixed "M$run" BENCH_DUP_RATE=0.3
            SETTLE_WAIT=$REPEATS_WAIT measure "$database" "(d) repeats only" duplicates "M$run" BENCH_DUP_RANGE=300
        fi
        instance_ended "$database" "$cases"
    fi
    if has e; then
        # on a fresh database and instance: the cases above leave the pipeline far behind (they
        # outrun it), and (e) measures the settlement of its own burst
        start_on "$database" "$database-settlement"
        settlement_case "$database" "S$run"
        PEAKS+=("$database (e): peak RSS $(peak_rss_mb) MB")
        if [[ "$database" == postgres ]]; then
            PEAKS+=("postgres after (e): rejected callbacks, callbacks not yet processed or failed, events not yet delivered: $(leftovers)")
        fi
        stop_paysync
    fi
    [[ "$database" == postgres ]] && dropdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" --if-exists "$DB"
    return 0
}

PG_VERSION=$(pg -d postgres -c 'SHOW server_version')
JAVA_VERSION=$(java -version 2>&1 | head -1)
CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
MEMORY=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
DIRTY=$(git status --porcelain 2>/dev/null | grep -v '^??' | head -1 || true)
STARTED=$(date -u '+%F %T UTC')
LOAD_BEFORE=$(load_average)

: >"$ROWS"
for database in $DATABASES; do
    run_database "$database"
done

# ---------------------------------------------------------------- report

{
    if [[ ! -s "$RESULTS" ]]; then
        echo "# Benchmark results, $(date -u +%F)"
        echo
        echo "Written by \`scripts/bench.sh\` (issue 9); each run is appended below."
        echo
    fi
    echo "## Run of $STARTED (commit $COMMIT${DIRTY:+ with local changes})"
    echo
    echo "Machine: $(nproc) cores ($CPU), $MEMORY memory; $JAVA_VERSION; PostgreSQL $PG_VERSION."
    echo "JVM options: \`${JAVA_OPTS:-none (java -jar defaults)}\`${MALLOC_ARENA_MAX:+ with MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX}${PAYSYNC_ARGS:+; paysync settings: \`$PAYSYNC_ARGS\`}. wrk: $THREADS threads, $CONNECTIONS connections,"
    echo "${WARMUP} s warm-up, then ${DURATION} s per case; a JIT warm-up of ${JIT_WARMUP} s on each fresh JVM (the first"
    echo "case (a) and (f) warm up that long, a mixed load before the cases (c), (d) and (e)). Load average before the run: $LOAD_BEFORE."
    [[ -n "${BENCH_NOTE:-}" ]] && { echo; echo "$BENCH_NOTE"; }
    echo
    if [[ "$INTAKE_ONLY" == 1 ]]; then
    echo "**Intake only** (BENCH_INTAKE_ONLY=1, a diagnosis, not the benchmark): paysync ran without its payment pipeline,"
    echo "so callbacks were recorded and acknowledged but never processed. CPU ms per callback (cases (c) and (d)): the CPU"
    echo "time paysync's JVM and PostgreSQL's processes used from the case's warm-up to its end, divided by the callbacks."
    else
    echo "CPU ms per callback (cases (c) and (d)): the CPU time paysync's JVM and PostgreSQL's processes used from the"
    echo "case's warm-up until the pipeline had settled and delivered all of its callbacks, divided by the callbacks"
    echo "(warm-up included); \"-\" when the pipeline was not done within ${REPEATS_WAIT} s."
    fi
    echo
    echo "(g): what paysync writes for one settled callback (\`bench/pgbench/settled-callback.sql\`), by pgbench, one"
    echo "callback per transaction; \"of (g)\": paysync's acknowledged callbacks per second against these settled ones."
    echo
    echo "| db | case | req/s | p50 ms | p99 ms | max ms | non-2xx | socket errors | RSS MB | of (a) | of (b) | of (g) | × (f) | CPU ms per callback: paysync / PostgreSQL | load average before (pipeline wait; top processes) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    cat "$ROWS"
    echo
    if (( ${#SETTLEMENT[@]} > 0 )); then
    echo "Settlement (e), on a fresh instance after a JIT warm-up of ${JIT_WARMUP} s (mixed load) and a burst of $BURST_WARMUP of its own shape, both processed first:"
    echo "$BURST payments tracked with \`PUT /api/payments\`, then their final callbacks (EllyPay,"
    echo "MyPVit, MVola, VirtualPay in turn) at $CONNECTIONS connections; from the first callback to the"
    echo "last \`payment.finalized\` message delivered downstream. Acknowledged: when wrk had the last answer;"
    echo "delivered: the first poll (every 0.5 s on PostgreSQL, 1 s on H2) that found nothing left to deliver."
    echo "CPU per callback: the CPU time paysync's JVM and PostgreSQL's processes used from the first callback to"
    echo "that poll, divided by the callbacks (H2 runs inside paysync's JVM)."
    echo
    echo "| db | callbacks | all acknowledged after | all delivered after | drain after the last ack | outbox backlog peak | CPU ms per callback: paysync / PostgreSQL | ack p50 / p99 ms | non-2xx / socket errors | RSS MB | load average before |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${SETTLEMENT[@]}"
    echo
    fi
    printf -- '- %s\n' "${PEAKS[@]}"
    echo
    echo "Logs: \`target/bench/$STAMP/\`."
    echo
} >>"$RESULTS"
say "report appended to ${RESULTS#"$ROOT"/}"
