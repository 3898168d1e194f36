"""Reads for linkage: the review queue, one pair side by side (audited), a case's possible
duplicates, and the clusters for export."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.intake.models import ExternalReference
from safepassage.linkage.models import (
    TOGETHER,
    CandidatePair,
    LinkageModel,
    PairStatus,
    PersonCluster,
)
from safepassage.registry.models import Case, Person
from safepassage.registry.selectors import cases_visible_to

REVIEW_PAGE = 100


def review_queue(*, actor: Actor, status: str = PairStatus.PENDING) -> QuerySet[CandidatePair]:
    """Pairs waiting for a decision, the likeliest first, with their two case references (no
    personal data is read here: the references, and the levels the fields reached)."""
    permissions.require(actor, permissions.RESOLVE_DUPLICATES)
    pairs = CandidatePair.objects.filter(status=status).annotate(
        case_a=F("person_a__household__case__reference"),
        case_b=F("person_b__household__case__reference"),
    )
    if status == PairStatus.PENDING:
        # A pair whose two persons are one already (merged through other pairs) has nothing
        # left to decide; what a decision changes most comes first.
        pairs = pairs.exclude(
            person_a__linkage_cluster__cluster_id=F("person_b__linkage_cluster__cluster_id"))
        return pairs.order_by("-priority", "-match_probability", "pk")
    return pairs.order_by("-match_probability", "pk")


def strongest_reasons(pair: CandidatePair, count: int = 3) -> str:
    """The fields that weigh most for a pair, in words: what a caseworker reads in the queue
    to choose which pair to open ("Phone: the same phone …; Born: the same day")."""
    shown = sorted((r for r in pair.reasons if float(r["weight"]) > 0),
                   key=lambda r: -float(r["weight"]))[:count]
    return "; ".join(f"{field_label(r['field'])}: {level_label(r['level'])}" for r in shown)


ELSE_LEVEL = "All other comparisons"  # Splink's label of a comparison's last level


def held_reasons(pair: CandidatePair, birth_years: tuple[int | None, int | None] = (None, None),
                 ) -> list[str]:
    """Why a pending pair waits for a person, in words, read from the levels its fields reached
    and the two birth years (the rules of engine.link: no automatic merge of brothers, of a
    pair born far apart or a generation apart without a document in common, or below the
    threshold; the check at registration only proposes)."""
    from safepassage.linkage import engine  # Splink and pandas: loaded by the pages that need them

    if pair.status != PairStatus.PENDING:
        return []
    levels = {r["field"]: r["level"] for r in pair.reasons}
    weights = {r["field"]: float(r["weight"]) for r in pair.reasons}
    same_document = any(levels.get(f) == f"Exact match on {f}" for f in ("tazkira", "passport"))
    held = []
    if pair.match_probability < engine.AUTO_MERGE_PROBABILITY:
        held.append(_("Not certain enough to merge without a person (below %(p)s%%).")
                    % {"p": round(100 * engine.AUTO_MERGE_PROBABILITY)})
    if levels.get("given_name") == ELSE_LEVEL and weights.get("father_name", 0) > 0:
        held.append(_("Given names far apart with one father: brothers look like this, so such a "
                      "pair is never merged automatically."))
    if levels.get("date_of_birth") == ELSE_LEVEL and not same_document:
        held.append(_("Born more than two years apart with no tazkira or passport number in "
                      "common: a father and a son of one name look like this, so such a pair is "
                      "never merged automatically."))
    first, second = birth_years
    if (levels.get("date_of_birth") == "one digit typed wrong" and not same_document
            and first and second and abs(first - second) >= engine.GENERATION_YEARS):
        held.append(_("Born on the same day of the year, a generation apart (the years differ "
                      "in one digit): a typing error, or a father and a son of one name, so such "
                      "a pair is never merged automatically."))
    documents = {r["field"]: r["level"] for r in pair.reasons
                 if r["field"] in ("tazkira", "passport")}
    if any(level == "one character typed wrong" for level in documents.values()):
        held.append(_("The document numbers differ by one character: a typing error, or two "
                      "people; a person reads the numbers."))
    elif any(level == ELSE_LEVEL for level in documents.values()):
        held.append(_("Two different numbers of one document: never merged automatically (an "
                      "old and a new tazkira of one person, or two people)."))
    if (weights.get("phone", 0) > 0 or weights.get("father_name", 0) > 0) and (
            levels.get("given_name") not in (None, ELSE_LEVEL) and pair.match_probability
            >= engine.AUTO_MERGE_PROBABILITY and not held):
        held.append(_("They share a family's phone or father: members of one family are two "
                      "people unless the name and the birth date agree."))
    if pair.source == CandidatePair.Source.INTAKE:
        held.append(_("Found by the check at registration, which proposes pairs and never merges "
                      "them: the next linkage run merges it if it is certain."))
    elif not held:
        held.append(_("Merging it would make one person of two people of one registration, or "
                      "of two people a person kept apart."))
    return held


@dataclass
class PairFile:
    pair: CandidatePair
    left: Person
    right: Person
    left_case: Case
    right_case: Case
    rows: list[tuple[str, str, str]]  # (field label, left value, right value)
    reasons: list[dict[str, Any]]  # field, level and weight, in words a caseworker reads
    start_weight: float  # the weight of any pair before its fields are compared
    held: list[str]  # why a pending pair waits for a person (held_reasons)


def _birth_year(p: Person) -> int | None:
    born: Any = p.birth_date  # a date (encrypted field)
    return int(born.year) if born is not None else None


def _born(p: Person) -> str:
    born: Any = p.birth_date  # a date (encrypted field)
    latest: Any = p.birth_date_latest
    if born is None:
        return ""
    if p.birth_date_precision == "year":
        text = str(born.year)
        if latest and latest.year != born.year:
            text += f"/{latest.year}"
    elif p.birth_date_precision == "month":
        text = born.strftime("%Y-%m")
    else:
        text = born.isoformat()
    return f"{text} ({p.birth_date_text})" if p.birth_date_text else text


def _rows(left: Person, right: Person) -> list[tuple[str, str, str]]:
    def values(p: Person) -> list[str]:
        return [p.given_name, p.family_name, p.father_name, p.name_native, _born(p),
                p.get_sex_display(), ", ".join(p.phones or []), p.email, p.tazkira_number,
                p.passport_number, p.province, p.get_relationship_to_head_display()]

    labels = [_("Given name"), _("Family name"), _("Father's name"), _("Name in Dari/Pashto"),
              _("Born"), _("Sex"), _("Phone"), _("E-mail"), _("Tazkira"), _("Passport"),
              _("Province"), _("Relationship")]
    return list(zip(labels, values(left), values(right), strict=True))


def get_pair_file(*, actor: Actor, pair_id: int) -> PairFile:
    """Both records of a pair side by side with the reasons. Reading them is audited."""
    permissions.require(actor, permissions.RESOLVE_DUPLICATES)
    pair = CandidatePair.objects.get(pk=pair_id)
    left = Person.objects.select_related("household__case").get(pk=pair.person_a_id)
    right = Person.objects.select_related("household__case").get(pk=pair.person_b_id)
    audit.record(
        actor=actor, action="linkage.pair_read", object_type="pair", object_id=pair.pk,
        details={"cases": [left.household.case.reference, right.household.case.reference]},
    )
    return PairFile(
        pair=pair, left=left, right=right, left_case=left.household.case,
        right_case=right.household.case, rows=_rows(left, right),
        reasons=[{**r, "field": field_label(r["field"]), "level": level_label(r["level"])}
                 for r in pair.reasons],
        start_weight=pair.match_weight - sum(float(r["weight"]) for r in pair.reasons),
        held=held_reasons(pair, (_birth_year(left), _birth_year(right))),
    )


def field_label(field: str) -> str:
    """A compared field's name as the pair page shows it."""
    labels = {
        "given_name": _("Given name"), "family_name": _("Family name"),
        "father_name": _("Father's name"), "date_of_birth": _("Born"), "sex": _("Sex"),
        "phone": _("Phone"), "tazkira": _("Tazkira"), "passport": _("Passport"),
        "email": _("E-mail"), "household": _("Family"),
    }
    return labels.get(field, field)


