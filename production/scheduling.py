"""
The farm's plan: plates onto printers with OR-Tools CP-SAT, promised dates first, then the earliest finish.

Pure (no Django): plates and printers in, assignments and bounds out, in integer minutes from the plan's start.

Objective, lexicographic in three solves:
1. the least total lateness (minutes past each plate's due time, summed): promised dates first;
2. with lateness fixed at that optimum, the shortest makespan (the farm finishes as early as it can);
3. with both fixed, the least sum of plate ends (every plate as early as it can, which shortens the lead time).
Each solve gets its share of the time limit and starts from the previous solution (hints).
"""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ortools.sat.python import cp_model


@dataclass(frozen=True)
class PlateTask:
    """A plate to schedule: its due minute (may be negative: already late) and minutes on each printer it fits."""

    key: int
    due_min: int
    durations: Mapping[str, int]  # printer key -> minutes; printers it cannot run on are absent


@dataclass(frozen=True)
class FixedRun:
    """A plate printing now: its printer is busy from minute 0 until `end_min`."""

    printer: str
    end_min: int


@dataclass
class Schedule:
    status: str  # OPTIMAL, FEASIBLE, EMPTY, INFEASIBLE (a plate no printer can run)
    assignments: dict[int, tuple[str, int, int]] = field(default_factory=dict)  # plate -> (printer, start, end)
    makespan_min: int = 0
    tardiness_min: int = 0
    late_plates: int = 0
    lower_bound_min: int = 0
    solver_bound_min: int = 0
    solve_seconds: float = 0.0
    unschedulable: list[int] = field(default_factory=list)

    @property
    def bound_min(self) -> int:
        """The best proven lower bound on the makespan: ours or the solver's."""
        return max(self.lower_bound_min, self.solver_bound_min)

    @property
    def gap(self) -> float:
        return (self.makespan_min - self.bound_min) / self.bound_min if self.bound_min else 0.0


