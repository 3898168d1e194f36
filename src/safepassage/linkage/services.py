"""Changes made by linkage: features at intake, the instant duplicate check, full linkage runs,
and the caseworker's decisions on pairs (confirm, reject, undo), each audited.

A merge never edits or deletes a registry row: the persons share a cluster here, and a case whose
whole household turns out to be registered already is withdrawn through registry.services with
the reason "duplicate of SP-…", which the undo reverses.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.bulk import insert_rows
from safepassage.linkage.features import blocking_key_values, features_of_person
from safepassage.linkage.models import (
    APART,
    TOGETHER,
    BlockKey,
    CandidatePair,
    LinkageModel,
    LinkageRun,
    Merge,
    PairStatus,
    PendingCheck,
    PersonCluster,
    PersonFeatures,
)
from safepassage.protection.cipher import blind_index, blind_indexes
from safepassage.registry.models import TRANSITIONS, Case, Person, Status
from safepassage.registry.services import change_case_status

# pandas and Splink (linkage.engine) are imported inside the functions that use them, on first
# use: registering a household, which records features here, stays light.
if TYPE_CHECKING:
    import pandas as pd

# A registration of at most this many people is checked against everyone at once (a web form,
# an API referral); a bulk import is linked by `safepassage link` instead, in one pass.
INSTANT_CHECK_MAX_PERSONS = 30
BLOCK_KEY_KIND = "linkage-block"
CANDIDATE_LIMIT = 500
# The duplicate checker scores up to this many waiting registrations in one pass.
CHECKS_PER_PASS = 50
# The instant check proposes at most this many pairs per new person, the strongest.
PAIRS_PER_PERSON = 10
# Unsupervised training needs enough pairs; below this, a run scores with the current model.
MIN_TRAINING_RECORDS = 2000


def _data(row: PersonFeatures) -> dict[str, Any]:
    data: Any = row.data  # decrypted JSON
    return dict(data)


def _digest(value: str) -> str:
    return blind_index(value, kind=BLOCK_KEY_KIND)


def record_features(persons: Sequence[Person]) -> int:
    """Inside the registration's transaction (linkage.subscribers): compute and store the
    features and blocking keys of new persons; a small registration (a web form, an API
    referral) is then checked against the persons already registered: after the commit, by the
    background runner (the default: the registrant's answer does not wait for fuzzy matching; a
    pending row written here, with the registration, keeps the check if the wake-up is lost), or
    at once (settings.LINKAGE_INSTANT_CHECK = "inline").

    Returns the number of households left for the background check."""
    if not persons:
        return 0
    features = {person.pk: features_of_person(person) for person in persons}
    now = timezone.now()
    insert_rows(PersonFeatures, ("person", "data", "computed_at"),
                ((pk, data, now) for pk, data in features.items()))
    insert_rows(BlockKey, ("person", "digest"),
                ((pk, _digest(v)) for pk, data in features.items()
                 for v in blocking_key_values(data)))
    if len(persons) > INSTANT_CHECK_MAX_PERSONS:
        return 0
    if settings.LINKAGE_INSTANT_CHECK == "inline":
        check_new_persons(persons=persons, features=features)
        return 0
    pending = PendingCheck.objects.bulk_create(
        [PendingCheck(household_id=h) for h in sorted({p.household_id for p in persons})]
    )
    return len(pending)


def refresh_features(persons: Sequence[Person]) -> int:
    """The features and blocking keys of corrected persons, computed again (and the small
    corrections checked again for duplicates, as a registration is); see record_features."""
    ids = [p.pk for p in persons]
    PersonFeatures.objects.filter(person_id__in=ids).delete()
    BlockKey.objects.filter(person_id__in=ids).delete()
    PendingCheck.objects.filter(household_id__in={p.household_id for p in persons}).delete()
    return record_features(persons)


def recompute_all_features(*, batch: int = 1000) -> int:
    """Every person's features and blocking keys computed again from the registry, a batch of
    persons per transaction, without duplicate checks: for when the name keys change (the
    German and French spellings and the sh/ch/kh skeleton class of issue 21, migration
    linkage.0006). Returns the number of persons."""
    done, last_pk = 0, 0
    while True:
        with transaction.atomic():
            persons = list(Person.objects.filter(pk__gt=last_pk).order_by("pk")[:batch])
            if not persons:
                return done
            ids = [p.pk for p in persons]
            features = {p.pk: features_of_person(p) for p in persons}
            PersonFeatures.objects.filter(person_id__in=ids).delete()
            BlockKey.objects.filter(person_id__in=ids).delete()
            now = timezone.now()
            insert_rows(PersonFeatures, ("person", "data", "computed_at"),
                        ((pk, data, now) for pk, data in features.items()))
            insert_rows(BlockKey, ("person", "digest"),
                        ((pk, _digest(v)) for pk, data in features.items()
                         for v in blocking_key_values(data)))
        last_pk, done = persons[-1].pk, done + len(persons)


def pending_checks() -> int:
    return PendingCheck.objects.count()


def run_pending_checks(*, limit: int | None = None) -> int:
    """Check waiting registrations, oldest first, up to CHECKS_PER_PASS in one transaction and
    one scoring: the pending rows are locked (other workers skip them on PostgreSQL) and
    deleted with the check's results. The number checked."""
    done = 0
    while limit is None or done < limit:
        take = CHECKS_PER_PASS if limit is None else min(CHECKS_PER_PASS, limit - done)
        with transaction.atomic():
            pending = list(PendingCheck.objects.select_for_update(skip_locked=True)
                           .order_by("created_at", "household_id")[:take])
            if not pending:
                break
            households: dict[int, list[Person]] = {p.household_id: [] for p in pending}
            for person in Person.objects.filter(household_id__in=households):
                households[person.household_id].append(person)
            check_registrations([people for people in households.values() if people],
                                background=True)
            PendingCheck.objects.filter(pk__in=[p.pk for p in pending]).delete()
        done += len(pending)
    return done


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


