# Did a subscribed client get every event the journal has? (issue 21) Sourced by the
# benchmark scripts after scripts/lib/throwaway-cluster.bash, not run.
#
#   delivery_start postgres 8124            # database, relay port: before the writes start
#   ... pgbench ...
#   delivery_finish "trigger, 8 clients"    # after them: prints one line, exits 1 on a difference
#
# delivery_start waits until every journal row of the database is numbered, notes the last
# position, and subscribes one client (scripts/lib/count-events.mjs) to collection-0 ..
# collection-100 (DELIVERY_GROUPS="type first last" to change), i.e. to every event of the
# scripts' watched tables (group 'collection-{collection_id}', collection_id 0 to 100).
# delivery_finish waits until every journal row written since is numbered (no journal row
# without its commits row), then until the client has had nothing for QUIET_MS (3000), and
# compares the ids it received with SELECT position FROM rohrpost.read_events(<start>,
# 100000000): the counts, and the first missing or extra positions when they differ. Each
# passed check's line also goes to $work/delivery.log (DELIVERY_QUIET=1: only there, for a
# script that prints them after its table).
# Relays serving such clients need --max-pending-bytes above a burst's frames (the scripts
# pass 1 GiB), or one that falls behind is closed with 1008 and the check says so.

delivery_db=
delivery_start_position=
delivery_start_xid=
delivery_client_pid=

_delivery_psql() { psql -h "$work" -p "$port" -U postgres -d "$delivery_db" -qAt -v ON_ERROR_STOP=1 -c "$1"; }

# Waits (up to 300 s) until no journal row from transaction $1 on lacks its commits row.
delivery_wait_numbered() {
    local since=$1 started=$SECONDS
    until [ "$(_delivery_psql "SELECT count(*) FROM rohrpost.journal j WHERE j.xid >= '$since'
                               AND NOT EXISTS (SELECT FROM rohrpost.commits c WHERE c.xid = j.xid)")" = 0 ]; do
        if ((SECONDS - started > 300)); then
            echo "DELIVERY CHECK FAILED: journal rows written since transaction $since were still not numbered after 300 s" >&2
            exit 1
        fi
        sleep 0.05
    done
}

# Database $1, relay on port $2: notes where the journal stands and subscribes the counting client.
delivery_start() {
    delivery_db=$1
    local relay_port=$2 groups
    read -r -a groups <<<"${DELIVERY_GROUPS:-collection 0 100}"
    delivery_wait_numbered 0
    delivery_start_position=$(_delivery_psql 'SELECT coalesce(max(c.position + c.event_count - 1), 0) FROM rohrpost.commits c')
    delivery_start_xid=$(_delivery_psql 'SELECT pg_current_xact_id()')
    : >"$work/delivery-client.out"
    node --experimental-websocket --no-warnings scripts/lib/count-events.mjs "ws://127.0.0.1:$relay_port/ws/rohrpost/" \
        "${groups[@]}" "$work/delivery-received" >"$work/delivery-client.out" 2>&1 &
    delivery_client_pid=$!
    local started=$SECONDS
    until grep -q '^ready$' "$work/delivery-client.out"; do
        if ! kill -0 "$delivery_client_pid" 2>/dev/null || ((SECONDS - started > 30)); then
            echo "DELIVERY CHECK FAILED: the counting client did not subscribe:" >&2
            cat "$work/delivery-client.out" >&2
            exit 1
        fi
        sleep 0.05
    done
}

# Waits (up to $3 seconds, default 120) until the counting client, started with
# PROGRESS_FILE=$work/progress, has received $1 events: the moment a script stops its
# clock. Exits 1 on timeout; $2 names the run in the line printed.
delivery_wait_received() {
    local expected=$1 run=$2 limit=${3:-120} started=$SECONDS
    until (($(cat "$work/progress" 2>/dev/null || true) + 0 >= expected)); do
        if ((SECONDS - started > limit)); then
            echo "DELIVERY CHECK FAILED ($run): the client got $(cat "$work/progress" 2>/dev/null || true) of $expected events within $limit s" | tee /dev/stderr
            exit 1
        fi
        sleep 0.01
    done
}

# Compares what the client received with the journal; $1 names the run in the line printed.
delivery_finish() {
    local label=$1 counts journal received missing extra
    delivery_wait_numbered "$delivery_start_xid"
    if ! kill -USR1 "$delivery_client_pid" 2>/dev/null || ! wait "$delivery_client_pid"; then
        echo "DELIVERY CHECK FAILED ($label): the counting client failed:" | tee /dev/stderr
        cat "$work/delivery-client.out" | tee /dev/stderr
        exit 1
    fi
    delivery_client_pid=
    counts=$(tail -1 "$work/delivery-client.out")
    _delivery_psql "SELECT position FROM rohrpost.read_events($delivery_start_position, 100000000)" | sort >"$work/delivery-journal"
    sort "$work/delivery-received" >"$work/delivery-received.sorted"
    journal=$(wc -l <"$work/delivery-journal")
    received=$(wc -l <"$work/delivery-received")
    missing=$(comm -23 "$work/delivery-journal" "$work/delivery-received.sorted" | wc -l)
    extra=$(comm -13 "$work/delivery-journal" "$work/delivery-received.sorted" | wc -l)
    if ((missing == 0 && extra == 0 && journal == received)) && [[ $counts == *'"outOfOrder":0,"unexpected":0}' ]]; then
        local line="delivery ($label): journal $journal events after position $delivery_start_position, client received $received: all, once each, in order"
        echo "$line" >>"$work/delivery.log"
        [ -n "${DELIVERY_QUIET:-}" ] || echo "  $line"
        return 0
    fi
    {
        echo "DELIVERY CHECK FAILED ($label): journal $journal events after position $delivery_start_position, client received $received ($counts): $missing missing, $extra not in the journal"
        ((missing == 0)) || echo "  first missing positions: $(comm -23 "$work/delivery-journal" "$work/delivery-received.sorted" | sort -n | head -20 | tr '\n' ' ')"
        ((extra == 0)) || echo "  first positions not in the journal: $(comm -13 "$work/delivery-journal" "$work/delivery-received.sorted" | sort -n | head -20 | tr '\n' ' ')"
    } | tee /dev/stderr
    exit 1
}

# For the EXIT trap.
delivery_cleanup() {
    [ -n "$delivery_client_pid" ] && kill "$delivery_client_pid" 2>/dev/null
    return 0
}