def level_label(level: str) -> str:
    """What a comparison level means, in words: the model's labels are Splink's ("Exact match
    on given_key", "All other comparisons")."""
    exact = re.fullmatch(r"Exact match on (\w+)", level)
    if exact:
        column = exact.group(1)
        if column.endswith("_key"):
            return _("the same (once spellings are aligned)")
        if column.endswith("_skel"):
            return _("the same consonants: another spelling of the name")
        return _("the same")
    similar = re.fullmatch(r"Jaro-Winkler distance of \w+ >= ([0-9.]+)", level)
    if similar:
        close = float(similar.group(1)) >= 0.9
        return _("spelled almost the same") if close else _("spelled alike")
    labels = {
        "missing": _("not given in one of the two (or both)"),
        "All other comparisons": _("different"),
        "same day": _("the same day"),
        "day and month swapped": _("the same date with day and month swapped"),
        "imprecise date compatible": _("compatible (one date is only a year or a month)"),
        "one digit typed wrong": _("the same but for one digit typed wrong"),
        "one character typed wrong": _("the same but for one character typed wrong"),
        "given and family names swapped":
            _("given and family names written in each other's place"),
        "one year or one month apart": _("one year or one month apart"),
        "within two years": _("within two years"),
        "same phone, same given name": _("the same phone, and the same given name"),
        "same phone (a household's)": _("the same phone (a family's shared phone)"),
        "phones with different country prefixes":
            _("different, in two countries (a relative abroad may have registered them)"),
        "another person of both registrations is matched":
            _("another person of both registrations is the same: one family registered twice"),
        "one given name is the other's short form":
            _("one is the short form of the other (Rahman for Abdul Rahman)"),
        "one consonant skeleton with s read as z":
            _("the same once s is read as z (a German spelling: Sajnab for Zaynab)"),
        "a paper and an electronic tazkira":
            _("a paper tazkira and an e-tazkira: two documents, not compared"),
        "the father's name in the family name's field":
            _("the father's name written as the family name in both: weighed once, as the "
              "father's name"),
    }
    return labels.get(level, level)


