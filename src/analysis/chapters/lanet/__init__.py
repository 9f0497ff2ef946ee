"""Chapter "Länet idag": the county's municipalities, towns and care sites, and who lives where.

Everything here is published geography or a flagged estimate from ``geodata/``; no individual data is involved.
"""
