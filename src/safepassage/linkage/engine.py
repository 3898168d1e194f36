"""Probabilistic linkage with Splink: the settings made for this population, unsupervised
training, prediction and clustering, on DuckDB by default and on Spark with the same settings.

Works on tables of features (features.FEATURE_COLUMNS plus `unique_id` and `household`), with no
Django in sight, so the benchmark, the `link` command and the Spark test share one code path.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.exceptions import SplinkException

from safepassage.linkage.features import (
    BLOCKING_KEYS,
    E_TAZKIRA_DIGITS,
    FEATURE_COLUMNS,
    tazkira_kind,
)

__all__ = ["FEATURE_COLUMNS", "link", "score_pairs"]

# Decision thresholds on Splink's match probability. Above AUTO_MERGE a pair is merged without a
# person; between REVIEW and AUTO_MERGE it goes to the review queue. A wrong merge hides a
# person from the queue, and what keeps automatic merges right is less the threshold than the
# rules around it: document vetoes, brothers and generations apart, the family's one-to-one
# pairing, a family name that is the father's weighed once (decide). With them, measured at 100k
# people (docs/decisions/0049): at 0.98 precision 0.998 / 0.997 (harder / independent
# registrations) and recall 0.952 / 0.947; at 0.9, 0.995 / 0.995 and 0.956 / 0.952. A person
# reads the pairs from REVIEW up; the review page shows what each threshold costs.
AUTO_MERGE_PROBABILITY = 0.9
REVIEW_PROBABILITY = 0.8
# Inside two registrations of one family a member is merged on the family's rule from this
# probability on (decide), and two members this probable corroborate each other. The queue
# starts higher (REVIEW_PROBABILITY): measured on the independent registrations at 100k people,
# pairs from 0.5 to 0.8 outside a family were two people five times in six, and with them the
# queue held fewer true pairs than wrong ones (0.49 true; 0.63 from 0.8).
FAMILY_MEMBER_PROBABILITY = 0.5

# 2: the swap of given and family names weighed once (SWAPPED_NAMES_M); a model saved as version 1
# is read that way too (upgraded).
MODEL_VERSION = "afghan-names-2"

_SPLINK_LOG = logging.getLogger("splink")


# Names whose exact agreement is weighed by how common the name is (term frequency): two
# records sharing a rare family name are stronger evidence than two sharing "Mohammad". The
# frequencies come from the records being linked, so only from this many records on: in a few
# hundred records (a new deployment, a test) every name looks common. From 2,000 on was tried:
# it gained Febrl3 (5,000 records) 0.002 of F1 and cost the synthetic 9,868 records 3 true
# pairs net (common Afghan family names weigh less). The instant check passes no frequencies
# (NULL), which Splink reads as no adjustment.
TERM_FREQUENCY_COLUMNS = ("given_key", "family_key", "father_key")
TERM_FREQUENCY_MIN_RECORDS = 10_000

# Given and family name written in each other's field (a form's "first name" and "last name"
# read the other way round; many Afghans have no family name and the two fields are filled as
# the registrant sees fit). Both names must agree crosswise, each within a typing error.
SWAPPED_NAMES = (
    "jaro_winkler_similarity(given_key_l, family_key_r) >= 0.92 AND "
    "jaro_winkler_similarity(family_key_l, given_key_r) >= 0.92"
)
# The swap is one event seen by both name comparisons, so it is weighed once: in the given name's
# comparison, with this share of true pairs (m) assumed rather than trained (EM learns nothing
# from a level that few pairs reach, and the shipped model's data have no swaps), u from the
# data; the family name's swap level is held at weight 0 (m = u, both fixed). Together a swap
# then weighs a little less than two exact names, as a weaker sign should.
SWAPPED_NAMES_M = 0.01
_NO_WEIGHT = 1e-4
SWAPPED_NAMES_LABEL = "given and family names swapped"
# The swap level's fixed parameters, by name comparison: what the settings give a new model and
# what `upgraded` writes into a model saved before they were fixed.
_SWAPPED_NAMES_FIXED: dict[str, dict[str, Any]] = {
    "given_name": {"m_probability": SWAPPED_NAMES_M, "fix_m_probability": True},
    "family_name": {"m_probability": _NO_WEIGHT, "u_probability": _NO_WEIGHT,
                    "fix_m_probability": True, "fix_u_probability": True},
}


def upgraded(model: dict[str, Any], version: str) -> dict[str, Any]:
    """A model saved by an earlier version, brought to this one's rules where they are fixed
    rather than trained: a version 1 model weighed a swap of given and family names in both name
    comparisons (the family name's level kept Splink's starting m). The model given is not
    changed; a model of this version is returned as it is."""
    if version != "afghan-names-1":
        return model
    model = copy.deepcopy(model)
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("label_for_charts") == SWAPPED_NAMES_LABEL:
                level.update(_SWAPPED_NAMES_FIXED.get(comparison["output_column_name"], {}))
    return model


# A compound given name and the part its bearer goes by: Abdul Rahman and Rahman, Ghulam Rasul
# and Rasul, Sayed Ahmad and Ahmad (names.given_name_part). Last before "far apart": weaker
# than any spelling of the whole name.
SHORT_FORM = "(given_part_l = given_skel_r OR given_skel_l = given_part_r)"
SHORT_FORM_LABEL = "one given name is the other's short form"
# German transliteration writes the sound z as s (Sajnab for Zaynab, Salmaj for Zalmay): the same
# skeleton once z and s are read as one. A level of its own, after every other spelling: folding
# z into s in the skeleton itself merged Sahar and Zohra of one family (name_rules).
S_FOR_Z = "replace(given_skel_l, 'z', 's') = replace(given_skel_r, 'z', 's')"
S_FOR_Z_LABEL = "one consonant skeleton with s read as z"
# Its share of true pairs is assumed, not trained (as SWAPPED_NAMES_M): few pairs reach it, and
# the shipped model's data have no German spellings.
S_FOR_Z_M = 0.005


# Many Afghans have no family name, and a form's "family name" then holds the father's name
# (Zahra Idris, daughter of Idris): on both records, the family names' agreement is the fathers'
# agreement, which the father's name comparison weighs. Weighed twice, it merged two girls of one
# name whose fathers had one common name (independent registrations, 100k people: the father's
# name as family name on 57% of the wrongly merged pairs, 23% of other pairs).
FAMILY_IS_FATHER = "family_key_l = father_key_l AND family_key_r = father_key_r"
FAMILY_IS_FATHER_LABEL = "the father's name in the family name's field"


def _name_comparison(stem: str, label: str, *, term_frequencies: bool) -> cl.CustomComparison:
    key, skel = f"{stem}_key", f"{stem}_skel"
    return cl.CustomComparison(
        output_column_name=label,
        comparison_levels=[
            cll.NullLevel(skel),
            *([cll.CustomLevel(FAMILY_IS_FATHER, label_for_charts=FAMILY_IS_FATHER_LABEL)
               .configure(m_probability=_NEUTRAL, u_probability=_NEUTRAL,
                          fix_m_probability=True, fix_u_probability=True)]
              if stem == "family" else []),
            cll.ExactMatchLevel(
                key, term_frequency_adjustments=term_frequencies and key in TERM_FREQUENCY_COLUMNS
            ),
            *([cll.CustomLevel(SWAPPED_NAMES, label_for_charts=SWAPPED_NAMES_LABEL)
               .configure(**_SWAPPED_NAMES_FIXED[label])]
              if label in _SWAPPED_NAMES_FIXED else []),
            cll.JaroWinklerLevel(key, 0.92),
            cll.ExactMatchLevel(skel),
            cll.JaroWinklerLevel(key, 0.8),
            *([cll.CustomLevel(SHORT_FORM, label_for_charts=SHORT_FORM_LABEL),
               cll.CustomLevel(S_FOR_Z, label_for_charts=S_FOR_Z_LABEL).configure(
                   m_probability=S_FOR_Z_M, fix_m_probability=True)]
              if stem == "given" else []),
            cll.ElseLevel(),
        ],
        comparison_description=(
            f"{label}: same key, (names swapped,) close spelling, same consonants, far"
        ),
    )


def _one_digit_apart(column: str, digits: int) -> str:
    """SQL: the two values of an integer column differ in exactly one of their `digits` decimal
    digits (floor and % read the same in DuckDB and Spark)."""
    left, right = f"{column}_l", f"{column}_r"
    alternatives = []
    for position in range(digits):  # the digit at 10^position differs, all others agree
        above, below = 10 ** (position + 1), 10**position
        same = [f"floor({left} / {above}) = floor({right} / {above})"]
        if position:
            same.append(f"{left} % {below} = {right} % {below}")
        alternatives.append("(" + " AND ".join(same) + ")")
    return f"{left} <> {right} AND (" + " OR ".join(alternatives) + ")"


# A date typed with one wrong digit (1946 for 1976, 07 for 04): one of year, month and day
# differs, in one digit, and the other two agree.
ONE_DIGIT_TYPED_WRONG = " OR ".join(
    f"({_one_digit_apart(part, digits)} AND "
    + " AND ".join(f"{other}_l = {other}_r" for other in others)
    + ")"
    for part, digits, others in (
        ("dob_year", 4, ("dob_month", "dob_day")),
        ("dob_month", 2, ("dob_year", "dob_day")),
        ("dob_day", 2, ("dob_year", "dob_month")),
    )
)


def _date_of_birth_comparison() -> cl.CustomComparison:
    exact = "dob_day_l IS NOT NULL AND dob_day_r IS NOT NULL"
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.NullLevel("dob_lo"),
            cll.CustomLevel(f"{exact} AND dob_lo_l = dob_lo_r", label_for_charts="same day"),
            cll.CustomLevel(
                f"{exact} AND dob_year_l = dob_year_r AND dob_month_l = dob_day_r "
                "AND dob_day_l = dob_month_r",
                label_for_charts="day and month swapped",
            ),
            cll.CustomLevel(
                f"NOT ({exact}) AND dob_lo_l <= dob_hi_r AND dob_lo_r <= dob_hi_l",
                label_for_charts="imprecise date compatible",
            ),
            cll.CustomLevel(
                f"{exact} AND ({ONE_DIGIT_TYPED_WRONG})", label_for_charts="one digit typed wrong"
            ),
            cll.CustomLevel(
                f"({exact} AND dob_month_l = dob_month_r AND dob_day_l = dob_day_r) "
                "OR abs(dob_lo_l - dob_lo_r) <= 31",
                label_for_charts="one year or one month apart",
            ),
            cll.CustomLevel(
                "abs(dob_lo_l - dob_lo_r) <= 730 OR abs(dob_hi_l - dob_hi_r) <= 730",
                label_for_charts="within two years",
            ),
            cll.ElseLevel(),
        ],
        comparison_description="date of birth compared by its precision",
    )


def _phone_comparison() -> cl.CustomComparison:
    """A household shares one phone: the same phone counts as evidence of the same person only
    with the same given name; otherwise it is a level of its own, which EM finds nearly neutral.
    Phones of two countries are a level of their own too: a relative abroad registers a person
    with the relative's own number, so that difference says little about the person."""
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cll.NullLevel("phone"),
            cll.CustomLevel(
                "phone_l = phone_r AND given_skel_l = given_skel_r",
                label_for_charts="same phone, same given name",
            ),
            cll.CustomLevel("phone_l = phone_r", label_for_charts="same phone (a household's)"),
            cll.CustomLevel(
                # E.164 country codes are 1 to 3 digits; "+93" (Afghanistan) against the first
                # three characters of the other tells a phone abroad from one at home.
                "substr(phone_l, 1, 3) <> substr(phone_r, 1, 3)",
                label_for_charts="phones with different country prefixes",
            ),
            cll.ElseLevel(),
        ],
        comparison_description="E.164 phone, shared household phones apart",
    )


