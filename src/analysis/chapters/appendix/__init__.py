"""Appendix pages: the births data contract ("Dataformat") and the synthetic cohort's calibration ("Kalibrering").

Two pages share this chapter; ``page.py`` has one entry point per page.
"""
