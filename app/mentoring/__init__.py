"""Mentoring: mentor profiles, the cohort matcher (`app.mentoring.matching`, database-free), pairs and meetings."""