PAPER_AND_ELECTRONIC = "a paper and an electronic tazkira"
_NEUTRAL = 0.5  # m = u: a level that weighs nothing


def _tazkira_comparison() -> cl.CustomComparison:
    """A tazkira number typed with one character wrong, missing or added is a level of its own
    below the exact number; training weighs it. A paper tazkira's number beside an electronic
    one's (features.tazkira_kind) is a level of its own, held at weight 0: two documents one
    person may hold, compared with nothing."""
    return cl.CustomComparison(
        output_column_name="tazkira",
        comparison_levels=[
            cll.NullLevel("tazkira"),
            cll.ExactMatchLevel("tazkira"),
            cll.LevenshteinLevel("tazkira", 1).configure(
                label_for_charts="one character typed wrong"
            ),
            cll.CustomLevel(
                f"(length(tazkira_l) = {E_TAZKIRA_DIGITS}) <> "
                f"(length(tazkira_r) = {E_TAZKIRA_DIGITS})",
                label_for_charts=PAPER_AND_ELECTRONIC,
            ).configure(m_probability=_NEUTRAL, u_probability=_NEUTRAL, fix_m_probability=True,
                        fix_u_probability=True),
            cll.ElseLevel(),
        ],
        comparison_description="tazkira number: same, one character apart, different",
    )


# The blocking keys, plus rules across two columns, which the instant check's keys (one column
# each) do not express. Each of these finds pairs no other rule finds (a few in a thousand of the
# true pairs) among millions that are not one person, the more so the more common the name and
# the birth date (a 1 January placeholder): each asks for one more thing a person keeps.
_SHARED = "(l.family_skel = r.family_skel OR l.father_skel = r.father_skel OR l.phone = r.phone)"
BLOCKING_RULES = (
    *(block_on(*columns) for columns in BLOCKING_KEYS),
    # Given and family name swapped, the same birth date, and the father, the phone or the day.
    *(CustomRule(f"l.{a}_skel = r.{b}_skel AND l.dob_lo = r.dob_lo AND (l.father_skel = "
                 "r.father_skel OR l.phone = r.phone OR l.dob_day = r.dob_day)")
      for a, b in (("given", "family"), ("family", "given"))),
    # A compound given name and its short form (Abdul Rahman and Rahman): born the same day, or
    # the same year with the family, the father or the phone.
    *(CustomRule(f"l.{a} = r.{b} AND l.dob_lo = r.dob_lo")
      for a, b in (("given_part", "given_skel"), ("given_skel", "given_part"))),
    *(CustomRule(f"l.{a} = r.{b} AND l.dob_year = r.dob_year AND {_SHARED}")
      for a, b in (("given_part", "given_skel"), ("given_skel", "given_part"))),
)


def afghan_settings(*, term_frequencies: bool = True) -> SettingsCreator:
    """Our settings: name keys and skeletons, father's name, dates by precision, E.164 phones,
    exact documents."""
    tf = term_frequencies
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            _name_comparison("given", "given_name", term_frequencies=tf),
            _name_comparison("family", "family_name", term_frequencies=tf),
            _name_comparison("father", "father_name", term_frequencies=tf),
            _date_of_birth_comparison(),
            cl.ExactMatch("sex"),
            _phone_comparison(),
            _tazkira_comparison(),
            cl.ExactMatch("passport"),
            cl.ExactMatch("email"),
        ],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        additional_columns_to_retain=["household"],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


@dataclass
class LinkageResult:
    """Everything a run produced: the trained model, the scored pairs and the clusters."""

    model: dict[str, Any]
    # unique_id_l, unique_id_r, match_weight, match_probability, automatic (merged without a
    # person), reasons (with explain)
    pairs: pd.DataFrame
    clusters: pd.DataFrame  # unique_id, cluster_id
    timings: dict[str, float] = field(default_factory=dict)


def spark_session(master: str = "local[2]") -> Any:
    """A Spark session with Splink's string-similarity functions (Jaro-Winkler) loaded."""
    import tempfile

    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    builder: Any = SparkSession.builder
    session = (
        builder.master(master).appName("safepassage-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    # py4j says "Closing down clientserver connection" at INFO from __del__, at interpreter exit,
    # into a stream that may be closed by then ("--- Logging error ---").
    logging.getLogger("py4j").setLevel(logging.WARNING)
    # Splink checkpoints intermediate tables to cut Spark's query plans short.
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="safepassage-spark-"))
    return session


def model_for_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """A saved model with its SQL rewritten for another backend: Splink writes the conditions in
    the dialect it trained on ("l"."name" in DuckDB is a string literal to Spark)."""
    import sqlglot

    source = model.get("sql_dialect", "duckdb")
    if source == dialect:
        return model

    def rewrite(sql: str) -> str:
        if sql.strip().upper() == "ELSE":
            return sql
        text = str(sqlglot.transpile(sql, read=source, write=dialect)[0])
        # Splink's Spark UDF is jaro_winkler; DuckDB's built-in is jaro_winkler_similarity.
        if dialect == "duckdb":
            return re.sub(r"\bjaro_?winkler\(", "jaro_winkler_similarity(", text,
                          flags=re.IGNORECASE)
        return text.replace("JAROWINKLER_SIMILARITY(", "jaro_winkler(")

    converted = copy.deepcopy(model)
    converted["sql_dialect"] = dialect
    for rule in converted.get("blocking_rules_to_generate_predictions", []):
        rule["blocking_rule"], rule["sql_dialect"] = rewrite(rule["blocking_rule"]), dialect
    for comparison in converted["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = rewrite(level["sql_condition"])
    return converted


def without_term_frequencies(model: dict[str, Any]) -> dict[str, Any]:
    """A saved model whose exact name levels weigh every name alike."""
    plain = copy.deepcopy(model)
    for comparison in plain["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    return plain


def make_db_api(backend: str = "duckdb", *, spark: Any = None) -> Any:
    if backend == "spark":
        from splink import SparkAPI

        return SparkAPI(spark_session=spark)
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect()
    # Splink's tables are read as sets (their rows come back in no fixed order with several
    # threads anyway); keeping the order of inserts only costs time and memory.
    connection.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection=connection)


def train(linker: Linker, *, records: int, features: pd.DataFrame | None = None) -> None:
    """Unsupervised training: prior from deterministic rules, u by random sampling, m by EM on
    two blockings that each leave the other fields free.

    A blocking that yields no pair in `features` (no fathers' names, no tazkiras) is skipped
    before Splink sees it, and a failed EM session is undone: Splink 5 drops the comparisons of
    the blocking's columns from the model when the session fails, which left data without
    fathers' names (Febrl) compared on no name at all.

    Data in which the deterministic rules find no match at all (registrations without a single
    shared tazkira, passport or name-and-birth-date) give a prior of 0, on which every later
    step fails (log 0): the prior is then one expected match among all pairs, and EM and the
    decisions work from the evidence."""
    linker.training.estimate_probability_two_random_records_match(
        [block_on("tazkira"), block_on("passport"), "l.given_key = r.given_key AND "
         "l.father_key = r.father_key AND l.family_key = r.family_key AND l.dob_lo = r.dob_lo"],
        recall=0.7,
    )
    settings = linker._settings_obj  # Splink offers no public setter for the prior
    all_pairs = max(1.0, records * (records - 1) / 2)
    if settings._probability_two_random_records_match < 1 / all_pairs:
        settings._probability_two_random_records_match = 1 / all_pairs
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(5e6, max(1e5, records * 5.0)), seed=1
    )
    _documents_are_rare(linker, records=records)
    proportion = min(1.0, 200_000 / max(records, 1))
    trained = 0
    for columns in EM_BLOCKINGS:
        if features is not None and not _pairs_on(features, columns):
            continue
        before = copy.deepcopy(linker._settings_obj)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*columns), record_sample_proportion=proportion
            )
        except (SplinkException, ValueError):  # no pairs, or EM gave up on these data
            linker._settings_obj = before
            continue
        trained += 1
        if trained == 2:
            break


