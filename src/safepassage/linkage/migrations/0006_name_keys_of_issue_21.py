"""Features and blocking keys of the persons registered before, computed again: the name keys
fold German and French spellings (sch, tsch, dsch, dj, tch) and the skeleton counts sh, ch and
kh as one class (issue 21), so stored keys of earlier persons would no longer meet new ones.
(`linkage.services.recompute_all_features` does the same on a running system.)"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone


def recompute(apps: Any, schema_editor: Any) -> None:
    from safepassage.linkage.features import blocking_key_values, features_of_person
    from safepassage.linkage.services import _digest

    person = apps.get_model("registry", "Person")
    person_features = apps.get_model("linkage", "PersonFeatures")
    block_key = apps.get_model("linkage", "BlockKey")
    last_pk = 0
    while True:
        persons = list(person.objects.filter(pk__gt=last_pk).order_by("pk")[:1000])
        if not persons:
            return
        ids = [p.pk for p in persons]
        features = {p.pk: features_of_person(p) for p in persons}
        person_features.objects.filter(person_id__in=ids).delete()
        block_key.objects.filter(person_id__in=ids).delete()
        now = timezone.now()
        person_features.objects.bulk_create(
            [person_features(person_id=pk, data=data, computed_at=now)
             for pk, data in features.items()])
        block_key.objects.bulk_create(
            [block_key(person_id=pk, digest=_digest(value))
             for pk, data in features.items() for value in blocking_key_values(data)],
            batch_size=5000)
        last_pk = persons[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("linkage", "0005_pair_priority"),
        ("registry", "0006_relationship_kinds_people_write"),
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
