# A throwaway PostgreSQL cluster for the benchmark scripts: sourced, not run.
#
#   source "$(dirname "$0")/lib/throwaway-cluster.bash"
#   start_throwaway_cluster writer-cost     # sets $work, $port, $bindir and $as_pg
#   ... ; stop_throwaway_cluster            # call it from the script's EXIT trap
#
# Durable settings (fsync on), wal_level = logical with room for slots and senders,
# otherwise PostgreSQL's defaults. As root the server runs as the postgres user, since
# PostgreSQL refuses to run as root. Extra server options may follow the name.
#
# FLUSH_DELAY_US=1000: every WAL flush (fdatasync) takes that much longer, as on a cloud
# disk (scripts/lib/slow-flush.c, built with cc and preloaded into the server only).

bindir=$(pg_config --bindir)
as_pg=()
[ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)
work=
port=

# Makes and starts the cluster in a new /tmp/rohrpost-$1.XXXXXX, on a random port.
start_throwaway_cluster() {
    local name=$1
    shift
    work=$(mktemp -d "/tmp/rohrpost-$name.XXXXXX")
    chmod 755 "$work"
    [ "$(id -u)" = 0 ] && chown postgres "$work"
    port=$((20000 + RANDOM % 20000))
    "${as_pg[@]}" "$bindir/initdb" -D "$work/data" -A trust -U postgres >/dev/null
    local preload=()
    if [ "${FLUSH_DELAY_US:-0}" -gt 0 ]; then
        cc -shared -fPIC -O2 -o "$work/slow-flush.so" "$(dirname "${BASH_SOURCE[0]}")/slow-flush.c" -ldl
        chmod 755 "$work/slow-flush.so"
        preload=(env LD_PRELOAD="$work/slow-flush.so" FLUSH_DELAY_US="$FLUSH_DELAY_US")
    fi
    "${as_pg[@]}" "${preload[@]}" "$bindir/pg_ctl" -D "$work/data" -l "$work/log" -w -o "-p $port -k $work \
        -c max_connections=100 -c wal_level=logical -c max_replication_slots=10 -c max_wal_senders=10 $*" start >/dev/null
}

# Stops the cluster at once and removes its folder; does nothing when none was made.
stop_throwaway_cluster() {
    [ -n "$work" ] || return 0
    "${as_pg[@]}" "$bindir/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