def lower_bound(plates: Sequence[PlateTask], printers: Sequence[str], fixed: Sequence[FixedRun] = ()) -> int:
    """
    A makespan no plan can beat, from three relaxations:

    - the longest plate on its fastest printer (a plate runs on one printer, without a break);
    - a printer busy now cannot finish before its running plate does;
    - for each set S of printers that some plates are limited to: the work of the plates that can run only on S
      (each at its fastest) plus S's running plates, spread evenly over S. With S = every printer this is
      "total work / printers".
    """
    busy = {printer: 0 for printer in printers}
    for run in fixed:
        busy[run.printer] = max(busy.get(run.printer, 0), run.end_min)
    plates = [plate for plate in plates if plate.durations]
    bound = max([min(plate.durations.values()) for plate in plates] + list(busy.values()) + [0])
    sets = {frozenset(plate.durations) for plate in plates} | {frozenset(printers)}
    for subset in sets:
        if not subset:
            continue
        work = sum(min(plate.durations.values()) for plate in plates if set(plate.durations) <= subset)
        work += sum(busy.get(printer, 0) for printer in subset)
        bound = max(bound, -(-work // len(subset)))
    return bound


def _solver(seconds: float, workers: int) -> cp_model.CpSolver:
    from ortools.sat.python import cp_model  # here, not at import: the web process never loads it
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1  # the same input gives the same plan
    return solver


def schedule(plates: Sequence[PlateTask], printers: Sequence[str], *, fixed: Sequence[FixedRun] = (),
             time_limit_s: float = 6.0, workers: int = 2) -> Schedule:
    """
    Assign every plate to one printer it fits, without overlaps on a printer, lexicographically optimal in
    (total lateness, makespan, sum of ends) as far as the time limit allows.

    Parameters
    ----------
    plates : sequence of PlateTask
    printers : sequence of str
      Every printer of the farm, also idle ones (they count in the bound).
    fixed : sequence of FixedRun
      Plates printing now: their printers are busy from 0 to ``end_min``.
    time_limit_s : float
      Wall-clock budget of the three solves together.
    """
    from ortools.sat.python import cp_model  # here, not at import: the web process never loads it
    started = time.perf_counter()
    result = Schedule(status="EMPTY")
    result.unschedulable = [plate.key for plate in plates if not set(plate.durations) & set(printers)]
    plates = [plate for plate in plates if set(plate.durations) & set(printers)]
    result.lower_bound_min = lower_bound(plates, printers, fixed)
    if not plates:
        result.makespan_min = max([run.end_min for run in fixed] + [0])
        result.solve_seconds = time.perf_counter() - started
        return result

    horizon = sum(max(plate.durations.values()) for plate in plates) + max([run.end_min for run in fixed] + [0])
    model = cp_model.CpModel()
    intervals: dict[str, list] = {printer: [] for printer in printers}
    for run in fixed:
        if run.end_min > 0:
            intervals[run.printer].append(model.new_fixed_size_interval_var(0, run.end_min, f"busy-{run.printer}"))
    starts, ends, choices = {}, {}, {}
    for plate in plates:
        start = model.new_int_var(0, horizon, f"s{plate.key}")
        end = model.new_int_var(0, horizon, f"e{plate.key}")
        options = []
        for printer, minutes in plate.durations.items():
            if printer not in intervals:
                continue
            chosen = model.new_bool_var(f"x{plate.key}-{printer}")
            interval = model.new_optional_interval_var(start, minutes, end, chosen, f"i{plate.key}-{printer}")
            intervals[printer].append(interval)
            options.append((printer, chosen))
        model.add_exactly_one(chosen for _, chosen in options)
        starts[plate.key], ends[plate.key], choices[plate.key] = start, end, options
    for printer_intervals in intervals.values():
        if len(printer_intervals) > 1:
            model.add_no_overlap(printer_intervals)

    lateness = {}
    for plate in plates:
        late = model.new_int_var(0, horizon + abs(plate.due_min), f"late{plate.key}")
        model.add_max_equality(late, [ends[plate.key] - plate.due_min, 0])
        lateness[plate.key] = late
    total_late = sum(lateness.values())
    makespan = model.new_int_var(0, horizon, "makespan")
    model.add_max_equality(makespan, list(ends.values()) + [run.end_min for run in fixed])
    model.add(makespan >= result.lower_bound_min)  # a valid cut: it helps the solver prove optimality

    budget = time_limit_s
    statuses = []
    solver = None
    for phase, objective in enumerate((total_late, makespan, sum(ends.values()))):
        model.minimize(objective)
        phase_solver = _solver(budget * (0.4, 0.4, 0.2)[phase], workers)
        status = phase_solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if solver is None:  # not even a first solution within the budget
                result.status = "INFEASIBLE" if status == cp_model.INFEASIBLE else "UNKNOWN"
                result.solve_seconds = time.perf_counter() - started
                return result
            break
        solver = phase_solver
        statuses.append(status)
        value = int(round(solver.objective_value))
        if phase == 1:
            result.solver_bound_min = int(solver.best_objective_bound)
        # keep this phase's optimum (or the value found) while the next one improves its own objective
        model.add(objective <= value)
        model.clear_hints()
        for plate in plates:
            model.add_hint(starts[plate.key], solver.value(starts[plate.key]))
            for _, chosen in choices[plate.key]:
                model.add_hint(chosen, solver.value(chosen))

    for plate in plates:
        printer = next(printer for printer, chosen in choices[plate.key] if solver.value(chosen))
        result.assignments[plate.key] = (printer, solver.value(starts[plate.key]), solver.value(ends[plate.key]))
    result.makespan_min = max([end for _, _, end in result.assignments.values()] + [run.end_min for run in fixed])
    result.tardiness_min = sum(solver.value(late) for late in lateness.values())
    result.late_plates = sum(1 for late in lateness.values() if solver.value(late) > 0)
    result.status = "OPTIMAL" if all(status == cp_model.OPTIMAL for status in statuses) and len(statuses) == 3 \
        else "FEASIBLE"
    if result.solver_bound_min == 0:
        result.solver_bound_min = result.lower_bound_min
    result.solve_seconds = time.perf_counter() - started
    return result