def current_model() -> dict[str, Any]:
    """The latest trained model, or the model shipped with SafePassage before the first run."""
    return copy.deepcopy(current_model_and_key()[0])


_model_cache: dict[str, dict[str, Any]] = {}


def current_model_and_key() -> tuple[dict[str, Any], str]:
    """The current model and a name that changes whenever it does. The instant check runs on
    every registration: it reads the model once per process and version, not every time. The
    model returned is shared: read it, never change it."""
    from safepassage.linkage import engine

    latest = LinkageModel.objects.values_list("pk", "version", "created_at").first()
    key = "shipped" if latest is None else f"{latest[0]}:{latest[1]}:{latest[2].timestamp()}"
    model = _model_cache.get(key)
    if model is None:
        model = (engine.default_model() if latest is None
                 else engine.upgraded(dict(LinkageModel.objects.get(pk=latest[0]).splink_model),
                                      latest[1]))
        _model_cache.clear()
        _model_cache[key] = model
    return model, key


def _frame(
    features: dict[int, dict[str, Any]], households: dict[int, int],
    groups: Sequence[tuple[int, int]] | None = None,
) -> pd.DataFrame:
    """The features as a frame; the engine gives each column its type (engine.typed_features)
    when it scores or links, so it is not done twice here. With `groups` (person, group), one
    row per pair, in a `check_group` column: the instant check compares a group's new persons
    with that group's candidates only, and a candidate of two groups appears twice."""
    import pandas as pd

    from safepassage.linkage import engine

    columns = ["unique_id", "household", *engine.FEATURE_COLUMNS]
    if groups is None:
        return pd.DataFrame.from_records(
            [{"unique_id": pk, "household": households[pk], **data}
             for pk, data in features.items()],
            columns=columns,
        )
    return pd.DataFrame.from_records(
        [{"unique_id": pk, "household": households[pk], "check_group": group, **features[pk]}
         for pk, group in groups],
        columns=[*columns, "check_group"],
    )