DOCUMENT_COMPARISONS = ("tazkira", "passport", "email")


def _documents_are_rare(linker: Linker, *, records: int) -> None:
    """A document number (or e-mail) is one person's: two records taken at random share it with
    a chance of about one in the number of records. Random sampling seldom sees such a pair, and
    a level it never saw is left untrained (Splink then falls back to a default far weaker than
    the evidence): its u is set to 1 / records."""
    for comparison in linker._settings_obj.comparisons:
        if comparison.output_column_name not in DOCUMENT_COMPARISONS:
            continue
        levels = [lv for lv in comparison.comparison_levels if not lv.is_null_level]
        if levels and not levels[0]._u_is_trained:
            levels[0].u_probability = 1 / max(records, 2)


def _pairs_on(features: pd.DataFrame, columns: Sequence[str]) -> bool:
    """Whether two records agree on every one of these columns (none of them missing)."""
    known = features.dropna(subset=list(columns))
    return bool(known.duplicated(subset=list(columns)).any())


# EM runs on two of these blockings (the first that yield pairs): names fixed, then documents.
EM_BLOCKINGS = (
    ("given_key", "father_key", "family_key"),
    ("tazkira",),
    ("given_key", "family_key"),
    ("dob_lo",),
)


INT_COLUMNS = ("dob_lo", "dob_hi", "dob_year", "dob_month", "dob_day")


def typed_features(frame: pd.DataFrame) -> pd.DataFrame:
    """One dtype per column whatever the values (all-missing columns included), so DuckDB and
    Spark see the same schema."""
    frame = frame.copy()
    for column in FEATURE_COLUMNS:
        if column in INT_COLUMNS:
            frame[column] = pd.to_numeric(frame[column]).astype("Int64")
        else:
            frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    frame["unique_id"] = frame["unique_id"].astype("int64")
    frame["household"] = frame["household"].astype("str")
    return frame


def _spark_frame(spark: Any, features: pd.DataFrame) -> Any:
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    fields = [StructField("unique_id", LongType(), False), StructField("household", StringType())]
    fields += [
        StructField(c, LongType() if c in INT_COLUMNS else StringType()) for c in FEATURE_COLUMNS
    ]
    columns = ["unique_id", "household", *FEATURE_COLUMNS]
    rows = [
        tuple(None if pd.isna(v) else (int(v) if c in INT_COLUMNS or c == "unique_id" else v)
              for c, v in zip(columns, row, strict=True))
        for row in features[columns].itertuples(index=False, name=None)
    ]
    return spark.createDataFrame(rows, StructType(fields))


def link(
    features: pd.DataFrame,
    *,
    backend: str = "duckdb",
    spark: Any = None,
    model: dict[str, Any] | None = None,
    auto_merge_probability: float = AUTO_MERGE_PROBABILITY,
    review_probability: float = REVIEW_PROBABILITY,
    explain: bool = False,
) -> LinkageResult:
    """Train (unless a model is given), predict pairs above the review threshold, and cluster.

    Clustering takes the strongest pairs first and never puts two people of one registration in
    the same cluster (a form does not list a person twice). With `explain`, each pair carries its
    reasons: the level and the weight of every compared field.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    features = typed_features(features)
    db_api = make_db_api(backend, spark=spark)
    frame: Any = _spark_frame(spark, features) if backend == "spark" else features
    table = db_api.register(frame)
    term_frequencies = len(features) >= TERM_FREQUENCY_MIN_RECORDS
    settings: Any = (
        model_for_dialect(
            model if term_frequencies else without_term_frequencies(model),
            db_api.sql_dialect.sql_dialect_str,
        )
        if model
        else afghan_settings(term_frequencies=term_frequencies)
    )
    # Each field's weight is kept (the household corroboration reads the given name's); Splink 5
    # keeps the level (gamma) columns, for the reasons, only with the matching columns.
    options = ["retain_intermediate_calculation_columns"]
    if explain:
        options.append("retain_matching_columns")
    for option in options:
        if isinstance(settings, dict):
            settings[option] = True
        else:
            setattr(settings, option, True)
    linker = Linker(table, settings, log_level=logging.ERROR)
    if model is None:
        train(linker, records=len(features), features=features)
    trained = linker.misc.save_model_to_json()
    timings["train_s"] = time.perf_counter() - started
    started = time.perf_counter()
    if backend == "duckdb":
        _register_blocked_pairs(linker, db_api=db_api, table=table.physical_name)
    prior = float(trained["probability_two_random_records_match"])
    # Below FAMILY_MEMBER_PROBABILITY down to FAMILY_MEMBER_BITS of evidence: a pair too weak
    # to show a person may be one member of a family whose other members say the rest
    # (family_anchors).
    floor = min(_logit2(FAMILY_MEMBER_PROBABILITY), _logit2(prior) + FAMILY_MEMBER_BITS)
    predictions = linker.inference.predict(threshold_match_weight=floor)
    pairs = _pairs_frame(predictions, db_api=db_api, backend=backend, explain=explain)
    if backend == "duckdb":
        # Splink's tables (38 million blocked pairs at a million records) are done with, and
        # DuckDB gives their memory back only when its connection closes.
        db_api._con.close()
    pairs = pairs[pairs["household_l"] != pairs["household_r"]]
    # Read by nothing after this filter: at a million records the family pairs would carry them
    # as millions of Python strings.
    pairs = pairs.drop(columns=["household_l", "household_r"])
    # Each registration as an integer from here on: the household of every pair is looked up
    # a dozen times, and a million strings cost a second a lookup.
    features["household"] = pd.factorize(features["household"])[0].astype(np.int64)
    households = Households(zip(features["unique_id"], features["household"], strict=True))
    by_id = features.set_index("unique_id")

    def evidence_of(scored: pd.DataFrame) -> PairEvidence:
        return pair_evidence(scored, trained, by_id["dob_year"], by_id["given_key"].notna(),
                             by_id[["tazkira", "passport"]])

    phones = dict(zip(features["unique_id"], features["phone"], strict=True))
    # The other members of two registrations that may be one family (one pair of them could be
    # one person), scored on DuckDB in this process whatever the backend: a few members per
    # family, in the features already at hand. Their pairs together say whether the two are
    # one family (family_anchors); pairs below FAMILY_MEMBER_PROBABILITY are kept only there.
    candidates = family_candidates(pairs, evidence_of(pairs), households=households)
    pairs = _with_family_pairs(pairs, features=features,
                               model=model_for_dialect(trained, "duckdb"),
                               households=households, certain=auto_merge_probability,
                               anchors=candidates, explain=explain).reset_index(drop=True)
    anchors = family_anchors(pairs, evidence_of(pairs), households=households, prior=prior,
                             phones=phones, certain=auto_merge_probability)
    keep = pairs["match_probability"].to_numpy() >= FAMILY_MEMBER_PROBABILITY
    if anchors:
        keep |= pd.Series(_family_key(*registrations_of(pairs, households))).isin(
            anchors).to_numpy()
    pairs = pairs[keep]
    pairs = pairs.reset_index(drop=True)
    if explain:
        pairs = with_reasons(pairs, trained)
    evidence = evidence_of(pairs)
    pairs = pairs[_PAIR_COLUMNS + (["reasons"] if explain else [])].reset_index(drop=True)
    timings["predict_s"] = time.perf_counter() - started
    started = time.perf_counter()
    before = pairs["match_weight"].to_numpy(dtype=float, copy=True)
    pairs = corroborated_by_household(
        pairs, households=households, prior=prior, certain=auto_merge_probability,
        eligible=evidence.given_names_agree & evidence.same_generation & ~evidence.documents_differ,
        anchors=anchors,
    )
    in_family = pairs["match_weight"].to_numpy(dtype=float) > before + 1e-9
    pairs, settled = decide(pairs, evidence, households=households,
                            auto_merge_probability=auto_merge_probability,
                            in_family=in_family)
    documents = documents_of(features)
    strong = pairs[pairs["automatic"]]
    accepted = accepted_edges(households=households, pairs=strong, documents=documents)
    cluster_of = components(features["unique_id"].tolist(), accepted)
    clusters = pd.DataFrame(
        {"unique_id": list(cluster_of), "cluster_id": list(cluster_of.values())}
    )
    pairs = with_queue(pairs, settled=settled, cluster_of=cluster_of,
                       review_probability=review_probability)
    timings["cluster_s"] = time.perf_counter() - started
    trained.pop("retain_intermediate_calculation_columns", None)
    trained["retain_matching_columns"] = False  # Splink's default is True
    return LinkageResult(model=trained, pairs=pairs, clusters=clusters, timings=timings)


_PAIR_COLUMNS = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]


def _register_blocked_pairs(linker: Linker, *, db_api: Any, table: str) -> None:
    """Give Splink the pairs its blocking rules generate, computed as each rule's join on its
    own and one row per pair (with the first rule that found it): the same pairs and match
    keys as Splink's own query, which excludes from each rule the pairs of every earlier rule
    by re-testing their conditions on each candidate pair, twice the CPU time at a million
    records (38 million pairs: 32 s against 13 s)."""
    # The rules and the table are Splink's (the settings', or a saved model's): no outside
    # text reaches these statements.
    rules = linker._settings_obj._blocking_rules_to_generate_predictions
    if not rules:  # every pair: Splink's own query is as good
        return
    joins = "\nUNION ALL\n".join(
        f'SELECT {n} AS match_key, l."unique_id" AS join_key_l, '  # noqa: S608
        f'r."unique_id" AS join_key_r FROM {table} AS l INNER JOIN {table} AS r '
        f'ON ({rule.blocking_rule_sql}) WHERE l."unique_id" < r."unique_id"'
        for n, rule in enumerate(rules)
    )
    blocked = db_api._sql_to_splink_dataframe(
        "SELECT CAST(min(match_key) AS VARCHAR) AS match_key, join_key_l, join_key_r "  # noqa: S608
        f"FROM ({joins}) GROUP BY join_key_l, join_key_r",
        "__splink__blocked_id_pairs", "__splink__blocked_id_pairs_safepassage",
    )
    linker.table_management.register_blocked_pairs_for_predict(blocked)


def _pairs_frame(predictions: Any, *, db_api: Any, backend: str, explain: bool) -> pd.DataFrame:
    """The scored pairs with only the columns the decisions read (ids, weights, households,
    each field's weight, and the levels for the reasons): at a million records the Bayes
    factors and term frequencies Splink keeps beside them double the memory. On DuckDB the
    columns are chosen in SQL, and pairs inside one registration are left there."""
    if backend != "duckdb":
        return pd.DataFrame(predictions.as_pandas_dataframe())
    # The table is Splink's and the columns are read from its schema: no outside text reaches
    # these statements.
    table = predictions.physical_name
    names = [row[0] for row in db_api._execute_sql_against_backend(
        "SELECT column_name FROM information_schema.columns "  # noqa: S608
        f"WHERE table_name = '{table}'").fetchall()]
    kept = [n for n in names if n in _PAIR_COLUMNS or n in ("household_l", "household_r")
            or n.startswith("mw_") or (explain and n.startswith(("gamma_", "bf_")))]
    columns = ", ".join(f'"{n}"' for n in kept)
    # In the order of the ids: DuckDB's threads return rows in no fixed order, and the order
    # breaks ties between pairs of equal weight in the decisions (one_to_one, accepted_edges).
    return pd.DataFrame(db_api._execute_sql_against_backend(
        f'SELECT {columns} FROM {table} WHERE "household_l" <> "household_r" '  # noqa: S608
        'ORDER BY "unique_id_l", "unique_id_r"'
    ).to_df())


# --------------------------------------------------------------------------------------------
# Family-aware decisions and hard evidence rules (issue 21, docs/linkage.md "Families")
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairEvidence:
    """Boolean arrays over the pairs: what the rules read from the levels each field reached."""

    given_names_agree: Any  # positive weight on the given name
    brothers: Any  # given names far apart, one father
    same_generation: Any  # not born far apart nor a generation apart
    same_document: Any  # the same tazkira or passport number
    documents_differ: Any  # two different numbers of one kind, more than a typing error apart
    document_typo: Any  # a tazkira one character apart
    document_weight: Any  # what the documents' comparisons weigh in the pair's match weight
    household_signs: Any  # the same phone or the same father: what members of a family share
    name_close: Any  # the given names are one name (key, swap, close spelling, skeleton)
    date_compatible: Any  # no birth dates, or dates one person could have been given
    sex_differ: Any  # both sexes known, different


def one_edit_apart(a: str, b: str) -> bool:
    """Two strings one typing error apart: a character substituted, missing or added, or two
    neighbours swapped (10387706 for 10387760; Damerau-Levenshtein 1)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(differ) == 1 or (
            len(differ) == 2 and differ[1] == differ[0] + 1
            and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k, (x, y) in enumerate(zip(short, long, strict=False)) if x != y),
             len(short))
    return short[i:] == long[i + 1:]


