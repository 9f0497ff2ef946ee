"""Options A–D: the report's four ways to a närsjukvård level turned into numbers, and their comparison."""