# --------------------------------------------------------------------------------------------
# Instant check at intake
# --------------------------------------------------------------------------------------------


def check_new_persons(
    *, persons: Sequence[Person], features: dict[int, dict[str, Any]] | None = None
) -> list[CandidatePair]:
    """Compare new persons (one registration) with the persons already registered who share a
    blocking key, and record each likely pair as a "possible duplicate" for a caseworker. Never
    merges."""
    return check_registrations([persons], features=features)


def check_registrations(
    registrations: Sequence[Sequence[Person]],
    *, features: dict[int, dict[str, Any]] | None = None, background: bool = False,
) -> list[CandidatePair]:
    """The instant check of several registrations at once: each registration's new persons
    against its own candidates, all scored in one pass (Splink's fixed cost per pass is most of
    a small check's, so a surge's backlog is worked dozens at a time). `background`: checks
    worked after their registrations' commit, audited on the audit trail's background lane."""
    from safepassage.linkage import engine

    new_ids = {p.pk for persons in registrations for p in persons}
    if features is None:
        features = {
            f.person_id: _data(f) for f in PersonFeatures.objects.filter(person_id__in=new_ids)
        }
    candidates = [_candidates(persons, features) for persons in registrations]
    candidate_ids = set().union(*candidates)
    if not candidate_ids:
        return []
    existing = {
        f.person_id: _data(f) for f in PersonFeatures.objects.filter(person_id__in=candidate_ids)
    }
    households = dict(
        Person.objects.filter(pk__in=new_ids | candidate_ids).values_list("pk", "household_id")
    )
    left = [(pk, group) for group, ids in enumerate(candidates) for pk in sorted(ids)
            if pk in existing]
    right = [(p.pk, group) for group, persons in enumerate(registrations) for p in persons
             if p.pk in features]
    model, model_key = current_model_and_key()
    scored = engine.score_pairs(
        left=_frame(existing, households, groups=left),
        right=_frame(features, households, groups=right),
        model=model, model_key=model_key,
        threshold=engine.REVIEW_PROBABILITY, best_per_record=PAIRS_PER_PERSON,
    )
    return _propose(scored, source=CandidatePair.Source.INTAKE, background=background)


def _candidates(persons: Sequence[Person], features: dict[int, dict[str, Any]]) -> set[int]:
    """Who a registration's persons are compared with: the persons of other registrations who
    share a blocking key with one of them. With a common name, thousands share a key: keep
    those who share the most keys (a phone or a tazkira on top of a name), not the first found."""
    new_ids = {p.pk for p in persons}
    digests = {d for pk in new_ids if pk in features
               for v in blocking_key_values(features[pk])
               for d in blind_indexes(v, kind=BLOCK_KEY_KIND)}
    if not digests:
        return set()
    return set(
        BlockKey.objects.filter(digest__in=digests)
        .exclude(person_id__in=new_ids)
        .exclude(person__household_id__in={p.household_id for p in persons})
        .values("person_id").annotate(shared=Count("id")).order_by("-shared", "person_id")
        .values_list("person_id", flat=True)[:CANDIDATE_LIMIT]
    )


def _priority(probability: float, records: int = 2) -> float:
    """What deciding a pair changes (as engine.with_queue): uncertainty times records."""
    return round(4 * probability * (1 - probability) * records, 6)


