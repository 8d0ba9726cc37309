"""HiGHS models for the allocation, run inside the watchdog's child process (watchdog.py).

Each function takes the child's `state` (kept between calls) and a payload of numpy arrays, and returns
plain values. The model, for the groups and flights it is given (a window's pool, or the restricted
master of the LP bound), with x[j] = 1 when column j = (group g, flight f) is chosen:

    maximise   sum_j cost[j] x[j]
    subject to sum of x over the columns of group g  <= 1                 (a group goes once, whole)
               sum of seats[g] x over the columns of f   <= seats_left[f]
               sum of medical[g] x over the columns of f <= medical_left[f]
               sum of kg[g] x over the columns of f      <= kg_left[f]    (flights with a known payload)

Only columns where the group fits the flight are passed. Row order: groups, seats, medical, payload.
The API is highspy's (HiGHS 1.16): a HighsLp passed whole for a MIP; rows, then columns added in batches
for the LP, so that each re-solve starts from the previous basis.
"""

from typing import Any

import highspy
import numpy as np


def _silent(highs: highspy.Highs, **options: Any) -> None:
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)  # the machine is shared; the MIPs here are small
    highs.setOptionValue("random_seed", 0)
    for name, value in options.items():
        highs.setOptionValue(name, value)


def _rows(payload: dict) -> tuple[np.ndarray, np.ndarray]:
    """Row upper bounds and each flight's payload row (or -1), in the order described above."""
    n_groups = int(payload["n_groups"])
    kg_cap = np.asarray(payload["kg_left"], dtype=np.float64)
    n_flights = len(kg_cap)
    limited = np.isfinite(kg_cap)
    kg_row = np.full(n_flights, -1, dtype=np.int64)
    kg_row[limited] = n_groups + 2 * n_flights + np.arange(int(limited.sum()))
    upper = np.concatenate(
        [
            np.ones(n_groups),
            np.asarray(payload["seats_left"], dtype=np.float64),
            np.asarray(payload["medical_left"], dtype=np.float64),
            kg_cap[limited],
        ]
    )
    return np.maximum(upper, 0.0), kg_row


