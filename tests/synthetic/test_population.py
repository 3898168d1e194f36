import collections

from safepassage.synthetic.population import CATEGORIES, generate_population

CATEGORY_CODES = {code for code, _ in CATEGORIES}


def test_the_same_seed_gives_the_same_population():
    first = generate_population(households=200, seed=3)
    again = generate_population(households=200, seed=3)
    other = generate_population(households=200, seed=4)
    assert first == again
    assert first != other


def test_households_have_realistic_sizes_and_categories():
    population = generate_population(households=5000, seed=0)
    sizes = [len(h.members) for h in population]
    assert 5.4 <= sum(sizes) / len(sizes) <= 6.6
    assert max(sizes) <= 15
    assert sizes.count(1) / len(sizes) > 0.15
    categories = collections.Counter(h.category for h in population)
    assert set(categories) == CATEGORY_CODES
    at_risk = categories["interpreter"] + categories["former_employee"]
    assert at_risk > categories["citizen"] + categories["permanent_resident"]


def test_children_carry_their_fathers_given_name_as_father_name():
    population = generate_population(households=500, seed=0)
    checked = 0
    for household in population:
        head = household.head
        if head.sex != "male":
            continue
        for child in household.members:
            if child.relationship_to_head in {"son", "daughter"}:
                assert child.father_name == head.given_name
                assert child.family_name == head.family_name
                checked += 1
    assert checked > 500


def test_population_contains_twins_namesakes_and_shared_phones():
    population = generate_population(households=3000, seed=0)
    twins = namesakes = shared_phones = 0
    for household in population:
        children = [m for m in household.members if m.relationship_to_head in {"son", "daughter"}]
        births = collections.Counter(c.birth_date for c in children)
        twins += sum(1 for n in births.values() if n > 1)
        namesakes += sum(
            1
            for c in children
            if c.sex == "male"
            and household.head.sex == "male"
            and c.given_name == household.head.given_name
        )
        phones = collections.Counter(m.phone for m in household.members if m.phone)
        shared_phones += any(n > 1 for n in phones.values())
    assert twins > 20
    assert namesakes > 50
    assert shared_phones > 1000


def test_identifiers_have_afghan_shapes():
    population = generate_population(households=300, seed=0)
    people = [p for h in population for p in h.members]
    phones = [p.phone for p in people if p.phone]
    assert all(p.startswith("+937") and len(p) == 12 for p in phones)
    passports = [p.passport_number for p in people if p.passport_number]
    assert all(p[0] == "P" and p[1:].isdigit() and len(p) == 9 for p in passports)
    tazkiras = [p.tazkira_number for p in people if p.tazkira_number]
    assert any(t.count("-") == 2 for t in tazkiras)
    assert any(t.isdigit() for t in tazkiras)
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in p.name_native) for p in people)