def document_evidence(
    pairs: pd.DataFrame, documents: pd.DataFrame
) -> tuple[Any, Any, Any]:
    """(same, differ, typo) over the pairs from the records' document numbers (`documents`:
    tazkira and passport columns indexed by unique_id): the same number of one kind; two numbers
    of one kind more than one character apart; one character apart (a typing error to review).
    Read from the values, not from the model's weights (a level no sampled pair reached has no
    weight to read)."""
    n = len(pairs)
    same, differ, typo = (np.zeros(n, dtype=bool) for _ in range(3))
    for kind in ("tazkira", "passport"):
        if kind not in documents:
            continue
        left = pairs["unique_id_l"].map(documents[kind]).to_numpy(dtype=object)
        right = pairs["unique_id_r"].map(documents[kind]).to_numpy(dtype=object)
        known = pd.notna(left) & pd.notna(right)
        if kind == "tazkira":  # a paper and an electronic number are not compared
            for i in np.flatnonzero(known):
                known[i] = tazkira_kind(str(left[i])) == tazkira_kind(str(right[i]))
        equal = known & (left == right)
        same |= equal
        for i in np.flatnonzero(known & ~equal):
            if one_edit_apart(str(left[i]), str(right[i])):
                typo[i] = True
            else:
                differ[i] = True
    return same, differ, typo


def pair_evidence(
    pairs: pd.DataFrame, model: dict[str, Any], years: pd.Series,
    latin_given: pd.Series | None = None, documents: pd.DataFrame | None = None,
) -> PairEvidence:
    """The evidence the decisions read, from the pairs' per-field weights (`years`: the birth
    year of each unique_id; `latin_given`: whether its given name is written in Latin letters).

    One name: the same key, swapped, a close spelling, or the same consonants when one of the
    two is written in Arabic script only (two Latin spellings of one skeleton can be two names:
    Mahmood and Mohammad). A compatible date: not far apart; within two years only with the very
    same name (a birth year one off is common; siblings of one name are not)."""
    given_names_agree, brothers = _given_name_evidence(pairs, model)
    none = np.zeros(len(pairs), dtype=bool)
    if documents is not None:
        same_document, documents_differ, typo = document_evidence(pairs, documents)
    else:
        same_document = _same_document(pairs, model)
        documents_differ = (_at_level(pairs, model, "tazkira", -1)
                            | _at_level(pairs, model, "passport", -1))
        typo = none
    phone_same = (_at_level(pairs, model, "phone", 0) | _at_level(pairs, model, "phone", 1))
    father = pairs["mw_father_name"].fillna(0).to_numpy() > 0 if "mw_father_name" in pairs \
        else none
    same_name = (_at_level(pairs, model, "given_name", 0)
                 | _at_level(pairs, model, "given_name", 1))
    script_apart = none
    if latin_given is not None:
        script_apart = ~(pairs["unique_id_l"].map(latin_given).fillna(False).to_numpy(dtype=bool)
                         & pairs["unique_id_r"].map(latin_given).fillna(False)
                         .to_numpy(dtype=bool))
    same_name = same_name | (_at_level(pairs, model, "given_name", 3) & script_apart)
    within_two = _at_level(pairs, model, "date_of_birth",
                           _level_index(model, "date_of_birth", "within two years"))
    far = _at_level(pairs, model, "date_of_birth", -1) | (within_two & ~same_name)
    # A looser spelling (Jaro-Winkler 0.8: Mirwajs and Mirways, Sajnab and Zaynab) counts as one
    # name only beside a birth date that agrees (known on both sides, not merely near).
    short_form = none  # or s read as z: levels a model saved before them does not have
    for label in (SHORT_FORM_LABEL, S_FOR_Z_LABEL):
        if _level_index(model, "given_name", label) >= 0:
            short_form = short_form | _at_level(pairs, model, "given_name",
                                                _level_index(model, "given_name", label))
    dated = (pairs["mw_date_of_birth"].notna() & (pairs["mw_date_of_birth"] != 0)).to_numpy() \
        if "mw_date_of_birth" in pairs else none
    name_close = (same_name | _at_level(pairs, model, "given_name", 2)
                  | _at_level(pairs, model, "given_name", 3)
                  | ((_at_level(pairs, model, "given_name", 4) | short_form)
                     & dated & ~far & ~within_two))
    return PairEvidence(
        given_names_agree=given_names_agree, brothers=brothers,
        same_generation=~_born_far_apart(pairs, model, years),
        same_document=same_document, documents_differ=documents_differ, document_typo=typo,
        document_weight=sum((w.fillna(0).to_numpy(dtype=float) for w in (
            field_weight(pairs, name) for name in ("tazkira", "passport")) if w is not None),
            np.zeros(len(pairs))),
        household_signs=phone_same | father, name_close=name_close, date_compatible=~far,
        sex_differ=_at_level(pairs, model, "sex", -1),
    )