def _columns(payload: dict, columns: dict, kg_row: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise sparse matrix (starts, row indices, values) of the columns (group, flight)."""
    n_groups = int(payload["n_groups"])
    n_flights = len(kg_row)
    g = np.asarray(columns["group"], dtype=np.int64)
    f = np.asarray(columns["flight"], dtype=np.int64)
    seats = np.asarray(payload["seats"], dtype=np.float64)[g]
    medical = np.asarray(payload["medical"], dtype=np.float64)[g]
    kg = np.asarray(payload["kg"], dtype=np.float64)[g]
    j = np.arange(len(g))
    parts = [
        (j, g, np.ones(len(g))),
        (j, n_groups + f, seats),
        (j, n_groups + n_flights + f, medical),
        (j, kg_row[f], kg),
    ]
    cols, rows, values = [], [], []
    for col, row, value in parts:
        keep = (value != 0) & (row >= 0)
        cols.append(col[keep])
        rows.append(row[keep])
        values.append(value[keep])
    col, row, value = np.concatenate(cols), np.concatenate(rows), np.concatenate(values)
    order = np.lexsort((row, col))
    starts = np.concatenate([[0], np.cumsum(np.bincount(col, minlength=len(g)))])[:-1]
    return starts.astype(np.int32), row[order].astype(np.int32), value[order]


def solve_window(state: dict, payload: dict) -> dict:
    """The MIP of one window. Returns the chosen column indices (None if no solution was found), the
    objective, the dual bound and how it ended.

    The LP relaxation comes first: its solution is nearly integral here (only the groups at the edge of
    a full flight are fractional), so rounding it usually gives an answer within the gap of the LP's own
    bound at once, and the branch and bound is not needed. Otherwise the better of that rounding and
    the caller's warm start starts the MIP, which then mostly has to prove what it already has."""
    upper, kg_row = _rows(payload)
    columns = payload["columns"]
    cost = np.asarray(columns["cost"], dtype=np.float64)
    starts, index, value = _columns(payload, columns, kg_row)
    n_cols, n_rows = len(cost), len(upper)
    gap = float(payload["mip_rel_gap"])

    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.ones(n_cols)
    lp.row_lower_ = np.full(n_rows, -highspy.kHighsInf)
    lp.row_upper_ = upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    lp.a_matrix_.start_ = np.append(starts, len(index)).astype(np.int32)
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value

    highs = highspy.Highs()
    _silent(highs, time_limit=float(payload["time_limit"]), mip_rel_gap=gap)
    highs.passModel(lp)
    highs.run()
    warm = np.asarray(payload.get("warm", []), dtype=np.int64)
    best = warm
    if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        relaxed = highs.getInfo().objective_function_value
        rounded = _round(payload, columns, np.asarray(highs.getSolution().col_value))
        if cost[rounded].sum() > cost[warm].sum():
            best = rounded
        if relaxed - cost[best].sum() <= gap * abs(relaxed):
            return {
                "chosen": best,
                "objective": float(cost[best].sum()),
                "dual_bound": relaxed,
                "status": "LP",
            }

    highs.changeColsIntegrality(
        n_cols, np.arange(n_cols, dtype=np.int32), np.full(n_cols, highspy.HighsVarType.kInteger)
    )
    if len(best):
        start = highspy.HighsSolution()
        values = np.zeros(n_cols)
        values[best] = 1.0
        start.col_value = values
        highs.setSolution(start)
    highs.run()
    info = highs.getInfo()
    status = highs.modelStatusToString(highs.getModelStatus())
    if info.primal_solution_status != 2:  # 2: a feasible solution
        return {"chosen": best if len(best) else None, "status": status}
    chosen = np.flatnonzero(np.asarray(highs.getSolution().col_value) > 0.5)
    if cost[chosen].sum() < cost[best].sum():
        chosen = best
    return {
        "chosen": chosen,
        "objective": float(cost[chosen].sum()),
        "dual_bound": info.mip_dual_bound,
        "status": status,
    }


def _round(payload: dict, columns: dict, x: np.ndarray) -> np.ndarray:
    """An integral solution from the LP's: the columns at 1, then the fractional ones by their LP
    value, then every group still out, in the pool's order (best-ranked first) onto the first flight
    (earliest) with room. Returns the chosen column indices."""
    group = np.asarray(columns["group"], dtype=np.int64)
    flight = np.asarray(columns["flight"], dtype=np.int64)
    seats = np.asarray(payload["seats"]).tolist()
    medical = np.asarray(payload["medical"]).tolist()
    kg = np.asarray(payload["kg"], dtype=np.float64).tolist()
    seats_left = np.asarray(payload["seats_left"]).tolist()
    medical_left = np.asarray(payload["medical_left"]).tolist()
    kg_left = np.asarray(payload["kg_left"], dtype=np.float64).tolist()
    taken = [False] * int(payload["n_groups"])
    chosen = []
    whole = np.flatnonzero(x > 1 - 1e-6)
    fractional = np.flatnonzero((x > 1e-6) & (x <= 1 - 1e-6))
    fractional = fractional[np.argsort(-x[fractional], kind="stable")]
    by_rank = np.lexsort((flight, group))  # the pool's order, then earliest flight
    for j in np.concatenate([whole, fractional, by_rank]).tolist():
        g, f = int(group[j]), int(flight[j])
        if taken[g]:
            continue
        if seats[g] <= seats_left[f] and medical[g] <= medical_left[f] and kg[g] <= kg_left[f] + 1e-6:
            seats_left[f] -= seats[g]
            medical_left[f] -= medical[g]
            kg_left[f] -= kg[g]
            taken[g] = True
            chosen.append(j)
    return np.array(chosen, dtype=np.int64)


def lp_open(state: dict, payload: dict) -> int:
    """Start the restricted master LP of the bound: the rows, no columns yet."""
    upper, kg_row = _rows(payload)
    highs = highspy.Highs()
    _silent(highs, **payload.get("options", {}))
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    n_rows = len(upper)
    highs.addRows(
        n_rows,
        np.full(n_rows, -highspy.kHighsInf),
        upper,
        0,
        np.zeros(n_rows, dtype=np.int32),
        np.zeros(0, dtype=np.int32),
        np.zeros(0),
    )
    state["lp"] = highs
    state["lp_payload"] = payload
    state["kg_row"] = kg_row
    return n_rows


def lp_add(state: dict, columns: dict) -> dict:
    """Add columns to the restricted master and re-solve from the last basis. Returns the objective and
    the row duals (as HiGHS reports them for a maximisation)."""
    highs = state["lp"]
    starts, index, value = _columns(state["lp_payload"], columns, state["kg_row"])
    n_cols = len(columns["cost"])
    if n_cols:
        highs.addCols(
            n_cols,
            np.asarray(columns["cost"], dtype=np.float64),
            np.zeros(n_cols),
            # No upper bound of 1: the group's row says it already, and a bound would take the dual
            # value that pricing reads on the group's row.
            np.full(n_cols, highspy.kHighsInf),
            len(index),
            starts,
            index,
            value,
        )
    highs.run()
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"the restricted LP ended with {highs.modelStatusToString(status)}")
    solution = highs.getSolution()
    return {
        "objective": highs.getInfo().objective_function_value,
        "row_dual": np.asarray(solution.row_dual),
    }
