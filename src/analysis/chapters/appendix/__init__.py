"""Appendix pages: the births data contract ("Dataformat"), the synthetic cohort's calibration ("Kalibrering") and
the options model's assumptions and shared method ("Antaganden").

Three pages share this chapter; ``page.py`` has one entry point per page.
"""
