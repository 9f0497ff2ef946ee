"""Chapter "Vad har ändrats": which key figures moved between two editions of the book (results JSON diff)."""