def _propose(scored: pd.DataFrame, *, source: str, background: bool = False) -> list[CandidatePair]:
    """Record pending pairs, the strongest PAIRS_PER_PERSON of each new person at most (nobody
    reviews two hundred "possible duplicates" of one person; the full run weighs the rest),
    leaving alone any pair already proposed or decided. One query to find them, one to add."""
    best = (scored.sort_values("match_weight", ascending=False, kind="stable")
            .groupby("unique_id_r", sort=False).head(PAIRS_PER_PERSON))
    wanted: dict[tuple[int, int], Any] = {}
    for row in best.itertuples(index=False):
        a, b = sorted((int(row.unique_id_l), int(row.unique_id_r)))
        wanted.setdefault((a, b), row)
    if not wanted:
        return []
    known = set(
        CandidatePair.objects.filter(person_a_id__in={a for a, _ in wanted},
                                     person_b_id__in={b for _, b in wanted})
        .values_list("person_a_id", "person_b_id")
    )
    fresh = [
        CandidatePair(person_a_id=a, person_b_id=b, match_probability=float(row.match_probability),
                      match_weight=float(row.match_weight), reasons=list(row.reasons),
                      source=source, priority=_priority(float(row.match_probability)))
        for (a, b), row in wanted.items() if (a, b) not in known
    ]
    try:
        with transaction.atomic():
            proposed = CandidatePair.objects.bulk_create(fresh)
    except IntegrityError:  # another check recorded one of these pairs meanwhile
        proposed = []
        for pair in fresh:
            kept, created = CandidatePair.objects.get_or_create(
                person_a_id=pair.person_a_id, person_b_id=pair.person_b_id,
                defaults={"match_probability": pair.match_probability,
                          "match_weight": pair.match_weight, "reasons": pair.reasons,
                          "source": source},
            )
            if created:
                proposed.append(kept)
    cases = dict(
        Person.objects.filter(pk__in=[p.person_b_id for p in proposed])
        .values_list("pk", "household__case__reference")
    )
    audit.record_many(
        actor=permissions.LINKAGE, background=background,
        events=[
            {"action": "linkage.possible_duplicate", "object_type": "case",
             "object_id": cases.get(p.person_b_id, ""),
             "details": {"pair": p.pk, "source": source,
                         "probability": round(p.match_probability, 4)}}
            for p in proposed
        ],
    )
    return proposed


# --------------------------------------------------------------------------------------------
# Full linkage run
# --------------------------------------------------------------------------------------------


def run_linkage(
    *,
    actor: Actor,
    backend: str = "duckdb",
    spark: Any = None,
    retrain: bool = True,
    progress: Callable[[str], None] | None = None,
) -> LinkageRun:
    """Link every registered person: train a model (saved and versioned), score, merge the pairs
    above the automatic threshold, queue the uncertain ones, and store the clusters.

    Decisions already taken are kept: a rejected pair is never merged or proposed again, a
    confirmed one stays merged.
    """
    permissions.require(actor, permissions.APPROVE_MERGES)
    from safepassage.linkage import engine

    say = progress or (lambda _step: None)
    actor_name = permissions.actor_name(actor)
    say("reading features")
    read_at = timezone.now()
    households = dict(Person.objects.values_list("pk", "household_id"))
    features = {f.person_id: _data(f) for f in PersonFeatures.objects.iterator(chunk_size=5000)}
    frame = _frame(features, households)
    say(f"linking {len(frame)} records")
    train_now = retrain and len(frame) >= MIN_TRAINING_RECORDS
    result = engine.link(
        frame, backend=backend, spark=spark, model=None if train_now else current_model(),
        explain=True,
    )
    say("saving decisions")
    with transaction.atomic():
        model = (
            LinkageModel.objects.create(
                version=engine.MODEL_VERSION, backend=backend, records=len(frame),
                splink_model=result.model, created_by=actor_name,
            )
            if train_now or not LinkageModel.objects.exists()
            else LinkageModel.objects.first()
        )
        assert model is not None
        run = LinkageRun.objects.create(model=model, records=len(frame), created_by=actor_name)
        auto, queued = _apply_run(result.pairs, documents=_documents(features))
        clusters = recluster(person_ids=None)
        run.persons = len(set(clusters.values()))
        run.auto_merged, run.queued = auto, queued
        # The run compared everyone registered before it read the features.
        PendingCheck.objects.filter(created_at__lte=read_at).delete()
        run.finished_at = timezone.now()
        run.save()
        audit.record(
            actor=actor, action="linkage.run", object_type="linkage_run", object_id=run.pk,
            details={"records": run.records, "persons": run.persons, "auto_merged": auto,
                     "queued": queued, "model": model.pk, "backend": backend},
        )
    return run


