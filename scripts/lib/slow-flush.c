/*
 * A disk whose flush is slow, for the benchmark scripts (scripts/lib/throwaway-cluster.bash
 * with FLUSH_DELAY_US): preloaded into PostgreSQL's processes, it makes every fdatasync
 * (the call that flushes the WAL at commit, wal_sync_method's default on Linux) take at
 * least FLUSH_DELAY_US microseconds longer, as a cloud disk's 1-2 ms flush does. The
 * flush itself still happens; other calls are untouched. Built by the scripts with cc.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int fdatasync(int fd)
{
    static int (*real_fdatasync)(int);
    static long delay_us = -1;
    if (real_fdatasync == NULL)
        real_fdatasync = (int (*)(int)) dlsym(RTLD_NEXT, "fdatasync");
    if (delay_us < 0) {
        const char *text = getenv("FLUSH_DELAY_US");
        delay_us = text ? atol(text) : 0;
    }
    int result = real_fdatasync(fd);
    if (delay_us > 0) {
        struct timespec pause = { delay_us / 1000000, (delay_us % 1000000) * 1000 };
        nanosleep(&pause, NULL);
    }
    return result;
}
