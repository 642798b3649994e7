"""Personal data as UU 27/2022 asks: consent with its text's version, a guardian's consent under 18, masked NIK,
a person's own data to download or erase, and retention."""
