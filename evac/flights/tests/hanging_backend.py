"""A solver backend that never answers, like a MIP stuck where its own time limit is not checked."""

import os
import time


def solve_window(state, payload):
    time.sleep(600)


def lp_open(state, payload):
    time.sleep(600)


def lp_add(state, payload):
    time.sleep(600)


def crash(state, payload):
    os._exit(3)  # a solver that dies (out of memory, a segfault)


def fail(state, payload):
    raise RuntimeError("infeasible, somehow")