def _documents(features: dict[int, dict[str, Any]]) -> dict[int, frozenset[tuple[str, str]]]:
    """Each person's document numbers by kind, for the cluster-level veto."""
    return {
        pk: frozenset((kind, str(data[kind])) for kind in ("tazkira", "passport")
                      if data.get(kind))
        for pk, data in features.items()
        if data.get("tazkira") or data.get("passport")
    }


def _apply_run(
    pairs: pd.DataFrame, *, documents: dict[int, frozenset[tuple[str, str]]] | None = None,
) -> tuple[int, int]:
    """Store this run's pairs: those the clustering accepts above the threshold as automatic
    merges, and the uncertain ones (`queued`: not settled by the rules) as pending review,
    unless the merges made put their two persons in one cluster already. Decided pairs keep
    their decision; a pending pair (from the instant check) can be merged by a run."""
    from safepassage.linkage import engine

    if "queued" not in pairs:
        pairs = pairs.assign(queued=True)
    if "priority" not in pairs:
        pairs = pairs.assign(priority=0.0)

    known = {
        (a, b): (pk, status)
        for pk, a, b, status in CandidatePair.objects.values_list(
            "pk", "person_a_id", "person_b_id", "status"
        )
    }
    households = dict(Person.objects.values_list("pk", "household_id"))
    apart = [k for k, (_pk, s) in known.items() if s in APART]
    together = [k for k, (_pk, s) in known.items() if s in TOGETHER]
    strong = pairs[pairs["automatic"]]  # probable enough, and the given names do not disagree
    accepted = {
        tuple(sorted(edge))
        for edge in engine.accepted_edges(
            households=households, pairs=strong, cannot_link=apart, must_link=together,
            documents=documents,
        )
    }
    cluster_of = engine.components([i for edge in accepted for i in edge],
                                   [(int(a), int(b)) for a, b in accepted])
    now = timezone.now()
    new_pairs, promoted = [], []
    for row in pairs.itertuples(index=False):
        key = tuple(sorted((int(row.unique_id_l), int(row.unique_id_r))))
        merge = key in accepted
        if key in known:
            pk, status = known[key]
            if status == PairStatus.PENDING and merge:
                promoted.append(pk)
            continue
        one_already = key[0] in cluster_of and cluster_of[key[0]] == cluster_of.get(key[1])
        if not merge and (not row.queued or one_already):
            continue  # settled by the rules, or one person through other pairs: nobody reads it
        new_pairs.append(
            CandidatePair(
                person_a_id=key[0], person_b_id=key[1],
                match_probability=float(row.match_probability),
                match_weight=float(row.match_weight), reasons=list(row.reasons),
                status=PairStatus.AUTO_MERGED if merge else PairStatus.PENDING,
                decided_at=now if merge else None, priority=float(row.priority),
            )
        )
    CandidatePair.objects.bulk_create(new_pairs, batch_size=2000)
    CandidatePair.objects.filter(pk__in=promoted).update(
        status=PairStatus.AUTO_MERGED, decided_at=now
    )
    merged = list(
        CandidatePair.objects.filter(status=PairStatus.AUTO_MERGED, merges__isnull=True)
        .values_list("pk", "match_probability")
    )
    Merge.objects.bulk_create(
        [Merge(pair_id=pk, automatic=True, merged_at=now) for pk, _p in merged], batch_size=2000
    )
    events = [
        {"action": "linkage.auto_merged", "object_type": "pair", "object_id": pk,
         "details": {"probability": round(probability, 6)}}
        for pk, probability in merged
    ]
    for start in range(0, len(events), 5000):
        audit.record_many(actor=permissions.LINKAGE, events=events[start : start + 5000])
    queued = sum(1 for p in new_pairs if p.status == PairStatus.PENDING)
    return len(merged), queued


