"""Small random matching instances for the property tests, and a brute-force optimum to compare against."""

from datetime import time

from hypothesis import strategies as st

from app.mentoring.matching import Hours, Mentor, Participant, Weights, explain

LANGUAGES = ("id", "en", "fr")
SUBSECTORS = ("crafts", "culinary", "music", "fashion")
TOPICS = ("marketing", "finance", "export")
ZONES = ("Asia/Makassar", "Australia/Darwin")

hours = st.builds(lambda start, length: Hours(time(start // 2, 30 * (start % 2)),
                                              time((start + length) // 2 % 24, 30 * ((start + length) % 2))),
                  st.integers(0, 47), st.integers(1, 20))
languages = st.sets(st.sampled_from(LANGUAGES), min_size=1, max_size=2)


@st.composite
def instances(draw, max_participants=6, max_mentors=4, max_capacity=3):
    """(participants, mentors, pins, forbidden): pins always honourable (shared language, not forbidden, within
    capacity), so that the solver must succeed."""
    mentor_count = draw(st.integers(0, max_mentors))
    mentors = [Mentor(id=100 + n, subsectors=draw(st.sets(st.sampled_from(SUBSECTORS), max_size=2)),
                      functions=draw(st.sets(st.sampled_from(TOPICS), max_size=2)), languages=draw(languages),
                      capacity=draw(st.integers(1, max_capacity)), hours=draw(hours), zone=draw(st.sampled_from(ZONES)))
               for n in range(mentor_count)]
    mentor_ids = [m.id for m in mentors]
    participants = []
    for n in range(draw(st.integers(0, max_participants))):
        spoken = draw(languages)
        participants.append(Participant(
            id=n + 1, subsectors=draw(st.sets(st.sampled_from(SUBSECTORS), max_size=2)),
            topics=draw(st.sets(st.sampled_from(TOPICS), max_size=2)), languages=spoken, hours=draw(hours),
            zone=draw(st.sampled_from(ZONES)), preferred_language=draw(st.sampled_from(sorted(spoken)) | st.none()),
            preferred_mentors=draw(st.permutations(mentor_ids)).__getitem__(slice(draw(st.integers(0, 3))))))
    pairs = [(p.id, m.id) for p in participants for m in mentors]
    forbidden = set(draw(st.lists(st.sampled_from(pairs), max_size=4))) if pairs else set()
    pins, load = {}, {}
    by_id = {m.id: m for m in mentors}
    for p_id, m_id in (draw(st.lists(st.sampled_from(pairs), max_size=3)) if pairs else []):
        participant = participants[p_id - 1]
        mentor = by_id[m_id]
        if (p_id not in pins and (p_id, m_id) not in forbidden and participant.languages & mentor.languages
                and load.get(m_id, 0) < mentor.capacity):
            pins[p_id] = m_id
            load[m_id] = load.get(m_id, 0) + 1
    return participants, mentors, pins, forbidden


def allowed(participant, mentor, forbidden) -> bool:
    return bool(participant.languages & mentor.languages) and (participant.id, mentor.id) not in forbidden


def brute_force(participants, mentors, pins, forbidden, weights=None) -> tuple[int, int]:
    """(pairs, total score) of the best assignment, by trying every one: each participant takes an allowed mentor
    with a seat left, or none; pinned participants take their pin."""
    weights = weights or Weights()
    scores = {(p.id, m.id): explain(p, m, weights).score for p in participants for m in mentors}
    seats = {m.id: m.capacity for m in mentors}
    best = (0, 0)

    def walk(index: int, count: int, total: int) -> None:
        nonlocal best
        if index == len(participants):
            best = max(best, (count, total))
            return
        participant = participants[index]
        options = [pins[participant.id]] if participant.id in pins else [
            m.id for m in mentors if allowed(participant, m, forbidden)]
        for mentor_id in options:
            if seats[mentor_id]:
                seats[mentor_id] -= 1
                walk(index + 1, count + 1, total + scores[participant.id, mentor_id])
                seats[mentor_id] += 1
        if participant.id not in pins:
            walk(index + 1, count, total)

    walk(0, 0, 0)
    return best
