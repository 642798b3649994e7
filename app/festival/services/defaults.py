"""The questions and rubric a new call starts with, per kind; staff edit them afterwards."""

from app.festival.models import Call, CallQuestion, RubricCriterion
from app.festival.models.call import QuestionKind as Q
from app.festival.vocab import CallKind

# key, kind, required, max length, label (id, en), help (id, en)
QUESTIONS: dict[CallKind, list[tuple]] = {
    CallKind.BAZAAR: [
        ("products", Q.LONG_TEXT, True, 1000, ("Produk yang akan dijual", "Products you will sell"),
         ("Sebutkan produk utama Anda.", "List your main products.")),
        ("price_range", Q.SHORT_TEXT, True, 100, ("Kisaran harga (Rp)", "Price range (IDR)"),
         ("Contoh: Rp 15.000 – Rp 75.000", "For example: IDR 15,000 – 75,000")),
        ("needs_power", Q.SHORT_TEXT, False, 200, ("Kebutuhan listrik", "Power needs"),
         ("Peralatan listrik yang akan dipakai di stan.", "Electrical equipment you will use at the stall.")),
    ],
    CallKind.PITCHING: [
        ("pitch_summary", Q.LONG_TEXT, True, 1500, ("Ringkasan pitch", "Pitch summary"),
         ("Masalah, solusi, pelanggan, dan model bisnis Anda.",
          "The problem, your solution, your customers and your business model.")),
        ("deck", Q.PDF, True, 0, ("Pitch deck (PDF)", "Pitch deck (PDF)"),
         ("Unggah di langkah berkas, maksimal 10 MB.", "Upload it in the files step, up to 10 MB.")),
        ("funding_need", Q.SHORT_TEXT, False, 200, ("Kebutuhan dana", "Funding need"), ("", "")),
    ],
    CallKind.SHOWCASE: [
        ("showcase_plan", Q.LONG_TEXT, True, 1500, ("Rencana pertunjukan/pameran", "Showcase plan"),
         ("Apa yang akan Anda tampilkan, berapa lama, dan kebutuhan ruangnya.",
          "What you will show, for how long, and the space you need.")),
        ("portfolio_link", Q.URL, False, 300, ("Tautan portofolio", "Portfolio link"), ("", "")),
    ],
}

# name (id, en), weight
CRITERIA: dict[CallKind, list[tuple]] = {
    CallKind.BAZAAR: [
        (("Kualitas produk", "Product quality"), 3),
        (("Kreativitas dan keunikan", "Creativity and originality"), 2),
        (("Kesiapan usaha", "Business readiness"), 2),
        (("Kearifan lokal Bali", "Local Balinese character"), 1),
    ],
    CallKind.PITCHING: [
        (("Masalah dan solusi", "Problem and solution"), 3),
        (("Pasar dan model bisnis", "Market and business model"), 3),
        (("Tim", "Team"), 2),
        (("Dampak sosial", "Social impact"), 1),
    ],
    CallKind.SHOWCASE: [
        (("Kreativitas", "Creativity"), 3),
        (("Kualitas karya", "Quality of the work"), 3),
        (("Kelayakan pertunjukan", "Feasibility"), 1),
    ],
}


def add_defaults(call: Call) -> None:
    for position, (key, kind, required, max_length, (label_ind, label_en), (help_ind, help_en)) in enumerate(
        QUESTIONS[call.kind]
    ):
        call.questions.append(CallQuestion(
            key=key, kind=kind, required=required, max_length=max_length, position=position,
            label_ind=label_ind, label_en=label_en, help_ind=help_ind, help_en=help_en,
        ))
    for position, ((name_ind, name_en), weight) in enumerate(CRITERIA[call.kind]):
        call.criteria.append(RubricCriterion(name_ind=name_ind, name_en=name_en, weight=weight, position=position))
