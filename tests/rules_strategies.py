"""Hypothesis strategies for valid applicant profiles, built from the vocabulary."""

from hypothesis import strategies as st

from rules_engine import vocabulary

years = st.one_of(st.integers(0, 40), st.floats(0, 40, allow_nan=False).map(lambda x: round(x, 1)))

FIELDS = {
    "region": st.sampled_from(vocabulary.REGIONS),
    "skill_grade": st.sampled_from(vocabulary.skill_grades()),
    "skill_years": years,
    "title_level": st.sampled_from(vocabulary.title_levels()),
    "title_years": years,
    "professional_years": years,
    "series": st.sampled_from(vocabulary.series() + ("体育", "翻译")),
    "awards": st.lists(st.sampled_from(vocabulary.awards()), max_size=3),
    "assessment_ok": st.booleans(),
    "retired": st.booleans(),
    "under_investigation": st.booleans(),
    "demerit_punishment": st.booleans(),
    "integrity_record": st.booleans(),
    "skill_school_class": st.sampled_from(vocabulary.skill_school_classes()),
    "graduation_year": st.integers(1990, 2026),
    "stayed_in_region": st.booleans(),
    "degree": st.sampled_from(vocabulary.degrees()),
    "overseas_talent": st.booleans(),
    "related_diploma": st.booleans(),
}


@st.composite
def profiles(draw):
    keys = draw(st.sets(st.sampled_from(sorted(FIELDS)), max_size=len(FIELDS)))
    profile = {k: draw(FIELDS[k]) for k in keys}
    if draw(st.booleans()):
        profile["fraud_count"] = draw(st.integers(0, 3))
        if profile["fraud_count"] and draw(st.booleans()):
            profile["fraud_year"] = draw(st.integers(2015, 2026))
    if draw(st.booleans()):
        profile["application_year"] = draw(st.integers(2021, 2030))
    year = profile.get("application_year", 2026)
    for key in ("graduation_year", "fraud_year"):  # a year after the application year is refused
        if key in profile:
            profile[key] = min(profile[key], year)
    return profile
