"""Generated placement instances with the shapes of Afghan arrivals, made hard on purpose.

Household sizes as in the airlift's synthetic data (22% singles, a mean near six, up to
fifteen), split into children, adults and seniors; Dari and Pashto speakers with a few Uzbek and
Turkmen; medical and accessibility needs; ties to relatives; places whose capacity covers about
half of what is asked, with seniors, accessible housing and large housing units scarcest, and
scores from an outcome model (family x place effects, noise) for most but not all pairs.
"""

from __future__ import annotations

import numpy as np

from safepassage.resettlement.placement import Family, Place

LANGUAGES = ["prs", "pus", "uzb", "tuk", "eng"]
SERVICES = ["medical_care", "accessible_housing", "school", "trauma_care"]


def generate_families(n: int, *, seed: int = 1, start: int = 0) -> list[Family]:
    rng = np.random.default_rng(seed)
    single = rng.random(n) < 0.22
    size = np.where(single, 1, np.clip(np.rint(rng.normal(7.3, 2.8, n)), 2, 15)).astype(int)
    seniors = np.minimum(rng.choice([0, 0, 0, 0, 0, 1, 1, 2], n), np.maximum(size - 1, 0))
    seniors = np.where(single, (rng.random(n) < 0.1).astype(int), seniors)
    adults = np.where(size - seniors >= 3, rng.choice([2, 2, 2, 3, 4], n), size - seniors)
    adults = np.minimum(adults, size - seniors)
    adults = np.where(single & (seniors == 0), 1, adults)
    children = size - seniors - adults
    families = []
    for i in range(n):
        first = rng.choice(4, p=[0.58, 0.35, 0.04, 0.03])
        languages = {LANGUAGES[first]}
        if rng.random() < 0.3:
            languages.add(LANGUAGES[int(rng.choice(5, p=[0.45, 0.3, 0.05, 0.05, 0.15]))])
        needs = set()
        if rng.random() < 0.08 + 0.1 * (seniors[i] > 0):
            needs.add("medical_care")
        if rng.random() < 0.05 + 0.05 * (seniors[i] > 0):
            needs.add("accessible_housing")
        if children[i] > 0 and rng.random() < 0.3:
            needs.add("school")
        if rng.random() < 0.04:
            needs.add("trauma_care")
        families.append(Family(
            id=f"F{start + i + 1}", children=int(children[i]), adults=int(adults[i]),
            seniors=int(seniors[i]), needs=frozenset(needs), languages=frozenset(languages),
        ))
    return families


def add_ties(families: list[Family], places: list[Place], *, share: float = 0.05,
             seed: int = 3) -> list[Family]:
    rng = np.random.default_rng(seed)
    out = []
    for f in families:
        if rng.random() < share:
            chosen = rng.choice(len(places), size=int(rng.integers(1, 3)), replace=False)
            f = Family(f.id, f.children, f.adults, f.seniors, f.needs, f.languages,
                       frozenset(places[int(j)].id for j in chosen))
        out.append(f)
    return out


def generate_places(m: int, families: list[Family], *, share: float = 0.5,
                    seed: int = 2) -> list[Place]:
    """m places whose capacity covers about `share` of the families' persons per age group
    (seniors half of that), a third with housing units by size."""
    rng = np.random.default_rng(seed)
    demand = np.array([f.members() for f in families]).sum(axis=0).astype(float)
    weight = rng.gamma(2.0, 1.0, m)
    weight /= weight.sum()
    places = []
    for j in range(m):
        cap = np.floor(demand * share * weight[j] * rng.uniform(0.7, 1.3, 3) * [1, 1, 0.5])
        services = {s for s, p in zip(SERVICES, [0.35, 0.2, 0.7, 0.15], strict=True)
                    if rng.random() < p}
        if rng.random() < 0.25:
            languages: set[str] = set()
        else:
            languages = {"prs"} if rng.random() < 0.6 else {"pus"}
            for extra, p in zip(LANGUAGES, [0.5, 0.4, 0.08, 0.05, 0.3], strict=True):
                if rng.random() < p:
                    languages.add(extra)
        units: tuple[tuple[int, int], ...] = ()
        if rng.random() < 0.33:
            families_here = max(1.0, cap.sum() / 5.5)
            units = tuple((size, int(families_here * p * rng.uniform(0.8, 1.3)) + 1)
                          for size, p in [(2, 0.35), (4, 0.3), (6, 0.25), (9, 0.12)])
        places.append(Place(id=f"P{j + 1}", children=int(cap[0]), adults=int(cap[1]),
                            seniors=int(cap[2]), services=frozenset(services),
                            languages=frozenset(languages), housing_units=units))
    return places


def generate_scores(families: list[Family], places: list[Place], *, seed: int = 4,
                    world: int = 0, missing: float = 0.1) -> np.ndarray:
    """Expected outcome (say, employment at 90 days) per family and place: a family effect, a
    place effect, a match of the family's make-up with the place's labour market, and noise;
    NaN for the pairs with no score. The places' side comes from `world` (the same places
    score this year's and last year's arrivals alike), the families' side from `seed`."""
    rng = np.random.default_rng(seed)
    places_rng = np.random.default_rng(10_000 + world)
    n, m = len(families), len(places)
    members = np.array([f.members() for f in families], dtype=float).reshape(n, 3)
    features = np.column_stack([members[:, 1] / np.maximum(members.sum(axis=1), 1),
                                members[:, 0] > 0, rng.normal(size=n)])
    loadings = places_rng.normal(size=(3, m))
    place_effect = places_rng.normal(0, 0.5, m)
    logit = (rng.normal(-0.6, 0.5, n)[:, None] + place_effect[None, :]
             + 0.6 * features @ loadings + rng.normal(0, 0.3, (n, m)))
    scores = 1 / (1 + np.exp(-logit))
    scores[rng.random((n, m)) < missing] = np.nan
    return np.round(scores, 4)
