import pytest

from evac.flights.watchdog import SolverWorker


@pytest.fixture(scope="module")
def workers():
    """One solver process for the windows and one for the bound, shared by a module's tests: starting
    them costs about half a second each, too much for every example of a property test."""
    with SolverWorker() as windows, SolverWorker() as bound:
        yield windows, bound
