"""The randomized clustered-fault soak; scripts/soak runs it (see there for the options)."""

import argparse
import asyncio
import os
import random
import shutil
import sys
import time

from .client import Client
from .faults import Faults
from .processes import Postgres, Replica
from .verdict import Verdict
from .writers import GROUPS, SCHEMA, Writer

DATABASE = "soak"


def parse_arguments():
    parser = argparse.ArgumentParser(prog="scripts/soak", description=__doc__)
    parser.add_argument("--mode", choices=["trigger", "logical"], default="trigger")
    parser.add_argument("--seed", type=int, default=None, help="default: a random one, printed")
    parser.add_argument("--duration", type=float, default=60, help="seconds of writes and faults")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--relay", required=True, help="the rohrpost-relay binary")
    parser.add_argument("--pg-bindir", required=True)
    parser.add_argument("--pg-data", required=True)
    parser.add_argument("--pg-port", type=int, required=True)
    parser.add_argument("--log-dir", required=True, help="relay logs; kept when the soak fails")
    arguments = parser.parse_args()
    if arguments.seed is None:
        arguments.seed = int.from_bytes(os.urandom(4), "big")
    if arguments.replicas < 2:
        parser.error("--replicas must be 2 or more")
    return arguments


async def run_command(*command):
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output.decode()}")


async def set_up(args, postgres):
    admin = Postgres(args.pg_bindir, args.pg_data, args.pg_port, "postgres")
    await admin.query(f"CREATE DATABASE {DATABASE}")
    await run_command(args.relay, "migrate", "--database-url", postgres.url)
    await postgres.query(SCHEMA)
    if args.mode == "logical":
        await run_command(args.relay, "capture", "logical", "--database-url", postgres.url)


async def soak(args):
    say = lambda text: print(f"[{time.monotonic() - started:6.1f}s] {text}", flush=True)
    started = time.monotonic()
    print(f"soak: seed {args.seed}, {args.mode} capture, {args.duration:g} s, {args.replicas} replicas, "
          f"{args.clients} clients, {args.writers} writers (replay: scripts/soak --mode {args.mode} "
          f"--seed {args.seed} --duration {args.duration:g})", flush=True)
    rng = lambda part: random.Random(f"{args.seed}:{part}")
    postgres = Postgres(args.pg_bindir, args.pg_data, args.pg_port, DATABASE)
    await set_up(args, postgres)
    os.makedirs(args.log_dir, exist_ok=True)
    replicas = [Replica(f"r{n}", args.relay, postgres.url, os.path.join(args.log_dir, f"relay-r{n}.log"))
                for n in range(1, args.replicas + 1)]
    verdict = Verdict(postgres)
    clients = []
    layout = rng("groups")
    for n in range(1, args.clients + 1):
        groups = layout.sample(GROUPS, layout.randint(1, 3))
        if n == 1 and "all" not in groups:
            groups.append("all")  # someone hears every row
        clients.append(Client(f"c{n}", groups, replicas, rng(f"client:{n}"), verdict.report))
    writers = [Writer(f"w{n}", postgres.url, rng(f"writer:{n}")) for n in range(1, args.writers + 1)]
    faults = Faults(postgres, replicas, clients, args.mode, rng("faults"), say,
                    lambda text: verdict.violations.append(("-", text)), verdict.note_fault)
    tasks = []
    try:
        for replica in replicas:
            await replica.start()
        tasks += [asyncio.create_task(client.run()) for client in clients]
        # Every client subscribes before the first write.
        await asyncio.wait_for(asyncio.gather(*(c.subscribed_once.wait() for c in clients)), 60)
        say("clients subscribed: " + ", ".join(f"{c.name}={'+'.join(c.ledgers)}" for c in clients))
        writer_tasks = [asyncio.create_task(writer.run()) for writer in writers]
        faults.start()
        deadline = time.monotonic() + args.duration
        while time.monotonic() < deadline:
            await asyncio.sleep(min(10, max(0, deadline - time.monotonic())))
            say(f"events received {sum(c.events for c in clients)}, faults {sum(faults.counts.values())}, "
                f"reconnects {sum(c.reconnects for c in clients)}, violations {len(verdict.violations)}")
        await faults.finish()
        for writer in writers:
            writer.stop()
        await asyncio.gather(*writer_tasks)
        say("writes and faults stopped; waiting for every event to be numbered and delivered")
        await verdict.wait_until_delivered(clients, say)
        for client in clients:
            await client.stop()
        await asyncio.gather(*tasks)
        tasks = []
        await verdict.check_final_state(clients)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for replica in replicas:
            await replica.stop()
    verdict.print_summary(args, clients, writers, faults, replicas)
    if verdict.passed:
        shutil.rmtree(args.log_dir, ignore_errors=True)
    else:
        print(f"relay logs kept in {args.log_dir}")
    return 0 if verdict.passed else 1


def main():
    args = parse_arguments()
    sys.exit(asyncio.run(soak(args)))


main()
