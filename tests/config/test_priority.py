"""Background work runs below the pages whether or not it leads a session of its own (config/priority.py)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.priority import autogroup_nice

REPORT = """
import os, sys
from config.priority import autogroup_nice, priority_lower
priority_lower(int(sys.argv[1]))
print(os.getpriority(os.PRIO_PROCESS, 0), autogroup_nice(), os.sched_getscheduler(0))
"""
BASE_DIR = Path(__file__).resolve().parents[2]


def lowered(by: int, *, own_session: bool) -> tuple[int, str]:
    """The child's nice, and its autogroup's nice as text ("None": it is in no autogroup)."""
    nice, autogroup, _policy = lowered_with_policy(by, own_session=own_session)
    return nice, autogroup


def lowered_with_policy(by: int, *, own_session: bool) -> tuple[int, str, int]:
    done = subprocess.run([sys.executable, "-c", REPORT, str(by)], cwd=BASE_DIR, capture_output=True, text=True,
                          check=True, start_new_session=own_session)
    nice, autogroup, policy = done.stdout.split()
    return int(nice), autogroup, int(policy)


@pytest.mark.parametrize("by", [1, 10, 19])
def test_a_process_leading_its_own_session_lowers_the_session_as_well(by):
    nice, autogroup = lowered(by, own_session=True)
    expected = min(19, os.getpriority(os.PRIO_PROCESS, 0) + by)
    assert nice == expected
    assert autogroup in (str(expected), "None")  # "None": a kernel without autogroup scheduling, plain nice counts


def test_a_process_sharing_a_session_lowers_itself_only():
    before = autogroup_nice()
    nice, autogroup = lowered(10, own_session=False)
    assert nice == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    # its neighbours in the session (here: this test) keep their priority; "None": this session has no autogroup
    # of its own (a container's first session), so there is nothing to lower
    assert autogroup == str(before) and autogroup_nice() == before


def test_zero_leaves_the_priority_as_it_is():
    # a new session's autogroup starts level with every other
    nice, autogroup = lowered(0, own_session=True)
    assert nice == os.getpriority(os.PRIO_PROCESS, 0) and autogroup in ("0", "None")


def test_a_process_without_an_autogroup_reads_as_none():
    # no such process (as on a kernel without autogroup scheduling, the file is not there)
    assert autogroup_nice(999_999_999) is None


@pytest.mark.parametrize("own_session", [True, False])
def test_lowered_work_runs_only_when_the_pages_leave_the_cpu(own_session):
    """SCHED_IDLE: a web thread woken by the database takes the CPU from a build at once."""
    assert lowered_with_policy(10, own_session=own_session)[2] == os.SCHED_IDLE


def test_level_work_keeps_the_normal_policy():
    assert lowered_with_policy(0, own_session=True)[2] == os.sched_getscheduler(0)