def _reach(ids: set[int]) -> set[int]:
    """The persons whose clusters a decision about `ids` may change: their clusters, and every
    person a pair held together reaches from them, cluster by cluster, until nothing new. A pair
    held together may join persons that clustering kept apart (two siblings each matched to one
    man): the whole reach is recomputed, or a person outside it would be given a second cluster."""
    clusters = PersonCluster.objects.all()
    scope: set[int] = set()
    new = set(ids)
    while new:
        cluster_ids = set(clusters.filter(person_id__in=new).values_list("cluster_id", flat=True))
        new |= set(clusters.filter(cluster_id__in=cluster_ids).values_list("person_id",
                                                                            flat=True))
        scope |= new
        pairs = CandidatePair.objects.filter(status__in=TOGETHER).filter(
            Q(person_a_id__in=new) | Q(person_b_id__in=new))
        new = {p for ab in pairs.values_list("person_a_id", "person_b_id") for p in ab} - scope
    return scope


def recluster(*, person_ids: Iterable[int] | None) -> dict[int, int]:
    """Recompute the clusters from the pairs held together (automatic merges and confirmations),
    strongest first, never joining two persons of one household or of a pair decided apart.
    `person_ids` limits the work to the clusters of these persons (None: everyone)."""
    import pandas as pd

    from safepassage.linkage import engine

    scope = (set(Person.objects.values_list("pk", flat=True)) if person_ids is None
             else _reach(set(person_ids)))
    together = CandidatePair.objects.filter(status__in=TOGETHER, person_a_id__in=scope)
    edges = pd.DataFrame.from_records(
        list(together.values_list("person_a_id", "person_b_id", "match_weight", "status")),
        columns=["unique_id_l", "unique_id_r", "match_weight", "status"],
    )
    confirmed = edges[edges["status"] == PairStatus.CONFIRMED]
    apart = set(
        CandidatePair.objects.filter(status__in=APART, person_a_id__in=scope)
        .values_list("person_a_id", "person_b_id")
    )
    households = dict(Person.objects.filter(pk__in=scope).values_list("pk", "household_id"))
    # After a decision, the automatic merges around it are weighed again with the cluster-level
    # document veto (a full run applied it when it stored them).
    documents = None if person_ids is None else _documents(
        {f.person_id: _data(f) for f in PersonFeatures.objects.filter(person_id__in=scope)})
    accepted = engine.accepted_edges(
        households=households,
        pairs=edges[edges["status"] != PairStatus.CONFIRMED],
        cannot_link=apart,
        must_link=list(zip(confirmed["unique_id_l"], confirmed["unique_id_r"], strict=True)),
        documents=documents,
    )
    result = engine.components(list(households), accepted)
    PersonCluster.objects.filter(person_id__in=scope).delete()
    PersonCluster.objects.bulk_create(
        [PersonCluster(person_id=pk, cluster_id=cid) for pk, cid in result.items()],
        batch_size=5000,
    )
    return result


# --------------------------------------------------------------------------------------------
# Decisions on a pair
# --------------------------------------------------------------------------------------------


class PairDecisionError(ValidationError):
    """A decision the pair's state no longer allows (decided meanwhile, one household)."""


def _lock_pair(pair: CandidatePair) -> CandidatePair:
    return CandidatePair.objects.select_for_update().get(pk=pair.pk)