def decide(
    pairs: pd.DataFrame, evidence: PairEvidence, *, households: dict[Any, Any],
    auto_merge_probability: float, in_family: Any = None,
    family_probability: float = FAMILY_MEMBER_PROBABILITY,
) -> tuple[pd.DataFrame, Any]:
    """The `automatic` column (merged without a person, if clustering accepts it), and the pairs
    the rules settle apart (never queued): two different document numbers of one kind without
    one name and a compatible date, and two members of two registrations of one family that the
    one-to-one pairing gave to others.

    * Brothers (given names far apart, one father) and pairs born far apart without a document
      in common are never merged automatically.
    * Two different valid numbers of one document kind veto a merge; one character apart is a
      typing error to review.
    * Records that share a family's signs (its phone, its father) are presumed two people unless
      they have one name and a compatible birth date, or one document.
    * Between two registrations of one family, members are paired one to one (never two members
      of one family onto one person). Inside such a pair of registrations (`in_family`: another
      member matched with certainty), a member is merged on the family's rule: one name, a
      compatible birth date, the same sex, no conflicting document, and a probability (with the
      family's prior) at least FAMILY_MEMBER_PROBABILITY. That recovers a member whose own record is
      thin (a given name and a year); the one-to-one pairing keeps a sibling off it.
    """
    ev = evidence
    p = pairs["match_probability"].to_numpy()
    probable = p >= auto_merge_probability
    if in_family is not None:
        probable = probable | (
            np.asarray(in_family, dtype=bool) & (p >= family_probability) & ev.name_close
            & ev.date_compatible & ~ev.sex_differ
        )
    # A number one character apart is neither a veto nor evidence: the pair merges when the rest
    # of its evidence alone is certain, and is queued as a typing error otherwise.
    weight = pairs["match_weight"].to_numpy(dtype=float)
    typo_aside = ev.document_typo & (weight - ev.document_weight < _logit2(auto_merge_probability))
    automatic = (
        probable & ~ev.brothers & (ev.same_generation | ev.same_document)
        & ~ev.documents_differ & ~typo_aside
        & (~ev.household_signs | (ev.name_close & ev.date_compatible) | ev.same_document)
    )
    assigned, settled_family = one_to_one(pairs, automatic, households=households)
    pairs = pairs.copy()
    pairs["automatic"] = automatic & assigned
    # Two numbers of one document are settled apart unless everything else says one person
    # (one name, a compatible date): then it may be an old and a new tazkira, for a person.
    documents_apart = ev.documents_differ & ~(ev.name_close & ev.date_compatible)
    # Born a generation apart, with what a family shares (its phone, its father): a parent and a
    # child of one name (Azmat born 1980 and Azmat born 2016), or of two names on one tazkira
    # number (a family writes the head's number for a child without one). A stranger's date
    # typed decades wrong stays queued, and so does one name on one document.
    generations_apart = (~ev.same_generation & ev.household_signs
                         & (~ev.same_document | ~ev.name_close))
    # Brothers and sisters: given names far apart, one father. Never merged automatically, and
    # not worth a caseworker's time either (measured on the independent registrations at 100k
    # people: nine in ten such pairs in the queue were two people). Nor are two of a family's
    # members whose given names are not one name, unless the rest of the evidence is certain.
    siblings = ev.brothers | (ev.household_signs & ~ev.name_close & ~ev.same_document
                              & (p < auto_merge_probability))
    return pairs, documents_apart | settled_family | generations_apart | siblings


class Households(dict[Any, Any]):
    """unique_id -> registration, with the registration of each record and the records of each
    registration kept as Series once: a million records' dict turned into a Series at each of
    a dozen lookups cost a second each."""

    @classmethod
    def of(cls, households: dict[Any, Any]) -> Households:
        return households if isinstance(households, Households) else cls(households)

    @functools.cached_property
    def by_record(self) -> pd.Series:
        return pd.Series(list(self.values()), index=list(self.keys()), dtype=(
            None if self else object))

    @functools.cached_property
    def sizes(self) -> pd.Series:
        """Records per registration."""
        return self.by_record.value_counts()


def registrations_of(pairs: pd.DataFrame, households: dict[Any, Any]) -> tuple[
        pd.Series, pd.Series]:
    """The registrations of each pair's two records."""
    lookup = Households.of(households).by_record
    return pairs["unique_id_l"].map(lookup), pairs["unique_id_r"].map(lookup)


_SIDE_BITS = 32


def _family_key(left: pd.Series, right: pd.Series) -> Any:
    """One key per pair of registrations whichever side each is on, the same for every frame of
    pairs (keys are kept in sets from one step to the next): an integer when registrations are
    numbered (link numbers them), the two names otherwise."""
    if (pd.api.types.is_integer_dtype(left) and pd.api.types.is_integer_dtype(right)
            and (len(left) == 0 or max(int(left.max()), int(right.max())) < 2**_SIDE_BITS)
            and (len(left) == 0 or min(int(left.min()), int(right.min())) >= 0)):
        a, b = left.to_numpy(np.int64), right.to_numpy(np.int64)
        return (np.minimum(a, b) << _SIDE_BITS) | np.maximum(a, b)
    return np.array([f"{a}\x1f{b}" if a <= b else f"{b}\x1f{a}"
                     for a, b in zip(left.astype(str), right.astype(str), strict=True)],
                    dtype=object)


def _family_codes(left: pd.Series, right: pd.Series) -> Any:
    """One integer per pair of households (0, 1, ...), the same whichever side each household
    is on: the pairs between two registrations, counted and grouped in numpy rather than as a
    Python object per pair (_family_key), which took seconds at a million records."""
    codes, _uniques = pd.factorize(pd.concat([left, right], ignore_index=True),
                                   use_na_sentinel=False)
    a, b = codes[: len(left)].astype(np.int64), codes[len(left):].astype(np.int64)
    pair = np.minimum(a, b) * (int(codes.max(initial=0)) + 1) + np.maximum(a, b)
    return pd.factorize(pair)[0]


def one_to_one(
    pairs: pd.DataFrame, candidates: Any, *, households: dict[Any, Any]
) -> tuple[Any, Any]:
    """Pair the members of two registrations one to one: among the `candidates` between two
    households, the assignment of greatest total weight (scipy's linear_sum_assignment) where a
    member appears in more than one. Returns (assigned: the candidates kept, settled: the pairs
    between those two registrations whose two members were both given to someone else)."""
    from scipy.optimize import linear_sum_assignment

    n = len(pairs)
    assigned = np.ones(n, dtype=bool)
    settled = np.zeros(n, dtype=bool)
    if n == 0 or not np.any(candidates):
        return assigned, settled
    ids_l = pairs["unique_id_l"].to_numpy()
    ids_r = pairs["unique_id_r"].to_numpy()
    key = _family_codes(*registrations_of(pairs, households))
    cand = np.flatnonzero(candidates)
    frame = pd.DataFrame({"k": key[cand], "l": ids_l[cand], "r": ids_r[cand], "i": cand,
                          "w": pairs["match_weight"].to_numpy()[cand]})
    # A member twice among one family pair's candidates: those family pairs need an assignment.
    crowded = set(frame.loc[frame.duplicated(["k", "l"], keep=False), "k"]) | set(
        frame.loc[frame.duplicated(["k", "r"], keep=False), "k"])
    for _k, group in frame[frame["k"].isin(crowded)].groupby("k", sort=False):
        # Both sides of a household pair: left ids one side, right the other (ids of one
        # household may appear as _l or _r, so sides are the households).
        rows = group.to_dict("list")
        side: dict[Any, set[Any]] = {}
        for a, b in zip(rows["l"], rows["r"], strict=True):
            side.setdefault(households.get(a), set()).add(a)
            side.setdefault(households.get(b), set()).add(b)
        (_ha, left_ids), (_hb, right_ids) = [*side.items(), (None, set())][:2]
        li = {x: j for j, x in enumerate(sorted(left_ids))}
        ri = {x: j for j, x in enumerate(sorted(right_ids))}
        weight = np.full((len(li), len(ri)), -1e6)
        where = {}
        for a, b, i, w in zip(rows["l"], rows["r"], rows["i"], rows["w"], strict=True):
            x, y = (a, b) if a in li else (b, a)
            weight[li[x], ri[y]] = w
            where[(li[x], ri[y])] = i
        chosen = set(zip(*linear_sum_assignment(weight, maximize=True), strict=True))
        for cell, i in where.items():
            if cell not in chosen:
                assigned[i] = False
    # The pairs whose members were both paired with others between the same two registrations.
    kept = cand[assigned[cand]]
    if len(kept):
        taken = pd.MultiIndex.from_arrays([np.concatenate([key[kept], key[kept]]),
                                           np.concatenate([ids_l[kept], ids_r[kept]])])
        is_kept = np.zeros(n, dtype=bool)
        is_kept[kept] = True
        settled = (~is_kept & pd.MultiIndex.from_arrays([key, ids_l]).isin(taken)
                   & pd.MultiIndex.from_arrays([key, ids_r]).isin(taken))
    return assigned, settled


def documents_of(features: pd.DataFrame) -> dict[int, frozenset[tuple[str, str]]]:
    """Each record's document numbers, by kind (a paper and an electronic tazkira are two kinds):
    what clustering must not join apart."""
    documents: dict[int, frozenset[tuple[str, str]]] = {}
    for kind in ("tazkira", "passport"):
        known = features[features[kind].notna()]
        for uid, number in zip(known["unique_id"].tolist(), known[kind].tolist(), strict=True):
            held = (tazkira_kind(str(number)) if kind == "tazkira" else kind, str(number))
            documents[int(uid)] = documents.get(int(uid), frozenset()) | {held}
    return documents


def with_queue(
    pairs: pd.DataFrame, *, settled: Any, cluster_of: dict[int, int], review_probability: float,
) -> pd.DataFrame:
    """The `queued` column (a person should decide) and `priority` (what a decision changes).

    Queued: at or above the review threshold, not settled by the rules, and not already in one
    cluster (merged, directly or through others). Priority: how uncertain the pair is
    (p(1-p), largest at 0.5) times the records whose person a decision changes (the sizes of
    the two clusters)."""
    pairs = pairs.copy()
    left = pairs["unique_id_l"].astype("int64").map(cluster_of)
    right = pairs["unique_id_r"].astype("int64").map(cluster_of)
    same_cluster = (left == right).to_numpy()
    p = pairs["match_probability"].to_numpy(dtype=float)
    pairs["queued"] = (p >= review_probability) & ~np.asarray(settled, dtype=bool) & ~same_cluster
    size = dict(Counter(cluster_of.values()))
    records = left.map(size).fillna(1).to_numpy() + right.map(size).fillna(1).to_numpy()
    pairs["priority"] = np.round(4 * p * (1 - p) * records, 6)
    return pairs


