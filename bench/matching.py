"""The mentor matcher on generated cohorts (fixed seed), scoring included: 2,000 participants × 300 mentors
(capacities 1–8) → `matching.solve_s` and `matching.peak_mb`; 10,000 × 1,000 → `matching.national_solve_s`.

Run alone: `.venv/bin/python bench/matching.py` prints the figures as JSON.
"""

import json
import random
import subprocess
import sys
import time
import tracemalloc
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.i18n import TimeZone  # noqa: E402
from app.core.vocab import Subsector  # noqa: E402
from app.mentoring.matching import Hours, Mentor, Participant, solve  # noqa: E402

SEED = 20250611
FUNCTIONS = ("marketing", "finance", "export", "digital", "branding", "legal", "operations", "fundraising",
             "pricing", "sales")
SUBSECTORS = tuple(Subsector)


def cohort(participants: int, mentors: int, seed: int = SEED) -> tuple[list[Participant], list[Mentor]]:
    """Denpasar participants (all speak Indonesian, 60% English too) and mentors, 70% in Darwin speaking English
    (a fifth of them Indonesian too), 30% in Denpasar speaking both; office hours starting 07:00–10:30."""
    rng = random.Random(seed)

    def hours() -> Hours:
        start = rng.choice(range(7 * 60, 11 * 60, 30))
        return Hours(clock_time(start // 60, start % 60), clock_time((start + 480) // 60 % 24, start % 60))

    mentor_list = []
    for n in range(mentors):
        darwin = rng.random() < 0.7
        languages = {"en", "id"} if not darwin or rng.random() < 0.2 else {"en"}
        mentor_list.append(Mentor(
            id=n + 1, subsectors=rng.sample(SUBSECTORS, rng.randint(1, 4)), functions=rng.sample(FUNCTIONS, 3),
            languages=languages, capacity=rng.randint(1, 8), hours=hours(),
            zone=TimeZone.DARWIN if darwin else TimeZone.DENPASAR))
    participant_list = []
    for n in range(participants):
        languages = {"id", "en"} if rng.random() < 0.6 else {"id"}
        participant_list.append(Participant(
            id=n + 1, subsectors=rng.sample(SUBSECTORS, rng.randint(1, 3)), topics=rng.sample(FUNCTIONS, 2),
            languages=languages, preferred_language=rng.choice(sorted(languages)), hours=hours(),
            zone=TimeZone.DENPASAR, preferred_mentors=rng.sample(range(1, mentors + 1), rng.randint(0, 3))))
    return participant_list, mentor_list


def timed_solve(participants: int, mentors: int) -> tuple[float, object]:
    people, offers = cohort(participants, mentors)
    start = time.perf_counter()
    result = solve(people, offers)
    return time.perf_counter() - start, result


def peak_rss_mb() -> float:
    """VmHWM of a fresh process that generates the 2,000 × 300 cohort and solves it (interpreter and libraries
    included)."""
    code = ("from bench.matching import timed_solve; timed_solve(2000, 300); "
            "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,  # noqa: S603
                         cwd=ROOT)
    return round(int(out.stdout.strip()) / 1024, 1)


def measure() -> dict[str, float]:
    timed_solve(200, 30)  # warm-up: imports, BLAS threads
    times = []
    for _ in range(3):
        elapsed, result = timed_solve(2000, 300)
        times.append(elapsed)
    people, offers = cohort(2000, 300)
    tracemalloc.start()
    solve(people, offers)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    national_s, national = timed_solve(10_000, 1_000)
    return {
        "matching.solve_s": round(min(times), 3),
        "matching.matched": result.matched,
        "matching.total_score": result.total_score,
        "matching.peak_mb": round(peak / 2**20, 1),
        "matching.peak_rss_mb": peak_rss_mb(),
        "matching.national_solve_s": round(national_s, 2),
        "matching.national_matched": national.matched,
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2, sort_keys=True))