def confirm_pair(*, actor: Actor, pair: CandidatePair) -> CandidatePair:
    """A caseworker confirms two records are one person: merge them, and withdraw the later
    case as "duplicate of SP-…" when its whole household is registered already."""
    permissions.require(actor, permissions.RESOLVE_DUPLICATES)
    with transaction.atomic():
        locked = _lock_pair(pair)
        if locked.status != PairStatus.PENDING:
            raise PairDecisionError(
                _("This pair was decided meanwhile (%(status)s); reload the queue.")
                % {"status": PairStatus(locked.status).label}
            )
        a, b = Person.objects.get(pk=locked.person_a_id), Person.objects.get(pk=locked.person_b_id)
        if a.household_id == b.household_id:
            raise PairDecisionError(
                _("Two people of one household registration cannot be the same person.")
            )
        locked.status, locked.decided_by, locked.decided_at = (
            PairStatus.CONFIRMED, permissions.user_of(actor), timezone.now(),
        )
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        clusters = recluster(person_ids=[a.pk, b.pk])
        merge = Merge.objects.create(pair=locked, merged_by=permissions.user_of(actor))
        _withdraw_if_duplicate_household(actor=actor, merge=merge, person=b, clusters=clusters)
        audit.record(
            actor=actor, action="linkage.merge_confirmed", object_type="pair", object_id=locked.pk,
            details={"withdrawn_case": merge.withdrawn_case.reference
                     if merge.withdrawn_case else ""},
        )
    return locked


def decide_family(*, actor: Actor, decisions: dict[int, bool]) -> tuple[int, int]:
    """A caseworker decides the pairs between two registrations of one family at once: each
    pending pair id with True (same person) or False (different people). One person is never
    confirmed as two members of the other registration: such a set of decisions is refused as a
    whole, as is a pair decided meanwhile. Returns (merged, kept apart)."""
    permissions.require(actor, permissions.RESOLVE_DUPLICATES)
    with transaction.atomic():
        pairs = list(CandidatePair.objects.select_for_update().filter(pk__in=list(decisions)))
        if len(pairs) != len(decisions) or any(p.status != PairStatus.PENDING for p in pairs):
            raise PairDecisionError(
                _("A pair of this family was decided meanwhile; reload the family."))
        seen: set[int] = set()
        for pair in pairs:
            if decisions[pair.pk]:
                if pair.person_a_id in seen or pair.person_b_id in seen:
                    raise PairDecisionError(
                        _("One person cannot be two members of the other registration: "
                          "mark only one of their pairs as the same person."))
                seen |= {pair.person_a_id, pair.person_b_id}
        merged = apart = 0
        for pair in pairs:
            if decisions[pair.pk]:
                confirm_pair(actor=actor, pair=pair)
                merged += 1
            else:
                reject_pair(actor=actor, pair=pair)
                apart += 1
    return merged, apart


def _withdraw_if_duplicate_household(
    *, actor: Actor, merge: Merge, person: Person, clusters: dict[int, int]
) -> None:
    case = Case.objects.get(household_id=person.household_id)
    members = list(Person.objects.filter(household_id=person.household_id).values_list("pk",
                                                                                       flat=True))
    cluster_of = dict(PersonCluster.objects.filter(person_id__in=members)
                      .values_list("person_id", "cluster_id"))
    shared: set[int] | None = None
    for member in members:
        mates = PersonCluster.objects.filter(cluster_id=cluster_of.get(member, member)).exclude(
            person__household_id=person.household_id
        )
        cases = set(mates.values_list("person__household__case", flat=True))
        shared = cases if shared is None else shared & cases
        if not shared:
            return  # someone in this household is registered nowhere else: keep the case
    if not shared or (case.status, Status.WITHDRAWN) not in TRANSITIONS:
        return
    original = Case.objects.get(pk=min(shared)).reference  # the earliest registration
    merge.withdrawn_from_status = case.status
    change_case_status(actor=actor, case=case, to_status=Status.WITHDRAWN,
                       reason=f"duplicate of {original}")
    merge.withdrawn_case = case
    merge.save(update_fields=["withdrawn_case", "withdrawn_from_status"])


