# A relay serving a benchmark script's throwaway cluster: sourced, not run (after
# scripts/lib/throwaway-cluster.bash, with $relay set to the rohrpost-relay binary).
#
#   start_bench_relay PORT LOG [serve options]   # sets bench_relay_pid once /readyz answers
#   start_bench_relay "$port2" "$work/relay.log" "${counting_client_limits[@]}"
#
# The relay serves $DATABASE_URL (put DATABASE_URL=... before the call for another) with
# auth none, warnings only in LOG and no idle timeout. It waits up to 30 s until /readyz
# answers, or prints LOG and exits 1.

# Client limits out of the way of a client that counts every event (it may fall behind in
# bursts, and must not be closed for it).
counting_client_limits=(--max-pending-bytes 1073741824 --messages-per-second 100000 --message-burst 100000)

bench_relay_pid=

start_bench_relay() {
    local relay_port=$1 log=$2
    shift 2
    "$relay" serve --auth none --port "$relay_port" --log-level warning --idle-timeout 0 "$@" >"$log" 2>&1 &
    bench_relay_pid=$!
    for _ in $(seq 1 300); do
        curl -sf "http://127.0.0.1:$relay_port/readyz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "the relay on port $relay_port did not get ready:" >&2
    cat "$log" >&2
    exit 1
}
