"""Erlang C: agents needed for a service level, computed stably.

With traffic ``A = arrival rate x handling time`` (in Erlangs) and ``N`` agents, the Erlang B
blocking probability follows the recursion ``B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1))``, which
never forms a factorial or a power and so stays finite for thousands of agents. Erlang C, the
probability that a ticket waits, is ``C = N B / (N - A (1 - B))`` for ``N > A``; the share
answered within ``t`` is ``1 - C exp(-(N - A) t / AHT)``.
"""

from __future__ import annotations

import math

import attrs

import engagekit

__all__ = ["Requirement", "agents_needed", "erlang_b", "erlang_c", "service_level"]

MAX_AGENTS = 100_000


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability with ``agents`` servers and ``traffic`` Erlangs."""
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return b


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that an arriving ticket waits (1 when ``agents <= traffic``)."""
    if agents <= traffic:
        return 1.0
    if traffic <= 0:
        return 0.0
    b = erlang_b(agents, traffic)
    return agents * b / (agents - traffic * (1 - b))


def service_level(agents: int, traffic: float, handling: float, within: float) -> float:
    """Share of tickets answered within ``within`` (same time unit as ``handling``)."""
    if agents <= traffic:
        return 0.0
    c = erlang_c(agents, traffic)
    return 1 - c * math.exp(-(agents - traffic) * within / handling)


@attrs.frozen
class Requirement:
    agents: int
    traffic: float
    service_level: float
    occupancy: float
    wait_probability: float
    average_wait: float  # same unit as the handling time


def agents_needed(
    arrivals: float,
    handling: float,
    within: float,
    target: float,
    max_occupancy: float = 1.0,
    max_agents: int | None = None,
) -> Requirement:
    """The fewest agents meeting ``target`` (a share, 0.8) answered within ``within`` with
    occupancy at most ``max_occupancy``. ``arrivals`` per time unit of ``handling``/``within``.

    Raises ``InputError`` when no number of agents up to ``max_agents`` can serve the load.
    """
    if not 0 < target < 1:
        raise engagekit.InputError(
            f"a service level of {target:.0%} cannot be met", hint="use a target below 100%"
        )
    traffic = arrivals * handling
    if traffic <= 0:
        return Requirement(0, 0.0, 1.0, 0.0, 0.0, 0.0)
    limit = max_agents or MAX_AGENTS
    start = max(1, math.floor(traffic) + 1, math.ceil(traffic / max_occupancy))
    if start > limit:
        raise _unservable(arrivals, handling, traffic, start, limit, max_agents)
    # Erlang B for ``start`` agents, then step: each extra agent is one more recursion step.
    b = erlang_b(start, traffic)
    n = start
    while True:
        c = n * b / (n - traffic * (1 - b))
        sl = 1 - c * math.exp(-(n - traffic) * within / handling)
        if sl >= target:
            return Requirement(n, traffic, sl, traffic / n, c, c * handling / (n - traffic))
        n += 1
        if n > limit:
            raise _unservable(arrivals, handling, traffic, n, limit, max_agents)
        b = traffic * b / (n + traffic * b)


def _unservable(
    arrivals: float, handling: float, traffic: float, n: int, limit: int, max_agents: int | None
) -> engagekit.InputError:
    if max_agents:
        return engagekit.InputError(
            f"{arrivals:g} tickets an hour at {handling * 60:g} minutes each ({traffic:.1f} "
            f"agents busy all the time) need more than the {max_agents} agents available "
            f"(max_agents): the queue would only grow",
            field="arrivals_per_hour",
            hint="raise max_agents, lower the arrival rate or the handling time",
        )
    return engagekit.InputError(
        f"{arrivals:g} tickets an hour at {handling * 60:g} minutes each need more than "
        f"{limit} agents",
        field="arrivals_per_hour",
        hint="check the units: arrivals per hour and handling time in minutes",
    )
