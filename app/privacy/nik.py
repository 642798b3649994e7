"""NIK shown masked: the first 4 digits (province and regency) and the last 4, the rest hidden.

Every page that shows a NIK after it was typed goes through `masked` (the Jinja filter `nik_masked`); the full number
is shown only on the reveal page, to staff holding the data-officer role, and each reveal is logged."""

MASK_CHARACTER = "*"


def masked(nik: str | None) -> str:
    """`5171********0001`; an empty value stays empty (the template shows its dash)."""
    if not nik:
        return ""
    if len(nik) <= 8:  # nothing that short is stored (the column holds 16 digits); hide it whole
        return MASK_CHARACTER * len(nik)
    return nik[:4] + MASK_CHARACTER * (len(nik) - 8) + nik[-4:]
