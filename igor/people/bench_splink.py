"""The peer in the matching benchmark: splink 5 (DuckDB) on the same data and queries.

Run only by `igor bench_matching` / `make bench-matching`, with the Python of the benchmark
environment where splink is installed (it is not a dependency of IGOR, and this file imports
nothing of IGOR). Usage:

    python bench_splink.py realtime REGISTER.csv QUERIES.csv
    python bench_splink.py batch LEFT.csv RIGHT.csv

It trains splink's documented way (probability two random records match from a deterministic
rule, u by random sampling, m by expectation–maximisation on two blocking passes) with a
comparison set like IGOR's (names by Jaro–Winkler, date of birth, identity number, street,
postcode, phone), then times its real-time path (`predict_between` of one new record against
the register) or its batch linkage (`predict` on two tables), and prints one JSON line.
"""

from __future__ import annotations

import json
import math
import resource
import sys
import time

import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

RESULT = "MATCH-RESULT "
COLUMNS = "id, given, surname, identity, birth, street, postcode, phone, truth"


def _settings(link_type: str) -> SettingsCreator:
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="id",
        comparisons=[
            cl.JaroWinklerAtThresholds("given", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("surname", [0.92, 0.8]),
            cl.DateOfBirthComparison("birth", input_is_string=True),
            cl.LevenshteinAtThresholds("identity", [1, 2]),
            cl.JaroWinklerAtThresholds("street", [0.93]),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("identity"),
            block_on("birth"),
            block_on("surname", "substr(birth, 1, 4)"),
            block_on("given", "street"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def _load(db_api: DuckDBAPI, name: str, path: str) -> None:
    # Identity numbers normalised to 12 digits as IGOR does; empty text as NULL.
    db_api._con.execute(  # noqa: SLF001 - DuckDB connection of the API object
        f"""CREATE TABLE {name} AS SELECT id,
            NULLIF(given, '') AS given, NULLIF(surname, '') AS surname,
            CASE WHEN length(regexp_replace(identity, '[^0-9]', '', 'g')) = 10
                 THEN (CASE WHEN identity LIKE '%+%' THEN '18' ELSE '19' END)
                      || regexp_replace(identity, '[^0-9]', '', 'g')
                 ELSE NULLIF(regexp_replace(identity, '[^0-9]', '', 'g'), '') END AS identity,
            NULLIF(birth, '') AS birth, NULLIF(street, '') AS street,
            NULLIF(postcode, '') AS postcode, NULLIF(phone, '') AS phone,
            COALESCE(truth, '') AS truth
        FROM read_csv('{path}', all_varchar = true, header = true)"""
    )


def _train(linker: Linker) -> None:
    linker.training.estimate_probability_two_random_records_match(
        [block_on("identity")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth"))
    # Given name and surname together: a common surname alone pairs tens of millions of records.
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given", "surname"))


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def _scores(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def realtime(register_path: str, queries_path: str) -> dict[str, float]:
    db_api = DuckDBAPI()
    _load(db_api, "register", register_path)
    _load(db_api, "queries", queries_path)
    register = db_api.register("register")
    # Trained on the register with the new records beside it, where the matches are (a register
    # alone holds no duplicates to learn m from); then used one new record at a time.
    linker = Linker([register, db_api.register("queries")], _settings("link_and_dedupe"))
    _train(linker)
    queries = db_api._con.execute(f"SELECT {COLUMNS} FROM queries").fetchall()  # noqa: SLF001
    tp = fp = fn = 0
    latencies = []
    for number, row in enumerate(queries):
        table = f"query_{number}"
        started = time.perf_counter()
        db_api._con.execute(  # noqa: SLF001
            f"CREATE TABLE {table} AS SELECT * FROM queries WHERE id = ?", [row[0]]
        )
        one = db_api.register(table)
        found = linker.inference.predict_between(
            one, register, threshold_match_probability=0.5, warning_mode="never"
        )
        rows = db_api._con.execute(  # noqa: SLF001 - all rows fetched, so the result is finished
            f"SELECT id_r FROM {found.physical_name} ORDER BY match_weight DESC LIMIT 1"
        ).fetchall()
        best = rows[0] if rows else None
        latencies.append((time.perf_counter() - started) * 1000)
        # Not timed: each query's tables would otherwise stay in DuckDB for the whole run.
        found.drop_table_from_database_and_remove_from_cache()
        db_api._con.execute(f"DROP TABLE {table}")  # noqa: SLF001
        predicted, truth = (best[0] if best else None), row[-1]
        if predicted and predicted == truth:
            tp += 1
        else:
            fp += bool(predicted)
            fn += bool(truth)
    return {
        "p50_ms": _percentile(latencies, 0.5),
        "p95_ms": _percentile(latencies, 0.95),
        **_scores(tp, fp, fn),
    }


def batch(left_path: str, right_path: str) -> dict[str, float]:
    started = time.perf_counter()
    db_api = DuckDBAPI()
    _load(db_api, "left_file", left_path)
    _load(db_api, "right_file", right_path)
    left, right = db_api.register("left_file"), db_api.register("right_file")
    linker = Linker([left, right], _settings("link_only"))
    _train(linker)
    found = linker.inference.predict(threshold_match_probability=0.5)
    con = db_api._con  # noqa: SLF001
    best = con.execute(
        f"""SELECT l.truth, p.id_r FROM (
                SELECT id_l, id_r, row_number() OVER (PARTITION BY id_l ORDER BY match_weight DESC) AS n
                FROM {found.physical_name}) p JOIN left_file l ON l.id = p.id_l WHERE n = 1"""
    ).fetchall()
    truths = con.execute("SELECT count(*) FROM left_file WHERE truth <> ''").fetchone()[0]
    tp = sum(1 for truth, right_id in best if truth and truth == right_id)
    fp = len(best) - tp
    fn = truths - tp
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"seconds": time.perf_counter() - started, "peak_bytes": peak, **_scores(tp, fp, fn)}


if __name__ == "__main__":
    mode, first, second = sys.argv[1:4]
    result = realtime(first, second) if mode == "realtime" else batch(first, second)
    print(RESULT + json.dumps(result))
