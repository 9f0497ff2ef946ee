"""Evidence book for Region Västmanland's maternity care chain.

The package holds every computation the book shows; notebooks only narrate.
"""

__version__ = "0.1.0"
