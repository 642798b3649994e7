"""The consent texts, one entry per version, in code and not in the translation catalogues: a version freezes the
exact words a person agreed to, and a catalogue update must never change what a stored consent means.

Indonesian is the authoritative text; English is its translation. Changing a word means a new version (a new key,
and CURRENT_VERSION pointing at it); an old version is never edited or removed while consent rows name it.
"""

from dataclasses import dataclass

AUTHORITATIVE = "id"


@dataclass(frozen=True)
class ConsentText:
    version: str
    applicant: dict[str, str]  # locale → the applicant's consent
    guardian: dict[str, str]  # locale → what a parent or guardian adds, with {applicant} for the applicant's name

    def for_applicant(self, locale: str) -> str:
        return self.applicant.get(locale) or self.applicant[AUTHORITATIVE]

    def for_guardian(self, locale: str, applicant: str) -> str:
        return (self.guardian.get(locale) or self.guardian[AUTHORITATIVE]).format(applicant=applicant)


TEXTS = {
    "2026-12": ConsentText(
        version="2026-12",
        applicant={
            "id": (
                "Saya setuju bahwa Pemerintah Kota Denpasar (tim program D'Youth) memproses data pribadi dalam "
                "pendaftaran saya, yaitu nama, kontak, tanggal lahir, NIK, kecamatan, data usaha, dan berkas yang "
                "saya unggah, untuk menilai pendaftaran saya, menghubungi saya tentang D'Youth Festival dan program "
                "inkubator, serta menyusun statistik program secara agregat. Saya memahami bahwa, jika saya "
                "mengikuti inkubator, mentor dari organisasi mitra di Darwin, Australia, akan melihat data yang "
                "diperlukan untuk pendampingan (nama, data usaha, kebutuhan, dan kontak yang saya pilih untuk "
                "dibagikan); ini merupakan transfer data pribadi ke luar wilayah Indonesia. Data saya disimpan "
                "selama 24 bulan setelah edisi festival ditutup, lalu dihapus. Saya dapat melihat, mengunduh, "
                "memperbaiki, atau menghapus data saya dan menarik persetujuan ini kapan saja, sebagaimana "
                "dijelaskan dalam pemberitahuan privasi. Teks persetujuan berbahasa Indonesia adalah teks yang "
                "berlaku."
            ),
            "en": (
                "I agree that the Government of the City of Denpasar (the D'Youth programme team) processes the "
                "personal data in my application, namely my name, contact details, date of birth, NIK, district, "
                "business details and uploaded files, to assess my application, to contact me about the D'Youth "
                "Festival and the incubator, and to compile programme statistics in aggregate. I understand that, "
                "if I join the incubator, mentors from partner organisations in Darwin, Australia, will see the "
                "data needed for mentoring (my name, business details, needs and the contact details I choose to "
                "share); this is a transfer of personal data outside Indonesia. My data is kept for 24 months after "
                "the festival edition closes and is then deleted. I may see, download, correct or delete my data "
                "and withdraw this consent at any time, as the privacy notice explains. The Indonesian text of this "
                "consent is the authoritative one."
            ),
        },
        guardian={
            "id": (
                "Saya, orang tua atau wali dari {applicant} yang belum berusia 18 tahun, menyetujui keikutsertaannya "
                "dalam D'Youth Festival dan pemrosesan data pribadinya sesuai teks persetujuan di bawah ini."
            ),
            "en": (
                "I, the parent or legal guardian of {applicant}, who is under 18, agree to their taking part in the "
                "D'Youth Festival and to the processing of their personal data under the consent text below."
            ),
        },
    ),
}

CURRENT_VERSION = "2026-12"


def text(version: str = CURRENT_VERSION) -> ConsentText:
    return TEXTS[version]