def reject_pair(*, actor: Actor, pair: CandidatePair) -> CandidatePair:
    """Two different people: remembered, so this pair is never proposed or merged again."""
    permissions.require(actor, permissions.RESOLVE_DUPLICATES)
    with transaction.atomic():
        locked = _lock_pair(pair)
        if locked.status != PairStatus.PENDING:
            raise PairDecisionError(
                _("This pair was decided meanwhile (%(status)s); reload the queue.")
                % {"status": PairStatus(locked.status).label}
            )
        locked.status, locked.decided_by, locked.decided_at = (
            PairStatus.REJECTED, permissions.user_of(actor), timezone.now(),
        )
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        recluster(person_ids=[locked.person_a_id, locked.person_b_id])
        audit.record(actor=actor, action="linkage.pair_rejected", object_type="pair",
                     object_id=locked.pk)
    return locked


def undo_merge(*, actor: Actor, pair: CandidatePair, reason: str = "") -> CandidatePair:
    """Undo a merge (automatic or confirmed): the two persons are apart again and stay apart,
    and a case withdrawn as a duplicate by this merge goes back under review."""
    permissions.require(actor, permissions.RESOLVE_DUPLICATES)
    with transaction.atomic():
        locked = _lock_pair(pair)
        if locked.status not in TOGETHER:
            raise PairDecisionError(_("Only a merged pair can be undone."))
        locked.status, locked.decided_by, locked.decided_at = (
            PairStatus.UNDONE, permissions.user_of(actor), timezone.now(),
        )
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        merge = locked.merges.filter(undone_at__isnull=True).order_by("-pk").first()
        if merge is not None:
            merge.undone_at, merge.undone_by = timezone.now(), permissions.user_of(actor)
            merge.save(update_fields=["undone_at", "undone_by"])
            case = merge.withdrawn_case
            if case is not None:
                case.refresh_from_db()
                if case.status == Status.WITHDRAWN:
                    change_case_status(actor=actor, case=case, to_status=Status.UNDER_REVIEW,
                                       reason=reason or "merge undone: not a duplicate")
        recluster(person_ids=[locked.person_a_id, locked.person_b_id])
        audit.record(actor=actor, action="linkage.merge_undone", object_type="pair",
                     object_id=locked.pk, details={"with_reason": bool(reason)})
    return locked


def undo_rejection(*, actor: Actor, pair: CandidatePair, reason: str = "") -> CandidatePair:
    """Undo "different people": the pair waits for review again (it is never merged by itself
    meanwhile: only a caseworker's confirmation joins it)."""
    permissions.require(actor, permissions.RESOLVE_DUPLICATES)
    with transaction.atomic():
        locked = _lock_pair(pair)
        if locked.status != PairStatus.REJECTED:
            raise PairDecisionError(_("Only a pair decided as different people can be undone "
                                      "this way."))
        locked.status, locked.decided_by, locked.decided_at = PairStatus.PENDING, None, None
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        recluster(person_ids=[locked.person_a_id, locked.person_b_id])
        audit.record(actor=actor, action="linkage.rejection_undone", object_type="pair",
                     object_id=locked.pk, details={"with_reason": bool(reason)})
    return locked


def weight_label(weight: float) -> str:
    return "+∞" if math.isinf(weight) and weight > 0 else f"{weight:+.1f}"


def rebuild_block_keys(*, batch: int = 1000) -> int:
    """Every person's blocking keys written again under the current index key, a batch of
    persons per transaction, while the instant check goes on (it looks under both keys)."""
    done, last_pk = 0, 0
    while True:
        with transaction.atomic():
            rows = list(PersonFeatures.objects.select_for_update().filter(person_id__gt=last_pk)
                        .order_by("person_id")[:batch])
            if not rows:
                return done
            ids = [r.person_id for r in rows]
            BlockKey.objects.filter(person_id__in=ids).delete()
            insert_rows(BlockKey, ("person", "digest"),
                        ((r.person_id, _digest(v)) for r in rows
                         for v in blocking_key_values(_data(r))))
        last_pk, done = rows[-1].person_id, done + len(rows)