@dataclass
class DuplicateNote:
    pair: CandidatePair
    member: Person  # the person of this case
    other_case: Case
    merged: bool


def duplicates_of_case(*, actor: Actor, case: Case) -> list[DuplicateNote]:
    """Pairs that join a member of this case to someone in another case: pending ones ("possible
    duplicate of …") and merged ones ("same person as … in …"). Scoped to the actor's cases."""
    if not permissions.can(actor, permissions.VIEW_CASES):
        return []
    members = {p.pk: p for p in case.household.members.all()}
    pairs = CandidatePair.objects.filter(
        Q(person_a_id__in=members) | Q(person_b_id__in=members),
        status__in=[PairStatus.PENDING, *TOGETHER],
    ).order_by("-match_probability")[:50]
    visible = cases_visible_to(actor)
    notes = []
    for pair in pairs:
        mine, other = (
            (pair.person_a_id, pair.person_b_id)
            if pair.person_a_id in members else (pair.person_b_id, pair.person_a_id)
        )
        other_case = visible.filter(household__members=other).first()
        if other_case is None or other_case.pk == case.pk:
            continue
        notes.append(DuplicateNote(pair=pair, member=members[mine], other_case=other_case,
                                   merged=pair.status in TOGETHER))
    return notes


def cluster_rows() -> Iterator[tuple[str, int]]:
    """(external id, cluster id) of every imported registration, for export-clusters."""
    clusters = dict(PersonCluster.objects.values_list("person_id", "cluster_id"))
    references = ExternalReference.objects.values_list("external_id", "person_id").order_by("pk")
    for external_id, person_id in references.iterator(chunk_size=10000):
        yield external_id, clusters.get(person_id, person_id)


@dataclass
class ModelWeights:
    name: str
    records: int
    created_at: Any
    levels: list[tuple[str, str, float | None, float | None, float | None]]


def model_weights(*, actor: Actor) -> ModelWeights:
    """The match weight of every level of every comparison of the current model."""
    permissions.require(actor, permissions.RESOLVE_DUPLICATES)
    latest = LinkageModel.objects.first()
    if latest is not None:
        model: dict[str, Any] = dict(latest.splink_model)
        name, records, created = str(latest), latest.records, latest.created_at
    else:
        from safepassage.linkage.engine import default_model  # Splink: only without a model

        model, name, records, created = default_model(), "default (synthetic)", 0, None
    levels = []
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else None
            levels.append((comparison["output_column_name"], level.get("label_for_charts", ""),
                           m, u, weight))
    return ModelWeights(name=name, records=records, created_at=created, levels=levels)


# --------------------------------------------------------------------------------------------
# A family reviewed at once, and what the thresholds cost
# --------------------------------------------------------------------------------------------