def _with_family_pairs(
    pairs: pd.DataFrame, *, features: pd.DataFrame, model: dict[str, Any],
    households: dict[Any, Any], certain: float, anchors: Iterable[Any] = (),
    explain: bool = False,
) -> pd.DataFrame:
    """Two registrations matched with certainty through one member (given names agreeing), or
    found one family by their members together (`anchors`, family keys: family_anchors), are
    most likely one family registered twice: every other member of one is compared with every
    member of the other, whatever the blocking found, so that a member whose own record is thin
    (a given name and a year) is weighed as a member of that family (SAME_FAMILY_PRIOR)."""
    if pairs.empty or "mw_given_name" not in pairs:
        return pairs
    size = Households.of(households).sizes
    hl, hr = registrations_of(pairs, households)
    named = ((pairs["mw_given_name"] > 0) & hl.map(size).fillna(0).le(LARGEST_FAMILY)
             & hr.map(size).fillna(0).le(LARGEST_FAMILY))
    anchor = named & (pairs["match_probability"] >= certain)
    named &= pairs["match_probability"] >= FAMILY_MEMBER_PROBABILITY
    # or two members probably matched between the same two registrations
    likely = pd.Series(_family_codes(hl, hr), index=pairs.index)[named]
    twice = likely[likely.duplicated(keep=False)].index
    if TWO_PROBABLE_CORROBORATE:
        anchor = anchor | pairs.index.isin(twice)
    anchors = set(anchors)
    if anchors:
        anchor = anchor | pd.Series(_family_key(hl, hr), index=pairs.index).isin(anchors)
    if not anchor.any():
        return pairs
    family_pairs = pd.DataFrame({"h1": hl[anchor], "h2": hr[anchor]})
    swap = family_pairs["h1"] > family_pairs["h2"]
    family_pairs.loc[swap, ["h1", "h2"]] = family_pairs.loc[swap, ["h2", "h1"]].to_numpy()
    family_pairs = family_pairs.drop_duplicates().reset_index(drop=True)
    # Only the members of these registrations are compared, with the name frequencies of every
    # record being linked. Copying the whole table cost a gigabyte at a million records.
    named_households = pd.unique(pd.concat([family_pairs["h1"], family_pairs["h2"]]))
    members = features[features["household"].isin(named_households)]
    scored = _family_member_pairs(members, family_pairs, features=features, model=model,
                                  explain=explain)
    del members
    seen = pd.MultiIndex.from_arrays([pairs["unique_id_l"], pairs["unique_id_r"]])
    new = scored[~pd.MultiIndex.from_arrays(
        [scored["unique_id_l"], scored["unique_id_r"]]).isin(seen)]
    if new.empty:
        return pairs
    columns = [c for c in pairs.columns if c in new.columns]
    return pd.concat([pairs, new[columns]], ignore_index=True)


_SIDE = re.compile(r'"?\b([A-Za-z_][A-Za-z0-9_]*)_([lr])\b"?')


def _agreeing_sql(model: dict[str, Any], field: str) -> str:
    """SQL on the aliases `l` and `r` of a join: a compared field reaches one of its levels of
    positive weight (m above u, or m not yet known), any of them whatever the levels before
    it; empty when the model does not compare the field."""
    for comparison in model.get("comparisons", []):
        if comparison.get("output_column_name") != field:
            continue
        conditions = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level["sql_condition"].strip().upper() == "ELSE":
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if m is not None and u is not None and m <= u:
                continue
            conditions.append("(" + _SIDE.sub(r'\2."\1"', level["sql_condition"]) + ")")
        return " OR ".join(conditions)
    return ""


def _family_member_pairs(
    members: pd.DataFrame, family_pairs: pd.DataFrame, *, features: pd.DataFrame,
    model: dict[str, Any], explain: bool,
) -> pd.DataFrame:
    """Every member of one registration of each family pair (`h1`, `h2`) scored against every
    member of the other whose given name may be the same name, in one Splink prediction on
    DuckDB over those pairs; the pairs whose given names agree (positive weight).

    Two members whose given names do not agree are two of the family's people: no later step
    reads their pair unless it is probable on its own, and then the blocking finds it. At a
    million records they were nine in ten of the members' pairs."""
    from splink import DuckDBAPI

    db_api = DuckDBAPI()
    try:
        settings = copy.deepcopy(model)
        settings["retain_intermediate_calculation_columns"] = True
        settings["retain_matching_columns"] = explain
        members_table = db_api.register(members)
        linker = Linker(members_table, settings, log_level=logging.ERROR)
        for column in TERM_FREQUENCY_COLUMNS:  # the frequencies of the records being linked
            share = features[column].value_counts(normalize=True)
            lookup = pd.DataFrame({column: share.index.astype(str),
                                   f"tf_{column}": share.to_numpy(dtype="float64")})
            linker.table_management.register_term_frequency_lookup(
                db_api.register(lookup), column)
        table = members_table.physical_name
        families = db_api.register(family_pairs[["h1", "h2"]]).physical_name
        agreeing = _agreeing_sql(model, "given_name") or "TRUE"
        # The tables are ours (registered above) and the condition the model's levels: no
        # outside text reaches this statement.
        blocked = db_api._sql_to_splink_dataframe(
            "SELECT DISTINCT '0' AS match_key, least(l.unique_id, r.unique_id) AS join_key_l, "  # noqa: S608
            f"greatest(l.unique_id, r.unique_id) AS join_key_r FROM {families} AS f "
            f"INNER JOIN {table} AS l ON l.household = f.h1 "
            f"INNER JOIN {table} AS r ON r.household = f.h2 "
            f"WHERE l.unique_id <> r.unique_id AND ({agreeing})",
            "__splink__blocked_id_pairs", "__splink__blocked_id_pairs_family",
        )
        linker.table_management.register_blocked_pairs_for_predict(blocked)
        scored = _pairs_frame(linker.inference.predict(), db_api=db_api, backend="duckdb",
                              explain=explain)
    finally:
        db_api._con.close()  # its memory back now (see link), not when the collector comes by
    given = field_weight(scored, "given_name")
    return scored if given is None else scored[given.fillna(0).to_numpy() > 0]


def field_weight(pairs: pd.DataFrame, name: str) -> pd.Series | None:
    """A compared field's match weight per pair, with its name-frequency adjustment (Splink 5's
    `mw_` and `mw_tf_adj_` columns), or None when the pairs do not carry it."""
    if f"mw_{name}" not in pairs:
        return None
    weight = pairs[f"mw_{name}"]
    if f"mw_tf_adj_{name}" in pairs:
        weight = weight + pairs[f"mw_tf_adj_{name}"].fillna(0)
    return weight


def _given_name_evidence(pairs: pd.DataFrame, model: dict[str, Any]) -> tuple[Any, Any]:
    """Two boolean arrays over the pairs: the given names agree (positive weight), and brothers:
    given names far apart (the last level, not a spelling variant) with one father. Far apart
    without a father in common (names swapped, a nickname) is left to the weights."""
    given = field_weight(pairs, "given_name")
    none = np.zeros(len(pairs), dtype=bool)
    if given is None:  # a model without names: neither
        return none, none
    agree = (given.fillna(0) > 0).to_numpy()
    if "mw_father_name" not in pairs:
        return agree, none
    brothers = _at_level(pairs, model, "given_name", -1) & (pairs["mw_father_name"] > 0).to_numpy()
    return agree, brothers


# A year one digit apart from the other by this many years or more (1960 and 1990) is a tens
# digit typed wrong, or a father and a son of one name born on the same day of the year: the
# gap of a generation. Either way a person decides, as for dates far apart.
GENERATION_YEARS = 10


def _born_far_apart(pairs: pd.DataFrame, model: dict[str, Any], years: pd.Series) -> Any:
    """A boolean array over the pairs: the birth dates are at the last level (more than two
    years apart, not a typing error), or one digit apart with GENERATION_YEARS or more between
    the years (`years`: the birth year of each unique_id). Inside one family that is a father
    and a son of one name, never one person, so the family's prior does not apply to them."""
    far = _at_level(pairs, model, "date_of_birth", -1)
    typo = _at_level(pairs, model, "date_of_birth",
                     _level_index(model, "date_of_birth", "one digit typed wrong"))
    if not typo.any():
        return far
    years = pd.to_numeric(years, errors="coerce")  # no year: NaN, never a generation apart
    gap = (pairs["unique_id_l"].map(years) - pairs["unique_id_r"].map(years)).abs()
    return far | (typo & (gap.to_numpy(dtype=float) >= GENERATION_YEARS))


def _same_document(pairs: pd.DataFrame, model: dict[str, Any]) -> Any:
    """A boolean array over the pairs: the same tazkira or passport number, exactly."""
    return _at_level(pairs, model, "tazkira", 0) | _at_level(pairs, model, "passport", 0)


def _at_level(pairs: pd.DataFrame, model: dict[str, Any], field: str, index: int) -> Any:
    """A boolean array over the pairs: the field reached the model's level `index` (0: the first
    after the null level, -1: "All other comparisons"), read from its weight; all False when the
    pairs or the model do not carry it."""
    weight = _level_weight(model, field, index)
    if weight is None or f"mw_{field}" not in pairs:
        return np.zeros(len(pairs), dtype=bool)
    return ((pairs[f"mw_{field}"] - weight).abs() < 1e-6).to_numpy()


def _level_index(model: dict[str, Any], field: str, label: str) -> int:
    """The index of a comparison's level by its label (as _at_level counts them); -1 (the last
    level) when the model has no such level."""
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] == field:
            levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
            labels = [lv.get("label_for_charts") for lv in levels]
            return labels.index(label) if label in labels else -1
    return -1


def _level_weight(model: dict[str, Any], field: str, index: int) -> float | None:
    """The match weight of a comparison's level (0: the first after the null level, -1: the
    last, "All other comparisons") in a model."""
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] == field:
            levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
            m, u = levels[index].get("m_probability"), levels[index].get("u_probability")
            if m and u:
                return math.log2(m / u)
    return None


