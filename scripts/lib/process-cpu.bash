# CPU time of processes, from /proc: sourced by the benchmark scripts, not run.
#
#   process_cpu_micros PID        # the process, all its threads, and its children it has reaped
#   postgres_cpu_micros DATADIR   # the postmaster and every child of it, live or exited
#   postgres_wait_for_local_backends DATADIR   # until pgbench's backends are gone and reaped
#
# How PostgreSQL's processes are counted: every server process (backends, the walsender,
# background workers, the checkpointer ...) is a child of the postmaster, and the postmaster
# reaps each one that exits, which adds that child's CPU time to the postmaster's cutime and
# cstime (/proc/PID/stat fields 16 and 17). So the server's CPU up to now is the postmaster's
# own utime + stime + cutime + cstime plus utime + stime (+ their own cutime + cstime) of each
# child still running. Taken before and after a run, the difference counts every process
# that ran in between: ones that started and exited in between fully (in cutime), ones alive
# at both ends by their own counters, ones alive at the start and gone by the end by their
# total in cutime less what they had at the start. The kernel counts in clock ticks
# (getconf CLK_TCK, 100 here), truncated per live process when read: each reading is low
# by less than one tick (10 ms) per live process, i.e. a difference is right to within
# about (live processes) x 10 ms, a few tenths of a second at worst for ~20 processes.

_clock_tick=$(getconf CLK_TCK)

# Sums utime + stime + cutime + cstime of the given PIDs, in microseconds (gone ones count 0).
_cpu_micros_of() {
    local pid total=0 stat fields
    for pid in "$@"; do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        # The command name (field 2) may hold spaces: read the fields after its closing ')'.
        read -r -a fields <<<"${stat##*) }"
        # fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17.
        total=$((total + fields[11] + fields[12] + fields[13] + fields[14]))
    done
    echo $((total * 1000000 / _clock_tick))
}

process_cpu_micros() { _cpu_micros_of "$1"; }

postgres_cpu_micros() {
    local postmaster
    postmaster=$(head -1 "$1/postmaster.pid")
    _cpu_micros_of "$postmaster" $(ps --ppid "$postmaster" -o pid=)
}

# A backend that just exited counts nowhere until the postmaster reaps it (its own /proc
# entry is read as 0 once gone, the postmaster's cutime does not have it yet): read right
# after pgbench closed 32 connections, a run's backends could all be missing (one plain
# run read 24 µs a write instead of 64). Waits (up to 5 s) until the postmaster has no
# exited child left to reap and no backend of a local-socket client (pgbench, psql).
postgres_wait_for_local_backends() {
    local postmaster deadline=$((SECONDS + 5))
    postmaster=$(head -1 "$1/postmaster.pid")
    while ps --ppid "$postmaster" -o stat=,args= | grep -qE '^ *Z|\[local\]' && ((SECONDS < deadline)); do
        sleep 0.01
    done
}
