"""Summary ("Sammanfattning"): what each option A–D means, in a few key messages with how sure each is, read from the option and comparison pages' results."""