# Once one person of registration A is matched with certainty to one of registration B, A and B
# are most likely one family registered twice (by the family and by a relative abroad, say), and
# any other person of A is one of B's few members with a probability of about this much, not one
# of the whole population's. Splink's prior is the latter; at a million records it costs 20 bits.
SAME_FAMILY_PRIOR = 0.1
HOUSEHOLD_REASON = "household"
TWO_PROBABLE_CORROBORATE = True
# Only a registration of a family is one: a partner's whole file given as one "household"
# (Febrl4's two files) is not corroborated by one of its members.
LARGEST_FAMILY = 30


def corroborated_by_household(
    pairs: pd.DataFrame, *, households: dict[Any, Any], prior: float, certain: float,
    eligible: Any, anchors: Iterable[Any] = (),
) -> pd.DataFrame:
    """Re-weigh the pairs between two registrations that already share a certain pair: the same
    evidence, with SAME_FAMILY_PRIOR as the prior instead of the population's. Only `eligible`
    pairs (a boolean per pair: their given names agree and they were not born far apart) gain:
    inside one family, the family name, the father's name, the phone and for twins the birth
    date agree between siblings, so only the given name and the generation tell them apart. A
    pair only ever gains; clustering still never puts two people of one registration together.
    Two registrations that family_anchors found one family (`anchors`, family keys) corroborate
    their members' pairs too. With reasons, the gain is one of them.
    """
    if pairs.empty:
        return pairs
    left, right = registrations_of(pairs, households)
    size = Households.of(households).sizes
    families = left.map(size).le(LARGEST_FAMILY) & right.map(size).le(LARGEST_FAMILY)
    eligible = families.to_numpy() & eligible
    sure = (pairs["match_probability"] >= certain).to_numpy(dtype=bool) & eligible
    family = _family_codes(left, right)
    certain_pairs = np.bincount(family, weights=sure)[family]
    # Two members each probably matched (FAMILY_MEMBER_PROBABILITY, given names agreeing)
    # between the same two registrations corroborate each other as much as one certain pair.
    likely = ((pairs["match_probability"] >= FAMILY_MEMBER_PROBABILITY).to_numpy(dtype=bool)
              & eligible)
    likely_pairs = np.bincount(family, weights=likely)[family]
    anchored = (pd.Series(_family_key(left, right)).isin(set(anchors)).to_numpy() if anchors
                else np.zeros(len(pairs), dtype=bool))
    corroborated = pd.Series(  # another pair joins the two registrations: not itself
        eligible & ((certain_pairs > sure)
                    | (TWO_PROBABLE_CORROBORATE & likely & (likely_pairs >= 2)) | anchored),
        index=pairs.index,
    )
    gain = math.log2(SAME_FAMILY_PRIOR / (1 - SAME_FAMILY_PRIOR)) - math.log2(prior / (1 - prior))
    if not corroborated.any() or gain <= 0:
        return pairs
    pairs = pairs.copy()
    weight = pairs.loc[corroborated, "match_weight"] + gain
    pairs.loc[corroborated, "match_weight"] = weight
    pairs.loc[corroborated, "match_probability"] = 1 / (1 + 2 ** (-weight))
    if "reasons" in pairs:
        reason = {
            "field": HOUSEHOLD_REASON,
            "level": "another person of both registrations is matched",
            "weight": round(gain, 2),
        }
        pairs.loc[corroborated, "reasons"] = pairs.loc[corroborated, "reasons"].map(
            lambda reasons: [*reasons, reason]
        )
    return pairs


# A member pair is read as family evidence from this much evidence on (its match weight without
# the prior, in bits): about a given name and a birth year agreeing. Weaker pairs are not
# predicted at all.
FAMILY_MEMBER_BITS = 12.0
# The names a family shares (counted once for two registrations, from their strongest pair) and
# what each person has of their own (counted for every member paired).
FAMILY_FIELDS = ("family_name", "father_name")
PERSONAL_FIELDS = ("given_name", "date_of_birth", "sex", "tazkira", "passport", "email")
# An anchored family merges several members at once (and their clusters with them): it needs
# surer odds than one pair. At 1 in 1,000 (10 bits), measured on the independent registrations
# at 100k people: 18 wrong anchors of 17,875 (at 0.98, 122 of 18,088).
FAMILY_CERTAIN_BITS = 10.0
# How often two registrations of one family share a phone when both give one (the family's own
# or a relative's abroad): an estimate, not trained; the weight rests mostly on how few
# registrations hold that phone.
FAMILY_PHONE_M = 0.5


def _logit2(probability: float) -> float:
    probability = min(max(probability, 1e-300), 1 - 1e-16)
    return math.log2(probability / (1 - probability))


def family_candidates(
    pairs: pd.DataFrame, evidence: PairEvidence, *, households: dict[Any, Any],
) -> set[Any]:
    """Pairs of registrations of two members or more (family keys) with one pair of members
    that could be one person, probably (FAMILY_MEMBER_PROBABILITY) or, below it, with a sign of
    one family (the same phone, family name or father's name): the families whose members are
    all compared (family_odds)."""
    if pairs.empty:
        return set()
    size = Households.of(households).sizes
    hl, hr = registrations_of(pairs, households)
    sl, sr = hl.map(size), hr.map(size)
    ev = evidence
    family_name = field_weight(pairs, "family_name")
    family_sign = ev.household_signs | (
        family_name.fillna(0).to_numpy() > 0 if family_name is not None else False)
    could = (ev.name_close & ev.date_compatible & ~ev.sex_differ & ~ev.documents_differ
             & ev.same_generation & ~ev.brothers
             & ((pairs["match_probability"].to_numpy() >= FAMILY_MEMBER_PROBABILITY)
                | family_sign)
             & (sl.between(2, LARGEST_FAMILY) & sr.between(2, LARGEST_FAMILY)).to_numpy())
    return set(_family_key(hl[could], hr[could]))


def family_anchors(
    pairs: pd.DataFrame, evidence: PairEvidence, *, households: dict[Any, Any], prior: float,
    phones: dict[Any, Any], certain: float,
) -> set[Any]:
    """Pairs of registrations that are one family by their members together (family keys):
    their family_odds reach `certain`."""
    odds = family_odds(pairs, evidence, households=households, prior=prior, phones=phones)
    return set(odds.index[odds.to_numpy() >= max(_logit2(certain), FAMILY_CERTAIN_BITS)])


def family_odds(
    pairs: pd.DataFrame, evidence: PairEvidence, *, households: dict[Any, Any], prior: float,
    phones: dict[Any, Any],
) -> pd.Series:
    """The log2 odds that two registrations are one family, by family key, for the pairs of
    registrations with at least two members that could be one person.

    One member's pair may be too weak to merge on its own (a given name and a year) and still,
    beside a second member of the same two registrations, leave no doubt that the two are one
    family. The family's odds: the prior that two registrations are one family (the person
    prior times the mean registration size); the phone they share, once, weighed by how many
    registrations hold it; the family's names, once (the strongest pair's); and each member's
    own evidence (given name, birth date, sex, documents) over a one-to-one pairing of the
    members that could be one person (one name, a compatible date, the same sex, no conflicting
    document, not brothers, one generation), less the choice of that pairing among all. At
    least two members must pair. An anchor decides no member: corroborated_by_household and
    the family's rule in `decide` still do, one by one.
    """
    none = pd.Series(dtype=float)
    if pairs.empty or "mw_given_name" not in pairs:
        return none
    size = Households.of(households).sizes
    hl, hr = registrations_of(pairs, households)
    fits = (hl.map(size).le(LARGEST_FAMILY) & hr.map(size).le(LARGEST_FAMILY)).to_numpy()
    ev = evidence
    one_person = (ev.name_close & ev.date_compatible & ~ev.sex_differ & ~ev.documents_differ
                  & ev.same_generation & ~ev.brothers & fits)

    def weight(fields: Sequence[str]) -> Any:
        total = np.zeros(len(pairs))
        for name in fields:
            w = field_weight(pairs, name)
            if w is not None:
                total += w.fillna(0).to_numpy(dtype=float)
        return total

    personal = weight(PERSONAL_FIELDS)
    chosen = one_person & (personal > 0)
    if chosen.sum() < 2:
        return none
    keys = _family_key(hl[chosen], hr[chosen])
    members = pd.DataFrame({
        "k": keys, "l": pairs["unique_id_l"].to_numpy()[chosen],
        "r": pairs["unique_id_r"].to_numpy()[chosen], "personal": personal[chosen],
        "shared": np.maximum(weight(FAMILY_FIELDS)[chosen], 0.0),
        "hl": hl[chosen].to_numpy(), "hr": hr[chosen].to_numpy(),
    })
    members = members[members.duplicated("k", keep=False)]
    # One to one, strongest first: a member once paired is not paired again in that family pair.
    members = members.sort_values("personal", ascending=False, kind="stable")
    members = members.drop_duplicates(["k", "l"]).drop_duplicates(["k", "r"])
    family = members.groupby("k", sort=False).agg(
        n=("personal", "size"), personal=("personal", "sum"), shared=("shared", "max"),
        a=("hl", "first"), b=("hr", "first"))
    family = family[family["n"] >= 2]
    if family.empty:
        return none
    phones_of: dict[Any, set[str]] = {}  # registration -> its phones
    for uid, phone in phones.items():
        if isinstance(phone, str) and phone:
            phones_of.setdefault(households.get(uid), set()).add(phone)
    holders = Counter(p for held in phones_of.values() for p in held)
    registrations = max(len(size), 2)
    sizes = size.to_dict()

    def phone_bits(a: Any, b: Any) -> float:
        common = phones_of.get(a, set()) & phones_of.get(b, set())
        if not common:
            return 0.0
        return max(0.0, math.log2(FAMILY_PHONE_M * registrations
                                  / min(holders[p] for p in common)))

    extra = np.array([phone_bits(a, b) - n * math.log2(max(sizes.get(a, 1), sizes.get(b, 1)))
                      for a, b, n in zip(family["a"], family["b"], family["n"], strict=True)])
    prior_bits = _logit2(min(0.5, prior * int(size.sum()) / registrations))
    return prior_bits + family["shared"] + family["personal"] + extra