@dataclass
class FamilyMemberPair:
    pair: CandidatePair
    left: Person
    right: Person
    rows: list[tuple[str, str, str]]  # (field label, left value, right value)
    reasons: list[dict[str, Any]]  # field, level and weight, in words


@dataclass
class FamilyFile:
    """Two registrations of what may be one family, with every pending pair between them."""

    pair: CandidatePair  # the pair the caseworker opened
    left_case: Case
    right_case: Case
    members: list[FamilyMemberPair]
    left_in_queue: int  # pairs still waiting in the whole queue


def get_family_file(*, actor: Actor, pair_id: int) -> FamilyFile:
    """The pending pairs between the two registrations of one pair (a household registered
    twice), each side by side with its reasons, and how many pairs the queue still holds.
    Reading them is audited, one event per pair."""
    permissions.require(actor, permissions.RESOLVE_DUPLICATES)
    pair = CandidatePair.objects.get(pk=pair_id)
    first = Person.objects.select_related("household__case").get(pk=pair.person_a_id)
    second = Person.objects.select_related("household__case").get(pk=pair.person_b_id)
    households = {first.household_id, second.household_id}
    between = (
        CandidatePair.objects.filter(
            Q(pk=pair.pk) | Q(status=PairStatus.PENDING,
                              person_a__household_id__in=households,
                              person_b__household_id__in=households))
        .exclude(person_a__household_id=F("person_b__household_id"))
        .order_by("-match_probability", "pk")
    )
    members = []
    for member_pair in between:
        a = Person.objects.get(pk=member_pair.person_a_id)
        b = Person.objects.get(pk=member_pair.person_b_id)
        left, right = (a, b) if a.household_id == first.household_id else (b, a)
        members.append(FamilyMemberPair(
            pair=member_pair, left=left, right=right, rows=_rows(left, right)[:10],
            reasons=[{**r, "field": field_label(r["field"]), "level": level_label(r["level"])}
                     for r in member_pair.reasons if r.get("level") != "missing"],
        ))
        audit.record(
            actor=actor, action="linkage.pair_read", object_type="pair",
            object_id=member_pair.pk,
            details={"cases": [first.household.case.reference,
                               second.household.case.reference], "family": True},
        )
    return FamilyFile(
        pair=pair, left_case=first.household.case, right_case=second.household.case,
        members=members,
        left_in_queue=review_queue(actor=actor).count(),
    )


@dataclass(frozen=True)
class ThresholdCost:
    """What one threshold costs, estimated from the pairs caseworkers decided."""

    name: str  # "merge" or "review"
    threshold: float
    precision: float | None  # of the labelled pairs at or above: the share that are one person
    recall: float | None  # of the labelled pairs that are one person: the share at or above
    labelled_above: int
    labelled_same: int


def threshold_costs(*, actor: Actor) -> list[ThresholdCost]:
    """The estimated precision and recall at the merge and review thresholds, from the labelled
    decisions: a confirmed pair is one person; a rejected pair, and a merge undone, are two.
    The labels come from the pairs people looked at (mostly between the two thresholds), so the
    estimates say most about that range; the counts say how much they rest on. For those who
    review pairs, and for the operator's `link --report`."""
    if not permissions.can(actor, permissions.APPROVE_MERGES):
        permissions.require(actor, permissions.RESOLVE_DUPLICATES)
    from safepassage.linkage.engine import AUTO_MERGE_PROBABILITY, REVIEW_PROBABILITY

    labelled = list(
        CandidatePair.objects.filter(
            status__in=[PairStatus.CONFIRMED, PairStatus.REJECTED, PairStatus.UNDONE])
        .values_list("match_probability", "status")
    )
    same_total = sum(1 for _p, status in labelled if status == PairStatus.CONFIRMED)
    costs = []
    for name, threshold in (("merge", AUTO_MERGE_PROBABILITY), ("review", REVIEW_PROBABILITY)):
        above = [status for p, status in labelled if p >= threshold]
        same = sum(1 for status in above if status == PairStatus.CONFIRMED)
        costs.append(ThresholdCost(
            name=name, threshold=threshold,
            precision=round(same / len(above), 3) if above else None,
            recall=round(same / same_total, 3) if same_total else None,
            labelled_above=len(above), labelled_same=same_total,
        ))
    return costs
