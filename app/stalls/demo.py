"""Demo ground for `flask seed-demo`: three zones and 36 stalls, laid out through the same CSV import staff use,
and a booking window that is open while the demo runs."""

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.core.clock import now_utc
from app.extensions import db
from app.festival.models import Edition
from app.stalls.models import Stall, Zone
from app.stalls.services.layout import create_zone, save_settings
from app.stalls.services.layout_csv import import_stalls

ZONES = [  # code, Indonesian name, English name, colour, stall letter, price, power surcharge
    ("kuliner", "Kuliner", "Culinary", "#aa3300", "A", 750_000, 150_000),
    ("kriya", "Kriya", "Crafts", "#2f6f4e", "B", 500_000, 100_000),
    ("fesyen", "Fesyen", "Fashion", "#5b3f8c", "C", 600_000, 100_000),
]


def _csv() -> str:
    lines = ["zone,code,width_m,depth_m,price,power_watts,power_surcharge,corner,x,y,w,h"]
    for row, (code, _ind, _en, _colour, letter, price, surcharge) in enumerate(ZONES):
        for n in range(12):
            x, y = n % 6 * 2, row * 5 + n // 6 * 2
            corner = "yes" if n in (0, 5, 6, 11) else "no"
            power = 900 if code == "kuliner" or n % 3 == 0 else 0
            lines.append(f"{code},{letter}-{n + 1:02d},3,3,{price},{power},{surcharge if power else 0},{corner},"
                         f"{x},{y},2,2")
    return "\n".join(lines) + "\n"


def seed_demo_ground(staff: User) -> None:
    """Lay out the demo edition's ground once (nothing if it has stalls already)."""
    edition = db.session.scalar(select(Edition).where(Edition.slug == "dyf-demo"))
    if edition is None or db.session.scalar(select(Stall.id).where(Stall.edition_id == edition.id)):
        return
    existing = set(db.session.scalars(select(Zone.code).where(Zone.edition_id == edition.id)))
    for position, (code, name_ind, name_en, colour, _letter, _price, _surcharge) in enumerate(ZONES):
        if code not in existing:
            create_zone(staff, edition, code=code, name_ind=name_ind, name_en=name_en, colour=colour,
                        position=position)
    import_stalls(staff, edition, _csv().encode())
    today = now_utc()
    save_settings(staff, edition, booking_opens_at=today - timedelta(days=1),
                  booking_closes_at=today + timedelta(days=60), hold_minutes=30, hold_cap_minutes=15,
                  full_refund_days=14, partial_refund_days=7, partial_refund_percent=50)
