"""Datakvalitet: which units (region and year) of a births extract are fit to compare, and which are left out and why."""
