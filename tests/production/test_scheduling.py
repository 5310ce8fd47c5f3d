"""The farm's plan (CP-SAT): every plate once, on a printer it fits, no overlaps, at least the bound, dates met."""
from hypothesis import HealthCheck, given, settings, strategies as st

from production.scheduling import FixedRun, PlateTask, lower_bound, schedule

PRINTERS = ["xl-1", "xl-2", "x1-1", "mk4-1"]


@st.composite
def farms(draw):
    count = draw(st.integers(1, 14))
    plates = []
    for key in range(count):
        allowed = draw(st.lists(st.sampled_from(PRINTERS), min_size=1, max_size=4, unique=True))
        base = draw(st.integers(10, 600))
        plates.append(PlateTask(key=key, due_min=draw(st.integers(-100, 3000)),
                                durations={printer: base + 7 * index for index, printer in enumerate(allowed)}))
    fixed = [FixedRun(printer="xl-1", end_min=draw(st.integers(1, 200)))] if draw(st.booleans()) else []
    return plates, fixed


def assert_valid(plates, fixed, result):
    assert set(result.assignments) == {plate.key for plate in plates}  # every plate exactly once
    by_printer = {}
    for plate in plates:
        printer, start, end = result.assignments[plate.key]
        assert printer in plate.durations and end - start == plate.durations[printer] and start >= 0
        by_printer.setdefault(printer, []).append((start, end))
    for run in fixed:
        by_printer.setdefault(run.printer, []).append((0, run.end_min))
    for runs in by_printer.values():  # no two plates overlap on one printer
        runs.sort()
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(runs, runs[1:]))
    assert result.makespan_min >= result.lower_bound_min
    assert result.makespan_min >= result.solver_bound_min


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(farms())
def test_every_plate_is_assigned_once_without_overlap_and_never_beats_the_bound(farm):
    plates, fixed = farm
    result = schedule(plates, PRINTERS, fixed=fixed, time_limit_s=1.0, workers=1)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert_valid(plates, fixed, result)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(20, 300), min_size=2, max_size=12), st.integers(0, 2 ** 16))
def test_promised_dates_are_met_whenever_some_plan_meets_them(lengths, seed):
    # given dates taken from a plan that meets them (round-robin over the printers, one after another)
    ends = {printer: 0 for printer in PRINTERS}
    plates = []
    for key, minutes in enumerate(lengths):
        printer = PRINTERS[(key + seed) % len(PRINTERS)]
        ends[printer] += minutes
        plates.append(PlateTask(key=key, due_min=ends[printer], durations={p: minutes for p in PRINTERS}))
    result = schedule(plates, PRINTERS, time_limit_s=2.0, workers=1)
    assert_valid(plates, [], result)
    assert result.tardiness_min == 0 and result.late_plates == 0


def test_the_bound_counts_plates_that_only_one_printer_can_take():
    plates = [PlateTask(key=k, due_min=10_000, durations={"xl-1": 100}) for k in range(3)]
    plates.append(PlateTask(key=9, due_min=10_000, durations={printer: 50 for printer in PRINTERS}))
    assert lower_bound(plates, PRINTERS) == 300  # not (350 / 4): three plates queue on the one XL
    result = schedule(plates, PRINTERS, time_limit_s=2.0, workers=1)
    assert result.makespan_min == 300 and result.status == "OPTIMAL"


def test_a_plate_no_printer_can_take_is_reported_not_planned():
    plates = [PlateTask(key=1, due_min=0, durations={"sls": 30}), PlateTask(key=2, due_min=0, durations={"xl-1": 5})]
    result = schedule(plates, PRINTERS, time_limit_s=1.0, workers=1)
    assert result.unschedulable == [1] and set(result.assignments) == {2}