def with_reasons(pairs: pd.DataFrame, model: dict[str, Any]) -> pd.DataFrame:
    """Add a `reasons` column: for each compared field, the level reached and its weight."""
    fields = []
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        labels = {
            len(levels) - 1 - i: lv.get("label_for_charts", "") for i, lv in enumerate(levels)
        }
        fields.append((name, labels))
    weights = {}  # Splink 5; as lists: pandas indexing per row cost more than the scoring
    for name, _labels in fields:
        weight = field_weight(pairs, name)
        weights[name] = None if weight is None else weight.tolist()
    reasons = []
    for i, row in enumerate(pairs.to_dict("records")):
        explained = []
        for name, labels in fields:
            gamma = int(row.get(f"gamma_{name}", -1))
            known = weights[name]
            if known is not None:
                weight = float(known[i])
            else:
                bf = float(row.get(f"bf_{name}", 1.0))
                weight = math.log2(bf) if bf > 0 else -99.0
            explained.append({
                "field": name,
                "level": "missing" if gamma < 0 else labels.get(gamma, str(gamma)),
                "weight": round(max(-99.0, min(99.0, weight)), 2),
            })
        reasons.append(explained)
    pairs = pairs.copy()
    pairs["reasons"] = reasons
    return pairs


# One DuckDB connection per thread for the instant check (a connection is not shared between
# threads); opening one costs more than scoring a registration against its candidates.
_instant = threading.local()


def _instant_db_api() -> Any:
    api = getattr(_instant, "db_api", None)
    if api is None:
        from splink import DuckDBAPI

        api = _instant.db_api = DuckDBAPI()
    return api


def _forget_tables(db_api: Any) -> None:
    """Drop what compare_records left in the thread's connection: the two registered frames
    and the scored pairs, so that a long-lived connection does not grow with every check."""
    con = db_api._con
    names = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE starts_with(table_name, '__splink__')"
    ).fetchall()
    for name, kind in names:
        if kind == "VIEW":
            con.unregister(name)
        else:
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
    db_api._intermediate_table_cache.invalidate_cache()


def score_pairs(
    *, left: pd.DataFrame, right: pd.DataFrame, model: dict[str, Any], threshold: float,
    model_key: str | None = None, best_per_record: int | None = None,
) -> pd.DataFrame:
    """Score every record of `right` (new registrations) against every record of `left` (the
    candidates found by blocking keys), with a trained model; pairs at or above `threshold`.
    When both frames have a `check_group` column, only records of the same group are compared
    (several registrations' checks in one pass). With `best_per_record`, only the strongest
    pairs of each record of `right`.

    With `model_key` (a name that changes whenever the model does), the SQL Splink writes for
    the model is kept and reused: building it parses every comparison again, which costs more
    than scoring."""
    from splink.internals.realtime import compare_records

    empty = pd.DataFrame(columns=[*_PAIR_COLUMNS, "reasons"])
    if left.empty or right.empty:
        return empty
    left, right = typed_features(left), typed_features(right)
    for frame in (left, right):  # no term frequencies: exact names weigh as in the plain model
        for column in TERM_FREQUENCY_COLUMNS:
            frame[f"tf_{column}"] = pd.Series([None] * len(frame), dtype="float64")
    grouped = "check_group" in left.columns and "check_group" in right.columns
    join = "l.household <> r.household" + (" AND l.check_group = r.check_group" if grouped
                                           else "")
    db_api = _instant_db_api()
    try:
        scored = compare_records(
            left, right, model, db_api, join_condition=join,
            sql_cache_key=f"score-pairs:{grouped}:{model_key}" if model_key else None,
        ).as_pandas_dataframe()
    finally:
        _forget_tables(db_api)
    scored = scored[scored["match_probability"] >= threshold]
    if best_per_record is not None:
        scored = (scored.sort_values("match_weight", ascending=False, kind="stable")
                  .groupby("unique_id_r", sort=False).head(best_per_record))
    if scored.empty:
        return empty
    return with_reasons(scored, model)[[*_PAIR_COLUMNS, "reasons"]].reset_index(drop=True)


def accepted_edges(
    *,
    households: dict[Any, Any],
    pairs: pd.DataFrame,
    cannot_link: Iterable[tuple[int, int]] = (),
    must_link: Sequence[tuple[int, int]] = (),
    documents: dict[int, frozenset[tuple[str, str]]] | None = None,
) -> list[tuple[int, int]]:
    """The pairs that clustering keeps, strongest first (confirmed pairs before any): a pair is
    refused when it would put two records of one household registration, or two records decided
    apart, in one cluster. Connected components alone chain a household into one cluster through
    one wrong edge; the cannot-link rule stops the chain at its first link into a second member.

    With `documents` (each record's (kind, number) pairs), no pair other than a confirmed one
    joins two clusters that hold different numbers of one document kind (more than one
    character apart: a typing error is not a second document): two tazkiras that each passed
    one pair's test do not become one person through a third record.
    """
    parent: dict[int, int] = {}
    tags: dict[int, set[Any]] = {}
    papers: dict[int, frozenset[tuple[str, str]]] = {}
    documents = documents or {}

    def conflict(a: int, b: int) -> bool:
        mine, theirs = papers.get(a, frozenset()), papers.get(b, frozenset())
        if not mine or not theirs or mine == theirs:
            return False
        return any(ka == kb and a != b and not one_edit_apart(a, b)
                   for ka, a in mine for kb, b in theirs)

    def find(x: int) -> int:
        if x not in parent:
            parent[x] = x
            tags[x] = {("h", households.get(x, ("own", x)))}
            if x in documents:
                papers[x] = documents[x]
            return x
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for n, (a, b) in enumerate(cannot_link):
        tags[find(int(a))].add(("x", n))
        tags[find(int(b))].add(("x", n))
    ordered = pairs.sort_values("match_weight", ascending=False, kind="stable")
    edges = [(int(a), int(b)) for a, b in must_link] + list(
        zip(ordered["unique_id_l"].astype("int64").tolist(),
            ordered["unique_id_r"].astype("int64").tolist(), strict=True)
    )
    accepted = []
    decided = len(must_link)
    for n, (left, right) in enumerate(edges):
        a, b = find(left), find(right)
        if a != b:
            if tags[a] & tags[b] or (n >= decided and conflict(a, b)):
                continue
            if len(tags[a]) < len(tags[b]):
                a, b = b, a
            parent[b] = a
            tags[a] |= tags.pop(b)
            joined = papers.pop(a, frozenset()) | papers.pop(b, frozenset())
            if joined:
                papers[a] = joined
        accepted.append((left, right))
    return accepted


def components(ids: Iterable[int], edges: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Connected components of the accepted edges; a cluster's id is its lowest record id.
    Every id given and every id of an edge is a key, in the order first seen (ids, then the
    edges'). In scipy: a Python union-find over a million records took seconds."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    given = np.fromiter((int(i) for i in ids), dtype=np.int64)
    ends = np.array([(int(a), int(b)) for a, b in edges], dtype=np.int64).reshape(-1, 2)
    nodes = pd.unique(np.concatenate([given, ends.ravel()]))
    if not len(nodes):
        return {}
    position = pd.Index(nodes)
    graph = coo_matrix(
        (np.ones(len(ends), dtype=np.int8),
         (position.get_indexer(ends[:, 0]), position.get_indexer(ends[:, 1]))),
        shape=(len(nodes), len(nodes)),
    )
    count, label = connected_components(graph, directed=False)
    lowest = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(lowest, label, nodes)
    return dict(zip(nodes.tolist(), lowest[label].tolist(), strict=True))


DEFAULT_MODEL_PATH = Path(__file__).with_name("default_model.json")


def default_model() -> dict[str, Any]:
    """The model trained on synthetic registrations that ships with SafePassage, used by the
    instant check until the first `safepassage link` trains one on the real registrations."""
    return dict(json.loads(DEFAULT_MODEL_PATH.read_text()))


def plain_settings() -> SettingsCreator:
    """A plain Splink configuration to measure against: lower-cased names, ISO dates, exact
    phone, Splink's default comparisons and an obvious blocking."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.NameComparison("father_name"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("tazkira"),
            cl.ExactMatch("passport"),
            cl.ExactMatch("email"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("dob"),
            block_on("phone"),
            block_on("tazkira"),
            block_on("passport"),
        ],
        additional_columns_to_retain=["household"],
    )


def train_plain(linker: Linker, *, records: int) -> None:
    linker.training.estimate_probability_two_random_records_match(
        [block_on("tazkira"), block_on("passport")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(5e6, max(1e5, records * 5.0)), seed=1
    )
    proportion = min(1.0, 200_000 / max(records, 1))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "family_name"), record_sample_proportion=proportion
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), record_sample_proportion=proportion
    )


def link_plain(features: pd.DataFrame, *, threshold: float = 0.95) -> LinkageResult:
    """The plain configuration end to end with Splink's connected components."""
    started = time.perf_counter()
    db_api = make_db_api()
    linker = Linker(db_api.register(features), plain_settings(), log_level=logging.WARNING)
    train_plain(linker, records=len(features))
    train_s = time.perf_counter() - started
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    return LinkageResult(
        model=linker.misc.save_model_to_json(),
        pairs=predictions.as_pandas_dataframe(),
        clusters=clustered.as_pandas_dataframe()[["unique_id", "cluster_id"]],
        timings={"train_s": train_s},
    )
