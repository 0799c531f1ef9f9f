"""What the soak reads about each process (Linux /proc): resident memory and open file descriptors of the
process with its children (uvicorn's workers, PostgreSQL's backends), and which process holds each of
the run's database connections, matched by the client port pg_stat_activity shows to the sockets in
the process's descriptors."""

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from anpr_cli.processes import rss_mib

_ESTABLISHED = "01"


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants; the children of every thread, not only of the main one."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                todo += [int(child) for child in Path(f"/proc/{current}/task/{task}/children").read_text().split()]
            except OSError:
                continue  # the thread ended meanwhile
    return found


def tree_rss_mib(pids: Iterable[int]) -> float | None:
    """Summed VmRSS; None when not even the first process could be read (it is gone)."""
    values = [rss_mib(pid) for pid in pids]
    if not values or values[0] is None:
        return None
    return sum(value for value in values if value is not None)


def tree_pss_mib(pids: Iterable[int]) -> float | None:
    """Summed proportional set size: memory shared by the processes (PostgreSQL's shared buffers) counts
    once, not once per backend that touched it, which would look like growth as backends touch more."""
    total, first = 0.0, True
    for pid in pids:
        try:
            lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        except OSError:
            if first:
                return None
            continue
        first = False
        total += sum(int(line.split()[1]) for line in lines if line.startswith("Pss:")) / 1024
    return None if first else total


def open_fds(pids: Iterable[int]) -> int:
    return sum(len(_fd_links(pid)) for pid in pids)


def socket_inodes(pids: Iterable[int]) -> set[int]:
    return {int(link[8:-1]) for pid in pids for link in _fd_links(pid) if link.startswith("socket:[")}


def _fd_links(pid: int) -> list[str]:
    links = []
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return []
    for name in names:
        try:
            links.append(os.readlink(f"/proc/{pid}/fd/{name}"))
        except OSError:
            continue  # closed between listing and reading
    return links


def sockets_to(port: int, tables: Iterable[str]) -> dict[int, int]:
    """Socket inode -> local port of the established TCP connections to `port`, from the text of
    /proc/net/tcp and /proc/net/tcp6."""
    found = {}
    for table in tables:
        for line in table.splitlines()[1:]:
            fields = line.split()
            if len(fields) < 10 or fields[3] != _ESTABLISHED:
                continue
            local, remote = fields[1].rpartition(":")[2], fields[2].rpartition(":")[2]
            if int(remote, 16) == port:
                found[int(fields[9])] = int(local, 16)
    return found


def tcp_tables() -> list[str]:
    tables = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            tables.append(Path(name).read_text())
        except OSError:
            continue
    return tables


def connections_per_process(
    client_ports: Iterable[int], port_owner: Mapping[int, str], other: str = "other"
) -> dict[str, int]:
    """Process -> database connections, from the client ports pg_stat_activity lists for the run's
    database; a port no watched process holds (the soak's own, psql) counts as `other`."""
    found: dict[str, int] = {}
    for port in client_ports:
        name = port_owner.get(port, other)
        found[name] = found.get(name, 0) + 1
    return dict(sorted(found.items()))


def port_owners(trees: Mapping[str, list[int]], database_port: int) -> dict[int, str]:
    """Local port of each connection to the database -> the watched process that holds its socket."""
    by_inode = sockets_to(database_port, tcp_tables())
    owners = {}
    for name, pids in trees.items():
        for inode in socket_inodes(pids) & by_inode.keys():
            owners[by_inode[inode]] = name
    return owners
