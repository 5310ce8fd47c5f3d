"""Background work runs below the pages whether or not it leads a session of its own (config/priority.py)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.priority import AUTOGROUP

REPORT = """
import os, sys
from config.priority import priority_lower
priority_lower(int(sys.argv[1]))
autogroup = open("/proc/self/autogroup").read().split()[-1] if os.path.exists("/proc/self/autogroup") else "none"
print(os.getpriority(os.PRIO_PROCESS, 0), autogroup)
"""
BASE_DIR = Path(__file__).resolve().parents[2]


def lowered(by: int, *, own_session: bool) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-c", REPORT, str(by)], cwd=BASE_DIR, capture_output=True, text=True,
                          check=True, start_new_session=own_session)
    nice, autogroup = done.stdout.split()
    return int(nice), autogroup


def autogroup_nice_here() -> str:
    return AUTOGROUP.read_text().split()[-1] if AUTOGROUP.exists() else "none"


@pytest.mark.parametrize("by", [1, 10, 19])
def test_a_process_leading_its_own_session_lowers_the_session_as_well(by):
    nice, autogroup = lowered(by, own_session=True)
    expected = min(19, os.getpriority(os.PRIO_PROCESS, 0) + by)
    assert nice == expected
    assert autogroup in (str(expected), "none")  # "none": a kernel without autogroup scheduling, plain nice counts


def test_a_process_sharing_a_session_lowers_itself_only():
    before = autogroup_nice_here()
    nice, autogroup = lowered(10, own_session=False)
    assert nice == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    # its neighbours in the session (here: this test) keep their priority
    assert autogroup == before == autogroup_nice_here()


def test_zero_leaves_the_priority_as_it_is():
    # a new session's autogroup starts level with every other
    assert lowered(0, own_session=True) == (os.getpriority(os.PRIO_PROCESS, 0), "0" if AUTOGROUP.exists() else "none")
